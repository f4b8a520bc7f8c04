"""Every number form the disclosures print, parsed exactly with its printed precision."""

from decimal import Decimal

import pytest

from budgetaudit.amounts import is_nil, normalize, parse_number, to_amount, unit_of


@pytest.mark.parametrize(
    ("text", "value", "decimals"),
    [
        ("6,361.21", "6361.21", 2),
        ("3, 336. 53", "3336.53", 2),
        ("0. 21", "0.21", 2),
        ("279367.88", "279367.88", 2),
        ("１，６８１．４３", "1681.43", 2),
        ("112. 4", "112.4", 1),
        ("7, 078. 3", "7078.3", 1),
        ("-5.00", "-5.00", 2),
        ("(5.00)", "-5.00", 2),
        ("（5.00）", "-5.00", 2),
        ("0", "0", 0),
        ("16.1", "16.1", 1),
    ],
)
def test_number_forms(text, value, decimals):
    parsed = parse_number(text)
    assert parsed is not None
    assert parsed[0] == Decimal(value)
    assert parsed[1] == decimals


@pytest.mark.parametrize("text", ["", "—", "-", "－", "——", "/"])
def test_blanks_and_dashes_are_nil_not_zero(text):
    assert is_nil(text)
    assert to_amount(text) is None


@pytest.mark.parametrize("text", ["2026 年", "2026年", "表3", "〔2019〕3号", "024-12345678", "2101501 行政运行"])
def test_years_codes_and_numbers_in_words_are_not_amounts(text):
    assert to_amount(text) is None


def test_percentages_keep_their_precision():
    amount = to_amount("37.63%")
    assert amount is not None and amount.percent
    assert amount.value == Decimal("37.63") and amount.decimals == 2
    assert to_amount("0. 00%").value == 0


def test_units_convert_to_wan_yuan_with_tolerance_from_printed_digits():
    yuan = to_amount("1,681.43", "元")
    assert yuan.value == Decimal("0.168143")
    assert yuan.tolerance == Decimal("0.0000005")
    yi = to_amount("1.2", "亿元")
    assert yi.value == Decimal("12000.0")
    assert yi.tolerance == Decimal("500")
    assert to_amount("112.4").tolerance == Decimal("0.05")


def test_unit_declarations():
    assert unit_of("单位：万元") == "万元"
    assert unit_of("部门名称：抚顺市医疗保障局 单位：万元") == "万元"
    assert unit_of("公开 01 表 单位:万元") == "万元"
    assert unit_of("金额单位：元") == "元"
    assert unit_of("单位名称：辽宁省医疗保障局本级") is None
    assert unit_of("单位:辽宁省医疗保障局(本级)") is None


def test_normalize_keeps_text_but_closes_number_gaps():
    assert normalize("一、一般公共预算财政拨款收入\t1\t3, 336. 53") == "一、一般公共预算财政拨款收入\t1\t3,336.53"
    assert normalize("市直全额单位人员享受个人账户补助人数\t\\geq\t8.2") == "市直全额单位人员享受个人账户补助人数\t≥\t8.2"
    assert normalize("1. 一般公共预算拨款收入") == "1. 一般公共预算拨款收入"
