"""Text files (.txt/.md) in UTF-8, UTF-8 with BOM, UTF-16 or GB18030, as numbered lines."""

from __future__ import annotations

import codecs
from pathlib import Path

from ..amounts import normalize
from ..errors import InputError
from ..model import Line

# Control characters other than tab, newline, carriage return and form feed mean "not text".
_ALLOWED_CONTROLS = {"\t", "\n", "\r", "\f", "\v"}


def decode(data: bytes, path: str) -> str:
    if not data.strip():
        raise InputError(path, "the file is empty")
    if data.startswith(codecs.BOM_UTF8):
        return _checked(data[3:].decode("utf-8", errors="strict"), path, "UTF-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _checked(_try(data, "utf-16", path), path, "UTF-16")
    if data.count(0):
        # UTF-16 without BOM: ASCII has a NUL in every other byte; pick the byte order that reads as text.
        best = max((_plausible(data, enc), enc) for enc in ("utf-16-le", "utf-16-be"))
        if best[0] > 0.9:
            return _checked(data.decode(best[1]), path, "UTF-16")
        raise InputError(path, "not a text file (binary content)")
    for encoding in ("utf-8", "gb18030"):
        try:
            return _checked(data.decode(encoding, errors="strict"), path, encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(path, "unknown text encoding (tried UTF-8, UTF-16, GB18030)")


def _plausible(data: bytes, encoding: str) -> float:
    """Share of decoded characters that text documents are made of (CJK, ASCII, punctuation)."""
    try:
        text = data.decode(encoding, errors="strict")
    except UnicodeDecodeError:
        return 0.0
    if not text:
        return 0.0
    good = sum(1 for ch in text if ch.isprintable() or ch in "\t\n\r")
    cjk_or_ascii = sum(1 for ch in text if ch < "\x80" or "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef")
    return min(good, cjk_or_ascii) / len(text)


def _try(data: bytes, encoding: str, path: str) -> str:
    try:
        return data.decode(encoding, errors="strict")
    except UnicodeDecodeError as exc:
        raise InputError(path, f"invalid {encoding.upper()} text at byte {exc.start}") from None


def _checked(text: str, path: str, encoding: str) -> str:
    sample = text[:20000]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in _ALLOWED_CONTROLS)
    if controls > max(3, len(sample) // 200):
        raise InputError(path, f"not a text file (control characters in {encoding} text)")
    if not text.strip():
        raise InputError(path, "the file is empty")
    return text


def read_lines(path: str | Path) -> list[Line]:
    p = Path(path)
    if not p.exists():
        raise InputError(str(path), "no such file")
    if p.is_dir():
        raise InputError(str(path), "is a folder, not a file")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot be read ({exc.strerror or exc})") from None
    text = decode(data, str(path))
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [Line(number=i + 1, text=normalize(raw), raw=raw) for i, raw in enumerate(raw_lines)]
