"""--format sarif, junit and github: each read back the way its consumer reads it."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetaudit.audit import AuditResult, DocumentResult, applies
from budgetaudit.cli import app
from budgetaudit.model import Document, Finding, Location, Table
from budgetaudit.report import github, junit, sarif
from budgetaudit.rules import load_rules

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
S000 = SAMPLES / "000_d725a45abd8d67de.txt"
S002 = SAMPLES / "002_de1423df86808f62.txt"
BT101_MESSAGE = "收入总计 7,676.28 ≠ 支出总计 7,667.28（差 9.00 万元）"

runner = CliRunner()


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("BUDGETAUDIT_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def batch(tmp_path):
    """A misprinted 收入总计 (line 252), a 决算 with warnings, and an empty file."""
    lines = S000.read_text("utf-8").split("\n")
    lines[251] = lines[251].replace("7,667.28", "7,676.28", 1)
    folder = tmp_path / "报告"
    folder.mkdir()
    (folder / "a 预算.txt").write_text("\n".join(lines), encoding="utf-8")
    (folder / "b.txt").write_text(S002.read_text("utf-8"), encoding="utf-8")
    (folder / "c_empty.txt").write_bytes(b"")
    return folder


def check(folder: Path, fmt: str, *extra: str):
    result = runner.invoke(app, ["check", str(folder), "--format", fmt, *extra])
    assert result.exit_code == 2, result.output  # the empty file
    return result.stdout


def pdf_result() -> DocumentResult:
    """A PDF's findings carry pages; one of each severity."""
    doc = Document(path="决算.pdf", lines=[], source="pdf", kind="决算", year=2024, entity="某局",
                   tables=[Table(kind="收入支出决算总表", title="收入支出决算总表", first_line=100, last_line=140)])
    findings = [
        Finding("FT203", "error", "各表支出合计一致", "九、卫生健康支出：236.63 ≠ 236.64",
                [Location(118, 7, "收入支出决算总表", "九、卫生健康支出", "金额"),
                 Location(190, 10, "支出决算表", "210 卫生健康支出", "本年支出合计")],
                Decimal("236.63"), Decimal("236.64"), Decimal("-0.01")),
        Finding("FN302", "warning", "说明与表格一致", "说明, 第一段:\n数字不符", [Location(None, 20, "说明")]),
        Finding("CN409", "info", "提示", "仅供参考", [Location(None, None)]),
    ]
    return DocumentResult("决算.pdf", document=doc, result=AuditResult(findings=findings))


# ---------------------------------------------------------------- SARIF


def test_sarif_has_one_run_rules_with_titles_and_located_results(batch):
    data = json.loads(check(batch, "sarif"))
    assert data["version"] == "2.1.0" and "sarif-2.1.0" in data["$schema"]
    (run,) = data["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "budgetaudit"
    rules = {r["id"]: r for r in driver["rules"]}
    assert len(rules) == len(load_rules().rules)
    assert rules["BT101"]["shortDescription"]["text"] == "收入总计等于支出总计"
    assert rules["BT101"]["defaultConfiguration"]["level"] == "error"
    bt101 = next(r for r in run["results"] if r["ruleId"] == "BT101")
    assert driver["rules"][bt101["ruleIndex"]]["id"] == "BT101"
    assert bt101["level"] == "error" and bt101["message"]["text"] == BT101_MESSAGE
    (where,) = bt101["locations"]
    assert where["physicalLocation"]["artifactLocation"]["uri"].endswith("/%E6%8A%A5%E5%91%8A/a%20%E9%A2%84%E7%AE%97.txt")
    assert where["physicalLocation"]["region"]["startLine"] == 252
    assert bt101["properties"] == {"expected": "7676.28", "actual": "7667.28", "difference": "9.00"}
    assert {r["level"] for r in run["results"]} <= {"error", "warning", "note"}
    assert any(r["level"] == "warning" for r in run["results"])  # sample 002's warnings
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["message"]["text"] == f"{batch / 'c_empty.txt'}: the file is empty"


def test_sarif_maps_severity_and_puts_pdf_pages_in_the_region():
    rules = load_rules().rules
    run = json.loads(sarif.render([pdf_result()], rules))["runs"][0]
    error, warning, note = run["results"]
    assert (error["level"], warning["level"], note["level"]) == ("error", "warning", "note")
    # a PDF's findings name pages, never the reader's internal line numbers (118 here)
    physical = error["locations"][0]["physicalLocation"]
    assert "region" not in physical and physical["properties"] == {"page": 7}
    assert error["message"]["text"].endswith("（第 7、10 页）")
    (related,) = error["relatedLocations"]
    assert "region" not in related["physicalLocation"] and related["physicalLocation"]["properties"] == {"page": 10}
    assert related["message"]["text"] == "支出决算表·210 卫生健康支出·本年支出合计"
    assert warning["locations"][0]["physicalLocation"] == {  # no line: no region, which needs a start
        "artifactLocation": {"uri": "%E5%86%B3%E7%AE%97.pdf", "uriBaseId": "%SRCROOT%"},
        "properties": {"page": 20}}
    assert "region" not in note["locations"][0]["physicalLocation"]
    assert run["invocations"][0]["executionSuccessful"] is True


# ---------------------------------------------------------------- JUnit


def test_junit_has_a_suite_per_document_and_a_case_per_rule_that_ran(batch):
    root = ET.fromstring(check(batch, "junit").encode("utf-8"))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [Path(s.get("name")).name for s in suites] == ["a 预算.txt", "b.txt", "c_empty.txt"]
    budget, final, empty = suites
    rules = load_rules().rules
    ran = [r for r in rules if applies(r, Document(path="", lines=[], kind="预算"))]
    cases = budget.findall("testcase")
    assert [c.get("name") for c in cases] == [f"{r.id} {r.title}" for r in ran]
    assert budget.get("tests") == str(len(ran))
    assert {p.get("name"): p.get("value") for p in budget.find("properties")}["entity"] == "辽宁省医疗保障局本级"
    bt101 = next(c for c in cases if c.get("name") == "BT101 收入总计等于支出总计")
    failure = bt101.find("failure")
    assert failure.get("type") == "error" and failure.get("message") == BT101_MESSAGE
    assert f"{batch / 'a 预算.txt'}:252" in failure.text
    passed = next(c for c in cases if c.get("name").startswith("CT101"))  # 科目逐级汇总 holds
    assert passed.find("failure") is None
    failed_cases = [c for c in cases if c.find("failure") is not None]
    assert budget.get("failures") == str(len(failed_cases)) and len(failed_cases) >= 1
    assert int(final.get("failures")) >= 1
    assert {c.get("name").split()[0] for c in final.findall("testcase")} == {r.id for r in rules if
                                                                          applies(r, Document("", [], kind="决算"))}
    (read,) = empty.findall("testcase")
    assert read.find("error").get("message") == "the file is empty" and empty.get("errors") == "1"
    assert root.get("tests") == str(sum(int(s.get("tests")) for s in suites))


def test_junit_puts_every_finding_of_a_rule_in_its_failure():
    doc = pdf_result()
    first = doc.result.findings[0]
    doc.result.findings.insert(1, Finding(first.rule, "warning", first.title, "第二处", [Location(130, 8)]))
    root = ET.fromstring(junit.render([doc], load_rules().rules).encode("utf-8"))
    case = next(c for c in root.iter("testcase") if c.get("name").startswith("FT203"))
    failure = case.find("failure")
    assert failure.get("type") == "error"
    assert failure.get("message") == "九、卫生健康支出：236.63 ≠ 236.64（另有 1 处）"
    assert failure.text.splitlines() == [
        "决算.pdf:第7页, 第10页: error FT203 九、卫生健康支出：236.63 ≠ 236.64",
        "决算.pdf:第8页: warning FT203 第二处"]


# ---------------------------------------------------------------- GitHub

ANNOTATION = re.compile(r"^::(error|warning|notice) ((?:[a-z]+=[^,:]*,?)+)::(.*)$")


def _parse(line: str) -> tuple[str, dict, str]:
    m = ANNOTATION.match(line)
    assert m, line
    props = dict(kv.split("=", 1) for kv in m.group(2).split(","))
    return m.group(1), props, m.group(3)


def test_github_annotations_name_file_line_and_rule(batch):
    lines = check(batch, "github").splitlines()
    parsed = [_parse(line) for line in lines]
    path = str(batch / "a 预算.txt")
    bt101 = next(p for p in parsed if p[1]["title"] == "BT101 收入总计等于支出总计")
    assert bt101 == ("error", {"file": path, "line": "252", "title": "BT101 收入总计等于支出总计"}, BT101_MESSAGE)
    assert any(level == "warning" and props["file"].endswith("b.txt") for level, props, _ in parsed)
    assert parsed[-1] == ("error", {"file": str(batch / "c_empty.txt"), "title": "budgetaudit"},
                          "无法读取：the file is empty")


def test_github_maps_severity_escapes_and_names_pages():
    lines = github.render([pdf_result()]).splitlines()
    assert lines[0] == ("::error file=决算.pdf,title=FT203 各表支出合计一致::"
                        "第7页：九、卫生健康支出：236.63 ≠ 236.64（另见第10页）")
    assert lines[1] == "::warning file=决算.pdf,title=FN302 说明与表格一致::第20页：说明, 第一段:%0A数字不符"
    assert lines[2] == "::notice file=决算.pdf,title=CN409 提示::仅供参考"
    assert github.command("error", "100%", file="a,b:c.txt") == "::error file=a%2Cb%3Ac.txt::100%25"


def test_junit_stays_readable_when_a_message_carries_control_characters():
    item = pdf_result()
    item.result.findings[0].message = "第一页\x0c第二页\x00"
    root = ET.fromstring(junit.render([item], load_rules().rules).encode("utf-8"))
    failure = next(c for c in root.iter("testcase") if c.get("name").startswith("FT203")).find("failure")
    assert failure.get("message") == "第一页\ufffd第二页\ufffd"


# ---------------------------------------------------------------- text report of a PDF


def test_text_report_locates_pdf_findings_by_page():
    from io import StringIO

    from rich.console import Console

    from budgetaudit.report import text as text_report

    item = pdf_result()
    item.document.tables[0].pages = [7, 8]
    out = StringIO()
    console = Console(file=out, width=200, no_color=True, color_system=None)
    text_report.render(console, [item])
    shown = out.getvalue()
    assert "决算.pdf:p7, p10" in shown  # the pages the two numbers are printed on, not the reader's lines
    assert "第 7–8 页" in shown and "第 100–140 行" not in shown
    quiet = StringIO()
    text_report.print_quiet(Console(file=quiet, width=300, no_color=True), item)
    assert quiet.getvalue().startswith("决算.pdf:p7: error FT203 ")


def test_pdf_messages_cite_pages_not_reader_lines():
    from budgetaudit.audit import pages_for_lines
    from budgetaudit.model import Line

    doc = Document(path="决算.pdf", lines=[Line(n, "", "", page=1 + n // 40) for n in range(1, 500)], source="pdf")
    assert pages_for_lines("第431行：说明·基本支出 5,377.64", doc) == "第11页：说明·基本支出 5,377.64"
    assert pages_for_lines("目录第9999行列出", doc) == "目录第9999行列出"  # no such line: left as written
