"""Tables printed as several (科目编码, 科目名称, 决算数) blocks side by side (公开06表 基本支出决算表)."""

from __future__ import annotations

from ..amounts import to_amount
from ..model import Cell, Column, Line, Row, Table
from .header import clean
from .labels import CODE, code_level, collapse, row_key
from .rows import is_number_token
from .segment import ILLEGIBLE

HEADINGS = ("人员经费", "公用经费")


def parse_blocks(table: Table, lines: list[Line], unit: str) -> None:
    table.columns = [Column(path=("决算数",))]
    starts: list[int] = []
    headings: dict[int, str] = {}
    previous: list[str] = []
    for line in lines:
        if ILLEGIBLE in line.text:
            table.status = "illegible"
            continue
        if "\t" not in line.text:
            continue
        cells = [c.strip() for c in line.text.split("\t")]
        keys = [clean(c) for c in cells]
        if not starts:
            found = [i for i, k in enumerate(keys) if k.endswith("科目编码")]
            if found:
                starts = found
                headings = _headings(previous, starts)
                table.last_line = max(table.last_line, line.number)
            else:
                previous = keys
            continue
        table.last_line = max(table.last_line, line.number)
        for b, start in enumerate(starts):
            code, name, value = (cells[start + k] if start + k < len(cells) else "" for k in range(3))
            if not code and not name:
                continue
            if code and not CODE.match(code):
                name, code = collapse(code + name), ""
            side = headings.get(b)
            label = collapse(name)
            row = Row(name=label, key=row_key(label), line=line.number, code=code or None,
                      level=code_level(code or None), page=line.page, side=side,
                      role="total" if row_key(label).endswith("合计") else "item")
            if value and is_number_token(value):
                amount = to_amount(value, unit)
                if amount is not None:
                    row.cells = [Cell(column=0, amount=amount, line=line.number, raw=value, page=line.page)]
            table.rows.append(row)


def _headings(previous: list[str], starts: list[int]) -> dict[int, str]:
    """Which heading (人员经费/公用经费) each block sits under.

    A heading is centred over the blocks it spans, so a block with no heading of its own belongs to
    the next heading to its right (or, at the end, to the last one)."""
    marks = [(i, h) for i, k in enumerate(previous) for h in HEADINGS if k.startswith(h[:3])]
    out: dict[int, str] = {}
    for b, start in enumerate(starts):
        end = starts[b + 1] if b + 1 < len(starts) else 10**6
        inside = [h for i, h in marks if start <= i < end]
        right = [h for i, h in marks if i >= end]
        if inside:
            out[b] = inside[0]
        elif right:
            out[b] = right[0]
        else:
            out[b] = marks[-1][1] if marks else HEADINGS[min(b, 1)]
    return out
