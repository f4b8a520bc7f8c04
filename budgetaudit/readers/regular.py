"""Opening an input only when it is a regular file, and reading it within a size bound.

A FIFO blocks its reader until someone writes, a device such as /dev/zero or /dev/urandom never
ends, and a socket is no document: all are refused by name, through links too. The file is opened
without blocking and judged by what the open descriptor is (fstat), so a FIFO swapped in after a
check cannot hang the reader either.
"""

from __future__ import annotations

import os
import stat

from ..errors import InputError

_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)


def special_kind(mode: int) -> str | None:
    """What a non-regular file is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


def refuse_special(path: str, mode: int) -> None:
    kind = special_kind(mode)
    if kind == "a folder":
        raise InputError(path, "is a folder, not a file")
    if kind is not None:
        raise InputError(path, f"is {kind}, not a regular file; only files are read")


def open_regular(path: str | os.PathLike) -> int:
    """A read-only descriptor on ``path``; InputError naming it when missing, unreadable or special."""
    name = str(path)
    try:
        mode = os.stat(path).st_mode  # follows links: a link to /dev/zero is /dev/zero
    except FileNotFoundError:
        raise InputError(name, "no such file") from None
    except OSError as exc:
        raise InputError(name, f"cannot be read ({exc.strerror or exc})") from None
    refuse_special(name, mode)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise InputError(name, f"cannot be read ({exc.strerror or exc})") from None
    try:
        refuse_special(name, os.fstat(fd).st_mode)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_regular(path: str | os.PathLike, limit: int, what: str = "file") -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; InputError naming it otherwise."""
    fd = open_regular(path)
    try:
        with os.fdopen(fd, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > limit:
                raise InputError(str(path), f"is {_mib(size)}, too large for a {what} "
                                            f"(the limit is {_mib(limit)})")
            data = fh.read(limit + 1)
    except OSError as exc:
        raise InputError(str(path), f"cannot be read ({exc.strerror or exc})") from None
    if len(data) > limit:  # it grew while being read
        raise InputError(str(path), f"is larger than {_mib(limit)}, too large for a {what}")
    return data


def is_regular(path: str | os.PathLike) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def _mib(n: int) -> str:
    return f"{n / 1024**2:.0f} MiB" if n >= 1024**2 else f"{n:,} bytes"
