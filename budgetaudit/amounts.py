"""Printed numbers → exact amounts.

One parser for every number form the disclosures use: ``6,361.21``, ``3, 336. 53``, ``0. 21``,
``279367.88``, full-width digits, ``(5.00)``, ``-5.00``, ``37.63%``; blanks and dashes are nil.
Amounts keep the number of decimals they were printed with, because that is where rounding
tolerance comes from (DESIGN.md §2).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from .model import UNIT_FACTORS, Amount

_FULLWIDTH = str.maketrans(
    "０１２３４５６７８９．％－＋＝＜＞：；　",
    "0123456789.%-+=<>:; ",
)

NIL_MARKERS = {"", "—", "——", "-", "--", "－", "/", "－－", "─", "–", "―", "— —"}

# A whole cell that is one number: optional sign or parentheses, thousands separators, decimals.
_NUMBER = re.compile(
    r"""^(?P<open>[(（])?\s*(?P<sign>[-−+])?\s*
        (?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?
        \s*(?P<close>[)）])?\s*(?P<pct>%)?$""",
    re.VERBOSE,
)


# Digits a printed amount can have: the largest budgets are about 10¹³ 元 with 2 decimals, and
# rates are printed with a few decimals. A longer run of digits is an identifier or garbage, not
# an amount, and exact arithmetic on it would exceed the Decimal context.
MAX_INTEGER_DIGITS = 16
MAX_FRACTION_DIGITS = 8


def plausible_digits(integer: str, fraction: str = "") -> bool:
    """Whether a number with these digit runs can be a printed amount (see MAX_INTEGER_DIGITS)."""
    return len(integer.replace(",", "").lstrip("0")) <= MAX_INTEGER_DIGITS and len(fraction) <= MAX_FRACTION_DIGITS


_FULLWIDTH_COMMA = re.compile(r"(?<=\d)，(?=\d{3}(?!\d))")
_FULLWIDTH_COMMA_GAP = re.compile(r"(?<=\d)， (?=\d{3}\.\s?\d)")
_FULLWIDTH_POINT = re.compile(r"(?<=\d)。(?=\d)")
_COMMA_GAP = re.compile(r"(?<=\d), (?=\d{3}(?!\d))")
_POINT_GAP = re.compile(r"(?<=\d)\. (?=\d)")


@lru_cache(maxsize=8192)  # cells and sentences are normalised again by every stage that reads them
def normalize(text: str) -> str:
    """Full-width forms to ASCII, TeX comparison artefacts to symbols, spaces out of numbers."""
    text = text.translate(_FULLWIDTH)
    if "\\" in text or "&" in text:
        text = text.replace("\\geq", "≥").replace("\\leq", "≤").replace("&gt;", ">").replace("&lt;", "<")
    if "，" in text:
        text = _FULLWIDTH_COMMA.sub(",", text)
        # A full-width separator with the extraction gap after it, inside an amount: "1， 681. 43".
        text = _FULLWIDTH_COMMA_GAP.sub(", ", text)
    if "。" in text:
        text = _FULLWIDTH_POINT.sub(".", text)
    return join_number_spaces(text)


def join_number_spaces(text: str) -> str:
    """Close the gaps PDF extraction leaves inside numbers: ``3, 336. 53`` → ``3,336.53``."""
    if ", " in text:
        text = _COMMA_GAP.sub(",", text)
    if ". " in text:
        text = _POINT_GAP.sub(".", text)
    return text


def is_nil(text: str) -> bool:
    return text.strip() in NIL_MARKERS


@lru_cache(maxsize=8192)  # a document prints its few hundred amounts several times each
def parse_number(text: str) -> tuple[Decimal, int, bool] | None:
    """``(value, decimals, is_percent)`` when the whole text is one number, else None."""
    t = normalize(text).strip()
    m = _NUMBER.match(t)
    if not m:
        return None
    if bool(m.group("open")) != bool(m.group("close")):
        return None
    frac = m.group("frac") or ""
    if not plausible_digits(m.group("int"), frac):
        return None
    try:
        value = Decimal(m.group("int").replace(",", "") + ("." + frac if frac else ""))
    except InvalidOperation:
        return None
    if m.group("open") or m.group("sign") in ("-", "−"):
        value = -value
    return value, len(frac), bool(m.group("pct"))


@lru_cache(maxsize=8192)  # Amount is frozen: one instance can stand for every printing of a number
def to_amount(text: str, unit: str = "万元") -> Amount | None:
    """An Amount in 万元 for a number printed in ``unit``; None when the text is not a number."""
    parsed = parse_number(text)
    if parsed is None:
        return None
    value, decimals, percent = parsed
    if percent:
        return Amount(value, decimals, "%", text.strip(), percent=True)
    return Amount(value * UNIT_FACTORS[unit], decimals, unit, text.strip())


@lru_cache(maxsize=8192)  # asked of every line near a title, and again while parsing
def unit_of(text: str) -> str | None:
    """The unit a ``单位：万元`` style declaration names, if any."""
    m = re.search(r"(?:金额)?单位\s*[:：]\s*(亿元|万元|千元|元)", normalize(text))
    if m:
        return m.group(1)
    m = re.search(r"单位\s*[:：]\s*万\s*$", text)
    return "万元" if m else None


def format_amount(value: Decimal, decimals: int = 2) -> str:
    """``7667.28`` → ``7,667.28`` for messages."""
    q = Decimal(1).scaleb(-decimals) if decimals > 0 else Decimal(1)
    try:
        return f"{value.quantize(q):,}"
    except InvalidOperation:  # more digits than the context holds: print it as it is
        return f"{value:,}"


def sum_tolerance(*amounts: Amount) -> Decimal:
    """Largest gap rounding alone can explain between a total and the sum of its parts."""
    return sum((a.tolerance for a in amounts), Decimal(0))
