"""read_pdf on PDFs the tests build themselves: ruled CJK tables, continued tables, reading order,
and every kind of file that must be refused with a one-line error.

The PDFs are drawn with reportlab (test extra) in the Adobe-GB1 font STSong-Light, which PDF
readers know without an embedded font file, so no font on the machine is needed.
"""

from __future__ import annotations

import copy
import io
import zlib
from pathlib import Path

import pytest

pytest.importorskip("reportlab")

from reportlab.pdfbase import _cidfontdata, pdfmetrics  # noqa: E402
from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

from budgetaudit.amounts import normalize  # noqa: E402
from budgetaudit.errors import InputError  # noqa: E402
from budgetaudit.readers import pdf as pdf_reader  # noqa: E402
from budgetaudit.readers.pdf import read_pdf  # noqa: E402

CJK = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(CJK))
PAGE_W, PAGE_H = 595.0, 842.0
LEFT, RIGHT = 72.0, 516.0  # a 37-em text column at 12 pt


# ---------------------------------------------------------------- drawing helpers


def _width(text: str, size: float, font: str = CJK) -> float:
    return pdfmetrics.stringWidth(text, font, size)


def _tokens(text: str) -> list[str]:
    """Line-break units: one CJK character, or a whole run of ASCII (numbers never break)."""
    out: list[str] = []
    for ch in text:
        if ch.isascii() and out and out[-1][-1].isascii():
            out[-1] += ch
        else:
            out.append(ch)
    return out


def paragraph(c: canvas.Canvas, text: str, y: float, size: float = 12, indent: float = 24) -> float:
    """A justified paragraph with a first-line indent, as word processors set it; returns the next y."""
    tokens = _tokens(text)
    first = True
    while tokens:
        x0 = LEFT + (indent if first else 0)
        line: list[str] = []
        while tokens and _width("".join(line + tokens[:1]), size) <= RIGHT - x0:
            line.append(tokens.pop(0))
        s = "".join(line)
        t = c.beginText(x0, y)
        t.setFont(CJK, size)
        if tokens and len(s) > 1:  # full lines are justified to the right margin
            t.setCharSpace((RIGHT - x0 - _width(s, size)) / (len(s) - 1))
        t.textOut(s)
        c.drawText(t)
        y -= size * 1.6
        first = False
    return y


def ruled_table(c: canvas.Canvas, top: float, widths: list[float], cells: list[tuple], row_h: float = 24,
                size: float = 9) -> float:
    """Cells (row, col, rowspan, colspan, text) with their borders; numbers right-aligned,
    text left-aligned, a "\\n" in the text wraps inside the cell. Returns the table's bottom."""
    xs = [LEFT]
    for w in widths:
        xs.append(xs[-1] + w)
    bottom = top
    for row, col, rs, cs, text in cells:
        x0, x1 = xs[col], xs[col + cs]
        y_top, y_bot = top - row * row_h, top - (row + rs) * row_h
        bottom = min(bottom, y_bot)
        c.rect(x0, y_bot, x1 - x0, y_top - y_bot)
        lines = text.split("\n")
        y = (y_top + y_bot) / 2 + (len(lines) - 1) * size * 0.6 - size * 0.35
        for piece in lines:
            c.setFont(CJK, size)
            if piece.replace(",", "").replace(".", "").isdigit() and "." in piece:
                c.drawRightString(x1 - 3, y, piece)
            else:
                c.drawString(x0 + 3, y, piece)
            y -= size * 1.2
    return bottom


def centred(c: canvas.Canvas, text: str, y: float, size: float) -> None:
    c.setFont(CJK, size)
    c.drawCentredString(PAGE_W / 2, y, text)


def right(c: canvas.Canvas, text: str, y: float, size: float = 10) -> None:
    c.setFont(CJK, size)
    c.drawRightString(RIGHT, y, text)


def new_canvas(path: Path, pagesize: tuple[float, float] = (PAGE_W, PAGE_H), **kwargs) -> canvas.Canvas:
    return canvas.Canvas(str(path), pagesize=pagesize, **kwargs)


def texts(lines) -> list[str]:
    return [line.text for line in lines]


# ---------------------------------------------------------------- one page: title, unit, prose, table

INCOME_CELLS = [
    (0, 0, 1, 2, "项目"), (0, 2, 2, 1, "本年收入合计"), (0, 3, 2, 1, "财政拨款收入"),
    (1, 0, 1, 1, "科目编码"), (1, 1, 1, 1, "科目名称"),
    (2, 0, 1, 2, "合计"), (2, 2, 1, 1, "1,009.39"), (2, 3, 1, 1, "1,009.39"),
    (3, 0, 1, 1, "208"), (3, 1, 1, 1, "社会保障和就业支\n出"), (3, 2, 1, 1, "754.75"), (3, 3, 1, 1, "754.75"),
    (4, 0, 1, 1, "210"), (4, 1, 1, 1, "卫生健康支出"), (4, 2, 1, 1, "254.64"), (4, 3, 1, 1, "254.64"),
]
PROSE = ("本年收入合计1,009.39万元，其中：财政拨款收入1,009.39万元，占100.00%；社会保障和就业支出754.75万元，"
         "卫生健康支出254.64万元，主要用于单位人员的社会保险缴费。")


@pytest.fixture
def table_page(tmp_path: Path) -> Path:
    path = tmp_path / "收入决算表.pdf"
    c = new_canvas(path)
    centred(c, "收入决算表", 780, 16)
    right(c, "单位：万元", 752)
    y = paragraph(c, PROSE, 725)
    bottom = ruled_table(c, y - 10, [60, 120, 80, 80], INCOME_CELLS)
    c.setFont(CJK, 10)
    c.drawString(LEFT, bottom - 20, "注：本表反映部门本年度取得的各项收入情况。")
    c.save()
    return path


def test_title_unit_prose_and_ruled_table_come_out_in_reading_order(table_page: Path):
    lines = read_pdf(table_page)
    assert texts(lines) == [
        "收入决算表",
        "",
        "单位:万元",
        "",
        normalize(PROSE),
        "",
        "项目\t\t本年收入合计\t财政拨款收入",
        "科目编码\t科目名称\t\t",
        "合计\t\t1,009.39\t1,009.39",
        "208\t社会保障和就业支出\t754.75\t754.75",
        "210\t卫生健康支出\t254.64\t254.64",
        "",
        "注:本表反映部门本年度取得的各项收入情况。",
    ]
    assert [line.number for line in lines] == list(range(1, 14))
    assert {line.page for line in lines} == {1}
    assert lines[2].raw == "单位：万元"  # raw keeps what was printed; text is normalised


def test_paragraph_is_printed_over_several_lines_but_read_as_one(table_page: Path):
    import pdfplumber

    with pdfplumber.open(table_page) as pdf:
        printed = [ln for ln in pdf.pages[0].extract_text().split("\n") if ln.startswith(("本年", "卫生", "万元"))]
    assert len(printed) >= 2  # the fixture really wraps the paragraph
    assert sum("万元" in line.text and "占100.00%" in line.text for line in read_pdf(table_page)) == 1


LANDSCAPE_LINES = [
    "收入决算表",
    "",
    "项目\t\t本年收入合计\t财政拨款收入",
    "科目编码\t科目名称\t\t",
    "合计\t\t1,009.39\t1,009.39",
    "208\t社会保障和就业支出\t754.75\t754.75",
    "210\t卫生健康支出\t254.64\t254.64",
]


@pytest.mark.parametrize("rotate_entry", [True, False], ids=["/Rotate 90", "turned content"])
def test_landscape_table_laid_sideways_on_a_portrait_page(tmp_path: Path, rotate_entry: bool):
    # The content is drawn turned by 90°; with /Rotate 90 a viewer shows it upright (pdfminer turns
    # it back), without it the reader has to find the direction the text runs in by itself.
    path = tmp_path / "landscape.pdf"
    # reportlab writes the media box turned when the page has /Rotate 90: pass it turned to get
    # a portrait sheet (595 × 842) under the entry.
    c = new_canvas(path, pagesize=(PAGE_H, PAGE_W) if rotate_entry else (PAGE_W, PAGE_H))
    if rotate_entry:
        c.setPageRotation(90)
    c.translate(PAGE_W, 0)
    c.rotate(90)
    c.setFont(CJK, 16)
    c.drawString(300, 550, "收入决算表")
    ruled_table(c, 520, [60, 120, 80, 80], INCOME_CELLS)
    c.setFont(CJK, 40)
    c.rotate(-30)
    c.drawString(100, 300, "内部资料")  # a watermark running another way is not text of the page
    c.save()
    assert texts(read_pdf(path)) == LANDSCAPE_LINES


# ---------------------------------------------------------------- a table continued on the next page


def test_table_continued_on_next_page_without_header(tmp_path: Path):
    path = tmp_path / "支出决算表.pdf"
    c = new_canvas(path)
    centred(c, "支出决算表", 780, 16)
    right(c, "单位：万元", 752)
    head = [(0, 0, 1, 1, "科目编码"), (0, 1, 1, 1, "科目名称"), (0, 2, 1, 1, "本年支出合计"), (0, 3, 1, 1, "基本支出")]
    body1 = [(1, 0, 1, 1, "212"), (1, 1, 1, 1, "城乡社区支出"), (1, 2, 1, 1, "3845.24"), (1, 3, 1, 1, "1585.59"),
             (2, 0, 1, 1, "21201"), (2, 1, 1, 1, "城乡社区管理事务"), (2, 2, 1, 1, "1105.68"), (2, 3, 1, 1, "1096.91")]
    ruled_table(c, 730, [60, 160, 90, 90], head + body1)
    c.setFont(CJK, 9)
    c.drawCentredString(PAGE_W / 2, 30, "- 1 -")
    c.showPage()
    body2 = [(0, 0, 1, 1, "2120101"), (0, 1, 1, 1, "行政运行"), (0, 2, 1, 1, "1105.68"), (0, 3, 1, 1, "1096.91"),
             (1, 0, 1, 2, "合计"), (1, 2, 1, 1, "3845.24"), (1, 3, 1, 1, "1585.59")]
    ruled_table(c, 780, [60, 160, 90, 90], body2)
    c.setFont(CJK, 9)
    c.drawCentredString(PAGE_W / 2, 30, "- 2 -")
    c.save()

    lines = [(line.page, line.text) for line in read_pdf(path)]
    assert lines == [
        (1, "支出决算表"), (1, ""), (1, "单位:万元"), (1, ""),
        (1, "科目编码\t科目名称\t本年支出合计\t基本支出"),
        (1, "212\t城乡社区支出\t3845.24\t1585.59"),
        (1, "21201\t城乡社区管理事务\t1105.68\t1096.91"),
        (1, ""),
        (2, "2120101\t行政运行\t1105.68\t1096.91"),
        (2, "合计\t\t3845.24\t1585.59"),
    ]  # the page numbers "- 1 -" and "- 2 -" in the footer are not text of the document


# ---------------------------------------------------------------- 科目编码 split over 类/款/项


def test_codes_split_over_class_section_item_columns_stay_separate_fields(tmp_path: Path):
    path = tmp_path / "split.pdf"
    c = new_canvas(path)
    centred(c, "一般公共预算财政拨款支出决算表", 780, 14)
    cells = [
        (0, 0, 1, 3, "科目编码"), (0, 3, 2, 1, "科目名称"), (0, 4, 2, 1, "决算数"),
        (1, 0, 1, 1, "类"), (1, 1, 1, 1, "款"), (1, 2, 1, 1, "项"),
        (2, 0, 1, 1, "221"), (2, 1, 1, 1, ""), (2, 2, 1, 1, ""), (2, 3, 1, 1, "住房保障支出"), (2, 4, 1, 1, "461.08"),
        (3, 0, 1, 1, "221"), (3, 1, 1, 1, "02"), (3, 2, 1, 1, ""), (3, 3, 1, 1, "住房改革支出"),
        (3, 4, 1, 1, "461.08"),
        (4, 0, 1, 1, "221"), (4, 1, 1, 1, "02"), (4, 2, 1, 1, "01"), (4, 3, 1, 1, "住房公积金"), (4, 4, 1, 1, "289.59"),
    ]
    ruled_table(c, 740, [36, 36, 36, 150, 90], cells)
    c.save()
    assert texts(read_pdf(path))[2:] == [
        "科目编码\t\t\t科目名称\t决算数",
        "类\t款\t项\t\t",
        "221\t\t\t住房保障支出\t461.08",
        "221\t02\t\t住房改革支出\t461.08",
        "221\t02\t01\t住房公积金\t289.59",
    ]


# ---------------------------------------------------------------- a table printed without rules


def test_unruled_table_rows_come_out_as_fields_in_one_block(tmp_path: Path):
    path = tmp_path / "unruled.pdf"
    c = new_canvas(path)
    centred(c, "一般公共预算财政拨款支出决算表", 780, 14)
    c.setFont(CJK, 10)
    y = 740
    for code, name, total, basic in [("208", "社会保障和就业支出", "754.75", "754.75"),
                                     ("20805", "行政事业单位养老支出", "754.75", "754.75"),
                                     ("", "合计", "1,009.39", "1,009.39")]:
        c.drawString(LEFT, y, code)
        c.drawString(LEFT + 60, y, name)
        c.drawRightString(LEFT + 330, y, total)  # right-aligned amounts only 1.5 em apart
        c.drawRightString(LEFT + 390, y, basic)
        y -= 30
    c.save()
    assert texts(read_pdf(path)) == [
        "一般公共预算财政拨款支出决算表",
        "",
        "208\t社会保障和就业支出\t754.75\t754.75",
        "20805\t行政事业单位养老支出\t754.75\t754.75",
        "\t合计\t1,009.39\t1,009.39",  # nothing in the code column: an empty field, as in a ruled table
    ]


def test_a_page_the_column_finder_trips_on_is_still_read(tmp_path: Path, monkeypatch):
    from budgetaudit.readers import pdf_page

    def broken(lines, memory=None):
        raise ValueError("layout not understood")

    monkeypatch.setattr(pdf_page, "align_tables", broken)
    path = tmp_path / "unruled.pdf"
    c = new_canvas(path)
    c.setFont(CJK, 10)
    c.drawString(LEFT, 740, "208")
    c.drawString(LEFT + 60, 740, "社会保障和就业支出")
    c.drawRightString(LEFT + 330, 740, "754.75")
    c.save()
    assert texts(read_pdf(path)) == ["208\t社会保障和就业支出\t754.75"]  # its wide gaps still split fields


# ---------------------------------------------------------------- reading order with mixed fonts


def test_numbers_stay_in_their_sentence_when_fonts_disagree_on_descent(tmp_path: Path, monkeypatch):
    # Some producers (seen with ONLYOFFICE) embed a CJK font whose declared descent is far from the
    # Latin font's: the glyph boxes of "总计" and "2995.39" then sit at different heights although
    # both are printed on one baseline, and box-based line grouping tears the sentence apart.
    info = copy.deepcopy(_cidfontdata.CIDFontInfo[CJK])
    info["DescendantFonts"][0]["FontDescriptor"]["Descent"] = -900
    monkeypatch.setitem(_cidfontdata.CIDFontInfo, CJK, info)
    pdfmetrics.registerFont(UnicodeCIDFont(CJK))
    path = tmp_path / "onlyoffice-like.pdf"
    c = new_canvas(path)
    t = c.beginText(LEFT + 24, 700)
    for font, piece in [(CJK, "本单位2024年度收入支出总计"), ("Helvetica", "2995.39"), (CJK, "万元，比上年增加"),
                        ("Helvetica", "112.40"), (CJK, "万元。")]:
        t.setFont(font, 15)
        t.textOut(piece)
    c.drawText(t)
    c.save()
    monkeypatch.undo()
    pdfmetrics.registerFont(UnicodeCIDFont(CJK))

    import pdfplumber

    with pdfplumber.open(path) as pdf:
        tops = {round(ch["top"], 1) for ch in pdf.pages[0].chars}
    assert max(tops) - min(tops) > 3  # the boxes really disagree by more than a line-grouping tolerance
    assert texts(read_pdf(path)) == ["本单位2024年度收入支出总计2995.39万元，比上年增加112.40万元。"]


# ---------------------------------------------------------------- blank pages


def _text_page(c: canvas.Canvas, text: str) -> None:
    c.setFont(CJK, 12)
    c.drawString(LEFT, 700, text)
    c.showPage()


def test_blank_pages_produce_nothing(tmp_path: Path):
    path = tmp_path / "blank-middle.pdf"
    c = new_canvas(path)
    _text_page(c, "第一部分 部门概况")
    c.showPage()  # page 2: nothing on it
    _text_page(c, "第二部分 决算表")
    c.save()
    lines = read_pdf(path)
    assert [(line.page, line.text) for line in lines] == [(1, "第一部分 部门概况"), (1, ""), (3, "第二部分 决算表")]


# ---------------------------------------------------------------- files that must be refused


def _refused(path: Path) -> str:
    with pytest.raises(InputError) as info:
        read_pdf(path)
    message = str(info.value)
    assert message.startswith(str(path)) and "\n" not in message
    return info.value.problem


def test_page_without_text_layer_is_reported_as_scanned(tmp_path: Path):
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader

    image = Image.new("L", (400, 300), 255)
    ImageDraw.Draw(image).rectangle((40, 40, 360, 260), outline=0, width=3)
    path = tmp_path / "scan.pdf"
    c = new_canvas(path)
    for _ in range(2):
        c.drawImage(ImageReader(image), 50, 300, 495, 371)
        c.showPage()
    c.save()
    problem = _refused(path)
    assert "no text layer" in problem and "2 of 2 pages" in problem and "OCR" in problem


def test_document_of_blank_pages_is_refused(tmp_path: Path):
    path = tmp_path / "empty.pdf"
    c = new_canvas(path)
    c.showPage()
    c.save()
    assert "no text" in _refused(path)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"<!DOCTYPE html><html><body>404 Not Found</body></html>", "HTML"),
        (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40, "ZIP"),
        ("收入支出决算总表\t1\t2\n".encode(), "text file"),
    ],
)
def test_file_named_pdf_that_is_not_a_pdf(tmp_path: Path, content: bytes, expected: str):
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    problem = _refused(path)
    assert problem.startswith("not a PDF file") and expected in problem


def test_truncated_pdf(tmp_path: Path, table_page: Path):
    data = table_page.read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: len(data) * 2 // 3])
    assert "truncated" in _refused(path)


def test_corrupt_pdf(tmp_path: Path):
    path = tmp_path / "corrupt.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20 + b"\ntrailer\n<< /Root 9 0 R >>\n%%EOF\n")
    assert "damaged PDF" in _refused(path)


def test_empty_file(tmp_path: Path):
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    assert _refused(path) == "the file is empty"


def test_encrypted_pdf_needs_a_password(tmp_path: Path):
    path = tmp_path / "locked.pdf"
    c = new_canvas(path, encrypt="secret")
    _text_page(c, "收入支出决算总表")
    c.save()
    problem = _refused(path)
    assert "encrypted" in problem and "password" in problem


def test_pdf_with_only_an_owner_password_is_read(tmp_path: Path):
    from reportlab.lib.pdfencrypt import StandardEncryption

    # (Latin text: pdfminer leaves the CIDSystemInfo strings of a non-embedded CJK font encrypted.)
    path = tmp_path / "no-copy.pdf"
    c = new_canvas(path, encrypt=StandardEncryption("", ownerPassword="owner", canCopy=0))
    c.setFont("Helvetica", 12)
    c.drawString(LEFT, 700, "Total 9859.38")
    c.save()
    assert texts(read_pdf(path)) == ["Total 9859.38"]


# ---------------------------------------------------------------- PDF bombs: pages, time, memory


def _raw_pdf(content: bytes, pages: int = 1) -> bytes:
    """A minimal PDF whose pages all draw ``content`` (a Flate stream), with a correct xref."""
    stream = zlib.compress(content, 1)
    kids = " ".join(f"{4 + i} 0 R" for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R /Resources << >> >>"] * pages
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def test_too_many_pages(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(pdf_reader, "MAX_PAGES", 3)
    path = tmp_path / "pages.pdf"
    path.write_bytes(_raw_pdf(b"BT /F1 12 Tf ET", pages=5))
    assert _refused(path) == "the PDF declares 5 pages; the limit is 3 per file"


def test_reading_is_stopped_at_the_time_limit(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(pdf_reader, "TIME_LIMIT", 1.0)
    path = tmp_path / "slow.pdf"
    path.write_bytes(_raw_pdf(b"0 0 m 10 10 l S\n" * 1_500_000))  # millions of path operators
    assert "stopped after 1 s" in _refused(path)


def test_decompression_bomb_is_stopped_at_the_memory_limit(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(pdf_reader, "MEMORY_LIMIT", 64 * 1024 * 1024)
    path = tmp_path / "bomb.pdf"
    path.write_bytes(_raw_pdf(b" " * (400 * 1024 * 1024)))  # 400 MiB of blanks in about 0.4 MiB
    problem = _refused(path)
    assert "64 MiB" in problem and "decompression bomb" in problem


# ---------------------------------------------------------------- glyphs without a Unicode mapping


def _unmapped_cjk(raw: bytes) -> bytes:
    """The PDF with its CJK font (STSong-Light) turned into one whose glyphs have no Unicode
    mapping: codes are CIDs of an ordering no table knows, and there is no ToUnicode (the same
    number of bytes, so the cross-reference table stays right)."""
    out = raw.replace(b"/Ordering (GB1)", b"/Ordering (Idn)").replace(b"/Encoding /UniGB-UCS2-H",
                                                                    b"/Encoding /Identity-H  ")
    assert out != raw and len(out) == len(raw)
    return out


def mixed_unmapped_pdf(path: Path, pages: int) -> Path:
    """Every page: a line of Latin text in Helvetica (mapped) ending in two CJK glyphs of a font
    without a Unicode mapping."""
    c = new_canvas(path, pageCompression=0)
    for page in range(pages):
        latin = f"Budget of the department, page {page + 1}: total 1,234.56"
        c.setFont("Helvetica", 12)
        c.drawString(72, 700, latin)
        c.setFont(CJK, 12)
        c.drawString(72 + pdfmetrics.stringWidth(latin, "Helvetica", 12) + 6, 700, "万元")
        c.showPage()
    c.save()
    path.write_bytes(_unmapped_cjk(path.read_bytes()))
    return path


def test_a_text_layer_without_unicode_mapping_is_refused(tmp_path: Path):
    path = tmp_path / "unmapped.pdf"
    c = new_canvas(path, pageCompression=0)
    c.setFont(CJK, 12)
    c.drawString(72, 700, "收入预算总额1,234.56万元。")
    c.save()
    path.write_bytes(_unmapped_cjk(path.read_bytes()))
    assert _refused(path) == ("the text layer cannot be decoded: its fonts have no Unicode mapping "
                              "(17 of 17 characters)")


def test_unmapped_glyphs_among_mapped_text_are_read_as_cids(tmp_path: Path):
    # Each page's unmapped glyphs are found, on the first page and on the later ones alike.
    path = mixed_unmapped_pdf(tmp_path / "mixed.pdf", 5)
    lines = [(line.page, line.text) for line in read_pdf(path) if line.text.strip()]
    assert [page for page, _ in lines] == [1, 2, 3, 4, 5]
    for page, text in lines:
        assert text.startswith(f"Budget of the department, page {page}: total 1,234.56")
        assert text.count("(cid:") == 2, text
