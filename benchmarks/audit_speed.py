"""How fast audits are, on this machine: single documents, PDFs against pdfplumber, batches, the cache.

    python benchmarks/audit_speed.py [--frozen] [--runs N] [--copies N] [--jobs N] [--skip-batch] [--profile]

Prints
  1. the median time to audit each sample text in-process (read + recognise + all rules);
  2. the same for each PDF in ../shared/pdfs and ../shared/corpus (skipped when absent), beside
     pdfplumber's own reading of it (open + extract_text + extract_tables on every page: what an
     audit cost when it read PDFs with pdfplumber; timed in a process of its own, see timed_alone) and
     PDFium's bare text read (open + every page's text: the floor a PDF audit stands on), and the
     ratios of the audit to each;
  3. throughput of `budgetaudit check --format json --no-cache` through the real CLI over a batch
     of COPIES copies of each sample (made in a temporary folder) with --jobs 1 and --jobs N, and
     whether the two JSON reports are byte-identical;
  4. a cold run (empty cache) against a cached re-run over the same batch.
Single-document figures are given in wall time and in CPU time (this process plus the children it
waited for; the PDF reader reads in a forked child): CPU time is the work, and holds steady when
other jobs load the machine. --profile prints where the time of the sample audits goes: CPU time
per layer (reading, table recognition, the prose claims, the rules by kind) and cProfile's top
functions.

--frozen measures the last commit (HEAD), exported to a temporary folder, instead of the working
tree: in a tree that others edit, the code could otherwise change between the --jobs 1 and the
--jobs N run, and their reports would differ for that reason alone.

Each copy ends in a different number of blank lines, so no two files share content: the cache is
keyed by content, and identical copies would make the "cold" run partly warm.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PDFS = Path(os.environ.get("BUDGETAUDIT_BENCH_PDFS", ROOT.parent / "shared" / "pdfs"))
CORPUS = Path(os.environ.get("BUDGETAUDIT_BENCH_CORPUS", ROOT.parent / "shared" / "corpus"))
sys.path.insert(0, str(ROOT))

from budgetaudit.audit import audit_file  # noqa: E402
from budgetaudit.batch import default_jobs  # noqa: E402
from budgetaudit.rules import load_rules  # noqa: E402


def cpu_seconds() -> float:
    """This process, its finished children and the PDF reader process it keeps (pdf_guard)."""
    from budgetaudit.readers.pdf_guard import reader_cpu_seconds

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime + reader_cpu_seconds()


def medians(fn, runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds of ``fn()`` over ``runs`` calls."""
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), cpu_seconds()
        fn()
        cpus.append(cpu_seconds() - cpu)
        walls.append(time.perf_counter() - wall)
    return statistics.median(walls), statistics.median(cpus)


def pad(text: str, width: int) -> str:
    """``text`` cut or filled to ``width`` terminal columns (a Chinese character takes two)."""
    import unicodedata

    out, used = "", 0
    for ch in text:
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used + w > width - 1 and len(text) > len(out) + 1:
            return out + "…" + " " * (width - used - 1)
        out, used = out + ch, used + w
    return out + " " * (width - used)


def interleaved(fns: list, runs: int) -> list[tuple[float, float]]:
    """Medians (wall, CPU) of functions run in turns, so a change in the machine's load hits all alike.
    A function may time itself (``timed_alone``): then it returns its (wall, CPU) seconds."""
    times: list[list[tuple[float, float]]] = [[] for _ in fns]
    for _ in range(runs):
        for slot, fn in enumerate(fns):
            wall, cpu = time.perf_counter(), cpu_seconds()
            own = fn()
            elapsed = (time.perf_counter() - wall, cpu_seconds() - cpu)
            times[slot].append(own if isinstance(fn, _TimedAlone) else elapsed)
    return [(statistics.median(w for w, _ in t), statistics.median(c for _, c in t)) for t in times]


class _TimedAlone:
    """A function that times itself (``timed_alone``)."""

    def __init__(self, run):
        self.run = run

    def __call__(self) -> tuple[float, float]:
        return self.run()


_OWN_PROCESS = None  # the process pdfplumber reads in (see timed_alone)


def timed_alone(path: Path) -> _TimedAlone:
    """pdfplumber's reading of ``path``, timed in a process of its own, started once (spawned, not
    forked): there its garbage is collected as in any program that reads with it. In this process,
    the tens of thousands of objects in reference cycles it leaves are collected during the next
    audit and charged to it; in a child forked per reading, this process's memory is shared
    copy-on-write while the child lives, and the audit after it pays a page fault per page it
    writes to (both made audits look 10–70% slower)."""
    def run() -> tuple[float, float]:
        global _OWN_PROCESS
        if _OWN_PROCESS is None:
            import multiprocessing

            _OWN_PROCESS = multiprocessing.get_context("spawn").Pool(1)
        return _OWN_PROCESS.apply(_plumber_timed, (str(path),))

    return _TimedAlone(run)


def _plumber_timed(path: str) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    pdfplumber_reading(Path(path))
    return time.perf_counter() - wall, time.process_time() - cpu


def pdfplumber_reading(path: Path) -> None:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.extract_tables()


def pdfium_reading(path: Path) -> None:
    """PDFium's bare text read: every page's characters as one string."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(path)
    try:
        for i in range(len(doc)):
            page = doc[i]
            textpage = page.get_textpage()
            textpage.get_text_range()
            textpage.close()
            page.close()
    finally:
        doc.close()


def single_documents(rules, runs: int) -> None:
    samples = sorted((ROOT / "samples").glob("*.txt"))
    audit_file(str(samples[0]), rules)  # warm imports and caches
    print(f"1. One text document, audited in-process (median of {runs})")
    print(f"   {'sample':<30} {'findings':>8} {'wall ms':>9} {'CPU ms':>9}")
    for path in samples:
        item = audit_file(str(path), rules)
        wall, cpu = medians(lambda p=path: audit_file(str(p), rules), runs)
        count = len(item.result.findings) if item.ok else "failed"
        print(f"   {path.name:<30} {count:>8} {wall * 1000:>9.1f} {cpu * 1000:>9.1f}")
    print()
    pdfs = sorted(PDFS.glob("*.pdf")) if PDFS.is_dir() else []
    pdfs += sorted(CORPUS.rglob("*.pdf")) if CORPUS.is_dir() else []
    if not pdfs:
        print(f"2. PDFs: skipped ({PDFS} and {CORPUS} are absent)\n")
        return
    pdf_runs = max(3, runs // 2)
    print(f"2. One PDF: audit (PDFium reader) against pdfplumber's own reading and PDFium's bare text read"
          f" (median of {pdf_runs}, in turns; wall seconds, CPU in the last two columns)")
    print(f"   {'file':<40} {'pages':>5} {'audit':>7} {'plumber':>7} {'pdfium':>7} {'a/plumb':>7} {'a/pdfium':>8}"
          f" {'audit CPU':>9} {'a/plumb CPU':>11}")
    import pypdfium2 as pdfium

    timed_alone(pdfs[0])()  # start pdfplumber's process and warm its imports
    pdfium_reading(pdfs[0])
    worst = 0.0
    for path in pdfs:
        with closing(pdfium.PdfDocument(path)) as pdf:
            pages = len(pdf)
        (audit_wall, audit_cpu), (floor_wall, floor_cpu), (bare_wall, _) = interleaved(
            [lambda p=path: audit_file(str(p), rules), timed_alone(path),
             lambda p=path: pdfium_reading(p)], pdf_runs)
        worst = max(worst, audit_wall / floor_wall)
        print(f"   {pad(path.name, 40)} {pages:>5} {audit_wall:>7.3f} {floor_wall:>7.2f} {bare_wall:>7.3f}"
              f" {audit_wall / floor_wall:>7.3f} {audit_wall / bare_wall:>8.1f} {audit_cpu:>9.3f} {audit_cpu / floor_cpu:>11.3f}")
    print(f"   largest audit / pdfplumber ratio: {worst:.3f} (target ≤ 0.2)")
    print()


def make_batch(folder: Path, copies: int) -> int:
    samples = sorted((ROOT / "samples").glob("*.txt"))
    for k in range(copies):
        for path in samples:
            text = path.read_text("utf-8")
            (folder / f"{k:04d}_{path.name}").write_text(text + "\n" * (k + 1), encoding="utf-8")
    return copies * len(samples)


def children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def cli_run(folder: Path, jobs: int, *extra: str, env: dict | None = None) -> tuple[float, float, bytes]:
    """Wall seconds, CPU seconds (the CLI and its workers) and JSON report of one `budgetaudit check`."""
    cmd = [sys.executable, "-m", "budgetaudit", "check", str(folder), "--format", "json",
           "--jobs", str(jobs), *extra]
    start, cpu = time.perf_counter(), children_cpu()
    done = subprocess.run(cmd, capture_output=True, env=env, cwd=ROOT)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"budgetaudit check failed ({done.returncode}): {done.stderr.decode()[-2000:]}")
    return elapsed, children_cpu() - cpu, done.stdout


def timing(label: str, wall: float, cpu: float, count: int) -> str:
    """CPUs used = CPU / wall: on a machine busy with other work it shows how much was granted."""
    return (f"   {label:<12} {wall:8.2f} s wall {cpu:8.2f} s CPU  {count / wall:6.1f} documents/s"
            f"  {cpu / wall:4.2f} CPUs used")


def differing(one: bytes, other: bytes) -> None:
    import json

    a, b = json.loads(one)["documents"], json.loads(other)["documents"]
    names = [x["path"] for x, y in zip(a, b, strict=False) if x != y]
    print(f"   {len(names)} of {len(a)} documents differ, e.g. {names[:3]}"
          " (did the code change during the run? --frozen measures a fixed commit)")


def batches(copies: int, jobs: int) -> None:
    with tempfile.TemporaryDirectory(prefix="budgetaudit-bench-") as tmp:
        folder = Path(tmp) / "docs"
        folder.mkdir()
        count = make_batch(folder, copies)
        env = dict(os.environ, BUDGETAUDIT_CACHE_DIR=str(Path(tmp) / "cache"))
        print(f"3. Batch of {count} text documents through the CLI (--format json --no-cache)")
        one, one_cpu, report_one = cli_run(folder, 1, "--no-cache", env=env)
        print(timing("--jobs 1", one, one_cpu, count))
        many, many_cpu, report_many = cli_run(folder, jobs, "--no-cache", env=env)
        print(timing(f"--jobs {jobs}", many, many_cpu, count) + f"   speed-up {one / many:.2f}×")
        print(f"   JSON byte-identical: {'yes' if report_one == report_many else 'NO'}"
              f" ({len(report_one):,} bytes)")
        if report_one != report_many:
            differing(report_one, report_many)
        print()
        print(f"4. Cache (--jobs {jobs}, cache in a fresh folder)")
        cold, cold_cpu, report_cold = cli_run(folder, jobs, env=env)
        warm, warm_cpu, report_warm = cli_run(folder, jobs, env=env)
        print(timing("cold run", cold, cold_cpu, count))
        print(timing("cached run", warm, warm_cpu, count) + f"   {cold / warm:.0f}× faster")
        same = report_cold == report_warm == report_many
        print(f"   reports identical to the uncached ones: {'yes' if same else 'NO'}")
        print(f"   (load average now: {', '.join(f'{x:.1f}' for x in os.getloadavg())})")
        shutil.rmtree(folder, ignore_errors=True)


def phases(rules, runs: int) -> None:
    """CPU ms per sample in each layer: reading, recognition, the prose claims, rules by kind."""
    from collections import defaultdict

    from budgetaudit.audit import applies
    from budgetaudit.readers.text import read_lines
    from budgetaudit.rules.facts import Facts
    from budgetaudit.rules.kinds import get as get_kind
    from budgetaudit.rules.prose import document_claims
    from budgetaudit.tables import recognize

    samples = sorted((ROOT / "samples").glob("*.txt"))
    table: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for _ in range(runs):
        for path in samples:
            row = table[path.name[:3]]
            t = time.process_time()
            lines = read_lines(path)
            row["read"].append(time.process_time() - t)
            t = time.process_time()
            doc = recognize(lines, str(path), source="text")
            row["recognise"].append(time.process_time() - t)
            facts = Facts(doc)
            t = time.process_time()
            document_claims(facts)
            row["prose claims"].append(time.process_time() - t)
            spent: dict[str, float] = defaultdict(float)
            for rule in rules:
                if applies(rule, doc):
                    t = time.process_time()
                    list(get_kind(rule.kind).run(rule, facts))
                    spent["rules: " + rule.kind] += time.process_time() - t
            for kind, seconds in spent.items():
                row[kind].append(seconds)
    names = sorted({n for row in table.values() for n in row},
                   key=lambda n: -sum(statistics.median(row[n]) for row in table.values() if n in row))
    print(f"Where one audit's CPU time goes (ms, median of {runs})")
    print(f"   {'phase':<28}" + "".join(f"{s:>8}" for s in table) + f"{'mean':>8}")
    for name in names:
        values = [statistics.median(row[name]) * 1000 if name in row else 0.0 for row in table.values()]
        print(f"   {name:<28}" + "".join(f"{v:>8.1f}" for v in values) + f"{statistics.mean(values):>8.1f}")
    totals = [sum(statistics.median(v) for v in row.values()) * 1000 for row in table.values()]
    print(f"   {'total':<28}" + "".join(f"{v:>8.1f}" for v in totals) + f"{statistics.mean(totals):>8.1f}")
    print()


def profile(rules) -> None:
    samples = sorted((ROOT / "samples").glob("*.txt"))
    audit_file(str(samples[0]), rules)
    profiler = cProfile.Profile()
    profiler.enable()
    for path in samples:
        audit_file(str(path), rules)
    profiler.disable()
    print("cProfile: the five samples audited once, top functions by own time")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(20)
    print("... and by cumulative time")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


def run_frozen(argv: list[str]) -> int:
    """Run this script again inside an export of HEAD (rule packs placed where the package finds them)."""
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True, check=True).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="budgetaudit-head-") as tmp:
        archive = subprocess.run(["git", "archive", "HEAD"], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        packs = Path(tmp) / "budgetaudit" / "packs"  # installed as budgetaudit.packs from rules/
        packs.mkdir()
        (packs / "__init__.py").write_text("")
        for pack in (Path(tmp) / "rules").glob("*.y*ml"):
            shutil.copy(pack, packs / pack.name)
        print(f"(measuring commit {commit}, exported to {tmp})")
        env = dict(os.environ, PYTHONPATH=tmp, BUDGETAUDIT_BENCH_PDFS=str(PDFS), BUDGETAUDIT_BENCH_CORPUS=str(CORPUS))
        script = Path(tmp) / "benchmarks" / "audit_speed.py"
        return subprocess.run([sys.executable, str(script), *argv], env=env, cwd=tmp).returncode


def main() -> None:
    if "--frozen" in sys.argv[1:]:
        sys.exit(run_frozen([a for a in sys.argv[1:] if a != "--frozen"]))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--frozen", action="store_true", help="measure HEAD in a temporary export")
    parser.add_argument("--runs", type=int, default=7, help="repeats per single document (default 7)")
    parser.add_argument("--copies", type=int, default=100, help="copies of each sample in the batch (default 100)")
    parser.add_argument("--jobs", type=int, default=default_jobs(), help="N for the parallel batch (default: CPUs)")
    parser.add_argument("--skip-batch", action="store_true", help="only the single-document figures")
    parser.add_argument("--profile", action="store_true", help="also profile the sample audits")
    args = parser.parse_args()

    start = time.perf_counter()
    rules = load_rules().rules
    print(f"budgetaudit benchmark · {os.cpu_count()} CPUs ({default_jobs()} usable) · Python "
          f"{sys.version.split()[0]} · {len(rules)} rules (loaded in {time.perf_counter() - start:.2f} s)"
          f" · load average {os.getloadavg()[0]:.1f}\n")
    single_documents(rules, args.runs)
    if not args.skip_batch:
        batches(args.copies, args.jobs)
    if args.profile:
        phases(rules, max(3, args.runs // 2))
        profile(rules)


if __name__ == "__main__":
    main()
