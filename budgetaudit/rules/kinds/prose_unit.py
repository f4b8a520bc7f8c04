"""``prose_unit:`` — an amount's unit agrees with the same figure elsewhere.

    - id: BN407
      title: 说明中金额的单位与表中同一数字一致
      prose_unit:
        totals: [收入总计, 支出总计, 收支总预算]

"收入预算 1,681.43 元" when the tables (or the prose) print 1,681.43 万元: the digits are the
figure, the unit is wrong. A total of the payload's labels written in 元 for less than 1 万元 is
impossible for a budget unit even when the figure appears nowhere else.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from ...model import Finding, Location
from ...narrative_labels import canonical
from ...narrative_rules import document_claims, finding, location, printed
from ..rule import Draft, Rule

KEY = "prose_unit"
OPTIONS: dict[str, str] = {}
NEEDS_TABLE = False
EXAMPLE = "第154行：收入预算 1,681.43 元，而同一数字在收支预算总表（第286行）为 1,681.43 万元：单位应为万元"
ONE_WAN_IN_YUAN = Decimal(10000)


def compile(draft: Draft) -> frozenset[str]:
    value = draft.value
    if value is True or value is None:
        return frozenset()
    totals = value.get("totals") if isinstance(value, dict) else None
    if not isinstance(totals, list) or not all(isinstance(t, str) for t in totals):
        raise draft.error("prose_unit: expects true or totals: [labels]", KEY)
    for t in totals:
        if canonical(t) != t:
            raise draft.error(f'prose_unit: "{t}" is not a canonical prose label', KEY)
    return frozenset(totals)


def _elsewhere(facts, claims, claim) -> Location | None:
    """Where the same digits are printed in 万元: a table cell first, else another prose figure."""
    digits = claim.amount.printed
    for table in facts.doc.tables:
        for row in table.rows:
            for cell in row.cells:
                a = cell.amount
                if a is not None and not a.percent and a.unit == "万元" and a.value == digits:
                    return Location(line=cell.line, page=cell.page, table=table.kind, row=row.name or row.key)
    for other in claims:
        if other.kind == "amount" and other.amount is not None and other.amount.unit == "万元" and other.amount.value == digits:
            return location(other)
    return None


def run(rule: Rule, facts) -> Iterable[Finding]:
    totals: frozenset[str] = rule.compiled
    all_claims = document_claims(facts)
    for claim in all_claims:
        if claim.kind != "amount" or claim.amount is None or claim.amount.unit == "万元":
            continue
        a = claim.amount
        if a.printed == 0 or (claim.canonical is None and a.decimals == 0 and a.printed < 1000):
            continue  # "0 元", an unnamed "500 元": nothing to recognise the figure by
        where = _elsewhere(facts, all_claims, claim)
        if where is not None:
            place = f"{where.table}（第{where.line}行）" if where.table != "说明" else f"说明第{where.line}行"
            yield finding(
                rule,
                f"第{claim.line}行：{claim.label} {printed(claim)}，而同一数字在{place}为 {a.printed:,} 万元：单位应为万元",
                [location(claim), where],
                expected=a.printed,
                actual=a.value,
            )
            continue
        if a.unit == "元" and claim.canonical in totals and a.printed < ONE_WAN_IN_YUAN:
            yield finding(
                rule,
                f"第{claim.line}行：{claim.label} {printed(claim)}，不足 1 万元的{claim.canonical}不合常理：单位应为万元",
                [location(claim)],
                actual=a.value,
            )
