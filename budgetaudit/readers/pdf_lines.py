"""Characters of a PDF page → visual text lines, grouped by baseline and read left to right.

Lines are grouped by the glyphs' baseline (the origin of their text matrix), not by their boxes:
producers that mix a CJK font and a Latin font give the two different descents, so the glyph boxes
of "总计" and "2995.39" sit at different heights although they are printed on one baseline, and
grouping by box top (what pdfplumber's ``extract_text`` does) moves the numbers to a line of their
own. The baseline is what the producer laid the text out on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from operator import itemgetter
from typing import Any, NamedTuple

from .pdf_orientation import Box, Frame, direction

# A gap wider than this many ems between two glyphs of one line separates fields (a tab); between
# two numbers a narrower gap does (right-aligned amount columns of an unruled table sit close).
FIELD_GAP_EMS = 3.0
NUMBER_GAP_EMS = 1.0
# A gap wider than this (in points, and at most this share of an em) is a word space.
SPACE_GAP_POINTS = 3.0
SPACE_GAP_EMS = 0.3
# Positions carry rounding noise (PDFium keeps them in single precision, pdfminer adds them up in
# double): a gap passes a threshold only by more than this many points, so a gap of exactly 3 pt
# reads the same in both readers.
NOISE_POINTS = 0.01
# Glyphs whose baselines differ by less than this share of an em share a line.
BASELINE_TOLERANCE_EMS = 0.3


class Glyph(NamedTuple):
    text: str
    x0: float
    x1: float
    base: float  # the baseline, in points from the top of the page
    size: float
    font: str
    upright: bool

    @property
    def middle(self) -> float:
        """Vertical middle of the em box: what decides which table cell a glyph belongs to."""
        return self.base - 0.38 * self.size

    @property
    def box(self) -> Box:
        """The glyph's em box (reading frame): a size above the baseline to a fifth below."""
        return (self.x0, self.base - self.size, self.x1, self.base + 0.2 * self.size)


def glyphs_of(chars: Iterable[dict[str, Any]], frame: Frame | None = None) -> list[Glyph]:
    """pdfplumber's char dicts → glyphs in the page's reading frame (top-down, like ``top``).

    The baseline is the origin of the glyph's text matrix; glyphs that do not run the way the
    page's text runs are marked not upright."""
    out: list[Glyph] = []
    for c in chars:
        matrix = c.get("matrix")
        turn = direction(matrix)
        upright = turn == (frame.angle if frame else 0)
        x0, _, x1, _ = frame.box((c["x0"], c["top"], c["x1"], c["bottom"])) if frame else (c["x0"], 0, c["x1"], 0)
        if matrix:
            # top is measured downwards from the page top, y1 upwards from the bottom: the
            # origin's height f in the same frame is top + (y1 - f).
            origin = (matrix[4], c["top"] + (c["y1"] - matrix[5]))
            base = frame.point(*origin)[1] if frame else origin[1]
        else:
            base = c["bottom"]
        # pdfminer's size is the height of the glyph's box on the page: for text turned by a
        # quarter that is the glyph's advance, so the box's width is its size.
        if turn in (90, 270):
            size = float(c["x1"] - c["x0"]) or 1.0
        else:
            size = float(c.get("size") or (c["bottom"] - c["top"]) or 1.0)
        out.append(Glyph(c["text"], x0, x1, base, size, typeface(c.get("fontname")), upright))
    return out


_SUBSET_TAG = re.compile(r"^[A-Z]{6}\+")


def typeface(fontname: str | bytes | None) -> str:
    """The font's name without its subset tag ("ABCDEF+SimSun" → "SimSun"): a producer that embeds
    the CJK glyphs and the digits of one typeface as two subsets prints one font; which name a
    reader reports (the descriptor's or /BaseFont) then makes no difference."""
    if isinstance(fontname, bytes):
        fontname = fontname.decode("latin-1")
    return _SUBSET_TAG.sub("", fontname or "")


@dataclass(slots=True)  # (thousands a file: made and read faster without a __dict__)
class TextLine:
    """One printed line: its text and the geometry paragraph assembly needs."""

    text: str
    x0: float  # left edge of the first visible glyph
    x1: float  # right edge of the last visible glyph
    base: float
    size: float
    font: str
    fields: int  # 1 + the number of wide gaps (tabs) in the line
    cid_glyphs: int  # glyphs pdfminer could not map to Unicode ("(cid:123)")
    visible: int
    glyphs: list[Glyph] = field(default_factory=list, repr=False)  # its glyphs, blanks too, left to right
    # For each tab-separated field of ``text``: its box (reading frame), None for an empty field.
    field_boxes: list[Box | None] = field(default_factory=list, repr=False)

    def __reduce__(self):
        """Pickled with its glyphs as plain tuples (a NamedTuple is pickled with its class, each):
        pages laid out by pdf.py's helper process cross to the reader so."""
        return (_text_line, (self.text, self.x0, self.x1, self.base, self.size, self.font, self.fields,
                             self.cid_glyphs, self.visible, list(map(tuple, self.glyphs)), self.field_boxes))

    @property
    def top(self) -> float:
        return self.base - self.size

    @property
    def box(self) -> Box:
        """The printed line's box in the reading frame."""
        return (self.x0, self.base - self.size, self.x1, self.base + 0.2 * self.size)

    @property
    def center(self) -> float:
        return (self.x0 + self.x1) / 2


def group_lines(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """Glyphs → lines (top to bottom), each line's glyphs left to right."""
    if not glyphs:
        return []
    if len(glyphs) == 1:  # a cell of one glyph: nothing to order
        return [list(glyphs)]
    ordered = sorted(glyphs, key=_BASE_X)
    lines: list[list[Glyph]] = []
    current: list[Glyph] = [ordered[0]]
    anchor = ordered[0].base
    last = ordered[0].size  # the size of the glyph before (current[-1])
    for g in ordered[1:]:
        base, size = g[3], g[4]
        if base - anchor > BASELINE_TOLERANCE_EMS * (size if size > last else last):
            lines.append(current)
            current = [g]
            anchor = base
        else:
            current.append(g)
        last = size
    lines.append(current)
    for line in lines:
        line.sort(key=_X0)
    return lines


_BASE_X = itemgetter(3, 1)  # (base, x0) of a Glyph, without a Python call per glyph
_X0 = itemgetter(1)
_X1, _BASE, _SIZE = itemgetter(2), itemgetter(3), itemgetter(4)


def _numeric(text: str) -> bool:
    return text.isdigit() or text in "%-.,()（）"


def _is_fake_bold(prev: Glyph, g: Glyph) -> bool:
    """Some producers draw bold text twice, a fraction of a point apart."""
    return g.text == prev.text and abs(g.x0 - prev.x0) < 0.15 * g.size and abs(g.base - prev.base) < 0.15 * g.size


def line_of(glyphs: list[Glyph]) -> TextLine | None:
    """Text of one line (glyphs left to right); None when it holds only blanks."""
    read = _read_line(glyphs, True)
    if read is None:
        return None
    text, visible, fields, cid, field_boxes = read
    middle = len(visible) // 2
    if middle:
        right = max(map(_X1, visible))
        base = sorted(map(_BASE, visible))[middle]
        size = sorted(map(_SIZE, visible))[middle]
    else:
        right, base, size = visible[0][2], visible[0][3], visible[0][4]
    return TextLine(text, visible[0][1], right, base, size, visible[0][5], fields, cid, len(visible), list(glyphs),
                    field_boxes)


def line_text(glyphs: list[Glyph]) -> str | None:
    """``line_of(glyphs).text`` without the line's geometry: all a table cell needs of its lines."""
    read = _read_line(glyphs, False)
    return None if read is None else read[0]


def _read_line(glyphs: list[Glyph], geometry: bool) -> tuple[str, list[Glyph], int, int, list[Box | None]] | None:
    """The text of one line (glyphs left to right), its visible glyphs, its number of fields and
    of glyphs without a Unicode mapping, and (with ``geometry``) each field's box; None when the
    line holds only blanks."""
    # (runs for every glyph of every page: the thresholds are locals, a glyph is unpacked at once)
    field_gap, number_gap, noise = FIELD_GAP_EMS, NUMBER_GAP_EMS, NOISE_POINTS
    space_points, space_ems = SPACE_GAP_POINTS, SPACE_GAP_EMS
    parts: list[str] = []
    pending_space = False
    fields = 1
    cid = 0
    visible: list[Glyph] = []
    # Each field's box (union_box of its glyphs' boxes), grown glyph by glyph.
    field_boxes: list[Box | None] = []
    fx0 = ftop = fx1 = fbottom = 0.0
    px0 = px1 = pbase = psize = 0.0
    ptext = ""
    for g in glyphs:
        text, x0, x1, base, size, _, _ = g
        if not text.strip():
            pending_space = bool(visible)
            continue
        if visible:
            # fake bold (_is_fake_bold): the same glyph drawn twice a fraction of a point apart
            if text == ptext and abs(x0 - px0) < 0.15 * size and abs(base - pbase) < 0.15 * size:
                continue
            gap = x0 - px1 - noise
            em = size if size > psize else psize
            # most glyphs of a line are set close: below the word space's threshold (sizes are not
            # negative), so neither a space nor a tab is tested for
            spaced = pending_space or gap > space_points or gap > space_ems * em
            if spaced and (gap > field_gap * em or (gap > number_gap * em and _numeric(ptext) and _numeric(text))):
                parts.append("\t")
                fields += 1
                pending_space = False
                if geometry:
                    field_boxes.append((fx0, ftop, fx1, fbottom))
                    fx0, ftop, fx1, fbottom = x0, base - size, x1, base + 0.2 * size  # Glyph.box, inline
            else:
                if spaced:
                    parts.append(" ")
                    pending_space = False  # (only a blank sets it: reset here, not per glyph)
                if geometry:
                    # the field's box grows; min/max keep the first of equal values, as union_box's do
                    if x0 < fx0:
                        fx0 = x0
                    if x1 > fx1:
                        fx1 = x1
                    # the glyph before is in this field: on its baseline and size the top and
                    # bottom are its own, already in the box (most glyphs of a line)
                    if base != pbase or size != psize:
                        top, bottom = base - size, base + 0.2 * size
                        if top < ftop:
                            ftop = top
                        if bottom > fbottom:
                            fbottom = bottom
        elif geometry:
            fx0, ftop, fx1, fbottom = x0, base - size, x1, base + 0.2 * size
        parts.append(text)
        visible.append(g)
        ptext, px0, px1, pbase, psize = text, x0, x1, base, size
    if not visible:
        return None
    if geometry:
        field_boxes.append((fx0, ftop, fx1, fbottom))
    line = "".join(parts)
    if "(cid:" in line:  # rare (pdfminer's unmapped glyphs): counted once per line, not tested per glyph
        cid = sum(1 for g in visible if g[0].startswith("(cid:"))
    return line, visible, fields, cid, field_boxes


def text_lines(glyphs: list[Glyph]) -> list[TextLine]:
    out = []
    for group in group_lines(glyphs):
        line = line_of(group)
        if line is not None:
            out.append(line)
    return out


def line_texts(glyphs: list[Glyph]) -> list[str]:
    """``[line.text for line in text_lines(glyphs)]``, without the lines' geometry."""
    out = []
    for group in group_lines(glyphs):
        text = line_text(group)
        if text is not None:
            out.append(text)
    return out


def join_wrapped(pieces: list[str]) -> str:
    """Lines of one wrapped text → one string: CJK joins directly, Latin words keep a space."""
    out = ""
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        if out and out[-1].isascii() and piece[0].isascii() and out[-1].isalnum() and piece[0].isalnum():
            out += " "
        out += piece
    return out


# ---------------------------------------------------------------- where text is printed


def _text_line(text: str, x0: float, x1: float, base: float, size: float, font: str, fields: int, cid_glyphs: int,
               visible: int, glyphs: list[tuple], field_boxes: list) -> TextLine:
    return TextLine(text, x0, x1, base, size, font, fields, cid_glyphs, visible, list(map(_as_glyph, glyphs)),
                    field_boxes)


_as_glyph = partial(tuple.__new__, Glyph)


class Placed(str):
    """Text (a table row's tab-separated fields, or a paragraph) that knows where its pieces are
    printed: ``spans`` are (start, end, box) with offsets into the text and boxes in the page's
    reading frame. It is a str, so everything that reads rows as text reads it unchanged; the
    assembler turns the spans into the Line's (model.Line.spans), in page coordinates."""

    __slots__ = ("spans",)

    def __new__(cls, text: str, spans: tuple = ()):
        obj = super().__new__(cls, text)
        obj.spans = tuple(spans)
        return obj


def union_box(boxes: Iterable[Box | None]) -> Box | None:
    got = [b for b in boxes if b is not None]
    if not got:
        return None
    return (min(b[0] for b in got), min(b[1] for b in got), max(b[2] for b in got), max(b[3] for b in got))


def placed_fields(fields: list[str], boxes: list[Box | None]) -> Placed:
    """Fields joined with tabs, each with its box (an empty field or one with no box has no span)."""
    spans = []
    at = 0
    for text, box in zip(fields, boxes, strict=False):
        if text and box is not None:
            spans.append((at, at + len(text), box))
        at += len(text) + 1
    return Placed("\t".join(fields), spans)


def placed_line(line: TextLine) -> Placed:
    """A printed line with wide gaps, its fields placed."""
    return placed_fields(line.text.split("\t"), line.field_boxes)


def placed_paragraph(lines: list[TextLine]) -> Placed:
    """Printed lines of one paragraph joined as ``join_wrapped`` joins them, each line a span."""
    text = join_wrapped([line.text for line in lines])
    spans = []
    at = 0
    for line in lines:
        piece = line.text.strip()
        found = text.find(piece, at) if piece else -1
        if found >= 0:
            spans.append((found, found + len(piece), line.box))
            at = found + len(piece)
    return Placed(text, spans)
