"""Workbooks (.xlsx) and Word files (.docx) audited before they are printed (issue 17).

Copies of the district templates in ../shared/templates are filled in the test, with openpyxl, with
the figures of real Shanghai disclosures in ../shared/corpus/shanghai read by budgetaudit's own PDF
reader (tests/workbook_fill.py): the 部门 template with 上海市普陀区人民政府万里街道办事处2024年度部门预算,
the 单位 template with 上海市财政局2025年度单位预算. Consistent copies give the PDF's own findings and
no error; copies with planted errors give each at its sheet and cell; the empty templates give
their placeholders, not arithmetic errors.
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from budgetaudit.cli import app
from budgetaudit.loader import load_document
from budgetaudit.readers.workbook import display

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
TEMPLATES = SHARED / "templates"
SHANGHAI = SHARED / "corpus" / "shanghai"
BUMEN = TEMPLATES / "上海市普陀区2026年部门预算模板.xlsx"
DANWEI = TEMPLATES / "上海市普陀区2026年单位预算模板.xlsx"
WANLI = SHANGHAI / "上海市普陀区人民政府万里街道办事处2024年度部门预算.pdf"
CAIZHENG = SHANGHAI / "上海市财政局2025年度单位预算.pdf"
ARITHMETIC = re.compile(r"^(BT|CT|FT)\d")  # the table packs' rules

needs_shared = pytest.mark.skipif(not (BUMEN.exists() and DANWEI.exists() and WANLI.exists() and CAIZHENG.exists()),
                                  reason="../shared/templates and ../shared/corpus/shanghai are not here")
runner = CliRunner()


def check(*paths: Path, fmt: str = "json", extra: tuple[str, ...] = ()) -> tuple[int, str]:
    result = runner.invoke(app, ["check", *map(str, paths), "--format", fmt, "--no-cache", "-j", "1", *extra])
    return result.exit_code, result.output


def findings(path: Path) -> list[dict]:
    code, out = check(path)
    assert code in (0, 1), out
    return json.loads(out)["documents"][0]["findings"]


def cells_of(f: dict) -> set[tuple[str, str]]:
    return {(loc.get("sheet"), loc.get("cell")) for loc in f["locations"] if loc.get("cell")}


# ---------------------------------------------------------------- values as printed

def test_numbers_are_written_as_their_format_prints_them():
    assert display(9501164, "#,##0") == "9,501,164"
    assert display(6.4, "0.00") == "6.40"
    assert display(0.1 + 0.2, "General") == "0.3"
    assert display(1234.5, "#,##0.00") == "1,234.50"
    assert display(-5, "#,##0;(#,##0)") == "(5)"
    assert display(-5, "#,##0") == "-5"
    assert display(0.1234, "0.00%") == "12.34%"
    assert display("205", "@") == "205"


# ---------------------------------------------------------------- the empty templates

@needs_shared
@pytest.mark.parametrize("template", [BUMEN, DANWEI], ids=["部门", "单位"])
def test_empty_template_gives_its_placeholders_not_arithmetic(template):
    found = findings(template)
    assert not [f for f in found if ARITHMETIC.match(f["rule"])], "an empty template has no arithmetic to fail"
    leftovers = [f for f in found if f["rule"] == "CN409"]
    quoted = {re.match(r"[^：]*：“([^”]*)”", f["message"]).group(1) for f in leftovers}
    assert {"XX", "XXX", "x,xxx", "增加（减少）", "（持平）"} <= quoted
    assert any(q.startswith("（若无") for q in quoted)
    # every leftover is placed at its sheet and cell, the way a spreadsheet names it
    assert ("单位编制说明" if template == DANWEI else "部门编制说明", "A3") in set().union(*map(cells_of, leftovers))
    for f in leftovers:
        assert cells_of(f), f
        assert f["locations"][0]["line"] is None  # the reader's line numbers are nobody's
    # empty tables without their note are the existing completeness finding, at the title cell
    empty = [f for f in found if f["rule"] == "CC503"]
    assert len(empty) == 9 and all(cells_of(f) for f in empty)


# ---------------------------------------------------------------- filled with a real disclosure

@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    if not (BUMEN.exists() and WANLI.exists() and DANWEI.exists() and CAIZHENG.exists()):
        pytest.skip("../shared is not here")
    from workbook_fill import fill

    out = tmp_path_factory.mktemp("filled")
    made = {}
    for name, template, pdf in (("部门", BUMEN, WANLI), ("单位", DANWEI, CAIZHENG)):
        doc = load_document(pdf)
        path = out / f"{name}.xlsx"
        placed = fill(template, doc, path)
        made[name] = (path, placed, doc, pdf)
    return made


def _same_findings(xlsx: list[dict], pdf: list[dict]) -> None:
    def key(f):
        return f["rule"], f["severity"]

    assert sorted(map(key, xlsx)) == sorted(map(key, pdf))


@pytest.mark.slow
@needs_shared
@pytest.mark.parametrize("name", ["部门", "单位"])
def test_consistent_workbook_has_no_error_and_the_pdfs_findings(filled, name):
    path, placed, doc, pdf = filled[name]
    found = findings(path)
    assert not [f for f in found if f["severity"] == "error"], [f["message"] for f in found]
    _same_findings(found, findings(pdf))
    # every table of the PDF is read from its sheet
    tables = load_document(path).tables
    assert {t.kind for t in tables} == {t.kind for t in doc.tables}
    for t in tables:
        assert t.sheet == placed[t.kind]["sheet"] if t.kind in placed else True


def _plant(path: Path, out: Path, edit) -> Path:
    wb = openpyxl.load_workbook(path)
    edit(wb)
    wb.save(out)
    return out


def _total_row(placed: dict, kind: str) -> int:
    return max(placed[kind]["rows"].values())


@pytest.mark.slow
@needs_shared
def test_planted_errors_are_found_at_their_sheet_and_cell(filled, tmp_path):
    path, placed, _, _ = filled["部门"]
    spending = placed["支出预算总表"]["sheet"]
    total = f"E{_total_row(placed, '支出预算总表')}"
    sangong = placed["三公经费支出表"]["sheet"]
    general = placed["一般公共预算支出表"]["sheet"]

    def edit(wb):
        wb[spending][total].value += 1000  # a total: 合计 of 支出预算总表 off by 1,000 元
        ws = wb[sangong]  # a cross-sheet figure: 三公 合计 and 因公出国 both +10 万元, the prose unchanged
        ws["A7"].value += 10
        ws["B7"].value += 10
        prose = wb["部门编制说明"]  # a prose figure: 收入预算 15621.11 → 15612.11 万元
        assert "收入预算15621.11万元" in prose["A3"].value
        prose["A3"].value = prose["A3"].value.replace("收入预算15621.11万元", "收入预算15612.11万元", 1)
        unit = next(c for row in wb[general].iter_rows(max_row=5) for c in row
                    if isinstance(c.value, str) and c.value.startswith("单位："))
        unit.value = "单位：万元"  # a unit: 一般公共预算支出表 filled in 元 but labelled 万元

    found = findings(_plant(path, tmp_path / "planted.xlsx", edit))
    errors = [f for f in found if f["severity"] == "error"]

    def at(sheet, cell=None):
        return [f for f in errors if any(s == sheet and (cell is None or c == cell) for s, c in cells_of(f))]

    assert at(spending, total), "the total's cell is named"
    assert any(f["rule"].startswith("BN") for f in at(sangong, "B7")), "三公 因公出国 against the prose"
    assert at("部门编制说明", "A3"), "the prose figure's cell"
    # the unit: said once at its sheet, the sheet then checked in 元 (no error row by row)
    assert [f["rule"] for f in at(general)] == ["CC509"]
    assert f"工作表“{general}”：" in at(general)[0]["message"]
    assert "的单位标为“万元”，但其数字是" in at(general)[0]["message"] and "实为“元”" in at(general)[0]["message"]
    # the text report names the same cells, the way a spreadsheet does
    code, text = check(tmp_path / "planted.xlsx", fmt="text")
    assert code == 1
    assert f"planted.xlsx:{spending}!{total}" in text.replace("\n", "")


@pytest.mark.slow
@needs_shared
def test_a_total_formula_that_leaves_a_row_out_is_quoted(filled, tmp_path):
    path, placed, _, _ = filled["部门"]
    sheet = placed["支出预算总表"]["sheet"]
    rows = sorted(placed["支出预算总表"]["rows"].values())
    total = rows[-1]
    out = tmp_path / "formula.xlsx"
    ws = openpyxl.load_workbook(path)[sheet]
    classes = [r for r in rows[:-1] if len(str(ws[f"A{r}"].value)) == 3 and ws[f"B{r}"].value is None]
    last = classes[-1]

    def edit(wb):  # 合计 adds up the 类 rows, but the last 类 was inserted after the formula was written
        wb[sheet][f"E{total}"] = "=" + "+".join(f"E{r}" for r in classes[:-1])

    _plant(path, out, edit)
    from workbook_fill import set_cached

    set_cached(out, sheet, f"E{total}", sum(ws[f"E{r}"].value for r in classes[:-1]))
    found = findings(out)
    quoting = [f for f in found if f"{sheet}!E{total} 的公式为 =E{classes[0]}+" in f["message"]]
    assert quoting and all(f["severity"] == "error" for f in quoting)
    assert any("未计入本核对所含的" in f["message"] and f"E{last}" in f["message"] for f in quoting)


@pytest.mark.slow
@needs_shared
def test_formulas_without_cached_values_are_one_finding_per_sheet(filled, tmp_path):
    path, placed, _, _ = filled["单位"]
    sheet = placed["支出预算总表"]["sheet"]
    rows = sorted(placed["支出预算总表"]["rows"].values())
    total = rows[-1]
    out = tmp_path / "uncalculated.xlsx"

    def edit(wb):  # formulas written by a program, never opened in Excel: no cached values
        ws = wb[sheet]
        for col in "EFG":
            ws[f"{col}{total}"] = f"=SUM({col}{rows[0]}:{col}{rows[-2]})"

    _plant(path, out, edit)
    found = findings(out)
    stale = [f for f in found if f["rule"] == "CC508"]
    assert len(stale) == 1
    assert f"工作表“{sheet}”的 E{total}、F{total}、G{total} 共 3 个单元格" in stale[0]["message"]
    assert "重新计算并保存" in stale[0]["message"]
    assert cells_of(stale[0]) == {(sheet, f"E{total}")}
    assert not [f for f in found if f["severity"] == "error"], "blank cells are no arithmetic errors"


# ---------------------------------------------------------------- every output format

@pytest.mark.slow
@needs_shared
def test_cells_in_every_report_format(filled, tmp_path):
    path, placed, _, _ = filled["部门"]
    sheet = placed["支出预算总表"]["sheet"]
    total = f"E{_total_row(placed, '支出预算总表')}"

    def edit(wb):
        wb[sheet][total].value += 1000

    bad = _plant(path, tmp_path / "bad.xlsx", edit)
    spot = f"{sheet}!{total}"
    code, sarif = check(bad, fmt="sarif")
    assert code == 1
    results = json.loads(sarif)["runs"][0]["results"]
    assert any(spot in r["message"]["text"] and any(
        loc.get("logicalLocations", [{}])[0].get("name") == spot for loc in r["locations"] + r.get("relatedLocations", []))
        for r in results)
    code, github = check(bad, fmt="github")
    assert any(line.startswith("::error") and spot in line for line in github.splitlines())
    code, junit = check(bad, fmt="junit")
    assert spot in junit
    html_out = tmp_path / "r.html"
    code, _ = check(bad, fmt="html", extra=("-o", str(html_out)))
    html = html_out.read_text("utf-8")
    assert spot in html and f"工作表“{sheet}”" in html


# ---------------------------------------------------------------- bad workbooks

def _bad_inputs(tmp: Path) -> dict[str, Path]:
    out = {}
    (tmp / "corrupt.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    out["corrupt"] = tmp / "corrupt.xlsx"
    (tmp / "locked.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    out["encrypted"] = tmp / "locked.xlsx"
    (tmp / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    out["xls"] = tmp / "old.xls"
    (tmp / "empty.xlsx").write_bytes(b"")
    out["empty"] = tmp / "empty.xlsx"
    (tmp / "text.xlsx").write_text("收入总计\t100\n", encoding="utf-8")
    out["text"] = tmp / "text.xlsx"
    with zipfile.ZipFile(tmp / "nozip.xlsx", "w") as z:
        z.writestr("readme.txt", "not a workbook")
    out["zip"] = tmp / "nozip.xlsx"
    bomb = tmp / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/big.xml", b"\x00" * (600 * 1024**2))
    out["bomb"] = bomb
    wb = openpyxl.Workbook()
    wb.active["A1"] = None
    wb.save(tmp / "blank.xlsx")
    out["blank"] = tmp / "blank.xlsx"
    doc = tmp / "broken.docx"
    doc.write_bytes(b"PK\x03\x04" + b"\x01" * 100)
    out["docx"] = doc
    return out


EXPECTED = {
    "corrupt": "damaged workbook",
    "encrypted": "encrypted (password-protected)",
    "xls": "save it as .xlsx",
    "empty": "the file is empty",
    "text": "not an Excel workbook",
    "zip": "not a workbook",
    "bomb": "too large for a workbook",
    "blank": "the workbook is empty",
    "docx": "damaged Word document",
}


@pytest.mark.slow
def test_bad_workbooks_are_one_line_and_exit_2(tmp_path):
    inputs = _bad_inputs(tmp_path)
    for name, path in inputs.items():
        result = runner.invoke(app, ["check", str(path), "--no-cache", "-j", "1"])
        assert result.exit_code == 2, (name, result.output)
        assert "Traceback" not in result.output
        lines = [ln for ln in result.output.splitlines() if str(path) in ln]
        assert lines and EXPECTED[name] in result.output, (name, result.output)


def test_macro_workbook_is_read_for_its_values(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "收支总表"
    ws["A1"] = "2026年部门财务收支预算总表"
    path = tmp_path / "with_macros.xlsm"
    wb.save(path)
    doc = load_document(path)
    assert doc.source == "xlsx" and doc.lines[3].place == "收支总表!A1"


# ---------------------------------------------------------------- a Word 情况说明

SAMPLES = sorted((ROOT / "samples").glob("*.txt"))


def _prose_findings(path: Path) -> list[tuple[str, str]]:
    out = []
    for f in findings(path):
        if not f["rule"].startswith(("BN", "CN", "FN")):
            continue
        # places are the reader's: a text's "第12行", a Word file's "第6段" or "表格2第3行"
        message = re.sub(r"(?:表格\d+)?第\d+(?:行|段)", "第_", f["message"])
        out.append((f["rule"], message))
    return sorted(out)


@pytest.mark.slow
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name[:3])
def test_docx_prose_gives_the_texts_prose_findings(sample, tmp_path):
    docx = pytest.importorskip("docx")
    lines = sample.read_text("utf-8").split("\n")
    document = docx.Document()
    table = None
    for line in lines:
        if "\t" in line.strip("\t"):  # a table row: a row of a Word table
            cells = line.split("\t")
            if table is None or len(table.columns) != len(cells):
                table = document.add_table(rows=0, cols=len(cells))
            row = table.add_row()
            for cell, text in zip(row.cells, cells, strict=True):
                cell.text = text
            continue
        table = None
        document.add_paragraph(line)
    path = tmp_path / (sample.stem + ".docx")
    document.save(path)
    copy = tmp_path / sample.name
    shutil.copy(sample, copy)
    expected = _prose_findings(copy)
    assert _prose_findings(path) == expected
    if sample.name.startswith(("001", "002", "004")):  # the samples whose prose has findings
        assert expected


def test_hidden_rows_columns_and_sheets_are_not_read(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "收入总表"
    ws["A1"] = "2026年部门收入预算总表"
    ws["E2"] = "单位：万元"
    for col, head in zip("ABCDE", ["科目编码", "科目名称", "合计", "财政拨款收入", "备注"], strict=True):
        ws[f"{col}3"] = head
    rows = [("201", "一般公共服务支出", 30, 30), ("20101", "人大事务", 10, 10), ("20102", "政协事务", 20, 20),
            ("20103", "草稿行", 999, 999), ("", "合计", 30, 30)]
    for r, (code, name, total, grant) in enumerate(rows, 4):
        ws[f"A{r}"], ws[f"B{r}"], ws[f"C{r}"], ws[f"D{r}"] = code, name, total, grant
        ws[f"E{r}"] = "草稿"
    ws.row_dimensions[7].hidden = True  # a draft row
    ws.column_dimensions["E"].hidden = True  # a working column
    draft = wb.create_sheet("草稿")
    draft["A1"] = "2026年部门收入预算总表"
    draft.sheet_state = "hidden"
    path = tmp_path / "hidden.xlsx"
    wb.save(path)
    doc = load_document(path)
    assert not any("草稿" in line.raw for line in doc.lines)
    [table] = doc.tables
    assert table.kind == "收入预算总表" and table.sheet == "收入总表"
    assert [r.name for r in table.rows] == ["一般公共服务支出", "人大事务", "政协事务", "合计"]
    assert [c.ref for c in table.rows[-1].cells] == ["C8", "D8"]
    code, out = check(path)
    assert code == 0, out


@pytest.mark.slow
@needs_shared
def test_word_prose_with_workbook_tables_is_one_disclosure(filled, tmp_path):
    """The 情况说明 written in Word (with the cover and 目录), the tables in Excel: one disclosure, the
    prose checked against the workbook's tables, each place in its own file."""
    docx = pytest.importorskip("docx")
    path, placed, _, _ = filled["部门"]
    wb = openpyxl.load_workbook(path)
    document = docx.Document()
    for name in [n for n in wb.sheetnames if n not in {v["sheet"] for v in placed.values()}]:
        for row in wb[name].iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    for part in cell.value.split("\n"):
                        document.add_paragraph(part.replace("收入预算15621.11万元", "收入预算15612.11万元"))
        wb.remove(wb[name])
    folder = tmp_path / "set"
    folder.mkdir()
    document.save(folder / "说明.docx")
    wb.save(folder / "表格.xlsx")
    code, out = check(folder)
    assert code == 1, out
    report = json.loads(out)
    assert len(report["sets"]) == 1 and report["sets"][0]["kind"] == "disclosure"
    prose = next(d for d in report["documents"] if d["path"].endswith("说明.docx"))
    [wrong] = [f for f in prose["findings"] if f["rule"] == "BN301"]
    places = {(Path(loc["path"]).name, loc.get("sheet"), loc.get("cell")) for loc in wrong["locations"]}
    income = placed["收支预算总表"]["sheet"]
    assert any(p[0] == "说明.docx" and p[2].endswith("段") for p in places)
    assert any(p[:2] == ("表格.xlsx", income) for p in places)


@pytest.mark.slow
@needs_shared
def test_a_workbook_of_tables_after_its_contents_sheet(filled, tmp_path):
    """Cover, 目录, then the tables: the 目录 ends with its sheet, the first table keeps its title;
    a table the 目录 lists and the workbook lacks is named at the 目录's cell."""
    path, placed, doc, _ = filled["部门"]
    wb = openpyxl.load_workbook(path)
    tables = {v["sheet"] for v in placed.values()}
    for name in [n for n in wb.sheetnames if n not in tables | {"封面", "目录"}]:
        wb.remove(wb[name])
    wb.save(tmp_path / "tables.xlsx")
    assert {t.kind for t in load_document(tmp_path / "tables.xlsx").tables} == {t.kind for t in doc.tables}
    wb.remove(wb[placed["收支预算总表"]["sheet"]])
    wb.save(tmp_path / "missing.xlsx")
    [absent] = [f for f in findings(tmp_path / "missing.xlsx") if f["rule"] == "CC501"]
    assert absent["message"].startswith("目录!A9列出“1.2024年部门财务收支预算总表”")
    assert cells_of(absent) == {("目录", "A9")}
