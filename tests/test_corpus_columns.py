"""Columns from the printed header on the real corpus PDFs (../shared/corpus; skipped when absent).

Cells checked against the line dumps: this row, this column, this value. Where the printed table
adds up (recomputed by hand below), the row-identity rules report nothing.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from budgetaudit.audit import audit
from budgetaudit.loader import load_document
from budgetaudit.rules import load_rules

pytestmark = pytest.mark.slow  # pytest -m 'not slow': the quick subset (README)

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
RENDA_2017 = CORPUS / "jiangsu" / "江苏省人大办公厅" / "江苏省人大办公厅2017年度预算公开.pdf"
JIANCHA_2017 = CORPUS / "jiangsu" / "江苏省人民检察院" / "2017年省检察院部门预算.pdf"
FULIYUAN_2024 = CORPUS / "shanghai" / "上海市普陀区社会福利院2024年度单位预算.pdf"

_docs: dict[Path, object] = {}


def doc_of(path: Path):
    if not path.exists():
        pytest.skip(f"{path.name} is not in {CORPUS}")
    if path not in _docs:
        _docs[path] = load_document(path)
    return _docs[path]


def table_of(doc, kind: str):
    (table,) = [t for t in doc.tables if t.kind == kind]
    return table


def cell(table, name: str, column: str) -> Decimal | None:
    (row,) = [r for r in table.rows if r.name == name]
    for c in row.cells:
        if table.columns[c.column].label == column and c.amount is not None:
            return c.amount.value
    return None


def errors(doc, rules: set[str]) -> list:
    found = audit(doc, load_rules().select(["BT", "CT"])).findings
    return [f for f in found if f.severity == "error" and f.rule in rules]


def test_renda_2017_one_amount_function_table():
    # p16: 功能科目代码 | 功能科目名称 | 金额; 201 = 10,528.33 = 20101, 合计 13,649.07
    # = 10,528.33 + 1,608.51 + 1,512.23
    t = table_of(doc_of(RENDA_2017), "一般公共预算支出表")
    assert [c.label for c in t.columns] == ["金额"]
    assert cell(t, "一般公共服务支出", "金额") == Decimal("10528.33")
    assert cell(t, "合计", "金额") == Decimal("13649.07")
    (row,) = [r for r in t.rows if r.name == "行政运行"]
    assert row.code == "2010101"
    assert all(c.raw != r.code for r in t.rows for c in r.cells)  # codes are never amounts


def test_renda_2017_extra_columns_keep_their_place():
    # p10: 合计 | 基本支出 | 项目支出 | 单位预留机动经费 | 结转下年资金
    # 13,649.07 = 7,666.68 + 5,853.96 + 128.43
    t = table_of(doc_of(RENDA_2017), "支出预算总表")
    labels = [c.label for c in t.columns]
    assert labels == ["合计", "基本支出.小计", "项目支出", "单位预留机动经费", "结转下年资金"]
    row = t.rows[0]
    values = {t.columns[c.column].label: c.amount.value for c in row.cells if c.amount is not None}
    assert values == {"合计": Decimal("13649.07"), "基本支出.小计": Decimal("7666.68"),
                      "项目支出": Decimal("5853.96"), "单位预留机动经费": Decimal("128.43")}


def test_renda_2017_row_identities_silent_where_tables_add_up():
    assert errors(doc_of(RENDA_2017), {"BT110", "BT111", "BT115", "BT120", "BT121", "BT123"}) == []


def test_jiancha_2017_row_identities_silent_where_tables_add_up():
    # 支出预算总表 p11: 17,996.68 = 12,323.48 + 5,533.00 + 140.20; one-amount tables p14–15
    doc = doc_of(JIANCHA_2017)
    assert errors(doc, {"BT110", "BT111", "BT115", "BT120", "BT121", "BT123", "CT101", "CT102"}) == []
    t = table_of(doc, "一般公共预算基本支出表")
    assert [c.label for c in t.columns] == ["金额"]


def test_fuliyuan_2024_split_codes_and_printed_columns():
    # p8 收入预算总表: 类 | 款 | 项 | 名称 | 合计 | 财政拨款收入 | 事业收入 | 事业单位经营收入 | 其他收入 (元)
    doc = doc_of(FULIYUAN_2024)
    t = table_of(doc, "收入预算总表")
    assert [c.label for c in t.columns][:3] == ["合计", "财政拨款收入", "事业收入"]
    (row,) = [r for r in t.rows if r.name == "事业单位离退休"]
    assert row.code == "2080502"
    assert row.role == "item"
    assert cell(t, "社会保障和就业支出", "事业收入") is not None
    assert {c.raw for r in t.rows for c in r.cells} & {"208", "05", "02", "10", "11"} == set()
    # 208: 11,281,624 = 8,661,624 + 2,620,000; 合计 12,121,164 = 11,281,624 + 503,724 + 335,816
    assert errors(doc, {"CT101", "CT102", "BT110", "BT111", "BT120"}) == []
