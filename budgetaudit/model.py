"""Plain data for every layer: documents, tables, amounts, findings.

Every layer reads and returns these objects; none of them carries behaviour beyond small lookups,
so a table built by the text reader and one built from a PDF are indistinguishable to the rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

# A rectangle on a PDF page: (x0, top, x1, bottom) in PDF points from the page's top-left corner, in
# the page as displayed (its /Rotate applied): what a renderer draws and a reviewer sees.
Box = tuple[float, float, float, float]

# A piece of a Line's ``raw`` text and where it is printed: (start, end, box), offsets into ``raw``.
Span = tuple[int, int, Box]

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

    @property
    def tolerance(self) -> Decimal:
        """Half a unit of the last printed digit, in 万元 (DESIGN.md §2)."""
        return _tolerance(self.decimals, self.unit, self.percent)


@lru_cache(maxsize=256)  # a handful of (decimals, unit) pairs; functools.cached_property takes a lock per read
def _tolerance(decimals: int, unit: str, percent: bool) -> Decimal:
    half = Decimal(5) * Decimal(10) ** (-(decimals + 1))
    return half if percent else half * UNIT_FACTORS[unit]


@dataclass(frozen=True)
class Line:
    """One line of the source: ``text`` is normalised for parsing, ``raw`` is what was printed."""

    number: int
    text: str
    raw: str
    page: int | None = None
    # Read from a PDF: where its pieces are printed on ``page``. A table row has one span per
    # tab-separated field (a cell); a paragraph one per printed line. Empty for text files.
    spans: tuple[Span, ...] = ()
    # Read from a workbook (.xlsx) or a Word file (.docx): the sheet (or the Word file's table) the
    # line stands on, and the cell reference of each tab-separated field ("C7"); a paragraph's
    # lines have one ref, the cell or paragraph they are in. Empty for text and PDF files.
    sheet: str | None = None
    refs: tuple[str, ...] = ()

    @classmethod
    def many(cls, rows: Iterable[tuple[int, str, str]]) -> list[Line]:
        """Lines of a text file, from (number, text, raw): the same records as ``Line(...)``, made
        in a third of the time. A frozen dataclass's __init__ sets each field through
        object.__setattr__, and a long document has thousands of lines."""
        out: list[Line] = []
        new = object.__new__
        for number, text, raw in rows:
            line = new(cls)
            fields = line.__dict__  # filled once here, before anyone can see the record
            fields["number"], fields["text"], fields["raw"] = number, text, raw
            fields["page"], fields["spans"], fields["sheet"], fields["refs"] = None, (), None, ()
            out.append(line)
        return out

    def field_ref(self, index: int) -> str | None:
        """The cell reference of the ``index``-th tab-separated field (workbooks only)."""
        if not self.refs:
            return None
        if len(self.refs) == 1:
            return self.refs[0]
        return self.refs[index] if 0 <= index < len(self.refs) else None

    def find_ref(self, printed: str) -> str | None:
        """The cell of the first field that holds ``printed`` (workbooks only)."""
        printed = printed.strip()
        if not self.refs or not printed:
            return None
        if len(self.refs) == 1:
            return self.refs[0]
        for source in (self.raw, self.text):
            fields = source.split("\t")
            for i, f in enumerate(fields):
                if f.strip() == printed:
                    return self.field_ref(i)
            for i, f in enumerate(fields):
                if printed in f:
                    return self.field_ref(i)
        return None

    @property
    def place(self) -> str | None:
        """Where the line is in a workbook, for a reader: "收支总表!A3" (one cell), "收支总表!21:21"
        (a row of cells); in a Word file "第12段" or "表格2第3行"; None for text and PDF lines."""
        if self.sheet is None or not self.refs:
            return None
        if len(set(self.refs)) == 1:
            return f"{sheet_ref(self.sheet)}!{self.refs[0]}" if self.sheet else self.refs[0]
        if self.refs[0].startswith("第"):  # a Word table's row: "表格2第3行"
            return f"{self.sheet}{self.refs[0].split('行')[0]}行"
        rows = {r.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for r in self.refs}
        if len(rows) == 1:
            row = rows.pop()
            return f"{sheet_ref(self.sheet)}!{row}:{row}" if row.isdigit() else f"{sheet_ref(self.sheet)}!{self.refs[0]}"
        return f"{sheet_ref(self.sheet)}!{self.refs[0]}"

    @property
    def box(self) -> Box | None:
        """The whole line's box on its page (None when not read from a PDF)."""
        return union([s[2] for s in self.spans])

    def field_box(self, index: int) -> Box | None:
        """The box of the ``index``-th tab-separated field of the line."""
        start = 0
        for _ in range(index):
            tab = self.raw.find("\t", start)
            if tab < 0:
                return None
            start = tab + 1
        end = self.raw.find("\t", start)
        return self.raw_box(start, len(self.raw) if end < 0 else end)

    def raw_box(self, start: int, end: int) -> Box | None:
        """The box of ``raw[start:end]``; inside a printed line of a paragraph the characters' share
        of the line's width (a CJK character counts twice a Latin one) places the left and right edges."""
        boxes = []
        for s0, s1, box in self.spans:
            if s1 <= start or s0 >= end or s0 >= s1:
                continue
            if (s0, s1) == (start, end) or "\t" in self.raw[s0:s1]:
                boxes.append(box)
                continue
            weights = [2 if ord(ch) > 0x2E7F else 1 for ch in self.raw[s0:s1]]
            total = sum(weights) or 1
            a, b = max(start, s0) - s0, min(end, s1) - s0
            x0, top, x1, bottom = box
            left = x0 + (x1 - x0) * sum(weights[:a]) / total
            right = x0 + (x1 - x0) * sum(weights[:b]) / total
            boxes.append((left, top, right, bottom))
        return union(boxes)

    def text_box(self, start: int, end: int) -> Box | None:
        """The box of ``text[start:end]`` (normalised text: its offsets are mapped onto ``raw``)."""
        if not self.spans:
            return None
        if self.text == self.raw:
            return self.raw_box(start, end)
        mapping = _offsets(self.text, self.raw)
        a = mapping[min(start, len(mapping) - 1)]
        b = mapping[min(max(end - 1, start), len(mapping) - 1)] + 1
        return self.raw_box(a, b)

    def find_box(self, printed: str) -> Box | None:
        """The box of the first place ``printed`` appears in the line (raw or normalised text)."""
        printed = printed.strip()
        if not printed or not self.spans:
            return None
        at = self.raw.find(printed)
        if at >= 0:
            return self.raw_box(at, at + len(printed))
        at = self.text.find(printed)
        if at >= 0:
            return self.text_box(at, at + len(printed))
        return None


def sheet_ref(name: str) -> str:
    """A sheet's name as a cell reference writes it: quoted when it holds anything but letters, digits
    and underscores ('单位“三公”经费表'!A7, '收入 总表'!B3), as Excel and WPS accept it in Go To."""
    if name and all(ch.isalnum() or ch == "_" for ch in name) and not name[0].isdigit():
        return name
    return "'" + name.replace("'", "''") + "'"


def union(boxes: list[Box]) -> Box | None:
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _offsets(text: str, raw: str) -> list[int]:
    """For each character of the normalised ``text``, the offset in ``raw`` it came from. Normalising
    maps characters one to one and drops spaces (inside numbers): raw's extra spaces are skipped."""
    out = []
    j = 0
    for ch in text:
        while j < len(raw) - 1 and raw[j].isspace() and not ch.isspace():
            j += 1
        out.append(min(j, max(len(raw) - 1, 0)))
        j = min(j + 1, len(raw))
    return out or [0]


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
    box: Box | None = None  # where it is printed on ``page`` (read from a PDF), see Box
    sheet: str | None = None  # read from a workbook: its sheet and cell ("收支总表", "B21")
    ref: str | None = None


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
    sheet: str | None = None  # read from a workbook: the sheet it stands on

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
    source: str = "text"  # text | pdf | xlsx | docx
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
    # Read from a workbook: each formula's text by (sheet, cell), and the formulas without a cached
    # value (sheet, [cells]) — the workbook was never recalculated and saved (readers/workbook.py).
    formulas: dict[tuple[str, str], str] = field(default_factory=dict)
    uncalculated: list[tuple[str, list[str]]] = field(default_factory=list)

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
    # Where the number is printed on ``page`` (PDF only; see Box): a cell's box, or a figure's in its
    # paragraph. Filled by evidence.attach when the audit ends.
    box: Box | None = None
    # Columns of the figure in its line's normalised text (prose findings), for marking it.
    span: tuple[int, int] | None = None
    # Read from a workbook: the sheet and the cell ("部门收支总表", "C7"); a Word file: its table
    # ("表格2") and cell ("第3行第2列"), or no sheet and the paragraph ("第12段"). Filled by
    # evidence.attach like the box.
    sheet: str | None = None
    cell: str | None = None

    @property
    def spot(self) -> str | None:
        """The cell as a spreadsheet names it ("部门收支总表!C7"), a Word file's place; None elsewhere."""
        if self.cell is None:
            return None
        return f"{sheet_ref(self.sheet)}!{self.cell}" if self.sheet else self.cell

    @property
    def placed(self) -> bool:
        """Whether a reader can be sent somewhere: a line, a page or a cell."""
        return self.line is not None or self.page is not None or self.cell is not None


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
    # What a reviewer looks at to confirm it (evidence.Excerpt: the table rows with the cells it
    # uses, the sentence with the figure); filled by evidence.attach when the audit ends.
    evidence: list = field(default_factory=list)
