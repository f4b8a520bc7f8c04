"""The expression language: parsing references, row selectors and syntax errors."""

from decimal import Decimal

import pytest

from budgetaudit.rules.expr import ExprError, Num, Ref, RowSelector, parse_identity


def refs(text):
    identity = parse_identity(text)
    return identity, [x for _, x in identity.left.items + identity.right.items]


def test_table_row_column_reference():
    identity, items = refs("收支预算总表.本年支出合计 == 支出预算总表[合计].基本支出.小计")
    assert identity.op == "=="
    left, right = items
    assert left.parts == ("收支预算总表", "本年支出合计")
    assert right.parts[0] == "支出预算总表"
    assert isinstance(right.parts[1], RowSelector) and right.parts[1].alts[0].key == "合计"
    assert right.parts[2:] == ("基本支出", "小计")


def test_signs_numbers_and_parentheses_flatten():
    identity = parse_identity("年末结转和结余 == 年初结转和结余 + 本年收入 - (本年支出.小计 - 1.5)")
    signs = [(s, x.value if isinstance(x, Num) else x.text) for s, x in identity.right.items]
    assert signs == [(1, "年初结转和结余"), (1, "本年收入"), (-1, "本年支出.小计"), (1, Decimal("1.5"))]


def test_selector_sides_alternatives_anchors_codes_and_globs():
    _, items = refs("[支出:年终结转结余|上年结转结余]? == [年初财政拨款结转和结余>一般公共预算财政拨款] + "
                    "[2080501] + 整体绩效目标表[*人员经费*] + [@total]")
    optional, anchored, code, glob, total = items
    assert isinstance(optional, Ref) and optional.optional
    sel = optional.parts[0]
    assert sel.side == "支出" and [a.key for a in sel.alts] == ["年终结转结余", "上年结转结余"]
    alt = anchored.parts[0].alts[0]
    assert alt.key == "一般公共预算财政拨款" and alt.after.key == "年初财政拨款结转和结余"
    assert code.parts[0].alts[0].code == "2080501"
    assert glob.parts[1].is_glob
    assert total.parts[0].alts[0].role == "total"


def test_selector_keys_are_normalised_like_row_keys():
    _, items = refs("[（一）一般公共预算拨款收入] == [维修(护)费]")
    assert items[0].parts[0].alts[0].key == "一般公共预算拨款收入"
    assert items[1].parts[0].alts[0].key == "维修（护）费"


@pytest.mark.parametrize("text, message", [
    ("a ==", "unexpected end"),
    ("a = b", 'unexpected "="'),
    ("a == b c", 'unexpected "c"'),
    ("[a == b", "unclosed ["),
    ("a + b", "expected ==, <= or >="),
    ("[@foo] == 1", "unknown row role"),
    ("a. == b", "expected a name after ."),
])
def test_syntax_errors_name_the_problem(text, message):
    with pytest.raises(ExprError) as info:
        parse_identity(text)
    assert message in str(info.value)


def test_python_is_not_evaluated():
    # A call is not part of the language: it is a syntax error, never executed.
    with pytest.raises(ExprError):
        parse_identity("__import__('os').system('true') == 1")
