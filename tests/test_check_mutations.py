"""Systematic mutation test: every amount of every recognised table in the samples, changed.

For each amount cell we change one digit (cycling through the digit positions from cell to cell)
and, separately, swap two adjacent different digits; the mutated text is recognised and audited
in-process, and the mutation counts as seen when a finding that the original document did not have
names the mutated cell's line. Findings within rounding (info) count separately: a last-digit
change inside a sum of many items is indistinguishable from rounding.

Run ``python tests/test_check_mutations.py`` for the full breakdown (cells no rule covers). The sweep
takes minutes (about 4,000 recognitions); BUDGETAUDIT_MUTATION_STRIDE=n mutates every n-th cell only.
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

from budgetaudit.amounts import normalize, to_amount
from budgetaudit.audit import audit
from budgetaudit.model import Line
from budgetaudit.readers.text import read_lines
from budgetaudit.rules import load_rules
from budgetaudit.tables import recognize

pytestmark = pytest.mark.slow  # pytest -m 'not slow': the quick subset (README)

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SAMPLE_FILES = sorted(SAMPLES.glob("*.txt"))

# Recall floors per kind of mutation, over all samples (measured, then pinned a little lower so
# a regression fails the test). See the module docstring for what counts.
MIN_RECALL = {"digit": 0.97, "swap": 0.99}
MIN_ANY = 0.995  # a finding of any severity, rounding notes included
# Re-recognising a document takes 0.05–0.3 s, so the text-level sweep takes every 8th cell by
# default (about 500 recognitions); the model-level sweep covers every cell.
TEXT_STRIDE = 8


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
    cell: tuple[int, int, int] = (0, 0, 0)  # table, row and cell index in the recognised document


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
    index = {id(c): (ti, ri, ci) for ti, t in enumerate(doc.tables) for ri, r in enumerate(t.rows)
             for ci, c in enumerate(r.cells)}
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
                    out.append(Mutation(sample, kind, number, t.kind, r.name, column, start, end, printed, after,
                                        index[id(c)]))
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


def _tables_read(rule) -> set:
    """The table kinds a rule reads (so a changed cell is audited by the rules that can see it)."""
    c = rule.compiled
    kinds = set(rule.tables)
    if rule.kind == "match":
        kinds |= {c.left.table, c.right.table}
    for left, right in getattr(c, "scopes", {}).values() if rule.kind == "check" else ():
        kinds |= {item.table for _, item in left + right if getattr(item, "table", None)}
    return kinds


@cache
def _rules_reading(kind: str):
    return [r for r in _rules() if kind in _tables_read(r)]


def run_in_model(m: Mutation) -> Outcome:
    """The same mutation applied to the recognised document itself (no re-recognition)."""
    _, doc, baseline = _baseline(m.sample)
    ti, ri, ci = m.cell
    table = doc.tables[ti]
    cell = table.rows[ri].cells[ci]
    original = cell.amount
    cell.amount = to_amount(m.after, original.unit)
    try:
        found = audit(doc, _rules_reading(table.kind))
    finally:
        cell.amount = original
    return _judge(m, found, baseline)


def _judge(m: Mutation, found, baseline) -> Outcome:
    new = [f for f in found.findings + found.rounding if (f.rule, f.message) not in baseline
           and any(loc.line == m.line for loc in f.locations)]
    if not new:
        return Outcome(m, "missed")
    rules = tuple(sorted({f.rule for f in new}))
    if all(f.severity == "info" for f in new):
        return Outcome(m, "rounding", rules)
    return Outcome(m, "seen", rules)


def _stride(default: int = TEXT_STRIDE) -> int:
    """BUDGETAUDIT_MUTATION_STRIDE=n re-recognises every n-th cell's mutations (1: all of them)."""
    return max(int(os.environ.get("BUDGETAUDIT_MUTATION_STRIDE", str(default))), 1)


def sweep_model(samples=SAMPLE_FILES) -> list[Outcome]:
    """Every cell, both mutations, applied to the recognised documents and audited."""
    return [run_in_model(m) for s in samples for m in mutations_of(str(s))]


def sweep(samples=SAMPLE_FILES, workers: int | None = None, stride: int | None = None) -> list[Outcome]:
    """Mutations of the text itself, re-recognised and audited (every ``stride``-th cell)."""
    stride = stride or _stride()
    todo = [m for s in samples for i, m in enumerate(mutations_of(str(s))) if (i // 2) % stride == 0]
    workers = workers or os.cpu_count() or 1
    if workers <= 1:
        return [run_mutation(m) for m in todo]
    with ProcessPoolExecutor(workers) as pool:
        return list(pool.map(run_mutation, todo, chunksize=16))


def recall(outcomes: list[Outcome], kind: str, seen=("seen",)) -> float:
    """Seen (warning or error) over the mutations the recogniser still reads."""
    relevant = [o for o in outcomes if o.mutation.kind == kind and o.status != "lost"]
    return sum(o.status in seen for o in relevant) / max(len(relevant), 1)


@pytest.fixture(scope="module")
def every_cell():
    return sweep_model()


@pytest.fixture(scope="module")
def through_text():
    return sweep()


def test_every_amount_of_every_sample_is_mutated(every_cell):
    samples = {Path(o.mutation.sample).name for o in every_cell}
    assert samples == {p.name for p in SAMPLE_FILES}
    assert len(every_cell) > 4000


@pytest.mark.parametrize("kind", ["digit", "swap"])
def test_every_changed_amount_is_reported_on_its_line(every_cell, kind):
    assert recall(every_cell, kind) >= MIN_RECALL[kind], summary(every_cell)
    assert recall(every_cell, kind, ("seen", "rounding")) >= MIN_ANY, summary(every_cell)


@pytest.mark.parametrize("kind", ["digit", "swap"])
def test_changed_text_is_recognised_and_reported(through_text, kind):
    assert len(through_text) > 4000 // _stride() - 50
    assert recall(through_text, kind) >= MIN_RECALL[kind], summary(through_text)
    assert recall(through_text, kind, ("seen", "rounding")) >= MIN_ANY, summary(through_text)
    lost = [o.mutation for o in through_text if o.status == "lost" and o.mutation.kind == kind]
    assert len(lost) <= len(through_text) // 100, lost[:10]


def summary(outcomes: list[Outcome]) -> str:
    lines = []
    for kind in ("digit", "swap"):
        c = Counter(o.status for o in outcomes if o.mutation.kind == kind)
        lines.append(f"{kind}: {dict(c)} recall={recall(outcomes, kind):.3f} "
                     f"with rounding notes={recall(outcomes, kind, ('seen', 'rounding')):.3f}")
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    """``python tests/test_check_mutations.py [--model] [SAMPLE…]``: the full breakdown."""
    model = "--model" in argv
    samples = [Path(a) for a in argv if a != "--model"] or SAMPLE_FILES
    outs = sweep_model(samples) if model else sweep(samples, stride=_stride(1))
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
