"""``--format junit``: JUnit XML for CI test dashboards (Jenkins, GitLab, Azure DevOps).

One testsuite per document, one testcase per rule that ran on it (the selected rules that apply to
its kind), a failure on each rule that found something, listing every finding of that rule with
its file:line, and a skipped testcase for a rule whose tables were printed but not read (or on a file
that is no disclosure): not checked is not passed. An input that could not be read is a testsuite
with one errored testcase. No times
or timestamps: the report is the same for the same inputs, whatever the number of jobs.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter

from ..audit import DocumentResult, applies
from ..model import Finding
from .coverage import unchecked_reason as _unchecked
from .places import public_finding

SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
# Characters XML 1.0 cannot carry even escaped (a form feed from a PDF's text would make the file unreadable).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _where(path: str, f: Finding) -> str:
    spots = []
    for loc in f.locations:
        if loc.spot is not None:
            spot = loc.spot
        elif loc.line is not None:
            spot = str(loc.line) + (f"（第{loc.page}页）" if loc.page is not None else "")
        elif loc.page is not None:
            spot = f"第{loc.page}页"
        else:
            continue
        if spot not in spots:
            spots.append(spot)
    return f"{path}:{', '.join(spots)}" if spots else path


def _testcase(path: str, rule_id: str, title: str, findings: list[Finding], skipped: str = "") -> ET.Element:
    case = ET.Element("testcase", {"classname": _xml(path), "name": _xml(f"{rule_id} {title}".strip())})
    if skipped and not findings:
        ET.SubElement(case, "skipped", {"message": _xml(skipped)})
    elif findings:
        worst = min((f.severity for f in findings), key=lambda s: SEVERITY_RANK.get(s, 9))
        message = findings[0].message + (f"（另有 {len(findings) - 1} 处）" if len(findings) > 1 else "")
        failure = ET.SubElement(case, "failure", {"type": worst, "message": _xml(message)})
        failure.text = _xml("\n".join(f"{_where(path, f)}: {f.severity} {f.rule} {f.message}" for f in findings))
    return case


def _suite(item: DocumentResult, rules: list, show_rounding: bool) -> ET.Element:
    suite = ET.Element("testsuite", {"name": _xml(item.path)})
    if not item.ok:
        case = ET.SubElement(suite, "testcase", {"classname": _xml(item.path), "name": "读取文件"})
        ET.SubElement(case, "error", {"type": "input", "message": _xml(item.error or "")})
        suite.attrib.update(tests="1", failures="0", errors="1", skipped="0")
        return suite
    doc = item.document
    props = ET.SubElement(suite, "properties")
    for name, value in (("kind", doc.kind), ("year", doc.year), ("entity", doc.entity),
                        ("tables", len(doc.tables))):
        if value is not None:
            ET.SubElement(props, "property", {"name": name, "value": _xml(str(value))})
    by_rule: dict[str, list[Finding]] = {}
    for f in item.result.shown(show_rounding):
        by_rule.setdefault(f.rule, []).append(public_finding(item, f))
    ran = [r for r in rules if applies(r, doc)]
    cov = item.result.coverage
    cases = [_testcase(item.path, r.id, r.title, by_rule.pop(r.id, []), _unchecked(r, cov)) for r in ran]
    for rule_id, findings in by_rule.items():  # a finding from a rule outside the list still shows
        cases.append(_testcase(item.path, rule_id, findings[0].title, findings))
    suite.extend(cases)
    failures = sum(1 for c in cases if c.find("failure") is not None)
    skipped = sum(1 for c in cases if c.find("skipped") is not None)
    suite.attrib.update(tests=str(len(cases)), failures=str(failures), errors="0", skipped=str(skipped))
    return suite


def render(results: list[DocumentResult], rules: list, show_rounding: bool = False, applied=None) -> str:
    root = ET.Element("testsuites", {"name": "budgetaudit"})
    totals: Counter = Counter()
    for item in results:
        suite = _suite(item, rules, show_rounding)
        root.append(suite)
        for key in ("tests", "failures", "errors", "skipped"):
            totals[key] += int(suite.get(key))
    root.attrib.update({k: str(totals[k]) for k in ("tests", "failures", "errors", "skipped")})
    ET.indent(root, space=" ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
