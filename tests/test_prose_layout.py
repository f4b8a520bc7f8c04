"""Prose printed over several lines reads as the sentences it is: wrapped 科目 chains and amounts,
page numbers inside a paragraph, a 其中 breakdown on a line of its own inside a list."""

from __future__ import annotations

from budgetaudit.audit import audit
from budgetaudit.loader import load_document
from budgetaudit.narrative.text import paragraphs
from budgetaudit.rules import load_rules


def _doc(tmp_path, text: str):
    path = tmp_path / "doc.txt"
    path.write_text(text, "utf-8")
    return load_document(path)


def test_a_wrapped_subject_chain_or_amount_is_not_a_heading(tmp_path):
    doc = _doc(tmp_path, "\n".join([
        "(1)社会保障和就业支出(类)行政事业单位养老支出(款)行政单位离退",
        "休(项)13.54万元，主要是行政单位退休人员经费等支出。",
        "(2)卫生健康支出(类)行政事业单位医疗(款)行政单位医疗(项)30.83万",
        "元，主要是财政部门安排的行政单位基本医疗保险缴费等支出。",
    ]))
    assert [p.lines() for p in paragraphs(doc)] == [[1, 2], [3, 4]]


def test_a_page_number_inside_a_paragraph_does_not_end_it(tmp_path):
    doc = _doc(tmp_path, "\n".join([
        "2026年收入预算1,681.43万元，比上年增加1.23万元，主要原因是",
        "", "- 7 -", "",
        "人员经费增加。",
    ]))
    assert [p.lines() for p in paragraphs(doc)] == [[1, 5]]


def _list(second: str) -> str:
    return "\n".join([
        "一、收入预算情况", "",
        "收入总计 10.00 万元，包括：",
        "1. 财政拨款收入 6.00 万元。",
        "其中：一般公共预算财政拨款收入 6.00 万元。",
        f"2. 其他收入 {second} 万元。",
    ])


def test_a_breakdown_on_its_own_line_keeps_the_list_going(tmp_path):
    rules = [r for r in load_rules().rules if r.id == "CN401"]
    assert rules
    assert audit(_doc(tmp_path, _list("4.00")), rules).findings == []
    broken = audit(_doc(tmp_path, _list("3.00")), rules).findings
    assert [(f.rule, f.expected, f.actual) for f in broken] == [("CN401", 10, 9)]
