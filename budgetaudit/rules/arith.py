"""Interval arithmetic over printed amounts (DESIGN.md §2).

A printed value with d decimals stands for the interval [v − ½·10⁻ᵈ, v + ½·10⁻ᵈ] (round to nearest).
An identity ``L == R`` holds when the intervals of both sides overlap, i.e.
|L − R| ≤ tolerance(L) + tolerance(R). A blank cell is an exact 0.

Two refinements the documents need:

* The same quantity printed twice at the same precision (a *duplicate*: one number on each side)
  must be exactly equal. A gap of one unit in the last digit is the 尾差 the documents warn about
  when they convert 元 to 万元: it is reported one severity lower; larger gaps are broken.
* A value printed with fewer decimals than the rest of its document (``6, 881. 7`` among values like
  ``3, 336. 53``) may have lost its last digit rather than been rounded, so its interval also
  reaches up to the next unit: [v − ½·10⁻ᵈ, v + 10⁻ᵈ].
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..model import UNIT_FACTORS, Amount, Location

ZERO = Decimal(0)

# How an identity came out.
OK = "ok"  # exactly equal
ROUNDING = "rounding"  # unequal, but rounding of the printed values explains the gap
LAST_DIGIT = "last_digit"  # a duplicate one unit apart in the last printed digit (尾差)
BROKEN = "broken"  # beyond what rounding can explain


@dataclass(frozen=True)
class Term:
    """One operand of an identity: a printed number, a blank cell or a constant.

    ``low``/``high`` bound what the printed text can stand for, in 万元. ``decimals`` is None for
    blanks and constants, which are exact.
    """

    value: Decimal
    low: Decimal
    high: Decimal
    label: str
    decimals: int | None = None
    unit: str = "万元"
    location: Location | None = None

    @property
    def printed(self) -> bool:
        return self.decimals is not None

    @property
    def unit_step(self) -> Decimal | None:
        """One unit of the last printed digit, in 万元."""
        if self.decimals is None:
            return None
        return Decimal(10) ** -self.decimals * UNIT_FACTORS.get(self.unit, Decimal(1))


def amount_term(amount: Amount, label: str, location: Location | None, truncated: bool = False) -> Term:
    """The term of a printed amount; ``truncated`` widens the interval upward by one unit.

    A zero printed without decimals ("0") is how tables write "none", like a blank: exact.
    """
    if amount.value == 0 and amount.decimals == 0:
        return Term(amount.value, amount.value, amount.value, label, 0, amount.unit, location)
    tol = amount.tolerance
    low, high = amount.value - tol, amount.value + tol
    if truncated:
        step = Decimal(10) ** -amount.decimals * UNIT_FACTORS.get(amount.unit, Decimal(1))
        if amount.value >= 0:
            high = amount.value + step
        else:
            low = amount.value - step
    return Term(amount.value, low, high, label, amount.decimals, amount.unit, location)


def blank_term(label: str, location: Location | None) -> Term:
    """A cell printed blank or as a dash: exactly 0."""
    return Term(ZERO, ZERO, ZERO, label, None, "万元", location)


def constant_term(value: Decimal) -> Term:
    return Term(value, value, value, f"{value}")


@dataclass
class Side:
    """A signed sum of terms: one side of an identity."""

    terms: list[tuple[int, Term]] = field(default_factory=list)
    label: str | None = None  # overrides the generated description in messages

    @classmethod
    def of(cls, *terms: Term, label: str | None = None) -> Side:
        return cls([(1, t) for t in terms], label)

    def add(self, term: Term, sign: int = 1) -> None:
        self.terms.append((sign, term))

    @property
    def value(self) -> Decimal:
        return sum((s * t.value for s, t in self.terms), ZERO)

    @property
    def low(self) -> Decimal:
        return sum(((t.low if s > 0 else -t.high) for s, t in self.terms), ZERO)

    @property
    def high(self) -> Decimal:
        return sum(((t.high if s > 0 else -t.low) for s, t in self.terms), ZERO)

    @property
    def single(self) -> Term | None:
        """The term when this side is exactly one positive term."""
        if len(self.terms) == 1 and self.terms[0][0] > 0:
            return self.terms[0][1]
        return None

    @property
    def decimals(self) -> int:
        """Decimals to show this side's value with: the finest printed precision among its terms."""
        ds = [t.decimals for _, t in self.terms if t.decimals is not None]
        return max(ds) if ds else 2


@dataclass(frozen=True)
class Verdict:
    status: str
    difference: Decimal  # left − right
    slack: Decimal  # the largest gap rounding explains in the direction of ``difference``

    @property
    def failed(self) -> bool:
        return self.status != OK


def compare(left: Side, right: Side, op: str = "==") -> Verdict:
    """Judge ``left op right`` under printed-precision intervals."""
    diff = left.value - right.value
    # The gap rounding can explain in the direction of this difference.
    if diff >= 0:
        slack = (left.value - left.low) + (right.high - right.value)
    else:
        slack = (left.high - left.value) + (right.value - right.low)
    if op == "<=":
        if diff <= 0:
            return Verdict(OK, diff, slack)
        return Verdict(ROUNDING if left.low <= right.high else BROKEN, diff, slack)
    if op == ">=":
        if diff >= 0:
            return Verdict(OK, diff, slack)
        return Verdict(ROUNDING if left.high >= right.low else BROKEN, diff, slack)
    if diff == 0:
        return Verdict(OK, diff, slack)
    a, b = left.single, right.single
    if a is not None and b is not None and a.printed and b.printed and same_precision(a, b):
        # The same figure printed twice must match exactly; one unit apart is 尾差.
        return Verdict(LAST_DIGIT if abs(diff) == a.unit_step else BROKEN, diff, slack)
    overlap = left.low <= right.high and right.low <= left.high
    return Verdict(ROUNDING if overlap else BROKEN, diff, slack)


def same_precision(a: Term, b: Term) -> bool:
    return a.decimals == b.decimals and a.unit == b.unit


LOWER = {"error": "warning", "warning": "info", "info": "info"}


def severity_for(verdict: Verdict, rule_severity: str) -> str:
    """Broken → the rule's severity; 尾差 → one lower; rounding → info."""
    if verdict.status == BROKEN:
        return rule_severity
    if verdict.status == LAST_DIGIT:
        return LOWER[rule_severity]
    return "info"
