"""Delivering a report: to a file (never onto an input, never half written) or to standard output.

A report file is written beside its target under a temporary name and renamed into place, so a
full disk or a killed process leaves the older report (or nothing), never a truncated one. The
target may not be one of the inputs: files are compared by identity (device and inode, links
followed), so a symbolic or hard link to a document is refused as surely as its own name.

Standard output is wrapped (``guard_stdout``) so that every way a write to it can fail becomes one
of two exceptions the command line turns into one line and an exit code: ``StdoutClosed`` (the
reader went away: ``| head -1``) and ``StdoutFailed`` (closed descriptor, full disk, …). When its
encoding cannot show Chinese, characters it cannot encode are written as ``\\uXXXX`` escapes.
"""

from __future__ import annotations

import errno
import io
import os
import stat
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path


class OutputError(Exception):
    """A report file that cannot be written; the message names the file."""


class StdoutClosed(Exception):
    """Standard output's reader has gone (a broken pipe): end quietly."""


class StdoutFailed(Exception):
    """Standard output cannot be written (closed, full disk, …); the message says why."""


# ---------------------------------------------------------------- report files


def same_file(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def refuse_inputs(output: str | Path, inputs: Iterable[str | Path]) -> None:
    """OutputError when ``output`` is (a link to) one of ``inputs`` or a file under an input folder."""
    try:
        target = os.stat(output)
    except OSError:
        return  # nothing there yet: it cannot be an input
    if not stat.S_ISREG(target.st_mode):
        return  # /dev/null, a terminal, a pipe: writing there destroys nothing
    for path in inputs:
        try:
            if same_file(os.stat(path), target):
                raise OutputError(f"{output}: is one of the inputs ({path}); "
                                  "the report would overwrite it — choose another --output")
        except OSError:
            continue


def write_report(output: str | Path, text: str | bytes) -> None:
    """Write ``text`` (UTF-8; bytes as they are, e.g. a workbook) to ``output`` atomically;
    OutputError naming the file on any failure."""
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    target = os.path.realpath(output)  # write through a link to where it points, keep the link
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise OutputError(f"{output}: cannot write the report ({_reason(exc)})") from None
    try:
        if mode is not None and not stat.S_ISREG(mode):
            _write_special(target, data)  # /dev/null, /dev/stdout, a FIFO: no rename possible
        else:
            _write_replacing(target, data, mode)
    except OSError as exc:
        raise OutputError(f"{output}: cannot write the report ({_reason(exc)})") from None


def _write_replacing(target: str, data: bytes, mode: int | None) -> None:
    folder, name = os.path.split(target)
    fd, tmp = tempfile.mkstemp(dir=folder or ".", prefix=f".{name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, stat.S_IMODE(mode) if mode is not None else 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _write_special(target: str, data: bytes) -> None:
    # Non-blocking open: a FIFO nobody reads is an error (ENXIO), not a hang.
    fd = os.open(target, os.O_WRONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENXIO:
        return "nobody reads that pipe"
    return exc.strerror or str(exc)


# ---------------------------------------------------------------- standard streams


class _GuardedStdout(io.TextIOBase):
    """Standard output whose failures are StdoutClosed / StdoutFailed, not OSError."""

    def __init__(self, stream):
        self._stream = stream

    def _call(self, method: str, *args):
        if self._stream is None:
            raise StdoutFailed("standard output is closed; write the report with --output FILE")
        try:
            return getattr(self._stream, method)(*args)
        except BrokenPipeError:
            raise StdoutClosed() from None
        except OSError as exc:
            raise StdoutFailed(f"cannot write to standard output ({_reason(exc)})") from None
        except ValueError as exc:  # "I/O operation on closed file"
            raise StdoutFailed(f"cannot write to standard output ({exc})") from None

    def write(self, text: str) -> int:
        return self._call("write", text)

    def write_bytes(self, data: bytes) -> None:
        """A binary report (a workbook): refused on a terminal, where it would only garble the screen."""
        if self._stream is None:
            raise StdoutFailed("standard output is closed; write the report with --output FILE")
        if self.isatty():
            raise StdoutFailed("a binary report is not shown on a terminal; write it with --output FILE "
                               "or redirect standard output to a file")
        buffer = getattr(self._stream, "buffer", None)
        if buffer is None:
            raise StdoutFailed("standard output takes no binary data; write the report with --output FILE")
        self.flush()
        try:
            buffer.write(data)
            buffer.flush()
        except BrokenPipeError:
            raise StdoutClosed() from None
        except OSError as exc:
            raise StdoutFailed(f"cannot write to standard output ({_reason(exc)})") from None
        except ValueError as exc:
            raise StdoutFailed(f"cannot write to standard output ({exc})") from None

    def flush(self) -> None:
        if self._stream is not None:
            self._call("flush")

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        try:
            return self._stream is not None and self._stream.isatty()
        except (OSError, ValueError):
            return False

    def fileno(self) -> int:
        if self._stream is None:
            raise io.UnsupportedOperation("standard output is closed")
        return self._stream.fileno()

    @property
    def encoding(self) -> str:
        return getattr(self._stream, "encoding", None) or "utf-8"

    @property
    def errors(self) -> str:
        return getattr(self._stream, "errors", None) or "strict"


def guard_stdout() -> str | None:
    """Install the guarded standard output; a note to show the user when Chinese cannot be printed."""
    _fill_closed_descriptors()
    stream = sys.stdout
    note = None
    if stream is not None and not _can_encode(stream, "预算"):
        try:
            stream.reconfigure(errors="backslashreplace")
            note = (f"standard output's encoding ({stream.encoding}) cannot show Chinese; it is written as "
                    "\\uXXXX escapes (set PYTHONIOENCODING=utf-8 or a UTF-8 locale, or use --output)")
        except (AttributeError, ValueError):
            pass
    if sys.stderr is not None and not _can_encode(sys.stderr, "预算"):
        try:
            sys.stderr.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError):
            pass
    sys.stdout = _GuardedStdout(stream)
    return note


def silence_stdout() -> None:
    """After a broken pipe: point the descriptor at /dev/null so the exit's flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)
    except OSError:
        pass


def _fill_closed_descriptors() -> None:
    """Give closed descriptors 0–2 /dev/null, so no file opened later (a report, a cache entry)
    takes their number and receives what was meant for the terminal."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            try:
                got = os.open(os.devnull, os.O_RDWR)
                if got != fd:
                    os.dup2(got, fd)
                    os.close(got)
            except OSError:
                pass
            if fd == 1:
                sys.stdout = None  # the report has nowhere to go: say so when it is written
            elif fd == 2 and sys.stderr is None:
                sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115 - lives as long as the process


def _can_encode(stream, text: str) -> bool:
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True
