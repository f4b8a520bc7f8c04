"""Shared fixtures: hand-built tables and documents, and paths to the sample documents."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from budgetaudit.amounts import to_amount
from budgetaudit.model import Cell, Column, Document, Row, Table

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
PDFS = ROOT.parent / "shared" / "pdfs"  # shared/ lies beside the checkout (in CI too)

@pytest.fixture(autouse=True)
def _fresh_pdf_reader():
    """Each test reads PDFs in a reader process of its own (pdf_guard keeps one between files), so
    what a test patches before reading is what the reader runs."""
    from budgetaudit.readers.pdf_guard import close_reader

    close_reader()
    yield


_ENUM = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+[.、]|其中[:：])+")


def _key(label: str) -> str:
    key = re.sub(r"\s+", "", label)
    key = _ENUM.sub("", key)
    return key.replace("(", "（").replace(")", "）")


def make_row(label: str, values: list[str], columns: list[Column], line: int, side: str | None = None,
             role: str | None = None) -> Row:
    """A row as the recogniser builds it; ``label`` may start with a 科目编码 ("208 社会保障…")."""
    code = None
    m = re.match(r"^(\d{3,7})\s+(.*)$", label)
    name = label
    if m:
        code, name = m.group(1), m.group(2)
    key = _key(name)
    if role is None:
        role = "total" if key in ("合计", "总计") else ("unit" if code and len(code) == 6 else "item")
    level = {3: 1, 5: 2, 7: 3}.get(len(code), 0) if code and role != "unit" else 0
    row = Row(name=label if role == "unit" else name, key=key, line=line, code=code, level=level,
              role=role, side=side)
    col_indexes = [i for i, c in enumerate(columns) if side is None or c.side in (None, side)]
    for idx, text in zip(col_indexes, values, strict=False):
        if text == "":
            continue
        row.cells.append(Cell(idx, None if text in ("—", "-") else to_amount(text), line, raw=text))
    return row


def make_table(kind: str, columns: list, rows: list, first_line: int = 1, number: str | None = None,
               status: str = "ok") -> Table:
    """``columns``: paths like ("基本支出", "小计") or (side, path) pairs for side-by-side tables.
    ``rows``: (label, [values]) or (side, label, [values]) — one source line each, in order."""
    cols = []
    for c in columns:
        if len(c) == 2 and isinstance(c[1], tuple):
            cols.append(Column(path=c[1], side=c[0]))
        else:
            cols.append(Column(path=tuple(c)))
    table = Table(kind=kind, title=kind, number=number, status=status, first_line=first_line,
                  columns=cols)
    line = first_line
    for spec in rows:
        if len(spec) == 3:
            side, label, values = spec
        else:
            side, (label, values) = None, spec
        table.rows.append(make_row(label, values, cols, line, side))
        line += 1
    table.last_line = line - 1
    return table


def make_doc(*tables: Table, kind: str = "预算", path: str = "t.txt") -> Document:
    return Document(path=path, lines=[], kind=kind, year=2026, entity="测试单位", tables=list(tables))


@pytest.fixture
def table_builder():
    return make_table


@pytest.fixture
def doc_builder():
    return make_doc
