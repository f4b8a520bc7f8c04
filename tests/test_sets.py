"""Documents audited together (budgetaudit/sets.py), as a user runs them: small sets built from the
samples by editing real figures — a prose file with its tables file, two years of one entity, a 部门
with two 单位 — each cross-document finding with its locations in both files, and a consistent set
with none."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetaudit.cli import app

pytestmark = pytest.mark.slow  # pytest -m 'not slow': the quick subset (README)

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
S000 = SAMPLES / "000_d725a45abd8d67de.txt"  # 辽宁省医疗保障局本级 2026 单位预算: prose, then tables
S003 = SAMPLES / "003_9486bdcb24e3dd0a.txt"  # 抚顺市医疗保障局 2025 部门预算: its 收入预算总表 lists 2 单位

runner = CliRunner()


def check(*args: str) -> tuple[int, dict]:
    result = runner.invoke(app, ["check", *args, "--format", "json", "--no-cache"])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def lines_of(path: Path) -> list[str]:
    return path.read_text("utf-8").split("\n")


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def edit(lines: list[str], number: int, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` on line ``number`` (1-based), which must print it."""
    assert old in lines[number - 1], (number, lines[number - 1])
    lines[number - 1] = lines[number - 1].replace(old, new, 1)


def document(data: dict, path: Path) -> dict:
    return next(d for d in data["documents"] if Path(d["path"]) == path)


def findings(data: dict, prefix: str) -> list[dict]:
    return [f for d in data["documents"] for f in d["findings"] if f["rule"].startswith(prefix)]


def spots(finding: dict) -> list[tuple[str, int | None]]:
    return [(Path(loc["path"]).name, loc["line"]) for loc in finding["locations"]]


# ---------------------------------------------------------------- a prose file with its tables file

def split_000(folder: Path, prose_edits=(), table_edits=()) -> tuple[Path, Path]:
    """Sample 000 published as two files: its prose (the cover, 目录 and 情况说明, lines 1–227 without
    the 三公 comparison at 159–170) and its tables (lines 228–626, from the title 2026年…单位预算批复表)."""
    lines = lines_of(S000)
    for number, old, new in prose_edits:
        edit(lines, number, old, new)
    for number, old, new in table_edits:
        edit(lines, number, old, new)
    assert lines[227].startswith("2026年辽宁省医疗保障局本级单位预算批复表")
    prose = write(folder / "说明.txt", lines[:158] + lines[170:227])
    tables = write(folder / "公开表.txt", lines[227:])
    return prose, tables


def test_a_prose_file_alone_says_its_tables_were_not_given(tmp_path):
    prose, _ = split_000(tmp_path)
    _, data = check(str(prose))
    doc = document(data, prose)
    assert {u["reason"] for u in doc["tables_unread"]} == {"not_given"}
    cc501 = [f for f in doc["findings"] if f["rule"] == "CC501"]
    assert len(cc501) == 1 and cc501[0]["severity"] == "warning"  # one statement, not one per table
    assert "表格未随本文件提供" in cc501[0]["message"]
    assert data["sets"] == []


def test_a_published_pair_is_audited_as_one_disclosure(tmp_path):
    prose, tables = split_000(tmp_path)
    code, data = check(str(tmp_path))
    (s,) = data["sets"]
    assert (s["kind"], s["entity"], s["years"], s["doc_kind"]) == ("disclosure", "辽宁省医疗保障局本级", [2026], "预算")
    assert [(Path(d["path"]).name, d["role"]) for d in s["documents"]] == [("说明.txt", "说明"), ("公开表.txt", "表格")]
    assert document(data, prose)["sets"] == document(data, tables)["sets"] == [s["id"]]
    # the tables its 目录 lists are found in the tables file: only the five sample 000 itself lacks are missing
    missing = sorted(f["message"] for f in findings(data, "CC501"))
    alone = sorted(f["message"] for f in check(str(S000))[1]["documents"][0]["findings"] if f["rule"] == "CC501")
    assert missing == alone and len(missing) == 5
    assert {u["reason"] for u in document(data, prose)["tables_unread"]} == {"listed"}
    # a consistent pair: no finding points into both files
    assert not [f for d in data["documents"] for f in d["findings"] if len({loc["path"] for loc in f["locations"]}) > 1]
    assert code == 1  # the five missing tables are errors, as in the one-file sample


def test_the_prose_is_checked_against_the_companion_tables(tmp_path):
    # the prose states 基本支出 976.64 (line 132); the 支出预算总表 in the tables file prints 976.46
    prose, tables = split_000(tmp_path, prose_edits=[(132, "976.46", "976.64")])
    _, data = check(str(tmp_path))
    (bn,) = [f for f in document(data, prose)["findings"]
             if f["rule"].startswith("BN") and len({loc["path"] for loc in f["locations"]}) == 2]
    assert (bn["expected"], bn["actual"], bn["severity"]) == ("976.64", "976.46", "error")
    # each location names its own file, with its own line: 说明 line 132, 公开表 line 278 − 227 = 51
    assert spots(bn) == [("说明.txt", 132), ("公开表.txt", 51)]
    assert lines_of(tables)[50].startswith("\t合计\t7,667.28\t976.46")
    assert "公开表.txt" in bn["message"] or "第51行" not in bn["message"]
    # the same pair, sets switched off: the prose is not checked against tables it does not hold
    _, apart = check(str(tmp_path), "--no-sets")
    assert apart["sets"] == [] and not findings(apart, "BN")


def test_a_pair_can_be_forced_when_names_disagree(tmp_path):
    prose, tables = split_000(tmp_path)
    # the tables file names its entity another way everywhere (title, 单位名称 lines)
    write(tables, [line.replace("辽宁省医疗保障局本级", "辽宁医保局") for line in lines_of(tables)])
    _, data = check(str(tmp_path))
    assert data["sets"] == []  # different entities: not grouped
    _, data = check("--set", f"{prose},{tables}")  # --set alone names the files
    (s,) = data["sets"]
    assert s["forced"] and s["kind"] == "disclosure"
    assert {u["reason"] for u in document(data, prose)["tables_unread"]} == {"listed"}


# ---------------------------------------------------------------- one entity's two years

def year_2025(path: Path, edits=()) -> Path:
    """Sample 000 as the same entity's 2025 document (every 2025 → 2024, then 2026 → 2025)."""
    lines = [line.replace("2025", "2024").replace("2026", "2025") for line in lines_of(S000)]
    for number, old, new in edits:
        edit(lines, number, old, new)
    return write(path, lines)


def test_two_consistent_years_give_no_cross_year_finding(tmp_path):
    year_2025(tmp_path / "2025.txt")
    write(tmp_path / "2026.txt", lines_of(S000))
    _, data = check(str(tmp_path))
    (s,) = data["sets"]
    assert (s["kind"], s["years"]) == ("years", [2025, 2026])
    assert findings(data, "XD") == []


def test_last_years_figures_are_checked_against_last_years_document(tmp_path):
    # 2025: 公务接待费 1.50 (not 1.20), and so 三公经费 16.40, in its 三公 table (line 414) and prose
    earlier = year_2025(tmp_path / "2025.txt", [
        (414, "16.10\t\t14.90\t\t14.90\t1.20", "16.40\t\t14.90\t\t14.90\t1.50"),
        (153, "16.1万元", "16.4万元"), (156, "公务接待费1.2万元", "公务接待费1.5万元")])
    later = write(tmp_path / "2026.txt", lines_of(S000))
    code, data = check(str(tmp_path))
    xd = findings(data, "XD201")
    assert code == 1 and all(f["severity"] == "error" for f in xd)
    # the 2026 prose says 与上年持平 (lines 153, 156) and its comparison table prints 2025 as 16.1 / 1.2
    # (lines 165, 167): each against the 2025 三公 table (line 414)
    got = sorted((spots(f)[0][1], f["actual"], f["expected"]) for f in xd)
    assert got == [(153, "16.1", "16.40"), (156, "1.2", "1.50"), (165, "16.1", "16.40"), (167, "1.2", "1.50")]
    for f in xd:
        assert spots(f)[0][0] == later.name and spots(f)[1] == (earlier.name, 414)
        assert f["set"] == data["sets"][0]["id"]
        assert "2025年预算《2025.txt》第414行" in f["message"]
    assert all(f in document(data, later)["findings"] for f in xd)  # reported under the later document


def test_a_year_apart_is_not_compared(tmp_path):
    lines = [line.replace("2026", "2024") for line in lines_of(S000)]
    write(tmp_path / "2024.txt", lines)
    write(tmp_path / "2026.txt", lines_of(S000))
    _, data = check(str(tmp_path))
    assert findings(data, "XD") == []


# ---------------------------------------------------------------- a 部门 with two 单位

UNITS = {  # 单位 → (收入总计 = 支出总计 = 财政拨款, 基本支出, 项目支出, 三公经费); they add up to sample 003's
    "抚顺市医疗保障局本级": ("825.02", "500.00", "325.02", "3.00"),
    "抚顺市医疗保障事务服务中心": ("57,510.02", "1,514.91", "55,995.11", "4.32"),
}


def unit(path: Path, name: str, basic: str | None = None) -> Path:
    """Sample 000 as one of sample 003's 单位 in 2025, its totals set to the figures of UNITS."""
    total, base, project, sangong = UNITS[name]
    lines = [line.replace("辽宁省医疗保障局本级", name).replace("2025", "2024").replace("2026", "2025")
             for line in lines_of(S000)]
    edit(lines, 252, "7,667.28\t支 出 总 计\t7,667.28", f"{total}\t支 出 总 计\t{total}")
    edit(lines, 316, "7,667.07\t支 出 总 计\t7,667.07", f"{total}\t支 出 总 计\t{total}")
    edit(lines, 278, "976.46", basic or base)
    edit(lines, 278, "6,690.82", project)
    edit(lines, 414, "16.10", sangong)
    return write(path, lines)


def units_batch(folder: Path, basic: str | None = None, both: bool = True) -> tuple[Path, Path, Path | None]:
    dept = write(folder / "部门.txt", lines_of(S003))
    first = unit(folder / "本级.txt", "抚顺市医疗保障局本级")
    second = unit(folder / "中心.txt", "抚顺市医疗保障事务服务中心", basic) if both else None
    return dept, first, second


def test_a_department_that_adds_up_over_its_units_gives_no_finding(tmp_path):
    units_batch(tmp_path)
    _, data = check(str(tmp_path))
    (s,) = [s for s in data["sets"] if s["kind"] == "units"]
    assert s["entity"] == "抚顺市医疗保障局" and s["missing"] == []
    assert sorted((Path(d["path"]).name, d["role"]) for d in s["documents"]) == [
        ("中心.txt", "单位"), ("本级.txt", "单位"), ("部门.txt", "部门")]
    assert findings(data, "XD3") == []


def test_department_totals_against_the_sum_of_its_units(tmp_path):
    dept, first, second = units_batch(tmp_path, basic="1,541.91")  # the 中心's 基本支出, 27.00 more
    code, data = check(str(tmp_path))
    (f,) = findings(data, "XD301")
    assert code == 1 and f["severity"] == "error"
    assert (f["expected"], f["actual"], f["difference"]) == ("2014.91", "2041.91", "-27.00")
    # the 部门's 支出预算总表 合计 (line 139), each 单位's (line 278)
    assert spots(f) == [("部门.txt", 139), ("本级.txt", 278), ("中心.txt", 278)]
    assert f in document(data, dept)["findings"]
    assert "部门基本支出 2,014.91 万元 ≠ 所属 2 个单位之和 2,041.91 万元" in f["message"]


def test_a_units_row_against_that_units_own_total(tmp_path):
    dept, first, _ = units_batch(tmp_path)
    lines = lines_of(first)
    edit(lines, 252, "825.02\t支 出 总 计\t825.02", "852.02\t支 出 总 计\t852.02")
    write(first, lines)
    _, data = check(str(tmp_path))
    (row,) = findings(data, "XD302")
    assert (row["expected"], row["actual"]) == ("825.02", "852.02")
    assert spots(row) == [("部门.txt", 118), ("本级.txt", 252)]
    # the sums of 收入总计 and 支出总计 (both printed on the edited line) break by the same 27.00
    sums = findings(data, "XD301")
    assert sorted(f["message"].split("：", 1)[1].split(" ")[0] for f in sums) == ["部门支出总计", "部门收入总计"]
    assert {f["difference"] for f in sums} == {"-27.00"}


def test_a_missing_unit_is_named_and_the_sums_are_not_checked(tmp_path):
    units_batch(tmp_path, basic="9.99", both=False)
    _, data = check(str(tmp_path))
    (s,) = [s for s in data["sets"] if s["kind"] == "units"]
    assert s["missing"] == ["抚顺市医疗保障事务服务中心"]
    (note,) = findings(data, "XD303")
    assert note["severity"] == "info" and "抚顺市医疗保障事务服务中心" in note["message"]
    assert findings(data, "XD301") == []


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_sets_are_the_same_for_any_jobs_and_from_the_cache(tmp_path, monkeypatch, jobs):
    monkeypatch.setenv("BUDGETAUDIT_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "batch"
    folder.mkdir()
    split_000(folder, prose_edits=[(132, "976.46", "976.64")])
    outputs = []
    for _ in range(2):  # a cold run, then one from the cache
        result = runner.invoke(app, ["check", str(folder), "--format", "json", "--jobs", jobs])
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1]
    assert json.loads(outputs[0])["sets"][0]["kind"] == "disclosure"
    assert any(len({loc["path"] for loc in f["locations"]}) == 2 for f in findings(json.loads(outputs[0]), "BN"))


def test_the_text_report_shows_the_sets(tmp_path):
    prose, tables = split_000(tmp_path)
    result = runner.invoke(app, ["check", str(tmp_path), "--no-cache", "--color", "never"])
    out = result.stdout
    assert "文件组" in out and "S1 同一公开材料" in out
    assert f"说明：{prose}" in out and f"表格：{tables}" in out
    assert "同组审核：S1" in out


# ---------------------------------------------------------------- a 决算 against its year's 预算 and the 决算 before

S002 = SAMPLES / "002_de1423df86808f62.txt"  # 辽宁省医疗保障局(本级) 2024 决算: 三公 table with 预算数 (line 508–)


def test_a_final_accounts_budget_column_against_that_years_budget(tmp_path):
    final = write(tmp_path / "决算2024.txt", lines_of(S002))
    budget = [line.replace("2025", "2023").replace("2026", "2024") for line in lines_of(S000)]
    write(tmp_path / "预算2024.txt", budget)
    _, data = check(str(tmp_path))
    assert findings(data, "XD202") == []  # 三公 16.10, 接待 1.20, 用车 14.90 in both
    edit(budget, 414, "16.10\t\t14.90\t\t14.90\t1.20", "16.40\t\t14.90\t\t14.90\t1.50")
    write(tmp_path / "预算2024.txt", budget)
    _, data = check(str(tmp_path))
    got = sorted((f["actual"], f["expected"], spots(f)[0], spots(f)[1]) for f in findings(data, "XD202"))
    assert got == [("1.20", "1.50", ("决算2024.txt", 519), ("预算2024.txt", 414)),
                   ("16.10", "16.40", ("决算2024.txt", 517), ("预算2024.txt", 414))]
    assert all(f in document(data, final)["findings"] for f in findings(data, "XD202"))


def test_a_final_accounts_last_year_against_the_final_accounts_before(tmp_path):
    write(tmp_path / "决算2024.txt", lines_of(S002))
    # the 2023 决算 is the 2024 one a year earlier: its 收入总计 8,866.30, where the 2024 prose (line 72)
    # says 8,866.30 is 1,448.97 less than last year's, i.e. last year's was 10,315.27
    write(tmp_path / "决算2023.txt", [line.replace("2023", "2022").replace("2024", "2023") for line in lines_of(S002)])
    _, data = check(str(tmp_path))
    income = [f for f in findings(data, "XD203") if spots(f)[0] == ("决算2024.txt", 72)]
    assert income and income[0]["actual"] == "10315.27" and income[0]["expected"] == "8866.30"
    assert spots(income[0])[1][0] == "决算2023.txt"
