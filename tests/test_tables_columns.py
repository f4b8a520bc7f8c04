"""Columns from the header a table prints, not from the catalogue's template.

Each fixture is a real header shape of the corpus (Jiangsu 2017–2019, Shanghai 2024) in the tab
layout the PDF reader gives: one 金额 column under 功能科目代码 | 功能科目名称, extra columns beside
合计 | 基本支出 | 项目支出, a vertical 项目名称 | 金额 table with 小计 sub-rows, and codes split over
类 | 款 | 项 cells. The right figures land in the right columns, codes stay codes, and the
row-identity rules say nothing where the printed table adds up.
"""

from __future__ import annotations

from decimal import Decimal

from budgetaudit.audit import audit
from budgetaudit.loader import load_document
from budgetaudit.model import Table
from budgetaudit.rules import load_rules
from budgetaudit.tables.header import header_paths, is_code_header, is_text_header

T = "\t"


def _doc(tmp_path, text: str):
    path = tmp_path / "doc.txt"
    path.write_text(text, encoding="utf-8")
    return load_document(path)


def audit_document(doc):
    return audit(doc, load_rules().select(["BT", "FT", "CT"])).findings


def _table(doc, kind: str) -> Table:
    (table,) = [t for t in doc.tables if t.kind == kind]
    return table


def _row(table: Table, name: str):
    (row,) = [r for r in table.rows if r.name == name]
    return row


def _values(table: Table, name: str) -> dict[str, Decimal]:
    return {table.columns[c.column].label: c.amount.value for c in _row(table, name).cells if c.amount is not None}


ONE_AMOUNT = "\n".join([
    "2017年部门预算表",
    "一般公共预算支出预算表",
    f"部门:{T}江苏省人大常委会办公厅{T}单位:万元",
    f"功能科目代码{T}功能科目名称{T}金额",
    f"{T}合计{T}13,649.07",
    f"201{T}一般公共服务支出{T}10,528.33",
    f"20101{T}人大事务{T}10,528.33",
    f"2010101{T}行政运行{T}4,545.94",
    f"2010102{T}一般行政管理事务{T}5,982.39",
    f"221{T}住房保障支出{T}3,120.74",
    f"22102{T}住房改革支出{T}3,120.74",
    f"2210201{T}住房公积金{T}494.22",
    f"2210202{T}提租补贴{T}2,626.52",
    "",
])


def test_one_amount_column_is_the_table_with_that_column(tmp_path):
    table = _table(_doc(tmp_path, ONE_AMOUNT), "一般公共预算支出表")
    assert [c.label for c in table.columns] == ["金额"]
    assert _values(table, "一般公共服务支出") == {"金额": Decimal("10528.33")}
    assert _row(table, "一般公共服务支出").code == "201"
    assert _row(table, "行政运行").code == "2010101"
    # codes are never amounts
    assert all(c.raw != r.code for r in table.rows for c in r.cells)


def test_one_amount_column_rules_of_missing_columns_are_skipped(tmp_path):
    doc = _doc(tmp_path, ONE_AMOUNT)
    findings = audit_document(doc)
    rules = {f.rule for f in findings if f.severity == "error"}
    # 合计 = 基本支出 + 项目支出 and 基本支出 = 人员经费 + 公用经费 need columns this table does not print
    assert not rules & {"BT120", "BT121"}
    assert not [f for f in findings if f.rule.startswith("CT10") and f.severity == "error"]


def test_one_amount_column_roll_up_still_checked(tmp_path):
    broken = ONE_AMOUNT.replace(f"2010102{T}一般行政管理事务{T}5,982.39", f"2010102{T}一般行政管理事务{T}5,982.00")
    findings = audit_document(_doc(tmp_path, broken))
    assert any(f.rule.startswith("CT10") and f.severity == "error" for f in findings)


EXTRA_COLUMNS = "\n".join([
    "2017年部门预算表",
    "支出预算总表",
    f"部门:{T}江苏省人民检察院{T}单位:万元",
    f"合计{T}基本支出{T}项目支出{T}单位预留机动经费{T}结转下年资金",
    f"17,996.68{T}12,323.48{T}5,533.00{T}140.20{T}",
    "",
])


def test_extra_columns_keep_their_own_columns(tmp_path):
    table = _table(_doc(tmp_path, EXTRA_COLUMNS), "支出预算总表")
    assert [c.label for c in table.columns] == ["合计", "基本支出.小计", "项目支出", "单位预留机动经费", "结转下年资金"]
    (row,) = table.rows
    values = {table.columns[c.column].label: c.amount.value for c in row.cells if c.amount is not None}
    assert values == {"合计": Decimal("17996.68"), "基本支出.小计": Decimal("12323.48"),
                      "项目支出": Decimal("5533.00"), "单位预留机动经费": Decimal("140.20")}


def test_extra_columns_the_template_identity_is_not_checked(tmp_path):
    findings = audit_document(_doc(tmp_path, EXTRA_COLUMNS))
    assert not [f for f in findings if f.rule in {"BT120", "BT121"}]


VERTICAL = "\n".join([
    "2017年部门预算表",
    "收入预算总表",
    f"部门:{T}{T}江苏省人大常委会办公厅{T}{T}单位:万元{T}",
    f"项目名称{T}{T}{T}{T}金额{T}",
    f"收入总计{T}{T}{T}{T}13,649.07{T}",
    f"一般公共预算资金{T}{T}小计{T}{T}13,649.07{T}",
    f"{T}{T}公共财政拨款(补助)资金{T}{T}13,649.07{T}",
    f"{T}{T}专项收入{T}{T}{T}",
    f"政府性基金{T}{T}小计{T}{T}{T}",
    f"财政专户管理资金{T}{T}小计{T}{T}{T}",
    f"{T}{T}专户管理教育收费{T}{T}{T}",
    "",
])


def test_vertical_two_column_table(tmp_path):
    table = _table(_doc(tmp_path, VERTICAL), "收入预算总表")
    assert [c.label for c in table.columns] == ["金额"]
    assert _values(table, "收入总计") == {"金额": Decimal("13649.07")}
    assert _values(table, "公共财政拨款(补助)资金") == {"金额": Decimal("13649.07")}
    # the row is the deepest name printed under 项目名称: 小计 of its group, then its sub-rows
    assert [r.name for r in table.rows] == ["收入总计", "小计", "公共财政拨款(补助)资金", "专项收入", "小计", "小计",
                                            "专户管理教育收费"]
    assert {r.role for r in table.rows if r.name not in {"收入总计", "小计"}} == {"item"}  # not units
    findings = audit_document(_doc(tmp_path, VERTICAL))
    assert not [f for f in findings if f.rule in {"BT110", "BT111", "BT112"} or f.rule.startswith("CT10")]


def test_vertical_table_subtotal_that_does_not_add_up_is_reported(tmp_path):
    broken = VERTICAL.replace(f"{T}{T}公共财政拨款(补助)资金{T}{T}13,649.07{T}", f"{T}{T}公共财政拨款(补助)资金{T}{T}13,600.00{T}")
    findings = audit_document(_doc(tmp_path, broken))
    assert [f.rule for f in findings if f.rule.startswith("CT10") and f.severity == "error"] == ["CT102"]


SPLIT_CODES = "\n".join([
    "2024年预算单位支出预算总表",
    f"编制单位:上海市普陀区社会福利院{T}单位:元",
    f"项目{T}{T}{T}{T}支出预算{T}{T}",
    f"功能分类科目编码{T}{T}{T}功能分类科目名称{T}合计{T}基本支出{T}项目支出",
    f"类{T}款{T}项{T}{T}{T}{T}",
    f"208{T}{T}{T}社会保障和就业支出{T}11,281,624{T}8,661,624{T}2,620,000",
    f"208{T}05{T}{T}行政事业单位养老支出{T}1,696,828{T}1,696,828{T}",
    f"208{T}05{T}02{T}事业单位离退休{T}538,440{T}538,440{T}",
    f"208{T}05{T}05{T}机关事业单位基本养老保险缴费支出{T}1,158,388{T}1,158,388{T}",
    f"208{T}10{T}{T}社会福利{T}9,584,796{T}6,964,796{T}2,620,000",
    f"208{T}10{T}05{T}社会福利事业单位{T}9,584,796{T}6,964,796{T}2,620,000",
    f"合计{T}{T}{T}{T}11,281,624{T}8,661,624{T}2,620,000",
    "",
])


def test_split_codes_are_codes_and_figures_land_in_their_columns(tmp_path):
    table = _table(_doc(tmp_path, SPLIT_CODES), "支出预算总表")
    assert [c.label for c in table.columns] == ["合计", "基本支出.小计", "项目支出"]
    row = _row(table, "事业单位离退休")
    assert row.code == "2080502"
    assert row.level == 3
    assert _row(table, "行政事业单位养老支出").code == "20805"
    assert {c.raw for r in table.rows for c in r.cells} & {"208", "05", "02", "10"} == set()
    assert _values(table, "社会福利") == {"合计": Decimal("958.4796"), "基本支出.小计": Decimal("696.4796"),
                                       "项目支出": Decimal("262.0000")}


def test_split_code_columns_found_from_the_data_without_their_heading():
    # the 款 column under an amount heading ("6", "11" read as 本年收入合计 before): codes by content
    header = [["科目编码", "", "科目名称", "本年收入合计", "财政拨款收入"]]
    from budgetaudit.tables.grid import _code_positions

    data = [["201", "", "一般公共服务支出", "264.87", "264.87"], ["201", "6", "财政事务", "51.32", "51.32"],
            ["201", "11", "纪检监察事务", "11.31", "11.31"]]
    paths = header_paths(header, 5)
    paths[1] = ("本年收入合计",)  # a heading slid one cell left, over the 款 cells
    assert _code_positions(paths, data) >= {0, 1}
    assert 3 not in _code_positions(paths, data)


def test_nested_codes_under_an_amount_heading_are_codes():
    from budgetaudit.tables.grid import _code_positions

    data = [["201", "一般公共服务支出", "10,528.33"], ["20101", "人大事务", "10,528.33"],
            ["2010101", "行政运行", "4,545.94"]]
    assert _code_positions([("金额",), ("名称",), ("金额",)], data) == {0}


def test_header_words_come_from_the_vocabulary():
    assert is_code_header("功能科目代码") and is_text_header("功能科目代码")
    assert is_code_header("款") and not is_code_header("金额")
    assert is_text_header("采购组织形式") and not is_text_header("单位预留机动经费")


def test_wrapped_header_names_are_joined():
    rows = [["采购品目大", "", "采购物品", "", ""],
            ["", "专项名称", "", "", "总计"],
            ["类", "", "名称", "", ""]]
    paths = header_paths(rows, 5)
    assert paths[0] == ("采购品目大类",)
    assert paths[2][-1] == "采购物品名称"
    assert paths[4] == ("总计",)


JUESUAN_SPLIT = "\n".join([
    "收入决算表",
    "单位：万元",
    T.join(["功能分类科目编码", "科目名称", "本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入",
            "附属单位上缴收入", "其他收入"]),
    T.join(["合计", "", "307.82", "300.00", "", "", "", "7.82", ""]),
    T.join(["201", "", "", "一般公共服务支出", "264.87", "264.87", "", "", "", "", ""]),
    T.join(["201", "6", "", "财政事务", "264.87", "264.87", "", "", "", "", ""]),
    T.join(["201", "6", "1", "行政运行", "51.32", "51.32", "", "", "", "", ""]),
    T.join(["201", "6", "50", "事业运行", "213.55", "213.55", "", "", "", "", ""]),
    T.join(["208", "", "", "社会保障和就业支出", "42.95", "35.13", "", "", "", "7.82", ""]),
    T.join(["208", "5", "", "行政事业单位养老支出", "42.95", "35.13", "", "", "", "7.82", ""]),
    T.join(["208", "5", "5", "机关事业单位基本养老保险缴费支出", "42.95", "35.13", "", "", "", "7.82", ""]),
    "",
])


def test_code_split_under_one_heading_moves_the_headings_over_their_data(tmp_path):
    # one 功能分类科目编码 heading, the data printing 类 | 款 | 项 in three cells (款 "6" without its
    # zero): 款 is no 本年收入合计, and the headings after the code sit over their figures again
    table = _table(_doc(tmp_path, JUESUAN_SPLIT), "收入决算表")
    assert _row(table, "财政事务").code == "20106"
    assert _row(table, "事业运行").code == "2010650"
    assert _values(table, "财政事务") == {"本年收入合计": Decimal("264.87"), "财政拨款收入": Decimal("264.87")}
    assert _values(table, "社会保障和就业支出") == {"本年收入合计": Decimal("42.95"), "财政拨款收入": Decimal("35.13"),
                                               "附属单位上缴收入": Decimal("7.82")}
    assert _values(table, "合计") == {"本年收入合计": Decimal("307.82"), "财政拨款收入": Decimal("300.00"),
                                    "附属单位上缴收入": Decimal("7.82")}
    findings = audit(_doc(tmp_path, JUESUAN_SPLIT), list(load_rules().select(["BT", "CT", "FT"]))).findings
    assert [f for f in findings if f.severity == "error"] == []
