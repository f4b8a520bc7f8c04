"""Helpers the arithmetic kinds share: compiling identities and evaluating their sides."""

from __future__ import annotations

from ...model import Table
from ..arith import Side, constant_term
from ..expr import ExprError, Identity, Num, parse_identity, shown
from ..facts import CellRef, Facts, RefError, compile_cell_ref
from ..rule import Draft


def parse(draft: Draft, key: str) -> Identity:
    if not isinstance(draft.value, str):
        raise draft.error(f"{key}: must be an identity such as \"A == B + C\"", key)
    try:
        return parse_identity(draft.value)
    except ExprError as exc:
        at = f" at character {exc.pos + 1}" if exc.pos is not None else ""
        raise draft.error(f'bad expression "{shown(draft.value)}": {exc}{at}', key) from None


def compile_cells(draft: Draft, identity: Identity, scope: str | None, key: str):
    """Both sides of an identity as ``(sign, CellRef | Num)`` lists for one table kind."""

    def side(items):
        out = []
        for sign, item in items:
            if isinstance(item, Num):
                out.append((sign, item))
                continue
            try:
                out.append((sign, compile_cell_ref(item, scope)))
            except RefError as exc:
                raise draft.error(str(exc), key) from None
        return out

    return side(identity.left.items), side(identity.right.items)


def evaluate(facts: Facts, items, here: Table | None, column=None) -> Side | None:
    """The Side an operand list stands for in a document; None when a required input is absent."""
    side = Side()
    for sign, item in items:
        if isinstance(item, Num):
            side.add(constant_term(item.value), sign)
            continue
        assert isinstance(item, CellRef)
        terms = facts.cell_terms(item, here, column)
        if terms is None:
            if item.optional:
                continue
            return None
        for t in terms:
            side.add(t, sign)
    return side


def example_message(identity: Identity, where: str = "") -> str:
    """An illustrative message for `explain`: the rule's own operands with made-up figures."""

    def name(items) -> str:
        text = ""
        for i, (sign, item) in enumerate(items):
            label = str(item.value) if isinstance(item, Num) else item.text.rstrip("?")
            if i == 0:
                text = label if sign > 0 else f"-{label}"
            else:
                text += f" {'+' if sign > 0 else '-'} {label}"
        return text

    left, right = name(identity.left.items), name(identity.right.items)
    sign = {"==": "≠", "<=": ">", ">=": "<"}[identity.op]
    rvalue = "99.90" if identity.op != ">=" else "100.10"
    eq = " = " if len(identity.right.items) > 1 else " "
    prefix = f"{where}：" if where else ""
    return f"{prefix}{left} 100.00 {sign} {right}{eq}{rvalue}（差 0.10 万元）"
