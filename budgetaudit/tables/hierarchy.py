"""Parent–child structure of table rows, and its use to settle ambiguous placements.

Families: a 科目 and its sub-科目 (类 → 款 → 项 by code prefix, economic 301 → 30101), a unit row and
the rows under it, the total row and the top-level rows. In each family every column of the parent
equals the sum of the children; when a space layout leaves a row's numbers ambiguous (195.67 three
times in 合计/小计/人员经费 or 合计/小计/公用经费), the placement that makes its family add up wins.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from decimal import Decimal
from operator import sub

from ..model import Row
from .rows import reassign

_MAX_STATES = 4096
_MAX_OPTIONS = 8


def infer_subtotals(rows: list[Row]) -> None:
    """Roles from the sums alone, for layouts that lost the columns telling units from projects.

    A row whose amounts equal the sum of the rows right below it is their subtotal: the outermost
    ones are units, inner ones groups (基本支出/项目支出 within a unit), the rest items.
    """

    def vector(row: Row) -> dict[int, Decimal]:
        return {c.column: c.amount.value for c in row.cells if c.amount is not None}

    def build(i: int, depth: int) -> int:
        """Assign roles from row i on; returns the index after row i's subtree."""
        own = vector(rows[i])
        j, acc = i + 1, {}
        while j < len(rows) and rows[j].role != "total" and any(acc.get(k, 0) < v for k, v in own.items()):
            nxt = build(j, depth + 1)
            for k, v in vector(rows[j]).items():
                acc[k] = acc.get(k, Decimal(0)) + v
            j = nxt
        if j > i + 1 and acc == own:
            rows[i].role = "unit" if depth == 0 else "group"
            return j
        rows[i].role = "item"
        return i + 1

    i = 0
    while i < len(rows):
        if rows[i].role == "total":
            i += 1
            continue
        i = build(i, 0)


def families(rows: list[Row]) -> list[tuple[int, list[int]]]:
    """(parent index, child indexes), deepest parents first."""
    out: list[tuple[int, list[int]]] = []
    coded = [(i, r) for i, r in enumerate(rows) if r.code and r.role == "item"]
    below: dict[str, list[int]] = {}  # a code less its last two digits → rows that carry it (linear time)
    for j, r in coded:
        assert r.code is not None
        below.setdefault(r.code[:-2], []).append(j)
    # A code printed again starts another outline (a table repeated without a unit row between):
    # a parent's children lie after it and before its code's next printing.
    next_same: dict[int, int] = {}
    last_seen: dict[str, int] = {}
    for j, r in reversed(coded):
        assert r.code is not None
        next_same[j] = last_seen.get(r.code, len(rows))
        last_seen[r.code] = j
    for i, parent in coded:
        assert parent.code is not None
        candidates = below.get(parent.code, [])
        start, stop = bisect_right(candidates, i), bisect_left(candidates, next_same[i])
        children = candidates[start:stop]
        if children:
            out.append((i, children))
    units = [i for i, r in enumerate(rows) if r.role == "unit"]
    for k, i in enumerate(units):
        stop = units[k + 1] if k + 1 < len(units) else len(rows)
        members = [j for j in range(i + 1, stop) if rows[j].role == "item"]
        if any(rows[j].code for j in members):
            min_level = min(rows[j].level for j in members if rows[j].code)
            members = [j for j in members if rows[j].code and rows[j].level == min_level]
        if members:
            out.append((i, members))
    totals = [i for i, row in enumerate(rows) if row.role == "total"]
    if totals:  # every total (one per page of a long table) tops the same rows
        later = [j for j in range(len(rows)) if rows[j].role != "total"]  # PDFs may print the total last
        top = [j for j in later if rows[j].role == "unit"]
        if not top:
            items = [j for j in later if rows[j].role == "item"]
            coded_items = [j for j in items if rows[j].code]
            if coded_items:
                min_level = min(rows[j].level for j in coded_items)
                top = [j for j in coded_items if rows[j].level == min_level]
            else:
                top = items
        if top:
            out.extend((i, list(top)) for i in totals)
    out.sort(key=lambda f: -(rows[f[0]].level if rows[f[0]].role == "item" else -1))
    return out


def _mismatches(parent: Row, children: list[Row]) -> int:
    columns = {c.column for c in parent.cells} | {c.column for ch in children for c in ch.cells}
    bad = 0
    for col in columns:
        pc = parent.cell(col)
        total = pc.amount.value if pc and pc.amount else Decimal(0)
        tol = pc.amount.tolerance if pc and pc.amount else Decimal(0)
        acc = Decimal(0)
        for ch in children:
            cc = ch.cell(col)
            if cc and cc.amount:
                acc += cc.amount.value
                tol += cc.amount.tolerance
        if abs(total - acc) > tol:
            bad += 1
    return bad


def settle(rows: list[Row], alternatives: list[list[tuple[int, ...]]]) -> None:
    """Choose among ambiguous rows' valid placements so that families add up.

    Families are visited top-down: a total row is usually unambiguous (every column printed), so
    it decides its children, which then decide theirs.
    """
    free = [len(a) > 1 for a in alternatives]
    order = sorted(families(rows), key=lambda f: _depth(rows[f[0]]))
    for parent, children in order:
        movable = [c for c in children if free[c]]
        parent_options = alternatives[parent] if free[parent] else [_current(rows[parent])]
        if not movable and len(parent_options) == 1:
            continue
        best: tuple[int, tuple[int, ...], tuple[tuple[int, ...], ...]] | None = None
        for p_option in parent_options:
            reassign(rows[parent], p_option)
            combo = _solve(rows, parent, children, movable, alternatives)
            for i, placement in zip(movable, combo, strict=True):
                reassign(rows[i], placement)
            score = _mismatches(rows[parent], [rows[c] for c in children])
            if best is None or score < best[0]:
                best = (score, p_option, combo)
            if score == 0:
                break
        assert best is not None
        reassign(rows[parent], best[1])
        for i, placement in zip(movable, best[2], strict=True):
            reassign(rows[i], placement)
        free[parent] = False
        if best[0] == 0:
            for i in movable:
                free[i] = False


def _depth(row: Row) -> int:
    return {"total": -2, "unit": -1}.get(row.role, row.level)


def _solve(rows: list[Row], parent: int, children: list[int], movable: list[int],
           alternatives: list[list[tuple[int, ...]]]) -> tuple[tuple[int, ...], ...]:
    """Placements for the movable children whose sums come closest to the parent, leftmost first.

    A subset-sum over placement options (partial column sums → the first combination reaching
    them), on integer hundredths. Options that put a positive amount where the parent is blank
    cannot add up and are dropped first, which leaves real choices only.
    """
    if not movable:
        return ()
    parent_values = {c.column: _cents(c.amount.value) for c in rows[parent].cells if c.amount is not None}
    columns = sorted(set(parent_values) | {c.column for i in children for c in rows[i].cells})
    index = {col: k for k, col in enumerate(columns)}
    fixed = [0] * len(columns)
    for i in children:
        if i not in movable:
            for c in rows[i].cells:
                if c.amount is not None:
                    fixed[index[c.column]] += _cents(c.amount.value)
    options_of: list[list[tuple[tuple[int, ...], tuple[int, ...]]]] = []
    parent_printed = {col for col, v in parent_values.items() if v != 0}
    for i in movable:
        values = [_cents(c.amount.value) for c in rows[i].cells if c.amount is not None]
        positive = [k for k, v in enumerate(values) if v > 0]
        usable = []
        for option in alternatives[i]:
            if not parent_printed.issuperset([option[k] for k in positive]):
                continue  # a positive amount where the parent is blank
            vec = [0] * len(columns)
            for col, v in zip(option, values, strict=True):
                if col not in index:
                    index[col] = len(columns)
                    columns.append(col)
                    vec.append(0)
                    fixed.append(0)
                vec[index[col]] += v
            usable.append((option, tuple(vec)))
        if not usable:
            usable = [(alternatives[i][0], tuple(0 for _ in columns))]
        options_of.append(usable[:_MAX_OPTIONS])
    width = len(columns)
    target = tuple(parent_values.get(col, 0) for col in columns)
    # Column sums packed into one integer each (a field per column, see _pack): adding two packs
    # adds every column at once, and the packed states keep the tuples' order and equality.
    packed_options = [[(option, _pack(vec)) for option, vec in usable] for usable in options_of]
    states: dict[int, tuple[tuple[int, ...], ...]] = {_pack(fixed[:width]): ()}
    for usable in packed_options:
        grown: dict[int, tuple[tuple[int, ...], ...]] = {}
        for state, combo in states.items():
            for option, vec in usable:
                key = state + vec
                if key not in grown:
                    grown[key] = combo + (option,)
            if len(grown) > _MAX_STATES:
                break
        states = grown
    packed_target = _pack(target)
    if packed_target in states:
        return states[packed_target]  # the family adds up exactly: no other state scores as well
    slack = 2 * (len(children) + 1)  # ±½ of the last digit on every amount, in hundredths

    def score(state: tuple[int, ...]) -> tuple[int, int]:
        gaps = list(map(abs, map(sub, state, target)))
        return len([g for g in gaps if g > slack]), sum(gaps)

    return min(states.items(), key=lambda item: score(_unpack(item[0], width)))[1]


_FIELD = 96  # bits per column in a packed vector: far more than any sum of amounts in hundredths
_HALF = 1 << (_FIELD - 1)
_MASK = (1 << _FIELD) - 1


def _pack(vec) -> int:
    """sum(v·2^(96k)): one integer per vector, additive, and one-to-one while |v| < 2^95."""
    out = 0
    for k, v in enumerate(vec):
        out += v << (_FIELD * k)
    return out


def _unpack(packed: int, width: int) -> tuple[int, ...]:
    out = []
    for _ in range(width):
        v = packed & _MASK
        if v >= _HALF:
            v -= 1 << _FIELD
        out.append(v)
        packed = (packed - v) >> _FIELD
    return tuple(out)


def _cents(value: Decimal) -> int:
    return int((value * 100).to_integral_value())


def _current(row: Row) -> tuple[int, ...]:
    return tuple(c.column for c in row.cells if c.amount is not None)
