"""What a label in the prose names: "鞍山市…中心 2025 年财政拨款收支总预算" → 财政拨款收支总预算.

A label is matched against a vocabulary of canonical names and the ways the disclosures write
them. The term that ends closest to the number wins (the subject nearest the figure), the longest
term among those ending there ("一般公共预算财政拨款基本支出" before "基本支出"). Bare words
("支出", "收入", "结转结余") name a total only when they are the whole label.

The vocabulary is data (budgetaudit/data/prose.yaml); a pack adds names with prose_vocabulary:.
"""

from __future__ import annotations

import re
from importlib import resources

import yaml

from .conventions import LEAD


def _load() -> dict:
    text = resources.files("budgetaudit.data").joinpath("prose.yaml").read_text("utf-8")
    return yaml.safe_load(text)


_DATA = _load()
# canonical name → aliases as written (compared after normalise_label); packs add to it (extend).
VOCABULARY: dict[str, tuple[str, ...]] = {name: tuple(aliases or ()) for name, aliases in _DATA["names"].items()}
# 功能分类 classes (类): each is its own canonical label.
FUNCTION_CLASSES: tuple[str, ...] = tuple(_DATA["function_classes"])
# Whole-label aliases: a bare word names a total only when nothing else is written.
EXACT: dict[str, str] = dict(_DATA["exact"])
# Parts listed under these totals are named relative to them ("其中：货物 0 万元").
SCOPED: dict[str, dict[str, tuple[str, ...]]] = {
    total: {part: tuple(aliases) for part, aliases in parts.items()} for total, parts in _DATA["scoped"].items()
}
# Fund scopes a label may carry ("财政拨款基本支出", "政府性基金支出预算"), with the scope each implies.
FUND_SCOPES: dict[str, str | None] = dict(_DATA["fund_scopes"])
# Names whose figure is the total of a fund scope (the one their name carries, all funds when
# none): a label naming a narrower scope names another figure, never these.
FUND_TOTALS: frozenset[str] = frozenset(_DATA["fund_totals"])
# Count labels: (canonical, words that must occur, words that must not).
COUNTS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = tuple(
    (c["name"], tuple(c["with"]), tuple(c["without"])) for c in _DATA["counts"]
)
# A direction word in a label makes its figure a change, not a level ("增加基本支出 844.15 万元").
DELTA_WORDS: tuple[str, ...] = tuple(_DATA["delta_words"])
# Parts that measure a share of their total (授予中小企业) rather than add up with the others.
ASPECTS: frozenset[str] = frozenset(_DATA.get("aspects") or ())

# Figures introduced this way are subsets reported for another purpose (绩效 coverage).
_SUBSET_WORDS = ("涉及", "其中涉及", "覆盖")

_QUOTES = str.maketrans({"“": None, "”": None, '"': None, "‘": None, "’": None, "'": None, "「": None, "」": None})
_YEAR = re.compile(r"(?:19|20)\d{2}\s*年度?")
_FILLER_HEAD = re.compile(r"^(?:其中|包括|具体为|具体包括|主要包括|另外|此外|今年)[:：]?")
_FILLER_TAIL = re.compile(r"(?:为|是|共计|共|达到|达|约为|约|总额为|金额为|数为)$")


_SPACES = re.compile(r"\s+")
_FILLER_AFTER_TERM = re.compile(r"(?:财政拨款)?(?:(?:预算|决算)|(?:数|总额|金额|安排|资金|支出|经费|情况))*")


def normalise_label(text: str) -> str:
    """Spaces and quotes out, ASCII brackets widened: "“三公” 经费" → "三公经费"."""
    t = _SPACES.sub("", text).translate(_QUOTES)
    return t.replace("(", "（").replace(")", "）")


def trim_label(text: str) -> str:
    """The subject words of a label: no enumerator, no leading 其中/包括, no trailing 为/共计."""
    t = normalise_label(text)
    for _ in range(3):
        before = t
        t = LEAD.sub("", t)
        t = _FILLER_HEAD.sub("", t)
        t = _FILLER_TAIL.sub("", t)
        if t == before:
            break
    return t


def _terms() -> list[tuple[str, str]]:
    pairs = [(alias, canonical) for canonical, aliases in VOCABULARY.items() for alias in aliases]
    pairs += [(name, name) for name in FUNCTION_CLASSES]
    return pairs


_TERMS = _terms()


def extend(names: dict[str, list[str]]) -> None:
    """Add names and aliases (a pack's prose_vocabulary:) to the vocabulary: "培训费: [培训费,
    培训费预算]" lets a pack check 说明.培训费. Adding what is already there changes nothing."""
    global _TERMS
    for name, aliases in names.items():
        known = VOCABULARY.get(name, ())
        VOCABULARY[name] = known + tuple(a for a in (name, *aliases) if a not in known)
    _TERMS = _terms()


def canonical(label: str, parent: str | None = None) -> str | None:
    """The canonical name of ``label`` (as written), or None when it names nothing known.

    ``parent`` is the canonical name of the total a part is listed under; parts of a scoping
    total (政府采购, 上年结转结余) are named relative to it.
    """
    t = trim_label(label)
    if not t or t.startswith(_SUBSET_WORDS):
        return None
    if parent in SCOPED:
        best_scoped = _rightmost(t, [(alias, f"{parent}.{part}") for part, aliases in SCOPED[parent].items() for alias in aliases])
        if best_scoped is not None:
            return best_scoped
    bare = _YEAR.sub("", t)
    bare = _FILLER_HEAD.sub("", bare)
    if bare in EXACT:
        return EXACT[bare]
    name = _rightmost(t, _TERMS)
    if name in FUND_TOTALS and not fund_scope(t) <= fund_scope(name):
        # "省检察院一般公共预算财政拨款支出预算": not 支出总计 ("支出预算") but the figure of the
        # scope the label names, when the vocabulary has one; "财政拨款基本支出" has none.
        scope = fund_scope(t)
        return _rightmost(t, [(alias, n) for alias, n in _TERMS if n in FUND_TOTALS and fund_scope(n) == scope])
    return name


def fund_scope(text: str) -> frozenset[str]:
    """The fund scopes ``text`` names, with those they imply (一般公共预算 → 财政拨款)."""
    found = {word for word in FUND_SCOPES if word in text}
    found |= {FUND_SCOPES[word] for word in found if FUND_SCOPES[word]}
    return frozenset(found)


def _rightmost(text: str, terms: list[tuple[str, str]]) -> str | None:
    found = [(text.rfind(alias), alias, name) for alias, name in terms if alias in text]
    # A term that starts inside another and runs past it is the tail of a compound, not the
    # subject: "政府采购支出预算总额" is 政府采购 (…支出), not 支出预算.
    heads = [(pos, alias, name) for pos, alias, name in found
             if not any(p < pos < p + len(a) < pos + len(alias) for p, a, _ in found)]
    best: tuple[int, int, str] | None = None
    for pos, alias, name in heads:
        key = (pos + len(alias), len(alias), name)
        if best is None or key[:2] > best[:2]:
            best = key
    if best is None:
        return None
    end = best[0]
    # The term must be the end of the subject: what follows may only be 预算/支出-style filler.
    tail = text[end:]
    # ("公务接待费支出决算", "三公经费财政拨款预算数"), but not 年初/上年/调整 (another figure's label).
    if tail and not _FILLER_AFTER_TERM.fullmatch(tail):
        return None
    return best[2]


def count_label(label: str) -> str | None:
    t = trim_label(label)
    for name, required, excluded in COUNTS:
        if all(w in t for w in required) and not any(w in t for w in excluded):
            return name
    return None
