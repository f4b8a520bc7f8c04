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

import re
from collections.abc import Iterable
from decimal import Decimal

from ...model import Finding, Location
from ...narrative.labels import canonical
from .. import schema
from ..prose import document_claims, finding, location, printed, wan
from ..rule import Draft, Rule

KEY = "prose_change"
OPTIONS: dict[str, str] = {}
NEEDS_TABLE = False
EXAMPLE = "第172行：1,681.43 万元比上年增加 1.23 万元，上年应为 1,680.20 万元，增幅应为 0.07%，说明写为 0.73%"
HUNDRED = Decimal(100)


def compile(draft: Draft) -> tuple[str, ...]:
    """The payload: true, or comparison: [table kinds with last year's and this year's figures]."""
    if draft.value is True:
        return ()
    tables = draft.value.get("comparison") if isinstance(draft.value, dict) else None
    tables = [tables] if isinstance(tables, str) else tables
    if not isinstance(tables, list) or not all(isinstance(t, str) and schema.kind(t) for t in tables):
        raise draft.error("prose_change: expects true or comparison: [table kinds]", KEY)
    return tuple(tables)


_STATED_CHANGE = re.compile(r"(?:增加|减少|增长|下降|降低|上升)\s*了?\s*(\d+(?:\.\d+)?)\s*(?:万元|元|%)")


def _years(path: tuple[str, ...]) -> int | None:
    m = re.search(r"(20\d{2})", "".join(path))
    return int(m.group(1)) if m else None


def comparison_rows(facts, kinds: tuple[str, ...]) -> dict[str, tuple]:
    """canonical label → (last year's term, this year's term) from the comparison tables."""
    out: dict[str, tuple] = {}
    for kind in kinds:
        for table in facts.tables(kind):
            if len(table.columns) < 2:
                continue
            order = sorted(range(len(table.columns)), key=lambda i: (_years(table.columns[i].path) or 0, i))
            prev_col, cur_col = order[0], order[-1]
            for row in table.rows:
                name = "三公经费" if row.role == "total" or row.key in ("合计", "总计") else canonical(row.key)
                if name is None or name in out:
                    continue
                out[name] = (
                    facts.term(table, row, prev_col, f"{kind}·{row.key}·{'.'.join(table.columns[prev_col].path)}"),
                    facts.term(table, row, cur_col, f"{kind}·{row.key}·{'.'.join(table.columns[cur_col].path)}"),
                )
    return out


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
    compared = comparison_rows(facts, rule.compiled) if rule.compiled else {}
    for ch in all_claims:
        if ch.kind != "change":
            continue
        subject = by.get(ch.subject) if ch.subject is not None else None
        if subject is not None and subject.canonical in compared and _prior_year(ch.base):
            yield from _against_comparison(rule, ch, subject, compared[subject.canonical])
        locs = [location(ch)]
        if ch.percent is not None and ch.extra.get("percent_line") not in (None, ch.line):
            locs.append(Location(line=ch.extra["percent_line"], page=ch.page, table="说明", row=ch.label))
        said = f"{ch.label}比{ch.base}"
        if ch.direction and ch.percent_direction and ch.direction != "持平" and ch.direction != ch.percent_direction:
            yield finding(rule, f"第{ch.line}行：{said}“{ch.direction}”，增减率却写为“{ch.percent_direction}”", locs)
            continue
        if ch.direction == "持平":
            moved = [x.raw for x in (ch.amount, ch.percent) if x is not None and x.value != 0]
            clause = ch.extra.get("clause", ch.sentence)
            moved += [m.group(0) for m in _STATED_CHANGE.finditer(clause) if Decimal(m.group(1)) != 0]
            if moved:
                yield finding(rule, f"第{ch.line}行：{said}“持平”，却写有变化“{moved[0]}”", locs)
            continue
        if subject is None or subject.amount is None:
            continue
        locs.append(location(subject))
        cur = subject.amount
        c_range = (cur.value - cur.tolerance, cur.value + cur.tolerance)
        if ch.previous is not None:
            yield from _with_previous(rule, ch, subject, locs)
            continue
        if ch.amount is None or ch.direction is None:
            continue
        d = ch.amount
        if ch.direction == "增加" and d.value - d.tolerance > c_range[1]:
            # "政府性基金拨款支出预算 0 万元，比上年预算增加 1421.25 万元": a zero that grew, or any
            # figure smaller than its own increase (a sentence copied from another item).
            yield finding(
                rule,
                f"第{ch.line}行：{subject.label} {printed(subject)}，比{ch.base}增加 {printed(ch)}：增加额大于本年金额，上年将为负数",
                locs,
            )
            continue
        if ch.percent is None:
            continue
        p = ch.percent
        if ch.direction == "增加" and c_range[0] - (d.value + d.tolerance) <= 0 <= c_range[1] - (d.value - d.tolerance):
            # All of this year's figure is the increase: last year was 0, and the rate is written 100%
            # by convention (a unit set up this year); any other rate is a slip.
            if abs(p.value - HUNDRED) > p.tolerance:
                yield finding(
                    rule,
                    f"第{ch.line}行：{subject.label} {printed(subject)}，比{ch.base}增加 {printed(ch)}，上年为 0，"
                    f"增幅只能写为 100%（或不写），说明写为 {p.value}%",
                    locs,
                    expected=HUNDRED,
                    actual=p.value,
                    difference=p.value - HUNDRED,
                )
            continue
        rng = _pct_range(c_range, (d.value - d.tolerance, d.value + d.tolerance), ch.direction == "增加")
        if rng is None:
            continue
        if p.value + p.tolerance >= rng[0] and p.value - p.tolerance <= rng[1]:
            continue
        prior = cur.value - d.value if ch.direction == "增加" else cur.value + d.value
        rate = (d.value / prior * HUNDRED).quantize(Decimal(1).scaleb(-max(p.decimals, 2)))
        truncated = _truncated(p, rng)
        yield finding(
            rule,
            f"第{ch.line}行：{subject.label} {printed(subject)}，比{ch.base}{ch.direction} {printed(ch)}，"
            f"上年应为 {wan(prior, cur.decimals)} 万元，{_rate_word(ch)}应为 {rate}%，"
            + (f"写为 {p.value}%（截尾取舍，不是错误）" if truncated else f"说明写为 {p.value}%"),
            locs,
            severity="info" if truncated else None,
            expected=rate,
            actual=p.value,
            difference=p.value - rate,
            rounding=truncated,
        )


def _truncated(p, rng: tuple[Decimal, Decimal]) -> bool:
    """Whether the printed rate is the true one cut after its last digit rather than rounded
    (36.586% printed 36.58%): the interval [p, p + one unit) meets what the amounts allow."""
    return p.value <= rng[1] and p.value + 2 * p.tolerance > rng[0]


def _prior_year(base: str | None) -> bool:
    return bool(base) and (base.startswith(("上年", "上一年", "去年")) or bool(re.match(r"20\d{2}", base)))


def _against_comparison(rule: Rule, ch, subject, terms) -> Iterable[Finding]:
    """"与上年持平", "比上年减少 19.8 万元" against last year's and this year's columns."""
    prev, cur = terms
    gap = cur.value - prev.value
    slack = (prev.high - prev.low + cur.high - cur.low) / 2
    where = [location(ch), *(t.location for t in (prev, cur) if t.location is not None)]
    shown = f"{prev.label} {wan(prev.value, prev.decimals or 2)}、{cur.label} {wan(cur.value, cur.decimals or 2)}"
    if ch.direction == "持平":
        if abs(gap) > slack:
            yield finding(rule, f"第{ch.line}行：{subject.label}写“持平”，但{shown}", where, expected=Decimal(0),
                          actual=gap, difference=gap)
        return
    if ch.amount is None or ch.direction not in ("增加", "减少"):
        return
    if abs(gap) > slack and (gap > 0) != (ch.direction == "增加"):
        yield finding(rule, f"第{ch.line}行：{subject.label}写“{ch.direction}”，但{shown}", where)
        return
    if abs(abs(gap) - ch.amount.value) > slack + ch.amount.tolerance:
        yield finding(rule, f"第{ch.line}行：{subject.label}比上年{ch.direction} {printed(ch)}，但{shown}，相差 "
                      f"{wan(abs(gap), max(prev.decimals or 0, cur.decimals or 0, 1))} 万元", where,
                      expected=abs(gap), actual=ch.amount.value, difference=ch.amount.value - abs(gap))


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
            truncated = _truncated(p, (low, high))
            yield finding(
                rule,
                f"第{ch.line}行：{said}，变动率应为 {rate}%，"
                + (f"写为 {p.value}%（截尾取舍，不是错误）" if truncated else f"说明写为 {p.value}%"),
                locs,
                severity="info" if truncated else None,
                expected=rate,
                actual=p.value,
                difference=p.value - rate,
                rounding=truncated,
            )
