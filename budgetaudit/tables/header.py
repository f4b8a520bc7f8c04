"""Header rows → column paths, and printed paths → the catalogue's canonical paths."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import yaml

from .labels import compact


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, frozenset[str]]:
    """The header words of data/headers.yaml, each list as a set of cleaned words."""
    raw = yaml.safe_load(resources.files("budgetaudit.data").joinpath("headers.yaml").read_text("utf-8"))
    return {key: frozenset(clean(w) for w in words) for key, words in raw.items()}


_QUOTES = re.compile(r"[“”\"'‘’]")


@lru_cache(maxsize=8192)  # the same few hundred header words are compared over and over
def clean(text: str) -> str:
    """A header cell compared without spaces, quotes or ASCII brackets."""
    t = compact(text)
    t = _QUOTES.sub("", t)
    return t.replace("(", "（").replace(")", "）")


def is_text_header(name: str) -> bool:
    """A header cell over a text column (a name, a code, a description), not over amounts."""
    v = vocabulary()
    return name in v["text"] or any(name.endswith(s) for s in v["text_suffixes"])


def is_code_header(name: str) -> bool:
    """A header cell over a code column, or over one level of a code split in columns (类/款/项)."""
    v = vocabulary()
    return name in v["codes"] or name in v["code_parts"] or any(name.endswith(s) for s in v["code_suffixes"])


def is_name_header(name: str) -> bool:
    """A text header over the row's name (not a code, a line number or a description)."""
    return is_text_header(name) and not is_code_header(name) and name not in vocabulary()["not_names"]


_PREAMBLE = re.compile(r"^([^:：]{1,6})\s*[:：]")


def is_preamble_cells(cells: list[str]) -> bool:
    """A tab row between title and header: 部门：… | 单位：万元 (its first cell a preamble label)."""
    filled = [c for c in cells if c.strip()]
    if not filled:
        return False
    m = _PREAMBLE.match(compact(filled[0]))
    return bool(m) and m.group(1) in vocabulary()["preamble"]


def header_paths(rows: list[list[str]], width: int) -> list[tuple[str, ...]]:
    """Column path at each position: a header cell spans right until the next filled cell of its
    row, never beyond its parent's span (after group labels printed a cell off their sub-headers
    are put back over them)."""
    grid = [[clean(c) for c in row][:width] + [""] * (width - len(row)) for row in rows]
    anchor_groups(grid, width)
    paths: list[list[str]] = [[] for _ in range(width)]
    parent_end = [width] * width
    for cells in grid:
        spans, parent_end = _spans(cells, parent_end)
        for p, q in spans:
            for x in range(p, q):
                paths[x].append(cells[p])
    return [tuple(p) for p in paths]


def _spans(cells: list[str], parent_end: list[int]) -> tuple[list[tuple[int, int]], list[int]]:
    """The span of each filled cell of a header row, and each position's bound for the row below."""
    width = len(cells)
    new_end = parent_end[:]
    spans = []
    p = 0
    while p < width:
        if not cells[p]:
            p += 1
            continue
        end = parent_end[p]
        q = p + 1
        while q < end and not cells[q]:
            q += 1
        spans.append((p, q))
        for x in range(p, q):
            new_end[x] = q
        p = q
    return spans, new_end


def anchor_groups(grid: list[list[str]], width: int) -> None:
    """Move group labels that extraction printed one cell off the run of sub-headers they head.

    A group's label sits over its first column, and so does its first sub-header. Two shifts break
    that and send sub-headers to the wrong group:
    - the label one cell left of its run, over the last sub-header of the group before it
      (上年结转结余 over 单位资金.其他收入, its own 合计 one cell right), told by a deeper row's run
      going on under it or by the run one cell right repeating the group before's names: moved
      right onto its run;
    - the label one cell right of its run, so that the run's first sub-header joins the group before,
      whose sub-headers then repeat (…单位资金, 合计, 一般公共预算…): moved left onto the repeat.
    """
    for _ in range(width):  # each move settles one label; stop when none is left
        if not _move_one_label(grid, width):
            return


def _move_one_label(grid: list[list[str]], width: int) -> bool:
    parent_end = [width] * width
    for r in range(len(grid) - 1):
        cells, below = grid[r], grid[r + 1]
        spans, next_end = _spans(cells, parent_end)
        for i, (p, q) in enumerate(spans):
            if p > 0 and q > p + 1 and below[p + 1] and (
                    # a deeper sub-header under the label continues a run from the left
                    not below[p] and any(row[p] and row[p - 1] for row in grid[r + 2:])
                    # or the run one cell right repeats the group before's names, not the one under it
                    or i > 0 and _names(below, p + 1, q) == _names(below, spans[i - 1][0], p) != []
                    and below[p] != _names(below, p + 1, q)[0]):
                cells[p + 1], cells[p] = cells[p], ""
                return True
            if i + 1 < len(spans):
                m = spans[i + 1][0] - 1  # the cell before the next label
                if m > p and not cells[m] and _repeats(below, p, m, spans[i + 1][1]):
                    cells[m], cells[m + 1] = cells[m + 1], ""
                    return True
        parent_end = next_end
    return False


def _names(below: list[str], start: int, end: int) -> list[str]:
    """The first two sub-header names in ``start..end`` (empty unless there are two)."""
    names = [c for c in below[start:end] if c][:2]
    return names if len(names) == 2 else []


def _repeats(below: list[str], start: int, m: int, end: int) -> bool:
    """Whether the sub-headers from ``m`` on begin with the same two names as those from ``start``."""
    return bool(below[m]) and _names(below, start, m) == _names(below, m, end) != []


def canonical(paths: list[tuple[str, ...]], template: tuple[tuple[str, ...], ...]) -> list[tuple[str, ...]]:
    """Printed amount-column paths mapped onto the catalogue's paths where they can be recognised.

    Group headers the catalogue does not know ("本年一般公共预算支出", a stray "项目") are dropped,
    then a path is matched exactly, or by its last name plus any known ancestors.
    """
    if not template:
        return paths
    paths = strip_common_prefix(paths)
    vocabulary = {name for path in template for name in path}
    reduced_all = [tuple(name for name in path[:-1] if name in vocabulary) + path[-1:] for path in paths]
    if len(set(reduced_all)) != len(reduced_all):
        reduced_all = paths  # dropping unknown groups would merge columns: keep them
    out = []
    used: set[int] = set()
    for reduced in reduced_all:
        match = None
        for i, t in enumerate(template):
            if t == reduced and i not in used:
                match = i
                break
        if match is None:
            for i, t in enumerate(template):
                if i in used or not same_leaf(t[-1], reduced[-1]):
                    continue
                if set(reduced[:-1]) <= set(t[:-1]):
                    match = i
                    break
        if match is None:
            match = _group_total(reduced, template, used)
        if match is not None:
            used.add(match)
            out.append(template[match])
        else:
            out.append(reduced)
    return out


def _group_total(path: tuple[str, ...], template: tuple[tuple[str, ...], ...], used: set[int]) -> int | None:
    """A printed leaf named like a template group (基本支出 printed without its sub-columns) is the
    group's total column (基本支出.小计)."""
    for i, t in enumerate(template):
        if i in used or len(t) < 2 or t[-2] != path[-1] or t[-1] not in TOTAL_SYNONYMS:
            continue
        if set(path[:-1]) <= set(t[:-2]):
            return i
    return None


def readable(paths: list[tuple[str, ...]]) -> bool:
    """Whether printed amount-column paths read as column names rather than header fragments.

    Most leaves are words some table's header uses (the catalogue's columns, totals, 金额); the
    others are whole names (单位预留机动经费), not figures or split syllables."""
    if not paths or len(set(paths)) != len(paths):
        return False  # two columns of one name: headings slid over each other
    if any(name in TOTAL_SYNONYMS for path in paths for name in path[:-1]):
        return False  # a total is a column, never a heading over others
    known = known_words()
    hits = 0
    for path in paths:
        leaf = path[-1]
        if leaf in known:
            hits += 1
        elif len(leaf) < 2 or re.search(r"\d", leaf) and not re.fullmatch(r"\d{4}年度?", leaf):
            return False
    return hits * 2 >= len(paths)


@lru_cache(maxsize=1)
def known_words() -> frozenset[str]:
    """Names of amount columns the catalogue and the header vocabulary know."""
    from .catalogue import specs

    words = set(TOTAL_SYNONYMS) | set(GROUP_HEADINGS) | set(vocabulary()["amounts"])
    for spec in specs():
        for layout in (spec.columns, *spec.variants, *spec.sides.values()):
            words.update(clean(name) for path in layout for name in path)
    return frozenset(words)


TOTAL_SYNONYMS = {"合计", "小计", "总计"}

# Group headings printed over a table's columns that its canonical column paths leave out.
GROUP_HEADINGS = {
    "本年一般公共预算支出", "本年一般公共预算基本支出", "本年政府性基金预算支出", "本年国有资本经营预算支出", "本年收入", "本年支出",
    "上年结转", "上年结转结余", "年初结转和结余", "年末结转和结余", "预算数", "决算数",
}


def same_leaf(a: str, b: str) -> bool:
    return a == b or (a in TOTAL_SYNONYMS and b in TOTAL_SYNONYMS)


def strip_common_prefix(paths: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """A heading over every amount column ("财政拨款“三公”经费") names the table, not a column."""
    if len(paths) < 2:
        return paths
    n = 0
    while all(len(p) > n + 1 for p in paths) and len({p[n] for p in paths}) == 1:
        n += 1
    return [p[n:] for p in paths]


def agreement(paths: list[tuple[str, ...]], template: tuple[tuple[str, ...], ...]) -> float:
    """Share of printed paths found in the template (1.0 when they all are, in order)."""
    if not paths:
        return 0.0
    hits = sum(1 for p in paths if p in template)
    if len(set(paths)) != len(paths):
        hits -= len(paths) - len(set(paths))
    return max(hits, 0) / max(len(paths), len(template))
