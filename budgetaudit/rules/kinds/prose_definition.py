"""``prose_definition:`` — a figure agrees with the definition written next to it.

    - id: BN405
      title: 说明中的金额与其定义一致
      prose_definition:
        工资福利支出: 一般公共预算基本支出表[301|工资福利支出].合计

"人员经费（即工资福利支出与对个人和家庭补助支出之和）1512.69 万元" must equal the sum of the
components it names. Each component's figure is taken from the prose when the prose states it,
else from the table reference the payload gives for it (a list: the first one present).
"""

from __future__ import annotations

from collections.abc import Iterable

from ...model import Finding
from ...narrative.labels import canonical
from ..arith import Side
from ..findings import judge
from ..prose import compile_sum, document_claims, table_side, term
from ..rule import Draft, Rule

KEY = "prose_definition"
OPTIONS: dict[str, str] = {}
NEEDS_TABLE = False
EXAMPLE = "第186行：说明·人员经费 1,512.69 ≠ 说明·工资福利支出 + 说明·对个人和家庭补助支出 = 1,492.17（差 20.52 万元）"


def compile(draft: Draft) -> dict:
    value = draft.value
    if value is True or value is None:
        return {}
    if not isinstance(value, dict):
        raise draft.error("prose_definition: expects component: table reference (or a list of them)", KEY)
    out = {}
    for name, refs in value.items():
        if canonical(str(name)) != name:
            raise draft.error(f'prose_definition: "{name}" is not a canonical prose label', KEY)
        refs = [refs] if isinstance(refs, str) else refs
        if not isinstance(refs, list):
            raise draft.error(f"prose_definition: {name}: expects a table reference or a list", KEY)
        out[str(name)] = [compile_sum(draft, r, KEY) for r in refs]
    return out


def run(rule: Rule, facts) -> Iterable[Finding]:
    all_claims = document_claims(facts)
    for claim in all_claims:
        if claim.kind != "amount" or not claim.defined_as or claim.amount is None:
            continue
        right = Side()
        for name in claim.defined_as:
            stated = _stated(all_claims, name, claim)
            if stated is not None:
                right.add(term(stated, facts=facts))
                continue
            side = None
            for items in rule.compiled.get(name, []):
                side = table_side(facts, items)
                if side is not None:
                    break
            if side is None:
                right = None
                break
            for sign, t in side.terms:
                right.add(t, sign)
        if right is None or not right.terms:
            continue
        found = judge(rule, Side.of(term(claim, facts=facts)), right, "==", f"第{claim.line}行")
        if found is not None:
            found.message = found.message.replace("：", f"：按所写定义（{claim.note}），", 1)
            yield found


def _stated(all_claims, name: str, near):
    """The prose figure for ``name`` closest before ``near`` (else the first after it)."""
    before = [c for c in all_claims if c.kind == "amount" and c.canonical == name and c.amount is not None and c.line <= near.line and c.id != near.id]
    if before:
        return before[-1]
    after = [c for c in all_claims if c.kind == "amount" and c.canonical == name and c.amount is not None and c.id != near.id]
    return after[0] if after else None
