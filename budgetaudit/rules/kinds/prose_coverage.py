"""``prose_coverage:`` — a coverage rate equals the counts it is computed from.

    - id: CN412
      title: 说明中的覆盖率与所写个数一致
      prose_coverage: true

"应编制部门（单位）整体绩效目标共 1 个，实际编制 … 共 1 个，… 覆盖率（实际编制绩效目标的数量/应编制绩效目标
的数量）为 100%": the rate is 实际 ÷ 应 × 100, exact up to the printed decimals of the rate. The
sentence states all three numbers, so a changed count or rate contradicts the other two.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from ...model import Finding, Location
from ...narrative.text import paragraphs
from ..prose import finding
from ..rule import Draft, Rule

KEY = "prose_coverage"
OPTIONS: dict[str, str] = {}
NEEDS_TABLE = False
EXAMPLE = "第182行：应编制整体绩效目标 1 个，实际编制 2 个，覆盖率应为 200%，说明写为 100%"
HUNDRED = Decimal(100)

_CLAUSE = r"[^，,。；;]*?"
_SENTENCE = r"[^。；;]*?"
_NOTE = r"[（(](?:[^（()）]|[（(][^（()）]*[）)])*[）)]"  # "（实际编制部门（单位）整体绩效目标/应编制…）"
_COVERAGE = re.compile(
    rf"应编制(?P<what>{_CLAUSE})(?:共|为)?\s*(?P<n>\d+)\s*个"
    rf"{_SENTENCE}实际编制{_CLAUSE}(?:共|为)?\s*(?P<m>\d+)\s*个"
    rf"{_SENTENCE}覆盖率\s*(?:{_NOTE})?\s*(?:为|达到|达|是)?\s*(?P<p>\d+(?:\.\d+)?)\s*[%％]"
)


def compile(draft: Draft) -> bool:
    if draft.value is not True:
        raise draft.error("prose_coverage: expects true", KEY)
    return True


def run(rule: Rule, facts) -> Iterable[Finding]:
    for para in paragraphs(facts.doc):
        text = para.text
        for m in _COVERAGE.finditer(text):
            planned, made = int(m.group("n")), int(m.group("m"))
            if planned == 0:
                continue
            written = Decimal(m.group("p"))
            decimals = len(m.group("p").partition(".")[2])
            exact = Decimal(made) / Decimal(planned) * HUNDRED
            if abs(written - exact) <= Decimal(5).scaleb(-decimals - 1):
                continue
            shown = exact.quantize(Decimal(1).scaleb(-max(decimals, 2))).normalize()
            what = re.sub(r"\s+", "", m.group("what")).strip("的") or "绩效目标"
            line = para.line_at(m.start("p"))
            where = [
                Location(line=para.line_at(m.start(g)), page=para.page_at(m.start(g)), table="说明", row=m.group(g))
                for g in ("p", "n", "m")
            ]
            yield finding(
                rule,
                f"第{line}行：应编制{what} {planned} 个，实际编制 {made} 个，覆盖率应为 {shown:f}%，说明写为 {m.group('p')}%",
                where,
                expected=exact,
                actual=written,
                difference=written - exact,
            )
