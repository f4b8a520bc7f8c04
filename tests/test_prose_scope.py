"""What a prose figure is about: a level or a change, which fund scope, a list's parts or two
views of one figure, a count that is an item of a list — the false alarms of real documents
(../shared/corpus), each as a small document, and the errors they hid."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from test_prose_rules import check, found

from budgetaudit.amounts import normalize
from budgetaudit.audit import audit
from budgetaudit.loader import load_document
from budgetaudit.model import Document, Line
from budgetaudit.narrative import claims
from budgetaudit.rules import load_rules


def _claims(text: str):
    lines = [Line(i + 1, normalize(raw), raw) for i, raw in enumerate(text.split("\n"))]
    return claims(Document(path="t.txt", lines=lines, kind="预算", year=2017, tables=[], toc=[]))


def _named(text: str) -> list[tuple[str | None, Decimal]]:
    return [(c.canonical, c.amount.value) for c in _claims(text) if c.kind == "amount"]


# ------------------------------------------------------------------ level or change


def test_a_label_with_a_direction_word_is_a_change_not_a_level():
    text = "主要原因是政策性增资等原因，增加基本支出 844.15 万元。基本支出增加人员经费 1,408.29 万元。"
    assert _named(text) == [(None, Decimal("844.15")), (None, Decimal("1408.29"))]


# ------------------------------------------------------------------ fund scope


def test_fund_scope_words_choose_the_figure_or_none():
    assert _named("省检察院2017年一般公共预算财政拨款支出预算 17981.68 万元。") == [("一般公共预算支出", Decimal("17981.68"))]
    assert _named("省检察院2017年度财政拨款基本支出预算 12308.48 万元。") == [(None, Decimal("12308.48"))]
    assert _named("省检察院2017年政府性基金支出预算支出 0 万元。") == [(None, Decimal("0"))]
    assert _named("一般公共预算收入预算 24169.74 万元。") == [("一般公共预算拨款收入", Decimal("24169.74"))]
    assert _named("基本支出预算数为 7666.68 万元。") == [("基本支出", Decimal("7666.68"))]


def test_a_compound_label_is_named_by_its_head():
    assert _named("2018年度政府采购支出预算总额 2064.25 万元。") == [("政府采购", Decimal("2064.25"))]


def test_a_bare_word_after_a_named_item_is_that_items_figure():
    assert _named("1.住房公积金(项):支出 1,073.77 万元。") == [(None, Decimal("1073.77"))]


def test_a_chain_starts_at_its_class():
    cs = [c for c in _claims("1.公共安全（类）支出16,593.12 万元。\n2.检察（款）行政运行（项）支出12,268.62 万元。") if c.kind == "amount"]
    assert [(c.path, c.canonical) for c in cs] == [(("公共安全",), "公共安全支出"), ((), None)]


# ------------------------------------------------------------------ lists


def test_two_views_of_one_figure_are_not_a_sum():
    text = (
        "江苏省人大常委会办公厅 2017 年度收入、支出预算总计 13649.07 万元，与上年相比收、支预算总计各增加 844.15万元，"
        "增长 6.59%。主要原因是政策性增资，增加基本支出 844.15 万元。其中:\n\n"
        "（一）收入预算总计 13649.07 万元。全部由省财政拨款。\n\n（二）支出预算总计 13649.07 万元。包括:\n\n"
        "1.一般公共服务支出 10528.33 万元，主要用于在职人员工资福利支出。\n\n2.社会保障和就业支出 1608.51 万元。\n\n"
        "3.住房保障支出 1512.23 万元。"
    )
    assert found(check(text, "CN401")) == []


def test_a_numbered_list_of_one_item_is_not_complete():
    text = "（二）支出预算总计 17996.68 万元。包括:\n1.公共安全（类）支出 13656.34 万元，主要用于检察院行政支出。\n此外，基本支出预算数为 12323.46 万元。"
    assert found(check(text, "CN401")) == []


def test_an_item_whose_figure_wraps_in_tab_set_prose_is_read():
    text = (
        "检察（款）: 2018 年预算支出合计 16,444.36 万元。其中:\n"
        "1.行政运行（项）支出 10,883.36 万元，与上年相比增加 2,915.22 万元，增长 36.59 %。\n"
        "2.一般行政管理事务（项）支出 3,666 万元，与上年相比增加 21.8 万元，增长 0.60 %。\n"
        "3.公诉、审判、侦查、执行等检察监督支出（项）\t\t\t\t1,895\n"
        "万元，与上年相比减少\t134\t万元，降幅\t0.66\t%。主要\n"
        "原因是省检察院本级减少了检察办案费预算支出。"
    )
    r = check(text, "CN401 CN403")
    assert found(r) == [("CN403", "error", 5)]  # the parts add up; 134 ÷ 2,029 is 6.60%, not 0.66%
    assert "6.60%" in r.findings[0].message


# ------------------------------------------------------------------ counts


def test_a_count_after_和_is_an_item_and_等_leaves_a_list_open():
    text = (
        "省人大常委会下设办公厅、研究室和 3 个专门委员会、8 个工作委员会。"
        "我部门预算包含了信息中心、培训中心等 4 个所属事业单位的收支数据。"
    )
    assert found(check(text, "CN411")) == []
    assert found(check("下设办公厅、研究室、法制室等 2 个机构。", "CN411")) == [("CN411", "error", 1)]


# ------------------------------------------------------------------ rates by intervals


def test_a_truncated_rate_is_info_and_a_wrong_one_an_error():
    def severities(text):
        r = check(text, "CN403")  # a rounding-only finding is kept apart from the findings
        return [f.severity for f in r.findings] + [f"{f.severity} (rounding)" for f in r.rounding]

    assert severities("行政运行支出 10,883.36 万元，与上年相比增加 2,915.22 万元，增长 36.58%。") == ["info (rounding)"]  # 36.586%
    assert severities("一般行政管理事务支出 3,666 万元，与上年相比增加 21.8 万元，增长 0.06%。") == ["error"]  # 0.60%
    assert severities("单位预留机动经费预算 1,685.72 万元，比上年增加 1,557.29 万元，增长 1312.56%。") == ["error"]
    assert severities("培训费 129.15 万元，比上年增加 29.15 万元，增长 30%。") == ["error"]  # 29.15%
    assert severities("社会保障和就业支出 1,836.22 万元，与上年相比减少 184.96 万元，降幅 9.1 %。") == ["info (rounding)"]  # 9.151%


# ------------------------------------------------------------------ the checks that were missing


def test_a_zero_that_grew():
    r = check("2026年政府性基金拨款支出预算 0 万元，比上年预算增加 1421.25 万元。", "CN403")
    assert found(r) == [("CN403", "error", 1)] and "上年将为负数" in r.findings[0].message


def test_a_rate_of_a_zero():
    r = check("2024年度“三公”经费年初预算为 0 万元，支出决算为 2.3 万元，完成年初预算的 95.89%。", "CN402", kind="决算", year=2024)
    assert found(r) == [("CN402", "error", 1)] and "0 不能作分母" in r.findings[0].message


def test_template_wording_wrapped_across_lines():
    text = "（1）公务用车购置预算支出 0 万元，比上年预算增加（减\n\n少）\t0\t万元，主要原因无此项预算。\n增（减）0 万元。"
    assert found(check(text, "CN409")) == [("CN409", "error", 1), ("CN409", "error", 4)]


# ------------------------------------------------------------------ 政府采购 shares, table notes


def test_a_share_of_the_purchase_total_cannot_exceed_it_nor_be_stated_twice_differently():
    text = ("2026年度政府采购预算总额 100.00 万元，其中：货物 60.00 万元，服务 40.00 万元；授予中小企业合同金额 120.00 万元。\n\n"
            "本部门政府采购预算 100.00 万元，其中授予中小企业合同金额 90.00 万元。")
    assert found(check(text, "CN401 CN404")) == [("CN401", "error", 1), ("CN404", "error", 3)]
    fine = "政府采购预算总额 100.00 万元，其中：货物 60.00 万元，服务 40.00 万元；授予中小企业合同金额 90.00 万元。"
    assert found(check(fine, "CN401 CN404")) == []


SEED_002 = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds" / "002_de1423df86808f62.txt"


@pytest.mark.skipif(not SEED_002.is_file(), reason="../shared/seeds is not available")
def test_a_note_copied_from_another_funds_table(tmp_path):
    rules = [r for r in load_rules().rules if r.id == "CN414"]
    lines = SEED_002.read_text(encoding="utf-8").split("\n")
    assert audit(load_document(SEED_002), rules).findings == []
    assert lines[497] == "如本表为空,则我部门本年度无此类资金收支余。"  # the note of 公开08表 (国有资本经营)
    lines[497] = "如本表为空,则我部门本年度无政府性基金预算财政拨款收入支出。"
    copy = tmp_path / "002.txt"
    copy.write_text("\n".join(lines), encoding="utf-8")
    result = audit(load_document(copy), rules)
    assert [(f.rule, f.locations[0].line) for f in result.findings] == [("CN414", 498)]
    assert "另一张表" in result.findings[0].message
