"""Filling a copy of a district's disclosure workbook template with a real disclosure's figures.

The templates in ../shared/templates are the workbooks departments fill and print to PDF; the PDFs
in ../shared/corpus/shanghai were printed from earlier years' versions of the same templates. The
filler reads a PDF with budgetaudit's own reader and writes what it prints into the template, the
way a department would: the year and the department's name into the titles, each table's printed
rows (codes in 类/款/项, names, amounts as numbers with a thousands format) under the template's
header, and each part of the 情况说明 into the sheet the template has for it. Nothing here is
specific to one PDF: tables are matched by catalogue kind, prose sheets by their titles.
"""

from __future__ import annotations

import re
import zipfile
from copy import copy
from decimal import Decimal
from pathlib import Path

import openpyxl
from openpyxl.styles import Border, Side

from budgetaudit.amounts import parse_number
from budgetaudit.loader import load_document
from budgetaudit.model import Document

THIN = Side(style="thin")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def row_of(ref: str) -> int:
    return int(re.sub(r"^[A-Z]+", "", ref))


def _table_lines(doc: Document, table) -> tuple[list, list]:
    """The printed rows of a table (an empty table: its 合计 row), and the notes printed under it."""
    numbers = sorted({r.line for r in table.rows} | {c.line for r in table.rows for c in r.cells})
    if not numbers:
        numbers = [n for n in range(table.first_line, table.last_line + 1)
                   if doc.line(n).text.startswith(("合计", "总计"))]
    rows = [doc.line(n) for n in numbers if doc.line(n).text.strip()]
    after = max(numbers, default=table.last_line)
    notes = [doc.line(n) for n in range(after + 1, table.last_line + 1) if doc.line(n).text.strip()]
    return rows, notes


def _paragraphs(lines: list) -> list[str]:
    """A PDF page's printed lines as paragraphs: a line printed to the right margin runs on."""
    right = max((ln.box[2] for ln in lines if ln.box), default=0)
    out: list[str] = []
    running = False
    for ln in lines:
        text = ln.raw.strip()
        if running and out:
            out[-1] += text
        else:
            out.append(text)
        running = bool(ln.box) and ln.box[2] >= right - 20 and not text.endswith(("。", "：", ":"))
    return out


def _suffix(title: str) -> str:
    """What a prose sheet's title ends with, without its placeholders and year: "主要职能"."""
    title = re.sub(r"XX（[^）]*）|XX|\d{4}年", "", title)
    return re.sub(r"^(部门|单位)(?=预算编制说明)", "", title).strip()


def fill(template: Path, pdf: Document, out: Path) -> dict[str, dict]:
    """Write ``template`` filled with ``pdf``'s figures to ``out``; returns, by table kind, the
    sheet and the cell of each written row's first field ({"sheet": name, "rows": {line: row}})."""
    tmpl = load_document(template)
    wb = openpyxl.load_workbook(template)
    year, before = tmpl.year, tmpl.year - 1
    entity = pdf.entity or ""
    years = {f"{year}年": f"{pdf.year}年", f"{before}年": f"{pdf.year - 1}年"}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str):
                    v = re.sub(rf"{year}年|{before}年", lambda m: years[m.group()], c.value)
                    v = re.sub(r"上海市普陀区XX\S*?(?=$|\s)", entity, v)
                    if v.strip() in ("编制部门：", "编制单位："):
                        v = v.strip() + entity
                    c.value = v
    placed: dict[str, dict] = {}
    table_sheets = set()
    for t in tmpl.tables:
        table_sheets.add(t.sheet)
        source = next((p for p in pdf.tables if p.kind == t.kind), None)
        if source is None:
            continue
        ws = wb[t.sheet]
        codes = 0  # the 类/款/项 columns before the name: codes, written as text
        if t.rows:
            first = tmpl.line(t.rows[0].line)
            start = row_of(first.refs[0])
            if t.rows[0].code:
                codes = next(i for i, f in enumerate(first.raw.split("\t")) if f.strip() == t.rows[0].name)
        else:
            start = row_of(tmpl.line(t.last_line).refs[0]) + 1
        width = max(c for (r, c), cell in ws._cells.items() if r < start and cell.value is not None)
        for rng in list(ws.merged_cells.ranges):
            if rng.max_row >= start:
                ws.unmerge_cells(str(rng))
        for (r, _c), cell in list(ws._cells.items()):
            if r >= start:
                cell.value = None
        rows = {}
        printed, notes = _table_lines(pdf, source)
        for i, line in enumerate(printed):
            fields = line.raw.split("\t")
            assert len(fields) <= width, (t.kind, fields)
            if len(fields) < width:  # a label printed across merged cells: amounts stay right
                fields = [fields[0]] + [""] * (width - len(fields)) + fields[1:]
            r = start + i
            for c, text in enumerate(fields, 1):
                cell = ws.cell(r, c)
                cell.border = GRID
                number = parse_number(text) if text.strip() else None
                if number is not None and c > codes:
                    value, decimals, _ = number
                    cell.value = int(value) if decimals == 0 else float(value)
                    cell.number_format = "#,##0" if decimals == 0 else "#,##0." + "0" * decimals
                else:
                    cell.value = text or None
            rows[line.number] = r
        for i, line in enumerate(notes):  # under the grid, after a blank row
            ws.cell(start + len(printed) + 1 + i, 1).value = line.raw.strip()
        placed[t.kind] = {"sheet": t.sheet, "rows": rows, "start": start, "width": width}
    _prose(wb, tmpl, pdf, table_sheets)
    wb.save(out)
    return placed


def _prose(wb, tmpl: Document, pdf: Document, table_sheets: set) -> None:
    """Each prose sheet (title in A1, text from A3) gets the PDF's part with the same title."""
    prose_sheets = []
    for ws in wb.worksheets:
        if ws.title in table_sheets or ws.title in ("封面", "目录") or not isinstance(ws["A1"].value, str):
            continue
        prose_sheets.append(ws)
    covered = {n for t in pdf.tables for n in range(t.first_line, t.last_line + 1)}
    pages: dict[int, list] = {}
    for ln in pdf.lines:
        if ln.text.strip() and ln.number not in covered and ln.page and ln.page > 2:
            pages.setdefault(ln.page, []).append(ln)
    parts: list[tuple[str, list[str]]] = []
    suffixes = {_suffix(ws["A1"].value): ws for ws in prose_sheets}
    for page in sorted(pages):
        paragraphs = _paragraphs(pages[page])
        title = paragraphs[0]
        match = next((s for s in suffixes if s and title.endswith(s)), None)
        if match is not None:
            parts.append((match, paragraphs))
        elif parts:
            parts[-1][1].extend(paragraphs)
    for suffix, paragraphs in parts:
        ws = suffixes[suffix]
        for rng in list(ws.merged_cells.ranges):
            ws.unmerge_cells(str(rng))
        for (r, _c), cell in list(ws._cells.items()):
            if r > 1:
                cell.value = None
        ws["A1"] = paragraphs[0]
        ws["A3"] = "\n".join(paragraphs[1:])
    for ws in prose_sheets:
        if ws.title not in {suffixes[s].title for s, _ in parts}:
            wb.remove(ws)  # a part the PDF does not print (项目经费情况说明 of a unit without one)


def set_cached(path: Path, sheet: str, cell: str, value: Decimal | int | float) -> None:
    """Give a formula cell the cached value Excel would have saved (openpyxl writes formulas
    without one): rewrite the cell's <v> in the sheet's XML."""
    wb = openpyxl.load_workbook(path)
    index = wb.sheetnames.index(sheet) + 1
    part = f"xl/worksheets/sheet{index}.xml"
    with zipfile.ZipFile(path) as z:
        items = {i.filename: z.read(i.filename) for i in z.infolist()}
    xml = items[part].decode("utf-8")
    pattern = re.compile(rf'(<c r="{cell}"[^>]*>)(<f>[^<]*</f>)(?:<v\s*/>|<v>[^<]*</v>)?(</c>)')
    assert pattern.search(xml), (sheet, cell)
    xml = pattern.sub(lambda m: f"{m.group(1)}{m.group(2)}<v>{value}</v>{m.group(3)}", xml, count=1)
    items[part] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in items.items():
            z.writestr(name, data)


def copy_style(src, dst) -> None:
    dst.border, dst.number_format, dst.font = copy(src.border), src.number_format, copy(src.font)
