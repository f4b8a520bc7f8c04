"""``prose_repeat:`` — two statements of the same change, or of the same figure, agree.

    - id: CN404
      title: 说明中同一增减变化、同一金额的两处表述一致
      prose_repeat:
        figures: [政府采购, 三公经费]   # labels whose figure is one figure wherever it is stated


Two changes "比上年增加/减少 d 万元" whose subjects have the same figure this year describe the same
change when their labels name the same quantity: their amounts must be equal (tolerance from the
printed precision). When the labels differ (支出总计 vs 财政拨款支出, equal this year because all
spending is 财政拨款) last year's figures may legitimately differ; that is reported as a warning.
"""

from __future__ import annotations

from collections.abc import Iterable

from ...model import Finding
from ...narrative.labels import VOCABULARY, canonical
from ..arith import OK, ROUNDING, Side, compare
from ..prose import document_claims, finding, location, printed, term
from ..rule import Draft, Rule

KEY = "prose_repeat"
OPTIONS: dict[str, str] = {}
NEEDS_TABLE = False
EXAMPLE = "第95行：财政拨款支出 7,078.30 万元比上年增加 2,505.50 万元，第85行同为 7,078.30 万元的支出总计比上年增加 2,505.43 万元"


def compile(draft: Draft) -> frozenset[str]:
    """The payload: true, or figures: [labels whose figure must be the same wherever stated]."""
    if draft.value is True:
        return frozenset()
    figures = draft.value.get("figures") if isinstance(draft.value, dict) else None
    if not isinstance(figures, list) or not all(isinstance(f, str) for f in figures):
        raise draft.error("prose_repeat: expects true or figures: [canonical labels]", KEY)
    for name in figures:
        if canonical(name) != name and name not in VOCABULARY:
            raise draft.error(f'prose_repeat: "{name}" is not a canonical prose label', KEY)
    return frozenset(figures)


def _figures(rule: Rule, facts, all_claims) -> Iterable[Finding]:
    """The same figure stated twice must be stated the same."""
    first: dict[str, object] = {}
    for c in all_claims:
        if c.kind != "amount" or c.amount is None or c.canonical not in rule.compiled:
            continue
        if c.canonical not in first:
            first[c.canonical] = c
            continue
        a = first[c.canonical]
        verdict = compare(Side.of(term(a, facts=facts)), Side.of(term(c, facts=facts)))
        if verdict.status in (OK, ROUNDING):
            continue
        yield finding(
            rule,
            f"第{c.line}行：{c.label} {printed(c)}，第{a.line}行写的是 {printed(a)}",
            [location(c), location(a)],
            expected=a.amount.value,
            actual=c.amount.value,
            difference=c.amount.value - a.amount.value,
        )


def _prior_year(base: str | None) -> bool:
    return bool(base) and base.startswith(("上年", "上一年", "去年"))


def run(rule: Rule, facts) -> Iterable[Finding]:
    all_claims = document_claims(facts)
    yield from _figures(rule, facts, all_claims)
    by = {c.id: c for c in all_claims}
    changes = []
    for ch in all_claims:
        if ch.kind != "change" or ch.amount is None or ch.direction not in ("增加", "减少"):
            continue
        if not _prior_year(ch.base) or ch.subject is None:
            continue
        subject = by[ch.subject]
        if subject.amount is None:
            continue
        changes.append((ch, subject))
    for i, (a, sa) in enumerate(changes):
        for b, sb in changes[i + 1 :]:
            if sa.amount.value != sb.amount.value or sa.amount.value == 0:
                continue
            if a.direction != b.direction or a.percent is None and b.percent is None:
                continue
            if a.percent is not None and b.percent is not None and a.percent.value != b.percent.value:
                continue  # different rates: different quantities that happen to be equal this year
            if abs(a.amount.value - b.amount.value) <= a.amount.tolerance + b.amount.tolerance:
                continue
            same = sa.canonical is not None and sa.canonical == sb.canonical
            message = (
                f"第{b.line}行：{sb.label} {printed(sb)}比上年{b.direction} {printed(b)}，"
                f"第{a.line}行同为 {printed(sa)}的{sa.label}比上年{a.direction} {printed(a)}"
            )
            if not same:
                message += "；两者本年金额和增减率相同，应是同一变化，除非上年口径不同（如上年有非财政拨款支出）"
            yield finding(
                rule,
                message,
                [location(b), location(a)],
                severity=rule.severity if same else "warning",
                expected=a.amount.value,
                actual=b.amount.value,
                difference=b.amount.value - a.amount.value,
            )
