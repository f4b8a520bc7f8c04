"""Grid tables (a header tree over amount columns) from tab-separated lines or space layouts.

Tab layouts keep each cell's position, so the header gives the columns; rows whose empty cells were
dropped or shifted (page breaks, misaligned headers) are repaired by placement. Space layouts
(pdfminer text) lose positions and wrap names and headers over many lines; their rows are rebuilt
from codes, names and number runs, and their numbers placed by the table's arithmetic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..amounts import is_nil
from ..model import Column, Line, Row, Table
from . import header as hdr
from .catalogue import TableSpec
from .labels import CODE, UNIT_CODE, collapse, compact, is_total_label, split_code
from .placement import table_shift
from .rows import PendingRow, Printed, build_row, is_number_token, printed_amounts, reread_positions
from .segment import ILLEGIBLE, is_preamble
from .structure import identities

ENUMERATED = re.compile(r"^(?:其中|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．])")
NOTE = re.compile(r"^\s*(备注|注\s*[:：]|注释|说明\s*[:：]|如本表为空|如此表为空|本表|无此项|其中\s*[:：]\s*预算数为)")
EMPTY_NOTE = re.compile(r"空表|为空|无此项|无此类|没有数据|无数据|没有.{0,40}(收入|支出|安排)")
YEAR_COLUMN = re.compile(r"^\d{4}年(度)?$")
PROJECT_TABLES_TEXT = ("单位名称", "项目名称")


@dataclass
class GridLayout:
    """Where things are in a tab-separated grid."""

    columns: list[tuple[str, ...]]
    amount_positions: dict[int, int]  # printed position → column index
    code_positions: list[int] = field(default_factory=list)
    name_position: int | None = None
    unit_position: int | None = None  # 单位名称 in project tables
    project_position: int | None = None  # 项目名称 in project tables
    text_positions: list[int] = field(default_factory=list)


def cells_of(line: Line) -> list[str]:
    return [c.strip() for c in line.text.split("\t")]


def _is_data_cells(cells: list[str]) -> bool:
    filled = [c for c in cells if c]
    if not filled:
        return False
    if "栏次" in filled[:3]:
        return False
    label = filled[0]
    # "合计" under a header group (本年收入 → 合计) is a header cell; a total row's label is leftmost
    # and the rest of its row holds numbers, not more headings.
    if is_total_label(label) and cells.index(label) <= 1:
        rest = [c for c in filled[1:]]
        return all(is_number_token(c) or is_nil(c) for c in rest)
    code, _ = split_code(label)
    if code and (CODE.match(code) or UNIT_CODE.match(code)):
        return True
    return any(is_number_token(c) for c in cells[1:] if c)


def _layout(spec: TableSpec, header_rows: list[list[str]], data_rows: list[list[str]]) -> GridLayout:
    width = max([len(r) for r in header_rows + data_rows] + [1])
    paths = hdr.header_paths(header_rows, width)
    codes = _code_positions(paths, data_rows)
    text_positions, amount_paths, amount_pos = [], [], []
    for pos, path in enumerate(paths):
        if pos in codes or path and hdr.is_text_header(path[-1]):
            text_positions.append(pos)
        elif path:
            amount_paths.append(path)
            amount_pos.append(pos)
    # Merged header cells span several positions: the column is at the first, the rest map to it.
    columns: list[tuple[str, ...]] = []
    position_map: dict[int, int] = {}
    for pos, path in zip(amount_pos, amount_paths, strict=True):
        if columns and columns[-1] == path and pos - 1 in position_map:
            position_map[pos] = len(columns) - 1
            continue
        columns.append(path)
        position_map[pos] = len(columns) - 1
    first_amount = min(amount_pos) if amount_pos else (max(text_positions) + 1 if text_positions else 2)
    numbers_end = max(
        [p + 1 for r in data_rows for p, c in enumerate(r) if c and is_number_token(c) and p not in codes]
        + [first_amount]
    )
    if _years(columns):
        canonical = columns  # 2025年 / 2026年: a comparison, not the catalogue's layout
    else:
        # The catalogue's layout (or a regional variant of it) that the printed header matches best.
        candidates = [(hdr.canonical(columns, t), t) for t in (spec.columns, *spec.variants)]
        canonical, template = max(candidates, key=lambda ct: hdr.agreement(*ct)) if candidates[0][1] \
            else (columns, ())
        fits = numbers_end - first_amount <= len(template)
        # A header that reads as column names and covers every printed number is the table's own
        # layout (one 金额 column, extra columns): only an unreadable one falls back to the template.
        printed = bool(amount_pos) and numbers_end <= max(amount_pos) + 1 and hdr.readable(columns)
        if template and (hdr.agreement(canonical, template) < 0.5 and fits and not printed or not canonical):
            canonical = list(template)
            position_map = {first_amount + i: i for i in range(len(template))}
        elif template and hdr.agreement(canonical, template) < 0.5:
            # the table's own layout: keep the printed tree where naming its columns after the
            # template's would lose the sums the header states (合计 = 财政拨款收入 + 事业收入 + …)
            own = hdr.strip_common_prefix(columns)
            if len(identities(own)) > len(identities(canonical)):
                canonical = own
    layout = GridLayout(columns=canonical, amount_positions=position_map, text_positions=text_positions)
    for pos in text_positions:
        name = paths[pos][-1] if paths[pos] else ""
        if pos in codes or hdr.is_code_header(name):
            layout.code_positions.append(pos)
        elif name == "单位名称" and spec.text[:2] == PROJECT_TABLES_TEXT:
            layout.unit_position = pos
        elif name == "项目名称" and spec.text[:2] == PROJECT_TABLES_TEXT:
            layout.project_position = pos
        elif layout.name_position is None and hdr.is_name_header(name):
            layout.name_position = pos
    if not text_positions:
        layout.text_positions = list(range(first_amount))
    return layout


def _code_positions(paths: list[tuple[str, ...]], data_rows: list[list[str]]) -> set[int]:
    """Positions whose cells are codes, by their heading or by what they hold.

    A column of 3/5/7-digit integers that nest (201, 20101, 2010101) is a code column whatever its
    heading says, and so are the columns of short integers right after it (a code printed over
    类 | 款 | 项 cells): codes are never amounts.
    """
    found = {p for p, path in enumerate(paths) if path and hdr.is_code_header(path[-1])}
    width = max([len(paths)] + [len(r) for r in data_rows])
    for pos in range(width):
        values = [r[pos] for r in data_rows if pos < len(r) and r[pos]]
        heads = len(values) >= 2 and all(re.fullmatch(r"\d{3}", v) for v in values)
        if _nested_codes(values) or heads and _code_parts(data_rows, pos + 1, {pos}):
            found.add(pos)
            nxt = pos + 1
            while nxt not in found and _code_parts(data_rows, nxt, found | {pos}):
                found.add(nxt)
                nxt += 1
    return found


def _nested_codes(values: list[str]) -> bool:
    """Plain 3/5/7-digit integers, and at least one a sub-code of another (201 → 20101)."""
    if len(values) < 2 or not all(CODE.match(v) for v in values):
        return False
    heads = {v for v in values if len(v) == 3}
    return any(len(v) > 3 and v[:3] in heads for v in values)


def _code_parts(data_rows: list[list[str]], pos: int, codes: set[int]) -> bool:
    """Short integers (05, 6, 11) printed only beside a code cell: the next level of a split code."""
    seen = 0
    for r in data_rows:
        value = r[pos] if pos < len(r) else ""
        if not value:
            continue
        if not re.fullmatch(r"\d{1,2}", value) or not (pos - 1 in codes and r[pos - 1]):
            return False
        seen += 1
    return seen >= 2


def _years(columns: list[tuple[str, ...]]) -> bool:
    return bool(columns) and all(YEAR_COLUMN.match(c[-1]) for c in columns)


def _pending_from_cells(cells: list[str], line: Line, layout: GridLayout) -> PendingRow | None:
    texts = {p: cells[p] for p in layout.text_positions if p < len(cells) and cells[p]}
    code = None
    if layout.code_positions:
        parts = [cells[p] for p in layout.code_positions if p < len(cells) and cells[p].isdigit()]
        if parts:
            # 类 | 款 | 项 in their own cells: each level below the first is two digits (款 6 → 06)
            code = parts[0] + "".join(part.zfill(2) for part in parts[1:])
    label = ""
    if layout.project_position is not None and cells[layout.project_position:layout.project_position + 1] != [""]:
        label = cells[layout.project_position] if layout.project_position < len(cells) else ""
    role = None
    extra: dict[str, str] = {}
    if label:
        extra["项目名称"] = label
        if layout.unit_position is not None and layout.unit_position < len(cells) and cells[layout.unit_position]:
            extra["单位名称"] = cells[layout.unit_position]
    elif layout.unit_position is not None and layout.unit_position < len(cells) and cells[layout.unit_position]:
        label = cells[layout.unit_position]
        role = "total" if is_total_label(label) else "unit"
    elif layout.name_position is not None and layout.name_position < len(cells):
        label = cells[layout.name_position]
    if is_number_token(label):
        label = ""  # a figure printed under the name heading is a figure, not a name
    if not label:
        others = [t for _, t in sorted(texts.items()) if not is_number_token(t)]
        label = others[0] if others else ""
    if code is None:
        first = next((t for _, t in sorted(texts.items())), "")
        c, rest = split_code(first)
        if c:
            code = c
            if not label or label == first:
                label = rest
    numbers = []
    single = _single_column(layout)
    for pos, text in enumerate(cells):
        if single is not None and text and is_number_token(text) and text != label \
                and (pos not in layout.code_positions or not text.isdigit()):
            # one amount column: a figure the extraction printed a few cells off is still its figure
            numbers.append(Printed(text=text, line=line, position=single, cell=pos))
            continue
        if not text or pos in texts and pos not in layout.amount_positions:
            continue
        if pos in layout.amount_positions:
            if is_number_token(text) or is_nil(text):
                numbers.append(Printed(text=text, line=line, position=layout.amount_positions[pos], cell=pos))
        elif is_number_token(text) and pos > max(layout.amount_positions, default=-1):
            numbers.append(Printed(text=text, line=line, position=None, cell=pos))
    if not label and not code and not numbers:
        return None
    pending = PendingRow(label=label, line=line, code=code, numbers=numbers, texts=extra, role=role)
    if code and UNIT_CODE.match(code) and not role:
        pending.role = "unit"
    return pending


def _single_column(layout: GridLayout) -> int | None:
    """The column index when the layout has exactly one amount column."""
    return 0 if len(layout.columns) == 1 and layout.amount_positions else None


def _units_only(spec: TableSpec) -> bool:
    """Tables listed by unit (收入预算总表): every row but the total is a unit's."""
    return spec.text == ("单位名称",)


def parse_tab(spec: TableSpec, table: Table, lines: list[Line], unit: str) -> list[list[tuple[int, ...]]]:
    """Fill ``table`` from the tab-separated lines of its region; returns each row's valid placements."""
    header_rows: list[list[str]] = []
    body: list[tuple[Line, list[str]]] = []
    trailing: list[Line] = []
    started = False
    last_used = None
    for index, line in enumerate(lines):
        text = line.text
        if ILLEGIBLE in text:
            table.status = "illegible"
            last_used = line
            continue
        if "\t" in text.strip("\t") or (started and "\t" in text and text.strip()):
            cells = cells_of(line)
            if not any(cells):
                continue
            first = next(c for c in cells if c)
            if NOTE.match(first):
                if EMPTY_NOTE.search(line.text):
                    table.empty_note = True
                last_used = line
                continue
            if not started and hdr.is_preamble_cells(cells):
                last_used = line  # 部门：… | 单位：万元 between title and header, not a header row
                continue
            if not started and not _is_data_cells(cells):
                if header_rows and is_total_label(first) and cells.index(first) <= 1:
                    # an empty table's total row merged into the last header row: keep the headings
                    cells = cells[:]
                    cells[cells.index(first)] = ""
                header_rows.append(cells)
                last_used = line
                continue
            started = True
            trailing = []
            body.append((line, cells))
            last_used = line
            continue
        stripped = text.strip()
        if not stripped:
            continue
        if NOTE.match(stripped) or EMPTY_NOTE.search(stripped) and len(stripped) < 60:
            if EMPTY_NOTE.search(stripped):
                table.empty_note = True
            last_used = line
            continue
        if not started and is_preamble(stripped):
            continue
        if _is_fragment(stripped):
            trailing.append(line)
            continue
        if started or header_rows:
            table.empty_note = table.empty_note or _empty_note_follows(lines[index:])
            break
    data_cells = [c for _, c in body]
    layout = _layout(spec, header_rows, data_cells)
    kind_years = _years(layout.columns)
    table.columns = [Column(path=p) for p in layout.columns]
    ids = [] if kind_years else identities(layout.columns)
    rows: list[Row] = []
    pendings: list[PendingRow] = []
    alternatives: list[list[tuple[int, ...]]] = []
    previous_total = False
    for line, cells in body:
        pending = _pending_from_cells(cells, line, layout)
        if pending is None:
            continue
        if _is_wrapped_name(pending) and rows:
            _continue_name(rows[-1], pending.label)
            continue
        if pendings and not pending.label and not pending.code and pending.numbers \
                and not pendings[-1].numbers and (pendings[-1].code or pendings[-1].label):
            # a row's figures printed on the line below its code and name: one row
            pendings[-1].numbers = pending.numbers
            rows[-1], alternatives[-1] = build_row(pendings[-1], len(layout.columns), ids, unit, positional=True)
            previous_total = rows[-1].role == "total"
            continue
        if previous_total and not pending.label and not pending.code and pending.numbers:
            pending.role = "unit"
        if _units_only(spec) and not layout.code_positions and not is_total_label(pending.label):
            pending.role = "unit"
        row, alts = build_row(pending, len(layout.columns), ids, unit, positional=True)
        previous_total = row.role == "total"
        rows.append(row)
        alternatives.append(alts)
        pendings.append(pending)
    _settle_shift(rows, pendings, alternatives, layout, ids, unit)
    fragment_row = _scattered_row(trailing, len(layout.columns), ids, unit)
    if fragment_row is not None:
        rows.append(fragment_row[0])
        alternatives.append(fragment_row[1])
        last_used = trailing[-1]
    _single_row_is_total(rows)
    table.rows.extend(rows)
    if last_used is not None:
        table.last_line = max(table.last_line, last_used.number)
    if kind_years and spec.kind == "三公经费支出表":
        table.kind = "三公经费预算对比表"
    return alternatives


def _settle_shift(rows: list[Row], pendings: list[PendingRow], alternatives: list[list[tuple[int, ...]]],
                  layout: GridLayout, ids, unit: str) -> None:
    """Rows whose data sit a cell off the header in the same way are placed again, shifted back."""
    n = len(layout.columns)
    printed = [(i, printed_amounts(p, unit)) for i, p in enumerate(pendings)]
    known = [(i, ac) for i, ac in printed if ac is not None and ac[0]]
    shift = table_shift([ac for _, ac in known], n, ids, layout.amount_positions.get)
    if shift is None:
        return
    for i, _ in known:
        reread_positions(pendings[i], lambda cell: layout.amount_positions.get(shift.apply(cell)))
        placed, alternatives[i] = build_row(pendings[i], n, ids, unit, positional=True)
        rows[i].cells = placed.cells


def _empty_note_follows(lines: list[Line], look: int = 4) -> bool:
    """The "本表无数据" note printed a few paragraphs below an empty table, after other remarks."""
    seen = 0
    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        if NOTE.match(text) and EMPTY_NOTE.search(text):
            return True
        seen += 1
        if seen >= look:
            return False
    return False


def _is_fragment(text: str) -> bool:
    """A short piece of a table row that extraction printed on its own line (a number, a code, a name)."""
    t = text.strip()
    if is_number_token(t) or CODE.match(t):
        return True
    return len(t) <= 12 and not re.search(r"[。，；：:,]", t) and bool(re.search(r"[\u4e00-\u9fff]", t))


def _scattered_row(fragments: list[Line], n: int, ids, unit: str) -> tuple[Row, list[tuple[int, ...]]] | None:
    """A row whose cells extraction scattered over single lines after the table, in any order."""
    if not fragments:
        return None
    texts = [(f, f.text.strip()) for f in fragments]
    codes = [(f, t) for f, t in texts if CODE.match(t)]
    numbers = [(f, t) for f, t in texts if is_number_token(t) and not CODE.match(t)]
    names = [(f, t) for f, t in texts if not is_number_token(t) and not CODE.match(t)]
    if len(codes) != 1 or len(names) != 1 or not numbers:
        return None
    code_line, code = codes[0]
    if code_line.number > numbers[0][0].number:
        numbers = list(reversed(numbers))  # printed bottom-up: the row reads right to left
    pending = PendingRow(label=names[0][1], line=code_line, code=code,
                         numbers=[Printed(text=t, line=f) for f, t in numbers])
    return build_row(pending, n, ids, unit, positional=False)


def _is_wrapped_name(pending: PendingRow) -> bool:
    """The tail of the previous row's name, wrapped onto a line of its own ("…中央直达" + "资金")."""
    label = compact(pending.label)
    if pending.numbers or pending.code or pending.role is not None or not label:
        return False
    if is_total_label(label) or ENUMERATED.match(label):
        return False
    return len(label) <= 8


def _continue_name(row: Row, more: str) -> None:
    row.name = collapse(row.name + more)
    from .labels import row_key

    row.key = row_key(row.name)
    if "项目名称" in row.texts:
        row.texts["项目名称"] = row.name


def _single_row_is_total(rows: list[Row]) -> None:
    """A table of one unlabelled row (表7 "三公" in most layouts) prints its totals there."""
    if len(rows) == 1 and not rows[0].name and not rows[0].code:
        rows[0].role = "total"
