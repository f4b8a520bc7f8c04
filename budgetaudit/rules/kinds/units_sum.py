"""``units_sum:`` — a 部门's disclosure agrees with the disclosures of its 单位.

    - id: XD301
      title: 部门汇总数 = 所属单位之和
      units_sum:
        check: totals            # totals | rows | missing
        listed_in: 收入预算总表   # the 部门's table that lists its 单位 (rows naming a 单位)
        column: 总计             # that table's column with each 单位's total
        figures:                 # name → where each disclosure prints it
          收入总计: 收支预算总表[收入:收入总计]

A rule of a set of documents (sets.py). A disclosure whose ``listed_in`` table lists 单位 by name
is a 部门's; the batch's disclosures of the same kind and year whose entity is one of those names
are its 单位 (names compared after the rewrites of data/entities.yaml).

totals: each figure of the 部门 equals the sum of the same figure over its 单位 — judged only when
every listed 单位 is in the batch. rows: each 单位's row of the 部门's table equals that 单位's own
figure (``row_figure``). missing: the listed 单位 the batch does not hold, said once (the sums were
not checked).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ...model import Finding, Location
from .. import schema
from ..arith import BROKEN, OK, ROUNDING, Side, Term, compare, severity_for
from ..findings import fmt
from ..prose import compile_sum, table_side
from ..rule import Draft, Rule, RuleFinding
from .previous_year import _one

KEY = "units_sum"
OPTIONS: dict[str, str] = {}
NEEDS_TABLE = False
SET = "units"
EXAMPLE = ("《部门.txt》第210行 收支预算总表·收入总计 1,234.56 万元 ≠ 所属 2 个单位之和 1,230.00 万元"
           "（单位甲《甲.txt》第30行 800.00 + 单位乙《乙.txt》第31行 430.00）（差 4.56 万元）")
CHECKS = ("totals", "rows", "missing")


def compile(draft: Draft) -> dict:
    v = draft.value
    if not isinstance(v, dict):
        raise draft.error("units_sum: expects a mapping (check:, listed_in:, column:, figures:, row_figure:)", KEY)
    unknown = set(v) - {"check", "listed_in", "column", "figures", "row_figure"}
    if unknown:
        raise draft.error(f'units_sum: unknown key "{sorted(unknown)[0]}"', KEY)
    if v.get("check") not in CHECKS:
        raise draft.error(f"units_sum: check: must be one of {', '.join(CHECKS)}", KEY)
    listed = v.get("listed_in")
    if not isinstance(listed, str) or schema.kind(listed) is None:
        raise draft.error("units_sum: listed_in: names the table kind that lists the 单位", KEY)
    column = v.get("column")
    column = (column,) if isinstance(column, str) else tuple(column or ())
    figures = {}
    for name, ref in (v.get("figures") or {}).items():
        refs = [ref] if isinstance(ref, str) else ref
        if not isinstance(refs, list) or not refs:
            raise draft.error(f"units_sum: figures: {name}: expects a table reference or a list", KEY)
        figures[str(name)] = [compile_sum(draft, r, KEY) for r in refs]
    if v["check"] != "missing" and not figures:
        raise draft.error("units_sum: figures: names the figures to compare", KEY)
    row_figure = v.get("row_figure")
    if v["check"] == "rows" and row_figure not in figures:
        raise draft.error("units_sum: rows needs row_figure: one of the figures", KEY)
    return {"check": v["check"], "listed_in": listed, "column": column, "figures": figures, "row_figure": row_figure}


def run(rule: Rule, facts) -> Iterable[Finding]:
    return ()  # judged on sets of documents (judge), not on one


def gather(rule: Rule, facts) -> dict:
    """This disclosure's figures, and the 单位 its ``listed_in`` table lists with each one's total."""
    spec = rule.compiled
    figures: dict[str, Term] = {}
    for name, alternatives in spec["figures"].items():
        for items in alternatives:
            t = _one(table_side(facts, items), name)
            if t is not None:
                figures[name] = t
                break
    units: list[tuple[str, Term | None]] = []
    for table in facts.tables(spec["listed_in"]):
        col = table.column_index(spec["column"]) if spec["column"] else None
        for row in table.rows:
            if row.role != "unit" or not row.name.strip():
                continue
            index = col if col is not None else facts.column_index(table, row, None)
            t = facts.term(table, row, index, f"{table.kind}·{row.name}") if index is not None else None
            units.append((row.name.strip(), t))
        if units:
            break
    return {"figures": figures, "units": units}


def judge(rule: Rule, dept, listed: list[tuple[str, Term | None]], found: dict) -> Iterable[Finding]:
    spec = rule.compiled
    mine = (dept.gathered.get(rule.id) or {}).get("figures") or {}
    missing = [name for name, _ in listed if name not in found]
    anchor = next((t.location for _, t in listed if t is not None and t.location is not None), None)
    if spec["check"] == "missing":
        if missing:
            where = [dept.locate(anchor)] if anchor is not None else [dept.locate(Location(line=None))]
            yield RuleFinding(
                rule=rule.id, severity=rule.severity, title=rule.title,
                message=(f"{dept.where(anchor, named=False) if anchor else '本文件'}：{dept.entity}列出 "
                         f"{len(listed)} 个单位，本次审核缺少 {len(missing)} 个单位的公开材料："
                         f"{'、'.join(missing)}；部门数与单位之和未核对"),
                locations=where,
            )
        return
    if spec["check"] == "totals":
        if missing:
            return
        for name, total in mine.items():
            parts = [(unit, (d.gathered.get(rule.id) or {}).get("figures", {}).get(name)) for unit, d in found.items()]
            if any(t is None for _, t in parts):
                continue
            yield from _compare(rule, dept, total, name, [(found[u], u, t) for u, t in parts])
        return
    # rows: each 单位's row of the 部门's table against that 单位's own figure
    for unit, row_term in listed:
        d = found.get(unit)
        if d is None or row_term is None:
            continue
        own = ((d.gathered.get(rule.id) or {}).get("figures") or {}).get(spec["row_figure"])
        if own is None:
            continue
        yield from _compare(rule, dept, row_term, f"{unit}", [(d, unit, own)], one=True)


def _compare(rule: Rule, dept, total: Term, name: str, parts: list, one: bool = False) -> Iterable[Finding]:
    verdict = compare(Side.of(total), Side([(1, t) for _, _, t in parts]))
    if verdict.status in (OK, ROUNDING):
        return
    decimals = max([total.decimals or 2] + [t.decimals or 2 for _, _, t in parts])
    listed = " + ".join(f"{unit}{d.where(t.location) if t.location else ''} {fmt(t.value, t.decimals or 2)}"
                        for d, unit, t in parts)
    here = dept.where(total.location, named=False) if total.location is not None else "本文件"
    if one:
        d, unit, t = parts[0]
        message = (f"{here}：{total.label} {fmt(total.value, total.decimals or 2)} 万元 ≠ 该单位公开材料的"
                   f"{rule.compiled['row_figure']} {fmt(t.value, t.decimals or 2)} 万元"
                   f"（{d.where(t.location) if t.location else Path(d.primary.path).name}）"
                   f"（差 {fmt(abs(verdict.difference), decimals)} 万元）")
    else:
        message = (f"{here}：部门{name} {fmt(total.value, total.decimals or 2)} 万元 ≠ 所属 {len(parts)} 个单位之和 "
                   f"{fmt(sum(t.value for _, _, t in parts), decimals)} 万元（{listed}）"
                   f"（差 {fmt(abs(verdict.difference), decimals)} 万元）")
    locs = [dept.locate(total.location)] if total.location is not None else []
    locs += [d.locate(t.location) for d, _, t in parts if t.location is not None]
    yield RuleFinding(
        rule=rule.id, severity=rule.severity if verdict.status == BROKEN else severity_for(verdict, rule.severity),
        title=rule.title, message=message, locations=locs or [dept.locate(Location(line=None))],
        expected=total.value, actual=sum(t.value for _, _, t in parts), difference=verdict.difference,
        left=name, right="Σ单位", decimals=decimals,
    )
