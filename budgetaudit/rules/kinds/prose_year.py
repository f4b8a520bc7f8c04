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

A sentence with no figure the reader pairs ("本单位 2024 年度无政府性基金预算财政拨款支出", "2026 年应编制
绩效目标共 1 个") speaks of this year too when the year opens its clause and the clause is about the
budget (预算, 决算, 收支, 支出, 经费 …): another year there is reported as a warning. A date (2019 年 2 月
14 日), a title in 《》 and the context words on either side of the year exempt it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from ...model import Finding, Location
from ...narrative.text import paragraphs
from ..prose import document_claims, finding, printed
from ..rule import Draft, Rule

KEY = "prose_year"
OPTIONS: dict[str, str] = {}
NEEDS_TABLE = False
EXAMPLE = "第178行：“…中心2025年财政拨款收支总预算 1,681.43 万元”写的是 2025 年，本文件是 2026 年预算"
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_TITLE = re.compile(r"((?:19|20)\d{2})\s*年度?.{0,40}?(?:预算|决算)")
_TITLE_MAX = 50
_CLAUSE_END = "，,。；;：:"
_DATE_AFTER = re.compile(r"\s*\d{1,2}\s*月")
_ABOUT_BUDGET = re.compile(r"预算|决算|收支|收入|支出|经费|编制|采购|项目|绩效")
# Context words that place a year elsewhere only when written before it ("比 2025 年", "截至 2025 年"):
# after it ("2026 年预算收支比上年减少") they compare this year with another.
_BEFORE_ONLY = ("比", "较", "上年", "上一年", "去年", "截至", "截止")
_SPACES = re.compile(r"\s+")
_SPACES_AND_DU = re.compile(r"[\s度]")
_CLAUSE_MARK = re.compile(r"[，,。；;]")
_SINCE = re.compile(r"(?:自|从|至|到|于)\s*$")
_AFTER_WINDOW = 8  # characters after 年 where a context word (以来, 结转, 执行 …) places the year elsewhere


@dataclass(frozen=True)
class Mention:
    year: int
    line: int
    page: int | None
    text: str
    what: str  # figure | title | sentence
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
        lead = _SPACES.sub("", claim.extra.get("lead", ""))
        if any(w in lead for w in context):
            continue
        years = {int(y) for y in _YEAR.findall(lead)}
        if len(years) == 1 and len(set(_YEAR.findall(claim.sentence))) == 1:  # two years: a comparison
            out.append(Mention(years.pop(), claim.line, claim.page, f"{claim.label} {printed(claim)}", "figure",
                               claim.amount.value))
    for para in paragraphs(facts.doc):
        text = para.text
        if len(text) > _TITLE_MAX or _CLAUSE_MARK.search(text) or any(w in text for w in context):
            continue
        m = _TITLE.search(text)
        if m:
            out.append(Mention(int(m.group(1)), para.line_at(m.start(1)), para.page_at(m.start(1)), text, "title"))
    seen = {(m.line, m.year) for m in out}
    for mention in sentence_mentions(facts, context):
        if (mention.line, mention.year) not in seen:
            seen.add((mention.line, mention.year))
            out.append(mention)
    return out


def _clause_end(text: str) -> int:
    return min([i for i in (text.find(ch) for ch in _CLAUSE_END + "（(") if i >= 0] or [len(text)])


def sentence_mentions(facts, context: tuple[str, ...]) -> list[Mention]:
    """Years that open a clause about the budget, in prose sentences (not titles)."""
    out: list[Mention] = []
    for para in paragraphs(facts.doc):
        text = para.text
        if len(text) <= _TITLE_MAX and not _CLAUSE_MARK.search(text):
            continue  # a title line: read above
        for m in _YEAR.finditer(text):
            start = m.start(1)
            clause_start = max(text.rfind(ch, 0, start) for ch in _CLAUSE_END) + 1
            before = _SPACES.sub("", text[clause_start:start])
            after = text[m.end() :]
            clause_end = _clause_end(after)
            if not _SPACES_AND_DU.sub("", after[:clause_end]):  # "2024 年，…": the year heads the sentence
                clause_end += 1 + _clause_end(after[clause_end + 1 :])
            window = _SPACES.sub("", after[:_AFTER_WINDOW])
            if (
                (start > 0 and text[start - 1].isdigit())
                or _SINCE.search(text[:start])  # "自 2023 年起", "于 2024 年成立"
                or any(w in before for w in context)
                or any(w in window for w in context if w not in _BEFORE_ONLY)
                or _DATE_AFTER.match(after)
                or before.count("《") > before.count("》")
                or not _ABOUT_BUDGET.search(after[:clause_end])
            ):
                continue
            sentence = text[clause_start : m.end() + clause_end].strip()
            out.append(Mention(int(m.group(1)), para.line_at(start), para.page_at(start), sentence, "sentence"))
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
        if m.what == "sentence":
            severity = "warning"  # no figure to tell whether the sentence means this year
            message += "；如果说的是该年，请写明“上年”等"
        elif m.what == "figure" and m.value not in this_year:
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
