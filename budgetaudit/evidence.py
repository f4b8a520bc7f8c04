"""What a reviewer looks at to confirm a finding: the table rows with the cells it uses, the prose
sentence with the figure marked, and where each number is printed on its PDF page.

``attach(doc, findings)`` runs when the audit ends, while the document still has its lines and
cells (a batch's workers and the cache keep only findings, see batch.report_view). For every
location it fills ``Location.box`` (a PDF cell's or figure's box on its page) and gives the finding
its ``evidence``: one ``TableExcerpt`` per table it names (those rows, every column, the cells it
uses marked) and one ``TextExcerpt`` per prose line (the paragraph, the figure's columns marked).
Reports use them as they like: the HTML report draws them, JSON carries the boxes.

A location is resolved by what it names: the table kind, the line, the row's label and the column's
label; a location that names nothing resolvable simply has no excerpt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .model import Box, Document, Finding, Line, Location, Row, Table

PROSE = "说明"
MAX_ROWS = 40  # rows shown for one table of one finding (a roll-up over a long table: its first rows)
MAX_TEXT = 600  # characters of a paragraph shown around the figure


@dataclass
class ExcerptRow:
    name: str
    code: str | None
    line: int
    page: int | None
    cells: list[str]  # as printed, by column ("" where nothing is printed)
    marks: list[int] = field(default_factory=list)  # the columns the finding uses
    named: bool = False  # the finding names the row as a whole (no column)
    place: str | None = None  # a workbook's row: "收支总表!21:21" (model.Line.place)


@dataclass
class TableExcerpt:
    kind: str
    title: str
    number: str | None
    unit: str
    columns: list[str]  # leaf headings, "收入·一般公共预算" for a side-by-side table's
    rows: list[ExcerptRow] = field(default_factory=list)
    more: int = 0  # rows the finding uses that were left out (MAX_ROWS)


@dataclass
class TextExcerpt:
    line: int
    page: int | None
    text: str  # the paragraph as printed (shortened around the marks when long)
    marks: list[tuple[int, int]] = field(default_factory=list)  # offsets into text
    place: str | None = None  # a workbook's cell: "单位编制说明!A3" (model.Line.place)


def attach(doc: Document, findings: list[Finding]) -> None:
    """Fill every finding's location boxes and its evidence (see the module's docstring)."""
    index = _Index(doc)
    for f in findings:
        tables: dict[int, tuple[Table, TableExcerpt, dict[int, ExcerptRow]]] = {}
        texts: dict[int, TextExcerpt] = {}
        order: list[object] = []
        for loc in f.locations:
            hit = index.cell(loc)
            if hit is not None:
                table, row, col = hit
                if col is not None and loc.box is None:
                    cell = row.cell(col)
                    loc.box = cell.box if cell is not None else None
                if loc.box is None and loc.line is not None and col is None:
                    line = doc.line(row.line)
                    loc.box = line.box if line is not None else None
                _place_cell(doc, loc, row, col)
                entry = tables.get(id(table))
                if entry is None:
                    excerpt = _table_excerpt(table)
                    entry = tables[id(table)] = (table, excerpt, {})
                    order.append(excerpt)
                _, excerpt, rows = entry
                er = rows.get(id(row))
                if er is None:
                    if len(rows) >= MAX_ROWS:
                        excerpt.more += 1
                        continue
                    er = rows[id(row)] = _row(table, row)
                    line = doc.line(row.line)
                    er.place = line.place if line is not None else None
                if col is None:
                    er.named = True
                elif col not in er.marks:
                    er.marks.append(col)
                continue
            line = doc.line(loc.line) if loc.line is not None else None
            if line is None or not line.text.strip():
                continue
            span = loc.span or _find(line, loc.row)
            if loc.box is None:
                loc.box = line.text_box(*span) if span else line.box
            if loc.cell is None and line.refs:
                loc.sheet, loc.cell = line.sheet or None, line.find_ref(loc.row or "") or line.refs[0]
            if loc.table not in (None, PROSE) and index.in_table(line.number):
                continue  # a table's line the location does not resolve to a cell of: no sentence
            excerpt_text = texts.get(line.number)
            if excerpt_text is None:
                excerpt_text = texts[line.number] = TextExcerpt(line.number, line.page, line.text, place=line.place)
                order.append(excerpt_text)
            if span and span not in excerpt_text.marks:
                excerpt_text.marks.append(span)
        for _, excerpt, rows in tables.values():
            excerpt.rows = sorted(rows.values(), key=lambda r: r.line)
        for t in texts.values():
            _shorten(t)
        f.evidence = order


def _place_cell(doc: Document, loc: Location, row: Row, col: int | None) -> None:
    """A workbook's cell for the location: the number's own cell, else the row's label cell."""
    if loc.cell is not None:
        return
    cell = row.cell(col) if col is not None else None
    if cell is not None and cell.ref is not None:
        loc.sheet, loc.cell = cell.sheet, cell.ref
        return
    line = doc.line(row.line)
    if line is not None and line.refs:
        loc.sheet, loc.cell = line.sheet or None, line.find_ref(row.name) or line.find_ref(row.code or "") or line.refs[0]


def _find(line: Line, printed: str | None) -> tuple[int, int] | None:
    if not printed:
        return None
    at = line.text.find(printed)
    if at >= 0:
        return at, at + len(printed)
    # quoted with its spaces taken out ("2025年" for "2025 年"): match the characters, any spacing
    chars = [re.escape(ch) for ch in printed if not ch.isspace()][:200]
    m = re.search(r"\s*".join(chars), line.text) if chars else None
    return (m.start(), m.end()) if m else None


def _shorten(t: TextExcerpt) -> None:
    """A long paragraph: the sentences around the marks, with … where text is left out."""
    if len(t.text) <= MAX_TEXT:
        return
    if t.marks:
        first = min(m[0] for m in t.marks)
        last = max(m[1] for m in t.marks)
    else:
        first, last = 0, 0
    start = max(0, first - MAX_TEXT // 3)
    stop = min(len(t.text), max(last, start) + MAX_TEXT // 3 * 2)
    for end_mark in "。；":
        cut = t.text.rfind(end_mark, 0, start)
        if cut >= 0 and first - cut < MAX_TEXT // 2:
            start = cut + 1
            break
    prefix = "…" if start > 0 else ""
    suffix = "…" if stop < len(t.text) else ""
    shift = start - len(prefix)
    t.text = prefix + t.text[start:stop] + suffix
    t.marks = [(a - shift, b - shift) for a, b in t.marks if a >= start and b <= stop]


def _table_excerpt(table: Table) -> TableExcerpt:
    columns = []
    for col in table.columns:
        label = "·".join(p for p in col.path if p)
        columns.append(f"{col.side}·{label}" if col.side and not label.startswith(col.side) else label)
    return TableExcerpt(table.kind, table.title, table.number, table.unit, columns)


def _row(table: Table, row: Row) -> ExcerptRow:
    cells = [""] * len(table.columns)
    for c in row.cells:
        if 0 <= c.column < len(cells):
            cells[c.column] = c.raw.strip() or "—"
    from .rules.facts import row_label

    return ExcerptRow(row_label(row), row.code, row.line, row.page, cells)


class _Index:
    """The document's rows by (table kind, line), and which lines tables stand on."""

    def __init__(self, doc: Document):
        self.by_line: dict[tuple[str, int], list[tuple[Table, Row]]] = {}
        self.table_lines: list[tuple[int, int]] = []
        for table in doc.tables:
            if table.first_line:
                self.table_lines.append((table.first_line, table.last_line or table.first_line))
            for row in table.rows:
                lines = {row.line} | {c.line for c in row.cells}
                for n in lines:
                    self.by_line.setdefault((table.kind, n), []).append((table, row))

    def in_table(self, line: int) -> bool:
        return any(a <= line <= b for a, b in self.table_lines)

    def cell(self, loc: Location) -> tuple[Table, Row, int | None] | None:
        if loc.table is None or loc.table == PROSE or loc.line is None:
            return None
        candidates = self.by_line.get((loc.table, loc.line), [])
        if not candidates:
            return None
        from .rules.facts import column_label, row_label

        named = [(t, r) for t, r in candidates if loc.row is None or row_label(r) == loc.row
                 or r.name == loc.row or r.key == loc.row]
        for table, row in named or candidates[:1]:
            if loc.column is None:
                return table, row, None
            fits = [i for i, col in enumerate(table.columns) if column_label(col.path) == loc.column]
            on_side = [i for i in fits if row.side is None or table.columns[i].side in (None, row.side)]
            for i in on_side or fits:
                if row.cell(i) is not None or len(on_side or fits) == 1:
                    return table, row, i
        table, row = (named or candidates)[0]
        return table, row, None


def boxes_by_page(f: Finding) -> dict[int, list[Box]]:
    """The boxes of a finding's numbers, page by page (for drawing them on the page)."""
    out: dict[int, list[Box]] = {}
    for loc in f.locations:
        if loc.page is not None and loc.box is not None and loc.box not in out.get(loc.page, []):
            out.setdefault(loc.page, []).append(loc.box)
    return out
