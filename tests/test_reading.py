"""Honesty about reading: a misread table is one warning (CC505), not an error per row; a real
broken row stays an error; printed tables that were not read are counted and named (识别 x/y 张表);
a file that is no disclosure is said to be one (CC507)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetaudit.audit import audit
from budgetaudit.cli import app
from budgetaudit.loader import load_document
from budgetaudit.rules import load_rules

pytestmark = pytest.mark.slow  # pytest -m 'not slow': the quick subset (README)

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
SAMPLES = Path(__file__).resolve().parents[1] / "samples"

# A 支出预算总表 that adds up: 合计 = 基本支出 + 项目支出, 小计 = 人员经费 + 公用经费, 类 = Σ款 = Σ项.
ROWS = [
    ("", "合计", "1,000.00", "600.00", "450.00", "150.00", "400.00"),
    ("208", "社会保障和就业支出", "300.00", "200.00", "150.00", "50.00", "100.00"),
    ("20805", "行政事业单位养老支出", "300.00", "200.00", "150.00", "50.00", "100.00"),
    ("2080501", "行政单位离退休", "120.00", "80.00", "60.00", "20.00", "40.00"),
    ("2080505", "机关事业单位基本养老保险缴费支出", "180.00", "120.00", "90.00", "30.00", "60.00"),
    ("210", "卫生健康支出", "700.00", "400.00", "300.00", "100.00", "300.00"),
    ("21011", "行政事业单位医疗", "700.00", "400.00", "300.00", "100.00", "300.00"),
    ("2101101", "行政单位医疗", "250.00", "150.00", "110.00", "40.00", "100.00"),
    ("2101102", "事业单位医疗", "450.00", "250.00", "190.00", "60.00", "200.00"),
]
TABLE_RULE_PREFIXES = ("BT", "CT")


def document(tmp_path: Path, rows, name: str = "doc.txt") -> Path:
    lines = ["2026年某某单位部门预算", "", "支出预算总表", "", "表3", "", "单位：万元", "",
             "科目编码\t科目名称\t合计\t基本支出\t\t\t项目支出", "\t\t\t小计\t人员经费\t公用经费\t"]
    lines += ["\t".join(r) for r in rows]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def findings(path: Path):
    result = audit(load_document(path), load_rules().rules)
    return result, result.findings


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_a_table_that_adds_up_is_read_and_clean(tmp_path):
    result, found = findings(document(tmp_path, ROWS))
    assert found == []
    assert (result.coverage.printed, result.coverage.read, result.coverage.unread) == (1, 1, [])


def test_one_broken_row_stays_an_error(tmp_path):
    rows = list(ROWS)
    rows[3] = ("2080501", "行政单位离退休", "120.00", "80.00", "66.00", "20.00", "40.00")  # 人员经费 60 → 66
    result, found = findings(document(tmp_path, rows))
    assert not [f for f in found if f.rule == "CC505"]
    bt121 = [f for f in found if f.rule == "BT121"]
    assert len(bt121) == 1 and bt121[0].severity == "error" and bt121[0].locations[0].line == 14
    assert "差 6.00 万元" in bt121[0].message
    assert result.coverage.read == 1


def test_a_few_independent_real_errors_in_a_large_table_stay_errors(tmp_path):
    rows = list(ROWS)
    rows[3] = ("2080501", "行政单位离退休", "120.00", "80.00", "66.00", "20.00", "40.00")
    rows[7] = ("2101101", "行政单位医疗", "250.00", "150.00", "110.00", "45.00", "100.00")
    _, found = findings(document(tmp_path, rows))
    assert not [f for f in found if f.rule == "CC505"]
    assert {f.locations[0].line for f in found if f.rule == "BT121"} == {14, 18}


def test_a_column_read_one_row_off_is_one_warning_not_an_error_per_row(tmp_path):
    # the 合计 column slipped one row down: every row fails its own identities, each by its own gap
    totals = [r[2] for r in ROWS]
    shifted = [totals[-1]] + totals[:-1]
    rows = [(r[0], r[1], t, *r[3:]) for r, t in zip(ROWS, shifted, strict=True)]
    result, found = findings(document(tmp_path, rows))
    (warning,) = [f for f in found if f.rule == "CC505"]
    assert warning.severity == "warning" and warning.locations[0].table == "支出预算总表"
    assert "表3“支出预算总表”未能可靠识别" in warning.message and "第3行" in warning.message
    assert not [f for f in found if f.rule.startswith(TABLE_RULE_PREFIXES)]
    assert (result.coverage.printed, result.coverage.read) == (1, 0)
    assert [u.reason for u in result.coverage.unread] == ["misread"]


def test_codes_read_as_amounts_make_one_warning(tmp_path):
    # a 科目编码 column taken for the 合计 column (a single-amount table read with the wide template)
    rows = [(r[0], r[1], r[0].strip() or r[2], *r[3:]) for r in ROWS]
    _, found = findings(document(tmp_path, rows))
    (warning,) = [f for f in found if f.rule == "CC505"]
    assert "科目编码或年份" in warning.message and "“合计”列" in warning.message
    assert not [f for f in found if f.rule.startswith(TABLE_RULE_PREFIXES)]


def test_the_text_report_never_says_clean_when_a_printed_table_was_not_read(tmp_path):
    totals = [r[2] for r in ROWS]
    rows = [(r[0], r[1], t, *r[3:]) for r, t in zip(ROWS, [totals[-1]] + totals[:-1], strict=True)]
    path = document(tmp_path, rows)
    out = run("check", str(path), "--color", "never", "--select", "BT").output  # CC505 not selected
    assert "未发现问题" not in out.replace("已核对的部分未发现问题", "")
    assert "识别 0/1 张表" in out and "表3“支出预算总表”" in out and "未能可靠识别" in out
    data = json.loads(run("check", str(path), "--format", "json").output)
    (doc,) = data["documents"]
    assert (doc["tables_printed"], doc["tables_read"]) == (1, 0)
    assert doc["tables_unread"][0]["kind"] == "支出预算总表" and doc["tables_unread"][0]["reason"] == "misread"
    assert data["summary"]["incompletely_read"] == 1


def test_a_title_printed_over_an_unreadable_table_is_counted_and_named(tmp_path):
    # a tables-only file whose lines ran together: the second title sits inside the first table's rows
    path = tmp_path / "tables.txt"
    path.write_text("收支预算总表部门:某某单位 单位:万元收入 支出项目名称 金额一、财政拨款 20,702.25 收入合计 20,702.25\n"
                    "\n收入预算总表部门:某某单位 单位:万元项目名称 金额收入总计 20,849.45小计 20,702.25\n", "utf-8")
    result, found = findings(path)
    cov = result.coverage
    assert cov.disclosure and cov.printed == 2 and cov.read + len(cov.unread) == 2 and cov.read < 2
    unread = {u.kind for u in cov.unread}
    named = {f.locations[0].table for f in found if f.rule in ("CC502", "CC505", "CC506")}
    assert unread <= named | {u.kind for u in cov.unread if u.reason == "empty"}
    out = run("check", str(path), "--color", "never").output
    assert f"识别 {cov.read}/2 张表" in out and "✓ 未发现问题" not in out
    for kind in unread:
        assert f"“{kind}”（第" in out


def test_coverage_counts_titles_and_the_toc_entries_without_a_table():
    from budgetaudit.model import Document, Line, TocEntry
    from budgetaudit.reading import coverage

    lines = [Line(i + 1, t, t, page=i + 1) for i, t in enumerate(["目录", "支出预算总表", "收入预算总表部门:x"])]
    doc = Document("x.txt", lines, toc=[TocEntry("支出预算总表", 2, "支出预算总表")],
                   titles=[TocEntry("收入预算总表", 3, "收入预算总表")])
    cov = coverage(doc, [])
    assert (cov.printed, cov.read) == (2, 0)
    assert [(u.kind, u.reason, u.pages) for u in cov.unread] == [("收入预算总表", "unrecognised", [3]),
                                                                 ("支出预算总表", "listed", [])]


def test_a_readme_is_not_a_disclosure(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# 预算工具\n\n本仓库收集各部门预算公开文件，用于测试。运行 `budgetaudit check folder/`。\n", "utf-8")
    result, found = findings(readme)
    assert not result.coverage.disclosure
    assert [(f.rule, f.severity) for f in found] == [("CC507", "warning")]
    out = run("check", str(readme), "--color", "never")
    assert out.exit_code == 0 and "不是预算/决算公开材料" in out.output and "✓" not in out.output
    assert run("check", str(readme), "--fail-on", "warning").exit_code == 1
    data = json.loads(run("check", str(readme), "--format", "json").output)
    assert data["documents"][0]["disclosure"] is False and data["summary"]["not_disclosures"] == 1
    junit = run("check", str(readme), "--format", "junit").output
    assert 'name="CC507 不是预算/决算公开材料"' in junit and "<skipped" in junit


def test_junit_skips_the_rules_of_a_misread_table(tmp_path):
    totals = [r[2] for r in ROWS]
    rows = [(r[0], r[1], t, *r[3:]) for r, t in zip(ROWS, [totals[-1]] + totals[:-1], strict=True)]
    junit = run("check", str(document(tmp_path, rows)), "--format", "junit").output
    import xml.etree.ElementTree as ET

    cases = {c.get("name").split()[0]: c for c in ET.fromstring(junit.encode("utf-8")).iter("testcase")}
    assert cases["BT120"].find("skipped") is not None and cases["BT120"].find("failure") is None
    assert cases["CC505"].find("failure") is not None


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.glob("*.txt")))
def test_no_sample_table_is_judged_misread(name):
    result = audit(load_document(SAMPLES / name), load_rules().rules)
    assert not [f for f in result.findings if f.rule in ("CC505", "CC506", "CC507")]
    assert result.coverage.disclosure and result.coverage.read >= 9


def test_real_errors_in_a_seed_table_are_not_swallowed(tmp_path):
    """Two independent wrong cells in seed 000's 支出预算总表 (表3): two BT121 errors, no CC505."""
    text = (SAMPLES / "000_d725a45abd8d67de.txt").read_text("utf-8")
    for before, after in (("2101501\t行政运行\t727.79\t727.79\t611.87", "2101501\t行政运行\t727.79\t727.79\t601.87"),
                          ("2080501\t行政单位离退休\t23.70\t23.70\t22.70", "2080501\t行政单位离退休\t23.70\t23.70\t21.70")):
        assert text.count(before) >= 1  # 表3 comes first; the same row is printed again in 表5
        text = text.replace(before, after, 1)
    path = tmp_path / "000.txt"
    path.write_text(text, "utf-8")
    result = audit(load_document(path), load_rules().rules)
    assert not [f for f in result.findings if f.rule == "CC505"]
    bt121 = sorted(f.where for f in result.findings if f.rule == "BT121" and f.severity == "error")
    assert bt121 == ["2080501 行政单位离退休", "2101501 行政运行"]


@pytest.mark.parametrize("name", ["上海市普陀区规划和自然资源局 2024 年度部门决算.pdf",
                                  "中共上海市普陀区委社会工作部 2024 年度部门决算.pdf"])
def test_no_shanghai_final_account_table_is_judged_misread(name):
    path = Path(__file__).resolve().parents[2] / "shared" / "pdfs" / name
    if not path.exists():
        pytest.skip(f"{path} is absent")
    result = audit(load_document(path), load_rules().rules)
    assert not [f for f in result.findings if f.rule in ("CC505", "CC506", "CC507")]
    assert result.coverage.read == result.coverage.printed == 9


# ---------------------------------------------------------------- the real corpus

def corpus(*parts: str) -> Path:
    path = CORPUS.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent")
    return path


@pytest.fixture(scope="module")
def corpus_run():
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is absent")
    result = run("check", str(CORPUS), "--format", "json", "--no-cache")
    data = json.loads(result.stdout)
    data["stderr"] = result.stderr
    return data


def test_no_corpus_table_is_reported_row_by_row(corpus_run):
    """A table that fails on most of its rows is one CC505 warning, never a flood of row errors."""
    for doc in corpus_run["documents"]:
        per_table: dict[str, set] = {}
        for f in doc["findings"]:
            tables = {loc["table"] for loc in f["locations"]}
            if f["severity"] == "error" and f["rule"].startswith(TABLE_RULE_PREFIXES) and len(tables) == 1:
                per_table.setdefault(tables.pop(), set()).add(f["locations"][0]["line"])
        for table, rows in per_table.items():
            assert len(rows) <= 12, (doc["path"], table, len(rows))


def test_no_corpus_document_passes_silently(corpus_run):
    # a prose file published with a tables file is one disclosure with it (sets.py): its tables are there
    together = {d["path"]: d for d in corpus_run["documents"]}
    disclosure = {m["path"]: [together[x["path"]] for x in s["documents"]]
                  for s in corpus_run["sets"] if s["kind"] == "disclosure" for m in s["documents"]}
    for doc in corpus_run["documents"]:
        assert doc["tables_read"] + len(doc["tables_unread"]) == doc["tables_printed"], doc["path"]
        if Path(doc["path"]).suffix == ".pdf":
            printed = sum(d["tables_printed"] for d in disclosure.get(doc["path"], [doc]))
            assert doc["disclosure"] and printed >= 4, doc["path"]
        if doc["tables_unread"]:
            assert doc["findings"], doc["path"]


def test_the_corpus_readme_is_not_a_disclosure(corpus_run):
    """Found in the folder, the (English) README is skipped with a note; named alone, it is CC507."""
    assert not [d for d in corpus_run["documents"] if Path(d["path"]).name == "README.md"]
    assert f"skipped {CORPUS / 'README.md'} (not a 预算/决算 disclosure" in corpus_run["stderr"]
    alone = json.loads(run("check", str(CORPUS / "README.md"), "--format", "json", "--no-cache").stdout)
    (readme,) = alone["documents"]
    assert readme["disclosure"] is False and [f["rule"] for f in readme["findings"]] == ["CC507"]


def test_codes_read_as_amounts_in_a_real_table_are_not_errors():
    """2017 检察院, 一般公共预算支出表 (p14): its 合计 was read from the 科目编码 column (204, 20404,
    2040401 …) — either it is read right now, or it is said once to be misread; never 2,040,401 万元."""
    path = corpus("jiangsu", "江苏省人民检察院", "2017年省检察院部门预算.pdf")
    result = audit(load_document(path), load_rules().rules)
    on_table = [f for f in result.findings if any(loc.table == "一般公共预算支出表" for loc in f.locations)]
    assert not [f for f in on_table if f.severity == "error" and "2,040,401" in f.message]
    misread = [f for f in on_table if f.rule == "CC505"]
    assert len(misread) <= 1
    if misread:
        assert "第14页" in misread[0].message


def test_a_tables_only_file_is_never_clean():
    path = corpus("jiangsu", "江苏省委办公厅", "江苏省委办公厅2017年预算公开表格.pdf")
    out = run("check", str(path), "--color", "never", "--no-cache").output
    assert "✓ 未发现问题" not in out
    result = audit(load_document(path), load_rules().rules)
    assert result.coverage.printed >= 4
