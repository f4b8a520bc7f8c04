"""Run a reader with a bound on its time and memory, so one hostile file cannot stall a batch.

A PDF can be built to make a parser loop for hours (millions of drawing operators) or inflate a
few kilobytes into gigabytes (a decompression bomb). Python cannot interrupt pdfminer in the middle
of a page, so on POSIX the reading runs in a forked child: the child gets an address-space limit,
the parent waits at most the time limit and kills it after that. Where fork is missing the reader
runs in-process and only the page count and the time between pages are bounded (see ``deadline``).

``run_served`` keeps that child between files (a reader process): forking a process that holds
the rules and the tables' vocabulary costs as much as reading a short PDF with PDFium (~25 ms),
so the child is forked once and reads file after file, under the same bounds. It is replaced after
a bound was hit, after MAX_SERVED files, and in every process forked from its owner (a batch
worker starts its own).

Where a second CPU is free, the reader has a helper: a process forked beside it, under the same
memory bound, that reads part of a long file's pages while the reader reads the rest
(``helper_submit``/``helper_arrived``, used by pdf.py). It is killed with its reader. A batch that
runs several workers keeps every CPU busy already and turns it off (``PAGE_HELPER``).
"""

from __future__ import annotations

import atexit
import gc
import mmap
import os
import pickle
import select
import signal
import struct
import time
from collections.abc import Callable, Iterator
from types import GeneratorType
from typing import TypeVar

from ..errors import InputError

T = TypeVar("T")


class Limits:
    """Bounds for one file; read_pdf's docstring says why these values."""

    def __init__(self, seconds: float, memory_bytes: int, pages: int):
        self.seconds = seconds
        self.memory_bytes = memory_bytes
        self.pages = pages
        self.started = time.monotonic()

    def deadline_passed(self) -> bool:
        return time.monotonic() - self.started > self.seconds


# Links from one reference to the next (``2 0 obj 3 0 R``) that a real PDF never chains this far.
MAX_REFERENCE_CHAIN = 64


class ReferenceLoop(ValueError):
    """Indirect objects that refer to each other in a loop."""


def bound_reference_chains() -> None:
    """Make pdfminer give up on a chain of references that loops (``2 0 R`` → ``3 0 R`` → ``2 0 R``).

    pdfminer follows a reference that resolves to another reference for as long as there is one,
    so two objects naming each other keep it busy forever (the time limit would end it only after
    minutes). Resolving follows the chain here, at most MAX_REFERENCE_CHAIN links.
    """
    from pdfminer import pdftypes

    original = pdftypes.PDFObjRef.resolve
    if getattr(original, "bounded", False):
        return

    def resolve(self, default: object = None):
        value = original(self, default)
        for _ in range(MAX_REFERENCE_CHAIN):
            if not isinstance(value, pdftypes.PDFObjRef):
                return value
            value = original(value, default)
        raise ReferenceLoop(f"object {self.objid} refers to itself through a loop of references")

    resolve.bounded = True  # type: ignore[attr-defined]
    pdftypes.PDFObjRef.resolve = resolve  # type: ignore[method-assign]


def run_bounded(path: str, limits: Limits, fn: Callable[[], T]) -> T:
    """``fn()`` under ``limits``; an InputError naming ``path`` when a bound is hit."""
    if not hasattr(os, "fork"):
        return _result(path, limits, _outcome(fn))
    read_end, write_end = os.pipe()
    # The objects that exist now are left out of the child's garbage collections: walking them
    # would copy every page of the parent's heap into the child (copy on write).
    gc.freeze()
    try:
        pid = os.fork()
    except BaseException:
        gc.unfreeze()
        raise
    if pid:
        gc.unfreeze()
    if pid == 0:  # the child: read, send the result back, leave without running any cleanup
        os.close(read_end)
        try:
            _quiet_crashes()
            _limit_memory(limits.memory_bytes)
            _write(write_end, pickle.dumps(_outcome(fn), protocol=pickle.HIGHEST_PROTOCOL))
        finally:
            os._exit(0)
    os.close(write_end)
    try:
        data = _collect(read_end, limits)
    except BaseException:  # e.g. Ctrl-C: the child must not outlive its parent's interest
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise
    finally:
        os.close(read_end)
    if data is None:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise InputError(path, f"reading was stopped after {limits.seconds:g} s (the limit per file); "
                               "the PDF is too large or built to stall readers")
    _, status = os.waitpid(pid, 0)
    if not data:
        raise _death(path, limits, status)
    return _result(path, limits, pickle.loads(data))


def _death(path: str, limits: Limits, status: int) -> InputError:
    """Why a reader process ended without a result, from its exit status."""
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        # PDFium ends the process (abort) when an allocation fails under the memory limit.
        if sig == signal.SIGKILL or sig == signal.SIGABRT:
            return InputError(path, f"reading was stopped: it needed more than {_mib(limits.memory_bytes)} "
                                    "of memory (a decompression bomb?)")
        return InputError(path, f"the PDF reader crashed on this file (signal {sig})")
    return InputError(path, "the PDF reader stopped without a result")


# Files one reader process reads before it is replaced: what a long-lived PDF reader leaves behind
# (fragmented heap, caches) must not eat the memory bound of later files.
MAX_SERVED = 200
_HEADER = struct.Struct("<Q")
# A helper's frame: the size of the pickled pair, the number of the request it answers.
_HELPER_FRAME = struct.Struct("<QQ")


# Whether a reader process gets a helper (see the module's docstring); batch workers set it.
PAGE_HELPER = True


def _spare_cpu() -> bool:
    try:
        return len(os.sched_getaffinity(0)) >= 2
    except (AttributeError, OSError):
        return (os.cpu_count() or 1) >= 2


class _Reader:
    """A forked reader process and the two pipes to it (requests in, outcomes out); with
    ``helper``, its helper process too, forked first so that the reader inherits the pipes to it."""

    def __init__(self, memory_bytes: int, helper: bool = False, mark: mmap.mmap | None = None):
        # (made before both forks: anonymous shared memory stays shared with the processes forked after)
        self.mark = mmap.mmap(-1, _MARK.size) if helper else mark
        self.helper = _Reader(memory_bytes, mark=self.mark) if helper else None
        requests_read, self.requests = os.pipe()
        self.replies, replies_write = os.pipe()
        if helper:  # room for a file's pages: the helper goes on reading while the reader is busy
            self.helper.widen_replies()
        gc.freeze()  # see run_bounded
        try:
            pid = os.fork()
        except BaseException:
            gc.unfreeze()
            for fd in (requests_read, self.requests, self.replies, replies_write):
                os.close(fd)
            raise
        if pid == 0:
            os.close(self.requests)
            os.close(self.replies)
            global _HELPER, _SHARED_MARK
            _HELPER = self.helper  # the pipes to it are this process's now
            _SHARED_MARK = self.mark
            _serve(requests_read, replies_write, memory_bytes)
        gc.unfreeze()
        os.close(requests_read)
        os.close(replies_write)
        if self.helper is not None:  # the owner only kills it (with the reader) and counts its CPU
            self.helper.close_pipes()
        self.pid, self.owner, self.memory_bytes, self.served = pid, os.getpid(), memory_bytes, 0
        self.status = 0  # how it ended (os.waitpid), once closed

    def widen_replies(self) -> None:
        try:
            import fcntl

            fcntl.fcntl(self.replies, fcntl.F_SETPIPE_SZ, 1 << 20)
        except (ImportError, AttributeError, OSError):
            pass  # (only Linux has it; a helper then waits for the reader to empty the pipe)

    def close_pipes(self) -> None:
        for fd in (self.requests, self.replies):
            if fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self.requests = self.replies = -1  # (closed: the numbers may be reused by other files)

    def close(self, kill: bool = True) -> None:
        self.close_pipes()
        if self.helper is not None:
            self.helper.close()
        if kill:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except OSError:
                pass
        try:
            self.status = os.waitpid(self.pid, 0)[1]
        except OSError:
            pass


_READER: _Reader | None = None
_HELPER: _Reader | None = None  # in a reader process: its helper, while it lives
_HELPER_SENT = 0  # the number of the request sent to the helper last
_HELPER_READ = bytearray()  # what was read from the helper and not yet taken
# In a reader process and in its helper: a number both see (shared memory), which the reader sets
# and the helper reads while it works on a request (pdf.py: the pages the reader has taken).
_SHARED_MARK: mmap.mmap | None = None
_MARK = struct.Struct("<q")


def _forget_in_child() -> None:
    """A forked process (a batch worker, a reader) never talks to its parent's reader: it drops
    the pipes, so the reader still sees its owner go (end of file) and leaves."""
    global _READER
    if _READER is not None:
        _READER.close_pipes()
        _READER = None


def close_reader() -> None:
    """End this process's reader process (the next file forks a new one, with the code and
    settings of that moment: tests that patch the reader call this first)."""
    global _READER
    if _READER is not None and _READER.owner == os.getpid():
        _READER.close()
    _READER = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_in_child)
atexit.register(close_reader)


def reader_pid() -> int | None:
    """The process id of this process's reader process, if one is running."""
    reader = _READER
    return reader.pid if reader is not None and reader.owner == os.getpid() else None


def reader_helper_pid() -> int | None:
    """The process id of the helper of this process's reader process, if it has one."""
    reader = _READER
    if reader is None or reader.owner != os.getpid() or reader.helper is None:
        return None
    return reader.helper.pid


def reader_cpu_seconds() -> float:
    """CPU seconds the current reader process has used so far (0 when there is none): the reader
    is not a finished child, so the owner's own accounting (RUSAGE_CHILDREN) leaves it out."""
    reader = _READER
    if reader is None or reader.owner != os.getpid():
        return 0.0
    return _cpu_seconds(reader.pid) + (_cpu_seconds(reader.helper.pid) if reader.helper is not None else 0.0)


def _cpu_seconds(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def _serve(requests: int, replies: int, memory_bytes: int) -> None:
    """The reader process: read a request, run it, send its outcome; leave at end of input."""
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the owner's to handle; it kills us
        _quiet_crashes()
        _limit_memory(memory_bytes)
        # The collector runs between files, not during one: a reading makes tens of thousands of
        # short-lived tuples (a glyph each) and no reference cycle of note, and collecting
        # after the reply is sent costs the owner nothing (it is busy with the document).
        gc.disable()
        while True:
            header = _read_exact(requests, _HEADER.size)
            if header is None:
                break
            request = _read_exact(requests, _HEADER.unpack(header)[0])
            if request is None:
                break
            fn, args = pickle.loads(request)
            outcome = _outcome(lambda fn=fn, args=args: fn(*args))
            if outcome[0] == "ok" and isinstance(outcome[1], GeneratorType):  # a helper's frames (_numbered)
                for frame in outcome[1]:
                    _write(replies, frame)
                    if select.select([requests], [], [], 0)[0]:  # a newer request: this one is of no use now
                        break
            else:
                _write(replies, _framed(outcome))
            gc.collect()
    finally:
        os._exit(0)


def _framed(message: object) -> bytes:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return _HEADER.pack(len(data)) + data


def _write(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _read_exact(fd: int, n: int) -> bytes | None:
    chunks, got = [], 0
    while got < n:
        chunk = os.read(fd, min(n - got, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def run_served(path: str, limits: Limits, fn: Callable[..., T], *args) -> T:
    """``fn(*args)`` under ``limits`` in the reader process (``fn`` and ``args`` picklable, ``fn`` a
    module-level function); the same outcomes and messages as ``run_bounded``."""
    global _READER
    if not hasattr(os, "fork"):
        return _result(path, limits, _outcome(lambda: fn(*args)))
    reader = _READER
    if reader is None or reader.owner != os.getpid() or reader.memory_bytes != limits.memory_bytes \
            or reader.served >= MAX_SERVED:
        _READER = None  # (before the fork: a forked process closes _READER's pipes, see _forget_in_child)
        if reader is not None and reader.owner == os.getpid():
            reader.close()
        reader = _READER = _Reader(limits.memory_bytes, helper=PAGE_HELPER and _spare_cpu())
    reader.served += 1
    request = _framed((fn, args))
    try:
        _write(reader.requests, request)
        data = _collect(reader.replies, limits, framed=True)
    except BrokenPipeError:
        data = b""
    except BaseException:  # e.g. Ctrl-C: the reader must not outlive its owner's interest
        _READER = None
        reader.close()
        raise
    if data is None:
        _READER = None
        reader.close()
        raise InputError(path, f"reading was stopped after {limits.seconds:g} s (the limit per file); "
                               "the PDF is too large or built to stall readers")
    if not data:  # the reader died on this file
        _READER = None
        reader.close(kill=False)
        raise _death(path, limits, reader.status)
    outcome = pickle.loads(data)
    if outcome[0] == "memory":  # its heap is suspect now
        _READER = None
        reader.close()
    return _result(path, limits, outcome)


def helper_submit(fn: Callable[..., Iterator[tuple[int, object]]], *args) -> bool:
    """In a reader process: start ``fn(*args)`` in its helper; False when there is none. ``fn`` is
    a generator function (picklable, as for run_served) of (key, value) pairs, which come back
    through ``helper_arrived`` as they are made; a newer request stops it."""
    global _HELPER_SENT
    helper = _HELPER
    if helper is None:
        return False
    _HELPER_SENT += 1
    try:
        data = _framed((_numbered, (_HELPER_SENT, fn, args)))
    except (pickle.PicklingError, AttributeError, TypeError):  # not picklable: do it yourself
        return False
    try:
        _write(helper.requests, data)
    except OSError:  # it has died (or a request was cut short: the pipe is of no use now)
        _drop_helper()
        return False
    return True


def helper_arrived(wait: float = 0.0) -> list[tuple[int, object]]:
    """The pairs of the request sent to the helper last that have arrived by now, waiting at most
    ``wait`` seconds for the first: what has not arrived, the caller does itself (so a helper that
    is slow, failed or died costs no time). A helper that died is dropped; pairs of earlier
    requests are skipped."""
    helper = _HELPER
    if helper is None:
        return []
    while select.select([helper.replies], [], [], wait)[0]:
        wait = 0.0
        chunk = os.read(helper.replies, 1 << 20)
        if not chunk:
            _drop_helper()
            return []
        _HELPER_READ.extend(chunk)
    out = []
    at = 0
    while len(_HELPER_READ) - at >= _HELPER_FRAME.size:
        size, number = _HELPER_FRAME.unpack_from(_HELPER_READ, at)
        end = at + _HELPER_FRAME.size + size
        if end > len(_HELPER_READ):
            break
        if number == _HELPER_SENT:
            out.append(pickle.loads(_HELPER_READ[at + _HELPER_FRAME.size:end]))
        at = end
    del _HELPER_READ[:at]
    return out


def _numbered(number: int, fn: Callable[..., Iterator[tuple[int, object]]], args: tuple) -> Iterator[bytes]:
    """(in the helper) each pair ``fn(*args)`` yields, framed with the number of its request. A
    failure ends it: the reader does the rest itself, and meets the same failure."""
    try:
        for pair in fn(*args):
            data = pickle.dumps(pair, protocol=pickle.HIGHEST_PROTOCOL)
            yield _HELPER_FRAME.pack(len(data), number) + data
    except Exception:  # noqa: BLE001 - see above
        return


def set_helper_mark(value: int) -> None:
    """In a reader process: the number its helper reads with ``helper_mark``."""
    if _SHARED_MARK is not None:
        _MARK.pack_into(_SHARED_MARK, 0, value)


def helper_mark() -> int | None:
    """The number the reader set last (in a reader process or its helper; None elsewhere)."""
    return _MARK.unpack_from(_SHARED_MARK, 0)[0] if _SHARED_MARK is not None else None


def helper_alive() -> bool:
    """Whether this reader process has a helper."""
    return _HELPER is not None


def _drop_helper() -> None:
    global _HELPER
    helper, _HELPER = _HELPER, None
    _HELPER_READ.clear()
    if helper is not None:
        helper.close()


def _outcome(fn: Callable[[], T]) -> tuple[str, object]:
    """What ``fn()`` came to, as plain data that can cross a pipe."""
    try:
        return ("ok", fn())
    except InputError as exc:
        return ("input", exc.problem)
    except MemoryError:
        return ("memory", None)
    except RecursionError:
        return ("input", "damaged PDF: its object structure nests too deeply")
    except Exception as exc:  # noqa: BLE001 - a damaged file must give a one-line error, never a traceback
        return ("input", f"damaged PDF ({type(exc).__name__}: {_short(exc)})")


def _result(path: str, limits: Limits, outcome: tuple[str, object]):
    kind, value = outcome
    if kind == "ok":
        return value
    if kind == "memory":
        raise InputError(path, f"reading needs more than {_mib(limits.memory_bytes)} of memory "
                               "(a decompression bomb?); not read")
    raise InputError(path, str(value))


def _collect(fd: int, limits: Limits, framed: bool = False) -> bytes | None:
    """Everything the child writes until it closes the pipe, or with ``framed`` one framed reply (b""
    when the reader died first); None when the time limit passes first."""
    end = limits.started + limits.seconds
    buffer = bytearray()
    need: int | None = None
    while not framed or need is None or len(buffer) < need:
        remaining = end - time.monotonic()
        if remaining <= 0:
            return None
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            continue
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"" if framed else bytes(buffer)
        buffer += chunk
        if framed and need is None and len(buffer) >= _HEADER.size:
            need = _HEADER.size + _HEADER.unpack_from(buffer)[0]
    return bytes(buffer[_HEADER.size:need])


def _quiet_crashes() -> None:
    """A reader that PDFium aborts (an allocation refused under the memory bound) is reported by
    its owner in one line; a stack dump of it (faulthandler, on under pytest) would only be noise."""
    import faulthandler

    faulthandler.disable()


def _limit_memory(extra: int) -> None:
    """Cap the child's address space at what it uses now plus ``extra`` bytes."""
    try:
        import resource

        with open("/proc/self/statm") as fh:
            used = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        limit = used + extra
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (OSError, ValueError, ImportError):
        pass  # no /proc or no rlimits: the time limit still holds


def _mib(n: int) -> str:
    return f"{n // (1024 * 1024)} MiB"


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:120] + ("…" if len(text) > 120 else "")
