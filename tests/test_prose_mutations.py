"""Systematic mutations of the prose: every figure that states a table figure, changed.

For each sample, the prose figures that the 说明 pairing rules (prose: kind) compare with a table
figure — and that agree with it — are mutated one at a time: the first digit, the last digit, the
unit (万元 → 元, 万元 → 亿元), and the percentages stated about them (shares and growth rates). The
mutated text goes through `check` in-process (recognition and every shipped rule); the mutation is
seen when a finding the original did not have is located on the mutated line.

Run ``python tests/test_prose_mutations.py`` for the numbers and anything missed.
"""

from __future__ import annotations

import os
import re
import sys
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from budgetaudit.audit import applies, audit
from budgetaudit.model import Line
from budgetaudit.readers.text import read_lines
from budgetaudit.rules import load_rules
from budgetaudit.rules.facts import Facts
from budgetaudit.rules.kinds.prose_check import pairings
from budgetaudit.rules.prose import document_claims
from budgetaudit.tables import recognize

pytestmark = pytest.mark.slow  # pytest -m 'not slow': the quick subset (README)

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SAMPLE_FILES = sorted(SAMPLES.glob("*.txt"))


@dataclass(frozen=True)
class Mutation:
    sample: str
    kind: str  # first | last | unit | percent
    line: int
    start: int  # columns in Line.text
    end: int
    before: str
    after: str


@cache
def _rules():
    return tuple(load_rules().rules)


def _check(path: Path, lines: list[Line]) -> set[tuple[str, str, tuple]]:
    doc = recognize(lines, str(path), source="text")
    result = audit(doc, list(_rules()))
    return {(f.rule, f.message, tuple(loc.line for loc in f.locations)) for f in result.findings}


@cache
def _original(path: Path) -> frozenset:
    return frozenset(_check(path, read_lines(path)))


def _bump(digit: str) -> str:
    return "8" if digit == "9" else str(int(digit) + 1)


def _digit_mutations(sample: str, line: Line, start: int, end: int, percent: bool) -> list[Mutation]:
    text = line.text[start:end]
    number = re.match(r"[\d,.\s]*\d", text)
    if not number:
        return []
    digits = [i for i, ch in enumerate(number.group(0)) if ch.isdigit()]
    out = []
    for kind, i in (("percent" if percent else "first", digits[0]), ("last", digits[-1])):
        if percent and kind == "last":
            continue
        after = text[:i] + _bump(text[i]) + text[i + 1 :]
        out.append(Mutation(sample, kind, line.number, start, end, text, after))
    return out


def mutations(path: Path) -> list[Mutation]:
    """The mutations of one sample: figures that state a table figure and agree with it."""
    lines = read_lines(path)
    doc = recognize(lines, str(path), source="text")
    facts = Facts(doc)
    original = _original(path)
    pair_rules = [r for r in _rules() if r.kind == "prose" and applies(r, doc)]
    paired = {}
    coarse: set[int] = set()  # figures a table prints with fewer decimals: a last-digit change is rounding
    for rule in pair_rules:
        for claim, sides in pairings(rule, facts):
            paired[claim.id] = claim
            if any(t.decimals is not None and t.decimals < claim.amount.decimals for s in sides for _, t in s.terms):
                coarse.add(claim.id)
    # Figures already reported (by any rule, on their line) are not "agreeing" figures.
    reported = {ln for _, _, lns in original for ln in lns}
    paired = {i: c for i, c in paired.items() if c.line not in reported}
    out: list[Mutation] = []
    for claim in paired.values():
        line = doc.lines[claim.line - 1]
        start, end = claim.span
        found = _digit_mutations(path.name, line, start, end, percent=False)
        out.extend(m for m in found if m.kind != "last" or claim.id not in coarse)
        unit = re.search(r"万\s*元", line.text[start:end])
        if unit and claim.amount.value != 0:
            for new in ("元", "亿元"):
                text = line.text[start:end]
                after = text[: unit.start()] + new + text[unit.end() :]
                out.append(Mutation(path.name, "unit", line.number, start, end, text, after))
    by = {c.id: c for c in document_claims(facts)}
    for claim in document_claims(facts):
        if claim.kind == "share" and claim.part in paired and claim.whole_claim is not None:
            if by[claim.whole_claim].line in reported:
                continue
            line = doc.lines[claim.line - 1]
            out.extend(_digit_mutations(path.name, line, *claim.span, percent=True))
        if claim.kind == "change" and claim.percent is not None and claim.subject in paired and claim.amount is not None:
            pline = claim.extra.get("percent_line", claim.line)
            line = doc.lines[pline - 1]
            m = re.search(re.escape(claim.percent.raw), line.text)
            if m and pline not in reported:
                out.extend(_digit_mutations(path.name, line, m.start(), m.end(), percent=True))
    return sorted(set(out), key=lambda m: (m.line, m.start, m.kind, m.after))


def run_mutation(m: Mutation) -> tuple[Mutation, str, tuple[str, ...]]:
    path = SAMPLES / m.sample
    lines = read_lines(path)
    old = lines[m.line - 1]
    assert old.text[m.start : m.end] == m.before, (m, old.text)
    text = old.text[: m.start] + m.after + old.text[m.end :]
    lines[m.line - 1] = Line(old.number, text, text, old.page)
    new = _check(path, lines) - _original(path)
    on_line = sorted({rule for rule, _, lns in new if m.line in lns})
    return m, ("seen" if on_line else "missed"), tuple(on_line)


def run_all() -> list[tuple[Mutation, str, tuple[str, ...]]]:
    todo = [m for path in SAMPLE_FILES for m in mutations(path)]
    workers = min(8, os.cpu_count() or 1)
    if workers > 1 and len(todo) > 20:
        with ProcessPoolExecutor(workers) as pool:
            return list(pool.map(run_mutation, todo, chunksize=8))
    return [run_mutation(m) for m in todo]


@pytest.fixture(scope="module")
def outcomes():
    if not SAMPLE_FILES:
        pytest.skip("no samples")
    return run_all()


def test_every_prose_figure_that_states_a_table_figure_is_mutated(outcomes):
    kinds = Counter(m.kind for m, _, _ in outcomes)
    # Every sample with a 情况说明 contributes; 003 has none.
    samples = {m.sample[:3] for m, _, _ in outcomes}
    assert {"000", "001", "002", "004"} <= samples
    assert kinds["first"] >= 80 and kinds["unit"] >= 100 and kinds["percent"] >= 15


@pytest.mark.parametrize("kind", ["first", "last", "unit", "percent"])
def test_each_mutation_is_reported_on_its_line(outcomes, kind):
    missed = [m for m, status, _ in outcomes if m.kind == kind and status != "seen"]
    assert missed == [], f"{len(missed)} {kind} mutations not reported on their line, e.g. {missed[:3]}"


if __name__ == "__main__":
    results = run_all()
    table = Counter((m.kind, status) for m, status, _ in results)
    for kind in ("first", "last", "unit", "percent"):
        seen, missed = table[(kind, "seen")], table[(kind, "missed")]
        print(f"{kind:8} seen {seen:4}  missed {missed:4}")
    by_rule = Counter(r for _, status, rules in results if status == "seen" for r in rules)
    print("rules:", dict(by_rule.most_common()))
    for m, status, _ in results:
        if status != "seen":
            print("MISSED", m)
    sys.exit(0)
