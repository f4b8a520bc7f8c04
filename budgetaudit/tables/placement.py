"""Putting a row's numbers in the right columns when the layout lost or shifted their positions.

The numbers of a row keep their printed order, so a placement is an increasing map from numbers to
columns. The table's own arithmetic (structure.identities) decides between placements: a placement
in which every identity holds is preferred; among those, the one closest to the printed positions
(tab layouts) or the leftmost (space layouts, where positions are gone). When no placement satisfies
the identities the row is left as printed — that is an error for the rules to report, not to hide.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from ..model import Amount
from .structure import Identity, holds_printed

_MAX_VALID = 16
_MAX_SHIFT = 2
_MAX_ENUMERATED = 20000


def _valid_placements(printed: Sequence[tuple[Decimal, Decimal]], n: int,
                      ids: Sequence[Identity]) -> Iterator[tuple[int, ...]]:
    """Increasing placements of the ``printed`` (value, tolerance) pairs over ``n`` columns in which
    every identity holds, leftmost first.

    Columns left of the one being filled are settled, so an identity is checked as soon as all of
    its columns are (identities sorted by their rightmost column)."""
    k = len(printed)
    ordered = sorted(ids, key=lambda i: max((i.total, *i.parts)))
    last_col = [max((i.total, *i.parts)) for i in ordered]
    chosen: list[int] = []
    values: dict[int, tuple[Decimal, Decimal]] = {}

    count = len(ordered)

    def rec(i: int, start: int, checked: int) -> Iterator[tuple[int, ...]]:
        # ``checked``: identities before it hold. While this number moves right, the columns it
        # passes stay blank, so an identity settled at one position stays settled (and holding)
        # at the next: each is checked once per loop, not once per position.
        j = checked
        if i == k:
            while j < count:
                if not holds_printed(ordered[j], values):
                    return
                j += 1
            yield tuple(chosen)
            return
        for c in range(start, n - (k - i) + 1):
            while j < count and last_col[j] < c:
                if not holds_printed(ordered[j], values):
                    return  # an identity left of c already fails; moving right cannot mend it
                j += 1
            values[c] = printed[i]
            chosen.append(c)
            yield from rec(i + 1, c + 1, j)
            chosen.pop()
            del values[c]

    yield from rec(0, 0, 0)


def clear_placement_cache() -> None:
    _first_valid.cache_clear()


def _violations(amounts: Sequence[Amount], placement: Sequence[int], ids: Sequence[Identity]) -> int:
    values = {c: (a.value, a.tolerance) for c, a in zip(placement, amounts, strict=True)}  # once for all ids
    return sum(0 if holds_printed(i, values) else 1 for i in ids)


def valid_placements(amounts: Sequence[Amount], n: int, ids: Sequence[Identity]) -> list[tuple[int, ...]]:
    return list(_first_valid(_canonical(tuple((a.value, a.tolerance) for a in amounts)), n, tuple(ids)))


_REPEATED = ((Decimal(1), Decimal(0)),)


def _canonical(printed: tuple[tuple[Decimal, Decimal], ...]) -> tuple[tuple[Decimal, Decimal], ...]:
    """The cache key of a row: a row printing one number k times (a 类, its only 款 and its only 项)
    places like any other such row, so all share one search.

    An identity over copies of v sums to m·v for a whole m and tolerates at most k·tolerance; when
    |v| exceeds that, it holds exactly when m = 0, as it does for copies of 1 with no tolerance."""
    if not printed:
        return printed
    first = printed[0]
    if all(p == first for p in printed) and abs(first[0]) > len(printed) * first[1]:
        return _REPEATED * len(printed)
    return printed


@lru_cache(maxsize=4096)  # the same rows recur: tables repeated on every page, 类 and its only 款
def _first_valid(printed: tuple[tuple[Decimal, Decimal], ...], n: int,
                 ids: tuple[Identity, ...]) -> tuple[tuple[int, ...], ...]:
    out = []
    for p in _valid_placements(printed, n, ids):
        out.append(p)
        if len(out) >= _MAX_VALID:
            break
    return tuple(out)


def _all_placements(k: int, n: int) -> Iterator[tuple[int, ...]]:
    from itertools import combinations

    return combinations(range(n), k)


def place(
    amounts: Sequence[Amount],
    n: int,
    ids: Sequence[Identity],
    printed: Sequence[int] | None = None,
) -> tuple[tuple[int, ...], list[tuple[int, ...]]]:
    """Chosen placement and all valid alternatives (for later disambiguation by roll-ups).

    ``printed`` are the positions the layout gave (tab layouts); None when it gave none.
    """
    k = len(amounts)
    if k == 0:
        return (), [()]
    if k > n:
        amounts = amounts[:n]
        k = n
    if printed is not None and len(printed) == k and all(0 <= p < n for p in printed):
        printed_t = tuple(printed)
        if not ids or _violations(amounts, printed_t, ids) == 0:
            return printed_t, [printed_t]
        valid = valid_placements(amounts, n, ids)
        if not valid:
            return printed_t, [printed_t]

        def distance(p: tuple[int, ...]) -> int:
            return sum(abs(a - b) for a, b in zip(p, printed_t, strict=True))

        # Extraction drops or adds an empty cell or two (page breaks, misaligned headers); a repair
        # that moves a number further than that explains nothing and could hide an error.
        valid = [p for p in valid if max(abs(a - b) for a, b in zip(p, printed_t, strict=True)) <= _MAX_SHIFT]
        valid.sort(key=distance)
        if not valid or len(valid) > 1 and distance(valid[0]) == distance(valid[1]):
            return printed_t, [printed_t]  # no repair, or two equally good ones: keep what was printed
        return valid[0], [valid[0]]
    valid = valid_placements(amounts, n, ids)
    if valid:
        return valid[0], valid
    best: tuple[int, ...] | None = None
    best_score = None
    for count, p in enumerate(_all_placements(k, n)):
        score = _violations(amounts, p, ids)
        if best_score is None or score < best_score:
            best, best_score = p, score
            if score == 1:
                break
        if count > _MAX_ENUMERATED:
            break
    assert best is not None
    return best, [best]


@dataclass(frozen=True)
class Shift:
    """The data of a tab table one cell off its header from cell ``cut`` of each line on (an empty
    cell the extraction dropped or added in every row): printed cell c ≥ cut stands for c + delta."""

    cut: int
    delta: int

    def apply(self, cell: int) -> int:
        return cell + self.delta if cell >= self.cut else cell


def _holds_all(amounts: Sequence[Amount], columns: Sequence[int | None], n: int,
               ids: Sequence[Identity]) -> bool:
    if any(c is None or not 0 <= c < n for c in columns) or len(set(columns)) != len(columns):
        return False
    return _violations(amounts, columns, ids) == 0  # type: ignore[arg-type]


def table_shift(
    rows: Sequence[tuple[Sequence[Amount], Sequence[int]]],
    n: int,
    ids: Sequence[Identity],
    column_of: Callable[[int], int | None],
) -> Shift | None:
    """The shift of the table's data against its header that its arithmetic asks for, if any.

    ``rows`` are each row's amounts with the cells of the line they were printed in; ``column_of``
    reads a cell as a column (None for a cell under no amount heading). A shift is taken when it
    makes the identities hold on more rows than the printed cells do and breaks none that held: the
    one that mends most rows moving fewest numbers (the lost cell is among the blanks just before
    the first number moved), and none when two shifts place the numbers differently and do equally
    well. A row that still fails keeps the table's shift: its figure is wrong, and the rules should
    see it in its own column rather than in the neighbour the extraction pushed it to.
    """
    if not ids:
        return None

    def columns(cells: Sequence[int], shift: Shift | None) -> tuple[int | None, ...]:
        return tuple(column_of(shift.apply(c) if shift else c) for c in cells)

    baseline = [_holds_all(a, columns(c, None), n, ids) for a, c in rows]
    failing = [i for i, ok in enumerate(baseline) if not ok]
    if not failing:
        return None  # every row holds as printed: no shift can mend anything
    used = sorted({c for _, cells in rows for c in cells})
    best: dict[tuple, Shift] = {}
    best_score = (0, 0)  # (rows mended, -numbers moved): mend the most rows with the fewest moves
    for delta in (1, -1):
        for cut in used:
            shift = Shift(cut, delta)
            # The rows that fail as printed first (few in a real table): a shift that mends none of
            # them is dropped before the rows that hold are tried again.
            gain = sum(1 for i in failing if _holds_all(rows[i][0], columns(rows[i][1], shift), n, ids))
            if not gain:
                continue
            if any(max(rows[i][1], default=-1) >= cut
                   and not _holds_all(rows[i][0], columns(rows[i][1], shift), n, ids)
                   for i, ok in enumerate(baseline) if ok):
                continue  # it breaks a row that held
            moved = tuple(columns(cells, shift) for _, cells in rows)
            score = (gain, -sum(1 for _, cells in rows for c in cells if c >= cut))
            if score > best_score:
                best, best_score = {moved: shift}, score
            elif score == best_score:
                best.setdefault(moved, shift)
    if len(best) != 1:
        return None  # nothing mended, or two different repairs as good: keep what was printed
    return next(iter(best.values()))
