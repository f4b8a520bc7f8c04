"""`budgetaudit tables`: the JSON contract, CSV and the readable rendering."""

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "budgetaudit", *args], capture_output=True, text=True)


def test_json_contract():
    result = run("tables", str(SAMPLES / "000_d725a45abd8d67de.txt"), "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"path", "kind", "year", "entity", "toc", "tables"} <= set(data)
    assert (data["kind"], data["year"], data["entity"]) == ("预算", 2026, "辽宁省医疗保障局本级")
    t3 = next(t for t in data["tables"] if t["number"] == "表3")
    assert {"number", "kind", "title", "unit", "status", "lines", "columns", "rows"} <= set(t3)
    assert t3["kind"] == "支出预算总表" and t3["status"] == "ok" and t3["unit"] == "万元"
    assert t3["columns"] == [["合计"], ["基本支出", "小计"], ["基本支出", "人员经费"], ["基本支出", "公用经费"],
                             ["项目支出"]]
    r = next(r for r in t3["rows"] if r["code"] == "2101501")
    assert (r["name"], r["level"], r["line"]) == ("行政运行", 3, 290)
    assert r["cells"][2] == {"column": ["基本支出", "人员经费"], "value": "611.87", "decimals": 2, "line": 290,
                             "page": None}


def test_csv_lists_every_cell():
    result = run("tables", str(SAMPLES / "002_de1423df86808f62.txt"), "--format", "csv")
    assert result.returncode == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    truncated = [r for r in rows if r["table"] == "收入支出决算总表" and r["name"] == "九、卫生健康支出"]
    assert truncated == [dict(truncated[0], value="6881.7", decimals="1", cell_line="233")]


def test_readable_rendering_names_tables_lines_and_status():
    result = run("tables", str(SAMPLES / "004_5f76dcfa3f5cef19.txt"))
    assert result.returncode == 0
    out = result.stdout
    assert "表2 收入预算总表  [illegible]" in out
    assert "表3 支出预算总表" in out and "lines 298–338" in out
    assert "1,681.43" in out
