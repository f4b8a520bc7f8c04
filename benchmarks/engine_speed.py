"""The Dask engine against --jobs on one machine: the 500-document batch, both throughputs.

    python benchmarks/engine_speed.py [--copies N] [--workers N] [--runs N] [--scheduler ADDRESS]

Builds the batch of audit_speed.py (COPIES copies of each sample, default 100: 500 documents, each
copy different so that nothing is shared through the cache), then runs through the real CLI, in
turns, RUNS times each (default 3):

    budgetaudit check BATCH --format json --no-cache --jobs N
    budgetaudit check BATCH --format json --no-cache --jobs N --engine dask   (a LocalCluster of N workers)

and prints each one's wall and CPU time and documents per second (medians), the ratio of the
engine's wall time to --jobs' (target ≤ 1.3), whether the JSON reports are byte-identical, and what
the figures mean for a national run (documents per hour per core). The engine's wall time includes
starting the cluster (a scheduler and N worker processes) and stopping it. With --scheduler, the
engine runs on that cluster instead (the batch is sent as bytes when its workers cannot see it).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from audit_speed import cli_run, differing, make_batch, timing  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=100, help="copies of each sample (default 100: 500 documents)")
    parser.add_argument("--workers", type=int, default=2, help="--jobs N and the LocalCluster's workers (default 2)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each, in turns (default 3)")
    parser.add_argument("--scheduler", help="a running Dask scheduler to use instead of a LocalCluster")
    args = parser.parse_args()
    try:
        import distributed
    except ImportError:
        sys.exit("Dask distributed is not installed: pip install 'budgetaudit[dask]'")

    with tempfile.TemporaryDirectory(prefix="budgetaudit-engine-bench-") as tmp:
        folder = Path(tmp) / "docs"
        folder.mkdir()
        count = make_batch(folder, args.copies)
        env = dict(os.environ, BUDGETAUDIT_CACHE_DIR=str(Path(tmp) / "cache"))
        engine = ["--engine", "dask"] + (["--scheduler", args.scheduler] if args.scheduler else [])
        print(f"Batch of {count} text documents through the CLI (--format json --no-cache), {args.workers} workers,"
              f" {args.runs} runs each in turns · Dask distributed {distributed.__version__} ·"
              f" {os.cpu_count()} CPUs · load average {os.getloadavg()[0]:.1f}")
        local, dask = [], []
        reports = set()
        first = None
        for _ in range(args.runs):
            wall, cpu, report = cli_run(folder, args.workers, "--no-cache", env=env)
            local.append((wall, cpu))
            first = first or report
            reports.add(report)
            wall, cpu, report = cli_run(folder, args.workers, "--no-cache", *engine, env=env)
            dask.append((wall, cpu))
            if report != first:
                differing(first, report)
            reports.add(report)
        lw, lc = statistics.median(w for w, _ in local), statistics.median(c for _, c in local)
        dw, dc = statistics.median(w for w, _ in dask), statistics.median(c for _, c in dask)
        print(timing(f"--jobs {args.workers}", lw, lc, count))
        print(timing("--engine dask", dw, dc, count))
        print(f"   engine wall / --jobs wall: {dw / lw:.2f} (target ≤ 1.3); CPU: {dc / lc:.2f}"
              f"   (all runs, wall s: --jobs {', '.join(f'{w:.2f}' for w, _ in local)};"
              f" dask {', '.join(f'{w:.2f}' for w, _ in dask)})")
        print(f"   JSON byte-identical across all {2 * args.runs} runs: {'yes' if len(reports) == 1 else 'NO'}"
              f" ({len(first):,} bytes)")
        per_core = count / dc * 3600
        print(f"   national sketch: {per_core:,.0f} of these documents per hour per core (engine CPU time);"
              f" 100,000 documents in 8 hours need {100_000 / 8 / per_core:.1f} cores at this rate")
        print(f"   (load average now: {', '.join(f'{x:.1f}' for x in os.getloadavg())})")


if __name__ == "__main__":
    main()
