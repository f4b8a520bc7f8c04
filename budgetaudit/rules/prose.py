"""What the prose rule kinds (budgetaudit/rules/kinds/prose_*.py) share.

The claims of a document are read once, when it is loaded (Document.claims). A claim becomes an
arithmetic Term located on its line (table "说明"), so prose figures go through the same interval
arithmetic and messages as table figures. Table references in prose rules use the engine's own
reference syntax (``支出预算总表[合计].基本支出.小计``), compiled and resolved by the engine.
"""

from __future__ import annotations

from decimal import Decimal

from ..amounts import format_amount
from ..model import Amount, Location
from ..narrative import Claim, claims
from .arith import Side, Term, amount_term
from .expr import ExprError, Num, parse_identity
from .facts import CellRef, Facts, RefError, compile_cell_ref
from .kinds._shared import evaluate
from .rule import Draft, Rule, RuleFinding

PROSE = "说明"


def document_claims(facts: Facts) -> list[Claim]:
    """The claims of ``facts.doc``: read when it was loaded, or now for a Document built by hand."""
    if facts.doc.claims is None:
        facts.doc.claims = claims(facts.doc)
    return facts.doc.claims


def by_id(all_claims: list[Claim]) -> dict[int, Claim]:
    return {c.id: c for c in all_claims}


def location(claim: Claim, row: str | None = None) -> Location:
    return Location(line=claim.line, page=claim.page, table=PROSE, row=row or claim.label or claim.canonical,
                    span=claim.span if claim.span != (0, 0) else None)


def term(claim: Claim, label: str | None = None, facts: Facts | None = None) -> Term:
    """The claim as an arithmetic term. With ``facts``, a stated 0 is exact and a figure whose
    digits the tables print with more decimals ("5.4" for 表7's 5.40) takes their precision: it
    restates that figure rather than rounding an unknown one."""
    assert claim.amount is not None
    name = label or f"{PROSE}·{claim.label or claim.canonical}"
    amount = claim.amount
    if facts is not None and not amount.percent:
        if amount.value == 0:
            return Term(amount.value, amount.value, amount.value, name, amount.decimals, amount.unit, location(claim))
        finer = _table_decimals(facts).get(amount.value)
        if finer is not None and finer > amount.decimals and amount.unit == "万元":
            amount = Amount(amount.value, finer, amount.unit, amount.raw)
    return amount_term(amount, name, location(claim))


def _table_decimals(facts: Facts) -> dict[Decimal, int]:
    """Every 万元 value the tables print, with the most decimals it is printed with."""
    cached = facts.__dict__.get("_prose_table_decimals")
    if cached is None:
        cached = {}
        for table in facts.doc.tables:
            for row in table.rows:
                for cell in row.cells:
                    a = cell.amount
                    if a is not None and not a.percent and a.unit == "万元":
                        cached[a.value] = max(cached.get(a.value, 0), a.decimals)
        facts.__dict__["_prose_table_decimals"] = cached
    return cached


def printed(claim: Claim) -> str:
    """The figure as the prose prints it: "1,681.43 元", "0.73%", "3 辆"."""
    if claim.count is not None:
        return f"{claim.count} {claim.unit}".strip()
    if claim.amount is None:
        return ""
    a = claim.amount
    if a.percent:
        return f"{a.value}%"
    return f"{format_amount(a.printed, a.decimals)} {a.unit}"


def wan(value: Decimal, decimals: int = 2) -> str:
    return format_amount(value, decimals)


def finding(
    rule: Rule,
    message: str,
    locations: list[Location],
    *,
    severity: str | None = None,
    expected: Decimal | None = None,
    actual: Decimal | None = None,
    difference: Decimal | None = None,
    rounding: bool = False,
) -> RuleFinding:
    seen: list[Location] = []
    for loc in locations:
        if all((loc.line, loc.table, loc.row) != (s.line, s.table, s.row) for s in seen):
            seen.append(loc)
    return RuleFinding(
        rule=rule.id,
        severity=severity or rule.severity,
        title=rule.title,
        message=message,
        locations=seen or [Location(line=None)],
        expected=expected,
        actual=actual,
        difference=difference,
        rounding=rounding,
    )


# ------------------------------------------------------------------ table references


def parse_sum(text: object) -> list[tuple[int, CellRef | Num]]:
    """``A + B`` (table references and numbers) as signed CellRefs; ValueError says what is wrong."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("expected a table reference such as 支出预算总表[合计].基本支出.小计")
    try:
        identity = parse_identity(f"0 == {text}")
    except ExprError as exc:
        raise ValueError(f'bad reference "{text}": {exc}') from None
    items: list[tuple[int, CellRef | Num]] = []
    for sign, item in identity.right.items:
        if isinstance(item, Num):
            items.append((sign, item))
            continue
        if item.parts and item.parts[0] == PROSE:
            raise ValueError(f'"{item.text}" must name a table figure, not the prose')
        try:
            items.append((sign, compile_cell_ref(item, None)))
        except RefError as exc:
            raise ValueError(str(exc)) from None
    return items


def compile_sum(draft: Draft, text: object, key: str) -> list[tuple[int, CellRef | Num]]:
    """``parse_sum`` for a rule being loaded: a problem names the pack file, line and rule."""
    try:
        return parse_sum(text)
    except ValueError as exc:
        raise draft.error(f"{key}: {exc}", key) from None


def table_side(facts: Facts, items: list[tuple[int, CellRef | Num]]) -> Side | None:
    """The Side a compiled sum stands for in this document; None when a figure is absent."""
    side = evaluate(facts, items, None)
    if side is None or not side.terms:
        return None
    # Blank cells add nothing; leaving them out lets one printed figure be compared as itself.
    printed = [(s, t) for s, t in side.terms if t.printed or t.value != 0]
    if printed and len(printed) < len(side.terms):
        side = Side(printed, side.label)
    return side
