"""The day-to-day workflow of a linter (issue 14): settings files, a baseline of accepted findings with
their reasons, honest coverage, locations a machine can use, and the folder walk of `check .`.

Every case runs the real command in a subprocess, in the folder a user would run it from.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.slow  # pytest -m 'not slow': the quick subset (README)

ROOT = Path(__file__).resolve().parent.parent
S000 = ROOT / "samples" / "000_d725a45abd8d67de.txt"
PDFS = ROOT.parent / "shared" / "pdfs"


def run(*args: str, cwd: Path | None = None, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "budgetaudit", *args], capture_output=True, timeout=300,
                            cwd=cwd, input=stdin, env={**os.environ, "BUDGETAUDIT_CACHE_DIR": str(cwd or ROOT) + "/.c"}
                            if cwd else None)
    result.stdout, result.stderr = result.stdout.decode("utf-8"), result.stderr.decode("utf-8")
    assert "Traceback" not in result.stderr
    return result


def errors(result: subprocess.CompletedProcess) -> list[str]:
    return [line for line in result.stderr.splitlines()
            if line.startswith("budgetaudit: ") and not line.startswith("budgetaudit: note:")]


def findings(result: subprocess.CompletedProcess) -> list[dict]:
    return [f for d in json.loads(result.stdout)["documents"] for f in d["findings"]]


def broken(folder: Path) -> Path:
    """Sample 000 with 收入总计 (line 252) misprinted 7,676.28 instead of 7,667.28: BT101, BT102 and
    BT203 over it, and the sample's own five CC501 (its 目录 lists tables it does not print)."""
    lines = S000.read_text("utf-8").split("\n")
    lines[251] = lines[251].replace("7,667.28", "7,676.28", 1)
    path = folder / "doc.txt"
    path.write_text("\n".join(lines), "utf-8")
    return path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


# ---------------------------------------------------------------- baseline


def test_a_baseline_hides_reviewed_findings_shows_new_ones_and_names_stale_ones(tmp_path):
    doc = broken(tmp_path)
    before = run("check", "doc.txt", "-f", "json", cwd=tmp_path)
    assert before.returncode == 1
    assert sorted({f["rule"] for f in findings(before)}) == ["BT101", "BT102", "BT203", "CC501"]

    written = run("baseline", "doc.txt", cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    baseline = tmp_path / "budgetaudit-baseline.yaml"
    entries = yaml.safe_load(baseline.read_text("utf-8"))["findings"]
    assert len(entries) == len(findings(before)) and all(e["reason"] == "" for e in entries)
    assert [e["fingerprint"] for e in entries] == [f["fingerprint"] for f in findings(before)]

    # Accepting without a reason is refused: one line naming the file and the entries.
    refused = run("check", "doc.txt", "--baseline", str(baseline), cwd=tmp_path)
    assert refused.returncode == 2
    (line,) = errors(refused)
    assert str(baseline) in line and "reason" in line and "entries 1, 2" in line

    baseline.write_text(baseline.read_text("utf-8").replace("reason: ''", "reason: 已与财政局核实，原表如此"), "utf-8")
    accepted = run("check", "doc.txt", "--baseline", str(baseline), "-f", "json", cwd=tmp_path)
    assert accepted.returncode == 0, accepted.stderr
    assert findings(accepted) == []
    report = json.loads(accepted.stdout)["baseline"]
    assert len(report["accepted"]) == len(entries) and report["stale"] == []
    assert {a["reason"] for a in report["accepted"]} == {"已与财政局核实，原表如此"}

    # Lines move (a re-extraction, a page added above): the fingerprints do not.
    doc.write_text("\n\n\n" + doc.read_text("utf-8"), "utf-8")
    assert run("check", "doc.txt", "--baseline", str(baseline), cwd=tmp_path).returncode == 0

    # One figure edited: exactly its finding appears.
    edit(doc, "机关运行经费预算为116.42万元", "机关运行经费预算为116.52万元")
    new = run("check", "doc.txt", "--baseline", str(baseline), "-f", "json", "--fail-on", "warning", cwd=tmp_path)
    assert new.returncode == 1
    (only,) = findings(new)
    assert only["rule"] == "BN330" and "116.52" in only["message"] and "116.42" in only["message"]

    # The error corrected: its accepted entries are reported stale, in JSON and in the text report.
    edit(doc, "7,676.28", "7,667.28")
    stale = run("check", "doc.txt", "--baseline", str(baseline), "-f", "json", cwd=tmp_path)
    entries = json.loads(stale.stdout)["baseline"]["stale"]
    assert [e["rule"] for e in entries] == ["BT101", "BT102", "BT203"]
    assert all("7,676.28" in e["message"] for e in entries)
    text = run("check", "doc.txt", "--baseline", str(baseline), "--color", "never", cwd=tmp_path).stdout
    assert "3 条已接受的发现不再出现" in text and "BT203" in text


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_a_baseline_or_settings_file_that_is_a_device_is_one_line_not_a_hang(tmp_path):
    broken(tmp_path)
    result = run("check", "doc.txt", "--baseline", "/dev/zero", cwd=tmp_path)
    assert result.returncode == 2
    (line,) = errors(result)
    assert "/dev/zero" in line and "not a regular file" in line


def test_sarif_carries_fingerprints_and_the_reviewer_s_reasons_as_suppressions(tmp_path):
    broken(tmp_path)
    run("baseline", "doc.txt", "-o", "accepted.yaml", "--select", "BT", cwd=tmp_path)
    bl = tmp_path / "accepted.yaml"
    bl.write_text(bl.read_text("utf-8").replace("reason: ''", "reason: 印刷错误，已更正"), "utf-8")
    result = run("check", "doc.txt", "--baseline", "accepted.yaml", "-f", "sarif", cwd=tmp_path)
    (sarif_run,) = json.loads(result.stdout)["runs"]
    by_rule = {}
    for r in sarif_run["results"]:
        assert set(r["partialFingerprints"]) == {"budgetaudit/v1"}
        by_rule.setdefault(r["ruleId"], []).append(r)
    (bt101,) = by_rule["BT101"]
    (suppression,) = bt101["suppressions"]
    assert suppression["kind"] == "external" and suppression["justification"] == "印刷错误，已更正"
    assert all("suppressions" not in r for r in by_rule["CC501"])  # not accepted: still open
    assert result.returncode == 1  # the CC501 errors were not accepted


# ---------------------------------------------------------------- settings


def test_settings_are_found_upward_and_the_command_line_wins(tmp_path):
    broken(tmp_path)
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.budgetaudit]\nselect = ["BT"]\nformat = "json"\n'
        '[tool.budgetaudit.per-file-ignores]\n"other*.txt" = ["BT"]\n', "utf-8")
    sub = tmp_path / "sub"
    sub.mkdir()
    result = run("check", "../doc.txt", cwd=sub)
    assert {f["rule"] for f in findings(result)} == {"BT101", "BT102", "BT203"}  # select and format from the file
    assert "CC501" in run("check", "../doc.txt", "--select", "CC", cwd=sub).stdout  # the option wins
    isolated = run("check", "../doc.txt", "--isolated", cwd=sub)
    assert isolated.stdout.lstrip().startswith("../doc.txt") and "CC501" in isolated.stdout  # text, every rule
    shown = run("config", cwd=sub).stdout
    assert f"# from {tmp_path / 'pyproject.toml'}" in shown and 'select = ["BT"]' in shown
    shutil.copy(tmp_path / "doc.txt", tmp_path / "other.txt")
    assert findings(run("check", "../other.txt", cwd=sub)) == []  # per-file-ignores


def test_a_budgetaudit_toml_comes_first_and_a_bad_one_is_one_line(tmp_path):
    broken(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.budgetaudit]\nselect = ["BT"]\n', "utf-8")
    own = tmp_path / "budgetaudit.toml"
    own.write_text('select = ["CC"]\nfail-on = "warning"\n', "utf-8")
    assert {f["rule"] for f in findings(run("check", "doc.txt", "-f", "json", cwd=tmp_path))} == {"CC501"}
    own.write_text('select = ["CC"]\nfail_on = "warning"\njobs = "many"\n', "utf-8")
    result = run("check", "doc.txt", cwd=tmp_path)
    assert result.returncode == 2
    (line,) = errors(result)
    assert str(own) in line and 'unknown setting "fail_on"' in line and "jobs: expects a whole number" in line


# ---------------------------------------------------------------- what a run reads


def test_check_at_the_repository_root_audits_only_the_disclosures(tmp_path):
    shutil.copytree(ROOT / "samples", tmp_path / "samples")
    shutil.copy(ROOT / "README.md", tmp_path / "README.md")
    (tmp_path / "budgetaudit.egg-info").mkdir()
    (tmp_path / "budgetaudit.egg-info" / "SOURCES.txt").write_text("budgetaudit/cli.py\n", "utf-8")
    (tmp_path / ".venv" / "lib").mkdir(parents=True)
    (tmp_path / ".venv" / "lib" / "LICENSE.txt").write_text("MIT License\n", "utf-8")
    (tmp_path / "archive").mkdir()
    shutil.copy(S000, tmp_path / "archive" / "old.txt")
    (tmp_path / "tool.py").write_text("print(1)\n", "utf-8")
    result = run("check", ".", "-f", "json", "--exclude", "archive", cwd=tmp_path)
    audited = sorted(Path(d["path"]).parent.name for d in json.loads(result.stdout)["documents"])
    assert audited == ["samples"] * 5
    assert "skipped README.md (not a 预算/决算 disclosure: written in Latin letters)" in result.stderr
    assert "tool.py (not .txt, .md, .pdf, .xlsx or .docx)" in result.stderr
    # Named on its own, the README is said to be no disclosure (CC507), not "clean".
    alone = run("check", "README.md", "-f", "json", cwd=tmp_path)
    assert [f["rule"] for f in findings(alone)] == ["CC507"]
    assert "拉丁字母" in findings(alone)[0]["message"]


def test_standard_input_and_exit_zero(tmp_path):
    result = run("check", "-", "-f", "json", stdin=broken(tmp_path).read_bytes(), cwd=tmp_path)
    assert result.returncode == 1
    (document,) = json.loads(result.stdout)["documents"]
    assert document["path"] == "-" and any(f["rule"] == "BT101" for f in document["findings"])
    assert run("check", "doc.txt", "--exit-zero", cwd=tmp_path).returncode == 0
    assert run("check", "missing.txt", "--exit-zero", cwd=tmp_path).returncode == 2  # a failed input still says so


def test_tables_refuses_an_unknown_colour():
    result = run("tables", str(S000), "--color", "purple")
    assert result.returncode == 2 and "purple" in result.stderr


# ---------------------------------------------------------------- coverage


def test_rules_that_could_not_be_checked_are_said_not_passed(tmp_path):
    broken(tmp_path)
    data = json.loads(run("check", "doc.txt", "-f", "json", cwd=tmp_path).stdout)
    unchecked = {u["rule"]: u["reason"] for u in data["documents"][0]["unchecked"]}
    # the sample prints no 部门管理专项资金预算表: BT128, on that table alone, was not checked
    assert unchecked["BT128"] == "所涉表格不在文件中，未核对" and "BT101" not in unchecked
    assert set(unchecked.values()) <= {"所涉表格不在文件中，未核对", "所涉表格已印出但未能识别，未核对"}
    junit = ET.fromstring(run("check", "doc.txt", "-f", "junit", cwd=tmp_path).stdout.encode("utf-8"))
    (suite,) = junit.findall("testsuite")
    skipped = {c.get("name").split()[0] for c in suite.findall("testcase") if c.find("skipped") is not None}
    assert skipped == {r for r, why in unchecked.items() if why}
    stats = run("check", "doc.txt", "--statistics", "--color", "never", cwd=tmp_path).stdout
    assert "未能核对的规则" in stats


def test_a_pack_rule_that_binds_nothing_is_said_once_and_every_pack_problem_is_listed(tmp_path):
    broken(tmp_path)
    shutil.copy(tmp_path / "doc.txt", tmp_path / "doc2.txt")
    pack = tmp_path / "mine.yaml"
    pack.write_text("pack: mine\nrules:\n  - id: ZZ001\n    title: 决算总表平衡\n    table: 收入支出决算总表\n"
                    "    check: 收入总计 == 支出总计\n", "utf-8")
    result = run("check", "doc.txt", "doc2.txt", "--rules", str(pack), cwd=tmp_path)
    notes = [line for line in result.stderr.splitlines() if "ZZ001" in line]
    assert len(notes) == 1 and "checked against no document" in notes[0]
    pack.write_text("pack: mine\nrules:\n  - id: ZZ001\n    title: 收支平衡\n    table: 收支预算总表\n"
                    "    check: 收入总记 == 支出总计\n  - id: ZZ002\n    title: 收支平衡\n    table: 收支预算总表\n"
                    "    check: 收入总计 == 支出总计\n", "utf-8")
    misspelt = run("check", "doc.txt", "doc2.txt", "--rules", str(pack), cwd=tmp_path)
    notes = [line for line in misspelt.stderr.splitlines() if "ZZ00" in line]
    assert notes == ["budgetaudit: note: rule ZZ001: no document prints the row 收支预算总表[收入总记] "
                     "(a misspelt row name?); where it is needed the rule was not checked"]
    pack.write_text("pack: mine\nrules:\n  - id: ZZ001\n    title: t\n    table: 没有这张表\n    check: a == b\n"
                    "  - id: ZZ002\n    title: t\n    severity: fatal\n    table: 收支预算总表\n"
                    "    check: 收入总计 == 支出总计\n", "utf-8")
    bad = run("check", "doc.txt", "--rules", str(pack), cwd=tmp_path)
    assert bad.returncode == 2
    problems = errors(bad)
    assert len(problems) == 2 and "ZZ001" in problems[0] and "ZZ002" in problems[1]


# ---------------------------------------------------------------- locations for machines


@pytest.mark.skipif(not PDFS.is_dir(), reason="../shared/pdfs is not present")
def test_machine_formats_cite_a_pdf_s_pages_never_the_reader_s_lines(tmp_path):
    pdf = sorted(PDFS.glob("*.pdf"))[0]
    github = run("check", str(pdf), "-f", "github", "--show-rounding", cwd=tmp_path).stdout.splitlines()
    assert github and all(",line=" not in a for a in github) and all("::第" in a for a in github)
    sarif = json.loads(run("check", str(pdf), "-f", "sarif", cwd=tmp_path).stdout)["runs"][0]["results"]
    assert sarif and all("region" not in loc["physicalLocation"] and loc["physicalLocation"]["properties"]["page"]
                         for r in sarif for loc in r["locations"])
    junit = run("check", str(pdf), "-f", "junit", cwd=tmp_path).stdout
    failures = [f.text for f in ET.fromstring(junit.encode("utf-8")).iter("failure")]
    assert failures and all(line.split(": ")[0].split(":")[-1].startswith("第") for t in failures
                            for line in t.splitlines())
    data = json.loads(run("check", str(pdf), "-f", "json", cwd=tmp_path).stdout)
    assert all(loc["line"] is None and loc["page"] for f in data["documents"][0]["findings"] for loc in f["locations"]
               if loc["page"])


def test_repeated_template_leftovers_quote_their_words(tmp_path):
    doc = tmp_path / "doc.txt"
    text = S000.read_text("utf-8")
    text = text.replace("机关运行经费预算为116.42万元", "机关运行经费预算为XX万元", 1)
    text = text.replace("公务接待费1.2万元", "公务接待费XX万元", 1)
    doc.write_text(text, "utf-8")
    leftovers = [f["message"] for f in findings(run("check", "doc.txt", "-f", "json", "--select", "CN", cwd=tmp_path))
                 if "占位符" in f["message"]]
    assert len(leftovers) == 2
    assert "机关运行经费预算为XX万元" in leftovers[0] and "公务接待费XX万元" in leftovers[1]
