"""Text files (.txt/.md) in UTF-8, UTF-8 with BOM, UTF-16 or GB18030, as numbered lines."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from ..amounts import normalize
from ..errors import InputError
from ..model import Line

# Page furniture printed on a line of its own: "- 3 -", "— 3 —", "第 3 页", "第3页 共20页", "3/20".
_PAGE_MARK = re.compile(
    r"^[-—–－_~\s]*(?:第\s*\d{1,4}\s*页(?:\s*[,，]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*[/／]\s*\d{1,4})[-—–－_~\s]*$"
    r"|^\s*[-—–－~]+\s*\d{1,4}\s*[-—–－~]+\s*$"
)
_BARE_NUMBER = re.compile(r"^\s*(\d{1,4})\s*$")
_MIN_PAGE_LINES = 8  # a page holds more lines than this; TOC page columns and codes sit closer


# Markdown decoration from converters: "# " headings, "**bold**" / "__bold__" spans.
_HEADING = re.compile(r"^(\s*)#{1,6}\s+")
_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")


def undecorated(text: str) -> str:
    """The line without markdown headings and emphasis (table rows are left as printed)."""
    if "\t" in text.strip("\t") or not ("#" in text or "**" in text or "__" in text):
        return text
    return _EMPHASIS.sub(r"\2", _HEADING.sub(r"\1", text))


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
    furniture = page_furniture(raw_lines)
    return [Line(number=i + 1, text="" if i in furniture else undecorated(normalize(raw)), raw=raw)
            for i, raw in enumerate(raw_lines)]


def page_furniture(lines: list[str]) -> set[int]:
    """Indexes of the lines that are page numbers, not content.

    Decorated numbers ("- 3 -", "第 3 页") always are. A bare number is one when it belongs to a run
    of at least three bare numbers counting up page by page (a page or two may lack its number),
    each a page's worth of lines after the last: a table's codes or cells do not count up that way.
    """
    marks = {i for i, text in enumerate(lines) if _PAGE_MARK.match(text)}
    bare = [(i, int(m.group(1))) for i, text in enumerate(lines) if (m := _BARE_NUMBER.match(text))]
    best: dict[int, list[int]] = {}  # longest counting run ending at each bare number
    for k, (i, n) in enumerate(bare):
        run = [i]
        for j, m in reversed(bare[max(0, k - 64):k]):  # bounded: a few pages back is enough
            if 1 <= n - m <= 3 and i - j >= _MIN_PAGE_LINES * (n - m) and len(best[j]) + 1 > len(run):
                run = [*best[j], i]
        best[i] = run
    for run in best.values():
        if len(run) >= 3:
            marks.update(run)
    return marks
