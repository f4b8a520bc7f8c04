"""Prose as paragraphs: lines outside the tables, re-joined where extraction wrapped a sentence.

PDF extraction breaks a sentence wherever the printed line ended ("…比上年增加 1.23 万元，增加" /
blank line / "0.73%，…"), so claims are read from paragraphs, not lines. Every character of a
paragraph remembers the line (and page) it came from, so a claim is reported where its number is
printed.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from ..model import Document, Line
from .conventions import STARTER

# Characters that end a sentence or a list item: the next line starts a new paragraph.
_FINAL = set("。！？!?；;：:")
_MARKDOWN = re.compile(r"^\s*(?:[-*•]\s+|#+\s+)+")
_FIGURE = re.compile(r"\d\s*(?:万|亿|千)?\s*(?:元|%|％)|\d[*×=＝]")  # a figure or a calculation, not a year
_MAX_BLANKS = 2
_TITLE_MAX = 25
_HEADING_MAX = 60


@dataclass
class Paragraph:
    """Joined text of consecutive lines and where each character comes from.

    ``pieces`` holds one (offset, line, page, columns) per joined line: ``text[offset + i]`` is
    printed on ``line`` (``page``) at column ``columns[i]`` (kept per line, not per character: a
    long text's paragraphs hold hundreds of thousands of characters)."""

    text: str
    pieces: list[tuple[int, int, int | None, Sequence[int]]] = field(default_factory=list)
    in_table: bool = False
    starts: list[int] = field(default_factory=list)  # each piece's offset, for bisect

    def _piece(self, index: int) -> tuple[int, tuple[int, int, int | None, Sequence[int]]]:
        index = min(max(index, 0), len(self.text) - 1)
        return index, self.pieces[max(bisect_right(self.starts, index) - 1, 0)]

    @property
    def first_line(self) -> int:
        return self.pieces[0][1] if self.pieces else 0

    def line_at(self, index: int) -> int:
        return self._piece(index)[1][1]

    def page_at(self, index: int) -> int | None:
        return self._piece(index)[1][2]

    def column_at(self, index: int) -> int:
        index, (offset, _, _, columns) = self._piece(index)
        return columns[min(index - offset, len(columns) - 1)] if columns else 0

    def lines(self) -> list[int]:
        seen: list[int] = []
        for _, line, _, _ in self.pieces:
            if not seen or seen[-1] != line:
                seen.append(line)
        return seen


def table_lines(document: Document) -> set[int]:
    """Line numbers covered by a recognised table (Table.first_line..last_line)."""
    covered: set[int] = set()
    for table in document.tables:
        if table.first_line and table.last_line >= table.first_line:
            covered.update(range(table.first_line, table.last_line + 1))
    return covered


def clean(text: str) -> str:
    """A line as prose: markdown list and bold markers out, surrounding space trimmed."""
    return clean_with_columns(text)[0]


@lru_cache(maxsize=8192)  # both paragraph walks (with and without tables) clean every line
def clean_with_columns(text: str) -> tuple[str, Sequence[int]]:
    """``clean(text)`` and, for each of its characters, the column it has in ``text``."""
    m = _MARKDOWN.match(text)
    start = m.end() if m else 0
    if "**" not in text:
        body = text[start:]
        lead = len(body) - len(body.lstrip())
        trail = len(body.rstrip())
        return body[lead:trail], range(start + lead, start + trail)
    chars: list[str] = []
    cols: list[int] = []
    i = start
    while i < len(text):
        if text.startswith("**", i):
            i += 2
            continue
        chars.append(text[i])
        cols.append(i)
        i += 1
    joined = "".join(chars)
    lead = len(joined) - len(joined.lstrip())
    trail = len(joined.rstrip())
    return joined[lead:trail], tuple(cols[lead:trail])  # shared by every caller: immutable


_CLASS_OR_SECTION = re.compile(r"[（(][类款][)）]")
_ITEM = re.compile(r"[（(]项[)）]")
_AMOUNT_AT_END = re.compile(r"\d\.\d+\s*[万亿千]?$")
_FIGURE_AT_END = re.compile(r"\d\s*万?$")
_CLAUSE_PUNCTUATION = re.compile(r"[，,、：:；;（(]")


def is_heading(text: str) -> bool:
    """A short numbered title with no sentence punctuation ("一、收支预算的总体说明")."""
    m = STARTER.match(text)
    if len(text) > _HEADING_MAX or not m:
        return False
    rest = text[m.end() :]
    if not rest.strip():
        return False  # "3." alone: the item goes on on the next line
    if rest.endswith(("（类）", "（款）", "(类)", "(款)", "、", "和", "及", "（", "(")):
        return False  # a 功能科目 chain or a list wrapped onto the next line
    if _CLASS_OR_SECTION.search(rest) and not _ITEM.search(rest):
        return False  # "…(类)…(款)行政单位离退": the chain goes on to its (项) on the next line
    if _AMOUNT_AT_END.search(rest):
        return False  # "…(项)30.83万" + "元，主要是…": an amount wrapped before its unit
    return not any(ch in rest for ch in "，,。；;：:") and not _FIGURE.search(rest)


_SENTENCE_MARK = re.compile(r"[，,。；;：:]")
_UNIT_FIRST = re.compile(r"^\s*(?:万?元|%|％)")  # "…371.92\t万" / "元，与上年相比…" too


_CONTINUATION = re.compile(r"^(?:[、，,。；;：:）)”%％]|[（(][类款项][）)]|(?:\d[\d,]*(?:\.\d+)?\s*)?(?:万元|元|亿元)(?![\u4e00-\u9fff]*[:：]))")


def _continues(text: str) -> bool:
    """A line no sentence, title or heading can start with: punctuation that closes or joins, or an
    amount or unit ("10528.33 万元，…"), which only ever follows the label it belongs to."""
    return bool(_CONTINUATION.match(text))


def _tabbed_prose(text: str, following: str) -> bool:
    """Whether a line with tabs outside the tables is prose: it has sentence punctuation, it
    continues a figure with its unit, or its figure's unit starts the next line ("…支出（项）\t1,895"
    / "万元，与上年相比…")."""
    if _SENTENCE_MARK.search(text) or _UNIT_FIRST.match(text):
        return True
    return bool(_FIGURE_AT_END.search(text.rstrip()) and _UNIT_FIRST.match(following))


def _next_text(lines: list[Line], line: Line) -> str:
    """The next non-blank line's text after ``line`` (lines are numbered from 1 in order)."""
    for other in lines[line.number : line.number + 4]:
        if other.text.strip():
            return other.text.strip()
    return ""


def starts_item(text: str) -> bool:
    return bool(STARTER.match(text))


def _title_like(line: str) -> bool:
    """A short line without punctuation or figures ("2026 年度单位预算"): a title, not a wrapped
    sentence — extraction wraps full lines, so a sentence's broken lines are long."""
    return len(line) < _TITLE_MAX and not _CLAUSE_PUNCTUATION.search(line) and not _FIGURE.search(line)


def _ends_sentence(text: str) -> bool:
    stripped = text.rstrip()
    if not stripped:
        return True
    last = stripped[-1]
    if last in _FINAL:
        return True
    # "…以及其他费用。）" and "…。”" close a sentence too.
    if last in "）)”\"" and len(stripped) > 1 and stripped[-2] in _FINAL:
        return True
    # So does a note in parentheses after a full sentence: "…万元。（详见附件 2）".
    if last in "）)":
        opening = max(stripped.rfind("（"), stripped.rfind("("))
        return opening > 0 and stripped[opening - 1] in _FINAL
    return False


def paragraphs(document: Document, *, include_tables: bool = False) -> list[Paragraph]:
    """Prose paragraphs of ``document``; with ``include_tables`` also the text inside table regions.

    Worked out once per document and option: several prose rules walk them, and on a long text
    the walk is the largest part of the audit.

    Outside tables a sentence may continue across up to two blank lines (PDF extraction puts them
    where the printed line wrapped). Inside tables only directly adjacent lines without tabs are
    joined: that is how wrapped cell text (项目内容) comes out of extraction, while rows stay apart.
    """
    memo = document.__dict__.setdefault("_paragraphs", {})
    key = (include_tables, len(document.lines), len(document.tables))
    if key not in memo:
        memo[key] = _paragraphs(document, include_tables)
    return memo[key]


def _paragraphs(document: Document, include_tables: bool) -> list[Paragraph]:
    covered = table_lines(document)
    last_text = ""
    out: list[Paragraph] = []
    current: Paragraph | None = None
    blanks = 0
    for line in document.lines:
        in_table = line.number in covered
        if in_table and not include_tables:
            if current is not None:
                out.append(current)
                current = None
            continue
        text, columns = clean_with_columns(line.text)
        if not text and line.raw.strip() and not include_tables:
            continue  # page furniture the reader blanked ("- 3 -"): a sentence runs on across it
        if not text or text == "[illegible]":
            blanks += 1
            if current is not None and (current.in_table or blanks > _MAX_BLANKS):
                out.append(current)
                current = None
            continue
        tabbed = "\t" in line.text and "\t" in line.text.strip()  # most lines have no tab at all
        if tabbed and not in_table and _tabbed_prose(text, _next_text(document.lines, line)):
            # Prose set with tab stops ("…增加\t2,802.41\t万元，增长"): a sentence, not a row.
            text = text.replace("\t", " ")
            tabbed = False
        joinable = (
            current is not None
            and current.in_table == in_table
            and not tabbed
            and not (in_table and blanks)
            and not _ends_sentence(current.text)
            and not starts_item(text)
            and (
                _continues(text)  # "、支出预算总计…", "万元，比上年…": nothing starts with these
                or (not is_heading(current.text) and (in_table or not _title_like(last_text)))
            )
        )
        last_text = text
        blanks = 0
        if joinable:
            assert current is not None
            # the line's text and where it comes from (inline: this runs for every line of a long text)
            joined = current.text
            if joined and joined[-1].isdigit() and text[:1].isdigit():
                current.starts.append(len(joined))  # two numbers on either side of a line break are two
                current.pieces.append((len(joined), line.number, line.page, [0]))
                joined += " "
            current.starts.append(len(joined))
            current.pieces.append((len(joined), line.number, line.page, columns))
            current.text = joined + text
        else:
            if current is not None:
                out.append(current)
            current = Paragraph(text, [(0, line.number, line.page, columns)], in_table, starts=[0])  # as a joined line
            if tabbed:
                out.append(current)
                current = None
    if current is not None:
        out.append(current)
    return out
