"""Audit many files at once: in worker processes, in a stable order, each file isolated.

Every file is audited in a worker process (``--jobs`` of them, one file at a time each), so one
document that crashes the interpreter, loops past the time limit (``--timeout``) or runs out of
memory costs only its own result: the parent kills that worker (with anything it started, e.g. the
PDF reader's child), records the file as a failed input and starts a fresh worker for the rest.
Results are put back in input order, so the report is the same for any number of jobs.

Workers also look files up in the cache (cache.py) and store what they audit, so hashing and
loading run in parallel too. What comes back from a worker, and what the cache keeps, is the
*report view* of a result (``report_view``): the findings and the document's metadata and table
headings, without its lines and cells, which no report prints and which would cost more to copy
between processes than to recompute.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from multiprocessing.connection import wait

from .audit import DocumentResult, audit_file
from .cache import Cache

# Per file. The PDF reader stops a file after 300 s of reading; twice that leaves room for
# recognising and auditing a very long document, and lets the reader's clearer message win.
DEFAULT_TIMEOUT = 600.0
# Address space a worker may add to what it holds at start (a 300-page PDF needs well under 1 GiB).
DEFAULT_MEMORY = 4 * 1024**3
_TICK = 0.25  # how often the progress bar's clock is redrawn while waiting


def default_jobs() -> int:
    """The CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def report_view(item: DocumentResult) -> DocumentResult:
    """What reports use of a result: findings, document metadata, table headings (no lines, no cells)."""
    doc = item.document
    if doc is None:
        return item
    tables = [replace(t, columns=[], rows=[]) for t in doc.tables]
    return replace(item, document=replace(doc, lines=[], tables=tables))


def audit_path(path: str, rules: list, keep: bool = False) -> DocumentResult:
    """One file as a batch reports it, with what the set stage needs of it (sets.prepare; ``keep``:
    its whole Document too). A failure inside the tool (a bug a document triggers) is that
    document's failed input, with a one-line reason, not the end of the batch."""
    from .sets import prepare

    try:
        return report_view(prepare(audit_file(path, rules), rules, keep))
    except MemoryError:
        raise
    except RecursionError:
        return DocumentResult(path, error="the document is nested too deeply to audit")
    except Exception as exc:  # noqa: BLE001 - one document must not stop the others
        return DocumentResult(path, error=f"internal error while auditing ({type(exc).__name__}: "
                                          f"{_short(exc)}); please report it")


def run(files: list[str], rules: list, *, jobs: int | None = None, timeout: float = DEFAULT_TIMEOUT,
        cache: Cache | None = None, memory: int | None = DEFAULT_MEMORY, keep: set[str] | None = None,
        on_result: Callable[[DocumentResult], None] | None = None,
        on_tick: Callable[[], None] | None = None, helpers: bool | None = None) -> list[DocumentResult]:
    """Audit ``files`` with ``rules``; one DocumentResult per file, in the order given.

    ``on_result`` is called in the parent as each file finishes (in completion order), ``on_tick``
    every quarter second while waiting (both for the progress bar). ``keep``: files (normalised
    paths, sets.Grouping.kept) whose whole Document comes back too, for a set the user forced.
    ``helpers``: whether a worker's PDF reader may have a helper process (pdf_guard); by default
    only when one worker runs (several keep the CPUs busy already).
    """
    from .sets import norm_path

    keep = keep or set()
    results: list[DocumentResult | None] = [None] * len(files)
    queue = deque(range(len(files)))
    count = min(jobs or default_jobs(), len(files))
    helpers = count == 1 if helpers is None else helpers
    context = _context()
    pool: list[_Worker] = []

    def finish(index: int, item: DocumentResult) -> None:
        results[index] = item
        if on_result is not None:
            on_result(item)

    def give_work(worker: _Worker) -> _Worker | None:
        """Hand ``worker`` the next file; a replacement when it has died; None when all are handed out."""
        if not queue:
            worker.stop()
            return None
        if not worker.process.is_alive():
            worker.stop()
            worker = _Worker(context, rules, cache, memory, helpers)
        index = queue.popleft()
        worker.send(index, files[index], bool(keep) and norm_path(files[index]) in keep)
        return worker

    try:
        for _ in range(count):
            worker = give_work(_Worker(context, rules, cache, memory, helpers))
            if worker is not None:
                pool.append(worker)
        while pool:
            now = time.monotonic()
            wake = min(w.started + timeout for w in pool) - now
            if on_tick is not None:
                wake = min(wake, _TICK)
            ready = set(wait([w.conn for w in pool] + [w.process.sentinel for w in pool], max(wake, 0)))
            now = time.monotonic()
            survivors = []
            for w in pool:
                index = w.index
                if w.conn in ready:
                    try:
                        payload = w.conn.recv_bytes()
                    except (EOFError, OSError):
                        w.process.join(1)
                        finish(index, DocumentResult(files[index], error=_death(w.process.exitcode)))
                        w.kill()
                    else:
                        finish(index, _received(files[index], payload))
                elif w.process.sentinel in ready:
                    w.process.join(1)
                    finish(index, DocumentResult(files[index], error=_death(w.process.exitcode)))
                    w.kill()
                elif now >= w.started + timeout:
                    w.kill()
                    finish(index, DocumentResult(files[index], error=(
                        f"the audit was stopped after {timeout:g} s (the limit per file, --timeout)")))
                else:
                    survivors.append(w)
                    continue
                replacement = give_work(w)
                if replacement is not None:
                    survivors.append(replacement)
            pool = survivors
            if on_tick is not None:
                on_tick()
    finally:
        for w in pool:
            w.kill()
    missing = [files[i] for i, r in enumerate(results) if r is None]
    if missing:  # every path through the loop above records a result; this guards the order contract
        raise RuntimeError(f"no result for {missing[0]}")
    return results  # type: ignore[return-value]


class _Worker:
    """One worker process and the pipe to it; it audits one file at a time."""

    def __init__(self, context, rules: list, cache: Cache | None, memory: int | None, helper: bool):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, rules, cache, memory, helper), daemon=True)
        self.process.start()
        child.close()
        _own_group(self.process.pid)  # so kill() reaches the PDF reader's child as well
        self.index = -1
        self.started = 0.0

    def send(self, index: int, path: str, keep: bool = False) -> None:
        self.index = index
        self.started = time.monotonic()
        try:
            self.conn.send((path, keep))
        except OSError:
            pass  # it has just died: its sentinel reports that

    def stop(self) -> None:
        """Let an idle worker leave on its own."""
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.conn.close()
        self.process.join(5)
        if self.process.is_alive():
            self.kill()

    def kill(self) -> None:
        pid = self.process.pid
        if pid is not None and self.process.exitcode is None:
            try:
                if hasattr(os, "killpg"):
                    os.killpg(pid, signal.SIGKILL)
                else:
                    self.process.kill()
            except (ProcessLookupError, PermissionError):
                self.process.kill()
        self.process.join()
        self.conn.close()


def _serve(conn, rules: list, cache: Cache | None, memory: int | None, helper: bool) -> None:
    """The worker's loop: a path in, a pickled report view out, until told to stop. ``helper``:
    whether its PDF reader may use a helper process (pdf_guard), off when several workers run."""
    from .readers import pdf_guard

    pdf_guard.PAGE_HELPER = pdf_guard.PAGE_HELPER and helper
    _own_group(0)
    _limit_memory(memory)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        path, keep = job
        try:
            payload = _payload(path, rules, cache, keep)
        except MemoryError:
            limit = f"more than {memory // 1024**2} MiB" if memory else "more memory than is available"
            item = DocumentResult(path, error=f"the audit needed {limit} of memory and was stopped")
            payload = pickle.dumps(item, pickle.HIGHEST_PROTOCOL)  # the failed allocation is freed by now
        conn.send_bytes(payload)


def _payload(path: str, rules: list, cache: Cache | None, keep: bool = False) -> bytes:
    key = cache.key_of(path) if cache is not None else None
    if key is not None:
        payload = cache.load(key)
        if payload is not None:
            try:
                cached = pickle.loads(payload)
                if isinstance(cached, DocumentResult) and (not keep or cached.full is not None or not cached.ok):
                    return payload
            except Exception:  # noqa: BLE001 - an entry from an incompatible build is just a miss
                pass
            cache.discard(key)
    item = audit_path(path, rules, keep)
    payload = pickle.dumps(item, pickle.HIGHEST_PROTOCOL)
    if key is not None and item.ok:  # failures are not kept: a time limit may pass on a calmer machine
        cache.store(key, payload)
    return payload


def _received(path: str, payload: bytes) -> DocumentResult:
    try:
        item = pickle.loads(payload)
    except Exception as exc:  # noqa: BLE001
        return DocumentResult(path, error=f"internal error: the worker's result was unreadable ({exc})")
    return renamed(item, path)  # a cached entry may come from a copy of this file under another name


def renamed(item: DocumentResult, path: str) -> DocumentResult:
    """``item`` as the result of ``path`` (it was audited, or cached, under another name)."""
    item.path = path
    if item.document is not None:
        item.document.path = path
    if item.full is not None:
        item.full.path = path
    return item


def _death(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        if -exitcode == getattr(signal, "SIGKILL", 9):
            return f"the audit process was killed ({name}), most likely by the system for using too much memory"
        return f"the audit crashed on this file ({name})"
    return f"the audit process ended unexpectedly (exit code {exitcode})"


def _context():
    """fork where it is safe (Linux, BSD): workers start at once with the rules already loaded."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and sys.platform != "darwin":
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _own_group(pid: int) -> None:
    if hasattr(os, "setpgid"):
        try:
            os.setpgid(pid, 0)
        except OSError:
            pass  # already done by the other side, or the process is gone


def _limit_memory(extra: int | None) -> None:
    """Cap the worker's address space at what it uses now plus ``extra``: MemoryError, not the OOM killer."""
    if not extra:
        return
    try:
        import resource

        with open("/proc/self/statm") as fh:
            used = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = used + extra if hard == resource.RLIM_INFINITY else min(used + extra, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (OSError, ValueError, ImportError):
        pass  # no /proc or no rlimits: the time limit still holds


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:120] + ("…" if len(text) > 120 else "")


# ---------------------------------------------------------------- the command's entry point


def audit_files(files: list[str], rules: list, *, jobs: int | None = None,
                timeout: float = DEFAULT_TIMEOUT, use_cache: bool = True, show_rounding: bool = False,
                progress: bool | None = None, keep: set[str] | None = None,
                note: Callable[[str], None] | None = None, runner: Callable | None = None) -> list[DocumentResult]:
    """What ``budgetaudit check`` runs: the cache (unless ``use_cache`` is False), the workers and,
    when stderr is a terminal and there is more than one file, a progress bar. ``runner``: what
    audits the files, with ``run``'s arguments (default ``run``; engines.py passes a cluster's)."""
    run_ = runner or run
    cache = None
    if use_cache:
        cache = Cache.for_rules(rules)
        problem = cache.prepare()
        if problem is not None:
            if note is not None:
                note(f"cache not used: {problem}")
            cache = None
    if progress is None:
        progress = len(files) > 1 and _is_terminal(sys.stderr)
    if not progress:
        return run_(files, rules, jobs=jobs, timeout=timeout, cache=cache, keep=keep)
    with ProgressBar(len(files), show_rounding) as bar:
        return run_(files, rules, jobs=jobs, timeout=timeout, cache=cache, keep=keep, on_result=bar.advance,
                    on_tick=bar.refresh)


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class ProgressBar:
    """Files done of all and the errors found so far, on stderr; gone when the batch ends.

    It redraws only when called (no refresh thread), so forking a replacement worker never
    happens while another thread holds a lock.
    """

    def __init__(self, total: int, show_rounding: bool = False):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.show_rounding = show_rounding
        self.errors = 0
        self.failed = 0
        self.bar = Progress(TextColumn("审核"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[tally]}"),
                            TimeElapsedColumn(), console=Console(stderr=True), transient=True,
                            auto_refresh=False, redirect_stdout=False, redirect_stderr=False)
        self.task = self.bar.add_task("", total=total, tally=self._tally())

    def _tally(self) -> str:
        text = f"[red]错误 {self.errors}[/]"
        if self.failed:
            text += f"  [bold red]无法读取 {self.failed}[/]"
        return text

    def __enter__(self) -> ProgressBar:
        self.bar.start()
        self.bar.refresh()
        return self

    def __exit__(self, *exc) -> None:
        self.bar.stop()

    def advance(self, item: DocumentResult) -> None:
        if item.result is not None:
            self.errors += sum(1 for f in item.result.shown(self.show_rounding) if f.severity == "error")
        if not item.ok:
            self.failed += 1
        self.bar.update(self.task, advance=1, tally=self._tally())
        self.bar.refresh()

    def refresh(self) -> None:
        self.bar.refresh()
