"""A workbook's own formulas beside the findings on their cells.

A total cell of a filled workbook usually holds a formula (``=SUM(C8:C12)``) and is read by its cached
value like any other number. When a finding uses such a cell, the finding quotes the formula; when
the formula adds up some of the cells of its own sheet that the rule's identity uses but leaves others
out (a row inserted below its range), it says which, since that is where the error comes from. A
formula that reads none of them (a total compared with another table's) is only quoted.
"""

from __future__ import annotations

import re

from .model import Document, Finding, sheet_ref

_RANGE = re.compile(r"(?<![A-Za-z0-9_!.'\"])\$?([A-Z]{1,3})\$?(\d{1,7})(?::\$?([A-Z]{1,3})\$?(\d{1,7}))?(?![A-Za-z0-9_(!])")
_OTHER_SHEET = re.compile(r"(?:'[^']+'|[^\s!=(),+\-*/'\"]+)!\$?[A-Z]{1,3}\$?\d{1,7}(?::\$?[A-Z]{1,3}\$?\d{1,7})?")
_WHOLE = re.compile(r"(?<![A-Z0-9$])\$?(?:[A-Z]{1,3}:\$?[A-Z]{1,3}|\d{1,7}:\$?\d{1,7})(?![A-Z0-9])")  # A:A, 3:5
MAX_CELLS = 100_000  # a range larger than this is not expanded (a whole column): treated as covering all
_STRING = re.compile(r'"[^"]*"')


def _column(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _letters(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def references(formula: str) -> set[str] | None:
    """The cells of its own sheet a formula reads ("=SUM(C8:C12)+C14" → C8…C12, C14); None when it
    reads a range too large to list (a whole column: it covers everything)."""
    text = _OTHER_SHEET.sub(" ", _STRING.sub(" ", formula.upper()))
    if _WHOLE.search(text):
        return None
    cells: set[str] = set()
    for m in _RANGE.finditer(text):
        c0, r0 = _column(m.group(1)), int(m.group(2))
        if m.group(3) is None:
            cells.add(f"{m.group(1)}{r0}")
            continue
        c1, r1 = _column(m.group(3)), int(m.group(4))
        (c0, c1), (r0, r1) = sorted((c0, c1)), sorted((r0, r1))
        if (c1 - c0 + 1) * (r1 - r0 + 1) > MAX_CELLS:
            return None
        cells.update(f"{_letters(c)}{r}" for c in range(c0, c1 + 1) for r in range(r0, r1 + 1))
    return cells


def _order(ref: str) -> tuple[int, int]:
    m = re.match(r"([A-Z]+)(\d+)", ref)
    return (int(m.group(2)), _column(m.group(1))) if m else (0, 0)


def annotate(doc: Document, findings: list[Finding]) -> None:
    """Add to each finding the formula of every cell it uses that holds one (after evidence.attach,
    which gives the locations their cells)."""
    if not doc.formulas:
        return
    for f in findings:
        notes = []
        used = [(loc.sheet, loc.cell) for loc in f.locations if loc.sheet and loc.cell]
        for sheet, cell in dict.fromkeys(used):
            formula = doc.formulas.get((sheet, cell))
            if formula is None:
                continue
            note = f"单元格 {sheet_ref(sheet)}!{cell} 的公式为 {formula}"
            covered = references(formula)
            others = [c for s, c in dict.fromkeys(used) if s == sheet and c != cell]
            if covered is not None and others and any(c in covered for c in others):
                # it adds up some of the cells the rule adds, not all: the rows it leaves out
                left_out = sorted((c for c in others if c not in covered), key=_order)
                if left_out:
                    note += f"，未计入本核对所含的 {'、'.join(left_out)}（表内公式与核对关系不一致）"
            notes.append(note)
        if notes:
            f.message += "；" + "；".join(notes)


def without_uncalculated(doc: Document, findings: list[Finding], keep: set[str]) -> list[Finding]:
    """The findings that do not rest on a row holding a formula without a cached value: such a cell
    reads as blank, and its row is not what the workbook will print once recalculated (CC508 says
    so, naming the cells). ``keep``: the rules that report the cells themselves."""
    if not doc.uncalculated:
        return findings
    stale = {(sheet, cell) for sheet, cells in doc.uncalculated for cell in cells}
    lines = {line.number for line in doc.lines if line.sheet and any((line.sheet, r) in stale for r in line.refs)}
    return [f for f in findings if f.rule in keep
            or not any(loc.line in lines or (loc.sheet, loc.cell) in stale for loc in f.locations)]
