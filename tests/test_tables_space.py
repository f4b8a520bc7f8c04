"""Space layouts written as plain-text extractors print them: wrapped names, dropped cells, blocks, columns."""

from __future__ import annotations

import textwrap

from budgetaudit.audit import audit
from budgetaudit.loader import load_document
from budgetaudit.rules import load_rules


def _doc(tmp_path, body: str):
    path = tmp_path / "doc.txt"
    path.write_text(textwrap.dedent(body).strip() + "\n", encoding="utf-8")
    return load_document(path)


def _table(doc, kind):
    return next(t for t in doc.tables if t.kind == kind)


def _row(table, code=None, key=None):
    return next(r for r in table.rows if (code is None or r.code == code) and (key is None or r.key == key))


def _values(table, row):
    return {".".join(table.columns[c.column].path): str(c.amount.value) for c in row.cells if c.amount is not None}


CENTRED = """
    一般公共预算财政拨款支出决算表
    单位：万元
    项目
    合计 基本支出 项目支出
    功能分类
    科目名称
    科目编码
    社会保障和就
    208 30.00 30.00 0.00
    业支出
    行政事业单位
    20805 30.00 30.00 0.00
    养老支出
    机关事业单位
    2080505 基本养老保险 20.00 20.00 0.00
    缴费支出
    2080506 职业年金缴费 10.00 10.00 0.00
    合计 30.00 30.00 0.00
"""


# The head of 公开06表 as pdfplumber prints it: two (编码, 名称, 决算数) blocks side by side.
BLOCKS_HEAD = """
        一般公共预算财政拨款基本支出决算表
        单位：万元
        经济分类 经济分类
        科目名称 决算数 科目名称 决算数
        科目编码 科目编码"""


def test_centred_names_wrap_above_and_below_a_code_that_is_never_an_amount(tmp_path):
    t = _table(_doc(tmp_path, CENTRED), "一般公共预算财政拨款支出决算表")
    assert [(r.code, r.name) for r in t.rows] == [
        ("208", "社会保障和就业支出"), ("20805", "行政事业单位养老支出"),
        ("2080505", "机关事业单位基本养老保险缴费支出"), ("2080506", "职业年金缴费"), (None, "合计")]
    assert _values(t, _row(t, "208")) == {"本年支出.小计": "30.00", "本年支出.基本支出": "30.00",
                                          "本年支出.项目支出": "0.00"}


def test_a_broken_sum_in_a_centred_layout_is_reported(tmp_path):
    doc = _doc(tmp_path, CENTRED.replace("2080506 职业年金缴费 10.00 10.00", "2080506 职业年金缴费 10.00 11.00"))
    found = [f for f in audit(doc, load_rules().rules).findings if f.severity == "error"]
    assert any(f.rule.startswith("FT") and any((loc.row or "").startswith("2080506") for loc in f.locations)
               for f in found)


def test_top_aligned_names_continue_below_their_row(tmp_path):
    t = _table(_doc(tmp_path, """
        支出决算表
        单位：万元
        科目编码 科目名称 本年支出合计 基本支出 项目支出
        合计 30.00 30.00
        2080505 机关事业单位基本养老保 20.00 20.00
        险缴费支出
        2080506 机关事业单位职业年金缴 10.00 10.00
        费支出
    """), "支出决算表")
    assert [r.name for r in t.rows] == ["合计", "机关事业单位基本养老保险缴费支出", "机关事业单位职业年金缴费支出"]


def test_side_by_side_rows_with_dropped_cells_are_placed_by_the_sides_sums(tmp_path):
    t = _table(_doc(tmp_path, """
        财政拨款收入支出决算总表
        单位：万元
        收入 支出
        项目 决算数 项目 合计 一般公共预算财政拨款 政府性基金预算财政拨款 国有资本经营预算财政拨款
        一、一般公共预算财政拨款 30.00 一、一般公共服务支出
        二、社会保障和就业支出 30.00 30.00
        本年收入合计 30.00 本年支出合计 30.00 30.00
    """), "财政拨款收入支出决算总表")
    spent = next(r for r in t.rows if r.key == "社会保障和就业支出")
    assert _values(t, spent) == {"合计": "30.00", "一般公共预算财政拨款": "30.00"}


def test_blocks_side_by_side_in_a_space_layout(tmp_path):
    t = _table(_doc(tmp_path, BLOCKS_HEAD + """
        301 工资福利支出 30.00 302 商品和服务支出 5.00
        30101 基本工资 10.00 30201 办公费 2.00
        机关事业单位基本养老保
        30108 20.00 30206 电费 1.00
        险缴费
        30299 其他商品和服务支出 2.00
        人员经费合计 30.00 公用经费合计 5.00
    """), "一般公共预算财政拨款基本支出决算表")
    assert [(r.side, r.code, r.name, _values(t, r)) for r in t.rows] == [
        ("人员经费", "301", "工资福利支出", {"决算数": "30.00"}),
        ("公用经费", "302", "商品和服务支出", {"决算数": "5.00"}),
        ("人员经费", "30101", "基本工资", {"决算数": "10.00"}),
        ("公用经费", "30201", "办公费", {"决算数": "2.00"}),
        ("人员经费", "30108", "机关事业单位基本养老保险缴费", {"决算数": "20.00"}),
        ("公用经费", "30206", "电费", {"决算数": "1.00"}),
        ("公用经费", "30299", "其他商品和服务支出", {"决算数": "2.00"}),
        ("人员经费", None, "人员经费合计", {"决算数": "30.00"}),
        ("公用经费", None, "公用经费合计", {"决算数": "5.00"}),
    ]


def test_numbers_printed_column_by_column_make_the_table_illegible(tmp_path):
    doc = _doc(tmp_path, """
        支出决算表
        单位：万元
        科目编码 科目名称 本年支出合计 基本支出 项目支出
        208
        20805
        社会保障和就业支出
        行政事业单位养老支出
        30.00
        30.00
        30.00
        30.00
        210
        卫生健康支出
        5.00
        5.00
    """)
    t = _table(doc, "支出决算表")
    assert t.status == "illegible" and not t.rows
    found = audit(doc, load_rules().rules).findings
    assert [f.rule for f in found if f.severity != "info"] == ["CC502"]


def test_a_one_row_table_may_print_its_numbers_one_per_line(tmp_path):
    t = _table(_doc(tmp_path, """
        财政拨款“三公”经费支出决算表
        单位：万元
        合计 因公出国（境）费 公务用车购置及运行维护费 公务接待费
        小计 公务用车购置费 公务用车运行维护费
        预算数 决算数 预算数 决算数 预算数 决算数 预算数 决算数 预算数 决算数 预算数 决算数
        2.85
        0.39
        0.00
        0.00
        0.00
        0.00
        0.00
        0.00
        0.00
        0.00
        2.85
        0.39
    """), "三公经费支出决算表")
    assert t.status == "ok" and len(t.rows) == 1
    assert _values(t, t.rows[0])["公务接待费.决算数"] == "0.39"
    assert _values(t, t.rows[0])["合计.预算数"] == "2.85"


def test_numbers_printed_just_below_their_labels(tmp_path):
    doc = _doc(tmp_path, """
        收入支出决算总表
        单位：万元
        收入 支出
        项目 决算数 项目 决算数
        一、一般公共预算财政拨款收入 一、一般公共服务支出
        30.00 30.00
        本年收入合计 本年支出合计
        30.00 30.00
        一般公共预算财政拨款基本支出决算表
        单位：万元
        经济分类 经济分类
        科目名称 决算数 科目名称 决算数
        科目编码 科目编码
        工资福利支出 商品和服务支出
        301 20.00 302 10.00
        人员经费合计 公用经费合计
        20.00 10.00
    """)
    sides = _table(doc, "收入支出决算总表")
    assert [(r.side, r.key, _values(sides, r)) for r in sides.rows] == [
        ("收入", "一般公共预算财政拨款收入", {"金额": "30.00"}), ("支出", "一般公共服务支出", {"金额": "30.00"}),
        ("收入", "本年收入合计", {"金额": "30.00"}), ("支出", "本年支出合计", {"金额": "30.00"})]
    blocks = _table(doc, "一般公共预算财政拨款基本支出决算表")
    assert [(r.side, r.code, r.name, _values(blocks, r)) for r in blocks.rows] == [
        ("人员经费", "301", "工资福利支出", {"决算数": "20.00"}),
        ("公用经费", "302", "商品和服务支出", {"决算数": "10.00"}),
        ("人员经费", None, "人员经费合计", {"决算数": "20.00"}),
        ("公用经费", None, "公用经费合计", {"决算数": "10.00"})]


def test_a_number_no_label_can_take_makes_a_side_by_side_table_illegible(tmp_path):
    doc = _doc(tmp_path, """
        收入支出决算总表
        单位：万元
        收入 支出
        项目 决算数 项目 决算数
        一、一般公共预算财政拨款收入 一、一般公共服务支出
        30.00 20.00
        八、其他收入 八、社会保障和就业支出
        10.00
        本年收入合计 本年支出合计
        30.00 30.00
    """)
    t = _table(doc, "收入支出决算总表")
    assert t.status == "illegible" and not t.rows


def test_whole_amounts_in_yuan_are_not_taken_for_codes(tmp_path):
    t = _table(_doc(tmp_path, """
        支出决算表
        单位：元
        科目编码 科目名称 本年支出合计 基本支出 项目支出
        合计 2363900 2363900
        208
        社会保障和就业支
        出
        2363900 2363900
    """), "支出决算表")
    assert [(r.code, r.name, _values(t, r)) for r in t.rows][1] == (
        "208", "社会保障和就业支出", {"本年支出合计": "236.3900", "基本支出": "236.3900"})


def test_a_code_between_two_pieces_of_its_name_even_with_whole_amounts(tmp_path):
    t = _table(_doc(tmp_path, """
        支出决算表
        单位：元
        科目编码 科目名称 本年支出合计 基本支出 项目支出
        社会保障和就
        208 2363900 2363900
        业支出
        合计 2363900 2363900
    """), "支出决算表")
    assert [(r.code, r.name, _values(t, r)) for r in t.rows][0] == (
        "208", "社会保障和就业支出", {"本年支出合计": "236.3900", "基本支出": "236.3900"})


def test_a_one_row_table_is_checked_across_its_columns(tmp_path):
    body = """
        财政拨款“三公”经费支出决算表
        单位：万元
        合计 因公出国（境）费 公务用车购置及运行维护费 公务接待费
        小计 公务用车购置费 公务用车运行维护费
        预算数 决算数 预算数 决算数 预算数 决算数 预算数 决算数 预算数 决算数 预算数 决算数
        {total} 0.39 0.00 0.00 0.00 0.00 0.00 0.00 0.00 0.00 2.85 0.39
    """

    def errors(total):
        doc = _doc(tmp_path, body.format(total=total))
        return [f.rule for f in audit(doc, load_rules().rules).findings if f.severity == "error"]

    assert errors("2.85") == []
    assert errors("3.85") == ["FT138"]


def test_a_cell_printed_off_its_line_goes_back_to_the_row_it_completes(tmp_path):
    t = _table(_doc(tmp_path, """
        支出决算表
        单位：万元
        科目编码 科目名称 本年支出合计 基本支出 项目支出
        合计 30.00 10.00 20.00
        20139 社会工作事务 30.00 10.00 20.00
        2013950 事业运行 10.00 10.00
        20.00
        2013999 其他社会工作事务支出 20.00
    """), "支出决算表")
    assert [(r.code, _values(t, r)) for r in t.rows][2:] == [
        ("2013950", {"本年支出合计": "10.00", "基本支出": "10.00"}),
        ("2013999", {"本年支出合计": "20.00", "项目支出": "20.00"})]


def test_a_number_no_row_can_take_makes_a_coded_table_illegible(tmp_path):
    t = _table(_doc(tmp_path, """
        支出决算表
        单位：万元
        科目编码 科目名称 本年支出合计 基本支出 项目支出
        合计 30.00 10.00 20.00
        2013950 事业运行 10.00 10.00
        7.00
        2013999 其他社会工作事务支出 20.00 20.00
    """), "支出决算表")
    assert t.status == "illegible"


def test_block_values_printed_off_their_line(tmp_path):
    t = _table(_doc(tmp_path, BLOCKS_HEAD + """
        301 工资福利支出 30.00 302 商品和服务支出 5.00
        30103 奖金
        0.00 30203 咨询费 0.00
        机关事业单位基本
        30108
        养老保险缴费 30.00 30206 电费 5.00
    """), "一般公共预算财政拨款基本支出决算表")
    assert [(r.code, r.name, _values(t, r)) for r in t.rows if r.code in ("30103", "30108")] == [
        ("30103", "奖金", {"决算数": "0.00"}), ("30108", "机关事业单位基本养老保险缴费", {"决算数": "30.00"})]


def test_a_page_number_inside_a_table_is_not_a_stray_cell(tmp_path):
    t = _table(_doc(tmp_path, """
        支出决算表
        单位：万元
        科目编码 科目名称 本年支出合计 基本支出 项目支出
        合计 30.00 10.00 20.00
        2013950 事业运行 10.00 10.00
        12
        2013999 其他社会工作事务支出 20.00 20.00
    """), "支出决算表")
    assert t.status == "ok" and [r.code for r in t.rows] == [None, "2013950", "2013999"]


def test_a_total_whose_label_reads_as_a_heading(tmp_path):
    t = _table(_doc(tmp_path, """
        国有资本经营预算财政拨款支出决算表
        单位：万元
        科目编码 科目名称 本年支出
        合计 基本支出 项目支出
        合计
        30.00 10.00 20.00
        208 社会保障和就业支出 30.00 10.00 20.00
    """), "国有资本经营预算财政拨款支出决算表")
    assert t.status == "ok"
    assert [(r.role, r.key, _values(t, r)["本年支出.合计"]) for r in t.rows] == [
        ("total", "合计", "30.00"), ("item", "社会保障和就业支出", "30.00")]


def test_rows_of_codes_and_amounts_without_names_are_still_rows(tmp_path):
    t = _table(_doc(tmp_path, """
        支出决算表
        单位：万元
        科目编码 科目名称 本年支出合计 基本支出 项目支出
        合计 30.00 30.00
        208 30.00 30.00
        20805 30.00 30.00
        2080505 20.00 20.00
        2080506 10.00 10.00
        2080599 其他行政事业单位养老支出 0.00 0.00
    """), "支出决算表")
    assert t.status == "ok"
    assert [(r.code, _values(t, r)["基本支出"]) for r in t.rows[1:]] == [
        ("208", "30.00"), ("20805", "30.00"), ("2080505", "20.00"), ("2080506", "10.00"), ("2080599", "0.00")]


def test_a_code_printed_against_its_name(tmp_path):
    t = _table(_doc(tmp_path, BLOCKS_HEAD + """
        301 工资福利支出 30.00 302 商品和服务支出 5.00
        30101 基本工资 30.00 30201 办公费 5.00
        310资本性支出 0.00
    """), "一般公共预算财政拨款基本支出决算表")
    assert (_row(t, "310").name, _values(t, _row(t, "310"))) == ("资本性支出", {"决算数": "0.00"})


def test_the_heading_printed_again_on_the_next_page_is_not_a_name(tmp_path):
    t = _table(_doc(tmp_path, """
        支出决算表
        单位：万元
        科目编码 科目名称 本年支出合计 基本支出 项目支出
        合计 30.00 30.00
        2080505 机关事业单位基本养老保 20.00 20.00
        险缴费支出
        科目编码 科目名称 本年支出合计 基本支出 项目支出
        2080506 机关事业单位职业年金缴费支出 10.00 10.00
    """), "支出决算表")
    assert [r.name for r in t.rows] == ["合计", "机关事业单位基本养老保险缴费支出", "机关事业单位职业年金缴费支出"]
