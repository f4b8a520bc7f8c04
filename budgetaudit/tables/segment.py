"""Where the tables are: table titles confirmed by what follows them, the 目录, the regions between."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..amounts import unit_of
from ..model import Line, TocEntry
from .catalogue import (
    TableSpec,
    is_title_prefix,
    match_title,
    split_header_line,
    table_number,
    title_number,
    toc_title,
)
from .labels import compact

ILLEGIBLE = "[illegible]"
SECTION = re.compile(r"^\s*[-•]?\s*第([一二三四五六七八九十]+)部分")
_SENTENCE = re.compile(r"[，；;]|,\s*\S")  # a TOC entry is a title: no clause punctuation
_LOOKAHEAD = 14
_CODE_HEADER = re.compile(r"(功能分类|经济分类)?科目(编码|名称)")
_CODE_LINE = re.compile(r"^\d{3}(?:\d{2}){0,2}(?:\s+[\u4e00-\u9fff][^\d]{0,30})?$")  # "208" / "2080501 行政运行"


@dataclass
class Region:
    spec: TableSpec
    title: str
    title_line: int  # index into lines (0-based)
    body: int  # index of the first line after the title (0-based)
    end: int  # exclusive
    number: str | None = None
    unit: str | None = None


def _title_at(lines: list[Line], i: int) -> tuple[TableSpec, str, int] | None:
    """(spec, title, index of the title's last line) when line i starts a table title."""
    text, spec, prefix = _line_title(lines[i].text)
    if spec:
        return spec, text, i
    if prefix:
        j = i + 1
        while j < len(lines) and j <= i + 2 and not lines[j].text.strip():
            j += 1
        if j < len(lines):
            joined = text + lines[j].text.strip()
            spec = match_title(joined)
            if spec:
                return spec, joined, j
    return None


@lru_cache(maxsize=8192)  # every line is asked, the recognisers ask again around each title
def _line_title(line_text: str) -> tuple[str, TableSpec | None, bool]:
    """A line's stripped text, the table whose title it is, and whether it may begin a title."""
    text = line_text.strip()
    if not text or "\t" in text.strip("\t"):
        return text, None, False
    spec = match_title(text)
    return text, spec, not spec and is_title_prefix(text)


def _confirmed(lines: list[Line], after: int) -> bool:
    """A title is a table's when a number, unit line, header or [illegible] follows before another title,
    or when its own line carries the table's unit ("…支出预算表部门:… 单位:万元 功能科目代码 …")."""
    if unit_of(lines[after].text) and "单位" in lines[after].text:
        return True
    seen = 0
    j = after + 1
    while j < len(lines) and seen < _LOOKAHEAD:
        text = lines[j].text.strip()
        j += 1
        if not text:
            continue
        seen += 1
        if table_number(text) or unit_of(text) or ILLEGIBLE in text or "\t" in lines[j - 1].text:
            return True
        if re.match(r"^(单位|部门)名称\s*[:：]", text) or re.search(r"单位\s*[:：]\s*万\s*$", text):
            return True
        if _CODE_HEADER.fullmatch(compact(text)) or _CODE_LINE.match(text):
            return True  # a 科目编码 heading or row (extraction may print the unit line before the title)
        if _title_at(lines, j - 1) or SECTION.match(text) or len(text) > 60:
            return False
    return False


def find_toc(lines: list[Line]) -> tuple[list[TocEntry], tuple[int, int]]:
    """Entries of the 目录 and the index range it covers (empty range when there is none)."""
    start = None
    for i, line in enumerate(lines[:200]):
        if compact(line.text) in {"目录", "目次"}:
            start = i
            break
    if start is None:
        return [], (0, 0)
    entries: list[TocEntry] = []
    seen: set[str] = set()
    parts: list[str] = []
    end = start + 1
    while end < len(lines):
        if lines[start].sheet and lines[end].sheet and lines[end].sheet != lines[start].sheet:
            break  # a workbook's 目录 is one sheet: the next sheet's title is the table's, not an entry
        if not _toc_line(lines[end], entries, seen, parts):
            break
        end += 1
    return entries, (start, end)


# Entries run together on one extracted line, each ending in its leader (and page number):
# "1.2024年部门财务收支预算总表 ……………… 2.2024年部门收入预算总表 ………………".
# A numbered heading that ends in a full stop ("一、主要职能。") is still a 目录 entry, not a sentence.
_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.、．])[^，,；;。]{1,30}。$")
# The next entry starts after the page number and a space, or right after the leader with a word or
# an enumerator ("2.2024年…"); a page number ending the line starts nothing.
_LEADER_SPLIT = re.compile(
    r"(?<=[^\s.．…·_])\s*(?:[.．…·_]{3,}|…{2,})\s*(?:\d{1,4}\s+(?=\S)|(?=[^\s\d.．…·_]|\d{1,2}[.、．]))"
)


def _toc_line(line: Line, entries: list[TocEntry], seen: set[str], parts: list[str]) -> bool:
    """Add the 目录 entries of one line; False when the line is no longer the 目录."""
    whole = line.text.strip()
    for text in _LEADER_SPLIT.split(whole) if whole else []:
        key = compact(text).lstrip("-•")
        if len(toc_title(text)) > 50 or text.endswith("。") and not _HEADING.match(text) or _SENTENCE.search(text):
            return False  # the body's first paragraph (wrapped lines are short, but they are sentences)
        if key in seen:
            return False
        if unit_of(split_header_line(text)[1]):
            return False  # a table's title line ("收支预算总表部门：… 单位：万元"): the tables begin
        part = SECTION.match(text)
        if part and part.group(1) in parts:
            return False  # "第一部分" again: the body begins, under a title worded differently
        if part:
            parts.append(part.group(1))
        seen.add(key)
        spec = match_title(text)
        number = line.number
        if spec is None and entries and entries[-1].kind is None:
            joined = match_title(entries[-1].title + text)  # an entry wrapped over two lines
            if joined is not None:
                last = entries.pop()
                text, spec, number = last.title + toc_title(text), joined, last.line
        entries.append(TocEntry(title=toc_title(text.lstrip("-• ")), line=number, kind=spec.kind if spec else None))
    return True


# Where a title printed on one line with its table's preamble ends: "收支预算总表部门:… 单位:万元",
# "收支预算总表公开表一部门:…".
_PREAMBLE_START = re.compile(r"\s*(?:(?:部门|单位)(?:名称)?\s*[:：]|公开\s*表\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
                             r"|公开\s*\d{1,2}\s*表)")


def printed_titles(lines: list[Line], toc_range: tuple[int, int]) -> list[TocEntry]:
    """Every line of the body (not the 目录) that is a known table's title, confirmed or not.

    Tables a document prints are counted from these and the 目录, whether or not a table could be
    read under them: what was printed but not read is then said, never passed over in silence.
    """
    out: list[TocEntry] = []
    for i, line in enumerate(lines):
        if toc_range[0] <= i < toc_range[1]:
            continue
        if "表" not in line.text:
            continue  # most lines: no title without 表
        text = line.text.strip().split("\t", 1)[0].strip()
        if not text or len(text) > 80 or "表" not in text:
            continue
        head = _PREAMBLE_START.split(text, 1)[0]
        spec = match_title(head) if head else None
        if spec is not None:
            out.append(TocEntry(title=head, line=line.number, kind=spec.kind))
    return out


def find_regions(lines: list[Line], toc_range: tuple[int, int]) -> list[Region]:
    starts: list[Region] = []
    i = 0
    while i < len(lines):
        if toc_range[0] <= i < toc_range[1]:
            i = toc_range[1]
            continue
        hit = _title_at(lines, i)
        if hit and _confirmed(lines, hit[2]):
            spec, title, last = hit
            starts.append(Region(spec=spec, title=split_header_line(title)[0].strip(), title_line=i, body=last + 1,
                                 end=len(lines)))
            i = last + 1
            continue
        i += 1
    for a, b in zip(starts, starts[1:], strict=False):
        a.end = b.title_line
    for region in starts:
        for j in range(region.body, region.end):
            if "部分" in lines[j].text and SECTION.match(lines[j].text):  # the test first: most lines fail it
                region.end = j
                break
        _read_preamble(lines, region)
    return starts


def _read_preamble(lines: list[Line], region: Region) -> None:
    """Table number and unit from the lines around the title."""
    window = range(max(region.title_line - 2, 0), min(region.body + 10, region.end))
    for j in window:
        text = lines[j].text.strip()
        if "\t" in lines[j].text.strip("\t") and j >= region.body and not is_preamble(text.replace("\t", " ")):
            break  # the header: "编制单位：…\t单位：元" before it is still the preamble
        if region.number is None:
            number = table_number(text) or (title_number(text) if region.title_line <= j < region.body else None)
            if number:
                region.number = number
        if region.unit is None:
            unit = unit_of(text)
            if unit:
                region.unit = unit


@lru_cache(maxsize=8192)  # a table's header lines are printed again on each of its pages
def is_preamble(text: str) -> bool:
    """Lines between a title and its header: numbers, units, unit names, a year."""
    t = text.strip()
    if not t:
        return True
    if table_number(t) and len(compact(t)) <= 16:
        return True
    if unit_of(t) and len(t) <= 40:
        return True
    if re.match(r"^(?:编制)?(单位|部门)(名称)?\s*[:：]", t) and ("\t" not in t.strip("\t") or unit_of(t)):
        return True  # "部门：\t江苏省人民检察院\t\t单位：万元" is the preamble, not a header row
    if re.fullmatch(r"\d{4}\s*年(度)?", t) or t == "元":
        return True
    return False
