"""PDF pages read with PDFium (pypdfium2): the characters, ruling lines and rectangles the page
model is built from, in the coordinates pdfplumber gives them.

PDFium parses a page's content in C++; what is read here through its C API is only the result:
each character's code point, loose box (advance width × font ascent/descent), origin, text matrix,
font size and font, and each path object's segments. ``PdfiumPage`` offers them as the attributes
the page model reads (``chars``, ``width``, ``height``, ``images``, ``rects``/``lines``/``curves``
and ``find_tables()``), so everything after this step is the same code for both readers.

What is made to match pdfminer/pdfplumber:

* coordinates: top-down from the page top, the page turned by its /Rotate entry (pdfminer's
  device matrix for 0/90/180/270), relative to the MediaBox;
* a character's box is pdfminer's: along the text its advance (PDFium's loose box), across it the
  font's descent to descent + font size; ``size`` is that height, ``matrix`` the text matrix with
  the origin as translation;
* characters PDFium generates (spaces and line breaks it infers) are left out; a run of space
  glyphs may come as one (PDFium merges them): downstream only asks whether a space was printed;
* glyphs without a Unicode mapping read as ``(cid:N)``, the way pdfminer prints them;
* paths: each subpath classified as pdfminer does (a two-point line, an axis-aligned four-point
  closed rectangle, another four-point polygon; other shapes, curves included, are no rules),
  and turned into pdfplumber's edges in pdfplumber's order (lines, then rectangles, then
  polygons), inside form XObjects too; the cells come from pdf_rules (pdfplumber's algorithm).
"""

from __future__ import annotations

import ctypes
import re
import struct
from array import array
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from itertools import count, repeat
from math import inf, isfinite
from operator import le

import pypdfium2 as pdfium
import pypdfium2.raw as R

from ..errors import InputError
from .pdf_lines import Glyph, typeface
from .pdf_orientation import Frame, direction
from .pdf_rules import Edge, find_tables

_TEXT, _PATH, _IMAGE, _FORM = R.FPDF_PAGEOBJ_TEXT, R.FPDF_PAGEOBJ_PATH, R.FPDF_PAGEOBJ_IMAGE, R.FPDF_PAGEOBJ_FORM
_MOVE, _LINE, _BEZIER = R.FPDF_SEGMENT_MOVETO, R.FPDF_SEGMENT_LINETO, R.FPDF_SEGMENT_BEZIERTO

Matrix = tuple[float, float, float, float, float, float]


def _fast(name: str, restype, *argtypes):
    """The C function ``name`` with handles as plain integers (c_void_p): pypdfium2's own
    prototypes return pointer objects, and turning each into a number to key it costs more than
    the call."""
    return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(getattr(R, name), ctypes.c_void_p).value)


_P, _I = ctypes.c_void_p, ctypes.c_int
_count_objects = _fast("FPDFPage_CountObjects", _I, _P)
_count_form_objects = _fast("FPDFFormObj_CountObjects", _I, _P)
_text_font = _fast("FPDFTextObj_GetFont", _P, _P)
_font_embedded = _fast("FPDFFont_GetIsEmbedded", _I, _P)
_font_flags = _fast("FPDFFont_GetFlags", _I, _P)
_font_base_name = _fast("FPDFFont_GetBaseFontName", ctypes.c_size_t, _P, ctypes.c_char_p, ctypes.c_size_t)


class _Handle(ctypes.c_void_p):
    """A page object or path segment kept as a ctypes object (a c_void_p subclass as restype is
    not turned into an int), for the calls made by ``_bare``."""


def _bare(name: str, restype):
    """The C function ``name`` without argument types, for the calls made per character, page
    object or path segment: ctypes then passes each argument as it is instead of converting it
    through from_param, a third of a short call's cost. Only ctypes objects (handles, byref) and
    ints for C int parameters may be passed: a handle as a Python int would be cut to a C int."""
    return ctypes.CFUNCTYPE(restype)(ctypes.cast(getattr(R, name), _P).value)


_text_object = _bare("FPDFText_GetTextObject", _P)  # its text object as a number (the texts' key)
_is_generated = _bare("FPDFText_IsGenerated", _I)
_loose_box = _bare("FPDFText_GetLooseCharBox", _I)
_char_box = _bare("FPDFText_GetCharBox", _I)
_page_object = _bare("FPDFPage_GetObject", _Handle)
# (its index is an unsigned long: typed, not passed as a C int; forms are few)
_form_object = ctypes.CFUNCTYPE(_Handle, _P, ctypes.c_ulong)(ctypes.cast(R.FPDFFormObj_GetObject, _P).value)
_object_type = _bare("FPDFPageObj_GetType", _I)
_object_matrix = _bare("FPDFPageObj_GetMatrix", _I)
_font_size = _bare("FPDFTextObj_GetFontSize", _I)
_object_font = _bare("FPDFTextObj_GetFont", _P)
_draw_mode = _bare("FPDFPath_GetDrawMode", _I)
_count_segments = _bare("FPDFPath_CountSegments", _I)
_segment = _bare("FPDFPath_GetPathSegment", _Handle)
_segment_type = _bare("FPDFPathSegment_GetType", _I)
_segment_point = _bare("FPDFPathSegment_GetPoint", _I)
_segment_close = _bare("FPDFPathSegment_GetClose", _I)


def open_document(path: str, name: str) -> pdfium.PdfDocument:
    """The document, or InputError with the reason PDFium gives."""
    try:
        return pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code == R.FPDF_ERR_PASSWORD:
            raise InputError(name, "the PDF is encrypted and needs a password; not read") from None
        if code == R.FPDF_ERR_SECURITY:
            raise InputError(name, "the PDF is encrypted in a way the reader does not support") from None
        if code == R.FPDF_ERR_FILE:
            raise InputError(name, "cannot be read") from None
        raise InputError(name, "damaged PDF: PDFium cannot parse its structure") from None


def _mul(m: Matrix, n: Matrix) -> Matrix:
    """m then n (row-vector convention, as in PDF)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _device(rotation: int, box: tuple[float, float, float, float]) -> Matrix:
    """pdfminer's page matrix: the MediaBox's corner to the origin, the page turned by /Rotate."""
    x0, y0, x1, y1 = box
    if rotation == 90:
        return (0, -1, 1, 0, -y0, x1)
    if rotation == 180:
        return (-1, 0, 0, -1, x1, y1)
    if rotation == 270:
        return (0, 1, -1, 0, y1, -x0)
    return (1, 0, 0, 1, -x0, -y0)


@dataclass
class PdfiumPage:
    """One page's primitives, in pdfplumber's coordinates."""

    width: float
    height: float
    dtop: float = 0.0  # pdfplumber's shift of ``top`` for a MediaBox that does not start at 0
    upright: list[Glyph] = field(default_factory=list)  # the glyphs when the page reads upright
    votes: Counter[int] = field(default_factory=Counter)
    visible: int = 0  # characters that are not blank (pdf_page counts them: known here)
    cids: int = 0  # of them, glyphs without a Unicode mapping ("(cid:N)")
    images: list[None] = field(default_factory=list)
    rects: list[Edge] = field(default_factory=list)  # the edges of all rules: read_page only asks whether any
    lines: list[Edge] = field(default_factory=list)
    curves: list[Edge] = field(default_factory=list)
    # The characters are made when first asked for (a page whose text runs another way, ``chars``):
    # the page model reads an upright page's glyphs only.
    later: Callable[[], list[Char]] | None = field(default=None, repr=False)
    _characters: list[Char] | None = field(default=None, repr=False)

    @property
    def characters(self) -> list[Char]:
        if self._characters is None:
            self._characters = self.later() if self.later is not None else []
            self.later = None
        return self._characters

    @property
    def chars(self) -> list[dict]:
        """The characters as pdfplumber's dicts (what pdf_lines.glyphs_of reads)."""
        return [{"text": t, "x0": x0, "x1": x1, "top": top, "bottom": bottom, "size": size,
                 "y0": self.height - bottom, "y1": self.height - top,
                 "matrix": (a, b, 0.0, 0.0, e, f), "fontname": font}
                for t, x0, x1, top, bottom, size, a, b, e, f, font in self.characters]

    def glyphs(self) -> tuple[Frame, list[Glyph]]:
        """The page's reading frame and its glyphs in it: pdf_orientation.reading_frame and
        pdf_lines.glyphs_of on the characters, without making dicts of them first."""
        votes = Counter(self.votes)
        votes.pop(-1, None)
        if not votes or votes.most_common(1)[0][0] == 0:
            return Frame(0, float(self.width), float(self.height)), self.upright
        directions: dict[tuple[float, float], int] = {}
        faces: dict[str, str] = {}
        turns = []
        votes: Counter[int] = Counter()
        for c in self.characters:
            ab = (c[6], c[7])
            turn = directions.get(ab)
            if turn is None:
                turn = directions[ab] = direction(ab)
            turns.append(turn)
            if c[0].strip():
                votes[turn] += 1
        votes.pop(-1, None)
        frame = Frame(votes.most_common(1)[0][0] if votes else 0, float(self.width), float(self.height))
        angle = frame.angle
        origin_top = self.height + self.dtop
        out = []
        for turn, (text, x0, x1, top, bottom, size, _, _, e, f, font) in zip(turns, self.characters, strict=True):
            if turn in (90, 270):
                size = (x1 - x0) or 1.0
            else:
                size = size or (bottom - top) or 1.0
            face = faces.get(font)
            if face is None:
                face = faces[font] = typeface(font)
            # the origin's height, top-down: top + (y1 - f), y1 = height - top
            if angle:
                bx0, _, bx1, _ = frame.box((x0, top, x1, bottom))
                out.append(Glyph(text, bx0, bx1, frame.point(e, origin_top - f)[1], size, face, turn == angle))
            else:
                out.append(Glyph(text, x0, x1, origin_top - f, size, face, turn == 0))
        return frame, out

    def find_tables(self) -> list[_Table]:
        return [_Table(cells) for cells in find_tables(self.lines + self.rects + self.curves)]

    def close(self) -> None:
        pass


@dataclass
class _Table:
    cells: list[tuple[float, float, float, float]]


def read_pdfium_page(page, eager: bool = False, mapped: dict[str, int] | None = None) -> PdfiumPage:
    """The primitives of ``page`` (a pypdfium2 PdfPage or its bare FPDF_PAGE handle); its
    characters made when first asked for, or now when ``eager`` (for the test that both agree).
    ``mapped`` carries what earlier pages of the document showed of its fonts' Unicode mappings
    (see _chars)."""
    raw = getattr(page, "raw", page)
    rotation = R.FPDFPage_GetRotation(raw) * 90 % 360
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    if not R.FPDFPage_GetMediaBox(raw, left, bottom, right, top):
        left.value, bottom.value = 0.0, 0.0
        right.value, top.value = R.FPDF_GetPageWidthF(raw), R.FPDF_GetPageHeightF(raw)
    x0, x1 = sorted((left.value, right.value))
    y0, y1 = sorted((bottom.value, top.value))
    device = _device(rotation, (x0, y0, x1, y1))
    # pdfplumber's box: the MediaBox turned; top measured down from its top edge.
    if rotation in (90, 270):
        bx0, by0, bx1, by1 = y0, x0, y1, x1
    else:
        bx0, by0, bx1, by1 = x0, y0, x1, y1
    width, height = bx1 - bx0, by1 - by0
    out = PdfiumPage(width=width, height=height, dtop=-by0)
    geometry = _Geometry(device, height, bx0, -by0)
    texts: dict[int, tuple[object, Matrix, float, str]] = {}
    _objects(raw, None, geometry, out, texts, {})
    textpage = R.FPDFText_LoadPage(raw)
    try:
        out.later, out.upright, out.votes, out.cids = _chars(textpage, geometry, texts, eager, mapped)
        out.visible = sum(out.votes.values())  # (every visible character has a vote)
    finally:
        R.FPDFText_ClosePage(textpage)
    return out


@dataclass
class _Geometry:
    device: Matrix
    height: float
    dx: float  # pdfplumber adds the MediaBox's corner back
    dtop: float
    # The device matrix as floats: its entries may be ints (0, ±1), and a float op with an int in
    # it takes the interpreter's slow path (same results: the int is converted to float first).
    floats: Matrix = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "floats", tuple(map(float, self.device)))

    def point(self, x: float, y: float) -> tuple[float, float]:
        """User space → (x, top)."""
        a, b, c, d, e, f = self.device
        return (a * x + c * y + e + self.dx, self.height - (b * x + d * y + f) + self.dtop)

    def user_to_device(self, x: float, y: float) -> tuple[float, float]:
        a, b, c, d, e, f = self.device
        return (a * x + c * y + e, b * x + d * y + f)


# ------------------------------------------------------------------------------------ characters


# A character as read: text, x0, x1, top, bottom, size (pdfplumber's), the direction of its text
# matrix (a, b in pdfminer's device space), its origin there (e, f) and its font.
Char = tuple[str, float, float, float, float, float, float, float, float, float, str]


def _text(textpage, n: int) -> list[str] | None:
    """The page's characters in one call; None when a character lies outside the BMP (then
    PDFium's indices and the UTF-16 text part ways)."""
    buf = (ctypes.c_ushort * (n + 1))()
    got = R.FPDFText_GetText(textpage, 0, n, buf)
    text = bytes(buf)[: max(got - 1, 0) * 2].decode("utf-16-le", "surrogatepass")
    if len(text) != n or _SURROGATE.search(text):
        return None
    return list(text)


def _chars(textpage, geo: _Geometry, texts: dict[int, tuple[object, Matrix, float, str]], eager: bool = False,
           mapped: dict[str, int] | None = None) -> tuple[Callable[[], list[Char]], list[Glyph], Counter[int], int]:
    """What makes the page's characters, their glyphs in an upright reading frame, the
    directions their text runs in (one vote per visible character) and the number of glyphs
    without a Unicode mapping. The characters (Char) are
    made by ``_characters`` when asked for, or here when ``eager`` (to test that they agree)."""
    n = max(R.FPDFText_CountChars(textpage), 0)
    if n == 0 and not texts:
        return list, [], Counter(), 0
    bulk = _text(textpage, n)
    if bulk is None:
        bulk = [chr(R.FPDFText_GetUnicode(textpage, i)) for i in range(n)]
    # PDFium's own line breaks and word spaces are left out; a real space stays
    generated = _is_generated
    keep = [i for i, ch in enumerate(bulk) if ch not in _SKIPPED and (ch != " " or not generated(textpage, i))]
    # The per-character calls run from map (no bytecode per call), the boxes into one array.
    k = len(keep)
    objects = list(map(_text_object, repeat(textpage, k), keep))
    boxes = (ctypes.c_float * (4 * k))()
    deque(map(_loose_box, repeat(textpage, k), keep, map(ctypes.byref, repeat(boxes, k), range(0, 16 * k, 16))), 0)
    flat = array("f", bytes(boxes)).tolist()  # FS_RECTF: left, top, right, bottom
    # Text objects PDFium left out of the text (no character of theirs read): blanks, unless one
    # is of a font that is not embedded and not measured (see Unmeasured).
    used = set(objects)  # (a character without a text object counts as one: None)
    left_out = [spec for key, spec in texts.items() if key not in used] if len(used) < len(texts) else []
    latin: dict[str, bool] = {}  # by font name: its first font's flag decides
    for obj, _, _, name in left_out:
        font = _text_font(obj)
        if font and not _font_embedded(font):
            if name not in latin:
                latin[name] = _latin(font)
            if not latin[name]:
                raise Unmeasured
    out: list[Char] = []
    probes: list[tuple[str, str, int, float]] = []  # font, text, index and size of the characters to measure
    new_glyph = _new_glyph
    device = a_, b_, c_, d_, e_, f_ = geo.floats  # (see _Geometry.floats)
    height, dx, dtop = geo.height, geo.dx, geo.dtop
    map_error = R.FPDFText_HasUnicodeMapError
    prepared: dict[int, tuple] = {}
    # Some producers set every character in a text object of its own: what _prepare works out
    # from the font's name and the matrix's direction is looked up, not worked out again.
    shared: dict[object, object] = {}
    votes: dict[int, int] = {}  # a Counter at the end: a dict subclass's items take the slow path
    upright: list[Glyph] = []
    origin_top = height + dtop
    # Glyphs without a Unicode mapping come from fonts without one: a font's first characters in
    # the document are checked, all of them once one lacks it (a font lacks a mapping on every
    # page it is used on: the counts carry from page to page).
    mapped = {} if mapped is None else mapped
    shown = bulk
    if "\x02" in bulk:  # PDFium marks a hyphen that ends a line so
        shown = ["-" if ch == "\x02" else ch for ch in bulk]
    chars = list(map(shown.__getitem__, keep))
    lefts, tops, rights, bottoms = flat[0::4], flat[1::4], flat[2::4], flat[3::4]
    # Upright runs on a page turned by 0 or 90 degrees are read with the device matrix's zeros
    # and ones multiplied out: the same numbers (see _upright_page).
    combo = _upright_page(geo.device, flat, lefts, tops, rights, bottoms, origin_top, dx) if not eager else None
    isspace = str.isspace
    last = _NOTHING
    check = mode = across = ma = mb = oe = of = font = turn = face = across_v = up = extra = probe = None
    fast = start = base = run_turn = cids = 0
    for j, i, ch, key, left, top, right, bottom in zip(count(), keep, chars, objects, lefts, tops, rights, bottoms,
                                                                  strict=False):  # (count() has no end)
        if key != last:  # the next text object's characters: what they share, once
            if fast:  # the run read by the fast loop: its votes
                visible = j - start - sum(map(isspace, chars[start:j]))
                if visible:
                    votes[run_turn] = votes.get(run_turn, 0) + visible
            last = key
            spec = prepared.get(key)
            if spec is None:
                spec = prepared[key] = _prepare(texts.get(key), geo, shared)
            mode, across, ma, mb, oe, of, font, turn, face, across_v, up = spec
            check = mapped.get(font, 0) < _MAPPED_ENOUGH
            probe = font in latin
            extra = eager or probe
            fast = 0
            if combo is not None and not extra and not check and 0.0 <= across < inf:
                if combo == 0 and mode == 0:
                    fast = 1
                    # the origin's height is the text object's: one number for the run
                    base = origin_top - (b_ * left + d_ * of + f_)
                elif combo == 90 and mode == 2:
                    fast = 2
                    base = origin_top - (b_ * oe + d_ * bottom + f_)
                start, run_turn = j, turn
        # Upright runs on a page turned by 0 or 90 degrees (see _upright_page): the general
        # arithmetic below with the device matrix's zeros and ones multiplied out, no box turned.
        if fast == 1:  # device (1, 0, 0, 1, e, f): x = left + e, y = bottom + f
            upright.append(new_glyph(Glyph, (ch, left + e_ + dx, right + e_ + dx, base,
                                             (((right + e_) - (left + e_)) if across_v
                                              else ((bottom + across + f_) - (bottom + f_))) or 1.0, face, up)))
            continue
        if fast == 2:  # device (0, -1, 1, 0, e, f): x = bottom + e, y = -left + f
            upright.append(new_glyph(Glyph, (ch, bottom + e_ + dx, top + e_ + dx, base,
                                             (((top + e_) - (bottom + e_)) if across_v
                                              else ((-(right - across) + f_) - (-right + f_))) or 1.0, face, up)))
            continue
        if check and bulk[i] != "\x02":
            if map_error(textpage, i) == 1:
                ch = f"(cid:{R.FPDFText_GetUnicode(textpage, i)})"
                mapped[font] = -(1 << 30)
                cids += 1
            else:
                count_ = mapped[font] = mapped.get(font, 0) + 1
                check = count_ < _MAPPED_ENOUGH
        px0, py0, px1, py1, ex, ey = _device_box(mode, across, oe, of, left, top, right, bottom, device)
        fy = b_ * ex + d_ * ey + f_
        x0, x1, size = px0 + dx, px1 + dx, py1 - py0
        if extra:
            if eager:
                out.append((ch, x0, x1, height - py1 + dtop, height - py0 + dtop, size, ma, mb, a_ * ex + c_ * ey + e_,
                            fy, font))
            if probe:
                probes.append((font, ch, i, size))
        # the glyph as pdf_lines.glyphs_of makes it in an upright frame (PdfiumPage.glyphs)
        if ch.strip():
            votes[turn] = votes.get(turn, 0) + 1
        upright.append(new_glyph(Glyph, (ch, x0, x1, origin_top - fy, ((px1 - px0) if across_v else size) or 1.0, face, up)))
    if fast:
        visible = k - start - sum(map(isspace, chars[start:]))
        if visible:
            votes[run_turn] = votes.get(run_turn, 0) + visible
    for name in latin:
        if not _measured(textpage, name, probes):
            raise Unmeasured
    glyphs = upright[:]  # (a copy: the list goes to the page model)
    blanks: list[Char] = []
    for _, (a, b, c, d, e, f), fs, _ in left_out:
        blank = _blank(a, b, c, d, e, f, fs, geo)
        blanks.append(blank)
        turn = direction((blank[6], blank[7]))
        size = 1.0 if turn in (90, 270) else (blank[5] or 1.0)  # (a blank has no width)
        upright.append(Glyph(" ", blank[1], blank[2], origin_top - blank[9], size, "", turn == 0))
    if eager:
        later = partial(list.__add__, out, blanks)
    else:
        later = partial(_characters, glyphs, objects, flat, prepared, geo, blanks)
    return later, upright, Counter(votes), cids


def _characters(glyphs: list[Glyph], keys: list, flat: list[float], prepared: dict[int, tuple], geo: _Geometry,
                blanks: list[Char]) -> list[Char]:
    """The characters read by _chars (then the blanks): each glyph's text, its text object's spec
    and its loose box, through the same arithmetic as there."""
    device = a_, b_, c_, d_, e_, f_ = geo.floats
    height, dx, dtop = geo.height, geo.dx, geo.dtop
    out: list[Char] = []
    for g, key, left, top, right, bottom in zip(glyphs, keys, flat[0::4], flat[1::4], flat[2::4], flat[3::4],
                                                strict=True):
        mode, across, ma, mb, oe, of, font, _, _, _, _ = prepared[key]
        px0, py0, px1, py1, ex, ey = _device_box(mode, across, oe, of, left, top, right, bottom, device)
        out.append((g[0], px0 + dx, px1 + dx, height - py1 + dtop, height - py0 + dtop, py1 - py0, ma, mb,
                    a_ * ex + c_ * ey + e_, b_ * ex + d_ * ey + f_, font))
    return out + blanks


def _device_box(mode: int, across: float, oe: float, of: float, left: float, top: float, right: float, bottom: float,
                device: tuple[float, ...]) -> tuple[float, float, float, float, float, float]:
    """A character's box in pdfminer's device space (the page turned), lower corner first, and its
    origin in user space. pdfminer's box: the advance along the text (PDFium's loose box), descent
    to descent + size across it. The origin: across the text the text object's (one show operator
    sets its characters on one baseline), along it where the advance starts."""
    if mode == 0:
        top = bottom + across
        ex, ey = left, of
    elif mode == 1:
        bottom = top - across
        ex, ey = right, of
    elif mode == 2:
        left = right - across
        ex, ey = oe, bottom
    else:
        right = left + across
        ex, ey = oe, top
    a_, b_, c_, d_, e_, f_ = device
    px0, py0 = a_ * left + c_ * bottom + e_, b_ * left + d_ * bottom + f_
    px1, py1 = a_ * right + c_ * top + e_, b_ * right + d_ * top + f_
    if px1 < px0:
        px0, px1 = px1, px0
    if py1 < py0:
        py0, py1 = py1, py0
    return px0, py0, px1, py1, ex, ey


_NOTHING = object()  # no text object read yet


def _upright_page(device: Matrix, flat: list[float], lefts: list[float], tops: list[float], rights: list[float],
                  bottoms: list[float], origin_top: float, dx: float) -> int | None:
    """The page's rotation when _chars may read its upright runs with the device matrix's zeros
    and ones multiplied out: 1.0 * x is x and x + 0.0 * y is x for any x other than ±0 and any
    finite y. So no box coordinate may be 0 or not finite. A coordinate the run computes (across
    the text) may be ±0, but it only enters the height, where a zero's sign is lost (a difference
    with a nonzero number, or 0 read as 1.0); likewise the baseline (origin_top is not 0).
    And no box may be turned inside out (left > right, bottom > top): with a height across the
    text that is not negative the device box's lower coordinates are then the lower ones."""
    if not flat or 0.0 in flat or not isfinite(sum(flat)) or not origin_top or not isfinite(origin_top + dx):
        return None
    if not all(map(le, lefts, rights)) or not all(map(le, bottoms, tops)):
        return None
    a, b, c, d, e, f = device
    if not isfinite(e + f):
        return None
    if (a, b, c, d) == (1, 0, 0, 1):
        return 0
    if (a, b, c, d) == (0, -1, 1, 0):
        return 90
    return None


# Glyph(...) without NamedTuple's Python-level __new__: a third of the cost, once per character.
_new_glyph = tuple.__new__
_GENERATED = frozenset(" \r\n")
_SURROGATE = re.compile("[\ud800-\udfff]")
_MAPPED_ENOUGH = 16
_SKIPPED = frozenset("\r\n\ufffe\x00")


def _prepare(spec: tuple[object, Matrix, float, str] | None, geo: _Geometry, shared: dict) -> tuple:
    """What every character of one text object shares: its matrix, its height across the text,
    its origin and its font. ``shared`` keeps the directions and typefaces worked out before."""
    if spec is None:
        ma, mb = geo.device[0], geo.device[1]
        turn = direction((ma, mb))
        return (0, 0.0, ma, mb, 0.0, 0.0, "", turn, "", turn in (90, 270), turn == 0)
    _, (a, b, c, d, e, f), fs, name = spec
    a_, b_, c_, d_, _, _ = geo.device
    across = fs * (abs(d) if abs(b) <= abs(a) else abs(c))
    ma, mb = a * a_ + b * c_, a * b_ + b * d_
    turn = shared.get((ma, mb))
    if turn is None:
        turn = shared[(ma, mb)] = direction((ma, mb))
    face = shared.get(name)
    if face is None:
        face = shared[name] = typeface(name)
    # which way the characters' boxes are completed (see _chars)
    if abs(b) <= abs(a):
        mode = 0 if a >= 0 else 1
    else:
        mode = 2 if b > 0 else 3
    return (mode, across, ma, mb, e, f, name, turn, face, turn in (90, 270), turn == 0)


class Unmeasured(Exception):
    """PDFium left out a text object that may hold glyphs: the page is read with pdfplumber."""


_NONSYMBOLIC = 1 << 5  # font descriptor flag: the standard Latin character set


def _latin(font) -> bool:
    """A font flagged as using the standard Latin character set: PDFium's own fonts stand in for
    it when it is not embedded (Times New Roman → a Times of PDFium's), so it measures its glyphs.
    A CJK font (flagged symbolic) has no such stand-in on a machine without CJK fonts."""
    return bool(_font_flags(font) & _NONSYMBOLIC)


def _measured(textpage, name: str, probes: list[tuple[str, str, int, float]]) -> bool:
    """Whether PDFium measures the glyphs of a font that is not embedded, so that a text object of
    it was left out for having no width (spaces only), not for glyphs PDFium cannot measure.

    PDFium drops a text object whose box has no width. A font it has (embedded, or replaced by one
    it knows, as Times New Roman is) makes such a box of blanks only. A CJK font neither embedded
    nor installed has no outlines: its glyph boxes are a thousandth of the font size high and a
    one-character object ("出" wrapped alone on a cell's second line) has no width either. The
    evidence is on the page: a visible character of the font with a flat box."""
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    box = partial(_char_box, textpage)
    refs = ctypes.byref(left), ctypes.byref(right), ctypes.byref(bottom), ctypes.byref(top)
    for font, text, index, size in probes:
        if font == name and text.strip():
            box(index, *refs)
            if top.value - bottom.value < 0.01 * size or right.value - left.value < 0.01 * size:
                return False
    return True


def _blank(a: float, b: float, c: float, d: float, e: float, f: float, fs: float, geo: _Geometry) -> Char:
    """A text object PDFium leaves out of the page's text: one of spaces only (a producer that
    sets each run in its own object prints the space between "增长" and "13.56" as one). pdfminer
    reads the space; what the page model needs of it is that a space was printed there, so it is
    a blank glyph of no width at the object's origin."""
    a_, b_, c_, d_, e_, f_ = geo.device
    x, y = a_ * e + c_ * f + e_, b_ * e + d_ * f + f_
    size = fs * (abs(d) if abs(b) <= abs(a) else abs(c))
    return (" ", x + geo.dx, x + geo.dx, geo.height - y - size + geo.dtop, geo.height - y + geo.dtop, size,
            a * a_ + b * c_, a * b_ + b * d_, x, y, "")


def _font_name(font) -> str:
    if not font:
        return ""
    size = _font_base_name(font, None, 0)
    if size <= 0:
        return ""
    buf = ctypes.create_string_buffer(size)
    _font_base_name(font, buf, size)
    return buf.value.decode("latin-1")  # the bytes as pdfminer keeps them (often GBK)


# ----------------------------------------------------------------------------------------- paths


def _objects(parent, form, geo: _Geometry, out: PdfiumPage, texts: dict[int, tuple[object, Matrix, float, str]],
             fonts: dict[int, str], outer: Matrix | None = None, depth: int = 0) -> None:
    """Path and image objects of a page or a form XObject, in content order; the text objects'
    matrices and font sizes (for the blanks, see ``_blank``)."""
    if form is None:
        count = _count_objects(parent)
        get = _page_object
        owner = parent
    else:
        count = _count_form_objects(form)
        get = _form_object
        owner = form
    m = R.FS_MATRIX()
    size = ctypes.c_float()
    mr, sr = ctypes.byref(m), ctypes.byref(size)
    read_matrix = _MATRIX.unpack_from
    object_type, object_matrix, font_size, text_font = _object_type, _object_matrix, _font_size, _object_font
    scratch = _PathScratch(geo)  # what every path object of this page is read with, made once
    for i in range(count):
        obj = get(owner, i)
        if not obj:
            continue
        kind = object_type(obj)
        if kind == _TEXT:
            object_matrix(obj, mr)
            matrix = read_matrix(m)
            if outer is not None:
                matrix = _mul(matrix, outer)
            font_size(obj, sr)
            font = text_font(obj) or 0
            name = fonts.get(font)
            if name is None:
                name = fonts[font] = _font_name(font)
            key = obj.value  # as _text_object gives it; an int is lighter to keep than a ctypes object
            texts[key] = (key, matrix, size.value, name)
        elif kind == _IMAGE:
            out.images.append(None)
        elif kind == _PATH:
            object_matrix(obj, mr)
            matrix = read_matrix(m)
            if outer is not None:
                matrix = _mul(matrix, outer)
            _path(obj, matrix, scratch, out)
        elif kind == _FORM and depth < 32:
            object_matrix(obj, mr)
            matrix = read_matrix(m)
            if outer is not None:
                matrix = _mul(matrix, outer)
            _objects(parent, obj, geo, out, texts, fonts, matrix, depth + 1)


_MATRIX = struct.Struct("6f")  # FS_MATRIX: a, b, c, d, e, f


class _PathScratch:
    """The C out-parameters a path object is read through and the page's device matrix as floats
    (see _chars), made once per page rather than once per path."""

    def __init__(self, geo: _Geometry):
        self.fill, self.stroke, self.x, self.y = ctypes.c_int(), ctypes.c_int(), ctypes.c_float(), ctypes.c_float()
        self.modes = ctypes.byref(self.fill), ctypes.byref(self.stroke)
        self.point = ctypes.byref(self.x), ctypes.byref(self.y)
        self.device = geo.floats
        self.height, self.dx, self.dtop = geo.height, geo.dx, geo.dtop


def _path(obj, matrix: Matrix, scratch: _PathScratch, out: PdfiumPage) -> None:
    fr, sr = scratch.modes
    if _draw_mode(obj, fr, sr) and not scratch.fill.value and not scratch.stroke.value:
        return  # ended with n: a clipping path, never painted
    n = _count_segments(obj)
    x, y = scratch.x, scratch.y
    xr, yr = scratch.point
    a, b, c, d, e, f = matrix
    ga, gb, gc, gd, ge, gf = scratch.device
    height, dx, dtop = scratch.height, scratch.dx, scratch.dtop
    subpaths: list[tuple[str, list[tuple[float, float]]]] = []
    shape: list[str] = []
    pts: list[tuple[float, float]] = []
    bezier = 0
    for i in range(n):
        seg = _segment(obj, i)
        kind = _segment_type(seg)
        _segment_point(seg, xr, yr)
        px, py = x.value, y.value
        # user space, then geo.point (inlined)
        ux, uy = a * px + c * py + e, b * px + d * py + f
        point = (ga * ux + gc * uy + ge + dx, height - (gb * ux + gd * uy + gf) + dtop)
        if kind == _MOVE:
            if shape:
                subpaths.append(("".join(shape), pts))
            shape, pts, bezier = ["m"], [point], 0
        elif kind == _LINE:
            shape.append("l")
            pts.append(point)
        elif kind == _BEZIER:
            bezier += 1
            if bezier % 3 == 0:  # PDFium gives a curve as its three points
                shape.append("c")
                pts.append(point)
        if _segment_close(seg) and shape:
            shape.append("h")
            pts.append(pts[0])
    if shape:
        subpaths.append(("".join(shape), pts))
    for s, p in subpaths:
        _classify(s, p, out)


def _classify(shape: str, pts: list[tuple[float, float]], out: PdfiumPage) -> None:
    """pdfminer's paint_path on one subpath (points already in top-down page coordinates)."""
    if not shape.startswith("m"):
        return
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
        shape = shape[:-2] + "h"
        pts = pts[:-2] + pts[-1:]
    if shape in ("mlh", "ml"):
        (x0, t0), (x1, t1) = pts[0], pts[1]
        top, bottom = min(t0, t1), max(t0, t1)
        out.lines.append(("h" if top == bottom else "v", min(x0, x1), top, max(x0, x1), bottom))
    elif shape in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
        closed = pts[0] == pts[4]
        square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
        if closed and square:
            left, right = min(x0, x2), max(x0, x2)
            top, bottom = min(y0, y2), max(y0, y2)
            out.rects.extend([("h", left, top, right, top), ("h", left, bottom, right, bottom),
                              ("v", left, top, left, bottom), ("v", right, top, right, bottom)])
        else:
            for (px, pt), (qx, qt) in zip(pts, pts[1:], strict=False):
                if px == qx:
                    out.curves.append(("v", px, min(pt, qt), qx, max(pt, qt)))
                elif pt == qt:
                    out.curves.append(("h", min(px, qx), pt, max(px, qx), qt))
