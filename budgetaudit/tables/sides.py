"""Side-by-side tables (收支总表): 收入 items on the left, 支出 items on the right of the same line."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..amounts import is_nil
from ..model import Column, Line, Table
from . import header as hdr
from .catalogue import TableSpec
from .labels import collapse, compact, is_total_label, row_key
from .rows import PendingRow, Printed, build_row, is_number_token
from .segment import ILLEGIBLE, is_preamble
from .structure import identities

NOTE = re.compile(r"^\s*(注\s*[:：]|备注|说明\s*[:：])")

SIDES = ("收入", "支出")
_RIGHT_SIDE = re.compile(r"支出|年终|年末|结余分配|结转下年")
_ENUMERATED = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）])")
_SUBTOTAL = re.compile(r"(合计|小计|总计)$")
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


@dataclass
class _Side:
    """One label column of a side-by-side header and the amount columns printed after it."""

    name: str
    label: int  # cell position of the label column
    amounts: list[tuple[int, str]]  # (cell position, printed column name)
    texts: frozenset[int] = frozenset()  # positions of other text columns (行次): never amounts


@dataclass
class _Entry:
    side: int
    line: Line
    label: str
    numbers: list[Printed]

    def __post_init__(self) -> None:
        self.wrapped = bool(self.label) and not self.numbers  # a label alone on its line may go on below


def _header_sides(header: list[list[str]]) -> list[_Side] | None:
    """The sides a tabbed header prints: each row-label column (项目, 项目名称, 功能科目名称 …) starts
    one, its amount columns are the headed cells up to the next label column. The first side is 收入,
    the second 支出; a further one (Jiangsu's 支出用途 beside 功能分类) is named by its group heading."""
    labels: dict[int, str] = {}
    amounts: dict[int, str] = {}
    groups: dict[int, str] = {}
    texts: set[int] = set()
    side_groups = hdr.vocabulary()["side_groups"]
    for keys in header:
        # amount headings stand on the lines of the row-label headings; the lines above print the
        # sides' and groups' names (收入 | 支出, 功能分类 | 支出用途), or garbage from extraction
        label_line = any(k not in side_groups and (k == "项目" or hdr.is_name_header(k)) for k in keys if k)
        for i, k in enumerate(keys):
            if not k or k in SIDES or k == "收）":
                continue
            if k in ("栏次", "行次"):
                texts.add(i)
            elif k in side_groups:
                groups.setdefault(i, k)
            elif k == "项目" or hdr.is_name_header(k):
                labels.setdefault(i, k)
            elif label_line and not hdr.is_text_header(k):
                amounts.setdefault(i, k)
    positions = sorted(labels)
    if len(positions) < 2:
        return None
    sides = []
    for n, pos in enumerate(positions):
        before = positions[n - 1] if n else -1
        after = positions[n + 1] if n + 1 < len(positions) else 10**6
        if n < len(SIDES):
            name = SIDES[n]
        else:
            near = sorted((abs(i - pos), k) for i, k in groups.items() if before < i < after)
            name = near[0][1] if near else f"支出{n}"
        sides.append(_Side(name, pos, [(i, k) for i, k in sorted(amounts.items()) if pos < i < after],
                           frozenset(texts)))
    return sides


def _side_of(sides: list[_Side], cell: int) -> int | None:
    for n in range(len(sides) - 1, -1, -1):
        if cell > sides[n].label:
            return n
    return None


def _parse_tab(spec: TableSpec, table: Table, lines: list[Line], unit: str) -> None:
    sides: list[_Side] | None = None
    header: list[list[str]] = []
    entries: list[_Entry] = []
    for line in lines:
        if ILLEGIBLE in line.text:
            table.status = "illegible"
            continue
        if "\t" not in line.text:
            if entries and line.text.strip() and not line.text.strip().startswith(("注", "备注", "如")):
                break
            continue
        cells = [c.strip() for c in line.text.split("\t")]
        keys = [hdr.clean(c) for c in cells]
        if not entries:
            numeric = any(is_number_token(c) for c in cells)
            if "栏次" in keys or is_preamble(line.text.replace("\t", " ")):
                continue
            if not numeric and not any(_ENUMERATED.match(k) for k in keys if k):
                header.append(keys)
                found = _header_sides(header)
                if found:
                    sides = found
                continue
        if "栏次" in keys:
            continue
        if sides is None:
            sides = [_Side("收入", 0, [(1, "预算数")]), _Side("支出", 2, [(3, "预算数")])]
        entries.extend(_line_entries(sides, cells, line))
        table.last_line = max(table.last_line, line.number)
    if sides is None:
        return
    table.columns = _side_columns(spec, sides)
    for entry in _join_wrapped_cells(entries, len(sides)):
        _add_row(table, sides[entry.side].name, entry.label, entry.numbers, entry.line, unit)


def _side_columns(spec: TableSpec, sides: list[_Side]) -> list[Column]:
    columns = _columns(spec, {s.name: [k for _, k in s.amounts] for s in sides if s.name in SIDES})
    for s in sides[len(SIDES):]:
        names = [k for _, k in s.amounts] or ["金额"]
        columns.extend(Column(path=(k,), side=s.name) for k in names)
    return columns


def _line_entries(sides: list[_Side], cells: list[str], line: Line) -> list[_Entry]:
    """One entry per side that prints a label or a number on this line. A number in a side whose label
    cell is empty, on a line where the side before prints a label without numbers, belongs to that
    label: a total row (当年支出小计) spans the 支出 views and prints its amount once, in the last."""
    found: list[_Entry] = []
    numbers: list[list[Printed]] = [[] for _ in sides]
    for i, text in enumerate(cells):
        if not text or not (is_number_token(text) or is_nil(text)):
            continue
        n = _side_of(sides, i)
        if n is None or i == sides[n].label or i in sides[n].texts:
            continue
        columns = [pos for pos, _ in sides[n].amounts]
        k = min(range(len(columns)), key=lambda j: abs(columns[j] - i)) if columns else 0
        numbers[n].append(Printed(text=text, line=line, position=k))
    labels = [cells[s.label] if s.label < len(cells) else "" for s in sides]
    for n in range(2, len(sides)):
        if numbers[n] and not labels[n] and not numbers[n - 1] and _SUBTOTAL.search(compact(labels[n - 1])):
            numbers[n - 1], numbers[n] = numbers[n], []
    for n in range(len(sides)):
        if labels[n] or any(is_number_token(p.text) for p in numbers[n]):
            found.append(_Entry(n, line, labels[n], numbers[n]))
    return found


def _join_wrapped_cells(entries: list[_Entry], n_sides: int) -> list[_Entry]:
    """A label wrapped in its cell prints as a line with the label's start, a line with the row's
    number alone and a line with the label's end ("三、单位预留机动经" / 3,990.40 / "费"): one row."""
    out: list[_Entry] = []
    last: dict[int, _Entry] = {}
    for entry in entries:
        prev = last.get(entry.side)
        gap = entry.line.number - prev.line.number if prev else 99
        if prev and gap <= 2 and not entry.label and entry.numbers and prev.label and not prev.numbers:
            prev.numbers = entry.numbers  # the number printed between the two lines of its label
            continue
        key = compact(entry.label)
        if (prev and gap <= 2 and prev.wrapped and entry.label and not entry.numbers and len(key) <= 4
                and not _ENUMERATED.match(key) and not is_total_label(key) and key not in SIDES):
            prev.label += key
            continue
        out.append(entry)
        last[entry.side] = entry
    return out


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
