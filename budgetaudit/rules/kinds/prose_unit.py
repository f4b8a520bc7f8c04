"""``prose_unit:`` — an amount's unit agrees with the same figure elsewhere.

    - id: BN407
      title: 说明中金额的单位与表中同一数字一致
      prose_unit:
        totals: [收入总计, 支出总计, 收支总预算]

"收入预算 1,681.43 元" when the tables (or the prose) print 1,681.43 万元: the digits are the
figure, the unit is wrong. A total of the payload's labels written in 元 for less than 1 万元 is
impossible for a budget unit even when the figure appears nowhere else. In a list of parts under a
total ("政府采购金额 2319.21 万元，其中：货物 122.43 元、工程 1387.72 万元、服务 809.07 万元"), one figure
in the other unit whose digits, read in the list's unit, make the parts add up to the total is a
unit slip too.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from ...model import Amount, Finding, Location
from ...narrative.labels import canonical
from ..arith import BROKEN, Side, amount_term, compare
from ..prose import document_claims, finding, location, printed, term
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
        slip = _slip_in_list(facts, all_claims, claim)
        if slip is not None:
            yield slip_finding(rule, claim, slip)
            continue
        if a.unit == "元" and claim.canonical in totals and a.printed < ONE_WAN_IN_YUAN:
            yield finding(
                rule,
                f"第{claim.line}行：{claim.label} {printed(claim)}，不足 1 万元的{claim.canonical}不合常理：单位应为万元",
                [location(claim)],
                actual=a.value,
            )


def _slip_in_list(facts, claims, claim):
    """The total (or part) that shows ``claim`` was meant in 万元: read so, its list adds up."""
    by = {c.id: c for c in claims}
    if claim.parent is not None:
        total = by[claim.parent]
        group = [c for c in claims if c.parent == total.id and c.group == claim.group and c.kind == "amount"]
    else:
        total = claim
        group = [c for c in claims if c.parent == claim.id and c.kind == "amount"]
    if total.amount is None or len(group) < 2 or any(c.amount is None for c in group):
        return None
    others = [c for c in (total, *group) if c is not claim]
    if any(c.amount.unit != "万元" for c in others):
        return None  # mixed units all round: nothing shows which is meant
    as_wan = {c.id: term(c, facts=facts) for c in others}
    a = claim.amount
    meant = amount_term(Amount(a.printed, a.decimals, "万元", a.raw), f"说明·{claim.label}", location(claim))
    as_wan[claim.id] = meant
    left = Side.of(as_wan[total.id])
    right = Side([(1, as_wan[c.id]) for c in group])
    if compare(left, right).status == BROKEN:
        return None
    if claim.parent is not None:
        return f"合计 {total.label} {printed(total)}", [location(total)]
    listed = sum((c.amount.value for c in group), Decimal(0))
    return f"所列分项之和 {listed:,} 万元", [location(c) for c in group]


def slip_finding(rule: Rule, claim, slip) -> Finding:
    a = claim.amount
    other, where = slip
    return finding(
        rule,
        f"第{claim.line}行：{claim.label} {printed(claim)}，按万元计才与{other}相符：单位应为万元",
        [location(claim), *where],
        expected=a.printed,
        actual=a.value,
    )
