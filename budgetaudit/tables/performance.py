"""绩效目标表: key–value blocks. The amounts are 预算资金情况 per 对应项目 (整体) or per project."""

from __future__ import annotations

import re

from ..amounts import to_amount
from ..model import Cell, Column, Line, Row, Table
from .labels import collapse, compact, row_key
from .rows import is_number_token
from .segment import ILLEGIBLE

FUNDS = ("预算资金情况",)
_STOP = ("年度绩效目标", "绩效指标", "年度绩效指标", "总体目标")


def _cells(line: Line) -> list[str]:
    sep = "\t" if "\t" in line.text else None
    return [c.strip() for c in (line.text.split(sep) if sep else line.text.split())]


def parse_performance(table: Table, lines: list[Line], unit: str) -> None:
    table.columns = [Column(path=FUNDS)]
    if table.kind == "整体绩效目标表":
        _parse_overall(table, lines, unit)
    else:
        _parse_projects(table, lines, unit)


def _amount_cell(cells: list[str], line: Line, unit: str) -> Cell | None:
    for text in reversed(cells):
        if text and is_number_token(text):
            amount = to_amount(text, unit)
            if amount is not None:
                return Cell(column=0, amount=amount, line=line.number, raw=text, page=line.page, box=line.find_box(text),
                            sheet=line.sheet, ref=line.find_ref(text))
    return None


_AMOUNT = re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+\.\d+")


def _parse_overall(table: Table, lines: list[Line], unit: str) -> None:
    """Rows between the 对应项目 heading and 年度绩效目标, for each unit the table covers.

    The 年度主要任务 cell is merged vertically, so extraction may print it anywhere among the rows
    (even glued to a number: "995.40年度主要任务"); it is removed, not used as a boundary.
    """
    in_tasks = True  # a page that continues the table starts with its rows
    entity = None
    for line in lines:
        if ILLEGIBLE in line.text:
            table.status = "illegible"
            continue
        text = line.text.replace("年度主要任务", " ").strip()
        key = compact(text)
        if not key:
            continue
        if key.startswith(("部门（单位）名称", "部门(单位)名称", "单位名称")):
            entity = collapse(re.sub(r"^部门[（(]单位[)）]名称|^单位名称", "", text))
            in_tasks = True
            continue
        if "对应项目" in key or "预算资金情况" in key and not _AMOUNT.search(key):
            in_tasks = True
            continue
        if any(key.startswith(s) for s in _STOP):
            in_tasks = False
            continue
        if not in_tasks or not _AMOUNT.search(text):
            continue
        table.last_line = max(table.last_line, line.number)
        found = list(_AMOUNT.finditer(text))
        m = found[-1] if found else None
        name = collapse(_AMOUNT.sub(" ", text))
        if not name:
            continue
        row = Row(name=name, key=row_key(name), line=line.number, page=line.page)
        if entity:
            row.texts["单位名称"] = entity
        if m is not None:
            amount = to_amount(m.group(), unit)
            if amount is not None:
                row.cells = [Cell(column=0, amount=amount, line=line.number, raw=m.group(), page=line.page,
                                 box=line.find_box(m.group()), sheet=line.sheet, ref=line.find_ref(m.group()))]
        table.rows.append(row)


def _parse_projects(table: Table, lines: list[Line], unit: str) -> None:
    current: Row | None = None
    for line in lines:
        if ILLEGIBLE in line.text:
            table.status = "illegible"
            continue
        cells = [c for c in _cells(line) if c]
        if not cells:
            continue
        keys = [compact(c) for c in cells]
        table.last_line = max(table.last_line, line.number)
        for i, key in enumerate(keys):
            if key.startswith("项目（政策）名称") or key.startswith("项目(政策)名称") or key == "项目名称":
                name = collapse(cells[i + 1]) if i + 1 < len(cells) else ""
                current = Row(name=name, key=row_key(name), line=line.number, page=line.page,
                              texts={"项目名称": name})
                table.rows.append(current)
                break
            if current is not None and key in ("主管部门", "实施单位") and i + 1 < len(cells):
                current.texts[key] = cells[i + 1]
            if current is not None and key.startswith("预算资金情况"):
                cell = _amount_cell(cells[i + 1:], line, unit)
                if cell is not None:
                    current.cells = [cell]
                break
