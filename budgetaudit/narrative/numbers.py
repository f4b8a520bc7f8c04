"""Numbers in prose and what they are: money, a percentage, a count — or not a quantity at all.

A number is an amount only when a currency unit follows it, so years ("2026 年"), dates
("2026-12"), 科目编码, phone numbers, page numbers and document numbers ("〔2019〕3号") never are.
Thresholds ("100 万元以上的设备"), rates ("400 元/人") and performance targets ("≥95%",
"12 个月") are recognised and set aside.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..amounts import parse_number
from ..model import UNIT_FACTORS, Amount

# "(?=\d)" first: the engine then skips to the next digit instead of trying the lookbehind everywhere.
_NUMBER = re.compile(r"(?=\d)(?<![\d.,A-Za-z])(\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.(\d+))?")
_MONEY = ("亿元", "万元", "千元", "元")
_COUNT_UNITS = ("台（套）", "台(套)", "批次", "人次", "个", "辆", "台", "套", "项", "家", "名", "张", "人", "次")
_UNIT = re.compile(r"\s*(亿\s*元|万\s*元|千\s*元|元|%|％|台（套）|台\(套\)|批次|人次|个|辆|台|套|项|家|名|张|人|次)")
# Words after an amount that make it a threshold, not a figure.
_THRESHOLD_AFTER = re.compile(r"^\s*(?:（含）|\(含\))?\s*(?:以上|以下|以内|及以上|及以下|左右)")
# Words or symbols before a number that make it a limit or a target.
_LIMIT_BEFORE = re.compile(r"(?:[≥≤<>=]|>=|<=|不超过|不低于|不少于|不高于|超过|低于|高于|大于|小于|达到|控制在)\s*$")
_RATE_AFTER = re.compile(r"^\s*/")


@dataclass(frozen=True)
class Token:
    """A number in a paragraph with its unit; ``kind`` is money | percent | count."""

    kind: str
    start: int  # offset of the first digit
    end: int  # offset after the unit
    number_end: int  # offset after the last digit
    amount: Amount | None  # money (万元) or percent
    count: int | None
    unit: str
    raw: str


def tokens(text: str) -> list[Token]:
    """Every money amount, percentage and count in ``text``, in order."""
    found: list[Token] = []
    for m in _NUMBER.finditer(text):
        start, number_end = m.start(), m.end()
        u = _UNIT.match(text, number_end)  # first: most numbers have no unit, and that check is cheapest
        if not u or _is_year_or_code(text, start, number_end):
            continue
        unit = _SPACES.sub("", u.group(1)).replace("％", "%").replace("(", "（").replace(")", "）")
        end = u.end()
        after = text[end : end + 8]
        before = text[max(0, start - 6) : start]
        number_text = m.group(0)
        parsed = parse_number(number_text)
        if parsed is None:
            continue
        value, decimals, _ = parsed
        if unit in _MONEY:
            if _RATE_AFTER.match(after) or _THRESHOLD_AFTER.match(after) or _LIMIT_BEFORE.search(before):
                continue
            raw = text[start:end]
            amount = Amount(value * UNIT_FACTORS[unit], decimals, unit, raw)
            found.append(Token("money", start, end, number_end, amount, None, unit, raw))
        elif unit == "%":
            if _LIMIT_BEFORE.search(before):
                continue
            raw = text[start:end]
            found.append(Token("percent", start, end, number_end, Amount(value, decimals, "%", raw, percent=True), None, "%", raw))
        else:
            if decimals or after.startswith(("月", "/")) or _LIMIT_BEFORE.search(before):
                continue  # "12 个月", "次/月", "≥ 3 次" are durations, rates and targets
            if unit == "人" and after.startswith(("民", "员")):
                continue
            found.append(Token("count", start, end, number_end, None, int(value), unit, text[start:end]))
    return found


_SPACES = re.compile(r"\s+")
_YEAR = re.compile(r"(?:19|20)\d{2}")
_AFTER_YEAR = re.compile(r"\s*(?:年|[-—./]\d|结转|〕|】|\]|）)")
_DOCUMENT_NUMBER_OPEN = re.compile(r"[〔【\[]\s*$")
_DOCUMENT_NUMBER_CLOSE = re.compile(r"\s*号")


def _is_year_or_code(text: str, start: int, end: int) -> bool:
    digits = text[start:end]
    after = text[end : end + 3]
    before = text[max(0, start - 2) : start]
    if _YEAR.fullmatch(digits) and _AFTER_YEAR.match(after):
        return True
    if _DOCUMENT_NUMBER_OPEN.search(before):
        return True
    return bool(_DOCUMENT_NUMBER_CLOSE.match(after))
