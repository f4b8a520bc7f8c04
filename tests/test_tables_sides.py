"""Side-by-side tables (收支总表) whose header prints more than two label columns.

Jiangsu's 收支预算总表 prints 收入 beside two views of 支出 (by 功能分类 and by 支出用途), each with its
own label and 金额 column; its totals (当年支出小计, 支出合计) span both views and print their amount
once, in the last column. PDF extraction also prints a label wrapped in its cell as three lines: the
label's start, the row's number alone, the label's end.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from budgetaudit.audit import audit
from budgetaudit.loader import load_document
from budgetaudit.rules import load_rules

T = "\t"
CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"

THREE_VIEWS = "\n".join([
    "收支预算总表",
    "公开01表",
    f"部门: 某某厅{T}{T}{T}{T}{T}单位:万元",
    f"收入{T}{T}支出{T}{T}{T}",
    f"项目名称{T}金额{T}功能分类{T}{T}支出用途{T}",
    f"{T}{T}功能科目名称{T}金额{T}项目名称{T}金额",
    f"一、财政拨款{T}100.00{T}一、一般公共服务支出{T}80.00{T}一、基本支出{T}60.00",
    f"1.一般公共预算{T}100.00{T}二、外交支出{T}{T}二、项目支出{T}30.00",
    f"2.政府性基金预{T}{T}{T}{T}三、单位预留机动经{T}",
    f"{T}{T}三、住房保障支出{T}20.00{T}{T}10.00",
    f"算{T}{T}{T}{T}费{T}",
    f"当年收入小计{T}100.00{T}当年支出小计{T}{T}{T}100.00",
    f"收入合计{T}100.00{T}支出合计{T}{T}{T}100.00",
    "",
])


def _table(tmp_path: Path, text: str):
    path = tmp_path / "doc.txt"
    path.write_text("某某厅2019年部门预算\n\n" + text, "utf-8")
    doc = load_document(path)
    (table,) = [t for t in doc.tables if t.kind == "收支预算总表"]
    return doc, table


def _value(table, side: str, name: str) -> Decimal | None:
    (row,) = [r for r in table.rows if r.side == side and r.name == name]
    amounts = [c.amount.value for c in row.cells if c.amount is not None]
    return amounts[0] if amounts else None


def test_each_label_column_is_a_side_and_spanning_totals_keep_their_amount(tmp_path):
    _, table = _table(tmp_path, THREE_VIEWS)
    assert [s for s in dict.fromkeys(c.side for c in table.columns)] == ["收入", "支出", "支出用途"]
    assert _value(table, "收入", "一、财政拨款") == Decimal("100.00")
    assert _value(table, "支出", "一、一般公共服务支出") == Decimal("80.00")
    assert _value(table, "支出用途", "二、项目支出") == Decimal("30.00")
    assert _value(table, "支出", "当年支出小计") == Decimal("100.00")
    assert _value(table, "支出", "支出合计") == Decimal("100.00")


def test_a_label_wrapped_in_its_cell_is_one_row_with_the_number_printed_between(tmp_path):
    _, table = _table(tmp_path, THREE_VIEWS)
    assert _value(table, "支出用途", "三、单位预留机动经费") == Decimal("10.00")
    assert _value(table, "收入", "2.政府性基金预算") is None
    assert _value(table, "支出", "三、住房保障支出") == Decimal("20.00")


def test_a_three_view_table_that_adds_up_has_no_finding_and_a_wrong_total_is_found(tmp_path):
    doc, _ = _table(tmp_path, THREE_VIEWS)
    rules = load_rules().select(["BT", "CT"])
    assert [f for f in audit(doc, rules).findings if f.severity == "error"] == []
    doc, _ = _table(tmp_path, THREE_VIEWS.replace(f"支出合计{T}{T}{T}100.00", f"支出合计{T}{T}{T}110.00"))
    errors = [f for f in audit(doc, rules).findings if f.severity == "error"]
    assert errors and all("110" in f.message for f in errors)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent")
def test_jiangsu_2019_procuratorate_income_and_expenditure_table():
    path = CORPUS / "jiangsu" / "江苏省人民检察院" / "2019年度部门预算公开.pdf"
    doc = load_document(path)
    (table,) = [t for t in doc.tables if t.kind == "收支预算总表"]
    assert table.pages == [14]
    assert _value(table, "支出用途", "三、单位预留机动经费") == Decimal("3990.40")
    assert _value(table, "支出用途", "一、基本支出") == Decimal("15844.04")
    assert _value(table, "支出", "三、国防支出") is None
    assert _value(table, "支出", "四、公共安全支出") == Decimal("16593.12")
    assert _value(table, "支出", "当年支出小计") == Decimal("24169.74")
    assert _value(table, "收入", "1.一般公共预算") == Decimal("24169.74")


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent")
def test_a_ruled_frame_around_a_whole_table_is_read_by_position():
    """江苏省委办公厅2017年预算公开表格: pages 2–4 and 8 are ruled as one frame (title, 单位, header and
    figures in one 'cell'); read by position, each is its table with its cells."""
    doc = load_document(CORPUS / "jiangsu" / "江苏省委办公厅" / "江苏省委办公厅2017年预算公开表格.pdf")
    tables = {t.kind: t for t in doc.tables}
    assert len(doc.tables) == 12 and all(t.status != "illegible" for t in doc.tables)
    (total,) = [r for r in tables["支出预算总表"].rows if r.cells]
    assert [c.amount.value for c in total.cells if c.amount] == [
        Decimal("20849.45"), Decimal("9964.07"), Decimal("10688.66"), Decimal("196.72")]
    expenditure = tables["一般公共预算支出表"]
    assert expenditure.pages == [8]
    (row,) = [r for r in expenditure.rows if r.code == "2013102"]
    assert [c.amount.value for c in row.cells if c.amount] == [Decimal("10738.18")]
    assert tables["政府性基金预算支出表"].status == "empty"
