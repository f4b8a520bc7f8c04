"""The sets of ../shared/corpus (skipped when absent): each published prose + tables pair is one
disclosure, the departments' years are compared with each other."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus_review import CORPUS, audited_batch, corpus_files

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not corpus_files(), reason="../shared/corpus is absent")]

PAIRS = [  # as ../shared/corpus/README.md lists them: (prose, tables)
    ("jiangsu/江苏省人大办公厅/江苏省人大常委会2019年度部门预算公开.pdf",
     "jiangsu/江苏省人大办公厅/江苏省人大常委会办公厅2019年部门预算公开表.pdf"),
    ("jiangsu/江苏省委办公厅/江苏省委办公厅2017年部门预算.pdf", "jiangsu/江苏省委办公厅/江苏省委办公厅2017年预算公开表格.pdf"),
    ("jiangsu/江苏省委办公厅/江苏省委办公厅2018年度部门预算公开文件.pdf", "jiangsu/江苏省委办公厅/江苏省委办公厅2018年度部门预算公开表.pdf"),
]


def _name(path: str) -> str:
    return Path(path).relative_to(CORPUS).as_posix()


@pytest.mark.parametrize(("prose", "tables"), PAIRS)
def test_each_published_pair_is_one_disclosure(prose, tables):
    results, sets = audited_batch()
    (s,) = [s for s in sets if s.kind == "disclosure" and prose in {_name(p) for p in s.paths}]
    assert [_name(p) for p in s.paths] == [prose, tables]
    assert (s.roles[s.paths[0]], s.roles[s.paths[1]]) == ("说明", "表格")
    doc = results[prose]
    # no table its 目录 lists is reported missing: the tables file holds all twelve
    assert not [f for f in doc.result.findings if f.rule == "CC501"]
    assert doc.result.coverage.unread == []
    assert results[tables].result.coverage.read == 12
    # its own entry says where its tables are, and its table rules count as checked (on them)
    assert [_name(p) for p in doc.result.coverage.tables_in] == [tables]
    from budgetaudit.report.coverage import unchecked
    from budgetaudit.rules import load_rules

    assert unchecked(doc, load_rules().rules) == unchecked(results[tables], load_rules().rules)


@pytest.mark.parametrize(("prose", "tables"), PAIRS)
def test_the_prose_of_a_pair_is_checked_against_its_tables_file(prose, tables, monkeypatch):
    from budgetaudit.audit import audit
    from budgetaudit.loader import load_document
    from budgetaudit.rules import load_rules
    from budgetaudit.rules.kinds import prose_check
    from budgetaudit.sets import merge

    merged = merge([load_document(CORPUS / prose), load_document(CORPUS / tables)])
    start = merged.parts[1][0]
    compared = []
    judge = prose_check.judge

    def spy(rule, left, right, *args, **kwargs):
        lines = [t.location.line for _, t in right.terms if t.location is not None and t.location.line]
        compared.append((rule.id, lines and min(lines) >= start))
        return judge(rule, left, right, *args, **kwargs)

    monkeypatch.setattr(prose_check, "judge", spy)
    audit(merged, load_rules().rules)
    against_tables = [c for c in compared if c[1]]
    assert len(against_tables) >= 8  # 基本支出, 项目支出, 收入总计 … each against the tables file's table


def test_the_departments_years_are_sets():
    _, sets = audited_batch()
    years = {s.entity: s.years for s in sets if s.kind == "years"}
    assert years == {"江苏省人大常委会办公厅": [2017, 2018, 2019], "江苏省人民检察院": [2017, 2018, 2019],
                     "江苏省委办公厅": [2017, 2018]}
