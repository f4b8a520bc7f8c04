"""Table titles in every printed shape, the document's entity and year, and each table's own unit."""

from __future__ import annotations

from decimal import Decimal

import pytest

from budgetaudit.amounts import normalize
from budgetaudit.model import Line
from budgetaudit.tables import recognize
from budgetaudit.tables.catalogue import match_title, split_header_line, title_number
from budgetaudit.tables.metadata import declared_entity


def lines_of(text: str) -> list[Line]:
    return [Line(i + 1, normalize(raw), raw, page=1) for i, raw in enumerate(text.split("\n"))]


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        # Jiangsu tables-only files: title, number, 部门 and unit on one line
        ("收支预算总表公开表一部门: 江苏省人大常委会办公厅 单位:万元", "收支预算总表"),
        ("财政拨款支出预算表（功能科目）公开表五部门: 江苏省人大常委会办公厅 单位:万元", "财政拨款支出表"),
        ("财政拨款基本支出预算表部门:中国共产党江苏省委员会办公厅 单位:万元", "财政拨款基本支出表"),
        ("一般公共预算机关运行经费支出预算表公开表十一部门: 江苏省人大常委会办公厅 单位:万元科目编码 科目名称",
         "机关运行经费支出表"),
        ("“三公”经费、会议费、培训费支出预算表公开表九", "三公经费支出表"),
        ("2019年政府采购预算表公开表十二部门: 江苏省人大常委会办公厅 单位:万元", "政府采购支出预算表"),
        # numbered before the title, with or without separator
        ("公开 05 表:财政拨款支出预算表", "财政拨款支出表"),
        ("公开06表财政拨款基本支出预算表（经济科目）", "财政拨款基本支出表"),
        ("十一、一般公共预算“三公”经费、会议费、培训费支出预算表", "三公经费支出表"),
        ("表3 支出预算总表", "支出预算总表"),
        # a classification qualifier after the title
        ("一般公共预算支出预算表（功能科目）", "一般公共预算支出表"),
        ("一般公共预算基本支出预算表（经济科目）", "一般公共预算基本支出表"),
        ("政府性基金预算财政拨款支出预算表", "政府性基金预算支出表"),
        # Shanghai: year and 部门/预算单位 before the name; the longest known name wins
        ("2024年部门财务收支预算总表", "收支预算总表"),
        ("2024年部门财政拨款收支预算总表", "财政拨款收支预算总表"),
        ("2024年预算单位一般公共预算支出功能分类预算表", "一般公共预算支出表"),
        ("2024年预算单位政府性基金预算支出功能分类预算表", "政府性基金预算支出表"),
        ("2025年预算单位国有资本经营预算支出功能分类预算表", "国有资本经营预算支出表"),
        ("2024年预算单位一般公共预算基本支出部门预算经济分类预算表", "一般公共预算基本支出表"),
        ("单位“三公”经费和机关运行经费预算表", "三公经费支出表"),
    ],
)
def test_a_title_in_any_printed_shape_is_its_kind(title, kind):
    spec = match_title(normalize(title))
    assert spec is not None and spec.kind == kind


@pytest.mark.parametrize(
    "text",
    ["一、收支预算总表情况说明", "本表反映部门年度一般公共预算机关运行经费支出预", "2019年部门预算公开表附后",
     "第二部分 2018年度部门预算表"],
)
def test_lines_that_name_a_table_without_being_its_title(text):
    assert match_title(normalize(text)) is None


def test_the_number_and_fields_printed_after_a_title():
    title, rest = split_header_line("收支预算总表公开表一部门: 江苏省人大常委会办公厅 单位:万元")
    assert title == "收支预算总表" and rest.startswith("公开表一")
    assert title_number("收支预算总表公开表一部门: 江苏省人大常委会办公厅 单位:万元") == "公开01表"
    assert title_number("一般公共预算机关运行经费支出预算表公开表十一部门: X 单位:万元") == "公开11表"
    assert title_number("“三公”经费、会议费、培训费支出预算表公开表九") == "公开09表"
    assert split_header_line("收支预算总表") == ("收支预算总表", "")


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("预算主管部门:上海市普陀区人民政府万里街道办事处", "上海市普陀区人民政府万里街道办事处"),
        ("预算单位:上海市财政局", "上海市财政局"),
        ("部 门:中共江苏省委办公厅", "中共江苏省委办公厅"),
        ("编制单位:上海市普陀区社会福利院\t单位:元", "上海市普陀区社会福利院"),
        ("收支预算总表公开表一部门: 江苏省人大常委会办公厅 单位:万元", "江苏省人大常委会办公厅"),
        ("单位:万元", None),
        ("单位：元", None),
    ],
)
def test_the_entity_a_line_declares(line, name):
    assert declared_entity(normalize(line)) == name


TABLES_ONLY = """财政拨款支出预算表（功能科目）公开表五部门: 江苏省某某厅 单位:万元
功能科目编码\t功能科目名称\t金额
合计\t\t1,200.50
201\t一般公共服务支出\t1,200.50
20101\t人大事务\t1,200.50
2010101\t行政运行\t1,200.50

2019年政府采购预算表公开表十二部门: 江苏省某某厅 单位:万元
采购品目大类\t专项名称\t经济科目\t采购物品名称\t采购组织形式\t总计
合计\t\t\t\t\t30.00
一、货物A\t\t\t\t\t30.00
"""


def test_a_tables_only_file_without_cover_or_toc():
    doc = recognize(lines_of(TABLES_ONLY), "某某厅2019年部门预算公开表.txt")
    assert [(t.kind, t.number, t.unit, t.title) for t in doc.tables] == [
        ("财政拨款支出表", "公开05表", "万元", "财政拨款支出预算表（功能科目）"),
        ("政府采购支出预算表", "公开12表", "万元", "2019年政府采购预算表"),
    ]
    # entity from the 部门： field, never the table fragment; the year from a table's title
    assert (doc.kind, doc.year, doc.entity) == ("预算", 2019, "江苏省某某厅")


def test_the_year_falls_back_on_the_file_name_when_nothing_printed_gives_it():
    text = TABLES_ONLY.split("\n\n")[0]
    doc = recognize(lines_of(text), "某某厅2021年部门预算公开表.txt")
    assert doc.year == 2021 and doc.entity == "江苏省某某厅"


COVER = """江苏省2018年度

省级部门预算公开报表

部 门:中共江苏省某某厅

目\t录

一、 财政拨款支出预算表

二、 政府采购支出预算表

财政拨款支出预算表部门:中共江苏省某某厅 单位:万元
功能科目编码\t功能科目名称\t金额
合计\t\t1,200.50
201\t一般公共服务支出\t1,200.50
2018年政府采购预算表部门:中共江苏省某某厅 单位:万元
采购品目大类\t专项名称\t总计
合计\t\t30.00
"""


def test_a_tables_only_file_with_cover_and_toc():
    doc = recognize(lines_of(COVER), "x.txt")
    assert [e.kind for e in doc.toc] == ["财政拨款支出表", "政府采购支出预算表"]
    assert [t.kind for t in doc.tables] == ["财政拨款支出表", "政府采购支出预算表"]
    assert (doc.year, doc.entity) == (2018, "中共江苏省某某厅")


YUAN = """2024年预算单位一般公共预算基本支出部门预算经济分类预算表
单位:元
经济分类科目编码\t部门经济分类科目名称\t合计\t人员经费\t公用经费
301\t工资福利支出\t6,958,414\t6,958,414\t
302\t商品和服务支出\t2,120,950\t\t2,120,950
合计\t\t9,079,364\t6,958,414\t2,120,950
单位“三公”经费和机关运行经费预算表
单位:万元
合计\t因公出国（境）费\t公务接待费\t公务用车购置及运行费
6.4\t0\t0\t6.4
"""


def test_each_table_is_converted_from_its_own_unit_to_wan_yuan():
    doc = recognize(lines_of(YUAN), "x.txt")
    basic, sangong = doc.tables
    assert (basic.kind, basic.unit, sangong.kind, sangong.unit) == ("一般公共预算基本支出表", "元", "三公经费支出表", "万元")
    total = next(r for r in basic.rows if r.role == "total")
    amount = total.cells[0].amount
    # 9,079,364 元 is 907.9364 万元, exact to 0.0001 万元 (half of one 元 either way)
    assert amount.value == Decimal("907.9364") and amount.unit == "元"
    assert amount.tolerance == Decimal("0.00005") and amount.printed == Decimal("9079364")
    assert Decimal("6.4") in {c.amount.value for r in sangong.rows for c in r.cells if c.amount}


def test_a_unit_line_that_shares_its_line_with_the_entity():
    text = "2024年预算单位财务收支预算总表\n\n编制单位:上海市某某局\t单位:元\n\n本年收入\t\t本年支出\n项目\t预算数\t项目\t预算数\n" \
           "收入总计\t12,121,164\t支出总计\t12,121,164\n"
    doc = recognize(lines_of(text), "x.txt")
    (table,) = doc.tables
    assert table.unit == "元"
    values = {c.amount.value for r in table.rows for c in r.cells if c.amount}
    assert Decimal("1212.1164") in values


def test_toc_entries_run_together_wrapped_or_ending_in_a_full_stop():
    text = """目 录
一、主要职能。
二、部门机构设置 ………………………… 三、名词解释 …………………………
1.2024年部门财务收支预算总表 ……………… 2.2024年部门财政拨款收支预算总表 ………………
十一、一般公共预算“三公”经费、会议费、培训费支
出预算表
六、其他相关情况说明

上海市某某局（部门）主要职能
上海市某某局是主管全市某某工作的市政府组成部门，主要职能包括：贯彻执行有关法律、法规和方针、政策。
"""
    from budgetaudit.tables.segment import find_toc

    entries, _ = find_toc(lines_of(text))
    assert [(e.title, e.kind, e.line) for e in entries] == [
        ("一、主要职能。", None, 2),
        ("二、部门机构设置", None, 3),
        ("三、名词解释", None, 3),
        ("1.2024年部门财务收支预算总表", "收支预算总表", 4),
        ("2.2024年部门财政拨款收支预算总表", "财政拨款收支预算总表", 4),
        ("十一、一般公共预算“三公”经费、会议费、培训费支出预算表", "三公经费支出表", 5),
        ("六、其他相关情况说明", None, 7),
        ("上海市某某局（部门）主要职能", None, 9),
    ]
