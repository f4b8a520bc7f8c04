"""What the tool could and could not read in one document — so that it never reports as checked
what it did not read.

Three judgements, each said once instead of being hidden or multiplied:

* **A table not reliably read.** Real errors in published tables are few and local: one wrong cell
  breaks its own row and the roll-ups above it, all by the same difference. A misreading is
  systematic: codes or years in an amount column, columns shifted, so that most rows break, each by
  its own difference. A table is *not reliably read* when

  - an amount column holds 科目编码 or years rather than amounts: at least ``MIN_FAILURES`` of its
    printed values are integers that are the row's own code, a code printed in the table, a code
    nested in another value of the column (201, 20101, 2010101) or a year, and they are more than
    half of the column's printed values; or
  - its own identities (the table-internal rules: row sums, roll-ups) fail on more than half of its
    rows with amounts, counting independent failures only (failures with the same difference are
    one wrong number seen several times), and at least ``MIN_FAILURES`` of them.

  One broken row in a table that otherwise adds up stays an error; a table with fewer than three
  independent failures is never judged misread (nothing distinguishes a misreading there).
* **Tables printed vs read.** A table is printed when the document recognised it, its title stands
  in the body, or its 目录 lists it; it is read when it was recognised with legible numbers that
  passed the check above, or is a true empty table (one that says so, or prints no amount at all).
* **Not a disclosure.** A file with no table printed and hardly any of a 情况说明's vocabulary
  (data/reading.yaml) is no 预算/决算 disclosure: it is said to be one (its prose is still read, so
  a figure it gets wrong is still said).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from importlib import resources

import yaml

from .model import Document, Finding, Location, Table

MIN_FAILURES = 3  # fewer independent failures than this never make a table "misread"
MOST = Decimal("0.5")  # "most": strictly more than this share of the rows (or values)


@lru_cache(maxsize=1)
def vocabulary() -> dict:
    text = resources.files("budgetaudit.data").joinpath("reading.yaml").read_text("utf-8")
    return yaml.safe_load(text)


# ---------------------------------------------------------------- tables not reliably read

@dataclass(frozen=True)
class Misread:
    """Why a table is not reliably read, in words for the finding."""

    table: Table
    reason: str


def _integer(cell) -> int | None:
    """The cell's printed value when it is a non-negative integer printed without decimals."""
    a = cell.amount
    if a is None or a.percent or a.decimals != 0:
        return None
    v = a.printed
    if v < 0 or v != v.to_integral_value():
        return None
    return int(v)


_CODE = re.compile(r"\d{3}(?:\d{2}){0,2}")


def _code_columns(table: Table) -> list[tuple[int, int, int]]:
    """(column, values like codes or years, printed values) for every column that holds mostly those."""
    lo, hi = vocabulary()["years"]
    codes = {r.code for r in table.rows if r.code}
    values: dict[int, list[tuple[int, str | None]]] = {}
    for row in table.rows:
        for cell in row.cells:
            if cell.amount is None:
                continue
            values.setdefault(cell.column, []).append((_integer(cell), row.code))
    out = []
    for column, items in values.items():
        ints = {str(v) for v, _ in items if v is not None}
        like_codes: set[str] = set()  # codes are distinct: a repeated round amount is no chain of codes
        years = 0
        for v, code in items:
            if v is None:
                continue
            s = str(v)
            nested = _CODE.fullmatch(s) and (len(s) == 3 and any(len(o) == 5 and o.startswith(s) for o in ints)
                                             or len(s) > 3 and s[:-2] in ints)
            if s == code or s in codes or nested:
                like_codes.add(s)
            elif lo <= v <= hi:
                years += 1
        alike = len(like_codes) + years
        if alike >= MIN_FAILURES and alike > MOST * len(items):
            out.append((column, alike, len(items)))
    return out


def table_at(doc: Document, loc: Location) -> Table | None:
    """The table a finding's location points into (None: prose, or no such table)."""
    if loc.table is None:
        return None
    candidates = [t for t in doc.tables if t.kind == loc.table]
    if len(candidates) > 1 and loc.line is not None:
        candidates = [t for t in candidates if t.first_line <= loc.line <= t.last_line] or candidates
    return candidates[0] if candidates else None


def _owner(doc: Document, finding: Finding) -> Table | None:
    """The one table every location of a finding lies in (None: several tables, or prose)."""
    owner = None
    for loc in finding.locations:
        table = table_at(doc, loc)
        if table is None:
            return None
        if owner is not None and table is not owner:
            return None
        owner = table
    return owner


def _failing(doc: Document, findings: list[Finding]) -> dict[int, list[Finding]]:
    """Errors of the table-internal identities, by the table they lie in."""
    out: dict[int, list[Finding]] = {}
    for f in findings:
        if f.severity != "error" or getattr(f, "rounding", False):
            continue
        table = _owner(doc, f)
        if table is not None:
            out.setdefault(id(table), []).append(f)
    return out


def _independent(findings: list[Finding]) -> int:
    """Failures that no other failure explains: distinct rows, counted once per distinct difference."""
    rows = {(f.locations[0].line, f.locations[0].row) for f in findings}
    gaps = {abs(f.difference) if f.difference is not None else f.message for f in findings}
    return min(len(rows), len(gaps))


def _name(table: Table) -> str:
    return f"{table.number}“{table.kind}”" if table.number else f"“{table.kind}”"


def misread_tables(doc: Document, table_findings: list[Finding]) -> list[Misread]:
    """The tables of ``doc`` not reliably read, given the findings of its table-internal rules."""
    failing = _failing(doc, table_findings)
    out: list[Misread] = []
    for table in doc.tables:
        if table.status != "ok" or not table.rows:
            continue
        columns = _code_columns(table)
        if columns:
            column, alike, total = max(columns, key=lambda c: c[1])
            label = table.columns[column].label if column < len(table.columns) else f"第{column + 1}列"
            out.append(Misread(table, f"“{label}”列的 {total} 个数中有 {alike} 个是科目编码或年份，不是金额"))
            continue
        broken = failing.get(id(table), [])
        if not broken:
            continue
        rows = sum(1 for r in table.rows if any(c.amount is not None for c in r.cells))
        k = _independent(broken)
        if k >= MIN_FAILURES and k > MOST * rows:
            out.append(Misread(table, f"表内 {rows} 行中有 {k} 行的核对关系各自以不同差额不成立，"
                                      f"多半是列或行读错，而不是表格本身的错误"))
    return out


def misread_message(m: Misread) -> str:
    table = m.table
    where = (f"第{min(table.pages)}–{max(table.pages)}页" if table.pages and min(table.pages) != max(table.pages)
             else f"第{table.pages[0]}页" if table.pages else f"第{table.first_line}行")
    return f"{where}：{_name(table)}未能可靠识别（{m.reason}），该表的逐行核对及依赖它的核对均未进行"


# ---------------------------------------------------------------- tables printed vs read

@dataclass
class Unread:
    """A printed table that was not read, and why (for the JSON and the text report)."""

    kind: str
    title: str
    number: str | None
    line: int | None
    pages: list[int]
    reason: str  # unrecognised | listed | illegible | empty | misread
    place: str | None = None  # in a workbook or Word file: its sheet and cell (model.Line.place)


REASONS = {"unrecognised": "标题已印出，表格未能识别", "listed": "目录列出，文件中未找到",
           "illegible": "内容无法辨认", "empty": "读出为空表且无空表说明", "misread": "未能可靠识别",
           "not_given": "未随本文件提供（说明与表格分开发布）"}


def tables_not_given(doc: Document) -> bool:
    """A prose file whose 目录 lists tables and that prints none of them: its tables are published
    as a file of their own. Audited alone, they are not given rather than missing one by one;
    audited with that file (sets.py), they are looked for there."""
    return not doc.tables and not any(e.kind for e in doc.titles) and any(e.kind for e in doc.toc)


@dataclass
class Coverage:
    printed: int = 0
    read: int = 0
    unread: list[Unread] = field(default_factory=list)
    disclosure: bool = True
    read_kinds: set[str] = field(default_factory=set)
    latin: bool = False  # written mostly in Latin letters: some other document (a README), not a failed disclosure
    # The files of its disclosure that print its tables, when it was audited with them (a 情况说明
    # published apart from its tables, sets.py): its table rules were checked on theirs.
    tables_in: list[str] = field(default_factory=list)
    # rule id → "表[行]" names its lookups found / did not find in a table that was read (Facts)
    rows_found: dict[str, set[str]] = field(default_factory=dict)
    rows_missed: dict[str, set[str]] = field(default_factory=dict)

    def unchecked(self, kinds) -> bool:
        """True when the tables of ``kinds`` are printed but none of them was read (or the file is
        no disclosure): a rule on them was not checked, which is neither a pass nor a failure."""
        if not self.disclosure:
            return True
        kinds = set(kinds)
        return bool(kinds & {u.kind for u in self.unread}) and not kinds & self.read_kinds


def unrecognised_titles(doc: Document) -> list:
    """Known tables' titles printed in the body with no table recognised under them (one per kind).

    A recognised table's own title line is that table's (recognised, maybe as another kind: a 说明's
    own 三公 comparison under a 三公经费支出表 title), not a table left unread; a title inside
    another table's rows is a table that table swallowed."""
    kinds = {t.kind for t in doc.tables}
    out = []
    for entry in doc.titles:
        if entry.kind is None or entry.kind in kinds:
            continue
        if any(t.first_line == entry.line for t in doc.tables):
            continue
        kinds.add(entry.kind)
        out.append(entry)
    return out


# An amount as printed in a table cell: thousands separators or decimals ("1,234", "12.50").
_PRINTED_AMOUNT = re.compile(r"(?<![\d.,])-?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d{1,4})(?![\d.,])")


def _prints_amounts(doc: Document, table: Table) -> bool:
    """Whether a table read as empty prints amounts between its title and its end: then it was not
    read; with none, it is a true empty table (a fund the entity does not have), said or not."""
    for number in range(table.first_line + 1, table.last_line + 1):
        line = doc.line(number)
        if line is not None and _PRINTED_AMOUNT.search(line.text):
            return True
    return False


def coverage(doc: Document, misread: list[Misread]) -> Coverage:
    """How many of the tables the document prints were read, and which were not."""
    bad = {id(m.table) for m in misread}
    out = Coverage()
    kinds = set()
    for t in doc.tables:
        kinds.add(t.kind)
        out.printed += 1
        reason = None
        if id(t) in bad:
            reason = "misread"
        elif t.status == "illegible":
            reason = "illegible"
        elif t.status == "empty" and not t.empty_note and _prints_amounts(doc, t):
            reason = "empty"
        if reason is None:
            out.read += 1
            out.read_kinds.add(t.kind)
        else:
            first = doc.line(t.first_line)
            out.unread.append(Unread(t.kind, t.title, t.number, t.first_line, list(t.pages), reason,
                                     first.place if first is not None else None))
    for entry in unrecognised_titles(doc):
        kinds.add(entry.kind)
        out.printed += 1
        line = doc.line(entry.line)
        out.unread.append(Unread(entry.kind, entry.title, None, entry.line,
                                 [line.page] if line is not None and line.page else [], "unrecognised",
                                 line.place if line is not None else None))
    apart = tables_not_given(doc)
    for entry in doc.toc:
        if entry.kind is None or entry.kind in kinds:
            continue
        kinds.add(entry.kind)
        out.printed += 1
        out.unread.append(Unread(entry.kind, entry.title, None, None, [], "not_given" if apart else "listed"))
    return out


# ---------------------------------------------------------------- not a disclosure

def is_disclosure(doc: Document) -> bool:
    """A 预算/决算 disclosure is written in Chinese, and prints tables or writes a 情况说明 in its
    vocabulary. A text mostly in Latin letters (a README, a manual) only quotes table titles."""
    if written_in_latin(doc):
        return False
    if doc.tables or any(e.kind for e in doc.titles) or any(e.kind for e in doc.toc):
        return True
    words = vocabulary()["disclosure_words"]
    text = "".join(line.text for line in doc.lines)
    hits = sum(1 for w in words if w in text)
    return hits >= vocabulary()["disclosure_min_words"]


# Runs, not single letters: counting a document's letters run by run builds far fewer strings.
_CJK = re.compile(r"[\u4e00-\u9fff]+")
_LATIN = re.compile(r"[A-Za-z]+")


def written_in_latin(doc: Document) -> bool:
    """Whether Latin letters are more than ``latin_share_max`` of the document's letters."""
    text = "".join(line.text for line in doc.lines)
    cjk, latin = sum(map(len, _CJK.findall(text))), sum(map(len, _LATIN.findall(text)))
    return latin > 0 and latin / (cjk + latin) > vocabulary()["latin_share_max"]
