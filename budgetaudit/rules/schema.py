"""What rule packs may name: table kinds, their column paths and their sides.

The table kinds and their columns come from budgetaudit/data/catalogue.yaml, the same catalogue the
recogniser uses. A few kinds the recogniser builds outside the catalogue's grid templates are
described here (performance tables, the 三公 comparison printed inside the prose, the blocks of
公开06表), so rules can name them too.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml


@dataclass(frozen=True)
class KindSchema:
    kind: str
    family: str | None
    columns: tuple[tuple[str, ...], ...]  # every known column path (all sides together)
    sides: tuple[str, ...] = ()  # row sides a selector may name (收入/支出, 人员经费/公用经费)
    open_columns: bool = False  # columns vary by document (years): any path under them is accepted


# Kinds whose columns the catalogue does not list as a grid (see the model contract).
_SUPPLEMENT: dict[str, dict] = {
    "整体绩效目标表": {"columns": [["预算资金情况"]]},
    "项目绩效目标表": {"columns": [["预算资金情况"]]},
    "一般公共预算财政拨款基本支出决算表": {"columns": [["决算数"]], "sides": ["人员经费", "公用经费"]},
    "三公经费预算对比表": {"family": "预算", "columns": [["金额"]], "open": True},
}


@lru_cache(maxsize=1)
def kinds() -> dict[str, KindSchema]:
    text = resources.files("budgetaudit.data").joinpath("catalogue.yaml").read_text("utf-8")
    out: dict[str, KindSchema] = {}
    for entry in yaml.safe_load(text) or []:
        kind = entry["kind"]
        cols: list[tuple[str, ...]] = [tuple(c) for c in entry.get("columns", []) or []]
        sides = tuple((entry.get("sides") or {}).keys())
        for side_cols in (entry.get("sides") or {}).values():
            for c in side_cols:
                if tuple(c) not in cols:
                    cols.append(tuple(c))
        for variant in entry.get("variants", []) or []:  # other printed layouts (三公 in one row)
            for c in variant:
                if tuple(c) not in cols:
                    cols.append(tuple(c))
        extra = _SUPPLEMENT.get(kind, {})
        for c in extra.get("columns", []):
            if tuple(c) not in cols:
                cols.append(tuple(c))
        sides = sides or tuple(extra.get("sides", ()))
        out[kind] = KindSchema(kind, entry.get("family"), tuple(cols), sides, bool(extra.get("open")))
    for kind, extra in _SUPPLEMENT.items():
        if kind not in out:
            cols = tuple(tuple(c) for c in extra.get("columns", []))
            out[kind] = KindSchema(kind, extra.get("family"), cols, tuple(extra.get("sides", ())),
                                   bool(extra.get("open")))
    return out


def kind(name: str) -> KindSchema | None:
    return kinds().get(name)


class ColumnError(ValueError):
    pass


def resolve_column(schema: KindSchema, path: tuple[str, ...]) -> tuple[str, ...]:
    """The canonical column path ``path`` names in ``schema``.

    A full path matches itself; otherwise a unique suffix is enough (``公务用车购置费`` for
    ``公务用车购置及运行费.公务用车购置费``). Unknown or ambiguous paths raise ColumnError.
    """
    if path in schema.columns:
        return path
    if schema.open_columns and any(path[: len(c)] == c for c in schema.columns):
        return path
    hits = [c for c in schema.columns if len(c) > len(path) and c[-len(path):] == path]
    label = ".".join(path)
    if len(hits) == 1:
        return hits[0]
    if not hits:
        raise ColumnError(f'unknown column "{label}" in {schema.kind}')
    options = ", ".join(".".join(h) for h in hits)
    raise ColumnError(f'ambiguous column "{label}" in {schema.kind} (could be {options})')
