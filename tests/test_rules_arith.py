"""The rounding contract of DESIGN.md §2, on printed amounts."""

from decimal import Decimal

from budgetaudit.amounts import to_amount
from budgetaudit.rules.arith import (
    BROKEN,
    LAST_DIGIT,
    OK,
    ROUNDING,
    Side,
    amount_term,
    blank_term,
    compare,
    severity_for,
)


def term(text: str, unit: str = "万元", truncated: bool = False):
    return amount_term(to_amount(text, unit), text, None, truncated=truncated)


def test_sum_within_printed_tolerance_is_rounding_not_error():
    # 7,078.30 vs 1,041.24 + 6,037.07 = 7,078.31: three 2-decimal values explain 0.015.
    verdict = compare(Side.of(term("7,078.30")), Side.of(term("1,041.24"), term("6,037.07")))
    assert verdict.status == ROUNDING
    assert verdict.difference == Decimal("-0.01")
    assert severity_for(verdict, "error") == "info"


def test_sum_beyond_tolerance_is_broken():
    verdict = compare(Side.of(term("976.46")), Side.of(term("859.54"), term("116.90")))
    assert verdict.status == BROKEN
    assert verdict.difference == Decimal("0.02")
    assert severity_for(verdict, "error") == "error"


def test_ten_items_may_differ_by_five_hundredths():
    parts = [term("1.00") for _ in range(10)]
    assert compare(Side.of(term("10.05")), Side.of(*parts)).status == ROUNDING
    assert compare(Side.of(term("10.06")), Side.of(*parts)).status == BROKEN


def test_duplicate_at_same_precision_must_be_exact():
    assert compare(Side.of(term("112.43")), Side.of(term("112.43"))).status == OK
    one_unit = compare(Side.of(term("112.43")), Side.of(term("112.42")))
    assert one_unit.status == LAST_DIGIT
    assert severity_for(one_unit, "error") == "warning"
    assert compare(Side.of(term("112.44")), Side.of(term("112.42"))).status == BROKEN


def test_duplicates_at_different_precision_compare_by_interval():
    assert compare(Side.of(term("112.4")), Side.of(term("112.42"))).status == ROUNDING
    assert compare(Side.of(term("112.4")), Side.of(term("112.46"))).status == BROKEN


def test_truncated_value_reaches_up_to_the_next_unit():
    # "6, 881. 7" printed where the table means 6,881.78: the last digit was cut, not rounded.
    assert compare(Side.of(term("6,881.7")), Side.of(term("6,881.78"))).status == BROKEN
    assert compare(Side.of(term("6,881.7", truncated=True)), Side.of(term("6,881.78"))).status == ROUNDING
    assert compare(Side.of(term("6,881.7", truncated=True)), Side.of(term("6,881.81"))).status == BROKEN


def test_blank_is_exact_zero():
    blank = blank_term("上年结转结余", None)
    assert compare(Side.of(term("0.00")), Side.of(blank)).status == OK
    # 0.01 stands for [0.005, 0.015]: it cannot be a blank's exact 0.
    assert compare(Side.of(term("0.01")), Side.of(blank)).status == BROKEN
    assert compare(Side.of(term("0.0")), Side.of(blank)).status == OK


def test_a_zero_printed_without_decimals_is_exact():
    # "0" in a 三公 table means none, like a blank; "0.0" is a rounded figure.
    assert compare(Side.of(term("3.0")), Side.of(term("0"), term("3.4"))).status == BROKEN
    assert compare(Side.of(term("3.0")), Side.of(term("0.0"), term("3.1"))).status == ROUNDING


def test_tolerance_follows_the_printed_unit():
    # 1,681.43 元 is 0.168143 万元 with a tolerance of 0.000005 万元.
    yuan = term("1,681.43", unit="元")
    assert yuan.value == Decimal("0.168143")
    assert compare(Side.of(yuan), Side.of(term("0.17"))).status == ROUNDING
    assert compare(Side.of(yuan), Side.of(term("1,681.43"))).status == BROKEN


def test_inequalities():
    assert compare(Side.of(term("5.00")), Side.of(term("6.00")), "<=").status == OK
    assert compare(Side.of(term("6.00")), Side.of(term("5.99")), "<=").status == ROUNDING
    assert compare(Side.of(term("6.00")), Side.of(term("5.00")), "<=").status == BROKEN
