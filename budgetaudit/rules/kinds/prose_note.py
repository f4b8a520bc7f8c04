"""``prose_note:`` — a table's note agrees with its table.

    - id: CN414
      title: 表格备注与本表一致
      prose_note: [政府性基金, 国有资本经营]

The note printed with a table ("备注：如此表为空表，则表示部门无政府性基金预算安排的支出") names the
fund the table is about. A note naming another fund than its table's (a 国有资本经营 table
carrying the 政府性基金 note) was copied from another table; a note that says, without "如此表为
空表", that there is nothing while the table prints figures contradicts it.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from itertools import accumulate

from ...model import Finding, Location
from ..prose import finding
from ..rule import Draft, Rule

KEY = "prose_note"
OPTIONS: dict[str, str] = {}
NEEDS_TABLE = False
EXAMPLE = "第641行：国有资本经营预算支出表的备注说“无政府性基金预算安排的支出”，写的是另一张表的资金"
_NOTE = re.compile(r"(?:备注|注)\s*[:：]|本表|此表|空表")
_NONE = re.compile(r"无(?P<what>[^，,。；;]{2,30})")
_AFTER = 3  # lines after a table where its note may be printed


def compile(draft: Draft) -> tuple[str, ...]:
    if not isinstance(draft.value, list) or not draft.value or not all(isinstance(w, str) and w for w in draft.value):
        raise draft.error("prose_note: expects a list of fund words such as [政府性基金, 国有资本经营]", KEY)
    return tuple(draft.value)


def _notes(doc, table) -> list:
    """Lines of the table's region (and just after it) that read as its note: no tab, a note word."""
    out = []
    # lines first_line..last_line + _AFTER (Document.line numbers them from 1), those the document has
    first, end = max(table.first_line, 1), max(table.last_line + _AFTER, 0)
    candidates = _note_lines(doc)
    for index in candidates[bisect_left(candidates, first - 1) : bisect_left(candidates, end)]:
        number, line = index + 1, doc.lines[index]
        if number > table.last_line and any(t is not table and t.first_line <= number <= t.last_line for t in doc.tables):
            break
        out.append(line)
    return out


def _note_lines(doc) -> list[int]:
    """Indexes of the document's lines that read as a note: no tab, a note word. Found once for
    all its tables (which cover most of a long document), by one search over the joined text."""
    memo = doc.__dict__.setdefault("_note_lines", {})
    if len(doc.lines) not in memo:
        texts = [line.text for line in doc.lines]
        starts = list(accumulate((len(t) + 1 for t in texts), initial=0))
        found: list[int] = []
        for m in _NOTE.finditer("\n".join(texts)):
            index = bisect_right(starts, m.start()) - 1
            # a match may run over a line break ("注\n:"): each line is judged on its own
            if (not found or found[-1] != index) and _NOTE.search(texts[index]) and "\t" not in texts[index].strip():
                found.append(index)
        memo[len(doc.lines)] = found
    return memo[len(doc.lines)]


def run(rule: Rule, facts) -> Iterable[Finding]:
    funds: tuple[str, ...] = rule.compiled
    doc = facts.doc
    for table in doc.tables:
        own = {f for f in funds if f in table.kind}
        for line in _notes(doc, table):
            m = _NONE.search(line.text)
            if not m:
                continue
            named = {f for f in funds if f in m.group("what")}
            where = [Location(line=line.number, page=line.page, table=table.kind, row=m.group(0))]
            if own and named and not (own & named):
                yield finding(
                    rule,
                    f"第{line.number}行：{table.kind}的备注说“{m.group(0)}”，写的是另一张表的资金（本表是{'、'.join(sorted(own))}）",
                    where,
                )
            elif named and named <= own and "如" not in line.text[: m.start()] and _has_figures(table):
                yield finding(rule, f"第{line.number}行：{table.kind}的备注说“{m.group(0)}”，但本表列有金额", where)


def _has_figures(table) -> bool:
    return any(c.amount is not None and c.amount.value != 0 for r in table.rows for c in r.cells)
