"""The same table furniture printed in the other ways departments print it."""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetaudit.amounts import normalize, parse_number
from budgetaudit.loader import load_document
from budgetaudit.tables.catalogue import match_title, table_number, title_number
from budgetaudit.tables.segment import find_toc

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@pytest.mark.parametrize(("printed", "number"), [
    ("表3", "表3"), ("表 3", "表3"), ("表三", "表3"), ("表 十三", "表13"), ("表二十", "表20"),
    ("附表3", "表3"), ("公开 01 表 单位:万元", "公开01表"), ("表一般公共预算支出表", None),
    ("表 1. 收支预算总表", None), ("表16 单位：万元", "表16"), ("表16 金额单位：万元", "表16"),
    ("表16 （单位：万元）", "表16"), ("表3 单位名称：某局", None), ("续表3", "表3"),
])
def test_table_numbers(printed, number):
    assert table_number(printed) == number


@pytest.mark.parametrize(("printed", "kind"), [
    ("一、收支预算总表……………… 12", "收支预算总表"),
    ("十、支出功能分类预算表 25", "支出功能分类预算表"),
    ("辽宁省医疗保障局(本级)2024年度一般公共预算财政拨款基本支出决算表", "一般公共预算财政拨款基本支出决算表"),
    ("沈阳市医疗保障事务服务中心2026年支出经济分类预算表（部门预算）", "支出经济分类预算表（部门预算）"),
    ("附表1 收支预算总表", "收支预算总表"),
    ("支出预算总表（续）", "支出预算总表"), ("支出预算总表（单位：万元）", "支出预算总表"),
    ("支出预算总表 表3", "支出预算总表"), ("收支总表 公开01表", "收支预算总表"), ("续表3 支出预算总表", "支出预算总表"), ("收支预算总表续表", "收支预算总表"),
    ("2026年辽宁省医疗保障局本级单位预算批复表", None),
    ("第五部分 2026 年辽宁省医疗保障局本级单位预算批复表", None),
])
def test_table_titles(printed, kind):
    spec = match_title(printed)
    assert (spec.kind if spec else None) == kind


def test_full_width_separator_with_an_extraction_gap():
    assert normalize("1， 681． 43") == "1,681.43"
    assert parse_number("１，６８１．４３")[0] == parse_number("1,681.43")[0]
    assert normalize("项目1，2个") == "项目1，2个"


def test_the_toc_ends_where_the_body_begins_even_under_wrapped_lines(tmp_path):
    lines = (SAMPLES / "004_5f76dcfa3f5cef19.txt").read_text("utf-8").split("\n")
    first_part = next(i for i, t in enumerate(lines) if i > 40 and t.startswith("第一部分"))
    long = next(i for i in range(first_part, len(lines)) if len(lines[i]) > 60)
    text = lines[long]
    lines[long:long + 1] = [text[k:k + 30] for k in range(0, len(text), 30)]  # printed line width
    path = tmp_path / "doc.txt"
    path.write_text("\n".join(lines), "utf-8")
    doc = load_document(path)
    _, (start, end) = find_toc(doc.lines)
    assert end <= first_part  # the body's 第一部分 is not an entry
    assert doc.toc[-1].title == "第五部分 名词解释"


def test_a_number_printed_on_the_title_line_is_the_tables(tmp_path):
    lines = (SAMPLES / "000_d725a45abd8d67de.txt").read_text("utf-8").split("\n")
    title = lines.index("支出预算总表")
    assert lines[title + 2] == "表3"
    lines[title], lines[title + 2] = "表3 支出预算总表", ""
    path = tmp_path / "doc.txt"
    path.write_text("\n".join(lines), "utf-8")
    table = next(t for t in load_document(path).tables if t.kind == "支出预算总表")
    assert table.number == "表3"
    assert title_number("附表3. 支出预算总表") == "表3" and title_number("支出预算总表") is None
    assert title_number("支出预算总表 表三（单位：万元）") == "表3"
