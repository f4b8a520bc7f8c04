"""Tab layouts whose header rows and data are a cell apart: the header tree and the data, put back.

000 表2 (收入预算总表) prints 上年结转结余 one cell left of its sub-headers, over 单位资金's 其他收入,
and its data rows lost an empty cell in 本年收入, so that 上年结转结余.合计 sits under 其他收入.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetaudit.cli import app
from budgetaudit.loader import load_document
from budgetaudit.model import Table
from budgetaudit.tables.header import header_paths

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
T = "\t"

INCOME_COLUMNS = [
    "总计", "本年收入.合计", "本年收入.一般公共预算", "本年收入.政府性基金预算", "本年收入.国有资本经营预算",
    "本年收入.财政专户管理资金", "本年收入.单位资金.小计", "本年收入.单位资金.事业收入",
    "本年收入.单位资金.事业单位经营收入", "本年收入.单位资金.上级补助收入", "本年收入.单位资金.附属单位上缴收入",
    "本年收入.单位资金.其他收入", "上年结转结余.合计", "上年结转结余.一般公共预算", "上年结转结余.政府性基金预算",
    "上年结转结余.国有资本经营预算", "上年结转结余.财政专户管理资金", "上年结转结余.单位资金",
]


def _cells(t: Table, name: str) -> dict[str, tuple[Decimal, int]]:
    (r,) = [r for r in t.rows if r.name == name]
    return {t.columns[c.column].label: (c.amount.value, c.line) for c in r.cells if c.amount is not None}


def test_000_income_table_reads_carried_over_funds_in_their_columns():
    d = load_document(next(SAMPLES.glob("000_*.txt")))
    (t,) = [t for t in d.tables if t.kind == "收入预算总表"]
    assert [c.label for c in t.columns] == INCOME_COLUMNS
    for name, line in (("合计", 265), ("辽宁省医疗保障局本级", 266)):
        assert _cells(t, name) == {
            "总计": (Decimal("7667.28"), line),
            "本年收入.合计": (Decimal("6361.21"), line),
            "本年收入.一般公共预算": (Decimal("6361.21"), line),
            "上年结转结余.合计": (Decimal("1306.07"), line),
            "上年结转结余.一般公共预算": (Decimal("1305.86"), line),
            "上年结转结余.单位资金": (Decimal("0.21"), line),
        }


# ---------------------------------------------------------------- the header tree

def _row(*cells: str, width: int = 10) -> list[str]:
    return list(cells) + [""] * (width - len(cells))


def test_group_label_one_cell_left_of_its_run_heads_that_run():
    """上年结转结余 printed over 单位资金's last sub-header; its own 合计 starts one cell right."""
    rows = [
        _row("单位名称", "总计", "本年收入", "", "", "", "上年结转结余"),
        _row("", "", "合计", "一般公共预算", "单位资金", "", "", "合计", "一般公共预算", "单位资金"),
        _row("", "", "", "", "小计", "事业收入", "其他收入"),
    ]
    assert header_paths(rows, 10)[1:] == [
        ("总计",), ("本年收入", "合计"), ("本年收入", "一般公共预算"), ("本年收入", "单位资金", "小计"),
        ("本年收入", "单位资金", "事业收入"), ("本年收入", "单位资金", "其他收入"),
        ("上年结转结余", "合计"), ("上年结转结余", "一般公共预算"), ("上年结转结余", "单位资金"),
    ]


def test_group_label_one_cell_left_over_two_header_rows_is_told_by_the_repeated_names():
    """No deeper row to show it: 上年结转结余 printed over 本年收入's 单位资金, its own run one cell right
    begins with the names the group before begins with."""
    rows = [
        _row("单位名称", "总计", "本年收入", "", "上年结转结余", width=8),
        _row("", "", "合计", "一般公共预算", "单位资金", "合计", "一般公共预算", "单位资金", width=8),
    ]
    assert header_paths(rows, 8)[1:] == [
        ("总计",), ("本年收入", "合计"), ("本年收入", "一般公共预算"), ("本年收入", "单位资金"),
        ("上年结转结余", "合计"), ("上年结转结余", "一般公共预算"), ("上年结转结余", "单位资金"),
    ]


def test_group_label_one_cell_right_of_its_run_takes_back_the_repeated_names():
    """上年结转结余 printed over its second sub-header: the 合计 before it repeats 本年收入's names."""
    rows = [
        _row("单位名称", "总计", "本年收入", "", "", "", "上年结转结余", width=8),
        _row("", "", "合计", "一般公共预算", "单位资金", "合计", "一般公共预算", "单位资金", width=8),
    ]
    assert header_paths(rows, 8)[1:] == [
        ("总计",), ("本年收入", "合计"), ("本年收入", "一般公共预算"), ("本年收入", "单位资金"),
        ("上年结转结余", "合计"), ("上年结转结余", "一般公共预算"), ("上年结转结余", "单位资金"),
    ]


def test_the_same_header_printed_in_place_reads_the_same():
    """The well-formed printing (上年结转结余 over its own 合计) gives the tree the damaged one is put back to."""
    damaged = [row.split(T) for row in HEADER]
    in_place = [row[:] for row in damaged]
    in_place[0][12], in_place[0][13] = "", "上年结转结余"
    for rows in (damaged, in_place):
        assert [".".join(p) for p in header_paths(rows, 19)[1:]] == INCOME_COLUMNS


# ---------------------------------------------------------------- a hand-made table, same damage

HEADER = [
    T.join(["单位名称", "总计", "本年收入"] + [""] * 9 + ["上年结转结余"] + [""] * 6),
    T.join(["", "", "合计", "一般公共 预算", "政府性 基金预 算", "国有 资本 经营 预算", "财政 专户 管理 资金",
            "单位资金", "", "", "", "", "", "合计", "一般公共 预算", "政府性 基金预 算", "国有 资本 经营 预算",
            "财政 专户 管理 资金", "单位 资金"]),
    T.join([""] * 7 + ["小计", "事业 收入", "事业 单位 经营 收入", "上 级 补 助 收 入", "附 属 单 位 上 缴 收 入",
                       "其 他 收 入"] + [""] * 6),
]


def _data(name: str, total: str, this_year: str, public: str, own: str, carried: str, c_public: str,
          c_own: str, extra: bool = False) -> str:
    """A data row that lost one empty cell of 本年收入.单位资金: 上年结转结余 starts a cell early; with
    ``extra`` one that gained one instead, its 上年结转结余 a cell late, under a header printed in place."""
    blanks = ["", ""] if extra else []
    return T.join([name, total, this_year, public, "", "", "", own, own, "", "", "", *blanks,
                   carried, c_public, "", "", "", c_own, ""])


def _document(tmp_path: Path, second_public: str, extra: bool = False) -> Path:
    header = [row.split(T) for row in HEADER]
    if extra:
        header[0][12], header[0][13] = "", "上年结转结余"
    lines = ["2026年某某市某某中心单位预算", "", "收入预算总表", "", "表2", "", "单位：万元", "",
             *(T.join(row) for row in header),
             _data("合计", "830.80", "800.00", "700.00", "100.00", "30.80", "30.30", "0.50", extra),
             _data("某某市某某中心", "520.50", "500.00", "400.00", "100.00", "20.50", "20.00", "0.50", extra),
             _data("某某市某某站", "310.30", "300.00", "300.00", "", "10.30", second_public, "", extra), ""]
    path = tmp_path / "misaligned.txt"
    path.write_text("\n".join(lines), "utf-8")
    return path


def _findings(path: Path) -> list[dict]:
    result = CliRunner().invoke(app, ["check", str(path), "--format", "json", "--no-cache"])
    return json.loads(result.stdout)["documents"][0]["findings"]


@pytest.mark.parametrize("extra", [False, True], ids=["cell-lost", "cell-gained"])
def test_misaligned_table_that_adds_up_has_its_cells_in_place_and_no_finding(tmp_path, extra):
    path = _document(tmp_path, "10.30", extra)
    (t,) = load_document(path).tables
    assert _cells(t, "某某市某某中心") == {
        "总计": (Decimal("520.50"), 13), "本年收入.合计": (Decimal("500.00"), 13),
        "本年收入.一般公共预算": (Decimal("400.00"), 13), "本年收入.单位资金.小计": (Decimal("100.00"), 13),
        "本年收入.单位资金.事业收入": (Decimal("100.00"), 13), "上年结转结余.合计": (Decimal("20.50"), 13),
        "上年结转结余.一般公共预算": (Decimal("20.00"), 13), "上年结转结余.单位资金": (Decimal("0.50"), 13),
    }
    assert _findings(path) == []


@pytest.mark.parametrize("extra", [False, True], ids=["cell-lost", "cell-gained"])
def test_wrong_figure_in_a_misaligned_table_is_reported_in_its_column(tmp_path, extra):
    """某某市某某站 prints 上年结转结余 10.30 but its 一般公共预算 part 10.20: its row adds up under no
    placement, and keeps the shift the other rows show, so BT113 names the real columns."""
    findings = _findings(_document(tmp_path, "10.20", extra))
    own = [f for f in findings if f["rule"] == "BT113"]
    assert len(own) == 1
    assert own[0]["message"] == "某某市某某站：上年结转结余.合计 10.30 ≠ 上年结转结余.一般公共预算 10.20（差 0.10 万元）"
    assert {(loc["line"], loc["column"]) for loc in own[0]["locations"]} == {
        (14, "上年结转结余.合计"), (14, "上年结转结余.一般公共预算")}
    total = [f for f in findings if f["rule"] == "CT102"]
    assert [loc["column"] for loc in total[0]["locations"]] == ["上年结转结余.一般公共预算"] * 3
