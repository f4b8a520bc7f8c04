"""PDF pages → blocks in reading order: paragraphs of prose and tables, top to bottom.

``read_page`` makes one pass over a page's characters: glyphs inside a ruled table go to its cells,
the rest become printed lines. ``blocks`` then joins printed lines into paragraphs the way a reader
sees them: a line that runs to the right margin continues on the next line when that one starts at
the left margin (no first-line indent), and a centred title that wraps continues on the next
centred line of the same font. The margins are the document's text column (``text_column``), not
one page's: a page of short headings has no full line to measure.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from .pdf_columns import Memory, align_tables
from .pdf_lines import TextLine, glyphs_of, placed_line, placed_paragraph, text_lines
from .pdf_orientation import Frame, reading_frame
from .pdf_tables import GridTable, distribute

# The start of a list item or heading: it begins a paragraph even right after a full line.
_ENUMERATOR = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}[、.．](?!\d)|第[一二三四五六七八九十]+[部章节条])")

_SENTENCE_END = ("。", "！", "？", "；", "!", "?", ";")

# Page bands where running headers, footers and page numbers live (share of the page height).
MARGIN_BAND = 0.08


@dataclass
class Block:
    # "prose" | "table" (ruled, or unruled with its columns found by position: pdf_columns) |
    # "columns" (lines with wide gaps, when the column finder failed on the page)
    kind: str
    rows: list[str]  # prose: one paragraph; tables: one tab-separated string per row
    first: TextLine | None = None  # prose: first and last printed line of the paragraph
    last: TextLine | None = None
    band: bool = False  # a one-line paragraph inside the top or bottom margin band


@dataclass
class PageContent:
    number: int
    width: float
    height: float
    items: list[TextLine | list[str]] = field(default_factory=list)  # lines and table rows, in order
    glyphs: int = 0  # visible glyphs on the page
    cid_glyphs: int = 0  # glyphs without a Unicode mapping
    images: int = 0
    frame: Frame | None = None  # the reading frame the page's boxes are in (Placed spans)

    @property
    def key(self) -> int:
        """Pages of one size share a text column."""
        return round(self.width)


@dataclass(frozen=True)
class Column:
    left: float
    right: float
    body_size: float  # the commonest font size of full lines

    @property
    def width(self) -> float:
        return self.right - self.left


def read_page(page: Any, number: int, memory: Memory | None = None) -> PageContent:
    """pdfplumber page (or pdf_pdfium's) → printed lines and table rows in reading order. ``memory`` carries the
    columns of an unruled table at the foot of the page to its continuation on the next."""
    return place(lay_out(page), number, memory)


@dataclass
class Layout:
    """A page read as far as it can be without the page before it: its ruled tables' rows and its
    printed lines. What the lines hold of unruled tables depends on that page (``place``, Memory),
    so a page can be laid out by another process (pdf.py's helper) and placed here."""

    content: PageContent  # its items not placed yet
    placed: list[tuple[float, int, Any]] = field(default_factory=list)  # ruled tables' rows, by their top
    lines: list[TextLine] = field(default_factory=list)  # the rest of the text

    def drop_unread_glyphs(self) -> Layout:
        """This layout without its lines' glyphs where nothing will read them: after ``lay_out``
        only the column finder reads a line's glyphs, and only on a page that has a line of
        several fields (an unruled table). What another process hands over is then a fraction."""
        if not any(line.fields > 1 for line in self.lines):
            for line in self.lines:
                line.glyphs = []
        return self


def lay_out(page: Any) -> Layout:
    if hasattr(page, "glyphs"):  # pdf_pdfium's page: it has counted its glyphs while reading them
        frame, glyphs = page.glyphs()
        visible, cids = page.visible, page.cids
    else:
        chars = page.chars
        frame = reading_frame(chars, float(page.width), float(page.height))
        glyphs = glyphs_of(chars, frame)
        # (counted without a Python step per glyph: these run over every glyph of the file)
        texts = list(map(_TEXT, glyphs))
        visible = len(list(filter(None, map(str.strip, texts))))
        # rare (pdfminer's unmapped glyphs): counted one by one
        cids = sum(1 for t in texts if t.startswith("(cid:")) if "(cid:" in "".join(texts) else 0
    width, height = frame.size
    content = PageContent(number=0, width=width, height=height, images=len(page.images), frame=frame)
    content.glyphs, content.cid_glyphs = visible, cids
    layout = Layout(content)
    if not content.glyphs:
        return layout

    tables = _tables(page, frame) if (page.rects or page.lines or page.curves) else []
    prose = distribute(tables, glyphs) if tables else list(glyphs)
    for t in [t for t in tables if t.stacked()]:
        tables.remove(t)
        prose.extend(t.all_glyphs())
    # Text running another way than the page's is a watermark or a margin note.
    prose = list(filter(_UPRIGHT, prose))

    for t in tables:
        rows = t.placed_rows()
        if rows:
            layout.placed.append((t.bbox[1], 0, rows))
    layout.lines = text_lines(prose)
    return layout


def place(layout: Layout, number: int, memory: Memory | None = None) -> PageContent:
    """The page's lines and table rows in reading order, unruled tables found with the columns
    ``memory`` carries from the page before (and updated for the next)."""
    content = layout.content
    content.number = number
    if not content.glyphs:
        return content
    placed = list(layout.placed)
    memory = memory if memory is not None else Memory()
    unruled = []
    lines = layout.lines
    try:
        aligned = align_tables(lines, memory)
    except Exception:  # noqa: BLE001 - a layout the column finder trips on is still read, line by line
        aligned = [(line.top, line) for line in lines]
        memory.columns = None
    for top, item in aligned:
        placed.append((top, 1, item))
        if not isinstance(item, TextLine):
            unruled.append(item)
    placed.sort(key=lambda item: (item[0], item[1]))
    content.items = [item for _, _, item in placed]
    body = [i for i in content.items if not (isinstance(i, TextLine) and _in_band(i, content.height))]
    if not body or not any(body[-1] is t for t in unruled):
        memory.columns = None  # the page does not end in an unruled table: nothing continues
    return content


def text_column(pages: list[PageContent]) -> dict[int, Column]:
    """The body text column for each page size: left = leftmost long line, right = most common end."""
    starts: dict[int, list[float]] = {}
    ends: dict[int, list[int]] = {}
    sizes: dict[int, list[float]] = {}
    for c in pages:
        # Only lines spanning half the page count: headers, footers and titles are shorter.
        half = 0.5 * c.width
        full = [item for item in c.items
                if isinstance(item, TextLine) and item.fields == 1 and item.x1 - item.x0 >= half]
        if full:
            starts.setdefault(c.key, []).extend([item.x0 for item in full])
            ends.setdefault(c.key, []).extend([round(item.x1) for item in full])
            sizes.setdefault(c.key, []).extend([round(item.size, 1) for item in full])
    columns = {}
    for key, xs in starts.items():
        # (counted at once: a Counter keeps the order values first come in, as one counted up would)
        right = max(Counter(ends[key]).items(), key=lambda kv: (kv[1], kv[0]))[0]
        columns[key] = Column(_left_margin(xs), float(right), Counter(sizes[key]).most_common(1)[0][0])
    return columns


def _left_margin(starts: list[float]) -> float:
    """The leftmost start shared by at least two long lines (one wide title or note that runs
    into the margin does not move it); the leftmost start when no two lines share one."""
    rounded = list(map(round, starts))
    shared = Counter(rounded)
    common = [x for x, r in zip(starts, rounded, strict=True) if shared[r] >= 2]
    return min(common or starts)


def blocks(content: PageContent, column: Column | None) -> list[Block]:
    """The page's paragraphs and tables, in order."""
    out: list[Block] = []
    paragraph: list[TextLine] = []

    def flush() -> None:
        if paragraph:
            first = paragraph[0]
            block = Block("prose", [placed_paragraph(paragraph)], first, paragraph[-1])
            block.band = len(paragraph) == 1 and _in_band(first, content.height)
            out.append(block)
            paragraph.clear()

    for item in content.items:
        if not isinstance(item, TextLine):
            flush()
            out.append(Block("table", item))
            continue
        if item.fields > 1:
            # Columns the column finder could not align: consecutive rows stay one block.
            flush()
            previous = out[-1] if out else None
            if previous and previous.kind == "columns" and previous.last:
                previous.rows.append(placed_line(item))
                previous.last = item
            else:
                out.append(Block("columns", [placed_line(item)], item, item))
            continue
        if paragraph and not continues(paragraph[-1], item, column):
            flush()
        paragraph.append(item)
    flush()
    return out


def continues(a: TextLine, b: TextLine, column: Column | None) -> bool:
    """Whether printed line ``b`` carries on the paragraph that line ``a`` ends (same page)."""
    if not _same_flow(a, b):
        return False
    if b.base <= a.base or b.base - a.base > 2.5 * a.size:
        return False
    if column is not None and _wraps(a, b, column, column):
        return True
    # A centred title wrapped over several lines: same font and axis, the first line wide or the
    # font a display size (cover titles break wherever the designer liked).
    # A line that ends a sentence ends the title too: two centred lines of one size are then a
    # note and the next table's title, or two one-line paragraphs indented alike.
    if column is None or a.font != b.font or abs(a.center - b.center) > 0.5 * a.size:
        return False
    if a.text.rstrip().endswith(_SENTENCE_END):
        return False
    return a.x1 - a.x0 >= 0.8 * column.width or a.size >= 1.5 * column.body_size


def continues_on_next_page(a: TextLine, b: TextLine, col_a: Column | None, col_b: Column | None) -> bool:
    """Whether the last printed line of one page, ``a``, runs on in the first line of the next, ``b``."""
    return col_a is not None and col_b is not None and _same_flow(a, b) and _wraps(a, b, col_a, col_b)


def _same_flow(a: TextLine, b: TextLine) -> bool:
    # Lines with wide gaps are the columns of an unruled table, never a wrapped paragraph.
    return a.fields == 1 and b.fields == 1 and abs(a.size - b.size) <= 0.5


def _wraps(a: TextLine, b: TextLine, col_a: Column, col_b: Column) -> bool:
    """``a`` runs to the right margin from the left part of the column; ``b`` starts at the margin."""
    em = a.size
    return (
        not _ENUMERATOR.match(b.text)
        and col_a.width > 10 * em
        and a.x1 >= col_a.right - 1.5 * em
        and a.x0 <= col_a.left + 3 * em
        and b.x0 <= col_b.left + 0.5 * em
    )


def _tables(page: Any, frame: Frame) -> list[GridTable]:
    found = []
    for table in page.find_tables():
        if len(table.cells) < 2:
            continue  # a frame around prose, not a table
        cells = [frame.box(cell) for cell in table.cells] if frame.angle else table.cells  # (box: as is when upright)
        found.append(GridTable.from_cells(cells))
    return found


_TEXT = itemgetter(0)  # Glyph.text
_UPRIGHT = itemgetter(6)  # Glyph.upright


def _in_band(line: TextLine, height: float) -> bool:
    return line.base < MARGIN_BAND * height or line.top > (1 - MARGIN_BAND) * height
