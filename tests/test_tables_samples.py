"""What `budgetaudit tables` recognises in each bundled sample: real cells, read from the documents."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from budgetaudit.loader import load_document
from budgetaudit.model import Document, Row, Table

pytestmark = pytest.mark.slow  # pytest -m 'not slow': the quick subset (README)

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@cache
def doc(prefix: str) -> Document:
    (path,) = SAMPLES.glob(f"{prefix}_*.txt")
    return load_document(path)


def table(d: Document, kind: str) -> Table:
    found = [t for t in d.tables if t.kind == kind]
    assert len(found) == 1, f"{kind}: {len(found)} tables"
    return found[0]


def row(t: Table, key: str, side: str | None = None, code: str | None = None) -> Row:
    found = [r for r in t.rows if (r.code == key if code is None and key.isdigit() else r.key == key)
             and (side is None or r.side == side)]
    assert found, f"no row {key} in {t.kind}"
    return found[0]


def values(t: Table, r: Row) -> dict[str, tuple[str, int]]:
    """column label → (printed value, line) for the row's amount cells."""
    out = {}
    for c in r.cells:
        if c.amount is not None:
            out[t.columns[c.column].label] = (str(c.amount.printed), c.line)
    return out


# ---------------------------------------------------------------- 000: tab layout, page-break shift


def test_000_document_and_contents():
    d = doc("000")
    assert (d.kind, d.year, d.entity) == ("预算", 2026, "辽宁省医疗保障局本级")
    listed = [e.kind for e in d.toc if e.kind]
    assert len(listed) == 17 and listed[0] == "收支预算总表" and listed[-1] == "项目绩效目标表"
    numbers = [t.number for t in d.tables if t.number]
    assert numbers == ["表1", "表2", "表3", "表4", "表5", "表6", "表7", "表8", "表9", "表12", "表16", "表17"]


def test_000_expenditure_row_with_empty_project_cell():
    t = table(doc("000"), "支出预算总表")
    r = row(t, "2101501")
    assert r.name == "行政运行" and r.line == 290 and r.level == 3
    assert values(t, r) == {
        "合计": ("727.79", 290),
        "基本支出.小计": ("727.79", 290),
        "基本支出.人员经费": ("611.87", 290),
        "基本支出.公用经费": ("115.92", 290),
    }
    assert t.column_index(("项目支出",)) is not None
    total = row(t, "合计")
    assert total.role == "total" and values(t, total)["项目支出"] == ("6690.82", 278)


def test_000_table12_rows_shifted_after_the_page_break_are_put_back():
    t = table(doc("000"), "支出经济分类预算表（部门预算）")
    assert len(t.columns) == 13
    travel = values(t, row(t, "30211"))
    assert travel == {
        "总计": ("185.24", 485),
        "本年收入.合计": ("154.00", 485),
        "本年收入.一般公共预算": ("154.00", 485),
        "上年结转结余.合计": ("31.24", 485),
        "上年结转结余.一般公共预算": ("31.24", 485),
    }
    office = values(t, row(t, "30201"))
    assert office["上年结转结余.单位资金"] == ("0.21", 467)
    assert [r.line for r in t.rows if r.code == "31007"] == [514]


def test_000_side_by_side_totals():
    t = table(doc("000"), "收支预算总表")
    assert values(t, row(t, "收入总计", side="收入")) == {"预算数": ("7667.28", 252)}
    assert values(t, row(t, "本年支出合计", side="支出")) == {"预算数": ("7667.28", 250)}
    assert values(t, row(t, "卫生健康支出", side="支出")) == {"预算数": ("7453.07", 241)}
    assert values(t, row(t, "一般公共预算拨款收入", side="收入")) == {"预算数": ("6361.21", 240)}


def test_000_sangong_tables():
    d = doc("000")
    t = table(d, "三公经费支出表")
    (r,) = t.rows
    assert values(t, r) == {
        "三公经费合计": ("16.10", 414),
        "公务用车购置及运行费.小计": ("14.90", 414),
        "公务用车购置及运行费.公务用车运行费": ("14.90", 414),
        "公务接待费": ("1.20", 414),
    }
    prose = table(d, "三公经费预算对比表")
    assert values(prose, row(prose, "公务接待费")) == {"金额.2025年": ("1.2", 167), "金额.2026年": ("1.2", 167)}


def test_000_empty_table_and_performance_tables():
    d = doc("000")
    fund = table(d, "政府性基金预算支出表")
    assert fund.status == "empty" and fund.empty_note
    overall = table(d, "整体绩效目标表")
    assert [(r.name, values(overall, r)["预算资金情况"][0]) for r in overall.rows] == [
        ("基本支出人员经费（保工资）", "677.25"),
        ("基本支出人员经费（刚性）", "182.29"),
        ("基本支出公用经费（保运转）", "116.92"),
    ]
    projects = table(d, "项目绩效目标表")
    assert [(r.name, values(projects, r)["预算资金情况"]) for r in projects.rows] == [
        ("医疗保障工作专项经费", ("175.75", 560)),
        ("医疗服务与保障能力提升补助资金", ("5209.00", 601)),
    ]


def test_000_project_table_units_and_projects():
    t = table(doc("000"), "项目支出预算表")
    roles = [(r.role, r.name) for r in t.rows]
    assert roles == [("total", "合计"), ("unit", "辽宁省医疗保障局本级"), ("item", "医疗保障工作专项经费"),
                     ("item", "医疗服务与保障能力提升补助资金")]
    assert values(t, t.rows[2])["上年结转结余.单位资金"] == ("0.21", 442)


# ---------------------------------------------------------------- 001: misaligned headers, wrapped names


def test_001_misaligned_header_of_table5():
    t = table(doc("001"), "一般公共预算支出表")
    assert [c.label for c in t.columns] == ["合计", "基本支出.小计", "基本支出.人员经费", "基本支出.公用经费", "项目支出"]
    assert values(t, row(t, "210"))["项目支出"] == ("272824.77", 228)
    after_break = values(t, row(t, "21011"))
    assert after_break == {
        "合计": ("30156.17", 230),
        "基本支出.小计": ("231.17", 230),
        "基本支出.人员经费": ("231.17", 230),
        "项目支出": ("29925.00", 230),
    }


def test_001_garbled_income_header_falls_back_to_the_catalogue():
    t = table(doc("001"), "收入预算总表")
    unit = row(t, "578002")
    assert unit.role == "unit" and unit.name == "沈阳市医疗保障事务服务中心"
    assert values(t, unit)["上年结转结余.一般公共预算"] == ("122.06", 151)
    assert values(t, unit)["本年收入.一般公共预算"] == ("279367.88", 151)


def test_001_wrapped_project_name_is_joined():
    t = table(doc("001"), "项目支出预算表")
    names = [r.name for r in t.rows if r.role == "item"]
    assert "提前下达中央财政医疗救助补助中央直达资金" in names
    assert len(names) == 17
    carried = row(t, "实名验证服务费（2025结转）")
    assert values(t, carried) == {
        "总计": ("5.40", 334), "上年结转结余.合计": ("5.40", 334), "上年结转结余.一般公共预算": ("5.40", 334)}


def test_001_unit_rows_and_the_unlabelled_unit_row():
    d = doc("001")
    t = table(d, "支出功能分类预算表")
    assert [r.role for r in t.rows[:3]] == ["total", "unit", "item"]
    assert t.rows[1].line == 352
    sangong = table(d, "三公经费支出表")
    assert [r.role for r in sangong.rows] == ["total", "unit"]
    assert values(sangong, sangong.rows[1])["公务用车购置及运行费.公务用车运行费"] == ("3.00", 297)


# ---------------------------------------------------------------- 002: 决算, spaced numbers, truncation


def test_002_final_accounts_with_spaced_and_truncated_numbers():
    d = doc("002")
    assert (d.kind, d.year) == ("决算", 2024)
    t = table(d, "收入支出决算总表")
    assert t.number == "公开01表"
    health = row(t, "卫生健康支出", side="支出")
    (cell,) = health.cells
    assert cell.amount.printed == Decimal("6881.7") and cell.amount.decimals == 1 and cell.line == 233
    assert values(t, row(t, "一般公共预算财政拨款收入", side="收入")) == {"金额": ("3336.53", 225)}
    assert values(t, row(t, "总计", side="支出")) == {"金额": ("8866.3", 255)}


def test_002_fiscal_total_table_has_four_expenditure_columns():
    t = table(doc("002"), "财政拨款收入支出决算总表")
    labels = [(c.side, c.label) for c in t.columns]
    assert labels == [("收入", "金额"), ("支出", "合计"), ("支出", "一般公共预算财政拨款"),
                      ("支出", "政府性基金预算财政拨款"), ("支出", "国有资本经营预算财政拨款")]
    assert values(t, row(t, "年末财政拨款结转和结余", side="支出"))["合计"] == ("1787.51", 372)


def test_002_row_scattered_after_table3_is_rebuilt():
    t = table(doc("002"), "支出决算表")
    r = row(t, "2210201")
    assert r.name == "住房公积金"
    assert {k: v[0] for k, v in values(t, r).items()} == {"本年支出合计": "84.09", "基本支出": "84.09"}
    assert not any("本年度取得" in x.name for x in table(doc("002"), "收入决算表").rows)


def test_002_basic_expenditure_blocks():
    t = table(doc("002"), "一般公共预算财政拨款基本支出决算表")
    office = row(t, "30201")
    assert office.side == "公用经费" and values(t, office) == {"决算数": ("4.49", 424)}
    wages = row(t, "301")
    assert wages.side == "人员经费" and values(t, wages) == {"决算数": ("870.06", 423)}
    assert row(t, "310").side == "公用经费"


def test_002_sangong_final_accounts():
    t = table(doc("002"), "三公经费支出决算表")
    assert [r.key for r in t.rows] == ["合计", "因公出国（境）费", "公务接待费", "公务用车购置及运行费",
                                      "公务用车运行维护费", "公务用车购置费"]
    assert values(t, row(t, "公务接待费")) == {"预算数": ("1.20", 519), "决算数": ("0.43", 519)}


# ---------------------------------------------------------------- 003: pdfminer space layout


def test_003_space_layout_places_numbers_by_arithmetic():
    t = table(doc("003"), "支出预算总表")
    assert values(t, row(t, "2101502")) == {"合计": ("10.00", 195), "项目支出": ("10.00", 195)}
    assert values(t, row(t, "2080505")) == {
        "合计": ("195.67", 155), "基本支出.小计": ("195.67", 155), "基本支出.人员经费": ("195.67", 155)}
    assert values(t, row(t, "2050803")) == {"合计": ("1.50", 145), "项目支出": ("1.50", 145)}
    assert len([r for r in t.rows if r.code]) == 29


def test_003_basic_expenditure_split_between_personnel_and_public():
    t = table(doc("003"), "一般公共预算基本支出表")
    assert values(t, row(t, "30201")) == {"合计": ("32.20", 389), "公用经费": ("32.20", 389)}
    assert values(t, row(t, "30239")) == {"合计": ("54.63", 421), "人员经费": ("54.63", 421)}
    assert values(t, row(t, "303")) == {"合计": ("13.21", 425), "人员经费": ("13.21", 425)}
    assert not any(r.line in (393, 429) for r in t.rows)  # stray "0" lines


def test_003_wrapped_codes_and_names():
    t = table(doc("003"), "支出功能分类预算表")
    r = row(t, "208")
    assert r.name == "社会保障和就业支出" and r.line == 1244
    assert values(t, r)["总计"] == ("236.39", 1248)
    assert row(t, "2101202").name == "财政对城乡居民基本医疗保险基金的补助"


def test_003_side_by_side_with_glued_numbers():
    t = table(doc("003"), "收支预算总表")
    assert values(t, row(t, "一般公共预算拨款收入", side="收入")) == {"预算数": ("58335.04", 16)}
    assert values(t, row(t, "教育支出", side="支出")) == {"预算数": ("1.50", 16)}
    assert values(t, row(t, "支出总计", side="支出")) == {"预算数": ("58335.04", 40)}
    assert row(t, "年终结转结余", side="支出").cells == []


def test_003_project_table_is_one_table_over_many_pages():
    d = doc("003")
    assert len([t for t in d.tables if t.kind == "项目支出预算表"]) == 1
    t = table(d, "项目支出预算表")
    units = [r.name for r in t.rows if r.role == "unit"]
    assert units == ["抚顺市医疗保障局本级", "抚顺市医疗保障事务服务中心"]
    projects = [r for r in t.rows if r.role == "item"]
    assert len(projects) == 23
    report = row(t, "举报奖励费")
    assert values(t, report)["本年收入.一般公共预算"] == ("1.00", 608)
    assert "500元奖励" in report.texts["项目内容"]


def test_003_units_groups_and_projects_told_apart_by_their_sums():
    t = table(doc("003"), "政府购买服务支出预算表")
    assert [(r.role, r.name) for r in t.rows] == [
        ("total", "合计"), ("unit", "抚顺市医疗保障局本级"), ("group", "项目支出"),
        ("item", "210卫生健康支出公职律师费法律顾问服务")]


def test_003_code_alone_after_a_page_header_starts_a_row():
    t = table(doc("003"), "支出经济分类预算表（部门预算）")
    r = row(t, "303")
    assert r.name == "对个人和家庭的补助" and r.line == 1831
    assert values(t, r)["总计"] == ("11183.21", 1835)


def test_003_overall_performance_table_over_two_units():
    t = table(doc("003"), "整体绩效目标表")
    amounts = [values(t, r)["预算资金情况"][0] for r in t.rows]
    assert amounts == ["617.64", "107.95", "36.60", "995.40", "107.92", "66.78", "82.62"]


# ---------------------------------------------------------------- 004: illegible tables, missing tables


def test_004_illegible_and_empty_tables_are_recorded():
    d = doc("004")
    status = {t.number: t.status for t in d.tables}
    assert status["表2"] == "illegible" and status["表9"] == "illegible" and status["表14"] == "illegible"
    assert status["表13"] == "empty" and status["表8"] == "empty"
    listed = {e.kind for e in d.toc if e.kind}
    present = {t.kind for t in d.tables}
    assert listed - present == {"国有资本经营预算支出表"}


def test_004_row_split_between_personnel_and_public():
    t = table(doc("004"), "一般公共预算基本支出表")
    assert values(t, row(t, "30239")) == {
        "合计": ("20.62", 446), "人员经费": ("20.52", 446), "公用经费": ("0.10", 446)}


# ---------------------------------------------------------------- every printed amount is a cell

# Amounts in table cells; numbers inside prose of a cell ("费用1.5万元", "12.5天") are not cells.
_AMOUNT = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})*\.\d{1,2}(?![\d%万元天人个次*＝=])")


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_every_amount_on_a_table_row_is_a_cell_on_its_line(prefix):
    """Amounts printed on rows of recognised grid tables all land in cells carrying their line."""
    d = doc(prefix)
    missing = []
    for t in d.tables:
        if t.status != "ok" or t.kind in ("整体绩效目标表", "项目绩效目标表"):
            continue
        cells = {}
        for r in t.rows:
            for c in r.cells:
                if c.amount is not None:
                    cells.setdefault(c.line, []).append(c.amount.printed)
        first_row = min((r.line for r in t.rows), default=t.last_line + 1)
        for number in range(first_row, t.last_line + 1):
            line = d.lines[number - 1]
            if re.search(r"[，。：；:;]", line.text):
                continue  # a project description (003 表9 项目内容), not cells
            for token in _AMOUNT.findall(line.text):
                value = Decimal(token.replace(",", ""))
                if value not in cells.get(number, []):
                    missing.append((t.kind, number, token))
                else:
                    cells[number].remove(value)
    assert missing == []


# ---------------------------------------------------------------- injected digits stay where printed


def _mutated_digit(raw: str, digits: str) -> tuple[str, str] | None:
    """The printed number with its last significant digit changed, as (old, new) text."""
    for i in range(len(digits) - 1, -1, -1):
        if digits[i].isdigit():
            new = digits[:i] + str((int(digits[i]) + 3) % 10) + digits[i + 1:]
            return digits, new
    return None


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_a_changed_amount_is_recognised_on_its_line_and_nothing_else_moves(prefix, tmp_path):
    original = doc(prefix)
    source = [line.text for line in original.lines]  # normalised: "3, 336. 53" reads "3,336.53"
    cells = [(t.kind, c) for t in original.tables for r in t.rows for c in r.cells
             if c.amount is not None and t.status == "ok"]
    checked = 0
    for kind, cell in cells[::7]:
        raw_line = source[cell.line - 1]
        token = cell.raw.strip()
        if raw_line.count(token) != 1:
            continue
        old, new = _mutated_digit(raw_line, token)
        changed = source[:]
        changed[cell.line - 1] = raw_line.replace(old, new)
        path = tmp_path / f"m{checked}.txt"
        path.write_text("\n".join(changed), "utf-8")
        mutated = load_document(path)
        assert [t.kind for t in mutated.tables] == [t.kind for t in original.tables]
        (table_,) = [t for t in mutated.tables if t.kind == kind]
        on_line = [c.raw for r in table_.rows for c in r.cells if c.line == cell.line]
        assert new in on_line, (kind, cell.line, old, new, on_line)
        checked += 1
    assert checked >= 8
