"""Run a reader with a bound on its time and memory, so one hostile file cannot stall a batch.

A PDF can be built to make a parser loop for hours (millions of drawing operators) or inflate a
few kilobytes into gigabytes (a decompression bomb). Python cannot interrupt pdfminer in the middle
of a page, so on POSIX the reading runs in a forked child: the child gets an address-space limit,
the parent waits at most the time limit and kills it after that. Where fork is missing the reader
runs in-process and only the page count and the time between pages are bounded (see ``deadline``).
"""

from __future__ import annotations

import gc
import os
import pickle
import select
import signal
import time
from collections.abc import Callable
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
            _limit_memory(limits.memory_bytes)
            data = pickle.dumps(_outcome(fn), protocol=pickle.HIGHEST_PROTOCOL)
            view = memoryview(data)
            while view:
                view = view[os.write(write_end, view):]
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
        if os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            # PDFium ends the process (abort) when an allocation fails under the memory limit.
            if sig == signal.SIGKILL or sig == signal.SIGABRT:
                raise InputError(path, f"reading was stopped: it needed more than {_mib(limits.memory_bytes)} "
                                       "of memory (a decompression bomb?)")
            raise InputError(path, f"the PDF reader crashed on this file (signal {sig})")
        raise InputError(path, "the PDF reader stopped without a result")
    return _result(path, limits, pickle.loads(data))


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


def _collect(fd: int, limits: Limits) -> bytes | None:
    """Everything the child writes, or None when the time limit passes first."""
    chunks: list[bytes] = []
    end = limits.started + limits.seconds
    while True:
        remaining = end - time.monotonic()
        if remaining <= 0:
            return None
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            continue
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


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
