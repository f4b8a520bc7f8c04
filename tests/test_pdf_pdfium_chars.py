"""pdf_pdfium makes a page's characters (Char) only when asked for (``_characters``); its reading
loop makes the glyphs. The box arithmetic is written in both places: here the characters made
later are the ones the loop makes when told to (``eager``), on every page of the shared PDFs and
of drawn pages whose text runs every way."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from budgetaudit.readers.pdf_pdfium import Unmeasured, read_pdfium_page

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
PDFS = sorted((SHARED / "pdfs").glob("*.pdf")) + sorted((SHARED / "corpus").rglob("*.pdf"))


def pages_compared(path: Path) -> int:
    doc = pdfium.PdfDocument(str(path))
    compared = 0
    try:
        for page in doc:
            try:
                later, now = read_pdfium_page(page), read_pdfium_page(page, eager=True)
            except Unmeasured:
                continue
            finally:
                page.close()
            assert later.upright == now.upright and list(later.votes.items()) == list(now.votes.items())
            assert later.characters == now.characters
            assert later.glyphs() == now.glyphs()
            compared += 1
    finally:
        doc.close()
    return compared


@pytest.mark.skipif(not PDFS, reason="../shared is absent")
@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_characters_made_later_are_the_loops(path: Path):
    assert pages_compared(path) > 0


def draw_turned(path: Path) -> Path:
    """Pages whose text runs every way (a Latin font: PDFium measures it unembedded): most of it
    turned 90° without /Rotate, then the same under /Rotate 90."""
    canvas = pytest.importorskip("reportlab.pdfgen.canvas")
    c = canvas.Canvas(str(path), pagesize=(595, 842))
    for rotation in (0, 90):
        c.setPageRotation(rotation)
        c.setFont("Helvetica", 10)
        c.drawString(56, 800, "Upright: total 1,234.56")
        for angle, (x, y) in ((90, (300, 100)), (-90, (400, 700)), (180, (500, 400))):
            c.saveState()
            c.translate(x, y)
            c.rotate(angle)
            for k in range(8 if angle == 90 else 2):
                c.drawString(0, -12 * k, f"Line {k}: expenditure 20101 {k * 111.25:,.2f}")
            c.restoreState()
        c.showPage()
    c.save()
    return path


def test_characters_made_later_are_the_loops_on_turned_pages(tmp_path: Path):
    path = draw_turned(tmp_path / "turned.pdf")
    assert pages_compared(path) == 2
    doc = pdfium.PdfDocument(str(path))
    try:  # the first page is read in its turned frame, from the characters
        assert read_pdfium_page(doc[0]).glyphs()[0].angle != 0
    finally:
        doc.close()
