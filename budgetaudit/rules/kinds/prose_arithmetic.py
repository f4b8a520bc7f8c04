"""``prose_arithmetic:`` — a written calculation gives the result written after it.

    - id: BN406
      title: 算式结果与所写一致
      prose_arithmetic: true

"61天*400元/天*4人=9.76万元" is evaluated with its units (元 → 万元, 万人, %) and compared with the
stated result in the result's unit. A result within one unit of its last printed digit is rounding
or truncation (2.016 written 2.01), reported only as info; anything further is an error.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from ...model import Finding, Location
from ..prose import document_claims, finding, location
from ..rule import Draft, Rule

KEY = "prose_arithmetic"
OPTIONS: dict[str, str] = {}
NEEDS_TABLE = False
EXAMPLE = "第1003行：61天*400元/天*4人 = 9.76 万元，说明写为 9.67 万元"


def compile(draft: Draft) -> bool:
    if draft.value is not True:
        raise draft.error("prose_arithmetic: expects true", KEY)
    return True


def run(rule: Rule, facts) -> Iterable[Finding]:
    for claim in document_claims(facts):
        if claim.kind != "arithmetic":
            continue
        stated: Decimal = claim.extra["stated"]
        unit_step = Decimal(1).scaleb(-claim.extra["decimals"])
        candidates = [v for v in (claim.computed, claim.extra.get("plain")) if v is not None]
        if not candidates:
            continue
        best = min(candidates, key=lambda v: abs(v - stated))
        gap = abs(best - stated)
        if gap == 0:
            continue
        shown = best.normalize() if best == best.to_integral() else best
        unit = claim.unit or ""
        locs = [location(claim, row=claim.expression)]
        if claim.extra.get("first_line") not in (None, claim.line):
            locs.append(Location(line=claim.extra["first_line"], page=claim.page, table="说明", row=claim.expression))
        if gap < unit_step:
            kind = "四舍五入" if gap <= unit_step / 2 else "截尾取舍"
            yield finding(
                rule,
                f"第{claim.line}行：{claim.expression} = {shown}{unit}，写为 {stated}{unit}（{kind}，不是错误）",
                locs,
                severity="info",
                expected=best,
                actual=stated,
                difference=stated - best,
                rounding=True,
            )
            continue
        yield finding(
            rule,
            f"第{claim.line}行：{claim.expression} = {shown}{unit}，说明写为 {stated}{unit}",
            locs,
            expected=best,
            actual=stated,
            difference=stated - best,
        )
