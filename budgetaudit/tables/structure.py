"""What a table's header tree says about its arithmetic.

A group whose first column is a total (合计/小计/总计, or a name ending in 合计) equals the sum of its
other columns, a sub-group contributing its own total: 合计 = 基本支出.小计 + 项目支出,
基本支出.小计 = 人员经费 + 公用经费. These identities place numbers whose position the layout lost, and
the rule packs check them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from ..model import Amount


@dataclass(frozen=True)
class Identity:
    total: int
    parts: tuple[int, ...]


def is_total_name(name: str) -> bool:
    return name in {"合计", "小计", "总计"} or name.endswith("合计") or name.endswith("总计")


def identities(paths: list[tuple[str, ...]]) -> list[Identity]:
    """Sum identities implied by the header tree of ``paths`` (column indexes)."""
    return list(_identities(tuple(paths)))


@lru_cache(maxsize=1024)  # a few header trees, asked of every table and every each_row rule
def _identities(paths: tuple[tuple[str, ...], ...]) -> tuple[Identity, ...]:
    found: list[Identity] = []

    def visit(prefix: tuple[str, ...], members: list[int]) -> int | None:
        """Returns the column index that stands for this group's total (or None)."""
        depth = len(prefix)
        children: list[tuple[str, list[int]]] = []
        for idx in members:
            head = paths[idx][depth] if len(paths[idx]) > depth else None
            if head is None:
                continue
            if children and children[-1][0] == head:
                children[-1][1].append(idx)
            else:
                children.append((head, [idx]))
        child_totals: list[int | None] = []
        for head, idxs in children:
            if len(idxs) == 1 and len(paths[idxs[0]]) == depth + 1:
                child_totals.append(idxs[0])
            else:
                child_totals.append(visit(prefix + (head,), idxs))
        if not children:
            return None
        if len(children) == 1 and depth and is_total_name(children[0][0]):
            return child_totals[0]  # a group printed with its total alone (基本支出 → 小计)
        first_head, first_idxs = children[0]
        first_is_leaf = len(first_idxs) == 1 and len(paths[first_idxs[0]]) == depth + 1
        if first_is_leaf and is_total_name(first_head) and len(children) > 1:
            parts = child_totals[1:]
            if all(p is not None for p in parts):
                found.append(Identity(first_idxs[0], tuple(p for p in parts if p is not None)))
            return first_idxs[0]
        return None

    visit((), list(range(len(paths))))
    return tuple(found)


def holds(identity: Identity, values: dict[int, Amount]) -> bool:
    """Whether the identity holds within printed-precision tolerance (blank = 0 exactly)."""
    needed = (identity.total, *identity.parts)
    return holds_printed(identity, {c: (values[c].value, values[c].tolerance) for c in needed if c in values})


def holds_printed(identity: Identity, values: dict[int, tuple[Decimal, Decimal]]) -> bool:
    """``holds`` over (value, tolerance) pairs: the placement search's hot loop calls it directly."""
    total = values.get(identity.total)
    blank = total is None
    gap, tol = _NIL if blank else total
    for p in identity.parts:
        part = values.get(p)
        if part is not None:
            blank = False
            gap -= part[0]
            tol += part[1]
    return blank or abs(gap) <= tol


_NIL = (Decimal(0), Decimal(0))
