"""The catalogue of known tables (data/catalogue.yaml): kinds, numbers, aliases and column templates."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import yaml

from ..amounts import unit_of
from .labels import compact


@dataclass(frozen=True)
class TableSpec:
    kind: str
    family: str
    numbers: tuple[str, ...]
    aliases: tuple[str, ...]
    layout: str
    text: tuple[str, ...] = ()
    columns: tuple[tuple[str, ...], ...] = ()
    variants: tuple[tuple[tuple[str, ...], ...], ...] = ()  # other printed layouts of the same table
    sides: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)


def _title_key(text: str) -> str:
    """Titles compare without spaces, quotes, brackets style or a trailing 表 number."""
    t = compact(text)
    t = re.sub(r"[“”\"'‘’「」《》]", "", t)
    return t.replace("(", "（").replace(")", "）")


@lru_cache(maxsize=1)
def specs() -> tuple[TableSpec, ...]:
    raw = yaml.safe_load(resources.files("budgetaudit.data").joinpath("catalogue.yaml").read_text("utf-8"))
    out = []
    for entry in raw:
        out.append(
            TableSpec(
                kind=entry["kind"],
                family=entry["family"],
                numbers=tuple(compact(n) for n in entry.get("numbers", [])),
                aliases=tuple(entry.get("aliases", [])),
                layout=entry["layout"],
                text=tuple(entry.get("text", [])),
                columns=tuple(tuple(c) for c in entry.get("columns", [])),
                variants=tuple(tuple(tuple(c) for c in v) for v in entry.get("variants", [])),
                sides={k: tuple(tuple(c) for c in v) for k, v in entry.get("sides", {}).items()},
            )
        )
    return tuple(out)


@lru_cache(maxsize=1)
def _alias_index() -> dict[str, TableSpec]:
    index: dict[str, TableSpec] = {}
    for spec in specs():
        for alias in (spec.kind, *spec.aliases):
            index.setdefault(_title_key(alias), spec)
    return index


def by_kind(kind: str) -> TableSpec | None:
    for spec in specs():
        if spec.kind == kind:
            return spec
    return None


def by_number(number: str, family: str | None = None) -> TableSpec | None:
    key = compact(number)
    for spec in specs():
        if key in spec.numbers and (family is None or spec.family == family):
            return spec
    return None


_TITLE_PREFIX = re.compile(
    r"^(?:[-•·*]\s*)?(?:附件\d*[:：]?)?(?:\d{4}年(?:度)?)?"
    r"(?:(?:附?表|公开)\s*(?:\d+|[一二三四五六七八九十]{1,3}(?=[.、．:：\s]))\s*表?\s*[.、．:：]?\s*|[一二三四五六七八九十]+\s*[、.．]\s*|\d+\s*[、.．]\s*)?"
)


# A 目录 entry's dotted leader and page number: "一、收支预算总表……………… 12", "收支预算总表 12".
_PAGE_REF = re.compile(r"(?:\s*[.．…·_—-]{2,}\s*|(?<=表)\s+)\d{1,4}\s*$|\s*[.．…·_]{3,}\s*$")
# "辽宁省医疗保障局(本级)2024年度" before a table's name: the entity and year it is for.
_ENTITY_YEAR = re.compile(r"^.{2,30}?\d{4}年(?:度)?")


# The unit printed after the title on its line: "支出预算总表（单位：万元）", "支出预算总表 单位:万元".
_UNIT_SUFFIX = re.compile(r"\s*[（(]?\s*(?:金额)?单位\s*[:：]\s*(?:亿元|万元|千元|元)\s*[)）]?\s*$")
# The table's number printed after the title on its line: "支出预算总表 表3", "收支总表 公开01表".
_NUMBER_SUFFIX = re.compile(r"(?<=[表）)])\s+((?:[附续]?表\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})|公开\s*\d{1,2}\s*表))\s*$")
# A table continued after a page break: "支出预算总表（续）", "支出预算总表续表", "续表3 支出预算总表".
_CONTINUED = re.compile(r"(?:[（(]续表?\d*[)）]|续表?\d*)$|^续表\d*[.、．:：]?")


# A title printed on one line with its number, 部门 and unit, as tables-only files print them:
# "收支预算总表公开表一部门: 江苏省人大常委会办公厅 单位:万元", "财政拨款支出预算表部门:… 单位:万元…".
_HEADER_LINE = re.compile(
    r"^(?P<title>.{2,40}?表(?:[（(][^（）()]{1,8}[)）])?)\s*"
    r"(?P<rest>(?:(?:公开\s*表|附表|表|公开)\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*表?(?![\d\u4e00-\u9fff]{2})"
    r"|(?:公开\s*表|附表|表|公开)\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*表?\s*(?=部门|单位|编制单位)"
    r"|(?:编制)?(?:部门|单位)(?:名称)?\s*[:：]|(?:金额)?单位\s*[:：]).*)$"
)
# A trailing qualifier of the classification a table is printed by: "（功能科目）", "（经济科目）".
_QUALIFIER = re.compile(r"（[^（）]{2,8}）$")


def split_header_line(text: str) -> tuple[str, str]:
    """(title, what follows it on the line) when a title shares its line with number, 部门 or unit."""
    m = _HEADER_LINE.match(text.strip())
    if not m or "表" not in m.group("title") or re.search(r"[，。；]", m.group("title")):
        return text, ""
    return m.group("title"), m.group("rest")


@lru_cache(maxsize=16384)  # every line is asked, and again while segmenting; the catalogue is fixed
def match_title(text: str) -> TableSpec | None:
    """The spec whose title this line is (TOC entries like "表 3. 支出预算总表" included)."""
    text = split_header_line(text)[0]
    t = _title_key(_NUMBER_SUFFIX.sub("", _UNIT_SUFFIX.sub("", _PAGE_REF.sub("", text))))
    if not t or len(t) > 60 or "表" not in t:
        return None
    t = _CONTINUED.sub("", t)
    t = _TITLE_PREFIX.sub("", t)
    t = re.sub(r"^[^\u4e00-\u9fff]*", "", t)
    hit = _lookup(t)
    if hit is None and _QUALIFIER.search(t):
        hit = _lookup(_QUALIFIER.sub("", t))  # "一般公共预算支出预算表（功能科目）"
    return hit


def _lookup(t: str) -> TableSpec | None:
    hit = _alias_index().get(t)
    if hit is None and "部分" not in t:
        hit = _alias_index().get(_ENTITY_YEAR.sub("", t))
    if hit or len(t) > 40 or "部分" in t:
        return hit
    # "XX单位收支预算总表", "2024年部门财政拨款收支预算总表": the longest known name the title ends
    # with ("2026年辽宁省…单位预算批复表" style headings are not tables).
    for alias in _aliases_longest_first():
        if len(alias) >= 5 and t.endswith(alias) and len(t) - len(alias) <= 16:
            return _alias_index()[alias]
    return None


@lru_cache(maxsize=1)
def _aliases_longest_first() -> tuple[str, ...]:
    return tuple(sorted(_alias_index(), key=len, reverse=True))


def toc_title(text: str) -> str:
    """A 目录 entry as its title, without leader and page number."""
    return _PAGE_REF.sub("", text).strip()


@lru_cache(maxsize=1)
def _alias_prefixes() -> frozenset[str]:
    return frozenset(alias[:n] for alias in _alias_index() for n in range(3, len(alias)))


@lru_cache(maxsize=16384)
def is_title_prefix(text: str) -> bool:
    """True when the line is the first part of a title wrapped over two lines ("项目支出预" + "算表")."""
    t = _title_key(text)
    if len(t) < 3 or len(t) > 40:
        return False
    return _TITLE_PREFIX.sub("", t) in _alias_prefixes()


_CN_NUMERAL = "[一二三四五六七八九十]{1,3}"
_NUMBER = re.compile(
    rf"^(?:[附续]?表\s*(\d{{1,2}}|{_CN_NUMERAL})|公开\s*(\d{{1,2}})\s*表|公开\s*表\s*(\d{{1,2}}|{_CN_NUMERAL}))(?![\d])"
)


def numeral(text: str) -> int:
    """"12" or "十二" → 12 (table numbers are printed both ways)."""
    if text.isdigit():
        return int(text)
    digits = "一二三四五六七八九"
    if "十" not in text:
        return digits.index(text) + 1
    tens, _, units = text.partition("十")
    return (digits.index(tens) + 1 if tens else 1) * 10 + (digits.index(units) + 1 if units else 0)


def title_number(text: str) -> str | None:
    """The number printed on a title's line: "表1 收支预算总表", "附表3. 支出预算总表", "支出预算总表 表3"."""
    title, rest = split_header_line(text)
    if rest:
        return _number_of(_NUMBER.match(rest))
    t = _UNIT_SUFFIX.sub("", text).strip()
    after = _NUMBER_SUFFIX.search(t)
    return _number_of(_NUMBER.match(after.group(1) if after else t))


def _number_of(m: re.Match | None) -> str | None:
    """表N for 表/附表 numbers; 公开0N表 for 公开N表 and 公开表N (one numbering, printed both ways)."""
    if not m:
        return None
    if m.group(1):
        return f"表{numeral(m.group(1))}"
    return f"公开{numeral(m.group(2) or m.group(3)):02d}表"


@lru_cache(maxsize=8192)  # asked of every line near a title, and again while parsing
def table_number(text: str) -> str | None:
    """"表 3", "表三", "附表3" → "表3"; "公开 01 表 单位:万元" → "公开01表"."""
    t = text.strip()
    m = _NUMBER.match(t)
    if not m:
        m = re.search(r"(?:^|\s)公开\s*(\d{1,2})\s*表", t)
        if not m:
            return None
        return f"公开{int(m.group(1)):02d}表"
    if m.group(1) or m.group(3):
        rest = t[m.end():].strip()
        if rest and not re.match(r"^[.．、]?\s*$", rest) and not unit_of(rest):
            # "表 1. 收支预算总表" is a TOC entry, handled by match_title; here only bare numbers count.
            return None
    return _number_of(m)
