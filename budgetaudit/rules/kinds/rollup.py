"""``rollup:`` — a row equals the sum of the rows it heads, by the structure of the table.

    - id: CT101
      title: 科目逐级汇总（类 = Σ款，款 = Σ项）
      tables: [支出预算总表, 一般公共预算支出表]
      rollup: 科目

Modes:

* ``科目``: by 科目编码 prefix — 类 (3 digits) = Σ its 款 (5), 款 = Σ its 项 (7); economic 301 = Σ 301xx.
  Rows are grouped by unit (a multi-unit table repeats codes under each unit) and by side (the
  人员经费/公用经费 blocks of 公开06表).
* ``单位``: a unit's row = Σ the rows under it (its 类 rows, or its projects).
* ``合计``: the total row = Σ the top-level rows (units if any, else 类 rows, else every item).
* ``科目层级``: the 科目 outline is complete — a 类 (款) that the others' pattern says should head
  款 (项) rows heads none, or 项 rows stand without their 款: a row is missing from the table.
* ``序号``: by the printed enumerators of side-by-side tables — ``一、本年收入`` = Σ its ``（一）…``
  rows, and a 合计/总计 row = Σ the ``一、二、…`` rows above it since the previous total.

Every amount column is checked (``columns:`` limits them). A row that heads nothing is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ...model import Finding, Location, Row, Table
from .. import schema
from ..arith import LOWER, Side
from ..facts import Facts, column_label, row_label
from ..findings import judge
from ..rule import Draft, Rule

KEY = "rollup"
OPTIONS = {"columns": "only these columns (default: every amount column)"}
NEEDS_TABLE = True
EXAMPLE = "208 社会保障和就业支出·合计 127.06 ≠ 20805 + 20808 = 127.00（差 0.06 万元）"

MODES = {"科目": "codes", "科目编码": "codes", "单位": "units", "合计": "total", "序号": "outline",
         "科目层级": "levels"}


@dataclass(frozen=True)
class Compiled:
    mode: str
    columns: dict  # table kind → tuple of column paths, or None for every column


def compile(draft: Draft) -> Compiled:
    mode = MODES.get(str(draft.value))
    if mode is None:
        raise draft.error(f'rollup: must be one of {", ".join(MODES)}', KEY)
    cols = draft.options.get("columns")
    per_kind = {}
    for kind in draft.tables:
        if cols is None:
            per_kind[kind] = None
            continue
        items = [cols] if isinstance(cols, str) else cols
        if not isinstance(items, list):
            raise draft.error("columns: must list column paths", "columns")
        resolved = []
        for c in items:
            try:
                resolved.append(schema.resolve_column(schema.kind(kind), tuple(str(c).split("."))))
            except schema.ColumnError as exc:
                raise draft.error(str(exc), "columns") from None
        per_kind[kind] = tuple(resolved)
    return Compiled(mode, per_kind)


def run(rule: Rule, facts: Facts) -> Iterable[Finding]:
    c: Compiled = rule.compiled
    for kind, cols in c.columns.items():
        for table in facts.tables(kind):
            if c.mode == "levels":
                yield from _missing_levels(rule, facts, table)
                continue
            groups = {
                "codes": code_groups, "units": unit_groups, "total": total_groups, "outline": outline_groups,
            }[c.mode](table)
            for parent, children in groups:
                for finding in _judge_group(rule, facts, table, parent, children, cols):
                    if c.mode in ("units", "total"):
                        _note_missing_rows(finding, rule, facts, table)
                    yield finding


def _judge_group(rule, facts: Facts, table: Table, parent: Row, children: list[Row], cols):
    """One finding per parent row: further columns that fail the same way are named in it."""
    found = []
    sided = any(c.side is not None for c in table.columns)
    # the printed cells of the family, looked up once for all its columns
    parent_cells = facts.cells_of(parent)
    child_cells = [facts.cells_of(ch) for ch in children]
    for col_idx in _column_indexes(table, parent, cols):
        col = table.columns[col_idx]
        if sided:
            idxs = [_same_column(table, child, col) for child in children]
        else:
            idxs = [col_idx] * len(children)
        if any(i is None for i in idxs):
            continue
        printed = [cells[i] for cells, i in zip(child_cells, idxs, strict=True) if i in cells]
        if col_idx not in parent_cells and not printed:
            continue  # nothing printed in this column: nothing to check
        total = parent_cells[col_idx].amount.value if col_idx in parent_cells else 0
        if total == sum(cell.amount.value for cell in printed):
            continue  # exactly equal: no need to build terms
        head = facts.term(table, parent, col_idx, _label(table, parent, col_idx))
        parts = [facts.term(table, ch, i, _short(ch)) for ch, i in zip(children, idxs, strict=True)]
        if not head.printed and not any(p.printed for p in parts):
            continue
        right = Side.of(*parts)
        printed = [p for p in parts if p.printed]
        if len(printed) > 4:
            right.label = f"{printed[0].label} 等 {len(printed)} 行之和"
        finding = judge(rule, Side.of(head), right)
        if finding is not None:
            found.append((finding, column_label(col.path)))
    out = []
    kinds_found = list(dict.fromkeys((f.severity, f.rounding) for f, _ in found))
    for severity, rounding in kinds_found:
        same = [(f, c) for f, c in found if f.severity == severity and f.rounding == rounding]
        first = same[0][0]
        if len(same) > 1:
            what = "存在舍入差异" if rounding else "不符"
            first.message += f"；另有 {'、'.join(c for _, c in same[1:])} 列同样{what}"
            seen = {(loc.line, loc.column) for loc in first.locations}
            for f, _ in same[1:]:
                for loc in f.locations:
                    if (loc.line, loc.column) not in seen:
                        seen.add((loc.line, loc.column))
                        first.locations.append(loc)
        out.append(first)
    return out


def _note_missing_rows(finding, rule: Rule, facts: Facts, table: Table) -> None:
    """Rows printed short of a total that other tables confirm: most likely rows are missing from
    the table as extracted (a lost page), not a wrong total — say so, one severity lower."""
    if finding.severity != rule.severity or finding.difference is None or finding.difference <= 0:
        return
    if not facts.corroborated(finding.expected, table):
        return
    finding.severity = LOWER[rule.severity]
    finding.message += "；该合计与其他表一致，表中可能缺少行（表格不完整）"


def _column_indexes(table: Table, row: Row, cols) -> list[int]:
    out = []
    for i, col in enumerate(table.columns):
        if row.side is not None and any(c.side == row.side for c in table.columns) and col.side != row.side:
            continue
        if cols is not None and col.path not in cols:
            continue
        out.append(i)
    return out


def _same_column(table: Table, row: Row, col) -> int | None:
    for i, c in enumerate(table.columns):
        if c.path == col.path and (c.side == col.side or c.side is None or row.side is None):
            return i
    return None


def _label(table: Table, row: Row, col_idx: int) -> str:
    name = row_label(row)
    paths = {c.path for c in table.columns}
    if len(paths) > 1:
        return f"{name}·{column_label(table.columns[col_idx].path)}"
    return name


def _short(row: Row) -> str:
    """Children are named by code when they have one (compact messages)."""
    return row.code or row.key or row_label(row)


# ---------------------------------------------------------------- structure of tables

TOTAL_KEY = re.compile(r"(合计|总计)$")


def is_total(row: Row) -> bool:
    return row.role == "total" or bool(TOTAL_KEY.search(row.key or ""))


def _segments(table: Table) -> list[list[Row]]:
    """Runs of rows between unit and total rows: codes repeat per unit in multi-unit tables."""
    out: list[list[Row]] = [[]]
    for row in table.rows:
        if row.role in ("unit", "total"):
            out.append([])
            continue
        out[-1].append(row)
    return [s for s in out if s]


def code_groups(table: Table) -> list[tuple[Row, list[Row]]]:
    groups = []
    for block in _coded_blocks(table):
        by_parent = _descendants(block)
        for parent in block:
            if parent.level >= 3:
                continue
            kids = [r for r in by_parent.get((parent.level, parent.code), ()) if r.level == parent.level + 1]
            if kids:
                groups.append((parent, kids))
    return groups


CODE_LENGTH = {1: 3, 2: 5, 3: 7}  # 类, 款, 项 (tables/labels.code_level)


def _coded_blocks(table: Table) -> list[list[Row]]:
    """The coded rows of each unit segment and side, split again where a top-level code comes back:
    a table that prints the same 类 twice without a unit row between holds two outlines, and a code
    sums only the rows of its own."""
    blocks = []
    for seg in _segments(table):
        for side in _sides(seg):
            rows = [r for r in seg if r.side == side and r.code and r.level]
            if not rows:
                continue
            top = min(r.level for r in rows)
            block: list[Row] = []
            seen: set[str] = set()
            for r in rows:
                if r.level == top and r.code in seen:
                    blocks.append(block)
                    block, seen = [], set()
                seen.add(r.code)
                block.append(r)
            blocks.append(block)
    return blocks


def _descendants(rows: list[Row]) -> dict[tuple[int, str], list[Row]]:
    """(level, code) → the rows of deeper levels whose code starts with it, in table order: one pass,
    so a long table's roll-up costs what its rows do."""
    out: dict[tuple[int, str], list[Row]] = {}
    for r in rows:
        for level in range(1, r.level):
            prefix = r.code[:CODE_LENGTH[level]]
            if prefix != r.code:
                out.setdefault((level, prefix), []).append(r)
    return out


LEVEL_NAMES = {1: "类", 2: "款", 3: "项"}


def _missing_levels(rule: Rule, facts: Facts, table: Table) -> Iterable[Finding]:
    """Coded rows whose children the table's own outline says are missing (one finding per row)."""
    for rows in _coded_blocks(table):
        levels = {r.level for r in rows}
        by_parent = _descendants(rows)
        # The levels that head children somewhere in this block: the outline the table keeps.
        heading = {p.level for p in rows
                   if any(r.level == p.level + 1 for r in by_parent.get((p.level, p.code), ()))}
        for parent in rows:
            if parent.level >= 3 or not any(facts.value(parent, c.column) for c in parent.cells
                                            if c.amount is not None and not c.amount.percent):
                continue
            below = by_parent.get((parent.level, parent.code), [])
            if any(r.level == parent.level + 1 for r in below):
                continue
            child = LEVEL_NAMES.get(parent.level + 1, "下级")
            if below:
                orphans = "、".join(r.code for r in below[:3])
                what = f"其下列有 {orphans} 但没有{child}级科目行"
            elif parent.level in heading and parent.level + 1 in levels:
                what = f"其下没有{child}级科目行，而表中其他{LEVEL_NAMES.get(parent.level, '')}级科目都列有下级科目"
            else:
                continue
            located = [parent] + below[:1]
            yield Finding(
                rule=rule.id, severity=rule.severity, title=rule.title,
                message=f"{row_label(parent)}：{what}（表中可能缺少行）",
                locations=[Location(line=r.line, page=r.page, table=table.kind, row=row_label(r))
                           for r in located])


def _sides(rows: list[Row]) -> list[str | None]:
    seen: list[str | None] = []
    for r in rows:
        if r.side not in seen:
            seen.append(r.side)
    return seen


def _top_rows(rows: list[Row]) -> list[Row]:
    """The rows a unit or total sums: units, else the highest-level coded rows, else every item."""
    units = [r for r in rows if r.role == "unit"]
    if units:
        return units
    coded = [r for r in rows if r.code and r.level]
    if coded:
        top = min(r.level for r in coded)
        return [r for r in coded if r.level == top]
    items = [r for r in rows if r.role == "item"]
    if items and outline_level(items[0]) is not None:
        # uncoded rows numbered 一、二、 (政府采购 一、货物 → its 专项 → its 品目): the outline's top
        top = min(lv for lv in map(outline_level, items) if lv is not None)
        return [r for r in items if outline_level(r) == top]
    return items


def unit_groups(table: Table) -> list[tuple[Row, list[Row]]]:
    groups = []
    rows = table.rows
    for i, row in enumerate(rows):
        if row.role != "unit":
            continue
        members = []
        for r in rows[i + 1:]:
            if r.role in ("unit", "total"):
                break
            members.append(r)
        kids = _top_rows(members)
        if kids:
            groups.append((row, kids))
    return groups


def _is_grand_total(row: Row) -> bool:
    return row.role == "total" or (row.key or "") in ("合计", "总计")


def total_groups(table: Table) -> list[tuple[Row, list[Row]]]:
    """A total heads the rows below it; a total printed last (some PDFs) sums the rows above."""
    groups = []
    rows = table.rows
    for i, row in enumerate(rows):
        if not _is_grand_total(row):
            continue
        members = []
        for r in rows[i + 1:]:
            if _is_grand_total(r):
                break
            members.append(r)
        if not members and not any(_is_grand_total(r) for r in rows[i + 1:]):
            # only the last total can be printed after its rows; one followed by another total
            # heads an empty group (政府性基金 小计 over no figures), it does not sum the rows above
            for r in reversed(rows[:i]):
                if _is_grand_total(r):
                    break
                members.insert(0, r)
        kids = _top_rows(members)
        if kids:
            groups.append((row, kids))
    return groups


# ---------------------------------------------------------------- outline (side-by-side tables)

_LEVELS = [
    re.compile(r"^[一二三四五六七八九十]+\s*[、.．]"),
    re.compile(r"^[（(]\s*[一二三四五六七八九十]+\s*[)）]"),
    re.compile(r"^\d+\s*[、.．](?!\d)"),
    re.compile(r"^[（(]\s*\d+\s*[)）]"),
]


def outline_level(row: Row) -> int | None:
    """1 for ``一、``, 2 for ``（一）``, 3 for ``1.``, 4 for ``(1)``; None without an enumerator."""
    name = re.sub(r"^其中\s*[:：]\s*", "", (row.name or "").strip())
    for level, pattern in enumerate(_LEVELS, start=1):
        if pattern.match(name):
            return level
    return None


def _named(row: Row) -> bool:
    return bool((row.key or row.name or "").strip())


def outline_groups(table: Table) -> list[tuple[Row, list[Row]]]:
    groups = []
    for side in _sides(table.rows):
        rows = [r for r in table.rows if r.side == side]
        levels = [outline_level(r) for r in rows]
        for i, (row, level) in enumerate(zip(rows, levels, strict=True)):
            if level is None:
                continue
            kids = []
            for r, lv in zip(rows[i + 1:], levels[i + 1:], strict=True):
                if lv is None or lv <= level:
                    break
                if lv == level + 1:
                    kids.append(r)
            if kids:
                groups.append((row, kids))
        start = 0
        for i, row in enumerate(rows):
            if levels[i] is not None or not is_total(row):
                continue
            between = list(zip(rows[start:i], levels[start:i], strict=True))
            start = i + 1
            span = [(r, lv) for r, lv in between if lv is not None]
            # An unnumbered line among them (年初结转和结余 heading its own 一、二、) means the
            # numbered lines are not all direct parts of this total.
            if not span or any(lv is None and _named(r) for r, lv in between):
                continue
            top = min(lv for _, lv in span)
            groups.append((row, [r for r, lv in span if lv == top]))
    return groups
