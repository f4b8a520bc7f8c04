"""Shared row building: amounts into cells through placement, roles and levels from labels."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from ..amounts import is_nil, to_amount
from ..model import Amount, Cell, Line, Row
from .labels import UNIT_CODE, code_level, collapse, is_total_label, row_key
from .placement import place
from .structure import Identity

_NUMBER_TOKEN = re.compile(r"^[(（]?-?\d{1,3}(?:,\d{3})*(?:\.\d+)?[)）]?$|^[(（]?-?\d+(?:\.\d+)?[)）]?$")


@lru_cache(maxsize=8192)  # every token of every table line is asked, several times
def is_number_token(text: str) -> bool:
    return bool(_NUMBER_TOKEN.match(text.strip()))


@dataclass
class Printed:
    """One number (or nil marker) as printed: where, at which column position if the layout kept it,
    and in which cell of its line (tab layouts)."""

    text: str
    line: Line
    position: int | None = None
    cell: int | None = None


@dataclass
class PendingRow:
    label: str
    line: Line
    code: str | None = None
    numbers: list[Printed] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)
    role: str | None = None
    candidates: list[tuple[int, ...]] = field(default_factory=list)
    nested: bool = False  # a group label and the row's own name printed in one row (not a wrapped name)


def printed_amounts(pending: PendingRow, unit: str) -> tuple[list[Amount], list[int]] | None:
    """The row's amounts and the cells of their line they were printed in (None if any is unknown)."""
    amounts, cells = [], []
    for p in pending.numbers:
        amount = to_amount(p.text, unit)
        if amount is not None:
            if p.cell is None:
                return None
            amounts.append(amount)
            cells.append(p.cell)
    return amounts, cells


def reread_positions(pending: PendingRow, column_of: Callable[[int], int | None]) -> None:
    """Give a row's numbers (and nil markers) the columns ``column_of`` reads their cells as."""
    for p in pending.numbers:
        if p.cell is not None:
            p.position = column_of(p.cell)


def build_row(pending: PendingRow, n_columns: int, ids: list[Identity], unit: str,
              positional: bool) -> tuple[Row, list[tuple[int, ...]]]:
    """Place the printed numbers of one row; returns the row and its valid alternative placements."""
    amounts: list[Amount] = []
    sources: list[Printed] = []
    nils: list[Printed] = []
    for p in pending.numbers:
        amount = to_amount(p.text, unit)
        if amount is not None:
            amounts.append(amount)
            sources.append(p)
        elif is_nil(p.text):
            nils.append(p)
    printed = [s.position for s in sources] if positional else None
    if printed is not None and (any(x is None for x in printed) or len(set(printed)) != len(printed)):
        printed = None
    chosen, alternatives = place(amounts, n_columns, ids, printed)  # type: ignore[arg-type]
    cells = [
        Cell(column=c, amount=a, line=s.line.number, raw=s.text, page=s.line.page, box=printed_box(s),
             sheet=s.line.sheet, ref=printed_ref(s))
        for c, a, s in zip(chosen, amounts, sources, strict=False)
    ]
    taken = {c.column for c in cells}
    for nil in nils:
        if nil.position is not None and nil.position < n_columns and nil.position not in taken:
            cells.append(Cell(column=nil.position, amount=None, line=nil.line.number, raw=nil.text,
                              page=nil.line.page, box=printed_box(nil),
                              sheet=nil.line.sheet, ref=printed_ref(nil)))
    cells.sort(key=lambda c: c.column)
    name = collapse(pending.label)
    role = pending.role or role_of(name, pending.code)
    row = Row(
        name=name,
        key=row_key(name),
        line=pending.line.number,
        code=pending.code,
        level=code_level(pending.code) if role == "item" else 0,
        role=role,
        cells=cells,
        texts=dict(pending.texts),
        page=pending.line.page,
    )
    return row, alternatives


def printed_box(p: Printed):
    """Where the number is printed (PDF lines only): its cell's box, else where its text appears."""
    if not p.line.spans:
        return None
    if p.cell is not None:
        box = p.line.field_box(p.cell)
        if box is not None:
            return box
    return p.line.find_box(p.text)


def printed_ref(p: Printed) -> str | None:
    """The cell the number is in (workbook lines only), like printed_box for a PDF."""
    if not p.line.refs:
        return None
    if p.cell is not None:
        ref = p.line.field_ref(p.cell)
        if ref is not None:
            return ref
    return p.line.find_ref(p.text)


def role_of(name: str, code: str | None) -> str:
    if is_total_label(name):
        return "total"
    if code and UNIT_CODE.match(code):
        return "unit"
    return "item"


def reassign(row: Row, placement: tuple[int, ...]) -> None:
    """Move a row's amount cells to another placement (same order)."""
    amount_cells = [c for c in row.cells if c.amount is not None]
    for cell, column in zip(amount_cells, placement, strict=True):
        cell.column = column
    others = [c for c in row.cells if c.amount is None and c.column not in placement]
    row.cells = sorted(amount_cells + others, key=lambda c: c.column)
