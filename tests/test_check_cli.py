"""`budgetaudit check`, `rules` and `explain` as a user runs them: output, JSON and exit codes."""

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetaudit.cli import app

SAMPLES = Path(__file__).resolve().parent.parent / "samples"

runner = CliRunner()
S000 = str(SAMPLES / "000_d725a45abd8d67de.txt")
S002 = str(SAMPLES / "002_de1423df86808f62.txt")


def run(*args, env=None):
    return runner.invoke(app, list(args), env=env)


@pytest.fixture
def broken_000(tmp_path):
    """Sample 000 with 收入总计 (line 252) misprinted 7,676.28 instead of 7,667.28."""
    lines = (SAMPLES / "000_d725a45abd8d67de.txt").read_text("utf-8").split("\n")
    assert lines[251].startswith("收 入 总 计\t7,667.28")
    lines[251] = lines[251].replace("7,667.28", "7,676.28", 1)
    path = tmp_path / "000_broken.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


TABLE_RULES = "BT,FT,CT"  # the table packs (the prose packs have their own tests)


def test_clean_document_exits_0():
    result = run("check", S000, "--select", TABLE_RULES)
    assert result.exit_code == 0, result.output
    assert "未发现问题" in result.output
    assert "预算 · 2026 年度 · 辽宁省医疗保障局本级" in result.output


def test_warnings_exit_0_unless_fail_on_warning():
    assert run("check", S002, "--select", TABLE_RULES).exit_code == 0
    assert run("check", S002, "--select", TABLE_RULES, "--fail-on", "warning").exit_code == 1


def test_broken_identity_exits_1_and_shows_both_sides(broken_000):
    result = run("check", str(broken_000))
    assert result.exit_code == 1
    out = result.output
    assert "BT101" in out and "收入总计等于支出总计" in out
    assert "7,676.28" in out and "7,667.28" in out and "9.00 万元" in out
    assert f"{broken_000}:252" in out


def test_json_report_is_the_contract(broken_000):
    result = run("check", str(broken_000), "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert set(data) == {"tool", "version", "documents", "sets", "summary"}
    assert data["tool"] == "budgetaudit"
    (doc,) = data["documents"]
    assert set(doc) == {"path", "status", "error", "kind", "year", "entity", "tables", "tables_printed",
                        "tables_read", "tables_unread", "tables_in", "disclosure", "sets", "unchecked", "findings"}
    # the 目录 lists five tables the file does not print (CC501): printed = listed, none of them read
    assert (doc["tables_printed"], doc["tables_read"], doc["disclosure"]) == (18, 13, True)
    assert {u["reason"] for u in doc["tables_unread"]} == {"listed"} and len(doc["tables_unread"]) == 5
    assert (doc["status"], doc["kind"], doc["year"], doc["entity"]) == ("ok", "预算", 2026, "辽宁省医疗保障局本级")
    bt101 = next(f for f in doc["findings"] if f["rule"] == "BT101")
    assert set(bt101) == {"rule", "severity", "title", "message", "expected", "actual", "difference", "locations",
                          "fingerprint"}
    assert bt101["severity"] == "error"
    assert bt101["message"] == "收入总计 7,676.28 ≠ 支出总计 7,667.28（差 9.00 万元）"
    assert (bt101["expected"], bt101["actual"], bt101["difference"]) == ("7676.28", "7667.28", "9.00")
    assert bt101["locations"][0] == {"path": str(broken_000), "line": 252, "page": None, "table": "收支预算总表",
                                     "row": "收 入 总 计", "column": "预算数"}
    assert data["summary"]["documents"] == 1 and data["summary"]["failed"] == 0
    assert data["summary"]["error"] == sum(f["severity"] == "error" for f in doc["findings"])


def test_rounding_is_hidden_unless_asked():
    hidden = json.loads(run("check", S002, "--format", "json", "--select", TABLE_RULES).output)
    shown = json.loads(run("check", S002, "--format", "json", "--select", TABLE_RULES,
                           "--show-rounding").output)
    assert hidden["summary"]["info"] == 0
    assert shown["summary"]["info"] > 0
    assert all(f["severity"] == "info" for f in shown["documents"][0]["findings"] if f["rule"] == "FT203")


def test_select_and_ignore(broken_000):
    only = json.loads(run("check", str(broken_000), "--format", "json", "--select", "BT101").output)
    assert {f["rule"] for f in only["documents"][0]["findings"]} == {"BT101"}
    rest = json.loads(run("check", str(broken_000), "--format", "json", "--ignore", "BT1,BT2").output)
    assert not any(f["rule"].startswith("BT") for f in rest["documents"][0]["findings"])


def test_unknown_select_id_is_a_one_line_error():
    result = run("check", S000, "--select", "XX999")
    assert result.exit_code == 2
    assert result.output.strip() == 'budgetaudit: unknown rule id or prefix "XX999"'


def test_missing_path_exits_2_but_the_rest_is_audited(tmp_path):
    missing = str(tmp_path / "nope.txt")
    result = run("check", S000, missing, "--format", "json")
    assert result.exit_code == 2
    assert f"budgetaudit: {missing}: no such file or directory" in result.stderr
    payload = result.stdout
    data = json.loads(payload)
    statuses = {d["path"]: d["status"] for d in data["documents"]}
    assert statuses == {S000: "ok", missing: "error"}
    assert data["summary"]["failed"] == 1


def test_invalid_user_pack_exits_2_with_file_and_line(tmp_path):
    pack = tmp_path / "bad.yaml"
    pack.write_text("pack: 坏\nrules:\n  - id: BT901\n    title: 测试\n    tables: [支出预算总表]\n"
                    "    each_row: 合计 == 基本支出.小记 + 项目支出\n", encoding="utf-8")
    result = run("check", S000, "--rules", str(pack))
    assert result.exit_code == 2
    assert result.output.strip().startswith(f'budgetaudit: {pack}:6: rule BT901: unknown column "基本支出.小记"')


def test_folders_are_searched_recursively(tmp_path, broken_000):
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    shutil.copy(S000, nested / "clean.txt")
    (nested / "notes.doc").write_bytes(b"not a disclosure")
    result = run("check", str(tmp_path), "--format", "json")
    paths = sorted(d["path"] for d in json.loads(result.stdout)["documents"])
    assert paths == sorted([str(broken_000), str(nested / "clean.txt")])
    assert "skipped" in result.stderr and "notes.doc" in result.stderr
    assert result.exit_code == 1


def test_quiet_prints_one_line_per_finding(broken_000):
    result = run("check", str(broken_000), "--quiet", "--select", "BT101")
    assert result.output.splitlines() == [
        f"{broken_000}:252: error BT101 收入总计 7,676.28 ≠ 支出总计 7,667.28（差 9.00 万元）"]


def test_statistics_counts_per_rule(broken_000):
    result = run("check", str(broken_000), "--statistics")
    assert "BT101" in result.output and "收入总计等于支出总计" in result.output
    assert "7,676.28" not in result.output


def test_colour_only_when_asked_or_on_a_terminal(broken_000):
    plain = run("check", str(broken_000))
    assert "\x1b[" not in plain.output
    coloured = run("check", str(broken_000), "--color", "always")
    assert "\x1b[" in coloured.output
    forced = run("check", str(broken_000), env={"FORCE_COLOR": "1"})
    assert "\x1b[" in forced.output
    assert "\x1b[" not in run("check", str(broken_000), "--color", "never", env={"FORCE_COLOR": "1"}).output
    assert "\x1b[" not in run("check", str(broken_000), env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).output


def test_output_file_gets_the_report(tmp_path, broken_000):
    out = tmp_path / "report.json"
    result = run("check", str(broken_000), "--format", "json", "--output", str(out))
    assert result.exit_code == 1
    assert json.loads(out.read_text("utf-8"))["summary"]["error"] >= 1


def test_rules_lists_every_rule_and_explain_shows_yaml():
    listing = run("rules")
    assert listing.exit_code == 0
    assert "BT101" in listing.output and "FT101" in listing.output and "CT101" in listing.output
    explained = run("explain", "BT101")
    assert explained.exit_code == 0
    out = explained.output
    assert "BT101  收入总计等于支出总计" in out
    assert 'check: "[收入:收入总计] == [支出:支出总计]"' in out
    assert "≠" in out  # an example message
    missing = run("explain", "ZZ123")
    assert missing.exit_code == 2 and "unknown rule id" in missing.output
