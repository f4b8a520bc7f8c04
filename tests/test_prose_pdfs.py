"""The prose rules on real 决算 PDFs (Shanghai 普陀 districts); skipped when the PDFs are absent.

These documents were not written for this tool: every prose finding on them is listed, so a false
alarm on real prose fails the test.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from budgetaudit.audit import audit
from budgetaudit.loader import load_document
from budgetaudit.rules import load_rules

pytestmark = pytest.mark.slow  # pytest -m 'not slow': the quick subset (README)

PDFS = Path(__file__).resolve().parent.parent.parent / "shared" / "pdfs"
PLANNING = PDFS / "上海市普陀区规划和自然资源局 2024 年度部门决算.pdf"
SOCIAL = PDFS / "中共上海市普陀区委社会工作部 2024 年度部门决算.pdf"
TEMPLATE = PDFS / "附件2：部门决算模板.pdf"
PROSE_FAMILIES = ("BN", "FN", "CN", "CC")


@cache
def prose_findings(path: Path):
    if not path.exists():
        pytest.skip(f"{path.name} absent")
    result = audit(load_document(path), load_rules().rules)
    return [f for f in result.findings if f.rule.startswith(PROSE_FAMILIES)]


def test_planning_bureau_prose():
    found = {(f.rule, f.severity, f.locations[0].line) for f in prose_findings(PLANNING)}
    assert found == {
        # 一般公共预算财政拨款基本支出 5377.64 and 人员经费 4896.98 are the all-funds figures (支出决算表);
        # 公开05/06表 give 5364.75 and 4884.10 for 一般公共预算财政拨款.
        ("FN322", "error", 431),
        ("FN324", "error", 431),
        ("CN409", "error", 440),  # "下降（增长）27.78%": the wording was never chosen
        ("FN335", "warning", 478),  # 机关运行经费 142.80 vs 公用经费: a scope question
        # "卫生健康支出（类）236.63 万元" vs 公开05表 210 卫生健康支出 236.64 (公开01表 prints 236.63): 尾差
        ("FN323", "warning", 395),
    }
    (leftover,) = [f for f in prose_findings(PLANNING) if f.rule == "CN409"]
    assert "下降（增长）" in leftover.message


def test_social_work_department_prose_is_clean():
    assert prose_findings(SOCIAL) == []


def test_template_placeholders_are_all_reported():
    found = prose_findings(TEMPLATE)
    leftovers = [f for f in found if f.rule == "CN409"]
    assert len(leftovers) >= 50
    assert {f.rule for f in found} <= {"CN409", "CC503"}
    assert all(f.severity == "warning" for f in found if f.rule == "CC503")


@pytest.mark.parametrize("before, after, rule", [
    ("公务接待费支出 0.39 万元", "公务接待费支出 0.93 万元", "FN331"),
    ("公务用车购置支出为 0.00 万元", "公务用车购置支出为 1.20 万元", "FN333"),
])
def test_three_public_funds_in_prose_against_the_one_row_table(before, after, rule):
    """Shanghai prints 三公 in one row (items as columns): the prose figures are still compared."""
    from budgetaudit.model import Line
    from budgetaudit.tables import recognize

    if not PLANNING.exists():
        pytest.skip(f"{PLANNING.name} absent")
    doc = load_document(PLANNING)
    (at,) = [i for i, line in enumerate(doc.lines) if before in line.text]
    lines = list(doc.lines)
    old = lines[at]
    lines[at] = Line(old.number, old.text.replace(before, after), old.raw.replace(before, after), old.page)
    found = audit(recognize(lines, str(PLANNING), source="pdf"), load_rules().rules).findings
    hits = [f for f in found if f.rule == rule and f.locations[0].line == old.number]
    assert hits and hits[0].severity == "error"
    assert hits[0].locations[0].page == old.page and f"第{old.page}页" in hits[0].message
