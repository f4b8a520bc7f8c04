"""``prose_outturn:`` — "决算数小于/大于/持平预算数" agrees with the budget and outturn the prose states.

    - id: CN413
      title: 说明中决算数与预算数的大小关系与所写金额一致
      prose_outturn: true

"全年预算为 17.68 万元，支出决算为 11.31 万元。决算数小于全年预算数的主要原因……": the words
compare the two figures just stated, so a figure or unit changed in either contradicts them. The
budget is the last figure before the words labelled 预算 (年初预算, 全年预算, 调整预算数), the
outturn the last one labelled 决算 or 执行数 — both in the same paragraph; without both there is
nothing to compare. "基本持平" is not a comparison.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ...model import Finding, Location
from ...narrative.text import paragraphs
from ..prose import document_claims, finding, location, printed
from ..rule import Draft, Rule

KEY = "prose_outturn"
OPTIONS: dict[str, str] = {}
NEEDS_TABLE = False
EXAMPLE = "第362行：全年预算 17.68 元、支出决算 11.31 万元，却写“决算数小于全年预算数”"

_BUDGET = r"(?:年初|全年|调整(?:后)?)?预算数?"
_WORDS = re.compile(
    rf"决算数?\s*(?:(?P<cmp>小于|少于|低于|大于|多于|高于|超过|等于)\s*于?\s*{_BUDGET}"
    rf"|与\s*{_BUDGET}\s*(?P<flat>持平|相等|一致))"
)
_BELOW, _ABOVE = ("小于", "少于", "低于"), ("大于", "多于", "高于", "超过")


def compile(draft: Draft) -> bool:
    if draft.value is not True:
        raise draft.error("prose_outturn: expects true", KEY)
    return True


def _is_budget(label: str) -> bool:
    return bool(re.search(r"预算数?$", label)) and "决算" not in label


def _is_outturn(label: str) -> bool:
    return bool(re.search(r"(?:决算|决算数|执行数|实际支出)$", label))


def run(rule: Rule, facts) -> Iterable[Finding]:
    paras = paragraphs(facts.doc)
    by_para: dict[int, list] = {}
    for c in document_claims(facts):
        if c.kind == "amount" and c.amount is not None:
            by_para.setdefault(c.paragraph, []).append(c)
    for index, para in enumerate(paras):
        money = sorted(by_para.get(index, []), key=lambda c: c.offset[0])
        if not money:
            continue
        for m in _WORDS.finditer(para.text):
            before = [c for c in money if c.offset[1] <= m.start()]
            budget = next((c for c in reversed(before) if _is_budget(c.label)), None)
            outturn = next((c for c in reversed(before) if _is_outturn(c.label)), None)
            if budget is None or outturn is None:
                continue
            b, o = budget.amount, outturn.amount
            gap = o.value - b.value
            slack = b.tolerance + o.tolerance
            word = m.group("cmp") or m.group("flat")
            if word in _BELOW:  # wrong when no values the printed figures stand for are in that order
                wrong = gap - slack >= 0
            elif word in _ABOVE:
                wrong = gap + slack <= 0
            else:
                wrong = abs(gap) > slack
            if not wrong:
                continue
            words_line = para.line_at(m.start())
            yield finding(
                rule,
                f"第{words_line}行：{budget.label} {printed(budget)}、{outturn.label} {printed(outturn)}，却写“{m.group(0)}”",
                [
                    Location(line=words_line, page=para.page_at(m.start()), table="说明", row=m.group(0)),
                    location(budget),
                    location(outturn),
                ],
                expected=b.value,
                actual=o.value,
                difference=gap,
            )
