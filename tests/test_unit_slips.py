"""A table whose unit line says another unit than its numbers are in (scale.py): one CC509 error at
the table, the table checked in the unit its numbers show, nothing else reported twice."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from budgetaudit.cli import app

SAMPLE = sorted((Path(__file__).resolve().parent.parent / "samples").glob("001_*.txt"))[0]


def relabelled(tmp_path: Path, number: str, unit: str) -> tuple[Path, int]:
    """The sample with table ``number``'s unit line changed to ``unit``; the line changed (1-based)."""
    lines = SAMPLE.read_text("utf-8").splitlines()
    title = lines.index(number)
    at = next(i for i in range(title, title + 5) if re.fullmatch(r"单位[:：]万元", lines[i]))
    lines[at] = lines[at].replace("万元", unit)
    out = tmp_path / f"{number.replace(' ', '')}_{unit}.txt"
    out.write_text("\n".join(lines) + "\n", "utf-8")
    return out, at + 1


def findings(path: Path) -> list[dict]:
    result = CliRunner().invoke(app, ["check", str(path), "--format", "json", "--no-cache"])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)["documents"][0]["findings"]


def errors(found: list[dict]) -> list[tuple[str, str]]:
    return sorted((f["rule"], f["message"]) for f in found if f["severity"] == "error")


def test_a_table_labelled_yuan_with_wan_yuan_numbers_is_said_once(tmp_path):
    path, unit_line = relabelled(tmp_path, "表 5", "元")
    found = findings(path)
    slips = [f for f in found if f["rule"] == "CC509"]
    assert len(slips) == 1
    slip = slips[0]
    assert slip["severity"] == "error"
    assert slip["message"].startswith("第210行：表5“一般公共预算支出表”的单位标为“元”，但其数字是")
    assert "同一数字的 1/10,000" in slip["message"] and "实为“万元”" in slip["message"]
    assert slip["locations"][0]["line"] == 210 and slip["locations"][0]["table"] == "一般公共预算支出表"
    assert unit_line > 210
    # read in 万元, the table agrees with the others as in the sample: the sample's own errors, no more
    assert [e for e in errors(found) if e[0] != "CC509"] == errors(findings(SAMPLE))


def test_a_table_compared_with_one_other_only_is_not_judged(tmp_path):
    # 表6 meets only 表5 (three figures): either of the two could be in the wrong unit, so the
    # mismatches stay what they are, each an error with both figures
    path, _ = relabelled(tmp_path, "表 6", "元")
    found = findings(path)
    assert not [f for f in found if f["rule"] == "CC509"]
    bt220 = next(f for f in found if f["rule"] == "BT220")
    assert "6,543.11" in bt220["message"] and "0.654311" in bt220["message"]
