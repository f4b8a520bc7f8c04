"""``prose_listed:`` — a count agrees with the names listed right before it.

    - id: CN411
      title: 说明中的个数与所列名称一致
      prose_listed: [个, 张, 家, 项]

"和平、沈河、…、辽中 10 个分中心", "“政府性基金预算支出表”“债务支出预算表”…，5 张表中没有数据":
the names listed (separated by 、, or each in quotes) immediately before the count are counted.
A list is only read when it is a list of names (no figures in it) of at least two items.

The names may also follow, under a heading named by the count's noun: "设 14 个副处级内设机构……"
then "（一）内设机构。综合办公室、党群人事部……和公共业务服务部。" (within the next few paragraphs).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from ...model import Finding, Location
from ...narrative.text import paragraphs
from ..prose import document_claims, finding, location, printed
from ..rule import Draft, Rule

KEY = "prose_listed"
OPTIONS: dict[str, str] = {}
NEEDS_TABLE = False
EXAMPLE = "第236行：列出 5 个名称（“政府性基金预算支出表”…），说明写为 6 张"
_BOUNDARY = re.compile(r"[，,；;：:。]")
_QUOTED = re.compile(r"[“\"]([^“”\"]{2,40})[”\"]")
_NAME_MAX = 16
_OPEN_ENDED = re.compile(r"(?:等|等等)\s*$")


def compile(draft: Draft) -> frozenset[str]:
    if not isinstance(draft.value, list) or not all(isinstance(u, str) for u in draft.value):
        raise draft.error("prose_listed: expects a list of count units such as [个, 张]", KEY)
    return frozenset(draft.value)


def listed(lead: str) -> list[str]:
    """The names listed at the end of ``lead`` (the text before a count), or [] when it is no list."""
    pieces = _BOUNDARY.split(lead)
    clause = pieces[-1].strip()
    if not clause and len(pieces) > 1:
        clause = pieces[-2].strip()  # "…“E”，5 张表": the list is the clause before
    if re.search(r"(?:和|及|与|以及|、)$", clause):
        return []  # "办公厅、研究室和 3 个专门委员会": the count is one more item of the list, not its size
    quoted = _QUOTED.findall(clause)
    if len(quoted) >= 2:
        return quoted
    names = [p.strip() for p in clause.split("、")]
    if len(names) < 2:
        return []
    last = re.split(r"和|及", names[-1])
    names = names[:-1] + [p for p in last if p.strip()]
    if any(not n or len(n) > _NAME_MAX or re.search(r"\d", n) for n in names):
        return []
    return names


_HEADED = re.compile(r"^(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十\d]+[、.．])\s*(?P<head>[^，,。；;：:、\d]{2,12})[。：:]\s*(?P<names>[^。；;]+)。?$")
_NOUN = re.compile(r"^[^，,。；;、和及\d]{2,16}")
_AHEAD = 6  # paragraphs after the count where its heading may come


def listed_after(paras: list, claim) -> tuple[list[str], int, str] | None:
    """Names listed under a later heading that the count's noun ends with, and that paragraph's line."""
    text = paras[claim.paragraph].text
    noun = _NOUN.match(text[claim.offset[1] :].lstrip())
    if not noun:
        return None
    for para in paras[claim.paragraph + 1 : claim.paragraph + 1 + _AHEAD]:
        m = _HEADED.match(para.text)
        if m and noun.group(0).endswith(m.group("head")):
            names = listed(m.group("names"))
            return (names, para.line_at(m.start("names")), noun.group(0)) if names else None
    return None


def run(rule: Rule, facts) -> Iterable[Finding]:
    units: frozenset[str] = rule.compiled
    paras = paragraphs(facts.doc)
    for claim in document_claims(facts):
        if claim.kind != "count" or claim.unit not in units or claim.count is None:
            continue
        names = listed(claim.extra.get("lead", ""))
        if not names and claim.paragraph < len(paras):
            after = listed_after(paras, claim)
            if after is not None and len(after[0]) != claim.count:
                names, line, noun = after
                shown = "、".join(names[:3]) + ("…" if len(names) > 3 else "")
                yield finding(
                    rule,
                    f"第{claim.line}行：{printed(claim)}{noun}，第{line}行列出 {len(names)} 个名称（{shown}）",
                    [location(claim), Location(line=line, table="说明", row=shown)],
                    expected=Decimal(len(names)),
                    actual=Decimal(claim.count),
                )
            continue
        if not names or len(names) == claim.count:
            continue
        if _OPEN_ENDED.search(claim.extra.get("lead", "")) and len(names) < claim.count:
            continue  # "信息中心、培训中心等 4 个": 等 names some of them, not all
        shown = "、".join(names[:3]) + ("…" if len(names) > 3 else "")
        yield finding(
            rule,
            f"第{claim.line}行：列出 {len(names)} 个名称（{shown}），说明写为 {printed(claim)}",
            [location(claim)],
            expected=Decimal(len(names)),
            actual=Decimal(claim.count),
        )
