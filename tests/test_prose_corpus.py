"""The prose checks on real 预算 documents of other provinces (../shared/corpus): every error the
prose-internal rules report there is a real error of the document, recomputed here by hand.

The prose against the tables (BN3xx) depends on how the tables are read, which other work
changes; these rules read the prose alone.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from budgetaudit.audit import audit
from budgetaudit.loader import load_document
from budgetaudit.rules import load_rules

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not available")]
PROSE_ONLY = ("CN401", "CN403", "CN406", "CN409", "CN411", "CN412")


@cache
def _errors() -> dict[str, list]:
    rules = [r for r in load_rules().rules if r.id in PROSE_ONLY]
    out: dict[str, list] = {}
    for path in sorted(CORPUS.rglob("*.pdf")):
        result = audit(load_document(path), rules)
        out[path.name] = [f for f in result.findings if f.severity == "error"]
    return out


def _by_rule(rule: str) -> set[tuple[str, str]]:
    return {(name, f.message.split("，说明写为 ")[-1]) for name, fs in _errors().items() for f in fs if f.rule == rule}


def test_no_list_or_count_false_alarm():
    # Lists: "收入、支出预算总计 X：（一）收入…（二）支出…" restates X; "增加基本支出 844.15 万元" is a
    # change; items wrapped in tab-set prose are read; a list of one item is not complete.
    # Counts: "办公厅、研究室和 3 个专门委员会", "信息中心、培训中心等 4 个".
    assert _by_rule("CN401") == set()
    assert _by_rule("CN411") == set()


def test_every_wrong_rate_and_only_those():
    assert _by_rule("CN403") == {
        ("省人大办公厅2018预算公开.pdf", "1312.56%"),  # 1,557.29 ÷ 128.43 = 1212.56%
        ("2017年省检察院部门预算.pdf", "129.97%"),  # 3,401.59 ÷ 2,630.96 = 129.29%
        ("2018年省检察院部门预算公开.pdf", "0.06%"),  # 21.8 ÷ 3,644 = 0.60%
        ("2018年省检察院部门预算公开.pdf", "0.66%"),  # 134 ÷ 2,029 = 6.60% (1,895 wraps to "万元" below)
        ("2019年度部门预算公开.pdf", "10.06%"),  # 2,214.39 ÷ 21,955.35 = 10.09%
        ("2019年度部门预算公开.pdf", "34.38%"),  # 368.97 ÷ 1,073.77 = 34.36%
        ("江苏省委办公厅2017年部门预算.pdf", "1.66%"),  # 101.48 ÷ 6,005.51 = 1.69%
    }


def test_template_wording_left_in_is_found_where_it_wraps():
    leftovers = [f for f in _errors()["省人大办公厅2018预算公开.pdf"] if f.rule == "CN409"]
    assert all("未选定的措辞" in f.message for f in leftovers)
    lines = {f.locations[0].line for f in leftovers}
    assert {556, 572} <= lines  # "比上年预算增加（减" / "少）": the phrase wraps across lines
