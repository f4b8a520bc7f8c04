"""Load one input file into a Document: read it, recognise its tables and metadata, then read
what its prose states (read → tables → claims; the rules come after)."""

from __future__ import annotations

from pathlib import Path

from .errors import InputError
from .model import Document
from .narrative import claims
from .readers.text import read_lines
from .tables import recognize

TEXT_SUFFIXES = {".txt", ".md"}
PDF_SUFFIXES = {".pdf"}
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls"}  # .xls: refused with "save it as .xlsx"
WORD_SUFFIXES = {".docx"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | PDF_SUFFIXES | WORKBOOK_SUFFIXES | WORD_SUFFIXES


def load_document(path: str | Path) -> Document:
    doc = _tables(path)
    doc.claims = claims(doc)
    return doc


def _tables(path: str | Path) -> Document:
    p = Path(path)
    suffix = p.suffix.lower()
    if p.is_dir():
        raise InputError(str(path), "is a folder, not a file")
    if suffix in PDF_SUFFIXES:
        from .readers.pdf import read_pdf  # pdfplumber is imported only when a PDF is read

        lines = read_pdf(p)
        return recognize(lines, str(path), source="pdf")
    if suffix in WORKBOOK_SUFFIXES:
        from .readers.workbook import read_workbook  # openpyxl is imported only when a workbook is read

        book = read_workbook(p)
        doc = recognize(book.lines, str(path), source="xlsx")
        doc.formulas, doc.uncalculated = book.formulas, book.uncalculated
        for table in doc.tables:
            sheets = [doc.lines[n - 1].sheet for n in [r.line for r in table.rows] + [table.first_line]
                      if 0 < n <= len(doc.lines)]
            table.sheet = next((s for s in sheets if s), None)
        return doc
    if suffix in WORD_SUFFIXES:
        from .readers.word import read_word

        return recognize(read_word(p), str(path), source="docx")
    if suffix in TEXT_SUFFIXES or not p.exists():
        lines = read_lines(p)
        return recognize(lines, str(path), source="text")
    raise InputError(str(path), f"unsupported file type '{suffix or p.name}' (expected .txt, .md, .pdf, .xlsx or .docx)")
