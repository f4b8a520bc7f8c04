"""Side-by-side tables (收支总表): 收入 items on the left, 支出 items on the right of the same line."""

from __future__ import annotations

import re

from ..amounts import is_nil
from ..model import Column, Line, Table
from . import header as hdr
from .catalogue import TableSpec
from .labels import collapse, compact, row_key
from .rows import PendingRow, Printed, build_row, is_number_token
from .segment import ILLEGIBLE, is_preamble
from .structure import identities

NOTE = re.compile(r"^\s*(注\s*[:：]|备注|说明\s*[:：])")

SIDES = ("收入", "支出")
_RIGHT_SIDE = re.compile(r"支出|年终|年末|结余分配|结转下年")
_ENUMERATED = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）])")
_GLUED_NUMBER = re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+\.\d+|(?<![\d\u4e00-\u9fff])\d+(?![\d.])")


def _level(label: str) -> int:
    key = compact(label)
    if re.match(r"^[一二三四五六七八九十]+[、.．]", key):
        return 1
    if re.match(r"^[（(][一二三四五六七八九十\d]+[)）]", key):
        return 2
    return 0


def _role(label: str) -> str:
    key = row_key(label)
    return "total" if key.endswith("总计") or key == "合计" else "item"


def _columns(spec: TableSpec, printed: dict[str, list[str]]) -> list[Column]:
    columns = []
    for side in SIDES:
        expected = [p[-1] for p in spec.sides.get(side, ())]
        names = printed.get(side) or expected
        if len(names) == 1 and len(expected) == 1:
            names = expected  # 金额 / 决算数 / 预算数: the one amount column of this side
        for name in names:
            columns.append(Column(path=(name,), side=side))
    return columns


def parse_sides(spec: TableSpec, table: Table, lines: list[Line], unit: str) -> None:
    tabbed = any("\t" in line.text.strip("\t") for line in lines)
    if tabbed:
        _parse_tab(spec, table, lines, unit)
    else:
        _parse_space(spec, table, lines, unit)


def _add_row(table: Table, side: str, label: str, numbers: list[Printed], line: Line, unit: str) -> None:
    offsets = [i for i, c in enumerate(table.columns) if c.side == side]
    ids = identities([table.columns[i].path for i in offsets])
    pending = PendingRow(label=label, line=line, numbers=numbers)
    row, _ = build_row(pending, len(offsets), ids, unit, positional=True)
    for cell in row.cells:
        cell.column = offsets[cell.column]
    row.side = side
    row.role = _role(label)
    row.level = _level(label)
    table.rows.append(row)


def _parse_tab(spec: TableSpec, table: Table, lines: list[Line], unit: str) -> None:
    layout: tuple[int, int, list[tuple[int, str]], list[tuple[int, str]]] | None = None
    rows_seen = False
    for line in lines:
        if ILLEGIBLE in line.text:
            table.status = "illegible"
            continue
        if "\t" not in line.text:
            if rows_seen and line.text.strip() and not line.text.strip().startswith(("注", "备注", "如")):
                break
            continue
        cells = [c.strip() for c in line.text.split("\t")]
        keys = [hdr.clean(c) for c in cells]
        if layout is None or not rows_seen:
            item_positions = [i for i, k in enumerate(keys) if k == "项目"]
            if len(item_positions) >= 2:
                left, right = item_positions[0], item_positions[1]
                names = [(i, k) for i, k in enumerate(keys) if k and i not in (left, right)]
                layout = (left, right,
                          [(i, k) for i, k in names if left < i < right and k not in ("行次",)],
                          [(i, k) for i, k in names if i > right and k not in ("行次",)])
                printed = {"收入": [k for _, k in layout[2]], "支出": [k for _, k in layout[3]]}
                table.columns = _columns(spec, printed)
                continue
            if any(k in ("收入", "支出", "收）", "栏次") for k in keys) or "栏次" in keys:
                continue
        if "栏次" in keys:
            continue
        if layout is None:
            layout = (0, 2, [(1, "预算数")], [(3, "预算数")])
            table.columns = _columns(spec, {})
        rows_seen = True
        left, right, left_cols, right_cols = layout
        for side, label_pos, cols in (("收入", left, left_cols), ("支出", right, right_cols)):
            label = cells[label_pos] if label_pos < len(cells) else ""
            numbers = []
            for k, (pos, _) in enumerate(cols):
                text = cells[pos] if pos < len(cells) else ""
                if text and (is_number_token(text) or is_nil(text)):
                    numbers.append(Printed(text=text, line=line, position=k))
            if label or any(is_number_token(p.text) for p in numbers):
                _add_row(table, side, label, numbers, line, unit)
        table.last_line = max(table.last_line, line.number)


def _split_labels(text: str) -> list[str]:
    """One text run holding the 收入 label and the 支出 label: split where the second begins."""
    tokens = text.split()
    if len(tokens) > 1 and all(len(t) == 1 for t in tokens):
        return ["".join(tokens)]  # "收 入 总 计"
    if len(tokens) == 2 and all(_role(t) == "total" for t in tokens):
        return tokens  # "总计 总计": each side's total
    for i in range(1, len(tokens)):
        left, right = " ".join(tokens[:i]), " ".join(tokens[i:])
        lk, rk = compact(left), compact(right)
        if _ENUMERATED.match(rk) or (_RIGHT_SIDE.search(rk) and not _RIGHT_SIDE.search(lk)):
            return [_join_spaced(left), _join_spaced(right)]
    return [_join_spaced(text)]


def _join_spaced(text: str) -> str:
    tokens = text.split()
    return "".join(tokens) if tokens and all(len(t) == 1 for t in tokens) else collapse(text)


def _parse_space(spec: TableSpec, table: Table, lines: list[Line], unit: str) -> None:
    """Labels and their numbers from a space layout; numbers printed a little below their labels
    (a line of numbers only under a line of labels only) go back to those labels. A number that
    no label can take makes the table illegible: a sum over a guessed row would be a false alarm."""
    table.columns = _columns(spec, {})
    table.layout = "space"
    widths = {side: sum(1 for c in table.columns if c.side == side) for side in SIDES}
    started = False
    parsed: list[tuple[Line, list[tuple[str, list[str]]], list[str]]] = []  # line, entries, loose numbers
    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        if ILLEGIBLE in text:
            table.status = "illegible"
            continue
        if NOTE.match(text):
            continue
        pieces: list[tuple[str, str]] = []  # ("text"|"number", value)
        pos = 0
        for m in _GLUED_NUMBER.finditer(text):
            before = text[pos:m.start()].strip()
            if before:
                pieces.append(("text", before))
            pieces.append(("number", m.group()))
            pos = m.end()
        rest = text[pos:].strip()
        if rest:
            pieces.append(("text", rest))
        if not started:
            if is_preamble(text):  # "表 1", "单位：万元": a spaced table number is not a row
                continue
            if any(kind == "number" for kind, _ in pieces) or _ENUMERATED.match(compact(text)):
                started = True
            else:
                continue
        entries: list[tuple[str, list[str]]] = []  # (label, the numbers printed after it)
        loose: list[str] = []
        for kind, value in pieces:
            if kind == "text":
                for label in _split_labels(value):
                    entries.append((label, []))
            elif entries:
                entries[-1][1].append(value)
            else:
                loose.append(value)
        parsed.append((line, entries, loose))
    parsed = _join_wrapped_labels(parsed)
    for k in range(1, len(parsed)):
        _, entries, loose = parsed[k]
        _, above, _ = parsed[k - 1]
        if loose and not entries and above and not any(numbers for _, numbers in above):
            if _share(above, loose, widths):
                loose.clear()
    dropped = 0
    for line, entries, loose in parsed:
        dropped += sum(1 for t in loose if not _is_note_number(t))
        if not entries:
            continue
        if len(entries) == 1:
            label, printed = entries[0]
            side = "支出" if _RIGHT_SIDE.search(compact(label)) and "收入" not in label else "收入"
            assigned = [(side, label, printed)]
        else:
            assigned = [("收入", *entries[0]), ("支出", *entries[1])]
        for side, label, printed in assigned:
            # Empty cells are dropped: a full row keeps its positions, a shorter one is placed by
            # the side's arithmetic (合计 = 一般公共预算 + 政府性基金 + 国有资本经营).
            full = len(printed) == widths[side]
            numbers = [Printed(text=t, line=line, position=k if full else None) for k, t in enumerate(printed)]
            _add_row(table, side, label, numbers, line, unit)
        table.last_line = max(table.last_line, line.number)
    if dropped and table.status == "ok":
        table.status = "illegible"
        table.rows = []


def _join_wrapped_labels(parsed: list[tuple[Line, list[tuple[str, list[str]]], list[str]]]):
    """The end of a label wrapped onto a line of its own ("二十二、灾害防治及应急管理支" / "出")
    continues the last label of the line before."""
    out: list[tuple[Line, list[tuple[str, list[str]]], list[str]]] = []
    for line, entries, loose in parsed:
        if out and out[-1][1] and len(entries) == 1 and not entries[0][1] and not loose:
            key = compact(entries[0][0])
            if len(key) <= 6 and not _ENUMERATED.match(key) and _role(key) != "total" \
                    and not _RIGHT_SIDE.fullmatch(key) and key not in SIDES:
                label, numbers = out[-1][1][-1]
                out[-1][1][-1] = (label + key, numbers)
                continue
        out.append((line, entries, loose))
    return out


def _share(entries: list[tuple[str, list[str]]], numbers: list[str], widths: dict[str, int]) -> bool:
    """Numbers printed under a line of labels, given back to them when the counts leave no doubt:
    one label takes them all, one number each, or the 收入 label its side's columns and the 支出
    label the rest."""
    if len(entries) == 1:
        entries[0][1].extend(numbers)
    elif len(numbers) == len(entries):
        for (_, mine), number in zip(entries, numbers, strict=True):
            mine.append(number)
    elif len(entries) == 2 and len(numbers) > 2:
        left = min(widths["收入"], len(numbers) - 1)
        entries[0][1].extend(numbers[:left])
        entries[1][1].extend(numbers[left:])
    else:
        return False
    return True


def _is_note_number(text: str) -> bool:
    """Years in a remark under the table and page numbers at a page break are not amounts."""
    return bool(re.fullmatch(r"(19|20)\d{2}|\d{1,3}", text))
