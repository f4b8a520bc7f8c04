"""``previous_year:`` — what a disclosure states about an earlier one agrees with that earlier one.

    - id: XD201
      title: 说明中的“比上年增减”与上年预算文件一致
      applies_to: [预算]
      previous_year:
        against: 预算            # the kind of the earlier document
        years_before: 1          # 1: last year's; 0: the same year's (a 决算's 年初预算)
        prose: true              # "X 万元，比上年增加 d 万元": last year's figure is X − d
        comparison: [三公经费预算对比表]   # tables printing last year's and this year's columns
        figures:                 # canonical name → where the earlier document prints it
          基本支出: 支出预算总表[@total].基本支出.小计
        stated:                  # canonical name → where this document prints the earlier figure
          三公经费: 三公经费支出决算表[@total].合计.预算数

A rule of a set of documents (sets.py): it runs when the batch holds the entity's earlier document
(same entity after the rewrites of data/entities.yaml). What a document states about the earlier
one — the prior a "比上年增加/减少 d" implies (X ∓ d, "与上年持平": X, or the "比上年 Y 万元" it
names), the earlier year's column of a ``comparison`` table, the figures of ``stated`` — is compared with what the earlier document prints under the same name: its table
figure (``figures``, the first reference present) and, with ``prose``, its own prose figures of that
name. The statement agrees when it matches any of them under the interval rule (DESIGN.md §2);
when it matches none, the finding names the closest, with both documents' locations.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from ...model import Finding, Location
from ...narrative.labels import canonical
from .. import schema
from ..arith import BROKEN, OK, ROUNDING, Side, Term, compare, severity_for
from ..findings import fmt
from ..prose import compile_sum, document_claims, location, printed, table_side, term
from ..rule import Draft, Rule, RuleFinding
from .prose_change import comparison_rows

KEY = "previous_year"
OPTIONS: dict[str, str] = {}
NEEDS_TABLE = False
SET = "years"
EXAMPLE = ("第24页：基本支出预算 13,994.31 万元，比上年增加 1,670.85 万元，即上年 12,323.46 万元；"
           "《2017年预算.pdf》第12页 支出预算总表·基本支出.小计 12,232.46 万元（差 91.00 万元）")
_PRIOR = re.compile(r"^(?:上年|上一年|去年)")


def compile(draft: Draft) -> dict:
    v = draft.value
    if not isinstance(v, dict):
        raise draft.error("previous_year: expects a mapping (against:, years_before:, prose:, figures:, stated:)", KEY)
    unknown = set(v) - {"against", "years_before", "prose", "comparison", "figures", "stated"}
    if unknown:
        raise draft.error(f'previous_year: unknown key "{sorted(unknown)[0]}"', KEY)
    if v.get("against") not in ("预算", "决算"):
        raise draft.error("previous_year: against: must be 预算 or 决算", KEY)
    years = v.get("years_before", 1)
    if years not in (0, 1):
        raise draft.error("previous_year: years_before: must be 0 or 1", KEY)
    comparison = v.get("comparison") or []
    comparison = [comparison] if isinstance(comparison, str) else comparison
    if not isinstance(comparison, list) or not all(isinstance(t, str) and schema.kind(t) for t in comparison):
        raise draft.error("previous_year: comparison: lists table kinds with a column per year", KEY)
    out = {"against": v["against"], "years_before": years, "prose": bool(v.get("prose", False)),
           "comparison": tuple(comparison), "figures": {}, "stated": {}}
    for part in ("figures", "stated"):
        items = v.get(part) or {}
        if not isinstance(items, dict):
            raise draft.error(f"previous_year: {part}: maps a canonical name to a table reference", KEY)
        for name, refs in items.items():
            if canonical(str(name)) != name:
                raise draft.error(f'previous_year: "{name}" is not a canonical prose label', KEY)
            refs = [] if refs is None else [refs] if isinstance(refs, str) else refs
            if not isinstance(refs, list):
                raise draft.error(f"previous_year: {name}: expects a table reference or a list", KEY)
            out[part][str(name)] = [compile_sum(draft, r, KEY) for r in refs]
    if not out["figures"]:
        raise draft.error("previous_year: figures: names the figures to compare", KEY)
    return out


def run(rule: Rule, facts) -> Iterable[Finding]:
    return ()  # judged on sets of documents (judge), not on one


def _one(side: Side | None, label: str) -> Term | None:
    """A table figure (or a sum of them) as one term, located where its first number is printed."""
    if side is None or not side.terms:
        return None
    single = side.single
    if single is not None:
        return single
    loc = next((t.location for _, t in side.terms if t.location is not None), None)
    decimals = side.decimals
    return Term(side.value, side.low, side.high, label, decimals, "万元", loc)


def gather(rule: Rule, facts) -> dict:
    """This document's figures under each name (for a later document to compare with), and what it
    states about the earlier one."""
    spec = rule.compiled
    claims = document_claims(facts)
    figures: dict[str, list[Term]] = {}
    for name, alternatives in spec["figures"].items():
        found: list[Term] = []
        for items in alternatives:
            t = _one(table_side(facts, items), name)
            if t is not None:
                found.append(t)
                break
        if spec["prose"]:
            found += [term(c, facts=facts) for c in claims
                      if c.kind == "amount" and c.canonical == name and c.amount is not None and not c.amount.percent]
        if found:
            figures[name] = found
    stated: list[dict] = []
    for name, alternatives in spec["stated"].items():
        for items in alternatives:
            t = _one(table_side(facts, items), name)
            if t is not None:
                stated.append({"name": name, "term": t, "text": f"{t.label} {fmt(t.value, t.decimals or 2)}"})
                break
    if spec["comparison"]:
        for name, (prev, _cur) in comparison_rows(facts, spec["comparison"]).items():
            if name in spec["figures"] and prev.printed:
                stated.append({"name": name, "term": prev,
                               "text": f"{prev.label} {fmt(prev.value, prev.decimals or 2)} 万元"})
    if spec["prose"]:
        by = {c.id: c for c in claims}
        for ch in claims:
            if ch.kind != "change" or not ch.base or not _PRIOR.match(ch.base):
                continue
            subject = by.get(ch.subject) if ch.subject is not None else None
            if subject is None or subject.amount is None or subject.canonical not in spec["figures"]:
                continue
            prior = _prior(ch, subject, facts)
            if prior is not None:
                stated.append({"name": subject.canonical, "term": prior[0], "text": prior[1]})
    return {"figures": figures, "stated": stated}


def _prior(ch, subject, facts) -> tuple[Term, str] | None:
    """Last year's figure a change states: the one it names, or this year's ∓ the change."""
    cur = term(subject, facts=facts)
    said = f"{subject.label} {printed(subject)}，比{ch.base}"
    if ch.previous is not None and not ch.previous.percent:
        p = ch.previous
        return Term(p.value, p.value - p.tolerance, p.value + p.tolerance, subject.canonical, p.decimals, "万元",
                    location(ch)), f"{said} {p.raw}"
    if ch.direction == "持平" and (ch.amount is None or ch.amount.value == 0):
        return Term(cur.value, cur.low, cur.high, subject.canonical, cur.decimals, "万元", location(ch)), \
            f"{said}持平，即上年 {printed(subject)}"
    if ch.amount is None or ch.amount.percent or ch.direction not in ("增加", "减少"):
        return None
    d = ch.amount
    if ch.direction == "增加":
        value, low, high = cur.value - d.value, cur.low - (d.value + d.tolerance), cur.high - (d.value - d.tolerance)
    else:
        value, low, high = cur.value + d.value, cur.low + (d.value - d.tolerance), cur.high + (d.value + d.tolerance)
    decimals = max(cur.decimals or 0, d.decimals)
    text = f"{said}{ch.direction} {printed(ch)}，即上年 {fmt(value, decimals)} 万元"
    return Term(value, low, high, subject.canonical, decimals, "万元", location(ch)), text


def pairs(rule: Rule, later, earlier) -> bool:
    """Whether ``earlier`` is the document this rule compares ``later`` with."""
    spec = rule.compiled
    return (earlier.kind == spec["against"] and (not rule.applies_to or later.kind in rule.applies_to)
            and later.year is not None and earlier.year is not None
            and later.year - earlier.year == spec["years_before"] and rule.id in later.gathered)


def judge(rule: Rule, later, earlier) -> Iterable[Finding]:
    mine = later.gathered.get(rule.id) or {}
    theirs = (earlier.gathered.get(rule.id) or {}).get("figures") or {}
    seen: set[tuple] = set()
    for item in mine.get("stated", []):
        candidates = theirs.get(item["name"]) or []
        if not candidates:
            continue
        s: Term = item["term"]
        verdicts = [(compare(Side.of(s), Side.of(c)), c) for c in candidates]
        if any(v.status in (OK, ROUNDING) for v, _ in verdicts):
            continue
        # the closest; at equal distance a table's figure before the prose's
        verdict, closest = min(verdicts, key=lambda vc: (abs(vc[0].difference), _in_prose(vc[1])))
        key = (s.location.line if s.location else None, item["name"])
        if key in seen:
            continue
        seen.add(key)
        decimals = max(s.decimals or 2, closest.decimals or 2)
        here = later.where(s.location, named=False) if s.location is not None else "本文件"
        there = earlier.where(closest.location) if closest.location is not None else Path(earlier.primary.path).name
        label = closest.label if closest.label != item["name"] else item["name"]
        message = (f"{here}：{item['text']}；{earlier.year}年{earlier.kind}{there} {label} "
                   f"{fmt(closest.value, closest.decimals or 2)} 万元（差 {fmt(abs(verdict.difference), decimals)} 万元）")
        locs = [later.locate(s.location)] if s.location is not None else []
        if closest.location is not None:
            locs.append(earlier.locate(closest.location))
        yield RuleFinding(
            rule=rule.id, severity=severity_for(verdict, rule.severity) if verdict.status != BROKEN else rule.severity,
            title=rule.title, message=message, locations=locs or [later.locate(_nowhere())],
            expected=closest.value, actual=s.value, difference=s.value - closest.value,
            left=item["name"], right=label, decimals=decimals,
        )


def _in_prose(t: Term) -> bool:
    return t.location is None or t.location.table == "说明"


def _nowhere() -> Location:
    return Location(line=None)

