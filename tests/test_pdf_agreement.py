"""PDF against text: the same document printed as a PDF in a producer's habit and written as the text
an extraction gives must be read alike — the same tables, columns, rows and cells, and the same
findings (pages instead of lines aside).

Each case takes one or two seed tables and the prose that states their figures from a sample text
(samples/), builds a small document of them (tests/pdf_drawing.py), writes it as text and draws it
as a PDF in one style: fully ruled, 三线表, unruled, wrapped cells, 科目编码 over 类/款/项, a table
continued over pages with or without its header, landscape pages, side-by-side 收支总表, nil cells.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # pytest -m 'not slow': the quick subset (README)

pytest.importorskip("reportlab")

from pdf_drawing import Grid, Spec, Style, as_text, clean, draw, seed_grid  # noqa: E402

from budgetaudit.audit import audit  # noqa: E402
from budgetaudit.loader import load_document  # noqa: E402
from budgetaudit.model import Document  # noqa: E402
from budgetaudit.rules import load_rules  # noqa: E402

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
BUDGET = SAMPLES / "000_d725a45abd8d67de.txt"  # 2026 单位预算
FINAL = SAMPLES / "002_de1423df86808f62.txt"  # 2024 单位决算
LANDSCAPE = (842.0, 595.0)


@cache
def seed(path: Path) -> Document:
    return load_document(path)


def cover(doc: Document) -> list[tuple[str, object]]:
    """The document's first printed lines up to the one naming its year (entity, 年度预算/决算)."""
    out: list[tuple[str, object]] = []
    for line in doc.lines:
        if line.raw.strip():
            out.append(("line", line.raw.strip()))
            if re.search(r"20\d\d", line.raw):
                return out
    return out


def prose_about(doc: Document, grids: list[Grid], limit: int = 2) -> list[tuple[str, object]]:
    """Paragraphs of the seed that state one of the tables' totals (any printing of the figure)."""
    figures = set()
    for grid in grids:
        for row in grid.body:
            if any(f in ("合计", "总计", "本年支出合计", "本年收入合计") for f in row):
                figures |= {f for f in row if re.fullmatch(r"[\d,]+\.\d+", f) and float(f.replace(",", "")) >= 100}
    wanted = figures | {f.replace(",", "") for f in figures}
    out: list[tuple[str, object]] = []
    for line in doc.lines:
        text = " ".join(line.raw.split())
        if "\t" in line.raw or len(text) < 30 or text.startswith("-"):
            continue
        if any(re.search(rf"(?<![\d,.]){re.escape(w)}(?![\d.])", text.replace(" ", "")) for w in wanted):
            out.append(("prose", text))
            if len(out) == limit:
                break
    return out


def split_codes(grid: Grid, at: int = 0) -> Grid:
    """The 科目编码 column printed as three, 类 | 款 | 项 (221 | 02 | 01), under a merged heading."""
    header = [list(r) for r in grid.header]
    if len(header) < 2:
        header.append([""] * grid.n_cols)
    for i, r in enumerate(header):
        pieces = [r[at], "", ""] if i == 0 else (["类", "款", "项"] if i == 1 else ["", "", ""])
        r[at:at + 1] = pieces
    body = []
    for r in grid.body:
        code = r[at]
        pieces = [code[:3], code[3:5], code[5:7]] if re.fullmatch(r"\d{3}(\d{2}){0,2}", code) else [code, "", ""]
        body.append(r[:at] + pieces + r[at + 1:])
    return Grid(header, body)


def join_code_and_name(grid: Grid) -> Grid:
    """科目编码 and 科目名称 printed in one cell ("208 社会保障和就业支出") under one heading."""
    header = [[(r[0] + r[1]) if i == 0 and r[0] != r[1] else r[0] or r[1]] + r[2:] for i, r in enumerate(grid.header)]
    body = [[" ".join(f for f in r[:2] if f)] + r[2:] for r in grid.body]
    return Grid(header, body)


def nil_cells(grid: Grid, marks: tuple[str, ...] = ("-", "—")) -> Grid:
    """Empty amount cells printed as nil marks, alternately, and every third one as 0.00."""
    body, k = [], 0
    amount_cols = {c for r in grid.body for c, f in enumerate(r) if re.fullmatch(r"[\d,]+\.\d+", f)}
    for r in grid.body:
        row = list(r)
        for c in sorted(amount_cols):
            if not row[c]:
                row[c] = "0.00" if k % 3 == 2 else marks[k % len(marks)]
                k += 1
        body.append(row)
    return Grid([list(h) for h in grid.header], body)


def whole(doc: Document) -> Spec:
    """The whole seed document: every paragraph in order, every run of tab lines a table (its
    header the rows above the first with an amount)."""
    blocks: list[tuple[str, object]] = []
    rows: list[list[str]] = []

    def flush() -> None:
        if rows:
            width = max(max((i for i, f in enumerate(r) if f), default=0) for r in rows) + 1
            fit = [(r + [""] * width)[:width] for r in rows]
            first = next((i for i, r in enumerate(fit) if any(re.fullmatch(r"[\d,]*\.\d+|[-—]", f) for f in r)),
                         len(fit))
            blocks.append(("table", Grid(fit[:first], fit[first:])))
            rows.clear()

    printed = [line.raw for line in doc.lines if line.raw.strip()]
    tabbed = ["\t" in raw for raw in printed]  # a row's empty cells may all be trailing tabs
    for i, raw in enumerate(printed):
        # A short line between two rows is a row whose empty cells the extraction dropped.
        inside = 0 < i < len(printed) - 1 and tabbed[i - 1] and tabbed[i + 1] and len(raw.strip()) <= 20
        if tabbed[i] or inside:
            rows.append([clean(f) for f in raw.split("\t")])
        else:
            flush()
            text = " ".join(raw.split())
            blocks.append(("prose" if len(text) > 45 else "line", text))
    flush()
    return Spec(blocks)


def build(sample: Path, kinds: list[str] | None, transform=None) -> Spec:
    doc = seed(sample)
    if kinds is None:
        return whole(doc)
    tables = []
    for kind in kinds:
        titles, grid = seed_grid(doc, kind)
        tables.append((titles, transform(grid) if transform else grid))
    blocks = cover(doc) + [("heading", "一、预算收支情况说明")] + prose_about(doc, [g for _, g in tables])
    for titles, grid in tables:
        blocks += [("line", t) for t in titles] + [("table", grid)]
    return Spec(blocks)


CASES = {
    "ruled, merged header": (BUDGET, ["支出预算总表"], None, Style()),
    "三线表": (BUDGET, ["支出预算总表"], None, Style(rules="three-line")),
    "unruled": (BUDGET, ["支出预算总表"], None, Style(rules="none")),
    "rules under rows only": (BUDGET, ["支出预算总表"], None, Style(rules="rows")),
    "column rules only": (BUDGET, ["支出预算总表"], None, Style(rules="columns")),
    "column rules, continued": (FINAL, ["一般公共预算财政拨款支出决算表"], None, Style(rules="columns", rows_per_page=6)),
    "code and name in one cell": (BUDGET, ["支出预算总表"], join_code_and_name, Style()),
    "code and name in one cell, unruled": (BUDGET, ["支出预算总表"], join_code_and_name, Style(rules="none")),
    "wrapped names and headings": (BUDGET, ["支出预算总表"], None, Style(wrap_names=80, wrap_header=34)),
    "wrapped, unruled": (BUDGET, ["支出预算总表"], None, Style(rules="none", wrap_names=80, wrap_header=34)),
    "类/款/项 codes": (FINAL, ["一般公共预算财政拨款支出决算表"], split_codes, Style()),
    "类/款/项 codes, 三线表": (FINAL, ["一般公共预算财政拨款支出决算表"], split_codes, Style(rules="three-line")),
    "continued, no header": (BUDGET, ["支出预算总表"], None, Style(rows_per_page=7)),
    "continued, header repeated": (BUDGET, ["支出预算总表"], None, Style(rows_per_page=7, repeat_header=True)),
    "continued unruled, header repeated": (BUDGET, ["支出预算总表"], None,
                                           Style(rules="none", rows_per_page=7, repeat_header=True)),
    "landscape /Rotate": (FINAL, ["一般公共预算财政拨款支出决算表", "收入支出决算总表"], None, Style(rotate="entry")),
    "landscape turned": (FINAL, ["一般公共预算财政拨款支出决算表", "收入支出决算总表"], None, Style(rotate="turned")),
    "landscape page": (FINAL, ["收入决算表"], None, Style(page=LANDSCAPE)),
    "side by side": (BUDGET, ["收支预算总表"], None, Style()),
    "side by side with 行次": (FINAL, ["收入支出决算总表"], None, Style()),
    "side by side, 三线表": (FINAL, ["收入支出决算总表"], None, Style(rules="three-line")),
    "side by side, unruled": (BUDGET, ["收支预算总表"], None, Style(rules="none")),
    "nil cells": (BUDGET, ["支出预算总表", "收支预算总表"], nil_cells, Style()),
    "nil cells, unruled": (BUDGET, ["支出预算总表"], nil_cells, Style(rules="none")),
    "whole 预算 document, ruled": (BUDGET, None, None, Style()),
    "whole 决算 document, ruled": (FINAL, None, None, Style()),
    "whole 决算 document, continued under repeated headers": (FINAL, None, None,
                                                          Style(rows_per_page=9, repeat_header=True)),
    "whole 决算 document, unruled": (FINAL, None, None, Style(rules="none")),
    "whole 预算 document, 三线表": (BUDGET, None, None, Style(rules="three-line")),
}
# Known disagreements, per test: case → reason.
KNOWN_TABLES = {
    "whole 决算 document, unruled": "in 公开06 the seed's damaged 单位 line inside the header takes the 人员经费 "
                                  "heading; the empty 公开08's wrapped 科目编码 heading lands in its 栏次 row",
    "whole 预算 document, 三线表": "in the 18-column tables (表2, 表9, 表12, headings wrapped one character a line) "
                                 "本年收入's 合计 is read under 单位资金; the empty 表8 loses its 合计 heading",
}
KNOWN_FINDINGS = {"whole 预算 document, 三线表": KNOWN_TABLES["whole 预算 document, 三线表"]}


def params(known: dict[str, str]) -> list:
    return [pytest.param(c, marks=pytest.mark.xfail(reason=known[c], strict=True)) if c in known else c
            for c in CASES]


# ---------------------------------------------------------------- what is compared


def tables_of(doc: Document) -> list[tuple]:
    out = []
    for t in doc.tables:
        columns = [(c.side, c.path) for c in t.columns]
        rows = []
        for r in t.rows:
            cells = tuple((columns[c.column], None if c.amount is None else str(c.amount.value)) for c in r.cells)
            rows.append((r.side, r.code, r.name, r.role, r.level, tuple(sorted(r.texts.items())), cells))
        out.append((t.kind, t.number, t.unit, t.status, tuple(columns), tuple(rows)))
    return out


def findings_of(doc: Document) -> list[tuple]:
    result = audit(doc, load_rules().rules)
    # A message may cite a line ("第 20 行"), a PDF's a page ("第 3 页"): locations, not content.
    return sorted(
        (f.rule, f.severity, re.sub(r"第\s*\d+\s*[行页]", "第…", f.message),
         tuple((loc.table, loc.row, loc.column) for loc in f.locations))
        for f in result.findings + result.rounding
    )


@cache
def pair(case: str, tmp: Path) -> tuple[Document, Document]:
    sample, kinds, transform, style = CASES[case]
    spec = build(sample, kinds, transform)
    name = re.sub(r"\W+", "_", case)
    text_path = tmp / f"{name}.txt"
    text_path.write_text(as_text(spec), encoding="utf-8")
    pdf_path = draw(spec, style, tmp / f"{name}.pdf")
    return load_document(text_path), load_document(pdf_path)


@pytest.fixture(scope="module")
def tmp(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("agreement")


@pytest.mark.parametrize("case", params(KNOWN_TABLES))
def test_pdf_tables_agree_with_the_text(case: str, tmp: Path):
    text_doc, pdf_doc = pair(case, tmp)
    expected = tables_of(text_doc)
    assert expected and any(t[5] for t in expected)  # the seed tables were recognised, with rows
    assert (pdf_doc.kind, pdf_doc.year) == (text_doc.kind, text_doc.year)
    assert tables_of(pdf_doc) == expected


@pytest.mark.parametrize("case", params(KNOWN_FINDINGS))
def test_pdf_findings_agree_with_the_text(case: str, tmp: Path):
    text_doc, pdf_doc = pair(case, tmp)
    assert findings_of(pdf_doc) == findings_of(text_doc)


@pytest.mark.parametrize("case", list(CASES))
def test_every_pdf_cell_names_its_page(case: str, tmp: Path):
    _, pdf_doc = pair(case, tmp)
    cells = [c for t in pdf_doc.tables for r in t.rows for c in r.cells]
    assert cells and all(c.page for c in cells)


@pytest.mark.parametrize("case", ["ruled, merged header", "unruled", "continued, header repeated", "landscape turned"])
def test_prose_reads_as_printed_and_page_numbers_are_left_out(case: str, tmp: Path):
    text_doc, pdf_doc = pair(case, tmp)
    paragraphs = [line.text for line in text_doc.lines if line.text and "\t" not in line.text]
    read = [line.text for line in pdf_doc.lines if line.text and "\t" not in line.text]
    assert read == paragraphs  # each justified paragraph one line, in order; no "- 2 -" anywhere
    if "continued" in case:
        assert pdf_doc.lines[-1].page == 3  # footers were printed on three pages
