"""Text files (.txt/.md) in UTF-8, UTF-8 with BOM, UTF-16 or GB18030, as numbered lines."""

from __future__ import annotations

import codecs
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from ..amounts import normalize
from ..errors import InputError
from ..model import Line
from .regular import read_regular

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


# Bounds of a disclosure's text: the largest seen are well under 1 MB with lines of 3,000 characters.
MAX_TEXT_BYTES = 8 * 1024**2
MAX_LINE_CHARS = 100_000  # a longer "line" is not a paragraph or a table row (e.g. an inlined image)
MAX_LINES = 200_000  # a 300-page disclosure has about 15,000 lines; work grows with the lines


# Control characters other than tab, newline, carriage return and form feed mean "not text".
_ALLOWED_CONTROLS = {"\t", "\n", "\r", "\f", "\v"}
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f]")  # the control characters not in _ALLOWED_CONTROLS


# Files that are something else under a .txt name: what they are, said plainly.
_SIGNATURES = (
    (b"%PDF-", "a PDF file, not text (name it .pdf to audit it as a PDF)"),
    (b"PK\x03\x04", "a ZIP archive (or a .docx/.xlsx document), not text"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old-style Office document (.doc/.xls), not text"),
    (b"\x1f\x8b", "a gzip-compressed file, not text"),
    (b"Rar!\x1a\x07", "a RAR archive, not text"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive, not text"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image, not text"),
    (b"\xff\xd8\xff", "a JPEG image, not text"),
    (b"{\\rtf", "an RTF document, not plain text (save it as .txt or print it to PDF)"),
)


def decode(data: bytes, path: str) -> str:
    if not data.strip():
        raise InputError(path, "the file is empty")
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            raise InputError(path, f"is {what}")
    if data.startswith(codecs.BOM_UTF8):
        return _checked(_try(data[3:], "utf-8", path), path, "UTF-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _checked(_try(data, "utf-16", path), path, "UTF-16")
    if data.count(0):
        # UTF-16 without BOM: ASCII has a NUL in every other byte; pick the byte order that reads as text.
        best = max((_plausible(data, enc), enc) for enc in ("utf-16-le", "utf-16-be"))
        if best[0] > 0.9:
            return _checked(data.decode(best[1]), path, "UTF-16")
        if data.count(0) * 1000 > len(data):
            raise InputError(path, "not a text file (binary content)")
        data = data.replace(b"\x00", b"")  # a few stray NULs from a careless conversion, not binary
    try:
        return _checked(data.decode("utf-8", errors="strict"), path, "UTF-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if utf8_error.reason == "unexpected end of data" and utf8_error.end == len(data) and utf8_error.start:
        # Cut short inside its last character (a truncated copy): the text before it is still UTF-8.
        try:
            return _checked(data[:utf8_error.start].decode("utf-8", errors="strict"), path, "UTF-8")
        except UnicodeDecodeError:
            pass
    try:
        text = data.decode("gb18030", errors="strict")
    except UnicodeDecodeError:
        pass
    else:
        if _common_chinese(text) < GB2312_SHARE:
            raise InputError(path, "unknown text encoding: it decodes as GB18030 only into rare characters "
                                   "(random or binary data, or an encoding other than UTF-8 and GB18030)")
        return _checked(text, path, "GB18030")
    raise InputError(path, "unknown text encoding (neither UTF-8, GB18030 nor UTF-16): "
                           f"{_where(data, utf8_error.start)} is not valid UTF-8")


# The shortest disclosure is pages long; a title alone has more characters than this.
MIN_VISIBLE_CHARS = 20

# Chinese text in GB18030 is written almost only in GB2312's characters (ASCII, 6,763 common hanzi,
# punctuation); random bytes that happen to decode land mostly outside it.
GB2312_SHARE = 0.9


def _common_chinese(text: str) -> float:
    """Share of the visible characters of ``text`` (a sample) that GB2312 can encode."""
    visible = [ch for ch in text[:20000] if not ch.isspace()]
    if not visible:
        return 1.0
    common = 0
    for ch in visible:
        try:
            ch.encode("gb2312")
            common += 1
        except UnicodeEncodeError:
            pass
    return common / len(visible)


def _visible(text: str, enough: int | None = None) -> int:
    """How many characters of ``text`` can be read: not spaces, NBSP, U+3000, zero-width marks;
    counting stops at ``enough``."""
    count = 0
    for ch in text:
        if not ch.isspace() and unicodedata.category(ch) not in _INVISIBLE:
            count += 1
            if count == enough:
                break
    return count


_INVISIBLE = {"Zs", "Zl", "Zp", "Cc", "Cf", "Co", "Cn"}


def _where(data: bytes, offset: int) -> str:
    line = data.count(b"\n", 0, offset) + 1
    return f"byte 0x{data[offset]:02x} at line {line} (offset {offset})"


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
        name = encoding.upper()
        if exc.reason == "truncated data" or (name == "UTF-16" and len(data) % 2):
            raise InputError(path, f"truncated {name} text: the file ends inside a character") from None
        raise InputError(path, f"invalid {name} text: {_where(data, exc.start)}") from None


def _checked(text: str, path: str, encoding: str) -> str:
    sample = text[:20000]
    controls = len(_CONTROLS.findall(sample))
    if controls > max(3, len(sample) // 200) or controls * 50 > len(sample):
        raise InputError(path, f"not a text file (control characters in {encoding} text)")
    if not text.strip():
        raise InputError(path, "the file is empty")
    visible = _visible(text[:20000], MIN_VISIBLE_CHARS)
    if not visible:
        raise InputError(path, "the file is empty: it holds only blank or invisible characters")
    if visible < MIN_VISIBLE_CHARS and not _visible(text[20000:], 1):
        raise InputError(path, f"holds only {visible} visible characters, too few to be a disclosure")
    return text


def read_lines(path: str | Path) -> list[Line]:
    data = read_regular(path, MAX_TEXT_BYTES, "disclosure's text")
    text = decode(data, str(path))
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if len(raw_lines) > MAX_LINES:
        raise InputError(str(path), f"has {len(raw_lines):,} lines, more than a disclosure's text "
                                    f"(the limit is {MAX_LINES:,})")
    furniture = page_furniture(raw_lines) | _overlong(raw_lines, str(path))
    return Line.many((i + 1, "" if i in furniture else readable(raw), raw) for i, raw in enumerate(raw_lines))


@lru_cache(maxsize=8192)  # blank lines, repeated headers and rows: one call for each
def readable(raw: str) -> str:
    """A printed line as the parsers read it: normalised, without markdown, no trailing spaces."""
    return undecorated(normalize(raw)).rstrip(" ")


def _overlong(lines: list[str], path: str) -> set[int]:
    """Lines too long to be content; when they are all the file holds, it is not a document's text."""
    long = {i for i, text in enumerate(lines) if len(text) > MAX_LINE_CHARS}
    if long and all(i in long or not text.strip() for i, text in enumerate(lines)):
        first = min(long)
        raise InputError(path, f"is not a document's text: line {first + 1} alone holds "
                               f"{len(lines[first]):,} characters (no line breaks?)")
    return long


def _page_of_pages(text: str) -> bool:
    """"3/20" is page 3 of 20; "2026/12" is a date, not a page."""
    m = re.search(r"(\d+)\s*[/／]\s*(\d+)", text)
    return not m or int(m.group(1)) <= int(m.group(2))


def page_furniture(lines: list[str]) -> set[int]:
    """Indexes of the lines that are page numbers, not content.

    Decorated numbers ("- 3 -", "第 3 页") always are. A bare number is one when it belongs to a run
    of at least three bare numbers counting up page by page (a page or two may lack its number),
    each a page's worth of lines after the last: a table's codes or cells do not count up that way.
    """
    marks = {i for i, text in enumerate(lines) if _PAGE_MARK.match(text) and _page_of_pages(text)}
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
