"""Claims read from the prose: labels, amounts, groups, shares, changes, counts, arithmetic."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from budgetaudit.amounts import normalize
from budgetaudit.model import Document, Line, Table
from budgetaudit.narrative import Claim, claims

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def doc(text: str, tables: list[Table] | None = None, year: int | None = 2026) -> Document:
    lines = [Line(i + 1, normalize(raw), raw) for i, raw in enumerate(text.split("\n"))]
    return Document(path="t.txt", lines=lines, kind="预算", year=year, tables=tables or [])


def amounts(cs: list[Claim]) -> list[tuple[int, str | None, Decimal]]:
    return [(c.line, c.canonical, c.amount.value) for c in cs if c.kind == "amount" and c.amount]


def only(cs: list[Claim], kind: str) -> list[Claim]:
    return [c for c in cs if c.kind == kind]


# ------------------------------------------------------------------ what is an amount


def test_labelled_amount_is_normalised_to_wanyuan_with_its_printed_unit():
    cs = claims(doc("（一）收入预算 1,681.43 元，其中：\n1. 基本支出 976.46 万元；"))
    first, second = only(cs, "amount")
    assert (first.label, first.canonical, first.amount.unit) == ("收入预算", "收入总计", "元")
    assert first.amount.value == Decimal("0.168143") and first.amount.decimals == 2
    assert (second.line, second.canonical, second.amount.value) == (2, "基本支出", Decimal("976.46"))
    assert second.parent == first.id and second.listed == "list"


def test_span_points_at_the_figure_in_its_line():
    cs = claims(doc("2026 年一般公共预算拨款收入 6361.21 万元。"))
    (c,) = only(cs, "amount")
    assert c.line == 1
    assert "2026 年一般公共预算拨款收入 6361.21 万元。"[c.span[0] : c.span[1]] == "6361.21 万元"


@pytest.mark.parametrize(
    "text",
    [
        "鞍山市医疗保障事务服务中心预决算信息公开管理办法 鞍医保中心〔2019〕3号",
        "根据抚人社发【2016】115号文件，离休干部医疗费定额标准提高",
        "2019年2月14日",
        "联系电话：024-22853017，邮编 110001",
        "完成时限 2026-12，预算绩效目标覆盖率 ≥95%，完成时限 12 个月",
        "单位价值 100 万元以上的设备 0 台，单价 100 万元（含）以上的设备",
        "第 3 页 共 12 页",
        "按专家评审费每人每天400元计算",
    ],
)
def test_years_dates_codes_phones_targets_thresholds_and_rates_are_never_amounts(text):
    assert amounts(claims(doc(text))) == []


def test_a_sentence_wrapped_over_lines_is_read_as_one_and_reported_where_the_number_is():
    text = "2026 年收支预算 1,681.43 万元，比上年增加 1.23 万元，增加\n\n0.73%，增加的主要原因：职工薪级工资增长。"
    (change,) = only(claims(doc(text)), "change")
    assert change.line == 1 and change.amount.value == Decimal("1.23")
    assert change.percent.value == Decimal("0.73") and change.extra["percent_line"] == 3
    assert change.direction == "增加" and change.percent_direction == "增加"


def test_pdf_spaces_inside_numbers_and_units_are_closed():
    cs = claims(doc("6. 其他收入 0. 21 万元, 占收入总计的 0. 00%。项目全年预算数为205.24万 元"))
    assert [(c.canonical, c.amount.value) for c in only(cs, "amount")] == [
        ("其他收入", Decimal("0.21")),
        (None, Decimal("205.24")),
    ]


# ------------------------------------------------------------------ groups


def test_enumerated_items_under_a_total_and_nested_inline_parts():
    text = "\n".join(
        [
            "(一) 收入预算 7667.28 万元，其中：",
            "1. 一般公共预算拨款收入 6361.21 万元；",
            "2. 单位资金收入 0 万元，其中：事业收入 0 万元，其他收入 0 万元；",
            "3. 上年结转结余 1306.07 万元，其中：一般公共预算资金 1305.86 万元，单位资金 0.21 万元。",
            "(二) 支出预算 7667.28 万元，其中：",
            "1. 基本支出 976.46 万元；",
        ]
    )
    cs = only(claims(doc(text)), "amount")
    by_line = {}
    for c in cs:
        by_line.setdefault(c.line, []).append(c)
    total = by_line[1][0]
    assert [c.parent for c in (by_line[2][0], by_line[3][0], by_line[4][0])] == [total.id] * 3
    assert [c.parent for c in by_line[3][1:]] == [by_line[3][0].id] * 2
    # Parts of 上年结转结余 are named relative to it, not as this year's revenue sources.
    assert [c.canonical for c in by_line[4][1:]] == ["上年结转结余.一般公共预算", "上年结转结余.单位资金"]
    assert by_line[6][0].parent == by_line[5][0].id


def test_a_sub_list_belongs_to_the_item_above_it():
    text = "\n".join(
        [
            "2026 年“三公”经费预算数 5.4 万元，与上一年持平。其中：",
            "1. 因公出国（境）费 0 万元，与上年持平。",
            "2. 公务接待费 0.1 万元，与上年持平。",
            "3. 公务用车购置及运行费 5.4 万元，与上年持平。",
            "(1) 公务用车购置 0 万元，与上年持平。",
            "(2) 公务用车运行费 5.4 万元，与上年持平。",
        ]
    )
    cs = only(claims(doc(text)), "amount")
    names = {c.canonical: c for c in cs}
    assert names["因公出国（境）费"].parent == names["三公经费"].id
    assert names["公务接待费"].parent == names["三公经费"].id
    assert names["公务用车购置费"].parent == names["公务用车购置及运行费"].id
    assert names["公务用车运行费"].parent == names["公务用车购置及运行费"].id


def test_a_semicolon_ends_a_list_unless_the_next_piece_is_another_part():
    text = (
        "2026年安排政府采购预算0万元，具体为货物0万元，服务0万元，工程0万元；"
        "预留面向中小企业采购份额0万元，其中预留给小微企业0万元。"
    )
    cs = only(claims(doc(text)), "amount")
    assert [c.canonical for c in cs if c.parent == cs[0].id] == ["政府采购.货物", "政府采购.服务", "政府采购.工程"]
    assert cs[-1].parent == cs[-2].id


# ------------------------------------------------------------------ shares, changes, counts, definitions


def test_share_of_a_whole_stated_earlier():
    text = "(一) 收入总计 8,866.30 万元,包括:\n- 1. 财政拨款收入 3,336.53 万元,占收入总计的 37.63%。"
    cs = claims(doc(text))
    (share,) = only(cs, "share")
    total, part = only(cs, "amount")
    assert share.amount.value == Decimal("37.63") and share.part == part.id
    assert (share.whole, share.whole_claim) == ("收入总计", total.id)


def test_changes_flat_and_prior_value():
    text = (
        "与上年相比,今年收入总计减少1,448.97万元,下降14.05%。\n"
        "1. 因公出国（境）费 0 万元，与上年持平。\n"
        "2026 年度收支总预算 279489.94 万元，比 2025 年度收支总预算 265106.96 万元，增加 14382.98 万元。"
    )
    changes = only(claims(doc(text)), "change")
    assert [(c.line, c.direction) for c in changes] == [(1, "减少"), (2, "持平"), (3, "增加")]
    assert changes[0].canonical == "收入总计" and changes[0].percent.value == Decimal("14.05")
    assert changes[2].previous.value == Decimal("265106.96") and changes[2].amount.value == Decimal("14382.98")
    assert changes[2].base == "2025年度"


def test_counts_and_their_parts():
    text = "截止 2025 年 12 月，共有车辆 3 辆，其中：一般公务用车 2 辆、一般执法执勤用车 1 辆。项目共 17 个。"
    counts = only(claims(doc(text)), "count")
    assert [(c.canonical, c.count) for c in counts] == [("车辆", 3), (None, 2), (None, 1), ("项目个数", 17)]
    assert counts[1].parent == counts[0].id


def test_definition_written_before_the_figure():
    text = "人员经费（即工资福利支出与对个人和家庭补助支出之和）1512.69 万元，主要包括：基本工资。"
    (c,) = only(claims(doc(text)), "amount")
    assert (c.canonical, c.defined_as) == ("人员经费", ("工资福利支出", "对个人和家庭的补助"))


def test_function_class_chain_names_the_item():
    text = "(1)社会保障和就业支出(类)行政事业单位养老支出(款)行政单位离退休(项)13.54万元,主要是退休经费。"
    (c,) = only(claims(doc(text)), "amount")
    assert c.path == ("社会保障和就业支出", "行政事业单位养老支出", "行政单位离退休")
    assert c.canonical == "行政单位离退休"


# ------------------------------------------------------------------ arithmetic


def test_inline_arithmetic_with_units_wrapped_over_lines():
    text = "市本级机关事业医药费统筹金175人*1.4万元\n=245万元。三类企业97人*1.4万元=135.8万元。\n12500万元*3%*12月＝4500万元"
    arith = only(claims(doc(text)), "arithmetic")
    assert [(c.line, c.computed) for c in arith] == [(2, Decimal("245.0")), (2, Decimal("135.8")), (3, Decimal("4500.00"))]
    # Operands are not claims of their own.
    assert amounts(claims(doc(text))) == []


# ------------------------------------------------------------------ prose only


def test_lines_inside_a_recognised_table_are_not_prose():
    text = "基本支出 976.46 万元。\n合计\t976.46\n项目支出 6690.82 万元。"
    table = Table(kind="支出预算总表", title="支出预算总表", first_line=2, last_line=2)
    assert [c.line for c in claims(doc(text, [table]))] == [1, 3]


@pytest.mark.skipif(not (SAMPLES / "004_5f76dcfa3f5cef19.txt").exists(), reason="sample absent")
def test_sample_004_claims_on_their_lines():
    from budgetaudit.loader import load_document

    cs = claims(load_document(SAMPLES / "004_5f76dcfa3f5cef19.txt"))
    at = {(c.line, c.kind, c.canonical): c for c in cs}
    assert at[(154, "amount", "收入总计")].amount.unit == "元"
    assert at[(172, "change", "收支总预算")].percent.raw == "0.73%"
    assert at[(186, "amount", "人员经费")].defined_as == ("工资福利支出", "对个人和家庭的补助")
    assert at[(198, "amount", "公务接待费")].amount.value == Decimal("0.1")
    # Nothing is read from the tables (表1 starts at line 264).
    assert max(c.line for c in cs if c.kind != "arithmetic") < 262


def test_wording_variants_of_shares_and_changes():
    cs = claims(doc("收入总计8866.30万元。财政拨款收入3336.53万元，占收入总计比重为37.63%；收入总计同比增长5.20%。"))
    (share,) = only(cs, "share")
    (change,) = only(cs, "change")
    assert share.amount.value == Decimal("37.63") and share.whole == "收入总计"
    assert (change.canonical, change.direction, change.percent.value, change.base) == ("收入总计", "增加", Decimal("5.20"), "上年")


def test_a_plain_list_after_a_change_lists_the_totals_parts_and_a_list_of_changes_does_not():
    parts = claims(doc("三公经费预算2.5万元，较上年减少0.5万元，下降16.67%，其中：公务接待费0.5万元，公务用车运行维护费2万元。"))
    total = next(c for c in parts if c.canonical == "三公经费" and c.kind == "amount")
    assert [c.canonical for c in parts if c.parent == total.id] == ["公务接待费", "公务用车运行费"]
    changes = claims(doc("支出预算100万元，比上年增加10万元，其中：基本支出增加6万元，项目支出增加4万元。"))
    assert [c for c in changes if c.parent is not None] == []


@pytest.mark.parametrize(
    "text",
    [
        "支出预算100万元，其中：基本支出60万元（其中：人员经费50万元），项目支出40万元。",
        "支出预算100万元，其中：基本支出60万元，其中人员经费50万元；项目支出40万元。",
    ],
)
def test_a_nested_list_belongs_to_its_part_and_the_outer_list_goes_on(text):
    cs = only(claims(doc(text)), "amount")
    total, basic, staff, project = cs
    assert (basic.parent, project.parent, staff.parent) == (total.id, total.id, basic.id)
