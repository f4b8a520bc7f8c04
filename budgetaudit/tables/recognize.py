"""Lines → Document: find the table regions, parse each by its layout, join continued tables."""

from __future__ import annotations

import re

from ..model import Column, Document, Line, Table
from .blocks import parse_blocks, parse_space_blocks
from .catalogue import split_header_line
from .grid import parse_tab
from .hierarchy import settle
from .metadata import describe
from .performance import parse_performance
from .placement import clear_placement_cache
from .segment import Region, find_regions, find_toc, printed_titles
from .sides import parse_sides
from .space import parse_space, scrambled


def recognize(lines: list[Line], path: str, source: str = "text") -> Document:
    doc = Document(path=path, lines=lines, source=source)
    clear_placement_cache()  # rows recur within a document, rarely across documents
    doc.toc, toc_range = find_toc(lines)
    doc.titles = printed_titles(lines, toc_range)
    previous: Table | None = None
    previous_spec_kind: str | None = None
    placements: dict[int, list[list[tuple[int, ...]]]] = {}
    known_names: dict[str, str] = {}  # 科目编码 → the name printed with it, for names wrapped elsewhere
    for region in find_regions(lines, toc_range):
        table, alternatives = _parse_region(lines, region, known_names)
        for row in table.rows:
            if row.code and row.key:
                known_names.setdefault(row.code, row.key)
        if previous is not None and _continues(previous, previous_spec_kind, table, region):
            _merge(previous, table)
            placements[id(previous)].extend(alternatives)
            continue
        doc.tables.append(table)
        placements[id(table)] = alternatives
        previous, previous_spec_kind = table, region.spec.kind
    for table in doc.tables:
        alternatives = placements[id(table)]
        if len(alternatives) == len(table.rows):
            settle(table.rows, alternatives)
        _finish(table, lines)
    describe(doc)
    return doc


def _parse_region(lines: list[Line], region: Region,
                  known_names: dict[str, str]) -> tuple[Table, list[list[tuple[int, ...]]]]:
    spec = region.spec
    unit = region.unit or "万元"
    body = lines[region.body:region.end]
    title_line = lines[region.title_line]
    table = Table(kind=spec.kind, title=region.title, number=region.number, unit=unit,
                  first_line=title_line.number, last_line=lines[region.body - 1].number)
    # "\t" in text first: a C-speed test that most lines of a space layout fail
    tabbed = any("\t" in t.strip("\t") for t in [line.text for line in body] if "\t" in t)
    alternatives: list[list[tuple[int, ...]]] = []
    if spec.layout == "sides":
        parse_sides(spec, table, body, unit)
    elif spec.layout == "performance":
        parse_performance(table, body, unit)
    elif spec.layout == "blocks" and tabbed:
        parse_blocks(table, body, unit)
    elif spec.layout == "blocks":
        parse_space_blocks(table, body, unit)
    elif tabbed:
        alternatives = parse_tab(spec, table, body, unit)
    else:
        alternatives = parse_space(spec, table, body, unit, known_names)
    if not tabbed and spec.layout != "grid":
        table.layout = "space"
    if not any(c.amount is not None for r in table.rows for c in r.cells) and _spilled(title_line.text):
        # the whole table was extracted into its title line ("…单位:万元合计 基本支出…20,849.45 9,964.07"):
        # it is printed, not empty, but its cells cannot be told apart
        table.status = "illegible"
        table.rows, alternatives = [], []
        return table, alternatives
    if not tabbed and spec.layout != "performance" and scrambled(body):
        # numbers that cannot be tied to their rows: one illegible table, not dozens of false sums
        table.status = "illegible"
        table.rows, alternatives = [], []
    return table, alternatives


def _spilled(title_line: str) -> bool:
    """Amounts printed on a title line after its unit: the table's cells ran into the title."""
    rest = split_header_line(title_line.strip())[1]
    m = re.search(r"单位\s*[:：]\s*(?:亿元|万元|千元|元)", rest)
    return bool(m and re.search(r"\d[\d,]*\.\d{2}", rest[m.end():]))


def _continues(previous: Table, previous_kind: str | None, table: Table, region: Region) -> bool:
    """A table printed again under the same title (next page, next project) continues the last one."""
    if previous_kind != region.spec.kind or previous.kind != table.kind:
        return False
    return previous.number == table.number or previous.number is None or table.number is None


def _merge(into: Table, more: Table) -> None:
    remap: dict[int, int] = {}
    # A part with no rows (a header cut off by the page break) brings no columns of its own.
    for i, col in enumerate(more.columns if more.rows else []):
        j = into.column_index(col.path, col.side)
        if j is None:
            into.columns.append(Column(path=col.path, side=col.side))
            j = len(into.columns) - 1
        remap[i] = j
    for row in more.rows:
        for cell in row.cells:
            cell.column = remap.get(cell.column, cell.column)
        into.rows.append(row)
    into.last_line = max(into.last_line, more.last_line)
    into.empty_note = into.empty_note or more.empty_note
    if more.status == "illegible" and not into.rows:
        into.status = "illegible"
    if into.number is None:
        into.number = more.number


def _finish(table: Table, lines: list[Line]) -> None:
    has_amounts = any(c.amount is not None for r in table.rows for c in r.cells)
    if table.status != "illegible" and not has_amounts:
        table.status = "empty"
    # lines first_line..last_line (numbered from 1), those there are
    pages = {line.page for line in lines[max(table.first_line, 1) - 1 : max(table.last_line, 0)]}
    table.pages = sorted(p for p in pages if p is not None)
