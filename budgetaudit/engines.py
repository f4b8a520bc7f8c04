"""Audit a batch on a cluster: Dask distributed (``budgetaudit check … --engine dask``).

The cluster runs the same audit as ``--jobs`` (batch.py), only on more machines:

* This process is Dask's client. It connects to the scheduler ``--scheduler`` names, or starts a
  LocalCluster on this machine (``--jobs`` worker processes of one thread each, listening on
  127.0.0.1 only).
* Before any file is sent, every worker says what it runs — the budgetaudit version, a digest of the
  package's code and data, a digest of its shipped rule packs — and a worker that differs from this
  process is refused (EngineError: one line, exit 2). Each task carries the same identity, so a
  worker that joins during the run is refused as well.
* The rules, as this process loaded and selected them (user packs included), go to every worker once.
* Files go in chunks of consecutive inputs, a few chunks per worker thread in flight at a time. A
  worker audits its chunk with ``batch.run`` and one job: one worker process per file as with
  ``--jobs``, so the same time limit (``--timeout``), memory bound, failure isolation (a crash or a
  hang costs that file only), cache and report view. A chunk whose task fails as a whole (its Dask
  worker died) is sent again file by file; a single file whose task fails is a failed input.
* Results are put back in input order, so the reports are the bytes ``--jobs`` writes; progress
  (``on_result``) follows each chunk as it comes back.

Inputs are read in place when every worker sees the path as a regular file of the same size as here
(a LocalCluster: always); otherwise their bytes go with the task, and the worker audits them in a
temporary folder under the same file name. ``--send-files`` sends every file.

The cache: a LocalCluster's workers use this process's cache folder; a worker of another cluster
uses its own (its ``BUDGETAUDIT_CACHE_DIR``, else its user's cache folder: point it at shared
storage to share one). Entries are keyed as with ``--jobs``: the file's content, the rules, the tool.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import hashlib
import logging
import math
import multiprocessing
import os
import tempfile
import warnings
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import __version__, batch
from .audit import DocumentResult
from .cache import Cache, default_dir, tool_digest

ENGINES = ("local", "dask", "ray")
CHUNK_FILES = 16  # files per task at most: a task then lasts well over Dask's few ms per task
CHUNKS_PER_SLOT = 4  # at least this many chunks per worker thread, so the last ones end together
CHUNK_BYTES = 32 * 1024**2  # bytes sent with one task at most (unless one file is larger)
MAX_SEND = 256 * 1024**2  # a larger file is not sent: it belongs on storage the workers share
IN_FLIGHT = 2  # chunks per worker thread submitted at a time: bounded memory for sent files
CONNECT_TIMEOUT = "20s"
_TICK = 0.25


class EngineError(Exception):
    """The engine cannot run: one line for the user, exit 2."""


INSTALL_HINT = "pip install 'budgetaudit[dask]'"


def check_available(engine: str) -> None:
    """EngineError when ``engine`` cannot run here (before any input is read)."""
    if engine == "ray":
        raise EngineError("--engine ray is not supported yet; --engine dask runs the batch on a Dask cluster "
                          f"({INSTALL_HINT})")
    if engine != "dask":
        raise EngineError(f'unknown engine "{engine}" (expected one of {", ".join(ENGINES)})')
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise EngineError(f"--engine dask needs Dask distributed, which is not installed ({INSTALL_HINT})") from None


def audit_files(files: list[str], rules: list, *, engine: str = "dask", scheduler: str | None = None,
                jobs: int | None = None, send_files: bool = False, **options) -> list[DocumentResult]:
    """``batch.audit_files`` (cache, progress bar, notes) with the files audited on a Dask cluster."""
    check_available(engine)
    if not files:
        return []
    with connect(scheduler, min(jobs or batch.default_jobs(), len(files))) as (client, local):
        check_workers(client)
        runner = functools.partial(run, client=client, local=local, send_files=send_files)
        return batch.audit_files(files, rules, jobs=jobs, runner=runner, **options)


# ---------------------------------------------------------------- the cluster


@contextmanager
def connect(scheduler: str | None, workers: int) -> Iterator[tuple[object, bool]]:
    """A Dask client and whether its cluster is a LocalCluster started here (closed on leaving)."""
    import distributed

    cluster = None
    with _quiet():
        if scheduler:
            try:
                client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
            except (OSError, TimeoutError, asyncio.TimeoutError, ValueError, TypeError) as exc:
                raise EngineError(f"cannot connect to the Dask scheduler at {scheduler} ({_short(exc)})") from None
        else:
            with warnings.catch_warnings():  # e.g. "port in use": Dask's business, not the report's
                warnings.simplefilter("ignore")
                cluster = distributed.LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                                                   host="127.0.0.1", dashboard_address="127.0.0.1:0", memory_limit=0,
                                                   silence_logs=logging.CRITICAL)
                client = distributed.Client(cluster, set_as_default=False)
        try:
            yield client, cluster is not None
        finally:
            client.close()
            if cluster is not None:
                cluster.close()


@contextmanager
def _quiet() -> Iterator[None]:
    """Dask's own log lines (a large task, a closed connection at shutdown) kept off the report's stderr."""
    loggers = [logging.getLogger(name) for name in ("distributed", "dask", "tornado", "asyncio")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


@functools.lru_cache(maxsize=1)
def identity() -> dict[str, str]:
    """What a worker must share with the client: the version, the code and data, the shipped rule packs."""
    from .rules.pack import shipped_pack_files

    packs = hashlib.sha256()
    for f in shipped_pack_files():
        packs.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    return {"version": __version__, "code": tool_digest(), "rules": packs.hexdigest()}


def mismatch(theirs: dict, ours: dict) -> str | None:
    """Why a worker that reports ``theirs`` cannot audit for a client that has ``ours``; None when it can."""
    if not isinstance(theirs, dict):
        return "it did not say which budgetaudit it runs"
    if theirs.get("version") != ours["version"]:
        return f"it runs budgetaudit {theirs.get('version')}, this is {ours['version']}"
    if theirs.get("rules") != ours["rules"]:
        return (f"its rule packs differ from these (digest {str(theirs.get('rules'))[:12]} ≠ "
                f"{ours['rules'][:12]})")
    if theirs.get("code") != ours["code"]:
        return (f"its budgetaudit {ours['version']} is not this one's code (digest {str(theirs.get('code'))[:12]} ≠ "
                f"{ours['code'][:12]})")
    return None


REFUSAL_HINT = "install the same budgetaudit and rule packs on every worker"


def check_workers(client) -> None:
    """EngineError unless the cluster has workers and every one runs what this process runs."""
    if not client.scheduler_info().get("workers"):
        raise EngineError("the Dask scheduler has no workers")
    with _quiet():
        found = client.run(_worker_identity, on_error="return")
    ours = identity()
    for address, theirs in sorted(found.items()):
        if isinstance(theirs, BaseException):
            raise EngineError(f"worker {address} cannot run budgetaudit ({type(theirs).__name__}: {_short(theirs)}); "
                              + REFUSAL_HINT)
        problem = mismatch(theirs, ours)
        if problem is not None:
            raise EngineError(f"worker {address} refused: {problem}; {REFUSAL_HINT}")


def _worker_identity() -> dict[str, str]:
    return identity()


def _slots(client) -> int:
    return max(1, sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values()))


# ---------------------------------------------------------------- the batch


@dataclass(frozen=True)
class _Spec:
    """What every task needs besides its files and the rules."""

    identity: dict
    timeout: float
    memory: int | None
    reader: str
    cache_salt: str | None  # None: no cache
    cache_root: str | None  # None: the worker's own cache folder


@dataclass(frozen=True)
class _Refused:
    problem: str


def run(files: list[str], rules: list, *, client, local: bool, jobs: int | None = None,
        timeout: float = batch.DEFAULT_TIMEOUT, cache: Cache | None = None, memory: int | None = batch.DEFAULT_MEMORY,
        keep: set[str] | None = None, on_result: Callable[[DocumentResult], None] | None = None,
        on_tick: Callable[[], None] | None = None, send_files: bool = False) -> list[DocumentResult]:
    """``batch.run`` on a Dask cluster: one DocumentResult per file, in the order given."""
    import queue as queues

    from .readers.pdf import pdf_reader
    from .sets import norm_path

    keep = keep or set()
    results: list[DocumentResult | None] = [None] * len(files)

    def finish(index: int, item: DocumentResult) -> None:
        results[index] = item
        if on_result is not None:
            on_result(item)

    slots = _slots(client)
    send = sending(client, files, local, send_files)
    spec = _Spec(identity(), timeout, memory, pdf_reader(), cache.salt if cache is not None else None,
                 str(cache.root) if cache is not None and local else None)
    with _quiet():
        [shared_rules] = client.scatter([rules], broadcast=True, hash=False)
    queue = deque(_chunks(files, send, slots))
    pending: dict[object, list[int]] = {}
    ready: queues.SimpleQueue = queues.SimpleQueue()  # futures done, put there by Dask's callbacks

    def submit(indices: list[int]) -> None:
        items, sent = [], []
        for i in indices:
            data = None
            if send[i]:
                data, problem = _read(files[i])
                if problem is not None:
                    finish(i, DocumentResult(files[i], error=problem))
                    continue
            items.append((files[i], bool(keep) and norm_path(files[i]) in keep, data))
            sent.append(i)
        if items:
            future = client.submit(_audit_chunk, items, shared_rules, spec, pure=False)
            pending[future] = sent
            future.add_done_callback(ready.put)

    try:
        with _quiet():
            while queue or pending:
                while queue and len(pending) < slots * IN_FLIGHT:
                    submit(queue.popleft())
                if not pending:
                    continue
                try:
                    done = [ready.get(timeout=_TICK if on_tick is not None else None)]
                    while not ready.empty():
                        done.append(ready.get())
                except queues.Empty:
                    done = []
                for future in done:
                    indices = pending.pop(future)
                    try:
                        outcome = future.result()
                    except Exception as exc:  # noqa: BLE001 - the task died with its worker, or could not run
                        if len(indices) > 1:  # which file it was is not known: each alone
                            queue.extendleft([i] for i in reversed(indices))
                        else:
                            finish(indices[0], DocumentResult(files[indices[0]], error=_lost(exc)))
                        continue
                    finally:
                        future.release()
                    if isinstance(outcome, _Refused):
                        raise EngineError(outcome.problem)
                    for i, item in zip(indices, outcome, strict=True):
                        finish(i, batch.renamed(item, files[i]))
                if on_tick is not None:
                    on_tick()
    finally:
        if pending:
            client.cancel(list(pending))
        client.cancel([shared_rules])
    missing = [files[i] for i, r in enumerate(results) if r is None]
    if missing:  # as batch.run: every path above records a result; this guards the order contract
        raise RuntimeError(f"no result for {missing[0]}")
    return results  # type: ignore[return-value]


def sending(client, files: list[str], local: bool, send_files: bool = False) -> list[bool]:
    """Which files go as bytes: every file with ``send_files``; none on a LocalCluster; else those
    that some worker does not see as a regular file of the size this process sees."""
    if send_files:
        return [True] * len(files)
    if local:
        return [False] * len(files)
    here = _sizes(files)
    seen = client.run(_sizes, files, on_error="return")
    views = [v for v in seen.values() if isinstance(v, list) and len(v) == len(files)]
    complete = len(views) == len(seen)
    return [size is not None and (not complete or any(v[i] != size for v in views)) for i, size in enumerate(here)]


def _sizes(files: list[str]) -> list[int | None]:
    import stat

    out: list[int | None] = []
    for f in files:
        try:
            st = os.stat(f)
            out.append(st.st_size if stat.S_ISREG(st.st_mode) else None)
        except (OSError, ValueError):
            out.append(None)
    return out


def _chunks(files: list[str], send: list[bool], slots: int) -> Iterator[list[int]]:
    """Consecutive inputs in chunks: enough chunks for every worker thread, few files each, and no
    more than CHUNK_BYTES of files to send in one."""
    size = max(1, min(CHUNK_FILES, math.ceil(len(files) / (slots * CHUNKS_PER_SLOT))))
    chunk: list[int] = []
    weight = 0
    for i, f in enumerate(files):
        extra = 0
        if send[i]:
            try:
                extra = os.path.getsize(f)
            except OSError:
                extra = 0
        if chunk and (len(chunk) >= size or weight + extra > CHUNK_BYTES):
            yield chunk
            chunk, weight = [], 0
        chunk.append(i)
        weight += extra
    if chunk:
        yield chunk


def _read(path: str) -> tuple[bytes | None, str | None]:
    """A file's bytes to send, or why they cannot be (as the readers would say it)."""
    from .errors import InputError
    from .readers.regular import read_regular

    try:
        return read_regular(path, MAX_SEND, "file to send to the cluster's workers"), None
    except InputError as exc:
        return None, exc.problem


def _lost(exc: BaseException) -> str:
    name = type(exc).__name__
    if name == "KilledWorker":
        return "the cluster's worker running this file died, again on a retry (Dask KilledWorker)"
    return f"the cluster could not audit this file ({name}: {_short(exc)})"


# ---------------------------------------------------------------- on the worker


def _audit_chunk(items: list[tuple[str, bool, bytes | None]], rules: list, spec: _Spec) -> list[DocumentResult] | _Refused:
    """A task: the chunk's files audited as ``--jobs 1`` audits them (results named as the worker saw them)."""
    problem = mismatch(identity(), spec.identity)
    if problem is not None:
        return _Refused(f"worker {_address()} refused: {problem}; {REFUSAL_HINT}")
    _prepare_worker(spec.reader)
    _warm(rules)
    cache = _worker_cache(spec.cache_root, spec.cache_salt) if spec.cache_salt else None
    from .sets import norm_path

    with tempfile.TemporaryDirectory(prefix="budgetaudit-engine-") as tmp:
        paths, keep = [], set()
        for k, (path, kept, data) in enumerate(items):
            if data is not None:  # audited under its own name, in a folder of its own
                folder = Path(tmp, str(k))
                folder.mkdir()
                local = folder / (os.path.basename(path) or "input")
                local.write_bytes(data)
                path = str(local)
            paths.append(path)
            if kept:
                keep.add(norm_path(path))
        # The worker's objects are left out of the audit process's garbage collections (it is forked
        # from this one): walking them would copy the worker's heap and could run its finalizers.
        gc.freeze()
        try:
            # (no PDF helper processes: the cluster runs a worker per CPU)
            return batch.run(paths, rules, jobs=1, timeout=spec.timeout, cache=cache, memory=spec.memory, keep=keep,
                             helpers=False)
        finally:
            gc.unfreeze()


def _prepare_worker(reader: str) -> None:
    from .readers.pdf import READER_ENV

    os.environ[READER_ENV] = reader  # this worker's audit processes read PDFs as the client's would
    # A Dask worker is a daemonic process, which multiprocessing forbids to start processes; the
    # audit processes batch.run starts are its own, killed or stopped before the task returns.
    multiprocessing.current_process()._config.pop("daemon", None)  # type: ignore[attr-defined]


# A few lines of a disclosure, audited once in each worker process (ours, not an input): the data
# files and patterns an audit loads on first use are then loaded in the worker, and every audit process
# forked from it starts with them, as the --jobs processes do after their first file.
_WARM_TEXT = "某单位2026年单位预算\n收支总表\n单位：万元\n项目\t预算数\n收入总计\t1.00\n支出总计\t1.00\n" \
             "基本支出1.00万元，比上年增加1.00万元。\n"
_warmed: list[bool] = []


def _warm(rules: list) -> None:
    if _warmed:
        return
    _warmed.append(True)
    with tempfile.TemporaryDirectory(prefix="budgetaudit-warm-") as tmp:
        path = Path(tmp, "warm.txt")
        path.write_text(_WARM_TEXT, encoding="utf-8")
        # Not the rules that add prose names (audit_file adds them to the process's vocabulary, which
        # the next batch, maybe with other packs, would inherit): each audit process adds its own.
        batch.audit_path(str(path), [r for r in rules if not r.vocabulary])


@functools.lru_cache(maxsize=8)
def _worker_cache(root: str | None, salt: str) -> Cache | None:
    cache = Cache(Path(root) if root else default_dir(), salt)
    return cache if cache.prepare() is None else None


def _address() -> str:
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):
        return "?"


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:160] + ("…" if len(text) > 160 else "")
