"""Tables printed without vertical rules (unruled, or 三线表 with horizontal rules only) → tab rows
whose fields stand in the columns the printed positions give, like a ruled table's cells.

A run of printed lines is a table when its lines have wide gaps (``TextLine.fields`` > 1) or sit
between such lines at a row's pitch; the header is the short lines right above the first row. The
columns are the x-ranges the rows' words cover (a right-aligned amount column is the union of its
numbers), plus ranges only a heading covers (a column empty in every row). Every word goes to the
column it stands in, so an empty cell is an empty field and a number never slides into the
neighbouring column. A heading centred over several columns that have their own sub-headings
below (基本支出 over 小计/人员经费/公用经费) is a merged cell: its text goes to the first of them,
as ruled tables and text extractions give it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from ..amounts import is_nil, parse_number, unit_of
from .pdf_lines import NOISE_POINTS, Glyph, TextLine, join_wrapped, line_of, placed_fields, union_box

# Glyphs closer than this many ems belong to one word (with a blank glyph between them, the wider
# SPACED_GAP_EMS); next to a digit a narrower gap splits
# (a right-aligned amount and the next column's text, a code and its name).
WORD_GAP_EMS = 0.6
SPACED_GAP_EMS = 1.0
DIGIT_GAP_EMS = 0.25
# Rows of one table follow each other at most this many ems apart (baseline to baseline).
# (rows with wide gaps in them further: double-spaced rows of one table).
ROW_PITCH_EMS = 2.8
DATA_PITCH_EMS = 5.0
HEADER_PITCH_EMS = 3.2
# Lines above a table that continues the last page's (a running header, a title with （续）).
MAX_LINES_ABOVE_CONTINUATION = 3
MAX_HEADER_LINES = 24  # a heading set one character a line in a narrow column is tall
# The lines of one wrapped cell follow each other at most this many ems apart.
WRAP_LEAD_EMS = 1.5

_TABLE_NUMBER = re.compile(r"(?:^|\s)(?:表\s*\d+|公开\s*\d+\s*表|附表\s*\d+)(?:\s|$)")
_TITLE_END = re.compile(r"表$")


@dataclass
class Word:
    glyphs: list[Glyph]  # complete once words_of or _headings returns it: x1 and text are kept

    @property
    def x0(self) -> float:
        return self.glyphs[0].x0  # a word starts with a visible glyph

    @cached_property
    def x1(self) -> float:
        return max(g.x1 for g in self.glyphs if g.text.strip())

    @cached_property
    def text(self) -> str:
        return "".join(g.text for g in self.glyphs).strip()

    @property
    def center(self) -> float:
        return (self.x0 + self.x1) / 2


def words_of(line: TextLine) -> list[Word]:
    """The line's words; a blank glyph stays with the word before it (a word space)."""
    out: list[Word] = []
    prev: Glyph | None = None
    spaced = False  # a blank glyph since the previous visible one: a word space, drawn as such
    for g in line.glyphs:
        if not g.text.strip():
            if out:
                out[-1].glyphs.append(g)
                spaced = True
            continue
        if out and prev is not None:
            gap = g.x0 - prev.x1 - NOISE_POINTS
            em = max(g.size, prev.size)
            digit = prev.text[-1:].isdigit() or g.text[:1].isdigit()
            joins = (SPACED_GAP_EMS if spaced else WORD_GAP_EMS) * em
            spaced = False
            if gap <= joins and not (digit and gap > DIGIT_GAP_EMS * em):
                out[-1].glyphs.append(g)
                prev = g
                continue
        out.append(Word([g]))
        prev = g
    return out


def align_tables(lines: list[TextLine], memory: Memory | None = None) -> list[tuple[float, TextLine | list[str]]]:
    """The page's printed lines (with their tops) where each unruled table's lines are replaced
    by its tab rows. ``memory`` carries the last table's columns from page to page."""
    memory = memory if memory is not None else Memory()
    out: list[tuple[float, TextLine | list[str]]] = []
    i = 0
    passed = 0  # lines passed on as prose since the last table: candidates for its header
    tables = 0
    while i < len(lines):
        if lines[i].fields < 2:
            out.append((lines[i].top, lines[i]))
            passed += 1
            i += 1
            continue
        end = _run_end(lines, i)
        start = _header_start(lines, i, end, passed)
        if i - start:
            del out[start - i:]  # header lines were passed on as prose: take them back
        # The body starts at the first row with an amount; a 栏次 row (1 2 3 …) is the header's.
        # (An empty table has no amount: a 栏次 row is its last header row.)
        table_words = [words_of(line) for line in lines[start:end]]  # once: the rows read them again
        numbered = [j for j in range(i, end) if _has_figure(table_words[j - start])]
        first_row = next((j for j in range(i, end) if _has_figure(table_words[j - start], amounts_only=True)),
                         numbered[-1] + 1 if numbered else i)
        if tables or start > MAX_LINES_ABOVE_CONTINUATION:
            memory.columns = None  # only a table at the top of the page continues the last page's
        tables += 1
        out.append((lines[start].top, _rows(lines[start:end], table_words, first_row - start, memory)))
        passed = 0
        i = end
    return out


def _run_end(lines: list[TextLine], first: int) -> int:
    """One past the last line of the table whose first row is ``lines[first]``."""
    x0, x1 = lines[first].x0, lines[first].x1
    last = first
    j = first + 1
    while j < len(lines):
        line, prev = lines[j], lines[j - 1]
        em = max(line.size, prev.size)
        pitch = line.base - prev.base
        if pitch > (DATA_PITCH_EMS if line.fields >= 2 else ROW_PITCH_EMS) * em:
            break
        if line.fields >= 2:
            last = j
            x0, x1 = min(x0, line.x0), max(x1, line.x1)
        elif _is_caption(line) or _wide_prose(line, x0, x1):
            break
        j += 1
    return last + 1


def _header_start(lines: list[TextLine], first: int, end: int, available: int) -> int:
    """The first header line above the table's first row (``first`` when it has none)."""
    body = lines[first:end]
    x0, x1 = min(b.x0 for b in body), max(b.x1 for b in body)
    size = sorted(b.size for b in body)[len(body) // 2]
    start = first
    while start > 0 and first - start < min(MAX_HEADER_LINES, available):
        line, below = lines[start - 1], lines[start]
        if below.base - line.base > HEADER_PITCH_EMS * size or line.size > 1.15 * size:
            break
        if _is_caption(line) or _wide_prose(line, x0, x1) or line.x0 < x0 - size or line.x1 > x1 + size:
            break
        start -= 1
    return start


def _has_figure(words: list[Word], amounts_only: bool = False) -> bool:
    """A row of the body (a line's words): some word is a number or a nil mark (headings have
    none); with ``amounts_only`` an amount (decimals or thousands separators) or a nil mark."""
    return any(_is_figure(w.text, amounts_only) for w in words)


def _is_figure(text: str, amounts_only: bool) -> bool:
    if text.strip() and is_nil(text):
        return True
    parsed = parse_number(text)
    return parsed is not None and (not amounts_only or parsed[1] > 0 or "," in text)


def _is_caption(line: TextLine) -> bool:
    text = line.text.strip()
    return bool(unit_of(text) or "单位名称" in text or _TABLE_NUMBER.search(text) or _TITLE_END.search(text)
                or text.startswith(("注", "说明")))


def _wide_prose(line: TextLine, x0: float, x1: float) -> bool:
    """One field over most of the table's width: a paragraph, not a row."""
    return line.fields == 1 and len(words_of(line)) == 1 and line.x1 - line.x0 > 0.7 * (x1 - x0)


def _rows(lines: list[TextLine], table_words: list[list[Word]], n_header: int, memory: Memory) -> list[str]:
    """The table's tab rows from its printed lines and their words (``words_of``)."""
    headings = _headings(table_words, n_header)
    figured = [_has_figure(ws) for ws in table_words]
    # The rows with figures give the columns. A heading makes a column where none is (a column no
    # row fills); other text (a note, a wrapped name) only beside them: a stray mark between two
    # amount columns belongs to one of their cells.
    body = list(zip(table_words[n_header:], figured[n_header:], strict=True))
    columns = _columns([w for ws, figure in body if figure for w in ws])
    span = (columns[0][0], columns[-1][1]) if columns else (0.0, 0.0)
    others = [w for ws, figure in body if not figure for w in ws if w.x1 < span[0] or w.x0 > span[1]]
    columns = sorted(columns + _columns([w for w in others if not any(_overlap(w, c) > 0 for c in columns)]))
    attached = _place_headings(columns, _leaf_headings(headings))
    signature = "".join(w.text for ws in table_words[:n_header] for w in ws)
    continued = n_header == 0 or signature == memory.header
    if continued and memory.columns and _fits(columns, memory.columns):
        columns = memory.columns  # a table continued on this page, without its header or under it again
    else:
        memory.header = signature
    memory.columns = columns
    bounds = _bounds(columns)
    attached_at = {key: max(range(len(bounds)), key=lambda c: min(span[1], bounds[c][1]) - max(span[0], bounds[c][0]))
                   for key, span in attached.items()}
    # Each printed line's cells: column → the pieces (baseline, text, box) printed in it.
    cells: list[dict[int, list[tuple[float, str]]]] = []
    covered: dict[tuple[int, int], set[int]] = {}  # (line, column) → the columns its cell covers (merged)
    for i, ws in enumerate(table_words):
        glyphs: dict[int, list[Glyph]] = {}
        for w in ws:
            heading = headings.get(id(w), w)
            if id(heading) in attached_at:
                first = last = attached_at[id(heading)]
            else:
                first, last = _column_of(heading, i, columns, bounds, table_words, n_header)
            glyphs.setdefault(first, []).extend(w.glyphs)
            covered.setdefault((i, first), set()).update(range(first, last + 1))
        row = {}
        for c, gs in glyphs.items():
            printed = line_of(sorted(gs, key=lambda g: g.x0))
            if printed:
                row[c] = [(lines[i].base, printed.text.replace("\t", " "), printed.box)]
        cells.append(row)
    _join_wrapped_headings(lines[:n_header], cells[:n_header], covered)
    headings = _header_rows(lines, cells, covered, n_header)
    rows = []
    for row in headings + [cells[i] for i in _join_wrapped_names(lines, cells, n_header, figured)]:
        fields = [join_wrapped([p[1] for p in sorted(row.get(c, []))]) for c in range(len(columns))]
        boxes = [union_box([p[2] for p in row.get(c, [])]) for c in range(len(columns))]
        rows.append(placed_fields(fields, boxes))
    return rows


def _leaf_headings(headings: dict[int, Word]) -> list[Word]:
    """The headings with no heading under them: the ones that name a column."""
    unique = list({id(h): h for h in headings.values()}.values())
    return [h for h in unique if not any(o is not h and o.glyphs[0].base > h.glyphs[-1].base
                                         and _overlap(o, (h.x0, h.x1)) > 0 for o in unique)]


def _place_headings(columns: list[tuple[float, float]], leaves: list[Word]) -> dict[int, tuple[float, float]]:
    """Leaf headings over no column's figures: a heading centred over right-aligned amounts in a
    wide cell names the column beside it that no heading covers; otherwise it names a column no
    row fills, added to ``columns``. Returns heading id → the column it names."""
    orphans = {c for c in columns if not any(_overlap(h, c) > 0 for h in leaves)}
    attached: dict[int, tuple[float, float]] = {}
    added = []
    for h in sorted(leaves, key=lambda h: h.x0):
        if any(_overlap(h, c) > 0 for c in columns):
            continue
        nearest = min(columns, key=lambda c: max(c[0] - h.x1, h.x0 - c[1]), default=None)
        if nearest in orphans:
            orphans.discard(nearest)
            attached[id(h)] = nearest
        else:
            added.append((h.x0, h.x1))
    columns[:] = sorted(columns + _columns_of_spans(added))
    return attached


def _columns_of_spans(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for x0, x1 in sorted(spans):
        if out and x0 <= out[-1][1] + 0.5:
            out[-1] = (out[-1][0], max(out[-1][1], x1))
        else:
            out.append((x0, x1))
    return out


@dataclass
class Memory:
    """What the reading of one page leaves for the next: the columns of its last unruled table."""

    columns: list[tuple[float, float]] | None = None
    header: str = ""  # its header's text


def _fits(columns: list[tuple[float, float]], known: list[tuple[float, float]]) -> bool:
    """The columns lie within the known table's cells: two thirds of them each in one cell, none
    across more than two (a note or a long name may run over its cell's edge)."""
    cells = _bounds(known)
    spread = [sum(1 for b in cells if min(x1, b[1]) - max(x0, b[0]) > 0) for x0, x1 in columns]
    return max(spread) <= 2 and 3 * spread.count(1) >= 2 * len(spread)


def _headings(table_words: list[list[Word]], n_header: int) -> dict[int, Word]:
    """Each heading word (by id) → the whole heading: its cell's text wrapped over several lines
    (pieces a line apart that overlap across). A piece alone can stand beside every column."""
    blocks: list[list[Word]] = []
    for i in range(n_header):
        for w in table_words[i]:
            home = next((b for b in blocks if 0 < w.glyphs[0].base - b[-1].glyphs[0].base
                         <= WRAP_LEAD_EMS * w.glyphs[0].size and _overlap(w, (b[-1].x0, b[-1].x1)) > 0), None)
            if home is None:
                blocks.append([w])
            else:
                home.append(w)
    out: dict[int, Word] = {}
    for block in blocks:
        whole = Word(sorted((g for w in block for g in w.glyphs if g.text.strip()), key=lambda g: g.x0))
        for w in block:
            out[id(w)] = whole if len(block) > 1 else w
    return out


def _join_wrapped_headings(lines: list[TextLine], cells: list[dict], covered: dict) -> None:
    """A heading wrapped inside its cell is printed as pieces a line apart in one column: each
    piece goes on the first. Returns the header lines left with something in them."""
    last: dict[int, int] = {}  # column → the header line its latest piece went to
    for i, line in enumerate(lines):
        for c in list(cells[i]):
            j = last.get(c)
            if j is not None and line.base - cells[j][c][-1][0] <= WRAP_LEAD_EMS * line.size:
                cells[j][c].extend(cells[i].pop(c))
                covered.setdefault((j, c), set()).update(covered.pop((i, c), {c}))
            else:
                last[c] = i
    return [i for i in range(len(lines)) if cells[i]]


def _header_rows(lines: list[TextLine], cells: list[dict], covered: dict, n_header: int) -> list[dict]:
    """The header's rows: headings level by the middle of their text (a heading wrapped over two
    lines stands in the row of a one-line heading beside it). A heading spanning two rows is
    centred between them: a level whose columns are all free on the level above it (no heading
    there, merged ones included), a row's height up at most, is part of that row. Returns the
    header rows' cells, top to bottom."""
    placed = []  # (middle, line, column)
    for i in range(n_header):
        for c, pieces in cells[i].items():
            bases = [p[0] for p in pieces]
            placed.append(((min(bases) + max(bases)) / 2, i, c))
    placed.sort()
    levels: list[list[tuple[float, int, int]]] = []
    for item in placed:
        if levels and item[0] - levels[-1][-1][0] <= 0.35 * lines[item[1]].size:
            levels[-1].append(item)
        else:
            levels.append([item])
    rows: list[tuple[float, int, dict, set[int]]] = []  # middle, line, cells, covered columns
    for level in levels:
        middle, line = level[0][0], min(i for _, i, _ in level)
        got = {c: cells[i][c] for _, i, c in level}
        cover = set().union(*(covered.get((i, c), {c}) for _, i, c in level))
        if rows:
            above = rows[-1]
            if middle - above[0] <= HEADER_PITCH_EMS * lines[line].size and not set(got) & above[3]:
                above[2].update(got)
                above[3].update(cover)
                continue
        rows.append((middle, line, got, cover))
    return [got for _, _, got, _ in rows]


def _join_wrapped_names(lines: list[TextLine], cells: list[dict], n_header: int, figured: list[bool]) -> list[int]:
    """A name wrapped inside its cell: the lines of the body with text only in text columns, nearer
    to a row with figures than rows are to each other, go into that row's cells. Returns the body
    lines that are rows."""
    body = range(n_header, len(lines))
    figures = {i for i in body if figured[i]}
    figure_columns = {c for i in figures for c, pieces in cells[i].items()
                      if any(_is_figure(p[1].strip(), False) for p in pieces)}
    anchors = sorted(figures)
    gaps = sorted(lines[b].base - lines[a].base for a, b in zip(anchors, anchors[1:], strict=False))
    if not gaps:
        return list(body)
    pitch = gaps[len(gaps) // 2]
    rows = []
    for i in body:
        if i in figures or not cells[i] or set(cells[i]) & figure_columns:
            rows.append(i)
            continue
        nearest = min(anchors, key=lambda a: (abs(lines[a].base - lines[i].base), a > i))
        distance = abs(lines[nearest].base - lines[i].base)
        if distance < 0.75 * pitch and distance <= WRAP_LEAD_EMS * lines[i].size:
            for c, pieces in cells[i].items():
                cells[nearest].setdefault(c, []).extend(pieces)
        else:
            rows.append(i)
    return rows


def _columns(words: list[Word]) -> list[tuple[float, float]]:
    """The x-ranges the words cover, overlapping ranges merged."""
    spans: list[tuple[float, float]] = []
    for w in sorted(words, key=lambda w: w.x0):
        if spans and w.x0 <= spans[-1][1] + 0.5:
            spans[-1] = (spans[-1][0], max(spans[-1][1], w.x1))
        else:
            spans.append((w.x0, w.x1))
    return spans


def _bounds(columns: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Each column's cell: from the middle of the gutter on its left to the middle on its right."""
    out = []
    for i, (x0, x1) in enumerate(columns):
        left = x0 if i == 0 else (columns[i - 1][1] + x0) / 2
        right = x1 if i == len(columns) - 1 else (x1 + columns[i + 1][0]) / 2
        out.append((left, right))
    return out


def _overlap(w: Word, span: tuple[float, float]) -> float:
    return min(w.x1, span[1]) - max(w.x0, span[0])


def _middle(w: Word) -> float:
    bases = sorted({round(g.base, 1) for g in w.glyphs})
    return (bases[0] + bases[-1]) / 2


def _best(w: Word, bounds) -> int:
    return max(range(len(bounds)), key=lambda c: _overlap(w, bounds[c]))


def _column_of(w: Word, line: int, columns, bounds, table_words: list[list[Word]], n_header: int
               ) -> tuple[int, int]:
    """The first and last column the word's cell covers."""
    overlaps = [_overlap(w, b) for b in bounds]
    hit = [c for c, o in enumerate(overlaps) if o > 0]
    if not hit:
        return min(range(len(bounds)), key=lambda c: abs((bounds[c][0] + bounds[c][1]) / 2 - w.center))
    col = max(hit, key=lambda c: overlaps[c])
    return (col, col) if line >= n_header else _merged_span(w, line, col, bounds, table_words, n_header)


def _merged_span(w: Word, line: int, col: int, bounds, table_words: list[list[Word]], n_header: int
                 ) -> tuple[int, int]:
    """The widest run of columns the heading is centred over, each with a heading below it in a
    lower row and no other heading beside it; ``col`` alone when there is none.

    The row below is told by the heading right under this one (a sub-heading): a heading of a
    column beside it that spans both rows is printed between them, half a row down, and is not
    below it but beside it. Headings under it that span the lower rows sit lower still."""
    em = w.glyphs[0].size
    own = {id(g) for g in w.glyphs}
    top = _middle(w)
    # Column → the middle of the first heading below this one (with the lines it wraps onto).
    pieces: dict[int, list[float]] = {}
    centres: dict[int, float] = {}  # column → where its first heading below this one stands across
    for i in range(line + 1, n_header):
        for other in table_words[i]:
            if id(other.glyphs[0]) in own:
                continue
            c, base = _best(other, bounds), other.glyphs[0].base
            got = pieces.setdefault(c, [base])
            centres.setdefault(c, other.center)
            if base - got[-1] > 0 and base - got[-1] <= WRAP_LEAD_EMS * em:
                got.append(base)
    below = {c: (bs[0] + bs[-1]) / 2 for c, bs in pieces.items()}  # each heading's middle
    under = [below[c] for c, x in centres.items() if w.x0 <= x <= w.x1]  # headings right under it
    if not under:
        return (col, col)
    row = min(under) - top  # one header row down
    beside = {_best(other, bounds) for other in table_words[line] if other is not w}
    best = (col, col)
    widest = 1
    for a in range(col, -1, -1):
        for b in range(col, len(bounds)):
            if b - a + 1 <= widest or any(c not in below or c in beside for c in range(a, b + 1)):
                continue
            if any(below[c] - top < 0.75 * row for c in range(a, b + 1)):
                continue  # a heading beside this one, spanning its row and the next
            left, right = bounds[a][0], bounds[b][1]
            if abs((left + right) / 2 - w.center) <= max(1.5 * em, 0.08 * (right - left)):
                best, widest = (a, b), b - a + 1
    return best
