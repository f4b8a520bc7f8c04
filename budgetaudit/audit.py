"""Run one Document through the selected rules and return its findings.

Rules whose pack does not apply to the document's kind (预算/决算) are not run. Findings that only
rounding separates are kept apart (``rounding``): reports show them with --show-rounding.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Document, Finding
from .rules import Rule
from .rules.facts import Facts
from .rules.kinds import get as get_kind

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass
class AuditResult:
    findings: list[Finding] = field(default_factory=list)  # what reports show by default
    rounding: list[Finding] = field(default_factory=list)  # differences within rounding tolerance

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
    facts = Facts(doc)
    result = AuditResult()
    seen: set[tuple] = set()
    for rule in rules:
        if not applies(rule, doc):
            continue
        kind = get_kind(rule.kind)
        for finding in kind.run(rule, facts):
            key = (finding.rule, finding.message)
            if key in seen:
                continue
            seen.add(key)
            if getattr(finding, "rounding", False):
                result.rounding.append(finding)
            else:
                result.findings.append(finding)
    result.findings.sort(key=sort_key)
    result.rounding.sort(key=sort_key)
    return result
