"""Systematic mutation test: every amount of every recognised table in the samples, changed.

For each amount cell we change one digit (cycling through the digit positions from cell to cell)
and, separately, swap two adjacent different digits; the mutated text is recognised and audited
in-process, and the mutation counts as seen when a finding that the original document did not have
names the mutated cell's line. Findings within rounding (info) count separately: a last-digit
change inside a sum of many items is indistinguishable from rounding.

Run ``python tests/test_check_mutations.py`` for the full breakdown (cells no rule covers).
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

from budgetaudit.amounts import normalize
from budgetaudit.audit import audit
from budgetaudit.model import Line
from budgetaudit.readers.text import read_lines
from budgetaudit.rules import load_rules
from budgetaudit.tables import recognize

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SAMPLE_FILES = sorted(SAMPLES.glob("*.txt"))

# Recall floors per kind of mutation, over all samples (measured, then pinned a little lower so
# a regression fails the test). See the module docstring for what counts.
MIN_RECALL = {"digit": 0.85, "swap": 0.85}


@dataclass(frozen=True)
class Mutation:
    sample: str
    kind: str  # digit | swap
    line: int  # 1-based
    table: str
    row: str
    column: str
    start: int  # where the printed number is on the line
    end: int
    before: str
    after: str


@dataclass(frozen=True)
class Outcome:
    mutation: Mutation
    status: str  # seen | rounding | missed | lost (the recogniser no longer reads the changed cell)
    rules: tuple[str, ...] = ()


def change_digit(raw: str, k: int) -> str | None:
    """Change the k-th digit (mod the number of digits): d → d+1 (9 → 8)."""
    positions = [i for i, ch in enumerate(raw) if ch.isdigit()]
    if not positions:
        return None
    i = positions[k % len(positions)]
    d = int(raw[i])
    return raw[:i] + str(d + 1 if d < 9 else d - 1) + raw[i + 1:]


def swap_digits(raw: str, k: int) -> str | None:
    """Swap two adjacent different digits, starting the search at pair k (mod the pairs)."""
    positions = [i for i, ch in enumerate(raw) if ch.isdigit()]
    pairs = list(zip(positions, positions[1:], strict=False))
    for j in range(len(pairs)):
        a, b = pairs[(k + j) % len(pairs)]
        if raw[a] != raw[b]:
            return raw[:a] + raw[b] + raw[a + 1:b] + raw[a] + raw[b + 1:]
    return None


@cache
def _rules():
    """The table rules: prose rules read the narrative, not the tables mutated here."""
    return [r for r in load_rules().rules if not r.kind.startswith("prose")]


@cache
def _baseline(sample: str):
    lines = read_lines(sample)
    doc = recognize(lines, sample, source="text")
    found = audit(doc, _rules())
    keys = {(f.rule, f.message) for f in found.findings + found.rounding}
    return lines, doc, keys


def printed_spans(raw_line: str, number: str) -> list[tuple[int, int]]:
    """Where ``number`` is printed on the line as a whole number (PDF text may space it out:
    ``3, 336. 53``), never inside a longer number or an enumerator like ``3.``."""
    compact = re.sub(r"\s+", "", number)
    body = " ?".join(re.escape(ch) for ch in compact)
    pattern = rf"(?<![\d.,])(?<!\d, )(?<!\d\. ){body}(?![\d.,、．])(?!, \d{{3}})(?!\. \d)"
    return [m.span() for m in re.finditer(pattern, raw_line)]


def mutations_of(sample: str) -> list[Mutation]:
    lines, doc, _ = _baseline(sample)
    cells_on_line: dict[int, list] = {}
    for t in doc.tables:
        if t.status != "ok":
            continue
        for r in t.rows:
            for c in r.cells:
                if c.amount is not None and not c.amount.percent and c.raw:
                    cells_on_line.setdefault(c.line, []).append((t, r, c))
    out = []
    k = 0
    for number in sorted(cells_on_line):
        raw_line = lines[number - 1].raw
        cells = cells_on_line[number]
        # Text order on a line follows the column order (收入 side before 支出 side).
        cells.sort(key=lambda trc: (0 if trc[1].side in (None, "收入") else 1, trc[2].column))
        seen: Counter = Counter()
        for t, r, c in cells:
            compact = re.sub(r"\s+", "", c.raw)
            occurrence = seen[compact]
            seen[compact] += 1
            spans = printed_spans(raw_line, compact)
            if len(spans) <= occurrence:
                continue  # the number is not printed on this line as such (a repaired layout)
            start, end = spans[occurrence]
            printed = raw_line[start:end]
            column = ".".join(t.columns[c.column].path) if c.column < len(t.columns) else "?"
            for kind, fn in (("digit", change_digit), ("swap", swap_digits)):
                after = fn(printed, k)
                if after is not None and after != printed:
                    out.append(Mutation(sample, kind, number, t.kind, r.name, column, start, end, printed, after))
            k += 1
    return out


def run_mutation(m: Mutation) -> Outcome:
    lines, _, baseline = _baseline(m.sample)
    line = lines[m.line - 1].raw
    raw = line[:m.start] + m.after + line[m.end:]
    mutated = list(lines)
    mutated[m.line - 1] = Line(number=m.line, text=normalize(raw), raw=raw, page=None)
    doc = recognize(mutated, m.sample, source="text")
    after = re.sub(r"\s+", "", m.after)
    if not any(re.sub(r"\s+", "", c.raw) == after and c.line == m.line
               for t in doc.tables for r in t.rows for c in r.cells):
        return Outcome(m, "lost")
    found = audit(doc, _rules())
    new = [f for f in found.findings + found.rounding if (f.rule, f.message) not in baseline
           and any(loc.line == m.line for loc in f.locations)]
    if not new:
        return Outcome(m, "missed")
    rules = tuple(sorted({f.rule for f in new}))
    if all(f.severity == "info" for f in new):
        return Outcome(m, "rounding", rules)
    return Outcome(m, "seen", rules)


def sweep(samples=SAMPLE_FILES, workers: int | None = None) -> list[Outcome]:
    # BUDGETAUDIT_MUTATION_STRIDE=n mutates every n-th cell only (quicker local runs).
    stride = max(int(os.environ.get("BUDGETAUDIT_MUTATION_STRIDE", "1")), 1)
    todo = [m for s in samples for i, m in enumerate(mutations_of(str(s))) if (i // 2) % stride == 0]
    workers = workers or min(4, os.cpu_count() or 1)
    if workers <= 1:
        return [run_mutation(m) for m in todo]
    with ProcessPoolExecutor(workers) as pool:
        return list(pool.map(run_mutation, todo, chunksize=16))


def recall(outcomes: list[Outcome], kind: str) -> float:
    """Seen (warning or error) over the mutations the recogniser still reads."""
    relevant = [o for o in outcomes if o.mutation.kind == kind and o.status != "lost"]
    return sum(o.status == "seen" for o in relevant) / max(len(relevant), 1)


@pytest.fixture(scope="module")
def outcomes():
    return sweep()


def test_mutations_cover_every_sample(outcomes):
    samples = {Path(o.mutation.sample).name for o in outcomes}
    assert samples == {p.name for p in SAMPLE_FILES}
    assert len(outcomes) > 1000


@pytest.mark.parametrize("kind", ["digit", "swap"])
def test_changed_amounts_are_reported_on_their_line(outcomes, kind):
    assert recall(outcomes, kind) >= MIN_RECALL[kind], summary(outcomes)


def summary(outcomes: list[Outcome]) -> str:
    lines = []
    for kind in ("digit", "swap"):
        c = Counter(o.status for o in outcomes if o.mutation.kind == kind)
        lines.append(f"{kind}: {dict(c)} recall={recall(outcomes, kind):.3f}")
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    samples = [Path(a) for a in argv] or SAMPLE_FILES
    outs = sweep(samples)
    print(summary(outs))
    per = Counter((Path(o.mutation.sample).name, o.mutation.kind, o.status) for o in outs)
    for key in sorted(per):
        print(*key, per[key])
    for status in ("missed", "rounding", "lost"):
        print(f"\n== {status}")
        for o in outs:
            if o.status == status:
                m = o.mutation
                print(f"{Path(m.sample).name}:{m.line} {m.kind} {m.table} | {m.row} | {m.column} | "
                      f"{m.before} → {m.after} {' '.join(o.rules)}")


if __name__ == "__main__":
    main(sys.argv[1:])
