"""Turning a judged identity into a Finding: both sides, the difference, every location.

Messages are in Chinese and show the numbers side by side, e.g.
``收入总计 7,667.28 ≠ 支出总计 7,667.07（差 0.21 万元）``.
"""

from __future__ import annotations

from decimal import Decimal

from ..amounts import format_amount
from ..model import UNIT_FACTORS, Location
from .arith import BROKEN, LAST_DIGIT, OK, ROUNDING, Side, Term, compare, severity_for
from .rule import Rule, RuleFinding

MAX_LISTED_TERMS = 4


def display_decimals(side: Side) -> int:
    """Decimals that show every printed term of a side exactly, in 万元."""
    best = None
    for _, t in side.terms:
        if t.decimals is None:
            continue
        shift = -UNIT_FACTORS.get(t.unit, Decimal(1)).adjusted()
        d = max(t.decimals + shift, 0)
        best = d if best is None else max(best, d)
    return 2 if best is None else best


def fmt(value: Decimal, decimals: int) -> str:
    return format_amount(value, decimals)


def term_decimals(term: Term) -> int:
    """Decimals that show a printed term as printed, in 万元."""
    if term.decimals is None:
        return 2
    shift = -UNIT_FACTORS.get(term.unit, Decimal(1)).adjusted()
    return max(term.decimals + shift, 0)


def name_of(side: Side) -> str:
    """How a side is named, without its value: ``收入总计``, ``基本支出.小计 + 项目支出``."""
    single = side.single
    if single is not None:
        return side.label or single.label
    if side.label:
        return side.label
    named = _named_terms(side)
    if not named:
        return "0"
    if len(named) > MAX_LISTED_TERMS:
        return f"{named[0][1].label} 等 {len(named)} 项之和"
    text = ""
    for i, (sign, term) in enumerate(named):
        if i == 0:
            text = term.label if sign > 0 else f"-{term.label}"
        else:
            text += f" {'+' if sign > 0 else '-'} {term.label}"
    return text


def _named_terms(side: Side) -> list:
    """Printed operands (and constants); blanks are left out of names."""
    named = [(s, t) for s, t in side.terms if t.printed or (t.decimals is None and t.location is None)]
    return named or side.terms[:1]


def value_text(side: Side, decimals: int) -> str:
    """A side's value as printed: a single printed term keeps its own precision."""
    single = side.single
    if single is not None and single.printed:
        return fmt(side.value, term_decimals(single))
    return fmt(side.value, decimals)


def describe(side: Side, decimals: int) -> str:
    """``收入总计 7,667.28`` or ``基本支出.小计 + 项目支出 = 976.40``; blank operands are not named."""
    single = side.single
    if single is not None:
        shown = term_decimals(single) if single.printed else decimals
        return f"{name_of(side)} {fmt(side.value, shown)}"
    named = _named_terms(side)
    value = fmt(side.value, decimals)
    if side.label or (len(named) == 1 and named[0][0] > 0):
        return f"{name_of(side)} {value}"
    return f"{name_of(side)} = {value}"


def locations(left: Side, right: Side) -> list[Location]:
    """Where every printed number of both sides is; a side with none printed gives its first line."""
    out: list[Location] = []
    seen: set[tuple] = set()

    def add(t: Term) -> None:
        if t.location is None:
            return
        loc = t.location
        k = (loc.line, loc.page, loc.table, loc.row, loc.column)
        if k not in seen:
            seen.add(k)
            out.append(loc)

    for side in (left, right):
        printed = [t for _, t in side.terms if t.printed and t.location is not None]
        if printed:
            for t in printed:
                add(t)
        else:
            located = [t for _, t in side.terms if t.location is not None]
            if located:
                add(located[0])
    return out


def judge(rule: Rule, left: Side, right: Side, op: str = "==", where: str = "") -> RuleFinding | None:
    """Compare two sides under the rounding contract; a Finding unless they are exactly equal.

    ``where`` prefixes the message (e.g. the row an ``each_row`` identity was checked on).
    """
    verdict = compare(left, right, op)
    if verdict.status == OK:
        return None
    decimals = max(display_decimals(left), display_decimals(right))
    gap = fmt(abs(verdict.difference), decimals)
    sign = {"==": "≠", "<=": ">", ">=": "<"}[op]
    if verdict.status == ROUNDING:
        note = f"（差 {gap} 万元，未超过印刷精度可解释的 {fmt(verdict.slack, decimals + 1)} 万元，属舍入差异）"
        sign = "≈"
    elif verdict.status == LAST_DIGIT:
        note = f"（差 {gap} 万元，末位相差 1，可能是万元换算的尾差）"
    else:
        note = f"（差 {gap} 万元）"
    prefix = f"{where}：" if where else ""
    message = f"{prefix}{describe(left, decimals)} {sign} {describe(right, decimals)}{note}"
    locs = locations(left, right)
    if not locs:
        locs = [Location(line=None)]
    return RuleFinding(
        rule=rule.id,
        severity=severity_for(verdict, rule.severity),
        title=rule.title,
        message=message,
        locations=locs,
        expected=left.value,
        actual=right.value,
        difference=verdict.difference,
        rounding=verdict.status == ROUNDING,
        where=where,
        left=name_of(left),
        right=name_of(right),
        decimals=decimals,
        shown=(value_text(left, decimals), value_text(right, decimals)),
    )


__all__ = ["judge", "describe", "locations", "BROKEN"]
