"""The Claim record: one statement of the prose, and the sentence arithmetic all readers share."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from ..model import Amount

KINDS = ("amount", "share", "change", "count", "arithmetic")
OPENER = re.compile(r"(?:其中|具体包括|具体为|包括|分别为|(?:主要)?用于(?:以下|如下)(?:几个)?方面)\s*[:：]?")  # a list of parts follows
SENTENCE_END = set("。！？!?")


@dataclass
class Claim:
    id: int
    kind: str
    label: str  # as written (trimmed of enumerators and fillers)
    canonical: str | None
    line: int
    page: int | None = None
    span: tuple[int, int] = (0, 0)  # columns of the figure in its line (0-based, end exclusive)
    offset: tuple[int, int] = (0, 0)  # the same in the paragraph text (internal to reading)
    sentence: str = ""
    paragraph: int = 0
    amount: Amount | None = None  # money in 万元, or the percentage of a share
    count: int | None = None
    unit: str = ""
    # groups: a figure listed under a total
    parent: int | None = None
    listed: str | None = None  # "list" (enumerated items) | "inline" (其中 …, in one sentence)
    group: str | None = None  # the list a part belongs to (a total may head several lists)
    # definitions: "人员经费（即工资福利支出与对个人和家庭补助支出之和）"
    note: str | None = None
    defined_as: tuple[str, ...] = ()
    path: tuple[str, ...] = ()  # 功能科目 (类, 款, 项) when written as a chain
    # shares
    part: int | None = None
    whole: str | None = None  # canonical name of the whole, "预算数" for 完成预算的 x%
    whole_label: str | None = None
    whole_claim: int | None = None
    # changes
    subject: int | None = None
    direction: str | None = None  # 增加 | 减少 | 持平
    percent: Amount | None = None
    percent_direction: str | None = None
    previous: Amount | None = None
    base: str | None = None  # 上年 | 2025年 | 上年预算 …
    # arithmetic
    expression: str | None = None
    computed: Decimal | None = None  # in the unit of the stated result
    extra: dict = field(default_factory=dict)


_SENTENCE_ENDS = re.compile("[" + re.escape("".join(sorted(SENTENCE_END))) + "]")


def sentences(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_ENDS.finditer(text):  # not char by char: paragraphs run to a thousand characters
        spans.append((start, m.end()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def sentence_of(spans: list[tuple[int, int]], pos: int) -> int:
    for i, (a, b) in enumerate(spans):
        if a <= pos < b:
            return i
    return len(spans) - 1
