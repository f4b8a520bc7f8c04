"""``match:`` — the same figures printed in two tables, row by row.

    - id: BT210
      title: 支出总表与支出功能分类表逐科目一致
      match:
        - {table: 支出预算总表, column: 合计}
        - {table: 支出功能分类预算表, column: 总计}
      by: 科目编码

Rows pair up by 科目编码 (``by: 科目编码``) or by label (``by: 名称``); rows found in only one table
are not compared. Each side may limit its rows with ``level:`` (1 = 类) and ``side:`` (收入/支出),
and name several columns (``column: [总计, 本年收入.合计]``): the pair then matches when the first
side equals any of them. ``op: "<="`` checks the first side never exceeds the second. When a code repeats (one block per unit), rows pair within the same unit.

``when:`` (``unless:``) names an identity between figures of the document, as in ``check:``, or a
list of them; the rule runs only when one of them holds exactly (when none does): a part equals
its whole row by row when the document's totals show the other parts are nil.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ...model import Finding, Row, Table
from .. import schema
from ..arith import OK, Side, compare
from ..expr import ExprError, normalize_key, parse_identity, shown
from ..facts import Facts, column_label, row_label
from ..findings import judge
from ..rule import Draft, Rule
from ._shared import compile_cells, evaluate

KEY = "match"
OPTIONS = {
    "by": "how rows pair up: 科目编码 (default) or 名称",
    "op": "== (default), <= or >=: how the first side relates to the second",
    "when": "run only when this identity holds exactly (e.g. 收支预算总表[收入:收入总计] == …)",
    "unless": "run only when this identity does not hold exactly",
}
NEEDS_TABLE = False
EXAMPLE = "2101502 一般行政管理事务：支出预算总表·合计 175.96 ≠ 支出功能分类预算表·总计 175.75（差 0.21 万元）"

SIDE_KEYS = {"table", "column", "level", "side"}
BY = {"科目编码": "code", "编码": "code", "名称": "label", "项目名称": "label"}


@dataclass(frozen=True)
class Pick:
    table: str
    columns: tuple[tuple[str, ...] | None, ...]  # None: the row's default column
    level: int | None
    side: str | None


@dataclass(frozen=True)
class Condition:
    expect: bool  # True for when:, False for unless:
    identities: tuple  # (op, (left items, right items)) per identity listed


@dataclass(frozen=True)
class Compiled:
    left: Pick
    right: Pick
    by: str
    op: str = "=="
    conditions: tuple[Condition, ...] = ()


def compile(draft: Draft) -> Compiled:
    value = draft.value
    if not isinstance(value, list) or len(value) != 2 or not all(isinstance(v, dict) for v in value):
        raise draft.error("match: must list two {table:, column:} mappings", KEY)
    by = BY.get(str(draft.options.get("by", "科目编码")))
    if by is None:
        raise draft.error(f'by: must be one of {", ".join(BY)}', "by")
    op = draft.options.get("op", "==")
    if op not in ("==", "<=", ">="):
        raise draft.error('op: must be "==", "<=" or ">="', "op")
    picks = [_pick(draft, v) for v in value]
    conditions = []
    for key, expect in (("when", True), ("unless", False)):
        texts = draft.options.get(key)
        if texts is None:
            continue
        texts = [texts] if isinstance(texts, str) else texts
        if not isinstance(texts, list) or not texts or not all(isinstance(t, str) for t in texts):
            raise draft.error(f"{key}: must be an identity such as \"A == B\", or a list of them", key)
        identities = []
        for text in texts:
            try:
                identity = parse_identity(text)
            except ExprError as exc:
                raise draft.error(f'bad expression "{shown(text)}": {exc}', key) from None
            identities.append((identity.op, compile_cells(draft, identity, None, key)))
        conditions.append(Condition(expect, tuple(identities)))
    return Compiled(picks[0], picks[1], by, op, tuple(conditions))


def _holds(facts: Facts, cond: Condition) -> bool:
    """Whether one of a condition's identities holds exactly (one whose figures are absent does not)."""
    for op, (left_items, right_items) in cond.identities:
        left = evaluate(facts, left_items, None)
        right = evaluate(facts, right_items, None)
        if left is None or right is None or not left.terms or not right.terms:
            continue
        if compare(left, right, op).status == OK:
            return True
    return False


def _pick(draft: Draft, spec: dict) -> Pick:
    for k in spec:
        if k not in SIDE_KEYS:
            raise draft.error(f'unknown key "{k}" in match (expected {", ".join(sorted(SIDE_KEYS))})', KEY)
    table = spec.get("table")
    ks = schema.kind(table) if isinstance(table, str) else None
    if ks is None:
        raise draft.error(f'unknown table "{table}"', KEY)
    raw = spec.get("column")
    items = [raw] if raw is None or isinstance(raw, str) else raw
    if not isinstance(items, list) or not items:
        raise draft.error("column: must name a column or list columns", KEY)
    columns = []
    for c in items:
        if c is None:
            columns.append(None)
            continue
        try:
            columns.append(schema.resolve_column(ks, tuple(str(c).split("."))))
        except schema.ColumnError as exc:
            raise draft.error(str(exc), KEY) from None
    level = spec.get("level")
    if level is not None and level not in (0, 1, 2, 3):
        raise draft.error("level: must be 1, 2 or 3", KEY)
    side = spec.get("side")
    if side is not None and side not in ks.sides:
        raise draft.error(f'unknown side "{side}" in {table}', KEY)
    return Pick(table, tuple(columns), level, side)


def _rows(facts: Facts, pick: Pick, by: str) -> dict[str, list[tuple[Table, Row, str]]]:
    """Rows of every table of the pick's kind, by pairing key, with the unit each sits under."""
    out: dict[str, list[tuple[Table, Row, str]]] = {}
    for table in facts.tables(pick.table):
        unit = ""
        for row in table.rows:
            if row.role == "unit":
                unit = normalize_key(row.name)
                continue
            if pick.side is not None and row.side != pick.side:
                continue
            if pick.level is not None and row.level != pick.level:
                continue
            key = row.code if by == "code" else _label_key(row)
            if key:
                out.setdefault(key, []).append((table, row, unit))
    return out


def _label_key(row: Row) -> str:
    return normalize_key(row.key or row.name or row.texts.get("项目名称", ""))


def _pairs(left: list, right: list) -> list[tuple]:
    if len(left) == 1 and len(right) == 1:
        return [(left[0], right[0])]
    pairs = []
    for item in left:
        same = [r for r in right if r[2] == item[2]]
        if len(same) == 1 and sum(1 for x in left if x[2] == item[2]) == 1:
            pairs.append((item, same[0]))
    return pairs


def run(rule: Rule, facts: Facts) -> Iterable[Finding]:
    c: Compiled = rule.compiled
    if any(_holds(facts, cond) is not cond.expect for cond in c.conditions):
        return
    lefts = _rows(facts, c.left, c.by)
    if not lefts:
        return
    rights = _rows(facts, c.right, c.by)
    for key, left_rows in lefts.items():
        right_rows = rights.get(key)
        if not right_rows:
            continue
        for (lt, lrow, _), (rt, rrow, _) in _pairs(left_rows, right_rows):
            finding = _compare(rule, facts, c, lt, lrow, rt, rrow)
            if finding is not None:
                yield finding


def _term(facts: Facts, table: Table, row: Row, column, default_label: bool):
    idx = facts.column_index(table, row, column)
    if idx is None:
        return None
    label = table.kind if column is None else f"{table.kind}·{column_label(column)}"
    return facts.term(table, row, idx, label)


def _value(facts: Facts, table: Table, row: Row, column):
    """The figure a term of the cell would hold (0 for a blank), None when the column is absent."""
    idx = facts.column_index(table, row, column)
    if idx is None:
        return None
    cell = row.cell(idx)
    return cell.amount.value if cell is not None and cell.amount is not None else 0


def _compare(rule, facts, c: Compiled, lt, lrow, rt, rrow):
    # Most pairs print the same figure twice, and equal figures pass under every op: they need no
    # terms built and compared.
    left_value = _value(facts, lt, lrow, c.left.columns[0])
    if left_value is None or any(_value(facts, rt, rrow, col) == left_value for col in c.right.columns):
        return None
    left = _term(facts, lt, lrow, c.left.columns[0], True)
    if left is None:
        return None
    candidates = [t for t in (_term(facts, rt, rrow, col, True) for col in c.right.columns) if t is not None]
    if not candidates:
        return None
    if not left.printed and not any(t.printed for t in candidates):
        return None
    best = None
    for right in candidates:
        verdict = compare(Side.of(left), Side.of(right), c.op)
        if verdict.status == OK:
            return None
        if best is None or abs(verdict.difference) < abs(best[1].difference):
            best = (right, verdict)
    assert best is not None
    return judge(rule, Side.of(left), Side.of(best[0]), c.op, row_label(lrow))
