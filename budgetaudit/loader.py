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
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | PDF_SUFFIXES


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
    if suffix in TEXT_SUFFIXES or not p.exists():
        lines = read_lines(p)
        return recognize(lines, str(path), source="text")
    raise InputError(str(path), f"unsupported file type '{suffix or p.name}' (expected .txt, .md or .pdf)")
