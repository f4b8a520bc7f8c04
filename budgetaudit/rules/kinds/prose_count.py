"""``prose_count:`` — a count in the prose equals the rows of the table it counts.

    - id: BN410
      title: 说明中的项目个数与项目表一致
      prose_count:
        项目个数: [项目支出预算表, 项目绩效目标表]

For each count label, every listed table kind that is present and legible is counted: its item
rows (项目支出预算表: one row per project under the unit rows; 项目绩效目标表: one row per
project). Each table that disagrees with the count is a finding: 17 projects in the prose and in
表9 but 16 project sheets in 表17 names 表17. A count listed as a part ("其中：一般公共预算项目 1 个") is not compared.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from ...model import Finding, Location, Table
from ...narrative.labels import COUNTS
from ...rules import schema
from ..prose import document_claims, finding, location, printed
from ..rule import Draft, Rule

KEY = "prose_count"
OPTIONS: dict[str, str] = {}
NEEDS_TABLE = False
EXAMPLE = "第738行：纳入预算绩效管理的项目共 17 个，项目支出预算表（第313行）列有 16 个项目"


def compile(draft: Draft) -> dict[str, tuple[str, ...]]:
    value = draft.value
    if not isinstance(value, dict) or not value:
        raise draft.error("prose_count: expects count label: [table kinds]", KEY)
    names = {c[0] for c in COUNTS}
    out = {}
    for name, kinds in value.items():
        if name not in names:
            raise draft.error(f'prose_count: unknown count label "{name}" (one of {", ".join(sorted(names))})', KEY)
        kinds = [kinds] if isinstance(kinds, str) else kinds
        if not isinstance(kinds, list) or not kinds:
            raise draft.error(f"prose_count: {name}: expects a list of table kinds", KEY)
        for k in kinds:
            if schema.kind(k) is None:
                raise draft.error(f'prose_count: unknown table "{k}"', KEY)
        out[str(name)] = tuple(kinds)
    return out


def _items(table: Table) -> int:
    return sum(1 for r in table.rows if r.role == "item")


def run(rule: Rule, facts) -> Iterable[Finding]:
    spec: dict[str, tuple[str, ...]] = rule.compiled
    for claim in document_claims(facts):
        if claim.kind != "count" or claim.parent is not None or claim.canonical not in spec:
            continue
        for kind in spec[claim.canonical]:
            tables = facts.tables(kind)
            if not tables:
                continue
            counted = sum(_items(t) for t in tables)
            if counted != claim.count:
                first = tables[0]
                yield finding(
                    rule,
                    f"第{claim.line}行：{claim.label} {printed(claim)}，{kind}（第{first.first_line}行）列有 {counted} 个",
                    [location(claim), Location(line=first.first_line, page=first.pages[0] if first.pages else None, table=kind)],
                    expected=Decimal(counted),
                    actual=Decimal(claim.count or 0),
                )
