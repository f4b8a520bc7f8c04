"""``each_row:`` — an identity between columns, checked on every row of a table.

    - id: BT110
      title: 合计 = 基本支出 + 项目支出（逐行）
      tables: [支出预算总表, 一般公共预算支出表]
      each_row: 合计 == 基本支出.小计 + 项目支出

Names are column paths of each listed table (a unique tail of a path is enough: ``人员经费`` for
``基本支出.人员经费``). A table that lacks one of the columns is skipped (mark the column ``?`` to
count it as 0 instead); a blank cell is 0. ``rows:`` limits the rows: all (default), items,
totals or units.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ...model import Finding, Row, Table
from ...tables.catalogue import by_kind
from ...tables.structure import identities
from ..arith import Side, constant_term
from ..expr import Num
from ..facts import ColumnRef, Facts, RefError, column_label, compile_column_ref, row_label
from ..findings import judge
from ..rule import Draft, Rule
from ._shared import example_message, parse

KEY = "each_row"
OPTIONS = {"rows": "which rows: all (default), items, totals, units"}
NEEDS_TABLE = True
EXAMPLE = "2080501 行政单位离退休：合计 23.70 ≠ 基本支出.小计 + 项目支出 = 23.60（差 0.10 万元）"

ROW_FILTERS = {"all", "items", "totals", "units"}


@dataclass(frozen=True)
class Compiled:
    op: str
    identity: object  # the parsed identity, for `explain`
    scopes: dict  # table kind → (left items, right items) of (sign, ColumnRef | Num)
    rows: str


def compile(draft: Draft) -> Compiled:
    identity = parse(draft, KEY)
    rows = draft.options.get("rows", "all")
    if rows not in ROW_FILTERS:
        raise draft.error(f'rows: must be one of {", ".join(sorted(ROW_FILTERS))}', "rows")
    scopes = {}
    for scope in draft.tables:

        def side(items, scope=scope):
            out = []
            for sign, item in items:
                if isinstance(item, Num):
                    out.append((sign, item))
                    continue
                try:
                    out.append((sign, compile_column_ref(item, scope)))
                except RefError as exc:
                    raise draft.error(str(exc), KEY) from None
            return out

        scopes[scope] = (side(identity.left.items), side(identity.right.items))
    return Compiled(identity.op, identity, scopes, rows)


def keep(row: Row, which: str) -> bool:
    if which == "all":
        return True
    if which == "totals":
        return row.role == "total"
    if which == "units":
        return row.role == "unit"
    return row.role == "item"


def run(rule: Rule, facts: Facts) -> Iterable[Finding]:
    c: Compiled = rule.compiled
    for scope, (left_items, right_items) in c.scopes.items():
        for table in facts.tables(scope):
            columns = _columns(table, left_items + right_items)
            if columns is None or c.op == "==" and _partial(table, left_items, right_items, columns):
                continue
            read = [i for i in columns.values() if i is not None]
            for row in table.rows:
                if not keep(row, c.rows):
                    continue
                cells = facts.cells_of(row)  # the row's printed cells, looked up once for all its checks
                if not any(i in cells for i in read):
                    continue
                if c.op == "==" and _quick(cells, left_items, columns) == _quick(cells, right_items, columns):
                    continue  # exactly equal: no need to build terms
                left = _side(facts, table, row, left_items, columns)
                right = _side(facts, table, row, right_items, columns)
                if not left.terms or not right.terms:
                    continue
                if not any(t.printed for _, t in left.terms + right.terms):
                    continue
                finding = judge(rule, left, right, c.op, row_label(row))
                if finding is not None:
                    yield finding


def _columns(table: Table, items) -> dict | None:
    """Column index of every referenced path; None when a required column is missing."""
    out = {}
    for _, item in items:
        if not isinstance(item, ColumnRef):
            continue
        idx = table.column_index(item.column)
        if idx is None and not item.optional:
            return None
        out[item.column] = idx
    return out


def _partial(table: Table, left_items, right_items, columns: dict) -> bool:
    """Whether the table's header adds columns the catalogue does not know to the rule's total.

    合计 printed over 基本支出 | 项目支出 | 单位预留机动经费 | 结转下年资金 is the sum of all four: the
    rule's 合计 = 基本支出 + 项目支出 is not this table's identity, and checking it would report
    every row. The table is skipped, as one lacking a column is."""
    paths = [col.path for col in table.columns]
    spec = by_kind(table.kind)
    known = set(spec.columns).union(*spec.variants) if spec else set()
    for single, other in ((left_items, right_items), (right_items, left_items)):
        if len(single) != 1 or not isinstance(single[0][1], ColumnRef):
            continue
        total = columns.get(single[0][1].column)
        named = {columns.get(item.column) for _, item in other if isinstance(item, ColumnRef)}
        for identity in identities(paths):
            if identity.total == total and any(p not in named and paths[p] not in known for p in identity.parts):
                return True
    return False


def _quick(cells: dict, items, columns: dict):
    """The side's exact value from the row's printed cells (Facts.cells_of; blank = 0)."""
    total = 0
    for sign, item in items:
        if isinstance(item, Num):
            total += sign * item.value
        else:
            cell = cells.get(columns.get(item.column))
            total += sign * (cell.amount.value if cell is not None else 0)
    return total


def _side(facts: Facts, table: Table, row: Row, items, columns: dict) -> Side:
    side = Side()
    for sign, item in items:
        if isinstance(item, Num):
            side.add(constant_term(item.value), sign)
            continue
        idx = columns.get(item.column)
        if idx is None:
            continue
        side.add(facts.term(table, row, idx, column_label(item.column)), sign)
    return side


def example(rule: Rule) -> str:
    return example_message(rule.compiled.identity, "某一行")
