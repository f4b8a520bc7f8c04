"""``prose_year:`` — a year that contradicts the document's year where the prose is about this year.

    - id: BN408
      title: 说明中的年度与文件年度一致
      prose_year:
        context: [上年, 比, 较, 截至, 文件]

A figure whose label carries a year ("鞍山市…中心 2025 年财政拨款收支总预算 1,681.43 万元" in a 2026
budget) states this year's figure under another year's name, typically copied from last year's
document. Labels whose words place the year in another context (比上年, 截至 2025 年 12 月, a
document number, 执行 of last year's budget) are left alone; so are figures naming nothing the
tables report, and section headings of the form "… 2025 年…预算…情况说明".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ...model import Finding, Location
from ...narrative_labels import normalise_label
from ...narrative_rules import document_claims, finding, location, printed
from ...narrative_text import paragraphs, starts_item
from ..rule import Draft, Rule

KEY = "prose_year"
OPTIONS: dict[str, str] = {}
NEEDS_TABLE = False
EXAMPLE = "第178行：“…中心2025年财政拨款收支总预算 1,681.43 万元”写的是 2025 年，本文件是 2026 年预算"
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_HEADING = re.compile(r"((?:19|20)\d{2})\s*年度?.{0,30}?(?:预算|决算).{0,12}?(?:情况|说明)")


def compile(draft: Draft) -> tuple[str, ...]:
    value = draft.value
    words = value.get("context") if isinstance(value, dict) else None
    if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
        raise draft.error("prose_year: expects context: [words that put a year in another context]", KEY)
    return tuple(words)


def run(rule: Rule, facts) -> Iterable[Finding]:
    doc = facts.doc
    if doc.year is None:
        return
    context: tuple[str, ...] = rule.compiled
    kind = doc.kind or "预算"
    reported: set[int] = set()
    for claim in document_claims(facts):
        if claim.kind != "amount" or claim.canonical is None or claim.amount is None:
            continue
        label = normalise_label(claim.label)
        m = _YEAR.search(label)
        if not m or int(m.group(1)) == doc.year or any(w in label for w in context):
            continue
        reported.add(claim.line)
        yield finding(
            rule,
            f"第{claim.line}行：“{claim.label} {printed(claim)}”写的是 {m.group(1)} 年，本文件是 {doc.year} 年{kind}",
            [location(claim)],
        )
    for para in paragraphs(doc):
        text = para.text
        if not starts_item(text) or len(text) > 60 or re.search(r"[，。；]", text):
            continue
        m = _HEADING.search(text)
        if not m or int(m.group(1)) == doc.year or any(w in text for w in context):
            continue
        line = para.line_at(m.start(1))
        if line in reported:
            continue
        yield finding(
            rule,
            f"第{line}行：标题“{text}”写的是 {m.group(1)} 年，本文件是 {doc.year} 年{kind}",
            [Location(line=line, page=para.page_at(m.start(1)), table="说明", row=text)],
        )
