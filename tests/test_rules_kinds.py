"""Each rule kind on hand-built tables: what it checks, what it skips, what it reports where."""

import textwrap

from budgetaudit.audit import audit
from budgetaudit.rules import load_pack

BASIC = [("合计",), ("基本支出", "小计"), ("基本支出", "人员经费"), ("基本支出", "公用经费"), ("项目支出",)]
SIDES = [("收入", ("预算数",)), ("支出", ("预算数",))]


def rules(body: str, applies: str = "[预算]"):
    return load_pack(f"pack: 测试\napplies_to: {applies}\nrules:\n" + textwrap.dedent(body), "t.yaml").rules


def findings(doc, rule_list, rounding=False):
    result = audit(doc, rule_list)
    return result.findings + (result.rounding if rounding else [])


def test_check_across_tables_and_skip_when_absent(table_builder, doc_builder):
    rs = rules("""\
        - id: BT901
          title: 收支总表本年支出合计 = 支出总表合计
          check: "收支预算总表[支出:本年支出合计] == 支出预算总表[@total].合计"
    """)
    t1 = table_builder("收支预算总表", SIDES, [("支出", "本年支出合计", ["7,667.28"])], first_line=250)
    t3 = table_builder("支出预算总表", BASIC, [("合计", ["7,667.07", "976.46", "859.54", "116.92", "6,690.61"])],
                       first_line=278)
    (f,) = findings(doc_builder(t1, t3), rs)
    assert f.message == "收支预算总表·本年支出合计 7,667.28 ≠ 支出预算总表·合计·合计 7,667.07（差 0.21 万元）"
    assert [(loc.line, loc.table, loc.column) for loc in f.locations] == [
        (250, "收支预算总表", "预算数"), (278, "支出预算总表", "合计")]
    # Without 支出预算总表 (or with it empty/illegible) the rule is skipped, not failed.
    assert findings(doc_builder(t1), rs) == []
    t3.status = "illegible"
    assert findings(doc_builder(t1, t3), rs) == []


def test_optional_operands_and_alternative_labels(table_builder, doc_builder):
    rs = rules("""\
        - id: BT902
          title: 支出总计 = 本年支出合计 + 年终结转结余
          table: 收支预算总表
          check: "[支出:支出总计] == [支出:本年支出合计] + [支出:年终结转结余|上年结转结余]?"
    """)
    mislabelled = table_builder("收支预算总表", SIDES, [
        ("支出", "本年支出合计", ["100.00"]), ("支出", "上年结转结余", ["5.00"]), ("支出", "支 出 总 计", ["105.00"])])
    assert findings(doc_builder(mislabelled), rs) == []
    without = table_builder("收支预算总表", SIDES, [("支出", "本年支出合计", ["100.00"]), ("支出", "支出总计", ["105.00"])])
    (f,) = findings(doc_builder(without), rs)
    assert f.difference == 5


def test_each_row_names_the_row_and_skips_tables_without_the_column(table_builder, doc_builder):
    rs = rules("""\
        - id: BT903
          title: 合计 = 基本支出 + 项目支出（逐行）
          tables: [支出预算总表]
          each_row: 合计 == 基本支出.小计 + 项目支出
    """)
    t3 = table_builder("支出预算总表", BASIC, [
        ("合计", ["300.00", "100.00", "80.00", "20.00", "200.00"]),
        ("2080501 行政单位离退休", ["23.70", "23.60", "22.60", "1.00", ""]),
    ], first_line=10)
    (f,) = findings(doc_builder(t3), rs)
    assert f.message == "2080501 行政单位离退休：合计 23.70 ≠ 基本支出.小计 23.60（差 0.10 万元）"
    assert {loc.line for loc in f.locations} == {11}
    no_project = table_builder("支出预算总表", [("合计",), ("基本支出", "小计")], [("合计", ["1.00", "2.00"])])
    assert findings(doc_builder(no_project), rs) == []


def test_rollup_codes_by_prefix_within_each_unit(table_builder, doc_builder):
    rs = rules("""\
        - {id: CT901, title: 科目逐级汇总, tables: [支出预算总表], rollup: 科目}
    """)
    t = table_builder("支出预算总表", [("合计",)], [
        ("合计", ["200.00"]),
        ("000001 甲单位", ["100.00"]),
        ("208 社会保障和就业支出", ["100.00"]),
        ("20805 行政事业单位养老支出", ["60.00"]),
        ("20808 抚恤", ["40.00"]),
        ("000002 乙单位", ["100.00"]),
        ("208 社会保障和就业支出", ["100.00"]),
        ("20805 行政事业单位养老支出", ["70.00"]),  # 70 + 40 ≠ 100 in this unit only
        ("20808 抚恤", ["40.00"]),
    ], first_line=1)
    (f,) = findings(doc_builder(t), rs)
    assert f.message == "208 社会保障和就业支出 100.00 ≠ 20805 + 20808 = 110.00（差 10.00 万元）"
    assert [loc.line for loc in f.locations] == [7, 8, 9]


def test_rollup_economic_classes_in_blocks(table_builder, doc_builder):
    rs = rules("""\
        - {id: CT902, title: 科目逐级汇总, tables: [一般公共预算财政拨款基本支出决算表], rollup: 科目}
    """, applies="[决算]")
    t = table_builder("一般公共预算财政拨款基本支出决算表", [("决算数",)], [
        ("人员经费", "301 工资福利支出", ["870.06"]),
        ("公用经费", "302 商品和服务支出", ["158.21"]),
        ("人员经费", "30101 基本工资", ["209.51"]),
        ("公用经费", "30201 办公费", ["4.49"]),
        ("人员经费", "30102 津贴补贴", ["660.55"]),
        ("公用经费", "30202 印刷费", ["153.62"]),
    ])
    doc = doc_builder(t, kind="决算")
    (f,) = findings(doc, rs)
    assert f.message.startswith("302 商品和服务支出 158.21 ≠ 30201 + 30202 = 158.11")


def test_rollup_total_and_units(table_builder, doc_builder):
    rs = rules("""\
        - {id: CT903, title: 合计行, tables: [项目支出预算表], rollup: 合计}
        - {id: CT904, title: 单位小计, tables: [项目支出预算表], rollup: 单位}
    """)
    t = table_builder("项目支出预算表", [("总计",)], [
        ("合计", ["30.00"]),
        ("000001 甲单位", ["12.00"]),
        ("项目一", ["5.00"]),
        ("项目二", ["6.00"]),
        ("000002 乙单位", ["18.00"]),
        ("项目三", ["18.00"]),
    ], first_line=100)
    got = {(f.rule, f.message) for f in findings(doc_builder(t), rs)}
    assert got == {("CT904", "000001 甲单位 12.00 ≠ 项目一 + 项目二 = 11.00（差 1.00 万元）")}


def test_rollup_total_short_of_a_confirmed_figure_suggests_missing_rows(table_builder, doc_builder):
    rs = rules("""\
        - {id: CT905, title: 合计行, tables: [支出经济分类预算表（部门预算）], rollup: 合计}
    """)
    t12 = table_builder("支出经济分类预算表（部门预算）", [("总计",)], [
        ("合计", ["500.00"]), ("301 工资福利支出", ["300.00"]), ("302 商品和服务支出", ["100.00"])])
    t1 = table_builder("收支预算总表", SIDES, [("支出", "本年支出合计", ["500.00"])])
    (f,) = findings(doc_builder(t12, t1), rs)
    assert f.severity == "warning" and "表中可能缺少行" in f.message
    (alone,) = findings(doc_builder(t12), rs)
    assert alone.severity == "error"


def test_rollup_outline_of_side_by_side_tables(table_builder, doc_builder):
    rs = rules("""\
        - {id: CT906, title: 按序号汇总, tables: [财政拨款收支预算总表], rollup: 序号}
    """)
    t4 = table_builder("财政拨款收支预算总表", SIDES, [
        ("收入", "一、本年收入", ["100.00"]), ("支出", "一、本年支出", ["120.00"]),
        ("收入", "（一）一般公共预算拨款收入", ["100.00"]), ("支出", "（一）社会保障和就业支出", ["20.00"]),
        ("支出", "（二）卫生健康支出", ["90.00"]),
        ("收入", "二、上年结转", ["20.00"]),
        ("收入", "（一）一般公共预算拨款收入", ["20.00"]), ("支出", "二、年终结转结余", [""]),
        ("收入", "收 入 总 计", ["120.00"]), ("支出", "支 出 总 计", ["120.00"]),
    ], first_line=1)
    (f,) = findings(doc_builder(t4), rs)
    assert f.message == "一、本年支出 120.00 ≠ 社会保障和就业支出 + 卫生健康支出 = 110.00（差 10.00 万元）"


def test_match_by_code_and_by_label(table_builder, doc_builder):
    rs = rules("""\
        - id: BT904
          title: 支出总表与功能分类表逐科目一致
          match:
            - {table: 支出预算总表, column: 合计}
            - {table: 支出功能分类预算表, column: 总计}
          by: 科目编码
        - id: BT905
          title: 收支总表各功能分类支出 = 支出总表类级合计
          match:
            - {table: 收支预算总表, side: 支出}
            - {table: 支出预算总表, column: 合计, level: 1}
          by: 名称
    """)
    t1 = table_builder("收支预算总表", SIDES, [("支出", "一、卫生健康支出", ["7,453.07"])], first_line=241)
    t3 = table_builder("支出预算总表", BASIC, [
        ("210 卫生健康支出", ["7,453.70", "", "", "", ""]),
        ("2101502 一般行政管理事务", ["175.96", "", "", "", "175.96"])], first_line=286)
    t10 = table_builder("支出功能分类预算表", [("总计",)], [
        ("210 卫生健康支出", ["7,453.70"]), ("2101502 一般行政管理事务", ["175.97"])], first_line=500)
    got = {(f.rule, f.severity, f.message) for f in findings(doc_builder(t1, t3, t10), rs)}
    assert got == {
        ("BT904", "warning", "2101502 一般行政管理事务：支出预算总表·合计 175.96 ≠ 支出功能分类预算表·总计 175.97"
                             "（差 0.01 万元，末位相差 1，可能是万元换算的尾差）"),
        ("BT905", "error", "一、卫生健康支出：收支预算总表 7,453.07 ≠ 支出预算总表·合计 7,453.70（差 0.63 万元）"),
    }


def test_match_accepts_any_of_several_columns(table_builder, doc_builder):
    rs = rules("""\
        - id: BT906
          title: 项目绩效目标表预算资金 = 项目支出表该项目金额
          match:
            - {table: 项目绩效目标表, column: 预算资金情况}
            - {table: 项目支出预算表, column: [总计, 本年收入.合计]}
          by: 名称
    """)
    t9 = table_builder("项目支出预算表", [("总计",), ("本年收入", "合计")], [
        ("医疗保障工作专项经费", ["175.96", "175.75"]), ("其他项目", ["10.00", "10.00"])])
    t17 = table_builder("项目绩效目标表", [("预算资金情况",)], [
        ("医疗保障工作专项经费", ["175.75"]), ("其他项目", ["11.00"])], first_line=560)
    (f,) = findings(doc_builder(t9, t17), rs)
    assert f.message.startswith("其他项目：项目绩效目标表·预算资金情况 11.00 ≠ 项目支出预算表·")
    assert 561 in {loc.line for loc in f.locations}


def test_each_column_and_year_columns(table_builder, doc_builder):
    rs = rules("""\
        - id: BT907
          title: 三公合计
          table: 三公经费预算对比表
          each_column: true
          check: "[合计] == [因公出国（境）费] + [公务接待费] + [公务用车购置及运行费]"
        - id: BT908
          title: 三公表与说明表本年数一致
          check: "三公经费支出表[@total].三公经费合计 == 三公经费预算对比表[合计].金额.{year}年"
    """)
    cmp = table_builder("三公经费预算对比表", [("金额", "2025年"), ("金额", "2026年")], [
        ("合计", ["22.8", "3.0"]), ("1.因公出国（境）费", ["0", "0"]), ("2.公务接待费", ["0", "0"]),
        ("3.公务用车购置及运行费", ["22.8", "4.0"])], first_line=750)
    t7 = table_builder("三公经费支出表", [("三公经费合计",), ("公务接待费",)], [("", ["3.10", ""])], first_line=296)
    got = {(f.rule, f.message) for f in findings(doc_builder(cmp, t7), rs)}
    assert got == {
        ("BT907", "金额.2026年：合计 3.0 ≠ 因公出国（境）费 + 公务接待费 + 公务用车购置及运行费 = 4.0（差 1.0 万元）"),
        ("BT908", "三公经费支出表·三公经费合计 3.10 ≠ 三公经费预算对比表·合计·金额.2026年 3.0（差 0.10 万元）"),
    }


def test_isolated_rounding_gap_in_an_exact_document_is_a_warning(table_builder, doc_builder):
    rs = rules("""\
        - {id: BT909, title: 基本支出, tables: [支出预算总表], each_row: "基本支出.小计 == 人员经费 + 公用经费"}
    """)
    exact_but_one = table_builder("支出预算总表", BASIC, [
        ("合计", ["", "100.01", "80.00", "20.00", ""]), ("208 社会保障和就业支出", ["", "50.00", "40.00", "10.00", ""])])
    (f,) = findings(doc_builder(exact_but_one), rs)
    assert f.severity == "warning" and "该数字可能有误" in f.message
    rounded_everywhere = table_builder("支出预算总表", BASIC, [
        ("合计", ["", "100.01", "80.00", "20.00", ""]), ("208 社会保障和就业支出", ["", "50.01", "40.00", "10.00", ""])])
    result = audit(doc_builder(rounded_everywhere), rs)
    assert result.findings == [] and len(result.rounding) == 2


def test_rollup_levels_finds_rows_missing_from_the_outline(table_builder, doc_builder):
    rs = rules("""\
        - {id: CT905, title: 科目层级完整, severity: warning, tables: [支出预算总表], rollup: 科目层级}
    """)
    t = table_builder("支出预算总表", [("合计",)], [
        ("合计", ["200.00"]),
        ("208 社会保障和就业支出", ["100.00"]),
        ("20805 行政事业单位养老支出", ["60.00"]),
        ("2080501 行政单位离退休", ["60.00"]),
        ("20808 抚恤", ["40.00"]),  # its only 项 (2080801) is gone
        ("221 住房保障支出", ["100.00"]),
        ("2210201 住房公积金", ["100.00"]),  # its 款 (22102) is gone
    ], first_line=1)
    got = [(f.severity, f.message, [loc.line for loc in f.locations]) for f in findings(doc_builder(t), rs)]
    assert got == [
        ("warning", "20808 抚恤：其下没有项级科目行，而表中其他款级科目都列有下级科目（表中可能缺少行）", [5]),
        ("warning", "221 住房保障支出：其下列有 2210201 但没有款级科目行（表中可能缺少行）", [6, 7]),
    ]


def test_rollup_levels_accepts_tables_printed_to_one_level(table_builder, doc_builder):
    rs = rules("""\
        - {id: CT905, title: 科目层级完整, severity: warning, tables: [支出预算总表], rollup: 科目层级}
    """)
    one_level = table_builder("支出预算总表", [("合计",)], [
        ("合计", ["200.00"]),
        ("208 社会保障和就业支出", ["100.00"]),
        ("210 卫生健康支出", ["100.00"]),
    ], first_line=1)
    nothing_to_head = table_builder("支出预算总表", [("合计",)], [
        ("合计", ["100.00"]),
        ("208 社会保障和就业支出", ["100.00"]),
        ("20805 行政事业单位养老支出", ["100.00"]),
        ("210 卫生健康支出", ["0.00"]),  # zero: nothing below it to print
    ], first_line=1)
    assert findings(doc_builder(one_level), rs) == []
    assert findings(doc_builder(nothing_to_head), rs) == []


def test_match_when_and_unless_read_the_documents_totals(table_builder, doc_builder):
    rs = rules("""\
        - id: BT907
          title: 一般公共预算部分不超过全部
          severity: warning
          match:
            - {table: 一般公共预算支出表, column: 合计}
            - {table: 支出预算总表, column: 合计}
          op: "<="
          unless: "收支预算总表[收入:收入总计] == 收支预算总表[收入:一般公共预算拨款收入]"
        - id: BT908
          title: 只有一般公共预算拨款时两表相等
          match:
            - {table: 一般公共预算支出表, column: 合计}
            - {table: 支出预算总表, column: 合计}
          when: ["收入预算总表[@total].总计 == 收入预算总表[@total].本年收入.一般公共预算",
                 "收支预算总表[收入:收入总计] == 收支预算总表[收入:一般公共预算拨款收入]"]
    """)
    t3 = table_builder("支出预算总表", BASIC, [("2101501 行政运行", ["727.79", "", "", "", ""])], first_line=290)
    t5 = table_builder("一般公共预算支出表", BASIC, [("2101501 行政运行", ["700.00", "", "", "", ""])],
                       first_line=341)

    def summary(income: str, public: str) -> object:
        return table_builder("收支预算总表", SIDES, [("收入", "一、一般公共预算拨款收入", [public]),
                                               ("收入", "收入总计", [income])], first_line=240)

    only_public = {(f.rule, f.severity) for f in findings(doc_builder(summary("727.79", "727.79"), t3, t5), rs)}
    # 700.00 ≠ 727.79: the part must be the whole (the first identity's table is absent, the second holds)
    assert only_public == {("BT908", "error")}
    mixed = findings(doc_builder(summary("800.00", "727.79"), t3, t5), rs)
    assert mixed == []  # other funds: only the bound applies, and it holds
    no_summary = findings(doc_builder(t5, t3), rs)
    assert no_summary == []  # when: needs its figures; unless: runs without them (and holds)


def test_match_conditions_are_validated():
    import pytest

    from budgetaudit.rules import RulePackError
    with pytest.raises(RulePackError, match='rule BT909: unknown side "左边"'):
        rules("""\
            - id: BT909
              title: 坏条件
              match:
                - {table: 一般公共预算支出表, column: 合计}
                - {table: 支出预算总表, column: 合计}
              when: "收支预算总表[左边:收入总计] == 1"
        """)
