"""``--format sarif``: SARIF 2.1.0 for code-scanning dashboards (GitHub, GitLab, Azure DevOps).

One run; the driver lists every rule that was selected, with its title; each finding is a result at
the file and line where its first number is printed, its other numbers as related locations. A
PDF's findings name pages, never the reader's internal lines: the page goes into the location's
properties and into the message, since SARIF has no pages. Each result carries the baseline's
fingerprint (``partialFingerprints``); findings a baseline accepted are results with a suppression
whose justification is the reviewer's reason. Inputs
that could not be read are tool execution notifications, and make the invocation unsuccessful.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePath
from urllib.parse import quote

from .. import __version__
from ..audit import DocumentResult
from ..baseline import fingerprints
from ..model import Finding, Location
from .places import public_finding

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT = "budgetaudit/v1"  # the baseline's fingerprint (budgetaudit.baseline)


def artifact_uri(path: str) -> dict:
    """A relative path stays relative to the checkout (%SRCROOT%); an absolute one becomes a file: URI."""
    p = PurePath(path)
    if p.is_absolute():
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(p.as_posix(), safe="/"), "uriBaseId": "%SRCROOT%"}


def _pages(locs: list[Location]) -> str:
    cells = list(dict.fromkeys(loc.spot for loc in locs if loc.spot is not None))
    if cells:  # a workbook: SARIF has no cells either, so the message names them
        return "（" + "、".join(cells) + "）"
    pages = sorted({loc.page for loc in locs if loc.page is not None})
    return "（第 " + "、".join(str(p) for p in pages) + " 页）" if pages else ""


def _location(path: str, loc: Location, index: int | None = None) -> dict:
    physical: dict = {"artifactLocation": artifact_uri(loc.path or path)}
    page = {"properties": {"page": loc.page}} if loc.page is not None else {}
    if loc.cell is not None:
        page = {"properties": {"sheet": loc.sheet, "cell": loc.cell} if loc.sheet else {"cell": loc.cell}}
    if loc.line is not None:
        physical["region"] = {"startLine": loc.line, **page}
    else:  # a region needs a start (a line or an offset): a page alone goes on the location
        physical.update(page)
    out: dict = {"physicalLocation": physical}
    if loc.spot is not None:
        out["logicalLocations"] = [{"name": loc.spot, "kind": "cell" if loc.sheet else "paragraph"}]
    if index is not None:
        out["id"] = index
    where = "·".join(x for x in (loc.table, loc.row, loc.column) if x)
    if where:
        out["message"] = {"text": where}
    return out


def _result(path: str, f: Finding, rule_index: dict[str, int]) -> dict:
    # The first location that names a line or page is where a dashboard puts the result.
    placed = [loc for loc in f.locations if loc.placed] or f.locations
    primary = placed[0] if placed else Location(line=None)
    out: dict = {
        "ruleId": f.rule,
        "level": LEVEL.get(f.severity, "warning"),
        "message": {"text": f.message + _pages(f.locations)},
        "locations": [_location(path, primary)],
    }
    if f.rule in rule_index:
        out["ruleIndex"] = rule_index[f.rule]
    related = [loc for loc in placed[1:] if (loc.line, loc.page, loc.spot) != (primary.line, primary.page, primary.spot)]
    if related:
        out["relatedLocations"] = [_location(path, loc, i) for i, loc in enumerate(related, 1)]
    numbers = {k: format(v, "f") for k, v in
               (("expected", f.expected), ("actual", f.actual), ("difference", f.difference)) if v is not None}
    if numbers:
        out["properties"] = numbers
    return out


def _rule(rule) -> dict:
    out: dict = {
        "id": rule.id,
        "name": rule.id,
        "shortDescription": {"text": rule.title},
        "defaultConfiguration": {"level": LEVEL.get(rule.severity, "warning")},
        "properties": {"pack": rule.pack},
    }
    if rule.description:
        out["fullDescription"] = {"text": " ".join(rule.description.split())}
    return out


def render(results: list[DocumentResult], rules: list, show_rounding: bool = False, applied=None) -> str:
    driver_rules = [_rule(r) for r in rules]
    rule_index = {r.id: i for i, r in enumerate(rules)}
    notifications = []
    findings = []
    for item in results:
        if not item.ok:
            notifications.append({
                "level": "error",
                "message": {"text": f"{item.path}: {item.error}"},
                "locations": [{"physicalLocation": {"artifactLocation": artifact_uri(item.path)}}],
            })
            continue
        shown = item.result.shown(show_rounding)
        for f, fp in zip(shown, fingerprints(item.path, item.document, shown), strict=True):
            result = _result(item.path, public_finding(item, f), rule_index)
            result["partialFingerprints"] = {FINGERPRINT: fp}
            findings.append(result)
    for path, f, fp, reason in applied.accepted if applied else []:
        item = next((r for r in results if r.path == path), None)
        result = _result(path, public_finding(item, f) if item else f, rule_index)
        result["partialFingerprints"] = {FINGERPRINT: fp}
        result["suppressions"] = [{"kind": "external", "status": "accepted", "justification": reason,
                                   "location": {"physicalLocation": {"artifactLocation": artifact_uri(applied.file)}}}]
        findings.append(result)
    run = {
        "tool": {"driver": {"name": "budgetaudit", "version": __version__, "semanticVersion": __version__,
                            "rules": driver_rules}},
        "invocations": [{"executionSuccessful": not notifications,
                         "toolExecutionNotifications": notifications}],
        "results": findings,
    }
    payload = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(payload, ensure_ascii=False, indent=1) + "\n"
