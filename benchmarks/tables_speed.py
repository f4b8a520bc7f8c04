"""Time to read and recognise each sample (the work behind `budgetaudit tables FILE`).

Run: python benchmarks/tables_speed.py [REPEATS]
Prints the median wall time per sample over REPEATS runs (default 7), in-process.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from budgetaudit.loader import load_document

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    load_document(next((ROOT / "samples").glob("*.txt")))  # warm imports and caches
    print(f"{'sample':<34} {'lines':>6} {'tables':>6} {'median ms':>10}")
    for path in sorted((ROOT / "samples").glob("*.txt")):
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            doc = load_document(path)
            times.append(time.perf_counter() - start)
        print(f"{path.name:<34} {len(doc.lines):>6} {len(doc.tables):>6} {statistics.median(times) * 1000:>10.1f}")


if __name__ == "__main__":
    main()
