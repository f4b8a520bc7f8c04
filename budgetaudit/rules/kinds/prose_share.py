"""``prose_share:`` — a stated share equals part ÷ whole ("占收入总计的 37.63%", "完成预算的 95.22%").

    - id: BN402
      title: 说明中的占比与金额一致
      prose_share:
        预算数:                      # the whole of "完成预算的 x%" when the prose does not state it
          三公经费: 三公经费支出决算表[@total].预算数

        总额:                        # a whole the share names ("占“三公”经费的 x%") but the prose does not state
          三公经费: [三公经费支出决算表[@total].决算数, 三公经费支出表[@total].三公经费合计]

The part is the figure the share is written after; the whole is the figure the prose states for
it (or, for 完成预算, the table's budget figure of the part's label; for a named whole the prose
does not state, the first of its table figures this document prints). Tolerance comes from the
printed precision of all three numbers (interval arithmetic): a share is wrong only when no
values the printed figures can stand for give the printed percentage.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from ...model import Finding
from ...narrative.labels import canonical
from ..prose import compile_sum, document_claims, finding, location, printed, table_side, wan
from ..rule import Draft, Rule

KEY = "prose_share"
OPTIONS: dict[str, str] = {}
NEEDS_TABLE = False
EXAMPLE = "第63行：财政拨款收入 3,336.53 万元 ÷ 收入总计 8,866.30 万元 = 37.63%，说明写为 36.63%"
HUNDRED = Decimal(100)


def compile(draft: Draft) -> dict:
    value = draft.value
    if value is True or value is None:
        return {}
    if not isinstance(value, dict) or set(value) - {"预算数", "总额"}:
        raise draft.error("prose_share: expects true, 预算数: {label: table reference}, 总额: {label: [references]}", KEY)
    budgets = value.get("预算数") or {}
    if not isinstance(budgets, dict):
        raise draft.error("prose_share: 预算数: expects label: table reference", KEY)
    wholes = value.get("总额") or {}
    if not isinstance(wholes, dict):
        raise draft.error("prose_share: 总额: expects label: [table references]", KEY)
    compiled_wholes = {}
    for name, refs in wholes.items():
        if canonical(str(name)) != name:
            raise draft.error(f'prose_share: 总额: "{name}" is not a canonical prose label', KEY)
        refs = [refs] if isinstance(refs, str) else refs
        if not isinstance(refs, list) or not refs:
            raise draft.error(f"prose_share: 总额: {name}: expects a list of table references", KEY)
        compiled_wholes[str(name)] = [compile_sum(draft, r, KEY) for r in refs]
    return {
        "预算数": {str(k): compile_sum(draft, v, KEY) for k, v in budgets.items()},
        "总额": compiled_wholes,
    }


def run(rule: Rule, facts) -> Iterable[Finding]:
    all_claims = document_claims(facts)
    by = {c.id: c for c in all_claims}
    budgets = rule.compiled.get("预算数", {})
    wholes = rule.compiled.get("总额", {})
    for share in all_claims:
        if share.kind == "share" and share.whole == "预算数" and share.amount is not None:
            yield from _against_comparison_words(rule, share)
        if share.kind != "share" or share.part is None or share.amount is None:
            continue
        part = by[share.part]
        if part.amount is None:
            continue
        whole_text = ""
        locs = [location(share), location(part)]
        if share.whole_claim is not None:
            whole = by[share.whole_claim]
            if whole.amount is None:
                continue
            w_value, w_tol = whole.amount.value, whole.amount.tolerance
            whole_text = f"{whole.label} {printed(whole)}"
            locs.append(location(whole))
        elif share.whole == "预算数" and part.canonical in budgets:
            side = table_side(facts, budgets[part.canonical])
            if side is None:
                continue
            w_value, w_tol = side.value, (side.high - side.low) / 2
            whole_text = f"预算数 {wan(side.value)} 万元"
            locs.extend(t.location for _, t in side.terms if t.location is not None)
        elif share.whole in wholes:
            sides = [x for x in (table_side(facts, refs) for refs in wholes[share.whole]) if x is not None]
            if not sides or any(_agrees(part, share, x.value, (x.high - x.low) / 2) for x in sides[1:]):
                continue  # the whole may be any of its printings (支出总计: 本年支出合计 or 总计)
            side = sides[0]
            w_value, w_tol = side.value, (side.high - side.low) / 2
            whole_text = f"{share.whole_label or share.whole} {wan(side.value)} 万元"
            locs.extend(t.location for _, t in side.terms if t.location is not None)
        else:
            continue
        p = part.amount.value
        if w_value == 0 and share.whole_claim is not None and share.amount.value != 0:
            # "年初预算为 0 万元 … 完成年初预算的 95.89%": no rate can be taken of a zero.
            yield finding(
                rule,
                f"第{share.line}行：{whole_text}，{part.label} {printed(part)} 不能写为其 {printed(share)}（0 不能作分母）",
                locs,
                actual=share.amount.value,
            )
            continue
        if w_value - w_tol <= 0:
            continue
        low, high = _bounds(part, w_value, w_tol)
        pct, pct_tol = share.amount.value, share.amount.tolerance
        if _agrees(part, share, w_value, w_tol):
            continue
        exact = p / w_value * HUNDRED
        shown = exact.quantize(Decimal(1).scaleb(-max(share.amount.decimals, 2)))
        if pct <= high and pct + 2 * pct_tol >= low:
            # 99.868% printed 99.86%: truncated rather than rounded, which is rounding, not an error.
            yield finding(
                rule,
                f"第{share.line}行：{part.label} {printed(part)} ÷ {whole_text} = {shown}%，写为 {printed(share)}（截尾取舍，不是错误）",
                locs,
                severity="info",
                expected=shown,
                actual=pct,
                difference=pct - exact,
                rounding=True,
            )
            continue
        yield finding(
            rule,
            f"第{share.line}行：{part.label} {printed(part)} ÷ {whole_text} = {shown}%，说明写为 {printed(share)}",
            locs,
            expected=shown,
            actual=pct,
            difference=pct - exact,
        )


def _bounds(part, w_value: Decimal, w_tol: Decimal) -> tuple[Decimal, Decimal]:
    """The shares (in %) the printed part and whole can stand for."""
    p, p_tol = part.amount.value, part.amount.tolerance
    low = max(p - p_tol, Decimal(0)) / (w_value + w_tol) * HUNDRED
    high = (p + p_tol) / (w_value - w_tol) * HUNDRED
    return low, high


def _agrees(part, share, w_value: Decimal, w_tol: Decimal) -> bool:
    if w_value - w_tol <= 0:
        return False
    low, high = _bounds(part, w_value, w_tol)
    pct, pct_tol = share.amount.value, share.amount.tolerance
    return pct + pct_tol >= low and pct - pct_tol <= high


_COMPARED = re.compile(
    r"决算数?\s*(?P<word>小于|少于|低于|大于|多于|高于|超过|等于|持平|同)\s*(?:于)?\s*(?:年初|全年|调整)?预算数?"
)
_BELOW, _ABOVE = ("小于", "少于", "低于"), ("大于", "多于", "高于", "超过")


def _against_comparison_words(rule: Rule, share) -> Iterable[Finding]:
    """"完成年初预算的 99.93%，决算数小于年初预算数的原因……": the rate and the words agree."""
    text = share.sentence
    at = text.find(f"{share.amount.raw}")
    if at < 0:
        return
    m = _COMPARED.search(text, at)
    if not m or re.search(r"[%％]", text[at + len(share.amount.raw) : m.start()]):
        return  # another rate comes first: the words are about that one
    pct, tol = share.amount.value, share.amount.tolerance
    if pct == 0:
        return  # "完成预算的 0.00%，决算数持平预算数": nothing budgeted, nothing spent
    word = m.group("word")
    if word in _BELOW:
        wrong = pct - tol >= HUNDRED
    elif word in _ABOVE:
        wrong = pct + tol <= HUNDRED
    else:
        wrong = abs(pct - HUNDRED) > tol
    if wrong:
        yield finding(
            rule,
            f"第{share.line}行：完成预算的 {printed(share)}，却写“{m.group(0)}”",
            [location(share)],
            actual=pct,
        )
