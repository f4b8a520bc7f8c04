"""Ruled tables found by pdfplumber → one tab-separated string per table row.

pdfplumber finds the cells from the ruling lines; the glyphs are put into cells here in one pass
(a grid lookup per glyph) instead of pdfplumber's per-cell scan of every character. The row and
column structure is pdfplumber's own (``Table.rows``): a merged cell keeps its text in its first
position and the positions it covers are empty fields, so header rows line up with the data.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

from .pdf_lines import Glyph, Placed, join_wrapped, line_texts, placed_fields

Box = tuple[float, float, float, float]  # x0, top, x1, bottom

# A line that ends with an amount (thousands separators or decimals): a row's label and figure.
_AMOUNT_TEXT = r"-?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d{1,4})"
_ENDS_WITH_AMOUNT = re.compile(rf"(?:^|\s){_AMOUNT_TEXT}\s*$")
_AMOUNT = re.compile(rf"(?:^|(?<=\s)){_AMOUNT_TEXT}(?=\s|$)")
_UNIT_LINE = re.compile(r"单位\s*[:：]\s*(?:万元|千元|亿元|元)")
_FIGURE = re.compile(r"^\s*(?:[-+]?[\d,.]*\d[\d,.]*%?|[-—–－])\s*$")


@dataclass
class GridTable:
    """A table's cells addressed by (row, column) and the glyphs that fell into each."""

    bbox: Box
    cells: dict[tuple[int, int], Box]
    n_rows: int
    n_cols: int
    _xs: list[float] = field(default_factory=list)
    _ys: list[float] = field(default_factory=list)
    # The cell key over each slot between adjacent edges, row by row (``j * len(_xs) + i``; a
    # last column and row of Nones catch a centre on the right or bottom edge), or None.
    _grid: list[tuple[int, int] | None] = field(default_factory=list)
    glyphs: dict[tuple[int, int], list[Glyph]] = field(default_factory=dict)
    _lines: dict[tuple[int, int], list[str]] = field(default_factory=dict)  # line_texts of each cell, once

    @classmethod
    def from_cells(cls, boxes: Sequence[Box]) -> GridTable:
        # The same row/column indexing as pdfplumber's Table.rows: columns are the distinct left
        # edges, rows the distinct tops.
        lefts = sorted({b[0] for b in boxes})
        tops = sorted({b[1] for b in boxes})
        col_of = {x: i for i, x in enumerate(lefts)}
        row_of = {y: i for i, y in enumerate(tops)}
        cells = {(row_of[b[1]], col_of[b[0]]): b for b in boxes}
        xs = sorted({b[0] for b in boxes} | {b[2] for b in boxes})
        ys = sorted({b[1] for b in boxes} | {b[3] for b in boxes})
        x_at = {x: i for i, x in enumerate(xs)}  # xs.index, without a scan (the edges are distinct)
        y_at = {y: j for j, y in enumerate(ys)}
        width = len(xs)
        grid: list[tuple[int, int] | None] = [None] * (width * len(ys))
        for key, (x0, top, x1, bottom) in cells.items():
            for i in range(x_at[x0], x_at[x1]):
                for j in range(y_at[top], y_at[bottom]):
                    if grid[j * width + i] is None:  # the first cell over a slot has it
                        grid[j * width + i] = key
        bbox = (xs[0], ys[0], xs[-1], ys[-1])
        return cls(bbox, cells, len(tops), len(lefts), xs, ys, grid)

    def stacked(self) -> bool:
        """Rows without rules between them: a cell holds figures on several printed lines (an
        amount never wraps inside its cell), or the grid has a single column (rules under the rows
        and a frame, no column rules). Its text is read by position instead (pdf_columns)."""
        if self.n_cols < 2:
            return bool(self.glyphs)
        for key in self.glyphs:
            lines = self.texts_of(key)
            if len(lines) == 1:  # most cells: the last two tests below, on their one line
                t = lines[0]
                if len(_AMOUNT.findall(t)) >= 2 or (_UNIT_LINE.search(t) and _AMOUNT.search(t)):
                    return True
                continue
            if sum(1 for t in lines if _FIGURE.match(t)) >= 2:
                return True
            if sum(1 for t in lines if _ENDS_WITH_AMOUNT.search(t)) >= 2:
                return True  # "收入总计 20,849.45" over "小计 20,702.25": rows inside a frame, not a cell
            if any(len(_AMOUNT.findall(t)) >= 2 for t in lines):
                return True  # "20,849.45 9,964.07 10,688.66": a row's cells inside one frame
            if any(_UNIT_LINE.search(t) for t in lines) and any(_AMOUNT.search(t) for t in lines):
                return True  # the title, "单位：万元", the header and a row's figures inside one frame
        return False

    def all_glyphs(self) -> list[Glyph]:
        return [g for gs in self.glyphs.values() for g in gs]

    def texts_of(self, key: tuple[int, int]) -> list[str]:
        """The texts of the cell's printed lines, top to bottom (worked out once)."""
        lines = self._lines.get(key)
        if lines is None:
            lines = self._lines[key] = line_texts(self.glyphs.get(key, []))
        return lines

    def cell_text(self, key: tuple[int, int]) -> str:
        lines = self.texts_of(key)
        # Wide gaps inside one cell are spacing (distributed alignment), not fields.
        if len(lines) == 1:
            return lines[0].replace("\t", " ").strip()  # join_wrapped of one line
        return join_wrapped([line.replace("\t", " ") for line in lines])

    def _fields(self, keys: list[tuple[int, int]]) -> list[str]:
        # a cell no glyph fell into (or a position no cell covers) is an empty field
        return [self.cell_text(key) if key in self.glyphs else "" for key in keys]

    def rows(self) -> list[list[str]]:
        """Every row's fields; rows with no text at all are left out."""
        out = []
        for r in range(self.n_rows):
            fields = self._fields([(r, c) for c in range(self.n_cols)])
            if any(fields):
                out.append(fields)
        return out

    def placed_rows(self) -> list[Placed]:
        """``rows()`` as tab rows, each field placed at its cell's box."""
        out = []
        for r in range(self.n_rows):
            keys = [(r, c) for c in range(self.n_cols)]
            fields = self._fields(keys)
            if any(fields):
                out.append(placed_fields(fields, [self.cells.get(key) for key in keys]))
        return out


def distribute(tables: list[GridTable], glyphs: list[Glyph]) -> list[Glyph]:
    """Each glyph into the cell under its centre, of the first table whose box holds the centre;
    returns the rest in order (outside every table, or inside one but in no cell). One bisection
    per axis and a list index per glyph: this runs for every glyph of every page with rules."""
    prose: list[Glyph] = []
    found = [(*t.bbox, t._xs, t._ys, len(t._xs), t._grid, t.glyphs) for t in tables]
    for g in glyphs:
        x = (g[1] + g[2]) / 2
        y = g[3] - 0.38 * g[4]  # g.middle
        for x0, top, x1, bottom, xs, ys, width, grid, owned in found:
            if x0 <= x <= x1 and top <= y <= bottom:
                # inside the box: the edges bracket the centre (the last slot of a row or column is None)
                key = grid[(bisect_right(ys, y) - 1) * width + bisect_right(xs, x) - 1]
                if key is None:
                    prose.append(g)
                elif key in owned:
                    owned[key].append(g)
                else:
                    owned[key] = [g]
                break
        else:
            prose.append(g)
    return prose
