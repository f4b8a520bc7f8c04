"""Plain data for every layer: documents, tables, amounts, findings.

Every layer reads and returns these objects; none of them carries behaviour beyond small lookups,
so a table built by the text reader and one built from a PDF are indistinguishable to the rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

# How many 万元 one printed unit is worth.
UNIT_FACTORS: dict[str, Decimal] = {
    "元": Decimal("0.0001"),
    "千元": Decimal("0.1"),
    "万元": Decimal(1),
    "亿元": Decimal(10000),
}


@dataclass(frozen=True)
class Amount:
    """A printed number, normalised to 万元 (or to percentage points when ``percent``)."""

    value: Decimal
    decimals: int
    unit: str = "万元"
    raw: str = ""
    percent: bool = False

    @property
    def printed(self) -> Decimal:
        """The value in the unit it was printed in."""
        if self.percent:
            return self.value
        return self.value / UNIT_FACTORS[self.unit]

    @cached_property
    def tolerance(self) -> Decimal:
        """Half a unit of the last printed digit, in 万元 (DESIGN.md §2)."""
        half = Decimal(5) * Decimal(10) ** (-(self.decimals + 1))
        if self.percent:
            return half
        return half * UNIT_FACTORS[self.unit]


@dataclass(frozen=True)
class Line:
    """One line of the source: ``text`` is normalised for parsing, ``raw`` is what was printed."""

    number: int
    text: str
    raw: str
    page: int | None = None


@dataclass
class Column:
    """A leaf of a table's header tree, e.g. ``("基本支出", "人员经费")``.

    ``side`` is set in side-by-side tables (收支总表): "收入" or "支出".
    """

    path: tuple[str, ...]
    side: str | None = None

    @property
    def label(self) -> str:
        return ".".join(self.path)


@dataclass
class Cell:
    column: int
    amount: Amount | None  # None: printed as nil (blank, —, -)
    line: int
    raw: str = ""
    page: int | None = None


@dataclass
class Row:
    """A table row. ``key`` is the label normalised for lookups (no spaces or enumerators)."""

    name: str
    key: str
    line: int
    code: str | None = None
    level: int = 0
    role: str = "item"  # total | unit | group (a subtotal inside a unit) | item
    side: str | None = None
    cells: list[Cell] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)  # text columns: 项目名称, 项目内容 …
    page: int | None = None

    def cell(self, column: int) -> Cell | None:
        for c in self.cells:
            if c.column == column:
                return c
        return None


@dataclass
class Table:
    kind: str  # canonical name from the catalogue, e.g. "支出预算总表"
    title: str  # as printed
    number: str | None = None  # "表3", "公开03表"
    unit: str = "万元"
    status: str = "ok"  # ok | empty | illegible
    first_line: int = 0
    last_line: int = 0
    columns: list[Column] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)
    empty_note: bool = False  # carries the customary "如此表为空表…" note
    layout: str = "tab"  # tab | space | pdf

    def column_index(self, path: tuple[str, ...], side: str | None = None) -> int | None:
        for i, col in enumerate(self.columns):
            if col.path == path and (side is None or col.side == side):
                return i
        return None


@dataclass
class TocEntry:
    title: str
    line: int
    kind: str | None  # catalogue kind when the entry names a known table


@dataclass
class Document:
    path: str
    lines: list[Line]
    source: str = "text"  # text | pdf
    kind: str | None = None  # 预算 | 决算
    year: int | None = None
    entity: str | None = None
    toc: list[TocEntry] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    titles: list[TocEntry] = field(default_factory=list)  # known tables' titles printed in the body
    # What the prose states (budgetaudit.narrative.Claim), read after the tables when the document
    # is loaded; None until then (a Document built by hand reads them on first use).
    claims: list | None = None
    # A disclosure published as several files, audited as one (sets.py): (first line, path, source)
    # of each file, in order; its lines are the files' lines one after the other.
    parts: list[tuple[int, str, str]] = field(default_factory=list)

    def line(self, number: int) -> Line | None:
        if 1 <= number <= len(self.lines):
            return self.lines[number - 1]
        return None


@dataclass
class Location:
    line: int | None
    page: int | None = None
    table: str | None = None
    row: str | None = None
    column: str | None = None
    path: str | None = None  # the file, when a finding of a set of documents points into several


@dataclass
class Finding:
    rule: str
    severity: str  # error | warning | info
    title: str
    message: str
    locations: list[Location]
    expected: Decimal | None = None
    actual: Decimal | None = None
    difference: Decimal | None = None
    set: str | None = None  # the set of documents (sets.py) a cross-document finding was judged in
