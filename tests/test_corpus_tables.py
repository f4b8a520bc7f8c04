"""The 14 real 预算 PDFs of ../shared/corpus (skipped when absent): every table they print is
recognised as its kind on its page, the entity and year are the cover's, cells are read in 万元 from
each table's own unit, and the 目录 is matched against what is printed.

Expected values were read from the PDFs' text by hand (Jiangsu 公开表一…公开表十二 in three layouts:
prose and tables in one file, prose-only files with a companion tables-only file; the Shanghai 2024/2025
template printed in 元)."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from budgetaudit.audit import audit
from budgetaudit.loader import load_document
from budgetaudit.model import Document
from budgetaudit.rules import load_rules

pytestmark = pytest.mark.slow  # pytest -m 'not slow': the quick subset (README)

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"

RD = "jiangsu/江苏省人大办公厅/"
JCY = "jiangsu/江苏省人民检察院/"
SW = "jiangsu/江苏省委办公厅/"
SH = "shanghai/"

# document → (entity, year, [(kind, first page) of every table printed, in order])
EXPECTED: dict[str, tuple[str, int, list[tuple[str, int]]]] = {
    RD + "江苏省人大办公厅2017年度预算公开.pdf": ("江苏省人大常委会办公厅", 2017, [
        # this file prints 财政拨款基本支出表 and the 政府性基金 table twice (p11 and p12–15)
        ("收支预算总表", 7), ("收入预算总表", 9), ("支出预算总表", 10),
        ("财政拨款支出表", 11), ("财政拨款基本支出表", 11), ("政府性基金预算支出表", 11),
        ("财政拨款收支预算总表", 12), ("财政拨款基本支出表", 12), ("政府性基金预算支出表", 15),
        ("一般公共预算支出表", 16), ("一般公共预算基本支出表", 17), ("机关运行经费支出表", 18),
        ("三公经费支出表", 20), ("政府采购支出预算表", 20),
    ]),
    RD + "江苏省人大常委会2019年度部门预算公开.pdf": ("江苏省人大常委会办公厅", 2019, []),  # prose only
    RD + "江苏省人大常委会办公厅2019年部门预算公开表.pdf": ("江苏省人大常委会办公厅", 2019, [
        ("收支预算总表", 1), ("收入预算总表", 2), ("支出预算总表", 3),
        ("财政拨款收支预算总表", 4), ("财政拨款支出表", 5), ("财政拨款基本支出表", 6),
        ("一般公共预算支出表", 7), ("一般公共预算基本支出表", 8), ("三公经费支出表", 9),
        ("政府性基金预算支出表", 10), ("机关运行经费支出表", 11), ("政府采购支出预算表", 12),
    ]),
    RD + "省人大办公厅2018预算公开.pdf": ("江苏省人大常委会办公厅", 2018, [
        ("收支预算总表", 8), ("收入预算总表", 9), ("支出预算总表", 10),
        ("财政拨款收支预算总表", 10), ("财政拨款支出表", 11), ("财政拨款基本支出表", 12),
        ("一般公共预算支出表", 13), ("一般公共预算基本支出表", 14), ("三公经费支出表", 15),
        ("政府性基金预算支出表", 15), ("机关运行经费支出表", 16), ("政府采购支出预算表", 17),
    ]),
    JCY + "2017年省检察院部门预算.pdf": ("江苏省人民检察院", 2017, [
        ("收支预算总表", 10), ("收入预算总表", 11), ("支出预算总表", 11),
        ("财政拨款收支预算总表", 11), ("财政拨款支出表", 12), ("财政拨款基本支出表", 12),
        ("政府性基金预算支出表", 13), ("一般公共预算支出表", 14), ("一般公共预算基本支出表", 14),
        ("机关运行经费支出表", 15), ("三公经费支出表", 16), ("政府采购支出预算表", 16),
    ]),
    JCY + "2018年省检察院部门预算公开.pdf": ("江苏省人民检察院", 2018, [
        ("收支预算总表", 13), ("收入预算总表", 14), ("支出预算总表", 15),
        ("财政拨款收支预算总表", 15), ("财政拨款支出表", 15), ("财政拨款基本支出表", 16),
        ("一般公共预算支出表", 17), ("一般公共预算基本支出表", 18), ("三公经费支出表", 19),
        ("政府性基金预算支出表", 19), ("机关运行经费支出表", 20), ("政府采购支出预算表", 20),
    ]),
    JCY + "2019年度部门预算公开.pdf": ("江苏省人民检察院", 2019, [
        ("收支预算总表", 14), ("收入预算总表", 15), ("支出预算总表", 15),
        ("财政拨款收支预算总表", 16), ("财政拨款支出表", 16), ("财政拨款基本支出表", 17),
        ("一般公共预算支出表", 18), ("一般公共预算基本支出表", 18), ("三公经费支出表", 20),
        ("政府性基金预算支出表", 20), ("机关运行经费支出表", 21), ("政府采购支出预算表", 22),
    ]),
    SW + "江苏省委办公厅2017年部门预算.pdf": ("江苏省委办公厅", 2017, []),  # prose only
    SW + "江苏省委办公厅2017年预算公开表格.pdf": ("中国共产党江苏省委员会办公厅", 2017, [
        ("收支预算总表", 1), ("收入预算总表", 2), ("支出预算总表", 3),
        ("财政拨款收支预算总表", 4), ("财政拨款支出表", 5), ("财政拨款基本支出表", 6),
        ("政府性基金预算支出表", 7), ("一般公共预算支出表", 8), ("一般公共预算基本支出表", 9),
        ("机关运行经费支出表", 10), ("三公经费支出表", 11), ("政府采购支出预算表", 12),
    ]),
    SW + "江苏省委办公厅2018年度部门预算公开文件.pdf": ("江苏省委办公厅", 2018, []),  # prose only
    SW + "江苏省委办公厅2018年度部门预算公开表.pdf": ("中共江苏省委办公厅", 2018, [
        ("收支预算总表", 3), ("收入预算总表", 4), ("支出预算总表", 5),
        ("财政拨款收支预算总表", 6), ("财政拨款支出表", 7), ("财政拨款基本支出表", 8),
        ("一般公共预算支出表", 9), ("一般公共预算基本支出表", 10), ("三公经费支出表", 11),
        ("政府性基金预算支出表", 12), ("机关运行经费支出表", 13), ("政府采购支出预算表", 14),
    ]),
    SH + "上海市普陀区人民政府万里街道办事处2024年度部门预算.pdf": ("上海市普陀区人民政府万里街道办事处", 2024, [
        ("收支预算总表", 10), ("收入预算总表", 11), ("支出预算总表", 16),
        ("财政拨款收支预算总表", 21), ("一般公共预算支出表", 22), ("政府性基金预算支出表", 27),
        ("国有资本经营预算支出表", 28), ("一般公共预算基本支出表", 29), ("三公经费支出表", 31),
    ]),
    SH + "上海市普陀区社会福利院2024年度单位预算.pdf": ("上海市普陀区社会福利院", 2024, [
        ("收支预算总表", 7), ("收入预算总表", 8), ("支出预算总表", 9),
        ("财政拨款收支预算总表", 10), ("一般公共预算支出表", 11), ("政府性基金预算支出表", 12),
        ("国有资本经营预算支出表", 13), ("一般公共预算基本支出表", 14), ("三公经费支出表", 15),
    ]),
    SH + "上海市财政局2025年度单位预算.pdf": ("上海市财政局", 2025, [
        ("收支预算总表", 7), ("收入预算总表", 8), ("支出预算总表", 10),
        ("财政拨款收支预算总表", 12), ("一般公共预算支出表", 13), ("政府性基金预算支出表", 15),
        ("国有资本经营预算支出表", 16), ("一般公共预算基本支出表", 17), ("三公经费支出表", 20),
    ]),
}


@cache
def doc(name: str) -> Document:
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"{name} is not in {CORPUS}")
    return load_document(path)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_printed_table_is_recognised_as_its_kind_on_its_page(name):
    d = doc(name)
    assert [(t.kind, t.pages[0]) for t in d.tables] == EXPECTED[name][2]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_entity_and_year_come_from_the_cover_or_the_tables_部门_line(name):
    d = doc(name)
    assert (d.kind, d.entity, d.year) == ("预算", EXPECTED[name][0], EXPECTED[name][1])


def amounts_of(d: Document, kind: str, row: str) -> set[Decimal]:
    """Every amount in the rows called ``row`` (a 科目编码 or a label) of the tables of ``kind``."""
    out = set()
    for t in d.tables:
        if t.kind != kind:
            continue
        for r in t.rows:
            if row in (r.code, r.key):
                out |= {c.amount.value for c in r.cells if c.amount is not None}
    return out


# (document, kind, row: 科目编码 or label, a value the row prints, in 万元)
CELLS = [
    (RD + "江苏省人大办公厅2017年度预算公开.pdf", "财政拨款基本支出表", "合计", "7666.68"),
    (RD + "江苏省人大办公厅2017年度预算公开.pdf", "财政拨款基本支出表", "301", "2928.98"),
    (RD + "江苏省人大办公厅2017年度预算公开.pdf", "一般公共预算基本支出表", "301", "2928.98"),
    (RD + "江苏省人大办公厅2017年度预算公开.pdf", "机关运行经费支出表", "302", "5560.31"),
    (RD + "江苏省人大常委会办公厅2019年部门预算公开表.pdf", "财政拨款支出表", "合计", "18330.37"),
    (RD + "江苏省人大常委会办公厅2019年部门预算公开表.pdf", "财政拨款支出表", "201", "13907.78"),
    (RD + "江苏省人大常委会办公厅2019年部门预算公开表.pdf", "一般公共预算支出表", "2010101", "7448.20"),
    (RD + "江苏省人大常委会办公厅2019年部门预算公开表.pdf", "财政拨款基本支出表", "合计", "9312.90"),
    (RD + "江苏省人大常委会办公厅2019年部门预算公开表.pdf", "一般公共预算基本支出表", "301", "6481.41"),
    (RD + "江苏省人大常委会办公厅2019年部门预算公开表.pdf", "机关运行经费支出表", "302", "1642.08"),
    (RD + "江苏省人大常委会办公厅2019年部门预算公开表.pdf", "三公经费支出表", "", "767.60"),
    (RD + "省人大办公厅2018预算公开.pdf", "财政拨款基本支出表", "合计", "7877.76"),
    (RD + "省人大办公厅2018预算公开.pdf", "一般公共预算基本支出表", "301", "5469.17"),
    (RD + "省人大办公厅2018预算公开.pdf", "机关运行经费支出表", "302", "1579.38"),
    (JCY + "2017年省检察院部门预算.pdf", "财政拨款基本支出表", "301", "5343.83"),
    (JCY + "2017年省检察院部门预算.pdf", "一般公共预算基本支出表", "合计", "12308.48"),
    (JCY + "2017年省检察院部门预算.pdf", "机关运行经费支出表", "302", "5890.55"),
    (JCY + "2018年省检察院部门预算公开.pdf", "财政拨款支出表", "204", "16444.36"),
    (JCY + "2018年省检察院部门预算公开.pdf", "一般公共预算基本支出表", "301", "10204.52"),
    (JCY + "2018年省检察院部门预算公开.pdf", "机关运行经费支出表", "302", "2722.57"),
    (JCY + "2019年度部门预算公开.pdf", "财政拨款支出表", "合计", "24169.74"),
    (JCY + "2019年度部门预算公开.pdf", "财政拨款支出表", "204", "16593.12"),
    (JCY + "2019年度部门预算公开.pdf", "一般公共预算基本支出表", "合计", "15844.04"),
    (JCY + "2019年度部门预算公开.pdf", "机关运行经费支出表", "302", "2391.92"),
    (SW + "江苏省委办公厅2017年预算公开表格.pdf", "财政拨款支出表", "201", "16845.17"),
    (SW + "江苏省委办公厅2017年预算公开表格.pdf", "财政拨款基本支出表", "301", "3920.22"),
    (SW + "江苏省委办公厅2017年预算公开表格.pdf", "机关运行经费支出表", "302", "10011.76"),
    (SW + "江苏省委办公厅2018年度部门预算公开表.pdf", "财政拨款基本支出表", "合计", "10403.11"),
    (SW + "江苏省委办公厅2018年度部门预算公开表.pdf", "一般公共预算基本支出表", "301", "7308.27"),
    (SW + "江苏省委办公厅2018年度部门预算公开表.pdf", "机关运行经费支出表", "合计", "2094.58"),
    # Shanghai prints 元: 156,211,123 元 = 15,621.1123 万元
    (SH + "上海市普陀区人民政府万里街道办事处2024年度部门预算.pdf", "收支预算总表", "收入总计", "15621.1123"),
    (SH + "上海市普陀区人民政府万里街道办事处2024年度部门预算.pdf", "财政拨款收支预算总表", "收入总计", "15621.1123"),
    (SH + "上海市普陀区社会福利院2024年度单位预算.pdf", "收支预算总表", "收入总计", "1212.1164"),
    (SH + "上海市普陀区社会福利院2024年度单位预算.pdf", "财政拨款收支预算总表", "收入总计", "950.1164"),
    (SH + "上海市财政局2025年度单位预算.pdf", "收支预算总表", "收入总计", "17191.5169"),
    (SH + "上海市财政局2025年度单位预算.pdf", "财政拨款收支预算总表", "收入总计", "17191.5169"),
    (SH + "上海市普陀区人民政府万里街道办事处2024年度部门预算.pdf", "一般公共预算基本支出表", "合计", "9970.6020"),
    (SH + "上海市普陀区社会福利院2024年度单位预算.pdf", "支出预算总表", "208", "1128.1624"),
    (SH + "上海市普陀区社会福利院2024年度单位预算.pdf", "一般公共预算基本支出表", "301", "695.8414"),
    (SH + "上海市普陀区社会福利院2024年度单位预算.pdf", "一般公共预算基本支出表", "合计", "738.0214"),
    (SH + "上海市财政局2025年度单位预算.pdf", "收入预算总表", "201", "12788.6849"),
    (SH + "上海市财政局2025年度单位预算.pdf", "一般公共预算支出表", "合计", "17191.5169"),
    # the 三公 table of the same files is printed in 万元
    (SH + "上海市普陀区社会福利院2024年度单位预算.pdf", "三公经费支出表", "", "6.4"),
    (SH + "上海市财政局2025年度单位预算.pdf", "三公经费支出表", "", "346.30"),
]


@pytest.mark.parametrize(("name", "kind", "row", "value"), CELLS)
def test_real_cells(name, kind, row, value):
    assert Decimal(value) in amounts_of(doc(name), kind, row)


def test_shanghai_tables_keep_the_unit_they_print():
    d = doc(SH + "上海市普陀区社会福利院2024年度单位预算.pdf")
    assert {t.kind: t.unit for t in d.tables} == {
        "收支预算总表": "元", "收入预算总表": "元", "支出预算总表": "元", "财政拨款收支预算总表": "元",
        "一般公共预算支出表": "元", "政府性基金预算支出表": "元", "国有资本经营预算支出表": "元",
        "一般公共预算基本支出表": "元", "三公经费支出表": "万元",
    }


@cache
def result(name: str):
    return audit(doc(name), load_rules().rules)


def findings(name: str):
    return result(name).findings


def test_prose_in_wan_yuan_against_a_table_in_yuan_is_rounding_not_an_error():
    r = result(SH + "上海市普陀区社会福利院2024年度单位预算.pdf")
    said = [f for f in r.findings + r.rounding if "1,212.12" in f.message and "1,212.1164" in f.message]
    # 说明 1,212.12 万元 (±0.005) and 12,121,164 元 (±0.5 元): the intervals overlap
    assert {f.rule for f in said} == {"BN301", "BN302"}
    assert all(f in r.rounding and f.severity == "info" for f in said)


def test_a_tables_only_file_with_a_toc_has_every_listed_table():
    name = SW + "江苏省委办公厅2018年度部门预算公开表.pdf"
    assert len(doc(name).toc) >= 12
    assert [f for f in findings(name) if f.rule == "CC501"] == []


def test_a_prose_only_file_whose_tables_are_published_apart_is_told_once():
    name = RD + "江苏省人大常委会2019年度部门预算公开.pdf"
    (cc501,) = [f for f in findings(name) if f.rule == "CC501"]
    assert cc501.severity == "warning" and "12 张表" in cc501.message
