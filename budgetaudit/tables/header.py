"""Header rows → column paths, and printed paths → the catalogue's canonical paths."""

from __future__ import annotations

import re
from functools import lru_cache

from .labels import compact

# Header cells that name text columns (labels, codes), not amounts.
TEXT_HEADERS = {
    "科目编码", "功能分类科目编码", "经济分类科目编码", "科目名称", "单位名称", "项目名称", "项目",
    "预算单位", "项目内容", "单位编码", "类", "款", "项", "行次", "栏次", "部门预算支出经济分类科目",
    "支出功能分类科目", "支出经济分类科目", "功能分类科目", "经济分类科目", "购买服务项目名称",
    "支出功能分类（类级）", "购买服务指导目录对应项目（三级目录代码及名称）", "对应项目",
}

CODE_HEADERS = {"科目编码", "功能分类科目编码", "经济分类科目编码", "单位编码"}


_QUOTES = re.compile(r"[“”\"'‘’]")


@lru_cache(maxsize=8192)  # the same few hundred header words are compared over and over
def clean(text: str) -> str:
    """A header cell compared without spaces, quotes or ASCII brackets."""
    t = compact(text)
    t = _QUOTES.sub("", t)
    return t.replace("(", "（").replace(")", "）")


def is_text_header(name: str) -> bool:
    return name in TEXT_HEADERS or name.endswith("编码") or name.endswith("名称")


def header_paths(rows: list[list[str]], width: int) -> list[tuple[str, ...]]:
    """Column path at each position: a header cell spans right until the next filled cell of its
    row, never beyond its parent's span."""
    paths: list[list[str]] = [[] for _ in range(width)]
    parent_end = [width] * width
    for row in rows:
        cells = [clean(c) for c in row] + [""] * (width - len(row))
        new_end = parent_end[:]
        p = 0
        while p < width:
            if not cells[p]:
                p += 1
                continue
            end = parent_end[p]
            q = p + 1
            while q < end and not cells[q]:
                q += 1
            for x in range(p, q):
                paths[x].append(cells[p])
                new_end[x] = q
            p = q
        parent_end = new_end
    return [tuple(p) for p in paths]


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
        if match is not None:
            used.add(match)
            out.append(template[match])
        else:
            out.append(reduced)
    return out


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
