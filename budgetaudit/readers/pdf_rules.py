"""Ruling lines → the cells of ruled tables: pdfplumber's table finder (``lines`` strategy, default
settings), on plain tuples.

The algorithm is pdfplumber's own (``pdfplumber.table``: snap the edges that lie within 3 pt of one
another to their mean, join collinear edges with gaps up to 3 pt, keep edges of 3 pt and more,
intersect, take the smallest rectangle at each intersection whose four sides are ruled, group
cells that share a corner into tables of at least two cells), so the pdfium reader finds the
same cells the pdfplumber reader does, in the same order of edges. Only the representation is
different: an edge is ``(orientation, x0, top, x1, bottom)`` instead of a dict, and the
intersections are looked up per row instead of tested pairwise, which makes a page of a thousand
rules cost milliseconds.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from itertools import groupby, islice
from operator import itemgetter

Edge = tuple[str, float, float, float, float]  # orientation "h"|"v", x0, top, x1, bottom
Cell = tuple[float, float, float, float]  # x0, top, x1, bottom

SNAP_TOLERANCE = 3.0
JOIN_TOLERANCE = 3.0
EDGE_MIN_LENGTH = 3.0
EDGE_MIN_LENGTH_PREFILTER = 1.0
INTERSECTION_TOLERANCE = 3.0


_FIRST, _X0, _TOP = itemgetter(0), itemgetter(1), itemgetter(2)
_TOP_LEFT = itemgetter(1, 0)  # (top, x0) of a cell
_X0_TOP, _TOP_X0 = itemgetter(1, 2), itemgetter(2, 1)  # of an edge


def _length(e: Edge) -> float:
    return (e[4] - e[2]) if e[0] == "v" else (e[3] - e[1])


def _cluster_index(values: Iterable[float], tolerance: float) -> dict[float, int]:
    """pdfplumber's make_cluster_dict: sorted distinct values, a new cluster after each gap wider
    than ``tolerance`` (measured from the previous value, so a cluster can chain)."""
    xs = sorted(set(values))
    out: dict[float, int] = {}
    index = 0
    last = None
    for x in xs:
        if last is not None and x > last + tolerance:
            index += 1
        out[x] = index
        last = x
    return out


def _snap(edges: list[Edge], attr: int, tolerance: float) -> list[Edge]:
    """Edges within ``tolerance`` of one another (by x0 for vertical, top for horizontal) moved to
    their cluster's mean; the order is cluster by cluster, as pdfplumber's snap_objects leaves it."""
    if not edges:
        return []
    at = itemgetter(attr)
    index = _cluster_index(map(at, edges), tolerance)
    keyed = sorted([(index[e[attr]], e) for e in edges], key=_FIRST)  # stable: edges keep their order
    out: list[Edge] = []
    for _, pairs in groupby(keyed, key=_FIRST):
        group = [e for _, e in pairs]
        mean = sum(map(at, group)) / len(group)
        for o, x0, top, x1, bottom in group:
            if attr == 1:  # vertical: moved sideways
                d = mean - x0
                out.append((o, x0 + d, top, x1 + d, bottom))
            else:
                d = mean - top
                out.append((o, x0, top + d, x1, bottom + d))
    return out


def _join(group: list[Edge], orientation: str, tolerance: float) -> list[Edge]:
    lo, hi = (1, 3) if orientation == "h" else (2, 4)
    ordered = sorted(group, key=itemgetter(lo))
    joined = [ordered[0]]
    for e in ordered[1:]:
        last = joined[-1]
        if e[lo] <= last[hi] + tolerance:
            if e[hi] > last[hi]:
                joined[-1] = last[:hi] + (e[hi],) + last[hi + 1:]
        else:
            joined.append(e)
    return joined


def merge_edges(edges: list[Edge]) -> list[Edge]:
    v = _snap([e for e in edges if e[0] == "v"], 1, SNAP_TOLERANCE)
    h = _snap([e for e in edges if e[0] == "h"], 2, SNAP_TOLERANCE)

    # Collinear edges joined: the horizontal ones line by line (by top), then the vertical ones
    # (by x0), each group in the order the snapping left it (sorted is stable).
    out: list[Edge] = []
    for orientation, snapped, at in (("h", h, _TOP), ("v", v, _X0)):
        for _, group in groupby(sorted(snapped, key=at), key=at):
            out.extend(_join(list(group), orientation, JOIN_TOLERANCE))
    return out


def table_edges(edges: list[Edge]) -> list[Edge]:
    """The edges the finder works with: long enough before and after merging."""
    v = [e for e in edges if e[0] == "v" and e[4] - e[2] >= EDGE_MIN_LENGTH_PREFILTER]  # _length, inline
    h = [e for e in edges if e[0] == "h" and e[3] - e[1] >= EDGE_MIN_LENGTH_PREFILTER]
    return [e for e in merge_edges(v + h) if _length(e) >= EDGE_MIN_LENGTH]


def _intersections(edges: list[Edge]) -> dict[tuple[float, float], tuple[set[int], set[int]]]:
    """Points where a vertical and a horizontal edge meet (3 pt tolerance), with the vertical and
    the horizontal edges through each, by number (pdfplumber keeps their boxes: whether an edge
    passes through a point depends on its box alone, so two points share an edge number exactly
    when they share a box, and a number hashes faster)."""
    tol = INTERSECTION_TOLERANCE
    v_edges = sorted((e for e in edges if e[0] == "v"), key=_X0_TOP)
    h_edges = sorted((e for e in edges if e[0] == "h"), key=_TOP_X0)
    h_tops = [e[2] for e in h_edges]
    # each horizontal edge's reach (x0 - tol, x1 + tol), top and number, worked out once
    h_spans = [(h[1] - tol, h[3] + tol, h[2], n) for n, h in enumerate(h_edges)]
    out: dict[tuple[float, float], tuple[set[int], set[int]]] = {}
    for k, (_, vx, vtop, _, vbottom) in enumerate(v_edges):
        # h["top"] within [v.top - tol, v.bottom + tol]
        lo = bisect_left(h_tops, vtop - tol)
        hi = bisect_right(h_tops, vbottom + tol)
        for left, right, htop, n in h_spans[lo:hi]:
            if vtop <= htop + tol and vbottom >= htop - tol and left <= vx <= right:
                vertex = (vx, htop)
                slot = out.get(vertex)
                if slot is None:
                    out[vertex] = ({k}, {n})
                else:
                    slot[0].add(k)
                    slot[1].add(n)
    return out


def _cells(intersections: dict[tuple[float, float], tuple[set[int], set[int]]]) -> list[Cell]:
    """pdfplumber's intersections_to_cells: from each intersection, the smallest rectangle whose
    corners are intersections joined by common edges.

    Its ``edge_connects`` test is spelled out per pair: points of one column are joined by a common
    vertical edge, points of one row by a common horizontal one (distinct points of a column never
    share a row). The points are taken in pdfplumber's order (sorted: column by column), and the
    points below and to the right of one are read in place, not copied."""
    points = sorted(intersections)
    rows: dict[float, list[tuple[float, float]]] = {}
    for p in points:  # sorted: each row is left to right
        rows.setdefault(p[1], []).append(p)
    place = {p: j for row in rows.values() for j, p in enumerate(row)}  # a point's place in its row
    cells = []
    for _, run in groupby(points, key=_FIRST):
        column = list(run)  # top to bottom
        for i, pt in enumerate(column):
            row = rows[pt[1]]
            j = place[pt] + 1
            if j == len(row):
                continue  # nothing to its right: no rectangle has pt as its top-left corner
            verticals, horizontals = intersections[pt]
            found = None
            for below_pt in islice(column, i + 1, None):
                if verticals.isdisjoint(intersections[below_pt][0]):
                    continue
                below_h = intersections[below_pt][1]
                for right_pt in islice(row, j, None):
                    right_v, right_h = intersections[right_pt]
                    if horizontals.isdisjoint(right_h):
                        continue
                    corner = intersections.get((right_pt[0], below_pt[1]))
                    if corner is not None and not corner[0].isdisjoint(right_v) and not corner[1].isdisjoint(below_h):
                        found = (pt[0], pt[1], right_pt[0], below_pt[1])
                        break
                if found:
                    cells.append(found)
                    break
    return cells


def _tables(cells: list[Cell]) -> list[list[Cell]]:
    """pdfplumber's cells_to_tables: cells that share a corner, grown greedily into groups; groups
    of one cell are dropped; ordered by their top-left cell."""

    # (cells are distinct, one per top-left corner: the ones a pass leaves are the ones not taken)
    remaining = [(c, ((c[0], c[1]), (c[0], c[3]), (c[2], c[1]), (c[2], c[3]))) for c in cells]  # its corners
    current_corners: set[tuple[float, float]] = set()
    current: list[Cell] = []
    tables = []
    while remaining:
        before = len(current)
        left = []
        for cell, cc in remaining:
            if not current or not current_corners.isdisjoint(cc):
                current_corners.update(cc)
                current.append(cell)
            else:
                left.append((cell, cc))
        remaining = left
        if len(current) == before:
            tables.append(list(current))
            current_corners.clear()
            current.clear()
    if current:
        tables.append(list(current))
    tables.sort(key=lambda t: min(map(_TOP_LEFT, t)))
    return [t for t in tables if len(t) > 1]


def find_tables(edges: list[Edge]) -> list[list[Cell]]:
    """The cells of each ruled table the edges draw, tables top to bottom."""
    merged = table_edges(edges)
    if not merged:
        return []
    return _tables(_cells(_intersections(merged)))
