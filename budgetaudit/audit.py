"""Run one Document through the selected rules and return its findings.

Rules whose pack does not apply to the document's kind (预算/决算) are not run. Findings that only
rounding separates are kept apart (``rounding``): reports show them with --show-rounding.

The audit runs in two passes (see reading.py): the tables' own identities first, to find the tables
that were not reliably read; then every rule, on the tables that were. A misread table is one
warning (CC505), not an error per row, and no finding rests on its cells. A file that is no
disclosure at all is said to be one (CC507).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from . import evidence, formulas, reading, scale
from .model import Document, Finding
from .rules import Rule
from .rules.facts import Facts
from .rules.kinds import get as get_kind

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
TABLE_KINDS = {"check", "each_row", "rollup", "match"}  # the arithmetic kinds over tables


@dataclass
class AuditResult:
    findings: list[Finding] = field(default_factory=list)  # what reports show by default
    rounding: list[Finding] = field(default_factory=list)  # differences within rounding tolerance
    coverage: reading.Coverage = field(default_factory=reading.Coverage)  # tables printed vs read

    def shown(self, show_rounding: bool = False) -> list[Finding]:
        if not show_rounding:
            return self.findings
        return sorted(self.findings + self.rounding, key=sort_key)


def applies(rule: Rule, doc: Document) -> bool:
    return not rule.applies_to or doc.kind is None or doc.kind in rule.applies_to


def sort_key(f: Finding):
    first = f.locations[0] if f.locations else None
    line = first.line if first and first.line is not None else 0
    page = first.page if first and first.page is not None else 0
    return (page, line, SEVERITY_ORDER.get(f.severity, 9), f.rule)


def audit(doc: Document, rules: list[Rule]) -> AuditResult:
    chosen = [r for r in rules if applies(r, doc)]
    disclosure = reading.is_disclosure(doc)
    if not disclosure:  # nothing of a disclosure to check: say once that it is none
        chosen = [r for r in chosen if r.kind == "completeness" and r.compiled == "disclosure"]
    table_rules = [r for r in chosen if r.kind in TABLE_KINDS]
    first_facts = Facts(doc)
    first = _run(table_rules, first_facts)
    slips = scale.unit_slips(doc, first.findings)
    if not slips:
        return _audit(doc, chosen, disclosure, table_rules, first_facts, first, slips)
    # a table in another unit than it says: read it in that unit, then look again
    with scale.read_in_actual_unit(slips):
        first_facts = Facts(doc)
        first = _run(table_rules, first_facts)
        return _audit(doc, chosen, disclosure, table_rules, first_facts, first, slips)


def _audit(doc: Document, chosen: list[Rule], disclosure: bool, table_rules: list[Rule],
           first_facts: Facts, first: AuditResult, slips: list) -> AuditResult:
    """Every rule after the tables' own identities (``first``) have told which tables are misread."""
    misread = reading.misread_tables(doc, first.findings)
    if misread:
        facts = Facts(doc, misread=misread, disclosure=disclosure, slips=slips)
        result = _run(chosen, facts)
        first_facts = facts  # the first pass's lookups were on tables since found misread
    else:  # the first pass stands: run the other rules with the same facts
        facts = Facts(doc, disclosure=disclosure, slips=slips)
        result = _run([r for r in chosen if r.kind not in TABLE_KINDS], facts, first)
    result.coverage = reading.coverage(doc, misread)
    for f in (first_facts, facts):
        for rule_id, names in f.rows_found.items():
            result.coverage.rows_found.setdefault(rule_id, set()).update(names)
        for rule_id, names in f.rows_missed.items():
            result.coverage.rows_missed.setdefault(rule_id, set()).update(names)
    result.coverage.disclosure = disclosure
    result.coverage.latin = not disclosure and reading.written_in_latin(doc)
    _promote_isolated_rounding(result, {r.id for r in table_rules})
    if doc.source != "text" or doc.parts:
        for f in result.findings + result.rounding:
            f.message = pages_for_lines(f.message, doc)
            if getattr(f, "where", ""):
                f.where = pages_for_lines(f.where, doc)
    result.findings.sort(key=sort_key)
    result.rounding.sort(key=sort_key)
    evidence.attach(doc, result.findings + result.rounding)
    formulas.annotate(doc, result.findings + result.rounding)
    if doc.uncalculated:
        keep = {r.id for r in chosen if r.kind == "workbook"}
        result.findings = formulas.without_uncalculated(doc, result.findings, keep)
        result.rounding = formulas.without_uncalculated(doc, result.rounding, keep)
    return result


def _run(rules: list[Rule], facts: Facts, into: AuditResult | None = None) -> AuditResult:
    result = into or AuditResult()
    seen = {(f.rule, f.message) for f in result.findings + result.rounding}
    for rule in rules:
        kind = get_kind(rule.kind)
        facts.rule_id = rule.id
        for finding in kind.run(rule, facts):
            key = (finding.rule, finding.message)
            if key in seen:
                continue
            seen.add(key)
            if getattr(finding, "rounding", False):
                result.rounding.append(finding)
            else:
                result.findings.append(finding)
    return result


_LINE_REF = re.compile(r"第(\d+)行")
_SPACED_LINE_REF = re.compile(r"第\s?(\d+)\s?行")


def pages_for_lines(message: str, doc: Document) -> str:
    """A PDF's reader numbers its lines, but its user finds things by page: "第431行" → "第24页".
    In a disclosure of several files (Document.parts), a line of a file after the first is named
    with its file and its own page or line: "《…公开表.pdf》第3页". A workbook's line is named by its
    sheet and cell: "单位编制说明!A3"."""
    def page(m: re.Match) -> str:
        number = int(m.group(1))
        line = doc.line(number)
        part = max((p for p in doc.parts if p[0] <= number), key=lambda p: p[0], default=None)
        pdf = part[2] == "pdf" if part is not None else doc.source == "pdf"
        if line is not None and line.place:  # a workbook's cell or row: "收支总表!B21", "收支总表!21:21"
            where = line.place
            sheet = where.rpartition("!")[0]
            if sheet and m.string[:m.start()].endswith(sheet):  # "目录第17行" → "目录!A9", not "目录目录!A9"
                where = where[len(sheet):]
        elif pdf and line is not None and line.page:
            where = f"第{line.page}页"
        elif part is not None:
            where = f"第{number - part[0] + 1}行"
        else:
            return m.group(0)
        if part is not None and part[0] > 1:
            where = f"《{Path(part[1]).name}》{where}"
        return where
    if doc.source in ("xlsx", "docx"):  # no line numbers at all in a workbook's messages
        return _SPACED_LINE_REF.sub(page, message)
    return _LINE_REF.sub(page, message)


def _promote_isolated_rounding(result: AuditResult, table_rules: set[str]) -> None:
    """Rounding-sized gaps that all involve one printed number, in a document where no other
    table identity shows any rounding gap, point at that number rather than at rounding: warn."""
    gaps = [f for f in result.rounding if f.rule in table_rules]
    if not gaps:
        return
    common: set[int] | None = None
    for f in gaps:
        lines = {loc.line for loc in f.locations if loc.line is not None}
        common = lines if common is None else common & lines
    if not common:
        return
    line = min(common)
    for f in gaps:
        f.severity = "warning"
        f.rounding = False
        f.message += f"；本文档其他表格核对均无舍入差异，差异都涉及第 {line} 行的数字，该数字可能有误"
        result.findings.append(f)
    result.rounding = [f for f in result.rounding if f not in gaps]


# ---------------------------------------------------------------- documents of a batch

@dataclass
class DocumentResult:
    """One input of a batch: its document and findings, or why it could not be read."""

    path: str
    document: Document | None = None
    result: AuditResult | None = None
    error: str | None = None
    # For the set stage (sets.py), filled in the worker: what each set rule gathered of this file,
    # and the whole Document of a file that may be half of a disclosure; then the sets it is in.
    gathered: dict = field(default_factory=dict)
    full: Document | None = None
    sets: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None


def audit_file(path: str, rules: list[Rule]) -> DocumentResult:
    """Load and audit one file; an unreadable input becomes a DocumentResult with ``error``."""
    from .errors import InputError
    from .loader import load_document
    from .narrative.labels import extend as extend_vocabulary

    for rule in rules:  # the pack's prose names, also in a worker process started afresh
        if rule.vocabulary:
            extend_vocabulary(rule.vocabulary)
    try:
        doc = load_document(path)
    except InputError as exc:
        return DocumentResult(path, error=exc.problem)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return DocumentResult(path, error=f"cannot be read ({exc})")
    return DocumentResult(path, document=doc, result=audit(doc, rules))
