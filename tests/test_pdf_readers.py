"""The two PDF readers agree: PDFium (pypdfium2, the default) gives the tables and findings the
pdfplumber reader gives, on every PDF of ../shared/pdfs and ../shared/corpus and on every drawn
style of test_pdf_agreement.py.

Compared: every table (kind, number, unit, columns) and in it every row and cell, with its value
and the page it was read from; every finding (rule, severity, message, location). Where the two
differ, KNOWN says why the PDFium reading is the right one, case by case; a known difference
that goes away fails too (strict xfail), so the list stays true.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from budgetaudit.audit import audit
from budgetaudit.loader import load_document
from budgetaudit.model import Document
from budgetaudit.readers.pdf import READER_ENV
from budgetaudit.rules import load_rules

pytestmark = pytest.mark.slow  # pytest -m 'not slow': the quick subset (README)

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
PDFS = sorted((SHARED / "pdfs").glob("*.pdf")) + sorted((SHARED / "corpus").rglob("*.pdf"))

# file name → why the two readings differ and the PDFium one is right
KNOWN: dict[str, str] = {}

_cache: dict[tuple[str, str], Document] = {}


def read(path: Path, reader: str, monkeypatch) -> Document:
    key = (str(path), reader)
    if key not in _cache:
        monkeypatch.setenv(READER_ENV, reader)
        _cache[key] = load_document(path)
    return _cache[key]


def tables_of(doc: Document) -> list[tuple]:
    out = []
    for t in doc.tables:
        columns = [(c.side, c.path) for c in t.columns]
        rows = []
        for r in t.rows:
            cells = tuple((columns[c.column], c.raw, None if c.amount is None else str(c.amount.value), c.page, c.line)
                          for c in r.cells)
            rows.append((r.side, r.code, r.name, r.role, r.level, cells))
        out.append((t.kind, t.number, t.unit, t.status, tuple(columns), tuple(rows)))
    return out


def findings_of(doc: Document) -> list[tuple]:
    result = audit(doc, load_rules().rules)
    return sorted((f.rule, f.severity, f.message, tuple((loc.table, loc.row, loc.column) for loc in f.locations))
                  for f in result.findings + result.rounding)


def _params(paths: list[Path]) -> list:
    return [pytest.param(p, id=p.name, marks=pytest.mark.xfail(reason=KNOWN[p.name], strict=True))
            if p.name in KNOWN else pytest.param(p, id=p.name) for p in paths]


@pytest.mark.skipif(not PDFS, reason="../shared is absent")
@pytest.mark.parametrize("path", _params(PDFS))
def test_shared_pdfs_read_alike(path: Path, monkeypatch):
    old, new = read(path, "pdfplumber", monkeypatch), read(path, "pdfium", monkeypatch)
    assert (new.kind, new.year, new.entity) == (old.kind, old.year, old.entity)
    assert tables_of(new) == tables_of(old)
    assert findings_of(new) == findings_of(old)


# ---------------------------------------------------------------- the drawn styles

agreement = pytest.importorskip("test_pdf_agreement")


@pytest.mark.parametrize("case", list(agreement.CASES))
def test_drawn_styles_read_alike(case: str, tmp_path: Path, monkeypatch):
    sample, kinds, transform, style = agreement.CASES[case]
    spec = agreement.build(sample, kinds, transform)
    path = agreement.draw(spec, style, tmp_path / (re.sub(r"\W+", "_", case) + ".pdf"))
    old, new = read(path, "pdfplumber", monkeypatch), read(path, "pdfium", monkeypatch)
    assert tables_of(new) == tables_of(old)
    assert findings_of(new) == findings_of(old)
