"""Row labels and 科目编码: normalising names for lookup, recognising codes, totals and units."""

from __future__ import annotations

import re
from functools import lru_cache

_SPACES = re.compile(r"\s+")
# Leading enumerators: 一、 （一） (一) 1. 1、 (1) ① 其中：
_ENUMERATOR = re.compile(
    r"^(?:其中\s*[:：]?\s*)?"
    r"(?:[一二三四五六七八九十]+\s*[、.．]|[（(]\s*[一二三四五六七八九十\d]+\s*[)）]|\d+\s*[、.．](?!\d)|[①-⑳])?"
    r"\s*(?:其中\s*[:：]\s*)?"
)

CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")  # 3/5/7-digit function or 3/5-digit economic codes
UNIT_CODE = re.compile(r"^\d{6}$")
TOTAL_KEYS = {"合计", "总计", "小计"}


@lru_cache(maxsize=16384)  # labels and lines are compacted again by every check that reads them
def compact(text: str) -> str:
    """Whitespace removed: "收 入 总 计" → "收入总计"."""
    return _SPACES.sub("", text or "")


def collapse(text: str) -> str:
    """Whitespace runs to one space, trimmed (names as printed)."""
    return _SPACES.sub(" ", text or "").strip()


@lru_cache(maxsize=8192)  # the same labels are keyed by every table and rule that looks them up
def row_key(name: str) -> str:
    """The lookup key of a row label: no spaces, no leading enumerator, ASCII brackets widened."""
    key = compact(name)
    key = _ENUMERATOR.sub("", key, count=1)
    return key.replace("(", "（").replace(")", "）")


def code_level(code: str | None) -> int:
    if not code:
        return 0
    return {3: 1, 5: 2, 7: 3}.get(len(code), 0)


def is_total_label(name: str) -> bool:
    key = row_key(name)
    return key in TOTAL_KEYS or key in {"合计数", "总计数"}


_LEADING_CODE = re.compile(r"^(\d{3,7})(?:\s+|(?=[\u4e00-\u9fff]))(.*)$")


def split_code(text: str) -> tuple[str | None, str]:
    """"2101501 行政运行" → ("2101501", "行政运行"); "578002 沈阳市…" → ("578002", "沈阳市…")."""
    t = text.strip()
    m = _LEADING_CODE.match(t)
    if m and (CODE.match(m.group(1)) or UNIT_CODE.match(m.group(1))):
        return m.group(1), m.group(2).strip()
    if CODE.match(t) or UNIT_CODE.match(t):
        return t, ""
    return None, t


_GLUED_CODE = re.compile(r"^(\d{3}(?:\d{2}){0,2})(?=[\u4e00-\u9fff])")


def unglue_code(token: str) -> list[str]:
    """"310资本性支出" → ["310", "资本性支出"]: a 科目编码 printed against its name."""
    m = _GLUED_CODE.match(token)
    return [m.group(1), token[m.end():]] if m else [token]
