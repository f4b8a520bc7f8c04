"""``check:`` — one identity between named figures, in one table or across tables.

    - id: BT101
      title: 收入总计等于支出总计
      table: 收支预算总表
      check: 收入总计 == 支出总计

    - id: BT201
      title: 收支总表本年支出合计 = 支出总表合计
      check: 收支预算总表.本年支出合计 == 支出预算总表[@total].合计

With ``table:``/``tables:`` a bare row name refers to that table (the rule runs once per table of
those kinds); ``each_column: true`` evaluates the identity once per amount column, for rows named
without a column (the 三公 tables: 预算数 and 决算数).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ...model import Finding
from ..facts import Facts, column_label
from ..findings import judge
from ..rule import Draft, Rule
from ._shared import compile_cells, evaluate, example_message, parse

KEY = "check"
OPTIONS = {"each_column": "evaluate the identity once per amount column of the table"}
NEEDS_TABLE = False
EXAMPLE = "收入总计 7,667.28 ≠ 支出总计 7,667.07（差 0.21 万元）"


@dataclass(frozen=True)
class Compiled:
    op: str
    identity: object  # the parsed identity, for `explain`
    scopes: dict  # table kind (or None) → (left items, right items)
    each_column: bool


def compile(draft: Draft) -> Compiled:
    identity = parse(draft, KEY)
    each_column = draft.options.get("each_column", False)
    if not isinstance(each_column, bool):
        raise draft.error("each_column: must be true or false", "each_column")
    if each_column and not draft.tables:
        raise draft.error("each_column needs table: or tables:", "each_column")
    scopes = {}
    for scope in draft.tables or (None,):
        scopes[scope] = compile_cells(draft, identity, scope, KEY)
    return Compiled(identity.op, identity, scopes, each_column)


def run(rule: Rule, facts: Facts) -> Iterable[Finding]:
    c: Compiled = rule.compiled
    for scope, (left_items, right_items) in c.scopes.items():
        heres = facts.tables(scope) if scope is not None else [None]
        for here in heres:
            columns = facts.column_paths(here) if (c.each_column and here is not None) else [None]
            for column in columns:
                left = evaluate(facts, left_items, here, column)
                right = evaluate(facts, right_items, here, column)
                if left is None or right is None or not left.terms or not right.terms:
                    continue
                where = column_label(column) if column is not None and len(columns) > 1 else ""
                finding = judge(rule, left, right, c.op, where)
                if finding is not None:
                    yield finding


def example(rule: Rule) -> str:
    return example_message(rule.compiled.identity, "")
