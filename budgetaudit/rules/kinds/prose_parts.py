"""``prose_parts:`` — a total stated in the prose equals the parts it lists.

    - id: BN401
      title: 说明中的合计等于所列分项之和
      prose_parts:
        三公经费: [因公出国（境）费, 公务接待费, 公务用车购置及运行费]

Parts listed after "其中："/"包括：" (inline or as numbered items) must not add up to more than the
total. They must add up to the total when the list is complete: numbered items announced by
"其中：/包括：", or a list naming every component of a known decomposition (the payload: total →
components, canonical names). A "其中" that picks out a few items is not a complete list.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from ...model import Finding
from ...narrative.labels import ASPECTS, canonical
from ..arith import BROKEN, Side, compare
from ..findings import judge
from ..prose import document_claims, finding, location, printed, term
from ..rule import Draft, Rule

KEY = "prose_parts"
OPTIONS: dict[str, str] = {}
NEEDS_TABLE = False
EXAMPLE = "第194行：说明·三公经费 5.40 ≠ 说明·因公出国（境）费 + 说明·公务接待费 + 说明·公务用车购置及运行费 = 5.50（差 0.10 万元）"


def compile(draft: Draft) -> dict[str, frozenset[str]]:
    value = draft.value
    if value is True or value is None:
        return {}
    if not isinstance(value, dict):
        raise draft.error("prose_parts: expects total: [components] (canonical names)", KEY)
    out: dict[str, frozenset[str]] = {}
    for total, parts in value.items():
        if not isinstance(parts, list) or not parts or not all(isinstance(p, str) for p in parts):
            raise draft.error(f"prose_parts: {total}: expects a list of component names", KEY)
        for name in (total, *parts):
            if canonical(name) != name and "." not in name:
                raise draft.error(f'prose_parts: "{name}" is not a canonical prose label', KEY)
        out[str(total)] = frozenset(parts)
    return out


def run(rule: Rule, facts) -> Iterable[Finding]:
    decompositions: dict[str, frozenset[str]] = rule.compiled
    all_claims = document_claims(facts)
    children: dict[tuple[int, str | None], list] = {}
    for c in all_claims:
        if c.parent is not None and c.kind in ("amount", "count"):
            children.setdefault((c.parent, c.group), []).append(c)
    by = {c.id: c for c in all_claims}
    for (parent_id, _), parts in children.items():
        total = by[parent_id]
        parts = [p for p in parts if p.kind == total.kind and not p.extra.get("delta")]
        if not parts or total.extra.get("joint") or total.extra.get("delta"):
            continue  # "收入、支出预算总计 X：（一）收入…（二）支出…" restates X twice; a change has no parts here
        aspects = [p for p in parts if p.canonical in ASPECTS]
        if total.kind == "amount" and total.amount is not None:
            yield from _aspects(rule, facts, total, aspects)
        parts = [p for p in parts if p not in aspects]
        if not parts:
            continue
        known = decompositions.get(total.canonical or "")
        named = {p.canonical for p in parts}
        complete = bool(known and known <= named) or (
            total.extra.get("announced")
            and not total.extra.get("partial_list")
            and all(p.listed == "list" for p in parts)
            and len(parts) > 1  # "包括：1. …" and nothing after item 1: the list stops short, not complete
        ) or (total.kind == "count" and "共" in total.label)
        if total.kind == "count":
            yield from _counts(rule, total, parts, complete)
            continue
        if total.amount is None or any(p.amount is None or p.amount.unit != total.amount.unit for p in parts):
            continue  # a total in 元 over parts in 万元 is a unit slip, which prose_unit reports
        left = Side.of(term(total, facts=facts))
        right = Side([(1, term(p, facts=facts)) for p in parts])
        verdict = compare(left, right)
        if verdict.status != BROKEN:
            continue
        if verdict.difference > 0 and not complete:
            continue  # a partial list may add up to less than its total
        found = judge(rule, left, right, "==", f"第{total.line}行")
        if found is not None:
            found.message += "（分项之和大于合计）" if verdict.difference < 0 else "（所列分项不足合计）"
            yield found


def _aspects(rule: Rule, facts, total, aspects) -> Iterable[Finding]:
    """"政府采购 100 万元，其中授予中小企业 120 万元": a share of the total cannot exceed it."""
    left = Side.of(term(total, facts=facts))
    for part in aspects:
        if part.amount is None or part.amount.unit != total.amount.unit:
            continue
        right = Side.of(term(part, facts=facts))
        verdict = compare(left, right)
        if verdict.status == BROKEN and verdict.difference < 0:
            found = judge(rule, left, right, "==", f"第{total.line}行")
            if found is not None:
                found.message += "（其中一部分大于合计）"
                yield found


def _counts(rule: Rule, total, parts, complete: bool) -> Iterable[Finding]:
    assert total.count is not None
    listed = sum((p.count or 0 for p in parts), 0)
    if listed == total.count or (listed < total.count and not complete):
        return
    detail = " + ".join(f"{p.label} {printed(p)}" for p in parts)
    yield finding(
        rule,
        f"第{total.line}行：{total.label} {printed(total)}，所列分项 {detail} = {listed} {total.unit}",
        [location(total), *(location(p) for p in parts)],
        expected=Decimal(total.count),
        actual=Decimal(listed),
        difference=Decimal(total.count - listed),
    )
