"""Where a user finds a finding: a text's line, a PDF's page — never the PDF reader's own line numbers,
which number the text it extracted and which nobody can open."""

from __future__ import annotations

from dataclasses import replace

from ..audit import DocumentResult
from ..model import Document, Finding, Location, Table


def sheet_of(doc: Document, table: Table) -> str | None:
    """The sheet a workbook's table stands on (its first row's), None outside workbooks."""
    if table.sheet:
        return table.sheet
    for number in [r.line for r in table.rows[:1]] + [table.first_line]:
        line = doc.line(number) if number else None
        if line is not None and line.sheet:
            return line.sheet
    return None


def by_page(item: DocumentResult) -> bool:
    doc = item.document
    return doc is not None and doc.source != "text"


def public(item: DocumentResult, loc: Location) -> Location:
    """The location as reports give it: without a line in a document read by pages."""
    return replace(loc, line=None) if by_page(item) and loc.line is not None else loc


def public_finding(item: DocumentResult, f: Finding) -> Finding:
    if not by_page(item):
        return f
    return replace(f, locations=[public(item, loc) for loc in f.locations])
