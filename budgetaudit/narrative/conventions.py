"""The Chinese text conventions of the 情况说明, written once: enumerators and their depth.

一、 (0) > （一） (1) > 1. (2) > （1） (3) > ① (4); "第一部分/第二章" heads a part (no list depth).
The paragraph joiner (text), the label trimmer (labels) and the list reader (lists) use these.
"""

from __future__ import annotations

import re

_CN = "一二三四五六七八九十"
# (pattern, depth): depth -1 is a part or chapter heading, not a list level.
ENUMERATORS: tuple[tuple[str, int], ...] = (
    (rf"第[{_CN}百\d]+[部章节条]", -1),
    (rf"[{_CN}]+\s*[、.．]", 0),
    (rf"[（(]\s*[{_CN}]+\s*[)）]", 1),
    (r"\d{1,2}\s*[、．.](?!\d)", 2),
    (r"[（(]\s*\d{1,2}\s*[)）]", 3),
    (r"[①-⑳]", 4),
)
_BULLET = r"(?:[-*•]\s*)?"
_DEPTHS = tuple((re.compile("^" + pattern), depth) for pattern, depth in ENUMERATORS)
# A line that starts a heading, a list item or an article (or a table title "表 3").
STARTER = re.compile("^" + _BULLET + "(?:" + "|".join(p for p, _ in ENUMERATORS) + r"|表\s*\d+)")
# An enumerator in front of a label (list levels only).
LEAD = re.compile("^" + _BULLET + "(?:" + "|".join(p for p, d in ENUMERATORS if d >= 0) + ")")

_NUMERALS = {ch: i for i, ch in enumerate(_CN, start=1)}
_NUMBER = re.compile(rf"^[（(]?\s*(?P<n>\d{{1,2}}|[{_CN}]{{1,3}}|[①-⑳])")


def item_depth(text: str) -> int | None:
    """The list depth of an enumerated line, None for other lines and part headings."""
    t = text.lstrip(" -•*")
    for pattern, depth in _DEPTHS:
        if pattern.match(t):
            return None if depth < 0 else depth
    return None


def item_number(text: str) -> int | None:
    """The number of an enumerated item: "3." → 3, "（二）" → 2, "十一、" → 11, "④" → 4."""
    if item_depth(text) is None:
        return None
    m = _NUMBER.match(text.lstrip(" -•*"))
    if not m:
        return None
    n = m.group("n")
    if n.isascii():
        return int(n)
    if "①" <= n <= "⑳":
        return ord(n) - ord("①") + 1
    if n == "十":
        return 10
    if n.startswith("十"):
        return 10 + _NUMERALS[n[1]]
    if len(n) >= 2 and n[1] == "十":
        return _NUMERALS[n[0]] * 10 + (_NUMERALS[n[2]] if len(n) > 2 else 0)
    return _NUMERALS.get(n[0])
