"""The prose rules one by one, on small documents: what is reported, where, and what is not."""

from __future__ import annotations

from functools import cache
from unittest.mock import patch

import pytest

from budgetaudit import reading
from budgetaudit.amounts import normalize
from budgetaudit.audit import audit
from budgetaudit.model import Document, Line, Table, TocEntry
from budgetaudit.rules import load_rules


@cache
def _rules():
    return {r.id: r for r in load_rules().rules}


def check(text: str, rules: str, tables: list[Table] | None = None, kind: str = "预算", year: int | None = 2026,
          toc: list[TocEntry] | None = None):
    """Audit ``text`` (one string, lines split on newlines) with the rules whose ids are listed."""
    lines = [Line(i + 1, normalize(raw), raw) for i, raw in enumerate(text.split("\n"))]
    doc = Document(path="t.txt", lines=lines, kind=kind, year=year, tables=tables or [], toc=toc or [])
    # ``text`` is an excerpt of a disclosure: the gate that keeps other files out (CC507, which
    # counts the vocabulary of a whole 情况说明) is not what these tests are about.
    with patch.object(reading, "is_disclosure", return_value=True):
        return audit(doc, [_rules()[r] for r in rules.split()])


def found(result) -> list[tuple[str, str, int]]:
    return [(f.rule, f.severity, f.locations[0].line) for f in result.findings]


# ------------------------------------------------------------------ CN401 parts


def test_parts_exceeding_their_total_are_an_error_even_in_a_partial_list():
    r = check("“三公”经费预算数 5.40 万元，其中：公务接待费 0.10 万元，公务用车运行费 5.40 万元。", "CN401")
    assert found(r) == [("CN401", "error", 1)]
    assert "5.50" in r.findings[0].message and "大于合计" in r.findings[0].message


def test_a_partial_其中_may_add_up_to_less_but_an_announced_numbered_list_may_not():
    partial = "上年结转结余 1306.07 万元，其中：纳入一般公共预算管理的超收非税收入 0 万元。"
    assert found(check(partial, "CN401")) == []
    listed = "(二) 支出预算 7667.28 万元，其中：\n1. 基本支出 976.46 万元；\n2. 项目支出 6690.00 万元。"
    assert found(check(listed, "CN401")) == [("CN401", "error", 1)]


def test_parts_within_printed_precision_are_not_an_error():
    text = "基本支出 1,041.24 万元，其中：工资福利支出870.06万元；商品和服务支出158.21万元；对个人和家庭的补助12.96万元。"
    assert found(check(text, "CN401")) == []


def test_a_counted_total_and_its_parts():
    text = "共有车辆 3 辆，其中：一般公务用车 1 辆、一般执法执勤用车 1 辆。"
    r = check(text, "CN401")
    assert found(r) == [("CN401", "error", 1)] and "= 2 辆" in r.findings[0].message


# ------------------------------------------------------------------ CN402 shares


def test_a_share_that_is_not_part_over_whole():
    text = "(一) 收入总计 8,866.30 万元,包括:\n- 1. 财政拨款收入 3,336.53 万元,占收入总计的 36.63%。"
    r = check(text, "CN402")
    assert found(r) == [("CN402", "error", 2)]
    assert "37.63%" in r.findings[0].message and "36.63%" in r.findings[0].message


def test_a_truncated_share_is_rounding_and_execution_rates_use_the_stated_budget():
    truncated = "本年支出合计 9759.38 万元。\n一般公共预算财政拨款支出 9746.50 万元，占本年支出合计的 99.86%。"
    r = check(truncated, "CN402")
    assert r.findings == [] and [f.severity for f in r.rounding] == ["info"]
    execution = "项目全年预算数为205.24万元,执行数为 196.48 万元,完成预算的 96.73%。"
    assert found(check(execution, "CN402")) == [("CN402", "error", 1)]


def test_shares_of_the_classes_listed_after_主要用于以下方面():
    text = (
        "一般公共预算财政拨款支出 9746.50 万元，主要用于以下方面:社会保障和就业支出（类）754.75 万元，占 77.4%;"
        "卫生健康支出（类）236.63 万元，占 2.43%。"
    )
    r = check(text, "CN402", kind="决算", year=2024)
    assert found(r) == [("CN402", "error", 1)]
    assert r.findings[0].message == (
        "第1行：社会保障和就业支出（类） 754.75 万元 ÷ 一般公共预算财政拨款支出 9,746.50 万元 = 7.74%，说明写为 77.4%"
    )


def test_an_execution_rate_after_the_budget_and_the_outturn_of_an_item():
    text = "5、住房保障支出（类）。年初预算为 0.88 万元，支出决算为 0.80 万元。完成年初预算的 100.00%。"
    r = check(text, "CN402", kind="决算", year=2024)
    assert found(r) == [("CN402", "error", 1)] and "= 90.91%" in r.findings[0].message


def test_a_share_of_the_whole_named_at_the_head_of_the_sentence_uses_the_table(table_builder):
    table = table_builder("三公经费支出决算表", [("预算数",), ("决算数",)], [("合计", ["2.85", "0.39"])], first_line=30)
    text = "“三公”经费财政拨款支出决算中，公务用车购置及运行维护费支出决算 0.00 万元，占 0.00%;公务接待费支出决算 0.30 万元，占100.00%。"
    r = check(text, "CN402", [table], kind="决算", year=2024)
    assert found(r) == [("CN402", "error", 1)]
    assert "公务接待费支出决算 0.30 万元 ÷ 三公经费财政拨款支出决算 0.39 万元 = 76.92%" in r.findings[0].message


def test_an_execution_rate_against_the_words_that_compare_outturn_and_budget():
    wrong = "行政单位离退休(项)13.54万元,完成年初预算的999.3%,决算数小于年初预算数的原因主要是:与年初预算持平。"
    r = check(wrong, "CN402", kind="决算", year=2024)
    assert found(r) == [("CN402", "error", 1)]
    assert r.findings[0].message == "第1行：完成预算的 999.3%，却写“决算数小于年初预算数”"
    fine = (
        "公务接待费 0.43 万元，完成预算的 35.83%，决算数小于预算数的主要原因是节约开支。"
        "因公出国(境)费 0.00万元，完成预算的 0.00%，决算数持平预算数的主要原因是未发生因公出国(境)业务。"
    )
    assert found(check(fine, "CN402", kind="决算", year=2024)) == []


# ------------------------------------------------------------------ CN403 / CN404 changes


def test_a_growth_rate_off_by_ten_and_a_consistent_one():
    wrong = "2026 年收支预算 1,681.43 万元，比上年增加 1.23 万元，增加 0.73%。"
    r = check(wrong, "CN403")
    assert found(r) == [("CN403", "error", 1)] and "0.07%" in r.findings[0].message
    right = "机关运行经费支出 158.21 万元，比上年减少 23.01 万元，下降 12.70%。"
    assert found(check(right, "CN403")) == []


def test_directions_that_contradict_and_持平_with_a_change():
    assert found(check("收入总计 100.00 万元，比上年增加 10.00 万元，下降 11.11%。", "CN403")) == [("CN403", "error", 1)]
    assert found(check("公务接待费 1.20 万元，与上年持平，增加 0.20 万元。", "CN403")) == [("CN403", "error", 1)]


def test_a_stated_prior_year_figure_must_give_the_stated_change():
    text = "2026 年度收支总预算 279489.94 万元，比 2025 年度收支总预算 265106.96 万元，增加 14482.98 万元。"
    r = check(text, "CN403")
    assert found(r) == [("CN403", "error", 1)] and "14,382.98" in r.findings[0].message


def test_two_statements_of_one_change():
    same = "支出总计 7,078.30 万元。\n与上年相比，今年支出增加2,505.43万元，增长54.79%。\n今年支出总计比上年增加 2,505.50 万元，增长 54.79%。"
    assert found(check(same, "CN404")) == [("CN404", "error", 3)]
    other = "支出总计 7,078.30 万元。\n与上年相比，今年支出增加2,505.43万元，增长54.79%。\n财政拨款支出 7,078.30 万元，比上年增加 2,505.50 万元，增长 54.79%。"
    r = check(other, "CN404")
    assert found(r) == [("CN404", "warning", 3)] and "口径" in r.findings[0].message


# ------------------------------------------------------------------ CN405 definitions


def test_definition_checked_against_the_prose_then_the_tables(table_builder):
    text = "人员经费（即工资福利支出与对个人和家庭补助支出之和）1512.69 万元，主要包括：基本工资。"
    table = table_builder(
        "一般公共预算基本支出表",
        [("合计",), ("人员经费",), ("公用经费",)],
        [("合计", ["1606.73", "1512.69", "94.04"]), ("301 工资福利支出", ["1473.42", "1473.42", ""]),
         ("303 对个人和家庭的补助", ["18.75", "18.75", ""])],
        first_line=10,
    )
    r = check(text, "CN405", [table])
    assert found(r) == [("CN405", "error", 1)] and "1,492.17" in r.findings[0].message
    assert {loc.line for loc in r.findings[0].locations} == {1, 11, 12}


# ------------------------------------------------------------------ CN406 arithmetic


@pytest.mark.parametrize(
    "text",
    [
        "400*3*12.5=15000元",
        "61天*400元/天*4人=9.76万元",
        "12500万元*3%*12月＝4500万元",
        "400元/人*10万人=4000万元",
        "700元*75万人*10%=5250万元",
        "175人*1.4万元\n=245万元",
    ],
)
def test_arithmetic_that_holds(text):
    r = check(text, "CN406")
    assert r.findings == [] and r.rounding == []


def test_arithmetic_truncated_or_rounded_is_info_and_a_wrong_result_is_an_error():
    r = check("6人*7天*160元/天*3次=2.01万元，184个*90元=1.66万元", "CN406")
    assert r.findings == [] and {f.message.split("（")[1] for f in r.rounding} == {"截尾取舍，不是错误）", "四舍五入，不是错误）"}
    r = check("预计安排专家复核\n61天*400元/天*4人=9.67万元。", "CN406")
    assert found(r) == [("CN406", "error", 2)] and "9.76" in r.findings[0].message


# ------------------------------------------------------------------ CN407 units


def test_a_figure_whose_digits_the_tables_print_in_wanyuan(table_builder):
    table = table_builder("收支预算总表", [("收入", ("预算数",)), ("支出", ("预算数",))],
                          [("收入", "收 入 总 计", ["1,681.43"])], first_line=20)
    r = check("（一）收入预算 1,681.43 元，其中：", "CN407", [table])
    assert found(r) == [("CN407", "error", 1)] and [loc.line for loc in r.findings[0].locations] == [1, 20]
    assert found(check("2026 年“三公”经费预算数 3 元。", "CN407", [table_builder(
        "三公经费支出表", [("三公经费合计",)], [("总计", ["3.00"])], first_line=30)])) == [("CN407", "error", 1)]


def test_a_total_below_one_wanyuan_in_yuan_and_small_unnamed_sums_in_yuan():
    assert found(check("收入预算 1,681.43 元。", "CN407")) == [("CN407", "error", 1)]
    assert found(check("差旅费标准为 500 元，每人补助 1,200 元。", "CN407")) == []


def test_one_figure_of_a_list_in_元_whose_digits_in_万元_make_the_list_add_up():
    part = "政府采购金额（以合同签订为准）为 2319.21 万元，其中:货物采购金额 122.43元、工程采购金额 1387.72 万元、服务采购金额 809.07 万元。"
    r = check(part, "CN407", kind="决算", year=2024)
    assert found(r) == [("CN407", "error", 1)]
    assert r.findings[0].message.startswith("第1行：货物采购金额 122.43 元，按万元计才与合计 政府采购金额（以合同签订为准） 2,319.21 万元相符")
    total = "政府采购金额为 2319.21 元，其中:货物采购金额 122.43万元、工程采购金额 1387.72 万元、服务采购金额 809.07 万元。"
    assert "所列分项之和 2,319.22 万元" in check(total, "CN407", kind="决算", year=2024).findings[0].message
    # 500 元 is 0.05 万元: the list adds up as written.
    assert found(check("差旅费 2.05 万元，其中：住宿费 500 元，交通费 2.00 万元。", "CN407")) == []


def test_a_rate_over_a_zero_base_is_written_100_percent():
    wrong = "收入支出总计307.82万元。与 2023 年度相比，收入支出总计增加 307.82 万元，增长1000.0%。"
    r = check(wrong, "CN403", kind="决算", year=2024)
    assert found(r) == [("CN403", "error", 1)] and "上年为 0，增幅只能写为 100%（或不写），说明写为 1000.0%" in r.findings[0].message
    right = "机关运行经费支出 10.23 万元，比 2023 年度增加 10.23 万元，增长 100.00%。"
    assert found(check(right, "CN403", kind="决算", year=2024)) == []


# ------------------------------------------------------------------ CN408 years


def test_a_year_copied_from_last_year_and_the_contexts_that_allow_it():
    text = "\n".join(
        [
            "2026 年度单位预算",
            "2026 年收支总预算 1,681.43 万元。",
            "鞍山市医疗保障事务服务中心 2025 年财政拨款收支总预算 1,681.43 万元。",
            "截止 2025 年 12 月，共有车辆 3 辆。比 2025 年度预算数减少 19.8 万元。",
            "根据〔2025〕3号文件，2025 年结转资金 10.00 万元。",
        ]
    )
    r = check(text, "CN408")
    assert found(r) == [("CN408", "error", 3)]
    assert "2025" in r.findings[0].message and "2026" in r.findings[0].message


def test_a_wrong_title_year_is_outvoted_by_the_figures():
    text = "2025 年度单位预算\n2026 年收支总预算 1,681.43 万元。\n2026 年基本支出 976.46 万元。"
    r = check(text, "CN408", year=2025)
    assert found(r) == [("CN408", "error", 1)] and "标题" in r.findings[0].message


def test_a_sentence_without_a_figure_copied_from_last_year_is_a_warning():
    text = "\n".join(
        [
            "2026 年度单位预算",
            "2026 年收支总预算 1,681.43 万元。",
            "本单位 2025 年度无政府性基金预算财政拨款支出。",
            "2025 年，本单位应编制部门整体绩效目标共 1 个。",
            "2026 年预算收支比上年减少 427.49 万元，比 2025 年度预算数减少 19.8 万元。",
            "本办法自2025年2月14日起施行，依据《2025年预算编制办法》和 2025 年以来的执行情况。",
            "单位于 2025 年成立，截至 2025 年末共有车辆 3 辆。",
            "自 2023 年起实施预算绩效管理，2025 年底前完成预算项目清理，从 2024 年开始编制项目绩效目标。",
        ]
    )
    r = check(text, "CN408")
    assert found(r) == [("CN408", "warning", 3), ("CN408", "warning", 4)]
    assert "“本单位 2025 年度无政府性基金预算财政拨款支出”写的是 2025 年，本文件是 2026 年预算" in r.findings[0].message


# ------------------------------------------------------------------ CN409 leftovers


@pytest.mark.parametrize(
    "line",
    [
        "四、“三公”经费预算情况说明（请注意增减原因要与数字逻辑关系相符）",
        "20XX 年收支总预算 XX 万元。",
        "比上年增加 5.00 万元，下降（增长）3.00%。",
        "公务接待费与上年相比增加持平。",
        "请填写单位职责。",
        "基本支出 xxx 万元。",
        "收入预算 x,xxx 万元。",  # the patterns with look-arounds: found past the whole-text probe
        "机关运行经费 12.00 万元（持平），主要用于办公。",
    ],
)
def test_drafting_notes_and_placeholders(line):
    assert [f[0] for f in found(check(line, "CN409"))][:1] == ["CN409"]


@pytest.mark.parametrize(
    "line",
    ["DRG/DIP 付费改革", "（辽医保办〔2019〕3号）", "第一条 为推进和规范预算信息公开工作，（此件公开发布）", "XXL 码服装"],
)
def test_ordinary_text_is_not_a_leftover(line):
    assert found(check(line, "CN409")) == []


@pytest.mark.parametrize(
    ("pattern", "probe"),
    [
        (r"(?<![A-Za-z0-9])[xX×][,，][xX×]{3}(?![A-Za-z0-9])", r"[xX×][,，][xX×]{3}"),
        # the emptied group and the optional space before the rest go: a search can skip ahead
        (r"(?:(?<=元)|(?<=%))\s*[（(]\s*持平", r"[（(]\s*持平"),
        (r"a(?:(?<=b)|(?<=c)){2}d", "a(?:|){2}d"),  # a quantified group stays where it binds
        (r"^\bXX$[]^$(]\$", r"XX[]^$(]\$"),  # anchors go; a class and an escaped $ stay
        (r"x(?=y){2}", None),  # a quantified look-around: no probe, every paragraph is tried
    ],
)
def test_a_leftover_pattern_probe_matches_wherever_the_pattern_does(pattern, probe):
    from budgetaudit.rules.kinds.prose_leftover import _without_context

    assert _without_context(pattern) == probe


# ------------------------------------------------------------------ CN410 counts


def test_a_project_count_against_the_project_table(table_builder):
    table = table_builder("项目支出预算表", [("总计",)],
                          [("合计", ["10.00"]), ("医疗保障工作专项经费", ["4.00"]), ("能力提升补助资金", ["6.00"])],
                          first_line=40)
    assert found(check("纳入预算绩效管理的项目共 2 个，涉及资金 10.00 万元。", "CN410", [table])) == []
    r = check("纳入预算绩效管理的项目共 3 个，其中：一般公共预算项目 3 个。", "CN410", [table])
    assert found(r) == [("CN410", "error", 1)] and "3 个" in r.findings[0].message


# ------------------------------------------------------------------ BN3xx prose against tables


def _basic(table_builder, staff="859.54", public="116.92"):
    return table_builder(
        "支出预算总表",
        [("合计",), ("基本支出", "小计"), ("基本支出", "人员经费"), ("基本支出", "公用经费"), ("项目支出",)],
        [("合计", ["7,667.28", "976.46", staff, public, "6,690.82"])],
        first_line=50,
    )


def test_a_prose_figure_against_the_table_figure_it_names(table_builder):
    r = check("1. 基本支出 976.46 万元；\n2. 项目支出 6690.28 万元。", "BN306 BN307", [_basic(table_builder)])
    assert found(r) == [("BN307", "error", 2)]
    assert "6,690.28" in r.findings[0].message and "6,690.82" in r.findings[0].message


def test_one_unit_in_the_last_digit_is_a_tail_difference(table_builder):
    r = check("基本支出 976.47 万元。", "BN306", [_basic(table_builder)])
    assert found(r) == [("BN306", "warning", 1)] and "尾差" in r.findings[0].message


def test_a_figure_in_yuan_is_left_to_the_unit_rule(table_builder):
    r = check("基本支出 976.46 元。", "BN306 CN407", [_basic(table_builder)])
    assert [f[0] for f in found(r)] == ["CN407"]


def test_机关运行经费_is_a_warning_with_its_scope_and_any_candidate_matches(table_builder):
    table = _basic(table_builder)
    assert found(check("机关运行经费预算为116.92万元。", "BN330", [table])) == []
    assert found(check("机关运行经费支出 0 万元。", "BN330", [table])) == []
    r = check("机关运行经费预算为116.42万元。", "BN330", [table])
    assert found(r) == [("BN330", "warning", 1)] and "口径" in r.findings[0].message


def test_a_claim_without_a_table_figure_is_not_a_finding():
    assert found(check("基本支出 976.46 万元。预留面向中小企业采购份额 0 万元。", "BN306 BN331")) == []


# ------------------------------------------------------------------ CC5xx completeness


def test_tables_promised_absent_illegible_or_empty_without_a_note():
    toc = [TocEntry("十九、国有资本经营预算支出表", 5, "国有资本经营预算支出表"),
           TocEntry("二、收入预算总表", 6, "收入预算总表"), TocEntry("八、政府性基金预算支出表", 7, "政府性基金预算支出表")]
    tables = [
        Table(kind="收入预算总表", title="收入预算总表", number="表2", status="illegible", first_line=20, last_line=25),
        Table(kind="政府性基金预算支出表", title="政府性基金预算支出表", number="表8", status="empty", first_line=30,
              last_line=35, empty_note=False),
    ]
    r = check("目录", "CC501 CC502 CC503", tables, toc=toc)
    assert found(r) == [("CC501", "error", 5), ("CC502", "warning", 20), ("CC503", "warning", 30)]
    tables[1].empty_note = True
    assert [f[0] for f in found(check("目录", "CC503", tables, toc=toc))] == []


def test_a_table_number_skipped_without_a_toc_entry():
    tables = [
        Table(kind="政府性基金预算支出表", title="t", number="表8", status="empty", first_line=10, last_line=12, empty_note=True),
        Table(kind="支出功能分类预算表", title="t", number="表10", status="ok", first_line=20, last_line=30),
    ]
    r = check("目录", "CC504", tables)
    assert found(r) == [("CC504", "warning", 20)] and "项目支出预算表" in r.findings[0].message
    toc = [TocEntry("九、项目支出预算表", 3, "项目支出预算表")]
    assert found(check("目录", "CC504", tables, toc=toc)) == []  # CC501 reports it


def test_持平_in_one_clause_is_not_contradicted_by_another_clause():
    text = "“三公”经费比 2023 年度减少 0.15 万元，下降 27.78%，其中:因公出国（境）费支出与上一年度持平;公务接待费支出减少 0.15 万元。"
    assert found(check(text, "CN403")) == []


def test_a_count_against_the_names_listed_before_it():
    ok = "(二) 分支机构。和平、沈河、皇姑 3 个分中心为副处级分支机构；新民和法库 2 个分中心为正科级分支机构。"
    assert found(check(ok, "CN411")) == []
    text = "因此“政府性基金预算支出表”“债务支出预算表”、“国有资本经营预算支出表”，4 张表中没有数据。"
    r = check(text, "CN411")
    assert found(r) == [("CN411", "error", 1)] and "3 个名称" in r.findings[0].message
    # Figures in the list: not a list of names.
    assert found(check("其中：一般公务用车 2 辆、执法执勤用车 1 辆，共 4 个。", "CN411")) == []


def test_the_same_figure_stated_twice():
    text = "在支出预算中，政府采购支出 19.3 万元。\n（二）政府采购预算安排情况\n2026 年政府采购预算 18.3 万元。"
    r = check(text, "CN404")
    assert found(r) == [("CN404", "error", 3)] and "19.3" in r.findings[0].message


def test_an_increase_larger_than_this_year_figure():
    r = check("公务接待费 0.43 万元。2024年公务接待费比上年增加 1.29 万元,增长 198.00%。", "CN403")
    assert found(r) == [("CN403", "error", 1)] and "负数" in r.findings[0].message


def test_project_funds_against_the_project_table(table_builder):
    table = table_builder("项目支出预算表", [("总计",), ("本年收入", "合计")],
                          [("合计", ["6,690.82", "5,384.75"]), ("专项经费", ["6,690.82", "5,384.75"])], first_line=40)
    ok = "纳入预算绩效管理的项目共 1 个，涉及资金 5384.75 万元。"
    assert found(check(ok, "BN336", [table])) == []
    r = check("纳入预算绩效管理的项目共 1 个，涉及资金 5483.75 万元。", "BN336", [table])
    assert found(r) == [("BN336", "error", 1)]


def test_an_empty_table_says_its_figures_are_zero():
    empty = Table(kind="债务支出预算表", title="债务支出预算表", number="表13", status="empty", first_line=60,
                  last_line=62, empty_note=True)
    assert found(check("在支出预算中债务支出 0 万元。", "BN333", [empty])) == []
    r = check("在支出预算中债务支出 12.00 万元。", "BN333", [empty])
    assert found(r) == [("BN333", "error", 1)] and [loc.line for loc in r.findings[0].locations] == [1, 60]


def test_another_years_figure_that_is_not_this_years_is_only_a_warning(table_builder):
    table = table_builder("三公经费支出表", [("三公经费合计",)], [("总计", ["3.00"])], first_line=30)
    text = "2026 年收支总预算 1,681.43 万元。\n2026 年基本支出 976.46 万元。\n2025 年“三公”经费预算数 22.8 万元。\n2025 年“三公”经费预算数 3 万元。"
    r = check(text, "CN408", [table])
    assert found(r) == [("CN408", "warning", 3), ("CN408", "error", 4)]


# ------------------------------------------------------------------ CN412 coverage


def test_a_coverage_rate_contradicting_its_counts():
    text = (
        "2026 年应编制部门（单位）整体绩效目标共 1 个，实际编制部门（单位）整体绩效目标共 2 个，编制覆盖率"
        "（实际编制部门（单位）整体绩效目标/应编制部门（单位）整体绩效目标）为 100%。\n"
        "2026 年应编制绩效目标的项目共 17 个，实际编制绩效目标的项目共 17 个，涉及资金 272946.83 万元，"
        "项目覆盖率（实际编制绩效目标的数量 / 应编制绩效目标的数量）为 100%。\n"
        "应编制绩效目标的项目共 3 个，实际编制 2 个，覆盖率为 66.67%。"
    )
    r = check(text, "CN412")
    assert found(r) == [("CN412", "error", 1)]
    assert r.findings[0].message == "第1行：应编制部门（单位）整体绩效目标 1 个，实际编制 2 个，覆盖率应为 200%，说明写为 100%"


# ------------------------------------------------------------------ CN413 outturn against budget


def test_the_words_comparing_outturn_and_budget_against_the_two_figures():
    text = "\n".join(
        [
            "2、一般公共服务支出（类）社会工作事务（款）事业运行（项）。全年预算为 17.68 元，支出决算为 11.31 万元。"
            "决算数小于全年预算数的主要原因:单位 2024 年新成立。",
            "3、其他社会工作事务支出（项）。全年预算为 202.24 万元，支出决算为 202.24 万元。决算数与全年预算数持平。",
            "4、行政单位医疗（项）。全年预算为 2.23 万元，支出决算为 2.22 万元，完成全年预算数的 99.55%。决算数小于全年预算数。",
            "5、购房补贴（项）。全年预算为 11.72 万元，支出决算为 11.27 万元。决算数与全年预算数持平。",
        ]
    )
    r = check(text, "CN413", kind="决算", year=2024)
    assert found(r) == [("CN413", "error", 1), ("CN413", "error", 4)]
    assert r.findings[0].message == "第1行：全年预算 17.68 元、支出决算 11.31 万元，却写“决算数小于全年预算数”"
    assert r.findings[1].message == "第4行：全年预算 11.72 万元、支出决算 11.27 万元，却写“决算数与全年预算数持平”"


def test_a_note_in_parentheses_after_a_sentence_does_not_join_the_next_paragraph():
    text = "\n".join(
        [
            "2026 年收支总预算 1,681.43 万元。",
            "2026 年基本支出 1,606.73 万元。",
            "2. 项目支出 74.70 万元。（详见《2025年度部门预算公开说明》）",
            "在支出预算中，其中卫生健康支出 1,309.94 万元，住房保障支出 165.28 万元。",
        ]
    )
    assert found(check(text, "CN401 CN408")) == []


def test_a_count_against_the_names_listed_under_its_heading_further_on():
    text = (
        "本中心为二级预算单位。设 {n} 个副处级内设机构、10 个副处级分支机构和 3 个正科级分支机构。\n"
        "(一) 内设机构。综合办公室、党群人事部、基金财务部、基金拨付部、内部控制部、定点药店服务部、定点医疗机构服务部、"
        "单位参保部、居民参保部、医疗生育审核部、结算部、政策咨询部、信息技术服务部和公共业务服务部。\n"
        "(二) 分支机构。和平、沈河、皇姑、大东、铁西、浑南、于洪、沈北、苏家屯、辽中 10 个分中心为副处级分支机构;"
        "新民、法库、康平 3 个分中心为正科级分支机构。"
    )
    assert found(check(text.format(n=14), "CN411")) == []
    r = check(text.format(n=15), "CN411")
    assert found(r) == [("CN411", "error", 1)]
    assert r.findings[0].message == "第1行：15 个副处级内设机构，第2行列出 14 个名称（综合办公室、党群人事部、基金财务部…）"
