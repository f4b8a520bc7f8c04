"""Metamorphic robustness: the same document printed differently must give the same findings.

Every sample (and a copy of each with amounts changed, so that the table rules have something to
find) is rewritten by transforms that change how the document is printed but not what it says:
number damage from PDF extraction, thousands separators, full-width forms, encodings and line
endings, another year and entity, page furniture and a table continued after a page break,
markdown decoration, blank lines, other spellings of the unit line and of table numbers. The
rewritten document must yield the same findings — the multiset of (rule, severity, expected,
actual, locations), line numbers mapped through the transform — and the same recognised cells.

Run ``python tests/test_metamorphic.py`` for a breakdown: which transform changes what, per seed.
"""

from __future__ import annotations

import codecs
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest

from budgetaudit.audit import audit
from budgetaudit.loader import load_document
from budgetaudit.model import Document
from budgetaudit.rules import load_rules

pytestmark = pytest.mark.slow  # pytest -m 'not slow': the quick subset (README)

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SAMPLE_NAMES = sorted(p.name for p in SAMPLES.glob("*.txt"))


# ---------------------------------------------------------------------------------------- seeds


@dataclass(frozen=True)
class Seed:
    name: str
    lines: tuple[str, ...]  # the document's lines as printed (UTF-8 text, no line endings)


def _injected(lines: list[str], doc: Document) -> list[str]:
    """Three table amounts changed (first, middle and last table with amounts): errors to find."""
    tables = [t for t in doc.tables if any(c.amount for r in t.rows for c in r.cells)]
    out = list(lines)
    for table in {id(t): t for t in (tables[0], tables[len(tables) // 2], tables[-1])}.values():
        cells = [c for r in table.rows if r.role == "item" for c in r.cells if c.amount and c.raw]
        for cell in cells[len(cells) // 2:] + cells[:len(cells) // 2]:
            text = out[cell.line - 1]
            # the printed number as a whole token (not the "3" of an enumerator "3.")
            printed = "".join(re.escape(ch) + (r"\s?" if ch in ",." else "") for ch in cell.raw)  # "3, 336. 53"
            m = re.search(r"(?<![\d.,])" + printed + r"(?![\d]|[.,]\d)", text)
            if m:
                digit = str((int(re.search(r"\d", cell.raw).group()) + 3) % 10)
                changed = re.sub(r"\d", digit, m.group(), count=1)
                out[cell.line - 1] = text[:m.start()] + changed + text[m.end():]
                break
    return out


@cache
def seed(key: str) -> Seed:
    name, _, variant = key.partition("+")
    lines = (SAMPLES / name).read_text("utf-8").split("\n")
    if variant == "errors":
        lines = _injected(lines, load_document(SAMPLES / name))
    return Seed(key, tuple(lines))


SEEDS = [*SAMPLE_NAMES, *(f"{n}+errors" for n in SAMPLE_NAMES)]


# ----------------------------------------------------------------------------------- variants


@dataclass
class Variant:
    """A transformed document: its lines with the original line each came from (None: inserted)."""

    lines: list[tuple[int | None, str]]
    encoding: str = "utf-8"
    bom: bytes = b""
    newline: str = "\n"
    rename: Callable[[str], str] = field(default=lambda s: s)  # what the transform did to names
    year_shift: int = 0
    # How the findings' messages must read afterwards, for transforms that keep every line and its
    # wording (encodings, another year and entity); None: messages quote text the transform changed.
    message: Callable[[str], str] | None = None

    def data(self) -> bytes:
        text = self.newline.join(t for _, t in self.lines)
        return self.bom + text.encode(self.encoding)

    def origin(self, line: int | None) -> int | None:
        """The original line a transformed line came from (-1: a line the transform inserted)."""
        if line is None or not 1 <= line <= len(self.lines):
            return line
        found = self.lines[line - 1][0]
        return -1 if found is None else found


def _each_line(fn: Callable[[str], str]) -> Callable[[Seed], Variant]:
    def transform(s: Seed) -> Variant:
        return Variant([(i + 1, fn(t)) for i, t in enumerate(s.lines)])
    return transform


def _is_row(text: str) -> bool:
    return "\t" in text.strip("\t")


# An amount: a number with decimals, not part of a longer number, date or version.
_AMOUNT = re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})+|\d+)\.(\d+)(?![\d.])")


def _spaced(text: str) -> str:
    """002-style extraction damage: ``3,336.53`` → ``3, 336. 53``, ``0.21`` → ``0. 21``."""
    return _AMOUNT.sub(lambda m: m.group(1).replace(",", ", ") + ". " + m.group(2), text)


def _no_thousands(text: str) -> str:
    return _AMOUNT.sub(lambda m: m.group(1).replace(",", "") + "." + m.group(2), text)


def _thousands(text: str) -> str:
    return _AMOUNT.sub(lambda m: f"{int(m.group(1).replace(',', '')):,}.{m.group(2)}", text)


_WIDE = str.maketrans("0123456789,.():%", "０１２３４５６７８９，．（）：％")


def _fullwidth(text: str) -> str:
    return text.translate(_WIDE)


def _encoded(encoding: str, bom: bytes = b"", newline: str = "\n") -> Callable[[Seed], Variant]:
    def transform(s: Seed) -> Variant:
        return Variant([(i + 1, t) for i, t in enumerate(s.lines)], encoding=encoding, bom=bom, newline=newline,
                       message=_same)
    return transform


# A year: four digits 2010–2029 standing alone (not inside an amount, a code or a date's number).
_YEAR = re.compile(r"(?<![\d.])(?<!\d,)20[12]\d(?![\d]|\.\d|,\d)")  # after a comma too, not in 1,2024
_ENTITY = re.compile(r"^(.*?(?:局|中心|委员会|厅|院|所|站|馆|校))")


def _entity_core(s: Seed) -> str | None:
    """The entity's name without 本级 and the like: what the document repeats everywhere."""
    entity = _seed_doc(s).entity
    if not entity:
        return None
    m = _ENTITY.match(entity)
    return m.group(1) if m else entity


def _renamed(core: str) -> str:
    """Another entity of the same kind and the same length (so a name wrapped over lines stays so)."""
    for suffix in ("中心", "局", ""):
        if core.endswith(suffix):
            break
    pool = "吉林省长春市林业和草原水利交通运输公共资源交易数据"
    return pool[:len(core) - len(suffix)] + suffix


def _year_and_entity(s: Seed) -> Variant:
    """Every year one later, and the entity renamed wherever it is printed (wrapped lines too)."""
    core = _entity_core(s)
    other = _renamed(core) if core else ""
    wrapped = re.compile(r"(\s*)".join(map(re.escape, core))) if core else None

    def shift(text: str) -> str:
        return _YEAR.sub(lambda m: str(int(m.group()) + 1), text)

    def rename(text: str) -> str:  # on names as compared: without spaces
        text = shift(re.sub(r"\s+", "", text))
        return text.replace(core, other) if core else text

    text = shift("\n".join(s.lines))
    if wrapped:
        text = wrapped.sub(lambda m: "".join(c + (m.group(k + 1) or "") for k, c in enumerate(other[:-1]))
                           + other[-1], text)
    v = Variant(list(enumerate(text.split("\n"), start=1)))
    v.rename, v.year_shift = rename, 1
    years_in_messages = re.compile(r"(?<!\d)(?<!\d,)(?<!\d\.)20[12]\d(?=\s*年)")  # not 第2025行: a line number
    v.message = lambda m: years_in_messages.sub(lambda y: str(int(y.group()) + 1), m).replace(core, other) \
        if core else m
    return v


def _furniture(style: str) -> Callable[[Seed], Variant]:
    """A page number every ~30 lines, between table rows and between prose lines."""
    def transform(s: Seed) -> Variant:
        out: list[tuple[int | None, str]] = []
        page, since = 1, 0
        for i, text in enumerate(s.lines):
            out.append((i + 1, text))
            since += 1
            nxt = s.lines[i + 1] if i + 1 < len(s.lines) else ""
            between_rows = _is_row(text) and _is_row(nxt)
            between_prose = len(text.strip()) > 30 and len(nxt.strip()) > 30 and not _is_row(text) and not _is_row(nxt)
            if since >= 30 and (between_rows or between_prose):
                page += 1
                since = 0
                mark = {"dash": f"- {page} -", "page": f"第 {page} 页", "bare": str(page)}[style]
                out.extend([(None, ""), (None, mark), (None, "")] if between_prose else [(None, mark)])
        return Variant(out)
    return transform


def _form_feeds(s: Seed) -> Variant:
    """pdftotext's page breaks: a form feed before the first line of every page (every 40 lines)."""
    return Variant([(i + 1, ("\f" if i and i % 40 == 0 else "") + t) for i, t in enumerate(s.lines)])


def _continued_tables(s: Seed, marker: str = "") -> Variant:
    """Each tab table with many rows breaks over a page: page number, title, number, unit, header again
    (the title with ``marker`` after it: "支出预算总表（续）")."""
    doc = _seed_doc(s)
    breaks: dict[int, list[str]] = {}
    for table in doc.tables:
        row_lines = sorted({r.line for r in table.rows})
        if table.layout != "tab" or len(row_lines) < 6:
            continue
        first = row_lines[0]
        middle = row_lines[len(row_lines) // 2]
        if not (_is_row(s.lines[middle - 1]) and _is_row(s.lines[middle - 2])):
            continue
        repeat = list(s.lines[table.first_line - 1:first - 1])
        while repeat and not repeat[-1].strip():
            repeat.pop()
        if marker and repeat:
            repeat[0] = repeat[0].rstrip() + marker
        breaks[middle - 1] = ["", "- 9 -", "", *repeat]
    out: list[tuple[int | None, str]] = []
    for i, text in enumerate(s.lines):
        out.extend((None, t) for t in breaks.get(i + 1, []))
        out.append((i + 1, text))
    return Variant(out)


def _seed_doc(s: Seed) -> Document:
    return _loaded(s.name, s.lines)


@cache
def _loaded(name: str, lines: tuple[str, ...]) -> Document:
    from budgetaudit.amounts import normalize
    from budgetaudit.model import Line
    from budgetaudit.tables import recognize

    return recognize([Line(i + 1, normalize(t), t) for i, t in enumerate(lines)], name)


_SECTION = re.compile(r"^\s*[-#*\s]*第[一二三四五六七八九十]+部分")


def _markdown_add(s: Seed) -> Variant:
    """``# `` on part headings, ``**…**`` on table titles, ``- `` on prose paragraphs."""
    doc = _seed_doc(s)
    titles = {t.first_line for t in doc.tables}
    in_tables = {n for t in doc.tables for r in t.rows for n in range(t.first_line + 1, r.line + 1)}
    out = []
    for i, text in enumerate(s.lines):
        bare = text.strip()
        if not bare or _is_row(text) or bare.startswith(("-", "#", "*")) or i + 1 in in_tables:
            out.append((i + 1, text))
        elif _SECTION.match(bare):
            out.append((i + 1, "# " + bare))
        elif i + 1 in titles:
            out.append((i + 1, f"**{bare}**"))
        elif len(bare) > 30:
            out.append((i + 1, "- " + bare))
        else:
            out.append((i + 1, text))
    return Variant(out)


def _table_lines(doc: Document) -> set[int]:
    return {n for t in doc.tables for n in range(t.first_line, max([t.last_line, *(r.line for r in t.rows)]) + 1)}


def _wrap(text: str, width: int) -> list[str]:
    """A paragraph broken into lines of about ``width`` characters, never inside a number."""
    pieces, start = [], 0
    while len(text) - start > width:
        cut = start + width
        while cut < len(text) - 1 and (re.match(r"[\d.,%]", text[cut - 1]) or re.match(r"[\d.,%]", text[cut])):
            cut += 1
        pieces.append(text[start:cut])
        start = cut
    return [*pieces, text[start:]]


def _prose_wrapped(page_break: bool) -> Callable[[Seed], Variant]:
    """Paragraphs wrapped at 36 characters as a PDF prints them; with a page number inside some."""
    def transform(s: Seed) -> Variant:
        tables = _table_lines(_seed_doc(s))
        out: list[tuple[int | None, str]] = []
        count = 0
        for i, text in enumerate(s.lines):
            if i + 1 in tables or _is_row(text) or len(text.strip()) <= 40:
                out.append((i + 1, text))
                continue
            pieces = _wrap(text.strip(), 36)
            count += 1
            for k, piece in enumerate(pieces):
                out.append((i + 1, piece))
                if page_break and k == 0 and len(pieces) > 1 and count % 3 == 0:
                    out.extend([(None, ""), (None, f"- {count} -"), (None, "")])
        return Variant(out)
    return transform


def _titles_prefixed(s: Seed) -> Variant:
    """Each table title printed with the entity and year before it: "某某局2026年收支预算总表"."""
    doc = _seed_doc(s)
    prefix = f"{doc.entity or ''}{doc.year or ''}年"
    titles = {t.first_line for t in doc.tables}
    return Variant([(i + 1, prefix + t.strip() if i + 1 in titles else t) for i, t in enumerate(s.lines)])


def _toc_pages(s: Seed) -> Variant:
    """目录 entries with dotted leaders and page numbers: "一、收支预算总表……………… 12"."""
    doc = _seed_doc(s)
    entries = {e.line for e in doc.toc}
    return Variant([(i + 1, f"{t.rstrip()}{'…' * 12}{k + 3}" if i + 1 in entries else t)
                    for k, (i, t) in enumerate(enumerate(s.lines))])


def _number_on_title(s: Seed, after: bool = False) -> Variant:
    """The table number on the title's line ("表3 支出预算总表", or after it), its own line left blank."""
    doc = _seed_doc(s)
    lines = [(i + 1, t) for i, t in enumerate(s.lines)]
    for table in doc.tables:
        title = table.first_line - 1
        for j in range(title + 1, min(title + 4, len(lines))):
            m = _NUMBER_LINE.match(lines[j][1])
            if m:
                name, number = lines[title][1].strip(), f"表{m.group(2)}"
                lines[title] = (title + 1, f"{name}    {number}" if after else f"{number} {name}")
                lines[j] = (j + 1, "")
                break
    return Variant(lines)


def _unit_on_title(s: Seed) -> Variant:
    """The unit on the title's line ("支出预算总表（单位：万元）"), its own line left blank."""
    doc = _seed_doc(s)
    lines = [(i + 1, t) for i, t in enumerate(s.lines)]
    for table in doc.tables:
        title = table.first_line - 1
        for j in range(title + 1, min(title + 8, len(lines))):
            if lines[j][1].strip() in ("单位：万元", "单位:万元"):
                lines[title] = (title + 1, f"{lines[title][1].strip()}（单位：万元）")
                lines[j] = (j + 1, "")
                break
    return Variant(lines)


def _nil_dashes(s: Seed) -> Variant:
    """Empty amount cells of grid tables printed as "—" (after a row's first amount, up to its last
    cell; in side-by-side tables an empty cell may be the other side's label)."""
    from budgetaudit.tables.catalogue import by_kind

    doc = _seed_doc(s)
    grid_rows = {r.line for t in doc.tables if (spec := by_kind(t.kind)) and spec.layout == "grid" for r in t.rows}

    def fn(i: int, text: str) -> str:
        if not _is_row(text) or i + 1 not in grid_rows:
            return text
        cells = text.split("\t")
        first = next((k for k, c in enumerate(cells) if _AMOUNT.fullmatch(c.replace(" ", ""))), None)
        last = max((k for k, c in enumerate(cells) if c.strip()), default=-1)
        if first is None:
            return text
        return "\t".join("—" if first < k < last and not c.strip() else c for k, c in enumerate(cells))
    return Variant([(i + 1, fn(i, t)) for i, t in enumerate(s.lines)])


def _indented(s: Seed) -> Variant:
    """Paragraphs indented with two ideographic spaces, trailing spaces after every line."""
    doc = _seed_doc(s)
    tables = _table_lines(doc)

    def fn(i: int, text: str) -> str:
        if _is_row(text) or not text.strip():
            return text
        lead = "\u3000\u3000" if i + 1 not in tables and len(text.strip()) > 30 else ""
        return lead + text + "  "
    return Variant([(i + 1, fn(i, t)) for i, t in enumerate(s.lines)])


def _tabs_to_spaces(s: Seed) -> Variant:
    """Tab-separated rows as a layout extraction prints them: cells apart by runs of spaces."""
    return _each_line(lambda t: re.sub(r"\t", "   ", t) if _is_row(t) else t)(s)


def _letter_spaced(s: Seed) -> Variant:
    """Titles and total labels letter-spaced as layout extraction prints them: "收 支 预 算 总 表", "合  计"."""
    doc = _seed_doc(s)
    titles = {t.first_line for t in doc.tables}

    def fn(i: int, text: str) -> str:
        if i + 1 in titles:
            return " ".join(text.strip())
        return re.sub(r"(?<![\u4e00-\u9fff])(合|总)(计)(?![\u4e00-\u9fff])", r"\1  \2", text)
    return Variant([(i + 1, fn(i, t)) for i, t in enumerate(s.lines)])


def _markdown_strip(s: Seed) -> Variant:
    def strip(text: str) -> str:
        if _is_row(text):
            return text
        t = re.sub(r"^\s*(?:#+\s+|[-•]\s+)", "", text)
        return re.sub(r"\*\*(.+?)\*\*", r"\1", t)
    return _each_line(strip)(s)


def _blank_lines(doubled: bool) -> Callable[[Seed], Variant]:
    def transform(s: Seed) -> Variant:
        out: list[tuple[int | None, str]] = []
        for i, text in enumerate(s.lines):
            if text.strip():
                out.append((i + 1, text))
            elif doubled:
                out.extend([(i + 1, text), (None, "")])
        return Variant(out)
    return transform


_UNIT_LINE = re.compile(r"(?<![金额])单位\s*[:：]\s*万元")


def _unit(spelling: str) -> Callable[[str], str]:
    return lambda text: _UNIT_LINE.sub(spelling, text)


_NUMBER_LINE = re.compile(r"^(\s*)表\s*(\d{1,2})(\s*)$")
_CN_DIGITS = "零一二三四五六七八九十"


def _cn_number(n: int) -> str:
    if n <= 10:
        return _CN_DIGITS[n]
    return ("" if n < 20 else _CN_DIGITS[n // 10]) + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")


def _table_number(style: str) -> Callable[[str], str]:
    def fn(text: str) -> str:
        m = _NUMBER_LINE.match(text)
        if not m:
            return text
        n = int(m.group(2))
        printed = {"spaced": f"表 {n}", "chinese": f"表{_cn_number(n)}", "annex": f"附表{n}",
                   "open": f"公开{n:02d}表"}[style]
        return m.group(1) + printed + m.group(3)
    return fn


def _composed(*steps: Callable[[Seed], Variant]) -> Callable[[Seed], Variant]:
    """Transforms one after the other (the last one's encoding and line ending win)."""
    def transform(s: Seed) -> Variant:
        origins = list(range(1, len(s.lines) + 1))
        current: Variant | None = None
        keeps_messages = True
        for step in steps:
            current = step(Seed(s.name, tuple(t for _, t in current.lines)) if current else s)
            current.lines = [(origins[o - 1] if o is not None else None, t) for o, t in current.lines]
            origins = [o for o, _ in current.lines]
            keeps_messages = keeps_messages and current.message is not None
        if not keeps_messages:
            current.message = None
        return current
    return transform


TRANSFORMS: dict[str, Callable[[Seed], Variant]] = {
    "spaced-numbers": _each_line(_spaced),
    "no-thousands": _each_line(_no_thousands),
    "thousands": _each_line(_thousands),
    "fullwidth": _each_line(_fullwidth),
    "gb18030": _encoded("gb18030"),
    "utf-16-le-bom": _encoded("utf-16-le", codecs.BOM_UTF16_LE),
    "utf-16-be-bom": _encoded("utf-16-be", codecs.BOM_UTF16_BE),
    "utf-8-bom": _encoded("utf-8", codecs.BOM_UTF8),
    "crlf": _encoded("utf-8", newline="\r\n"),
    "cr": _encoded("utf-8", newline="\r"),
    "utf-16-le": _encoded("utf-16-le"),
    "gb18030-crlf": _encoded("gb18030", newline="\r\n"),
    "year-entity": _year_and_entity,
    "page-dash": _furniture("dash"),
    "page-di": _furniture("page"),
    "page-bare": _furniture("bare"),
    "continued-table": _continued_tables,
    "continued-table-marked": lambda s: _continued_tables(s, "（续）"),
    "continued-table-续表": lambda s: _continued_tables(s, "续表"),
    "form-feeds": _form_feeds,
    "markdown-add": _markdown_add,
    "markdown-strip": _markdown_strip,
    "titles-prefixed": _titles_prefixed,
    "toc-pages": _toc_pages,
    "number-on-title": _number_on_title,
    "number-after-title": lambda s: _number_on_title(s, after=True),
    "unit-on-title": _unit_on_title,
    "indented": _indented,
    "nil-dashes": _nil_dashes,
    "letter-spaced": _letter_spaced,
    "blank-doubled": _blank_lines(True),
    "blank-removed": _blank_lines(False),
    "unit-ascii-colon": _each_line(_unit("单位:万元")),
    "unit-amount": _each_line(_unit("金额单位：万元")),
    "unit-bracketed": _each_line(_unit("（单位：万元）")),
    "number-spaced": _each_line(_table_number("spaced")),
    "number-chinese": _each_line(_table_number("chinese")),
    "number-annex": _each_line(_table_number("annex")),
    "number-open": _each_line(_table_number("open")),
}
# Transforms the tool does not yet fully survive: shown by the breakdown, not asserted. Paragraphs
# wrapped at a printed line width: where a printed line ends exactly at "。" and the next goes on
# with "完成预算的 100.00%…", the second sentence becomes a paragraph of its own and loses its subject
# (CN402 on 002+errors); without indentation the text does not say whether a paragraph ended there.
KNOWN_GAPS: dict[str, Callable[[Seed], Variant]] = {
    "tabs-to-spaces": _tabs_to_spaces,
    "prose-wrapped": _prose_wrapped(False),
    "prose-page-break": _prose_wrapped(True),
}
# Several at once, as a real document would combine them.
TRANSFORMS["combined"] = _composed(TRANSFORMS["spaced-numbers"], TRANSFORMS["fullwidth"], TRANSFORMS["page-di"],
                                   TRANSFORMS["markdown-add"], TRANSFORMS["number-chinese"],
                                   TRANSFORMS["unit-bracketed"], TRANSFORMS["gb18030"])


# ---------------------------------------------------------------------------- what must agree


def canon(text: str | None) -> str:
    """Names compare as meant, not as printed: NFKC (full-width to ASCII), no spaces, no separators."""
    if text is None:
        return ""
    t = unicodedata.normalize("NFKC", text)
    t = re.sub(r"\s+", "", t)
    t = re.sub(r"(?<=\d),(?=\d)", "", t)
    return t.strip("*#-•")


def _same(x):
    return x


def finding_keys(findings, line=_same, rename=_same) -> Counter:
    out: Counter = Counter()
    for f in findings:
        locations = tuple(sorted({  # a set: a wrapped sentence may name one original line twice
            (line(loc.line),
             canon(rename(loc.table or "")), canon(rename(loc.row or "")))
            for loc in f.locations}))
        out[(f.rule, f.severity, f.expected, f.actual, locations)] += 1
    return out


def cell_keys(doc: Document, line=_same, rename=_same) -> list[tuple]:
    tables = []
    for t in doc.tables:
        columns = [tuple(canon(rename(p)) for p in c.path) for c in t.columns]
        rows = tuple(
            (r.code, canon(rename(r.name)), r.role, r.level, r.side, line(r.line),
             tuple(sorted((columns[c.column] if c.column < len(columns) else (), c.amount.value if c.amount else None,
                           c.amount.decimals if c.amount else None, line(c.line)) for c in r.cells
                          if c.amount is not None)))  # a nil cell is as good as a blank one
            for r in t.rows)
        number = int(re.sub(r"\D", "", t.number)) if t.number and re.search(r"\d", t.number) else None
        tables.append((t.kind, t.status, t.unit, number, rows))
    return tables


@cache
def _rules():
    return load_rules().rules


@cache
def _audited(name: str, lines: tuple[str, ...]):
    return audit(_loaded(name, lines), _rules())


@dataclass
class Outcome:
    findings_missing: Counter
    findings_extra: Counter
    cells_before: list[tuple]
    cells_after: list[tuple]
    meta_before: tuple
    meta_after: tuple
    error: str | None = None
    messages_missing: Counter = field(default_factory=Counter)
    messages_extra: Counter = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        return (self.error is None and not self.findings_missing and not self.findings_extra
                and not self.messages_missing and not self.messages_extra
                and self.cells_before == self.cells_after and self.meta_before == self.meta_after)

    def describe(self) -> str:
        if self.error:
            return f"error: {self.error}"
        parts = []
        if self.meta_before != self.meta_after:
            parts.append(f"document {self.meta_before} → {self.meta_after}")
        if self.cells_before != self.cells_after:
            parts.append(_cells_diff(self.cells_before, self.cells_after))
        for f in self.findings_missing.elements():
            parts.append(f"lost finding {f[0]} {f[1]} {f[2]}/{f[3]} at {[loc[0] for loc in f[4]]}")
        for m in self.messages_missing.elements():
            parts.append(f"message no longer printed: {m}")
        for m in self.messages_extra.elements():
            parts.append(f"message now printed: {m}")
        for f in self.findings_extra.elements():
            parts.append(f"new finding {f[0]} {f[1]} {f[2]}/{f[3]} at {[loc[0] for loc in f[4]]} {f[4][:1]}")
        return "; ".join(parts)


def _cells_diff(before: list[tuple], after: list[tuple]) -> str:
    if len(before) != len(after):
        return (f"{len(before)} tables → {len(after)}: "
                f"{[t[0] for t in before]} → {[t[0] for t in after]}")
    for b, a in zip(before, after, strict=True):
        if b == a:
            continue
        if b[:4] != a[:4]:
            return f"table {b[:4]} → {a[:4]}"
        rb, ra = b[4], a[4]
        if len(rb) != len(ra):
            return f"{b[0]}: {len(rb)} rows → {len(ra)}"
        for x, y in zip(rb, ra, strict=True):
            if x != y:
                return f"{b[0]}: row {x[:6]} → {y[:6]}" + ("" if x[:6] != y[:6] else f" cells {x[6][:3]} → {y[6][:3]}")
    return "cells differ"


def run(seed_key: str, transform: str, tmp: Path) -> Outcome:
    s = seed(seed_key)
    original = _loaded(s.name, s.lines)
    before = _audited(s.name, s.lines)
    variant = {**TRANSFORMS, **KNOWN_GAPS}[transform](s)
    path = tmp / (seed_key.replace("+", "_") + "." + transform + ".txt")
    path.write_bytes(variant.data())
    meta_before = (original.kind, original.year + variant.year_shift if original.year else None,
                   canon(variant.rename(original.entity or "")),
                   tuple(e.kind for e in original.toc))
    cells_before = cell_keys(original, rename=variant.rename)
    try:
        doc = load_document(path)
        after = audit(doc, _rules())
    except Exception as exc:  # noqa: BLE001 - a transform must never make the tool fail
        return Outcome(Counter(), Counter(), cells_before, [], meta_before, (), error=repr(exc))
    old = finding_keys(before.findings + before.rounding, rename=variant.rename)
    new = finding_keys(after.findings + after.rounding, line=variant.origin)
    meta_after = (doc.kind, doc.year, canon(doc.entity or ""), tuple(e.kind for e in doc.toc))
    outcome = Outcome(old - new, new - old, cells_before, cell_keys(doc, line=variant.origin), meta_before, meta_after)
    if variant.message is not None:
        said = Counter(variant.message(f.message) for f in before.findings + before.rounding)
        says = Counter(f.message for f in after.findings + after.rounding)
        outcome.messages_missing, outcome.messages_extra = said - says, says - said
    return outcome


@pytest.mark.parametrize("transform", sorted(TRANSFORMS))
@pytest.mark.parametrize("seed_key", SEEDS)
def test_transformed_document_gives_the_same_findings(seed_key, transform, tmp_path):
    outcome = run(seed_key, transform, tmp_path)
    assert outcome.ok, outcome.describe()


@pytest.mark.parametrize("transform", sorted(TRANSFORMS))
def test_each_transform_changes_the_documents(transform):
    """A transform that leaves the bytes alone would pass vacuously."""
    changed = [name for name in SAMPLE_NAMES
               if TRANSFORMS[transform](seed(name)).data() != "\n".join(seed(name).lines).encode("utf-8")]
    assert len(changed) >= 3, changed


def test_injected_seeds_have_table_findings():
    """The +errors seeds exist to give the table rules something to find; make sure they do."""
    for name in SAMPLE_NAMES:
        s = seed(name + "+errors")
        base = audit(_loaded(name, seed(name).lines), _rules())
        injected = audit(_loaded(s.name, s.lines), _rules())
        assert len(injected.findings) > len(base.findings), name


def main() -> None:
    import tempfile

    names = sys.argv[1:] or [*sorted(TRANSFORMS), *KNOWN_GAPS]
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for transform in names:
            bad = []
            for seed_key in SEEDS:
                outcome = run(seed_key, transform, Path(tmp))
                if not outcome.ok:
                    bad.append((seed_key, outcome.describe()))
            failures += len(bad)
            gap = " (known gap, not asserted)" if transform in KNOWN_GAPS else ""
            print(f"{transform:18} {len(SEEDS) - len(bad)}/{len(SEEDS)} seeds agree{gap}")
            for seed_key, why in bad:
                print(f"    {seed_key}: {why[:400]}")
    print(f"{failures} disagreements")


if __name__ == "__main__":
    main()
