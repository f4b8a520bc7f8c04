"""``workbook:`` — what only a workbook (.xlsx) can get wrong before it is printed.

    - id: CC508
      title: 工作簿中的公式没有计算结果
      workbook: uncalculated

uncalculated: formulas whose cached value is missing (Document.uncalculated): the workbook was
written by a program and never opened and saved in Excel or WPS, so the cells print nothing the
auditor can read. One finding per sheet naming the cells; the cells are read as blank, so no
arithmetic finding rests on them.
"""

from __future__ import annotations

from collections.abc import Iterable

from ...model import Finding, Location
from ..prose import finding
from ..rule import Draft, Rule

KEY = "workbook"
OPTIONS: dict[str, str] = {}
NEEDS_TABLE = False
EXAMPLE = ("工作表“部门收支总表”的 B21、D21 共 2 个单元格有公式但没有计算结果：工作簿保存时未重新计算，"
           "请在 Excel 或 WPS 中打开、重新计算并保存后再审核（这些单元格按空白读取，未参与核对）")
CHECKS = ("uncalculated",)
SHOWN = 12  # cells named in the message; the rest are counted


def compile(draft: Draft) -> str:
    if draft.value not in CHECKS:
        raise draft.error(f"workbook: expects one of {', '.join(CHECKS)}", KEY)
    return draft.value


def run(rule: Rule, facts) -> Iterable[Finding]:
    doc = facts.doc
    for sheet, cells in doc.uncalculated:
        named = "、".join(cells[:SHOWN]) + (" 等" if len(cells) > SHOWN else "")
        line = next((ln.number for ln in doc.lines if ln.sheet == sheet and set(cells) & set(ln.refs)), None)
        line = line or next((ln.number for ln in doc.lines if ln.sheet == sheet and ln.refs), None)
        yield finding(
            rule,
            f"工作表“{sheet}”的 {named} 共 {len(cells)} 个单元格有公式但没有计算结果：工作簿保存时未重新计算，"
            f"请在 Excel 或 WPS 中打开、重新计算并保存后再审核（这些单元格按空白读取，未参与核对）",
            [Location(line=line, sheet=sheet, cell=cells[0], row=sheet)],
        )
