"""PDF reading cost: budgetaudit's read_pdf against pdfplumber's own reading of the same file.

For every PDF in ../shared/pdfs (beside the repository) prints the median wall time of
  * pdfplumber: open + extract_text() + extract_tables() for every page (the reference cost);
  * read_pdf:   budgetaudit.readers.pdf.read_pdf (lines with pages, tables as rows);
  * audit:      budgetaudit.loader.load_document (read_pdf + table recognition), when it loads;
and the ratios to the reference. The target is audit / pdfplumber <= 1.3.

Two clocks: wall time, and CPU time of this process plus its children (read_pdf reads in a forked
child). CPU time is what a file costs; it is also steady when other work loads the machine.

    python benchmarks/pdf_reading.py [--runs N] [FILE.pdf ...]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from budgetaudit.readers.pdf import read_pdf  # noqa: E402


def pdfplumber_reading(path: Path) -> None:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.extract_tables()


def full_audit(path: Path) -> None:
    from budgetaudit.loader import load_document

    load_document(path)


def cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def median_times(fns, path: Path, runs: int) -> list[tuple[float, float]]:
    """Median (wall, CPU) seconds of each contender; runs interleave so machine load hits all alike."""
    walls: list[list[float]] = [[] for _ in fns]
    cpus: list[list[float]] = [[] for _ in fns]
    for _ in range(runs):
        for i, fn in enumerate(fns):
            wall, cpu = time.perf_counter(), cpu_seconds()
            fn(path)
            walls[i].append(time.perf_counter() - wall)
            cpus[i].append(cpu_seconds() - cpu)
    return [(statistics.median(w), statistics.median(c)) for w, c in zip(walls, cpus, strict=True)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    files = args.files or sorted((ROOT.parent / "shared" / "pdfs").glob("*.pdf"))
    if not files:
        print("no PDFs found (expected ../shared/pdfs beside the repository)")
        return 1
    import pdfplumber  # import cost is not part of reading a file

    pdfplumber_reading(files[0])  # warm caches (fonts, cmaps) once for every contender
    try:
        full_audit(files[0])
        audit_ok = True
    except Exception as exc:  # noqa: BLE001 - the recogniser may not be there yet
        print(f"(audit not measured: {type(exc).__name__}: {exc})")
        audit_ok = False
    header = f"{'file':34} {'pages':>5} {'clock':>5} {'pdfplumber':>10} {'read_pdf':>9} {'ratio':>6}"
    print(header + (f" {'audit':>8} {'ratio':>6}" if audit_ok else ""))
    for path in files:
        with pdfplumber.open(path) as pdf:
            pages = len(pdf.pages)
        contenders = [pdfplumber_reading, read_pdf] + ([full_audit] if audit_ok else [])
        results = median_times(contenders, path, args.runs)
        for clock, k in (("wall", 0), ("cpu", 1)):
            base, ours, *rest = (r[k] for r in results)
            row = f"{path.name[:34]:34} {pages:5d} {clock:>5} {base:9.2f}s {ours:8.2f}s {ours / base:6.2f}"
            if rest:
                row += f" {rest[0]:7.2f}s {rest[0] / base:6.2f}"
            print(row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
