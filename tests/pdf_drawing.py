"""Disclosure PDFs drawn from seed tables, in the habits of different producers (test helper).

A ``Spec`` is a small document: title lines, prose paragraphs and tables, each table a grid of
printed fields (header rows and body rows) taken from a seed text in samples/. ``as_text`` writes it
the way a text extraction gives it (tab-separated rows, one block per paragraph); ``draw`` prints it
as a PDF in one ``Style``. tests/test_pdf_agreement.py reads both and compares what is recognised.

Drawn with reportlab in the Adobe-GB1 font STSong-Light, which PDF readers know without an
embedded font file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from budgetaudit.model import Document

CJK = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(CJK))
A4 = (595.0, 842.0)

_NUMBER = re.compile(r"^[-+]?[\d,.\s]*\d[\d,.\s]*%?$")


@dataclass
class Grid:
    header: list[list[str]]
    body: list[list[str]]

    @property
    def n_cols(self) -> int:
        return max(len(r) for r in self.header + self.body)


@dataclass
class Spec:
    """Blocks in order: ("line", text) | ("prose", text) | ("heading", text) | ("table", Grid)."""

    blocks: list[tuple[str, object]]


@dataclass(frozen=True)
class Style:
    # grid (every cell boxed) | three-line (三线表) | none | rows (a rule under every row, the outer
    # frame, no inner verticals) | columns (header boxed, body with column rules only)
    rules: str = "grid"
    page: tuple[float, float] = A4
    rotate: str = ""  # "" | "entry" (/Rotate 90 over turned content) | "turned" (turned, no /Rotate)
    wrap_names: float | None = None  # name columns at most this many points wide: names wrap
    wrap_header: float | None = None  # header cells at most this wide: headings wrap
    rows_per_page: int | None = None  # body rows per page: the table continues on the next page
    repeat_header: bool = False  # a continued table prints its header again
    footer: bool = True  # "- n -" centred at the foot of every page
    size: float = 9.0  # table font size
    margin: float = 56.0


# ---------------------------------------------------------------- seeds


def clean(field: str) -> str:
    """A printed field without the extraction's damage: "7, 078. 30" → "7,078.30"."""
    field = field.strip()
    if _NUMBER.match(field):
        return re.sub(r"\s+", "", field)
    return field


def seed_grid(doc: Document, kind: str) -> tuple[list[str], Grid]:
    """A seed table's title lines and its printed grid, from the text document it was read from."""
    (table,) = [t for t in doc.tables if t.kind == kind]
    by_number = {line.number: line for line in doc.lines}
    first_row = min(r.line for r in table.rows)
    last_row = max(r.line for r in table.rows)
    titles, header, body = [], [], []
    for n in range(table.first_line, last_row + 1):
        raw = by_number[n].raw
        if not raw.strip():
            continue
        if "\t" not in raw:
            if n < first_row and not header:
                titles.append(raw.strip())
            continue
        fields = [clean(f) for f in raw.split("\t")]
        (header if n < first_row else body).append(fields)
    width = max(max((i for i, f in enumerate(r) if f), default=0) for r in header + body) + 1
    fit = lambda r: (r + [""] * width)[:width]  # noqa: E731
    return titles, Grid([fit(r) for r in header], [fit(r) for r in body])


# ---------------------------------------------------------------- as text


def as_text(spec: Spec) -> str:
    out: list[str] = []
    for kind, content in spec.blocks:
        if out:
            out.append("")
        if kind == "table":
            out.extend("\t".join(r) for r in content.header + content.body)  # type: ignore[union-attr]
        else:
            out.append(str(content))
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- header spans


@dataclass
class Span:
    row: int
    col: int
    rows: int
    cols: int
    text: str


def header_spans(header: list[list[str]]) -> list[Span]:
    """Merged header cells: a heading spans the empty fields to its right under which lower rows
    have headings, and the empty fields below it."""
    n_rows, n_cols = len(header), len(header[0]) if header else 0
    taken: set[tuple[int, int]] = set()
    spans = []
    for r in range(n_rows):
        for c in range(n_cols):
            if (r, c) in taken:
                continue
            text = header[r][c]
            cols = 1
            if text and r + 1 < n_rows:
                # up to the next heading on its row, over columns with headings below
                while c + cols < n_cols and not header[r][c + cols] and (r, c + cols) not in taken \
                        and any(header[k][c + cols] for k in range(r + 1, n_rows)):
                    cols += 1
            rows = 1
            if text:
                while r + rows < n_rows and all(not header[r + rows][k] for k in range(c, c + cols)):
                    rows += 1
            for i in range(r, r + rows):
                for k in range(c, c + cols):
                    taken.add((i, k))
            spans.append(Span(r, c, rows, cols, text))
    return spans


# ---------------------------------------------------------------- drawing


def _width(text: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, CJK, size)


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    for ch in text:
        if ch.isascii() and ch != " " and out and out[-1][-1].isascii() and out[-1][-1] != " ":
            out[-1] += ch
        else:
            out.append(ch)
    return out


def wrap(text: str, width: float, size: float) -> list[str]:
    lines, line = [], ""
    for tok in _tokens(text):
        if line and _width(line + tok, size) > width:
            lines.append(line)
            line = tok.lstrip()
        else:
            line += tok
    return lines + [line] if line or not lines else lines


def _is_number(text: str) -> bool:
    return bool(_NUMBER.match(text)) or text in ("-", "—", "－")


@dataclass
class _Pen:
    """A canvas with a cursor, pages in the style's orientation and footers."""

    c: canvas.Canvas
    style: Style
    width: float
    height: float
    y: float = 0.0
    page: int = 1
    lines: list[tuple[float, float, float, float]] = field(default_factory=list)

    def start(self) -> None:
        s = self.style
        if s.rotate:
            pw, ph = self.style.page
            if s.rotate == "entry":
                self.c.setPageRotation(90)
            self.c.translate(pw, 0)
            self.c.rotate(90)
        self.y = self.height - s.margin

    def finish_page(self) -> None:
        if self.style.footer:
            self.c.setFont(CJK, 9)
            self.c.drawCentredString(self.width / 2, 24, f"- {self.page} -")
        self.c.showPage()
        self.page += 1
        self.start()

    def need(self, h: float) -> None:
        if self.y - h < self.style.margin:
            self.finish_page()

    @property
    def left(self) -> float:
        return self.style.margin

    @property
    def right(self) -> float:
        return self.width - self.style.margin


def draw(spec: Spec, style: Style, path: Path) -> Path:
    pw, ph = style.page
    # With /Rotate 90 reportlab swaps the media box: pass it turned to get a portrait sheet.
    c = canvas.Canvas(str(path), pagesize=(ph, pw) if style.rotate == "entry" else (pw, ph))
    width, height = (ph, pw) if style.rotate else (pw, ph)
    pen = _Pen(c, style, width, height)
    pen.start()
    for kind, content in spec.blocks:
        if kind == "table":
            _table(pen, content)  # type: ignore[arg-type]
        elif kind == "prose":
            _paragraph(pen, str(content))
        elif kind == "heading":
            pen.need(30)
            c.setFont(CJK, 12)
            c.drawString(pen.left, pen.y - 12, str(content))
            pen.y -= 24
        else:
            pen.need(30)
            text = str(content)
            size = 10 if text.startswith(("单位", "表", "公开")) else 14
            if _width(text, size) > pen.right - pen.left:  # a long line is a paragraph's
                _paragraph(pen, text)
                continue
            c.setFont(CJK, size)
            if text.startswith("单位"):
                c.drawRightString(pen.right, pen.y - size, text)
            else:
                c.drawCentredString(width / 2, pen.y - size, text)
            pen.y -= size * 2
    pen.finish_page()
    c.save()
    return path


def _paragraph(pen: _Pen, text: str, size: float = 12) -> None:
    """Justified, with a two-em first-line indent, as word processors set it."""
    tokens = _tokens(text)
    first = True
    while tokens:
        pen.need(size * 1.8)
        x0 = pen.left + (2 * size if first else 0)
        line: list[str] = []
        while tokens and _width("".join(line + tokens[:1]), size) <= pen.right - x0:
            line.append(tokens.pop(0))
        s = "".join(line)
        t = pen.c.beginText(x0, pen.y - size)
        t.setFont(CJK, size)
        if tokens and len(s) > 1:
            t.setCharSpace((pen.right - x0 - _width(s, size)) / (len(s) - 1))
        t.textOut(s)
        pen.c.drawText(t)
        pen.y -= size * 1.7
        first = False
    pen.y -= size * 0.6


def _column_widths(grid: Grid, style: Style, size: float, wrap_headings: bool) -> list[float]:
    widths = []
    for col in range(grid.n_cols):
        body = [r[col] for r in grid.body if r[col]]
        natural = max([_width(t, size) for t in body] + [_width("0.00", size)]) + 8
        texty = any(not _is_number(t) for t in body)
        if texty and style.wrap_names:
            natural = min(natural, style.wrap_names)
        head = max([_width(r[col], size) + 8 for r in grid.header] + [0])
        if style.wrap_header:
            head = min(head, style.wrap_header)
        if wrap_headings or (texty and style.wrap_names):
            head = min(head, max(natural, 2.5 * size))
        widths.append(max(natural, head, 3 * size))
    return widths


def _layout(grid: Grid, style: Style, room: float) -> tuple[list[float], float]:
    """Column widths and font size: headings wrap, then the font shrinks, until the table fits
    (as a producer sets a wide table; no text runs over its cell)."""
    size = style.size
    widths = _column_widths(grid, style, size, False)
    if sum(widths) > room:
        widths = _column_widths(grid, style, size, True)
    while sum(widths) > room and size > 4:
        size = round(size * 0.92, 2)
        widths = _column_widths(grid, style, size, True)
    return widths, size


def _cell_lines(text: str, width: float, size: float) -> list[str]:
    if not text or _is_number(text):
        return [text] if text else []
    return wrap(text, width - 6, size)


def _table(pen: _Pen, grid: Grid) -> None:
    style = pen.style
    widths, size = _layout(grid, style, pen.right - pen.left)
    xs = [pen.left]
    for w in widths:
        xs.append(xs[-1] + w)
    spans = header_spans(grid.header)
    lead = size * 1.25

    def header_heights() -> list[float]:
        heights = [size * 2.0] * len(grid.header)
        for s in spans:
            n = len(_cell_lines(s.text, xs[s.col + s.cols] - xs[s.col], size))
            need = n * lead + size
            if s.rows == 1:
                heights[s.row] = max(heights[s.row], need)
        return heights

    def draw_header() -> None:
        heights = header_heights()
        tops = [pen.y]
        for h in heights:
            tops.append(tops[-1] - h)
        for s in spans:
            x0, x1 = xs[s.col], xs[s.col + s.cols]
            y0, y1 = tops[s.row], tops[s.row + s.rows]
            if style.rules in ("grid", "columns"):
                pen.c.rect(x0, y1, x1 - x0, y0 - y1)
            lines = _cell_lines(s.text, x1 - x0, size)
            y = (y0 + y1) / 2 + (len(lines) - 1) * lead / 2 - size * 0.35
            pen.c.setFont(CJK, size)
            for piece in lines:
                pen.c.drawCentredString((x0 + x1) / 2, y, piece)
                y -= lead
        if style.rules == "three-line":
            pen.c.setLineWidth(1.2)
            pen.c.line(xs[0], tops[0], xs[-1], tops[0])
            pen.c.setLineWidth(0.6)
            pen.c.line(xs[0], tops[-1], xs[-1], tops[-1])
            pen.c.setLineWidth(1)
        if style.rules == "rows":
            pen.c.rect(xs[0], tops[-1], xs[-1] - xs[0], tops[0] - tops[-1])
            for t in tops[1:-1]:
                pen.c.line(xs[0], t, xs[-1], t)
        pen.y = tops[-1]
        segment[0] = pen.y

    def draw_row(row: list[str]) -> None:
        cells = [_cell_lines(t, w, size) for t, w in zip(row, widths, strict=True)]
        h = max([len(c) for c in cells] + [1]) * lead + size * 0.8
        y0, y1 = pen.y, pen.y - h
        for col, lines in enumerate(cells):
            x0, x1 = xs[col], xs[col + 1]
            if style.rules == "grid":
                pen.c.rect(x0, y1, x1 - x0, y0 - y1)
            elif style.rules == "rows":
                pen.c.rect(xs[0], y1, xs[-1] - xs[0], y0 - y1)
            y = (y0 + y1) / 2 + (len(lines) - 1) * lead / 2 - size * 0.35
            pen.c.setFont(CJK, size)
            for piece in lines:
                if re.fullmatch(r"[\d,]*\.\d+%?", piece):  # amounts right-aligned
                    pen.c.drawRightString(x1 - 3, y, piece)
                elif _is_number(piece) and not re.fullmatch(r"\d{3,7}", piece):  # 行次, nil marks centred
                    pen.c.drawCentredString((x0 + x1) / 2, y, piece)
                else:  # names and 科目编码 left-aligned
                    pen.c.drawString(x0 + 3, y, piece)
                y -= lead
        pen.y = y1

    def close() -> None:
        if style.rules == "three-line":
            pen.c.setLineWidth(1.2)
            pen.c.line(xs[0], pen.y, xs[-1], pen.y)
            pen.c.setLineWidth(1)
        if style.rules == "columns":
            for x in xs:
                pen.c.line(x, segment[0], x, pen.y)
            pen.c.line(xs[0], pen.y, xs[-1], pen.y)
        pen.y -= size * 1.5

    segment = [pen.y]  # where the body's column rules start on this page

    pen.need(sum(header_heights()) + 3 * size * 2)
    draw_header()
    on_page = 0
    for row in grid.body:
        lines = max(len(_cell_lines(t, w, size)) for t, w in zip(row, widths, strict=True))
        full = style.rows_per_page is not None and on_page >= style.rows_per_page
        if full or pen.y - (lines * lead + size) < style.margin:
            close()
            pen.finish_page()
            on_page = 0
            segment[0] = pen.y
            if style.repeat_header:
                draw_header()
        draw_row(row)
        on_page += 1
    close()


def with_style(style: Style, **changes) -> Style:
    return replace(style, **changes)
