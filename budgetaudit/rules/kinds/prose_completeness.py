"""``completeness:`` — the tables the 目录 promises are printed, legible, and explained when empty.

    - id: BC501
      title: 目录所列表格缺失
      completeness: absent        # absent | illegible | unannotated

absent: a table kind listed in the 目录 (Document.toc) that the document never prints.
illegible: a printed table whose content could not be read (Table.status illegible): nothing in it
can be checked. unannotated: an empty table without the customary note ("如此表为空表，则表示…").
"""

from __future__ import annotations

from collections.abc import Iterable

from ...model import Finding, Location
from ...narrative_rules import finding
from ..rule import Draft, Rule

KEY = "completeness"
OPTIONS: dict[str, str] = {}
NEEDS_TABLE = False
EXAMPLE = "目录第54行列出“国有资本经营预算支出表”，文件中没有这张表"
CHECKS = ("absent", "illegible", "unannotated")


def compile(draft: Draft) -> str:
    if draft.value not in CHECKS:
        raise draft.error(f"completeness: expects one of {', '.join(CHECKS)}", KEY)
    return draft.value


def _name(table) -> str:
    return f"{table.number}“{table.kind}”" if table.number else f"“{table.kind}”"


def run(rule: Rule, facts) -> Iterable[Finding]:
    doc = facts.doc
    check: str = rule.compiled
    if check == "absent":
        printed = {t.kind for t in doc.tables}
        listed: set[str] = set()
        for entry in doc.toc:
            if entry.kind is None or entry.kind in printed or entry.kind in listed:
                continue
            listed.add(entry.kind)
            yield finding(
                rule,
                f"目录第{entry.line}行列出“{entry.title.strip()}”，文件中没有这张表",
                [Location(line=entry.line, table=entry.kind, row=entry.title.strip())],
            )
        return
    for table in doc.tables:
        where = [Location(line=table.first_line, page=table.pages[0] if table.pages else None, table=table.kind)]
        if check == "illegible" and table.status == "illegible":
            yield finding(rule, f"第{table.first_line}行：{_name(table)}内容无法辨认，表中数字无法核对", where)
        elif check == "unannotated" and table.status == "empty" and not table.empty_note:
            yield finding(rule, f"第{table.first_line}行：{_name(table)}为空表，但没有“如此表为空表，则表示……”之类的说明", where)
