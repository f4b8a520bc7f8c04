"""The long fuzz run of issue 11: ``python tools/fuzz.py --cases 1000 --seed 1``.

Builds that many hostile cases (tests/fuzz/hostile.py says which and what the contract is), runs
them two at a time under an address-space limit and a time limit, and prints one line per case
that broke the contract, then the counts. Exit 0 when no case broke it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fuzz.hostile import run_many  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--parallel", type=int, default=2)
    args = parser.parse_args()
    started = time.monotonic()
    kinds: Counter = Counter()
    codes: Counter = Counter()
    slowest: list[tuple[float, str]] = []

    def report(outcome) -> None:
        kinds[outcome.case.name.split("-", 1)[1].split("-")[0]] += 1
        codes[outcome.code] += 1
        slowest.append((outcome.seconds, outcome.case.name))
        done = sum(kinds.values())
        if outcome.problems:
            print(f"BROKEN {outcome.case.name} {outcome.case.argv}: {'; '.join(outcome.problems)}", flush=True)
        if done % 100 == 0:
            print(f"… {done} cases, {time.monotonic() - started:.0f} s", flush=True)

    with tempfile.TemporaryDirectory(prefix="budgetaudit-fuzz-") as tmp:
        outcomes = run_many(args.cases, args.seed, Path(tmp), args.parallel, report)
    problems = Counter(p.split(":")[0] for o in outcomes for p in o.problems)
    print(f"cases: {len(outcomes)} in {time.monotonic() - started:.0f} s (seed {args.seed})")
    print("by kind: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    print("exit codes: " + ", ".join(f"{k} ×{n}" for k, n in sorted(codes.items(), key=lambda x: str(x[0]))))
    print("slowest: " + ", ".join(f"{name} {s:.1f} s" for s, name in sorted(slowest, reverse=True)[:5]))
    for name in ("traceback", "internal error", "exit code", "error line names no file", "exit 2 without an error line",
                 "input modified", "hang"):
        print(f"{name}: {problems.get(name, 0)}")
    broken = sum(1 for o in outcomes if o.problems)
    print(f"broken: {broken} of {len(outcomes)}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
