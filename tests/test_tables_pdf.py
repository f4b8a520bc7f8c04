"""Tables recognised in the real Shanghai 决算 PDFs (skipped when ../shared/pdfs is absent)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from budgetaudit.loader import load_document

PDFS = Path(__file__).resolve().parent.parent.parent / "shared" / "pdfs"
PLANNING = PDFS / "上海市普陀区规划和自然资源局 2024 年度部门决算.pdf"
SOCIAL = PDFS / "中共上海市普陀区委社会工作部 2024 年度部门决算.pdf"
TEMPLATE = PDFS / "附件2：部门决算模板.pdf"

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not PLANNING.exists(), reason="../shared/pdfs is not available")]

NINE = ["收入支出决算总表", "收入决算表", "支出决算表", "财政拨款收入支出决算总表", "一般公共预算财政拨款支出决算表",
        "一般公共预算财政拨款基本支出决算表", "三公经费支出决算表", "政府性基金预算财政拨款收入支出决算表",
        "国有资本经营预算财政拨款支出决算表"]


@cache
def doc(path: Path):
    return load_document(path)


def table(d, kind):
    (t,) = [t for t in d.tables if t.kind == kind]
    return t


def cell(t, row_pred, column):
    for r in t.rows:
        if row_pred(r):
            for c in r.cells:
                if t.columns[c.column].label == column and c.amount is not None:
                    return str(c.amount.printed), c.page
    raise AssertionError(f"no {column} cell")


@pytest.mark.parametrize("path", [PLANNING, SOCIAL, TEMPLATE])
def test_the_nine_tables_each_once_with_pages(path):
    d = doc(path)
    assert d.kind == "决算" and d.year == 2024
    assert [t.kind for t in d.tables] == NINE
    assert all(t.pages for t in d.tables)


def test_planning_health_expenditure_in_five_tables():
    d = doc(PLANNING)
    health = lambda r: r.key == "卫生健康支出" or r.code == "210"  # noqa: E731
    assert cell(table(d, "收入支出决算总表"), health, "金额") == ("236.63", 7)
    assert cell(table(d, "财政拨款收入支出决算总表"), health, "一般公共预算财政拨款") == ("236.63", 12)
    assert cell(table(d, "收入决算表"), health, "本年收入合计") == ("236.64", 8)
    assert cell(table(d, "支出决算表"), health, "本年支出合计") == ("236.64", 10)
    assert cell(table(d, "一般公共预算财政拨款支出决算表"), health, "本年支出.小计") == ("236.64", 14)


def test_planning_tables_continue_over_pages():
    d = doc(PLANNING)
    income = table(d, "收入决算表")
    assert income.pages == [8, 9]
    assert cell(income, lambda r: r.code == "2210203", "财政拨款收入") == ("171.49", 9)
    spending = table(d, "一般公共预算财政拨款支出决算表")
    total = [r for r in spending.rows if r.role == "total"]
    assert len(total) == 1 and total[0].page == 15  # printed after its rows
    assert cell(spending, lambda r: r.role == "total", "本年支出.基本支出") == ("5364.75", 15)


def test_planning_basic_expenditure_blocks_and_their_totals():
    t = table(doc(PLANNING), "一般公共预算财政拨款基本支出决算表")
    assert cell(t, lambda r: r.key == "人员经费合计", "决算数") == ("4884.09", 16)
    assert cell(t, lambda r: r.key == "公用经费合计", "决算数") == ("480.66", 16)
    office = [r for r in t.rows if r.code == "31002"]
    assert office[0].side == "公用经费"


def test_planning_sangong_budget_and_final_columns():
    t = table(doc(PLANNING), "三公经费支出决算表")
    assert cell(t, lambda r: True, "合计.预算数") == ("2.85", 17)
    assert cell(t, lambda r: True, "公务接待费.决算数") == ("0.39", 17)


def test_empty_tables_with_their_notes():
    d = doc(SOCIAL)
    for kind in ("三公经费支出决算表", "政府性基金预算财政拨款收入支出决算表", "国有资本经营预算财政拨款支出决算表"):
        t = table(d, kind)
        assert t.status == "empty" and t.empty_note


def test_blank_template_has_only_empty_tables():
    d = doc(TEMPLATE)
    assert {t.status for t in d.tables} == {"empty"}
