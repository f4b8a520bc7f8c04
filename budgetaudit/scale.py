"""A table whose numbers are printed in another unit than its unit line says: said once, then read
in the unit its numbers are in.

When a table's unit line says 万元 and its numbers are in 元 (or the reverse), every figure it shares
with another table is off by the same power of ten (10,000 for 元 and 万元): a hundred mismatches
that are one mistake. A table *prints another unit* when

- comparisons between it and other tables fail on at least ``MIN_SLIPS`` of its cells with the other
  table's figure equal to its own times one ratio of two units (model.UNIT_FACTORS), within the
  printed precision of both figures (the same intervals as every comparison) — one cell off by that
  ratio, however often it is compared, is a wrong figure, not a wrong unit;
- those comparisons reach at least two other tables (with only one, nothing tells which of the two
  is in the wrong unit), and
- they are more than half of its failing comparisons with other tables.

The table is then read in that unit (its amounts rescaled for the audit, restored after it: the
document is not changed), the rules run again, and one finding (``completeness: unit``) says what the
unit line says and what its numbers show.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from decimal import Decimal

from .model import UNIT_FACTORS, Document, Finding, Table
from .reading import MOST, table_at

MIN_SLIPS = 3


@dataclass(frozen=True)
class UnitSlip:
    """A table labelled ``labelled`` whose numbers are in ``actual``, and the evidence."""

    table: Table
    labelled: str
    actual: str
    comparisons: int  # failing comparisons the ratio explains
    partners: tuple[str, ...]  # the tables it was compared with


def _half_unit(shown: str) -> Decimal | None:
    """Half a unit of the last digit of a figure as a finding shows it (in 万元)."""
    text = shown.replace(",", "").strip().lstrip("-")
    if not text or not text.replace(".", "", 1).isdigit():
        return None
    decimals = len(text.split(".")[1]) if "." in text else 0
    return Decimal(5).scaleb(-decimals - 1)


def _ratios() -> set[Decimal]:
    return {a / b for a in UNIT_FACTORS.values() for b in UNIT_FACTORS.values() if a != b}


def _explained(mine: Decimal, my_half: Decimal, other: Decimal, other_half: Decimal, ratio: Decimal) -> bool:
    """Whether my figure, read ``ratio`` times larger, is the other table's (intervals overlap)."""
    return abs(mine * ratio - other) <= my_half * ratio + other_half


def _sides(doc: Document, f: Finding) -> tuple[tuple[Table, set], tuple[Table, set]] | None:
    """The two tables a cross-table finding compares (its first location is on the left side), each
    with the cells of it the finding points at."""
    sides: list[tuple[Table, set]] = []
    for loc in f.locations:
        t = table_at(doc, loc)
        if t is None:
            return None
        side = next((s for s in sides if s[0] is t), None)
        if side is None:
            side = (t, set())
            sides.append(side)
        side[1].add((loc.line, loc.row, loc.column))
    return (sides[0], sides[1]) if len(sides) == 2 else None


def unit_slips(doc: Document, findings: list[Finding]) -> list[UnitSlip]:
    """The tables of ``doc`` printed in another unit than they say, from the first pass's findings."""
    ratios = _ratios()
    failing: dict[int, int] = defaultdict(int)  # table → its failing comparisons with other tables
    votes: dict[tuple[int, Decimal], list[Table]] = defaultdict(list)  # (table, ratio) → partners
    cells: dict[tuple[int, Decimal], set] = defaultdict(set)  # (table, ratio) → its cells explained
    tables: dict[int, Table] = {}
    for f in findings:
        if f.severity == "info" or getattr(f, "rounding", False) or f.expected is None or f.actual is None:
            continue
        pair = _sides(doc, f)
        shown = getattr(f, "shown", ("", ""))
        halves = [_half_unit(s) for s in shown]
        if pair is None or None in halves or not f.expected or not f.actual:
            continue
        ((left, left_cells), (right, right_cells)), (lh, rh) = pair, halves
        for t in (left, right):
            tables[id(t)] = t
            failing[id(t)] += 1
        for ratio in ratios:
            if _explained(f.expected, lh, f.actual, rh, ratio):
                votes[(id(left), ratio)].append(right)
                cells[(id(left), ratio)] |= left_cells
            if _explained(f.actual, rh, f.expected, lh, ratio):
                votes[(id(right), ratio)].append(left)
                cells[(id(right), ratio)] |= right_cells
    out: list[UnitSlip] = []
    chosen: set[int] = set()
    # the table in the wrong unit is the one that disagrees with several others; each of those
    # others disagrees with it alone
    for (key, ratio), partners in sorted(votes.items(), key=lambda kv: -len({id(p) for p in kv[1]})):
        table = tables[key]
        others = [p for p in partners if id(p) not in chosen]
        kinds = tuple(dict.fromkeys(p.kind for p in others))
        if key in chosen or len(cells[(key, ratio)]) < MIN_SLIPS or len({id(p) for p in others}) < 2:
            continue
        if len(others) <= MOST * failing[key]:
            continue
        actual = _unit_with(UNIT_FACTORS.get(table.unit, Decimal(1)) * ratio)
        if actual is None:
            continue
        chosen.add(key)
        out.append(UnitSlip(table, table.unit, actual, len(others), kinds))
    return out


def _unit_with(factor: Decimal) -> str | None:
    return next((u for u, f in UNIT_FACTORS.items() if f == factor), None)


@contextmanager
def read_in_actual_unit(slips: list[UnitSlip]) -> Iterator[None]:
    """Each slipped table's amounts as what they are, the printed digits in the unit they show, while
    the audit runs; the document as printed again after it."""
    saved = []
    for slip in slips:
        ratio = UNIT_FACTORS[slip.actual] / UNIT_FACTORS[slip.labelled]
        for row in slip.table.rows:
            for cell in row.cells:
                a = cell.amount
                if a is not None and not a.percent:
                    saved.append((cell, a))
                    cell.amount = replace(a, value=a.value * ratio, unit=slip.actual)
        slip.table.unit = slip.actual
    try:
        yield
    finally:
        for cell, amount in saved:
            cell.amount = amount
        for slip in slips:
            slip.table.unit = slip.labelled


def slip_message(slip: UnitSlip) -> str:
    t = slip.table
    where = (f"工作表“{t.sheet}”" if t.sheet else
             f"第{min(t.pages)}–{max(t.pages)}页" if t.pages and min(t.pages) != max(t.pages)
             else f"第{t.pages[0]}页" if t.pages else f"第{t.first_line}行")
    name = f"{t.number}“{t.kind}”" if t.number else f"“{t.kind}”"
    ratio = UNIT_FACTORS[slip.labelled] / UNIT_FACTORS[slip.actual]
    times = f"{ratio:,.0f} 倍" if ratio >= 1 else f"1/{1 / ratio:,.0f}"
    partners = "、".join(f"“{k}”" for k in slip.partners)
    return (f"{where}：{name}的单位标为“{slip.labelled}”，但其数字是{partners}中同一数字的 {times}"
            f"（{slip.comparisons} 处核对），实为“{slip.actual}”；已按“{slip.actual}”核对该表")
