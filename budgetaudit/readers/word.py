"""Word files (.docx) as the reader's lines: each paragraph a line, each table row a line of
tab-separated fields, in the order the body holds them.

A paragraph's line carries its place, "第12段" (the paragraphs counted from the start of the body,
tables' own not counted); a table row's fields carry "第3行第2列" in "表格2" (the body's second
table), so a finding names where to look in the Word file. A merged cell's text stands in its first
grid cell, the others blank, as a printed table shows it. Page-number paragraphs and Markdown-like
decoration are treated as in a text file (readers/text.py), so a .docx gives what the same text gives.
"""

from __future__ import annotations

import io
from pathlib import Path

from ..amounts import normalize
from ..errors import InputError
from ..model import Line
from .regular import read_regular
from .text import page_furniture, readable
from .workbook import MAX_WORKBOOK_BYTES, OLE, open_zip

MAX_LINES = 200_000


def read_word(path: str | Path) -> list[Line]:
    name = str(path)
    data = read_regular(path, MAX_WORKBOOK_BYTES, "Word document")
    if not data.strip():
        raise InputError(name, "the file is empty")
    if data.startswith(OLE):
        raise InputError(name, "is an old-style Word document (.doc) or an encrypted one: "
                               "save it as .docx in Word or WPS (without a password)")
    if not data.startswith(b"PK"):
        raise InputError(name, "is not a Word document (no ZIP container); save it as .docx in Word or WPS")
    try:
        open_zip(data, name, "Word document", "word/document.xml")
    except InputError as exc:
        raise InputError(name, exc.problem.replace("damaged Word document: the ZIP", "damaged Word document: its ZIP")) \
            from None
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
        items = list(_body(document))
    except MemoryError:
        raise InputError(name, "too large to read as a Word document (out of memory)") from None
    except Exception as exc:  # noqa: BLE001 - python-docx and lxml raise many kinds on damaged parts
        raise InputError(name, f"damaged Word document: {type(exc).__name__}: {' '.join(str(exc).split())[:160]}") \
            from None
    if len(items) > MAX_LINES:
        raise InputError(name, f"has {len(items):,} paragraphs and table rows, more than a disclosure")
    raws = [raw for raw, _, _ in items]
    furniture = page_furniture(raws)
    lines = []
    for i, (raw, sheet, refs) in enumerate(items):
        if "\t" in raw:
            text = "\t".join(normalize(f) for f in raw.split("\t"))
        else:
            text = "" if i in furniture else readable(raw)
        lines.append(Line(number=i + 1, text=text, raw=raw, sheet=sheet if raw.strip() else None,
                          refs=refs if raw.strip() else ()))
    if not any(line.text.strip() for line in lines):
        raise InputError(name, "the Word document is empty: no paragraph or table holds any text")
    return lines


def _body(document):
    """(raw text, sheet, refs) for each paragraph and table row of the body, in order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    paragraph = 0
    tables = 0
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph += 1
            text = Paragraph(child, document).text
            for part in text.replace("\r", "\n").split("\n"):
                yield part.rstrip(), "", (f"第{paragraph}段",)
        elif tag == "tbl":
            tables += 1
            sheet = f"表格{tables}"
            yield "", None, ()
            seen: set[int] = set()
            kept = []  # the cells' elements stay alive, so their ids stay theirs
            for r, row in enumerate(Table(child, document).rows, 1):
                fields = []
                for cell in row.cells:  # a merged cell comes once for each grid cell it covers
                    key = id(cell._tc)
                    fields.append("" if key in seen else " ".join(cell.text.split()))
                    seen.add(key)
                    kept.append(cell._tc)
                yield "\t".join(fields), sheet, tuple(f"第{r}行第{c}列" for c in range(1, len(fields) + 1))
            yield "", None, ()
