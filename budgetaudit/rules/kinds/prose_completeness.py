"""``completeness:`` — the tables the 目录 promises are printed, legible, and explained when empty.

    - id: BC501
      title: 目录所列表格缺失
      completeness: absent        # absent | illegible | unannotated | numbering
                                  # | misread | unit | unrecognised | disclosure

absent: a table kind listed in the 目录 (Document.toc) that the document never prints (neither
recognised nor its title found in the body). When not one listed table is printed (a prose-only file
whose tables are published apart), one warning says so.
numbering: a table number skipped between two printed ones (表8, 表10: where is 表9?) when the
目录 does not already say so.
illegible: a printed table whose content could not be read (Table.status illegible): nothing in it
can be checked. unannotated: an empty table without the customary note ("如此表为空表，则表示…").
misread: a table not reliably read (reading.py: codes or years as amounts, most rows failing their
own identities); the other rules treat it as absent. unrecognised: a known table's title printed in
the body with no table recognised under it. disclosure: the file is no 预算/决算 disclosure.
unit: a table whose numbers are in another unit than its unit line says (scale.py), read in theirs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ...model import Finding, Location
from ...reading import misread_message, unrecognised_titles, written_in_latin
from ...scale import slip_message
from ...tables.catalogue import by_kind, specs
from ..prose import finding
from ..rule import Draft, Rule

KEY = "completeness"
OPTIONS: dict[str, str] = {}
NEEDS_TABLE = False
EXAMPLE = "目录第54行列出“国有资本经营预算支出表”，文件中没有这张表"
CHECKS = ("absent", "illegible", "unannotated", "numbering", "misread", "unit", "unrecognised", "disclosure")


def compile(draft: Draft) -> str:
    if draft.value not in CHECKS:
        raise draft.error(f"completeness: expects one of {', '.join(CHECKS)}", KEY)
    return draft.value


def _name(table) -> str:
    return f"{table.number}“{table.kind}”" if table.number else f"“{table.kind}”"


def run(rule: Rule, facts) -> Iterable[Finding]:
    doc = facts.doc
    check: str = rule.compiled
    if check == "disclosure":
        if not facts.disclosure:
            where = [Location(line=1, page=doc.lines[0].page if doc.lines else None)]
            why = ("文件主要以英文等拉丁字母书写，其中的表格名称和数字只是引用" if written_in_latin(doc)
                   else "文件中没有预算/决算公开表格，也几乎没有情况说明的用语")
            yield finding(rule, f"{why}：这不是一份预算/决算公开材料", where)
        return
    if check == "misread":
        for m in facts.misread:
            t = m.table
            yield finding(rule, misread_message(m),
                          [Location(line=t.first_line, page=t.pages[0] if t.pages else None, table=t.kind)])
        return
    if check == "unit":
        for slip in facts.slips:
            t = slip.table
            yield finding(rule, slip_message(slip),
                          [Location(line=t.first_line, page=t.pages[0] if t.pages else None, table=t.kind)])
        return
    if check == "unrecognised":
        for entry in unrecognised_titles(doc):
            line = doc.line(entry.line)
            page = line.page if line is not None else None
            yield finding(rule, f"第{entry.line}行：“{entry.title}”的标题已印出，但表格未能识别，表中数字未核对",
                          [Location(line=entry.line, page=page, table=entry.kind, row=entry.title)])
        return
    if check == "absent":
        yield from _absent(rule, doc)
        return
    if check == "numbering":
        yield from _gaps(rule, doc)
        return
    for table in doc.tables:
        where = [Location(line=table.first_line, page=table.pages[0] if table.pages else None, table=table.kind)]
        if check == "illegible" and table.status == "illegible":
            yield finding(rule, f"第{table.first_line}行：{_name(table)}内容无法辨认，表中数字无法核对", where)
        elif check == "unannotated" and table.status == "empty" and not table.empty_note:
            yield finding(rule, f"第{table.first_line}行：{_name(table)}为空表，但没有“如此表为空表，则表示……”之类的说明", where)


def _absent(rule: Rule, doc) -> Iterable[Finding]:
    printed = {t.kind for t in doc.tables} | {e.kind for e in unrecognised_titles(doc)}
    missing = []
    for entry in doc.toc:
        if entry.kind is None or entry.kind in printed or entry.kind in {e.kind for e in missing}:
            continue
        missing.append(entry)
    listed = {e.kind for e in doc.toc if e.kind}
    if len(missing) >= 2 and not printed & listed:
        # Not one listed table in the file: the tables are published as a file of their own
        # ("公开表附后") or could not be read at all. Said once, as a warning, not once per table.
        first = missing[0]
        yield finding(
            rule,
            f"目录第{first.line}行起列出 {len(missing)} 张表（{first.title.strip()}等），本文件中一张也没有："
            "表格未随本文件提供，本文件只核对了说明；表格如另行公开，请与该表格文件一起审核"
            "（同一单位、类型和年度的文件自动合为一份公开材料，或用 --set 指定）",
            [Location(line=first.line, table=first.kind, row=first.title.strip())],
            severity="warning",
        )
        return
    for entry in missing:
        yield finding(
            rule,
            f"目录第{entry.line}行列出“{entry.title.strip()}”，文件中没有这张表",
            [Location(line=entry.line, table=entry.kind, row=entry.title.strip())],
        )


def _number(table) -> int | None:
    m = re.search(r"\d+", table.number or "")
    return int(m.group(0)) if m else None


def _gaps(rule: Rule, doc) -> Iterable[Finding]:
    family = doc.kind
    printed = {}
    for table in doc.tables:
        n = _number(table)
        spec = by_kind(table.kind)
        if n is not None and spec is not None and (family is None or spec.family == family):
            printed.setdefault(n, table)
            family = spec.family
    if len(printed) < 2:
        return
    kinds = {t.kind for t in doc.tables}
    listed = {e.kind for e in doc.toc if e.kind}
    numbers = sorted(printed)
    for before, after in zip(numbers, numbers[1:], strict=False):
        for n in range(before + 1, after):
            spec = next((s for s in specs() if s.family == family and _spec_number(s) == n), None)
            if spec is None or spec.kind in kinds or spec.kind in listed:
                continue
            first, last = printed[before], printed[after]
            yield finding(
                rule,
                f"第{last.first_line}行：{first.number}之后是{last.number}，缺少第 {n} 张表“{spec.kind}”",
                [Location(line=last.first_line, page=last.pages[0] if last.pages else None, table=last.kind)],
            )


def _spec_number(spec) -> int | None:
    for number in spec.numbers:
        m = re.search(r"\d+", number)
        if m:
            return int(m.group(0))
    return None
