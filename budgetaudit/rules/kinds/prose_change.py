"""``prose_change:`` — a stated year-on-year change is consistent with itself.

    - id: BN403
      title: 说明中的增减额、增减率与金额一致
      prose_change: true

For "X 万元，比上年增加 d 万元，增加 p%" the prior year is X − d (X + d for a decrease), and p must be
d ÷ prior: a rate off by a factor of ten is caught here. "比上年 Y 万元，增加 d 万元" must give
d = X − Y. The two direction words must agree ("增加 … 下降 …" is a contradiction), and "持平" (no
change) cannot come with a non-zero change. Tolerance comes from the printed precision of every
figure (interval arithmetic, DESIGN.md §2).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from ...model import Finding, Location
from ...narrative_rules import document_claims, finding, location, printed, wan
from ..rule import Draft, Rule

KEY = "prose_change"
OPTIONS: dict[str, str] = {}
NEEDS_TABLE = False
EXAMPLE = "第172行：1,681.43 万元比上年增加 1.23 万元，上年应为 1,680.20 万元，增幅应为 0.07%，说明写为 0.73%"
HUNDRED = Decimal(100)


def compile(draft: Draft) -> bool:
    if draft.value is not True:
        raise draft.error("prose_change: expects true", KEY)
    return True


def _pct_range(current: tuple[Decimal, Decimal], delta: tuple[Decimal, Decimal], up: bool) -> tuple[Decimal, Decimal] | None:
    """Range of delta ÷ prior × 100 over the intervals of current and delta."""
    values = []
    for c in current:
        for d in delta:
            prior = c - d if up else c + d
            if prior <= 0:
                return None
            values.append(d / prior * HUNDRED)
    return min(values), max(values)


def run(rule: Rule, facts) -> Iterable[Finding]:
    all_claims = document_claims(facts)
    by = {c.id: c for c in all_claims}
    for ch in all_claims:
        if ch.kind != "change":
            continue
        locs = [location(ch)]
        if ch.percent is not None and ch.extra.get("percent_line") not in (None, ch.line):
            locs.append(Location(line=ch.extra["percent_line"], page=ch.page, table="说明", row=ch.label))
        said = f"{ch.label}比{ch.base}"
        if ch.direction and ch.percent_direction and ch.direction != "持平" and ch.direction != ch.percent_direction:
            yield finding(rule, f"第{ch.line}行：{said}“{ch.direction}”，增减率却写为“{ch.percent_direction}”", locs)
            continue
        if ch.direction == "持平":
            moved = [x for x in (ch.amount, ch.percent) if x is not None and x.value != 0]
            if moved:
                yield finding(rule, f"第{ch.line}行：{said}“持平”，却写有变化 {moved[0].raw}", locs)
            continue
        subject = by.get(ch.subject) if ch.subject is not None else None
        if subject is None or subject.amount is None:
            continue
        locs.append(location(subject))
        cur = subject.amount
        c_range = (cur.value - cur.tolerance, cur.value + cur.tolerance)
        if ch.previous is not None:
            yield from _with_previous(rule, ch, subject, locs)
            continue
        if ch.amount is None or ch.percent is None or ch.direction is None:
            continue
        d = ch.amount
        rng = _pct_range(c_range, (d.value - d.tolerance, d.value + d.tolerance), ch.direction == "增加")
        if rng is None:
            continue
        p = ch.percent
        if p.value + p.tolerance >= rng[0] and p.value - p.tolerance <= rng[1]:
            continue
        prior = cur.value - d.value if ch.direction == "增加" else cur.value + d.value
        rate = (d.value / prior * HUNDRED).quantize(Decimal(1).scaleb(-max(p.decimals, 2)))
        yield finding(
            rule,
            f"第{ch.line}行：{subject.label} {printed(subject)}，比{ch.base}{ch.direction} {printed(ch)}，"
            f"上年应为 {wan(prior, cur.decimals)} 万元，{_rate_word(ch)}应为 {rate}%，说明写为 {p.value}%",
            locs,
            expected=rate,
            actual=p.value,
            difference=p.value - rate,
        )


def _rate_word(ch) -> str:
    return "增幅" if ch.direction == "增加" else "降幅"


def _with_previous(rule: Rule, ch, subject, locs) -> Iterable[Finding]:
    """"比 2025 年度 Y 万元，增加 d 万元（p%）": d must be X − Y, p must be d ÷ Y."""
    cur, prev = subject.amount, ch.previous
    gap = cur.value - prev.value
    slack = cur.tolerance + prev.tolerance
    said = f"{subject.label} {printed(subject)}，比{ch.base} {prev.raw}"
    if ch.direction in ("增加", "减少") and abs(gap) > slack and (gap > 0) != (ch.direction == "增加"):
        yield finding(rule, f"第{ch.line}行：{said}，却写为“{ch.direction}”", locs)
        return
    if ch.amount is not None:
        d = ch.amount
        if abs(abs(gap) - d.value) > slack + d.tolerance:
            yield finding(
                rule,
                f"第{ch.line}行：{said}，差额应为 {wan(abs(gap), cur.decimals)} 万元，说明写为 {printed(ch)}",
                locs,
                expected=abs(gap),
                actual=d.value,
                difference=d.value - abs(gap),
            )
            return
    if ch.percent is not None and prev.value - prev.tolerance > 0:
        p = ch.percent
        values = [
            (c - v) / v * HUNDRED
            for c in (cur.value - cur.tolerance, cur.value + cur.tolerance)
            for v in (prev.value - prev.tolerance, prev.value + prev.tolerance)
        ]
        low, high = min(abs(x) for x in values), max(abs(x) for x in values)
        if p.value + p.tolerance < low or p.value - p.tolerance > high:
            rate = (abs(gap) / prev.value * HUNDRED).quantize(Decimal(1).scaleb(-max(p.decimals, 2)))
            yield finding(
                rule,
                f"第{ch.line}行：{said}，变动率应为 {rate}%，说明写为 {p.value}%",
                locs,
                expected=rate,
                actual=p.value,
                difference=p.value - rate,
            )
