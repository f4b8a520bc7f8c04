"""The defects of the samples' prose, each pinned on the line where it is written.

Every finding of the prose and completeness rules (BN/FN 3xx, CN 4xx, CC 5xx) on the five samples
is listed here: a new false alarm fails the test as surely as a lost defect.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from budgetaudit.audit import audit
from budgetaudit.loader import load_document
from budgetaudit.rules import load_rules

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
PROSE_FAMILIES = ("BN", "FN", "CN", "CC")


@cache
def prose_findings(name: str):
    path = SAMPLES / name
    if not path.exists():
        pytest.skip(f"{name} absent")
    doc = load_document(path)
    rules = [r for r in load_rules().rules]
    result = audit(doc, rules)
    return [f for f in result.findings if f.rule.startswith(PROSE_FAMILIES)]


def pinned(name: str) -> set[tuple[str, str, int]]:
    return {(f.rule, f.severity, f.locations[0].line) for f in prose_findings(name)}


def finding(name: str, rule: str, line: int):
    hits = [f for f in prose_findings(name) if f.rule == rule and f.locations[0].line == line]
    assert len(hits) == 1, [(f.rule, f.locations[0].line) for f in prose_findings(name)]
    return hits[0]


# ------------------------------------------------------------------ 004: more than ten defects

S004 = "004_5f76dcfa3f5cef19.txt"


def test_004_every_prose_defect_on_its_line():
    assert pinned(S004) == {
        ("CC501", "error", 54),  # 目录 lists 表19 国有资本经营预算支出表, never printed
        ("CN407", "error", 154),  # 收入预算 1,681.43 元 (万元 in every table)
        ("CN403", "error", 172),  # 增加 1.23 万元，增加 0.73%: the rate is 0.07%
        ("CN408", "error", 178),  # "2025 年财政拨款收支总预算" in the 2026 budget
        ("CN403", "error", 180),  # the same wrong rate, 财政拨款收支
        ("CN405", "error", 186),  # 人员经费（即工资福利支出与对个人和家庭补助支出之和）1512.69 ≠ 1473.42 + 18.75
        ("CN405", "error", 190),  # 公用经费（即商品和服务支出）94.04 ≠ 114.56
        ("CN409", "error", 192),  # （请注意增减原因要与数字逻辑关系相符）left in the heading
        ("CN401", "error", 194),  # 三公 5.4 ≠ 0 + 0.1 + 5.4
        ("BN326", "error", 198),  # 公务接待费 0.1 in prose, blank in 表7
        ("BN330", "warning", 210),  # 事业运行经费 91.7 vs 公用经费 94.04 (scope-dependent)
        ("CC502", "warning", 288),  # 表2 illegible
        ("CC502", "warning", 482),  # 表9
        ("CC502", "warning", 492),  # 表10
        ("CC502", "warning", 502),  # 表11
        ("CC502", "warning", 512),  # 表12
        ("CC502", "warning", 536),  # 表14
    }


def test_004_messages_show_both_sides():
    assert "1,681.43 元" in finding(S004, "CN407", 154).message
    assert "万元" in finding(S004, "CN407", 154).message
    rate = finding(S004, "CN403", 172)
    assert "0.07%" in rate.message and "0.73%" in rate.message
    assert {loc.line for loc in rate.locations} >= {172, 174}  # the rate is printed on the wrapped line
    three = finding(S004, "CN401", 194)
    assert "5.40" in three.message and "5.50" in three.message
    assert {loc.line for loc in three.locations} >= {194, 196, 198, 200}
    person = finding(S004, "CN405", 186)
    assert "1,512.69" in person.message and "1,492.17" in person.message
    reception = finding(S004, "BN326", 198)
    assert {loc.line for loc in reception.locations} == {198, 464}
    scope = finding(S004, "BN330", 210)
    assert "口径" in scope.message and "91.7" in scope.message


# ------------------------------------------------------------------ 002: 决算


S002 = "002_de1423df86808f62.txt"


def test_002_disagreeing_change_and_tail_difference():
    assert pinned(S002) == {
        ("CN404", "warning", 95),  # 财政拨款支出增加 2,505.50 vs 支出增加 2,505.43 (both 7,078.30 this year)
        ("FN322", "warning", 137),  # 基本支出 1,041.23 vs 公开05表 1,041.24 (尾差)
    }
    repeat = finding(S002, "CN404", 95)
    assert "2,505.50" in repeat.message and "2,505.43" in repeat.message
    assert {loc.line for loc in repeat.locations} == {85, 95}
    tail = finding(S002, "FN322", 137)
    assert "1,041.23" in tail.message and "1,041.24" in tail.message and "尾差" in tail.message


# ------------------------------------------------------------------ 000, 001, 003


def test_000_tables_listed_in_the_toc_but_never_printed():
    assert pinned("000_d725a45abd8d67de.txt") == {("CC501", "error", line) for line in (24, 25, 29, 31, 33)}


def test_001_prose_agrees_with_its_tables_but_表17_lacks_one_project_sheet():
    # 表9 lists 17 projects and the prose says 17 (lines 738, 777 twice), but 表17 (line 513)
    # prints 16 项目(政策)名称 sheets: 结转-沈阳市国货国用信创工程项目 has none.
    assert pinned("001_1d4d26261698f388.txt") == {("CN410", "error", 738), ("CN410", "error", 777)}
    sheets = finding("001_1d4d26261698f388.txt", "CN410", 738)
    assert "项目绩效目标表" in sheets.message and "16 个" in sheets.message


def test_003_has_no_prose_error_and_its_arithmetic_holds():
    found = prose_findings("003_9486bdcb24e3dd0a.txt")
    assert [f for f in found if f.severity == "error"] == []
    # Empty 表13/表14/表18 printed without the customary note are warnings, nothing more.
    assert pinned("003_9486bdcb24e3dd0a.txt") == {("CC503", "warning", line) for line in (1857, 1911, 3386)}


def test_003_truncated_product_is_rounding_not_an_error():
    doc = load_document(SAMPLES / "003_9486bdcb24e3dd0a.txt")
    rules = [r for r in load_rules().rules if r.id == "CN406"]
    result = audit(doc, rules)
    assert result.findings == []
    rounding = {(f.locations[0].line, f.message) for f in result.rounding}
    assert any(line == 892 and "2.016" in msg and "截尾" in msg for line, msg in rounding)
