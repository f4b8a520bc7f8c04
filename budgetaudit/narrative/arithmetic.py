"""Inline arithmetic: "61天*400元/天*4人=9.76万元", "12500万元*3%*12月＝4500万元".

Project descriptions justify amounts with products of quantities and rates. Each operand keeps its
unit: money units and 万-counts (万人) scale it, a percentage divides by 100, other units (人, 天,
月, 元/天) are plain factors. The product is compared with the stated result in the result's unit.
"""

from __future__ import annotations

import re
from decimal import Decimal

from ..amounts import plausible_digits
from ..model import UNIT_FACTORS, Amount, Document
from .claim import Claim
from .text import paragraphs

_CJK = r"[\u4e00-\u9fff]"
_OPERAND = rf"\d+(?:\.\d+)?\s*(?:万元|亿元|千元|元/{_CJK}{{1,2}}|元|万{_CJK}|%|{_CJK}{{1,2}}(?:/{_CJK}{{1,2}})?)?"
_OP = r"\s*[*×xX＊÷+\-]\s*|\s*/\s*(?=\d)"
_EXPRESSION = re.compile(
    rf"(?<![\d.])(?P<expr>{_OPERAND}(?:(?:{_OP}){_OPERAND})+)\s*[=＝]\s*"
    r"(?P<result>\d+(?:\.\d+)?)\s*(?P<unit>万元|亿元|千元|元|万)?"
)
_PIECE = re.compile(rf"(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>万元|亿元|千元|元/{_CJK}{{1,2}}|元|万{_CJK}|%|{_CJK}{{1,2}}(?:/{_CJK}{{1,2}})?)?")
_MONEY = {"万元": Decimal(10000), "亿元": Decimal(100000000), "千元": Decimal(1000), "元": Decimal(1), "万": Decimal(10000)}


def _factor(unit: str | None, *, money: bool = True) -> Decimal:
    if not unit:
        return Decimal(1)
    if unit == "%":
        return Decimal("0.01")
    if unit in _MONEY:
        return _MONEY[unit] if money else Decimal(1)
    if unit.startswith("元/"):
        return Decimal(1)
    if unit.startswith("万"):
        return Decimal(10000)
    return Decimal(1)


def _evaluate(expr: str, *, money: bool) -> Decimal | None:
    """Value of ``expr`` in 元 (``money``) or in plain numbers; * and / bind tighter than + and -."""
    pieces: list[Decimal] = []
    ops: list[str] = []
    pos = 0
    while pos < len(expr):
        m = _PIECE.match(expr, pos)
        if not m:
            return None
        integer, _, fraction = m.group("num").partition(".")
        if not plausible_digits(integer, fraction):
            return None
        pieces.append(Decimal(m.group("num")) * _factor(m.group("unit"), money=money))
        pos = m.end()
        op = re.match(r"\s*([*×xX＊÷+\-/])\s*", expr[pos:])
        if not op:
            break
        ops.append(op.group(1))
        pos += op.end()
    if len(pieces) != len(ops) + 1:
        return None
    terms: list[Decimal] = [pieces[0]]
    signs: list[str] = []
    for op, value in zip(ops, pieces[1:], strict=True):
        if op in "*×xX＊":
            terms[-1] *= value
        elif op in "/÷":
            if value == 0:
                return None
            terms[-1] /= value
        else:
            signs.append(op)
            terms.append(value)
    total = terms[0]
    for sign, value in zip(signs, terms[1:], strict=True):
        total = total + value if sign == "+" else total - value
    return total


def _has_money(expr: str) -> bool:
    return any((m.group("unit") or "") in ("万元", "亿元", "千元", "元") or (m.group("unit") or "").startswith("元/") for m in _PIECE.finditer(expr))


def check_value(expr: str, unit: str | None) -> tuple[Decimal | None, Decimal | None]:
    """(value in the result's unit by unit algebra, value as plain numbers) for ``expr``."""
    in_yuan = _evaluate(expr, money=True)
    algebra = in_yuan / _factor(unit) if in_yuan is not None else None
    plain = None if _has_money(expr) else _evaluate(expr, money=False)
    return algebra, plain


def arithmetic_claims(document: Document) -> list[Claim]:
    """One claim per written calculation, anywhere in the document (tables' text included)."""
    out: list[Claim] = []
    for index, para in enumerate(paragraphs(document, include_tables=True)):
        text = para.text
        if "=" not in text and "＝" not in text:
            continue  # no calculation is written without its equals sign: most paragraphs need no scan
        for m in _EXPRESSION.finditer(text):
            expr = m.group("expr").strip()
            unit = m.group("unit")
            result = m.group("result")
            decimals = len(result.split(".")[1]) if "." in result else 0
            algebra, plain = check_value(expr, unit)
            if algebra is None and plain is None:
                continue
            if not plausible_digits(*result.partition(".")[::2]):
                continue
            stated = Decimal(result)
            amount = None
            if unit in UNIT_FACTORS:
                amount = Amount(stated * UNIT_FACTORS[unit], decimals, unit, result + unit)
            elif unit == "万":
                amount = Amount(stated, decimals, "万元", result + unit)
            start = m.start("result")
            end = m.end("unit") if unit else m.end("result")
            last = end - 1
            while last > start and para.line_at(last) != para.line_at(start):
                last -= 1
            out.append(
                Claim(
                    id=0,
                    kind="arithmetic",
                    label=f"{expr}={result}{unit or ''}",
                    canonical=None,
                    line=para.line_at(start),
                    page=para.page_at(start),
                    span=(para.column_at(start), para.column_at(last) + 1),
                    offset=(m.start(), end),
                    sentence=text[m.start() : end],
                    paragraph=index,
                    amount=amount,
                    unit=unit or "",
                    expression=expr,
                    computed=algebra if algebra is not None else plain,
                    extra={"stated": stated, "decimals": decimals, "plain": plain, "first_line": para.line_at(m.start())},
                )
            )
    return out
