"""``prose_year:`` — a year that contradicts the document's year where the text is about this year.

    - id: CN408
      title: 说明中的年度与文件年度一致
      prose_year:
        context: [上年, 比, 较, 截至, 文件]

The text speaks of "this year" in two places: figures of the 情况说明 ("鞍山市…中心 2025 年财政拨款
收支总预算 1,681.43 万元", "2026 年，…收支预算 …") and short title lines (the document title, the
目录, headings such as "二、2025 年财政拨款收支预算情况说明"). The year most of them use is the
document's year (the title's year breaks a tie); a mention with another year is reported, typically
copied from last year's document. Words that place a year in another context (比上年, 截至 2025
年 12 月, a document number, 执行 of last year's budget) exempt the mention; so do figures naming
nothing the tables report.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from ...model import Finding, Location
from ...narrative_rules import document_claims, finding, printed
from ...narrative_text import paragraphs
from ..rule import Draft, Rule

KEY = "prose_year"
OPTIONS: dict[str, str] = {}
NEEDS_TABLE = False
EXAMPLE = "第178行：“…中心2025年财政拨款收支总预算 1,681.43 万元”写的是 2025 年，本文件是 2026 年预算"
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_TITLE = re.compile(r"((?:19|20)\d{2})\s*年度?.{0,40}?(?:预算|决算)")
_TITLE_MAX = 50


@dataclass(frozen=True)
class Mention:
    year: int
    line: int
    page: int | None
    text: str
    what: str  # figure | title
    value: object = None  # the figure's amount in 万元 (figures only)


def compile(draft: Draft) -> tuple[str, ...]:
    value = draft.value
    words = value.get("context") if isinstance(value, dict) else None
    if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
        raise draft.error("prose_year: expects context: [words that put a year in another context]", KEY)
    return tuple(words)


def mentions(facts, context: tuple[str, ...]) -> list[Mention]:
    """Where the text names the year it is about: figures' sentences and title lines."""
    out: list[Mention] = []
    for claim in document_claims(facts):
        if claim.kind != "amount" or claim.canonical is None or claim.amount is None:
            continue
        lead = re.sub(r"\s+", "", claim.extra.get("lead", ""))
        if any(w in lead for w in context):
            continue
        years = {int(y) for y in _YEAR.findall(lead)}
        if len(years) == 1 and len(set(_YEAR.findall(claim.sentence))) == 1:  # two years: a comparison
            out.append(Mention(years.pop(), claim.line, claim.page, f"{claim.label} {printed(claim)}", "figure",
                               claim.amount.value))
    for para in paragraphs(facts.doc):
        text = para.text
        if len(text) > _TITLE_MAX or re.search(r"[，,。；;]", text) or any(w in text for w in context):
            continue
        m = _TITLE.search(text)
        if m:
            out.append(Mention(int(m.group(1)), para.line_at(m.start(1)), para.page_at(m.start(1)), text, "title"))
    return out


def run(rule: Rule, facts) -> Iterable[Finding]:
    doc = facts.doc
    found = mentions(facts, rule.compiled)
    if not found:
        return
    votes = Counter(m.year for m in found)
    best = max(votes.values())
    leaders = [y for y, n in votes.items() if n == best]
    year = doc.year if doc.year in leaders else (leaders[0] if len(leaders) == 1 else None)
    if year is None:
        return
    kind = doc.kind or ""
    this_year = _this_years_figures(facts, found, year)
    for m in found:
        if m.year == year:
            continue
        what = "标题" if m.what == "title" else ""
        message = f"第{m.line}行：{what}“{m.text}”写的是 {m.year} 年，本文件是 {year} 年{kind}（其余 {votes[year]} 处均为 {year} 年）"
        severity = rule.severity
        if m.what == "figure" and m.value not in this_year:
            # Not a figure of this year's tables: it may really be another year's figure.
            severity = "warning"
            message += "；如果说的是该年的数字，请写明“上年”等"
        yield finding(rule, message, [Location(line=m.line, page=m.page, table="说明", row=m.text)], severity=severity)


def _this_years_figures(facts, found: list[Mention], year: int) -> set:
    """Values printed in the tables and in the prose under the document's year."""
    values = {m.value for m in found if m.what == "figure" and m.year == year}
    for table in facts.doc.tables:
        for row in table.rows:
            for cell in row.cells:
                if cell.amount is not None and not cell.amount.percent:
                    values.add(cell.amount.value)
    return values
