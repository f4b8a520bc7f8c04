"""``--format json``: the findings of a batch, exactly as DESIGN.md §5 fixes them."""

from __future__ import annotations

import json
from decimal import Decimal

from .. import __version__
from ..audit import DocumentResult
from ..baseline import fingerprints
from ..model import Finding, Location
from .coverage import unchecked
from .places import public_finding


def _number(value: Decimal | None) -> str | None:
    if value is None:
        return None
    text = format(value, "f")
    return text[1:] if text.startswith("-") and value == 0 else text


def _location(loc: Location, path: str) -> dict:
    out = {"path": loc.path or path, "line": loc.line, "page": loc.page, "table": loc.table, "row": loc.row,
           "column": loc.column}
    if loc.box is not None:  # PDFs only: where the number is printed on its page (model.Box)
        out["box"] = [round(v, 1) for v in loc.box]
    if loc.cell is not None:  # workbooks: the sheet and cell ("部门收支总表", "C7"); Word files: the place
        out["sheet"], out["cell"] = loc.sheet, loc.cell
    return out


def _finding(f: Finding, path: str, fingerprint: str) -> dict:
    out = {
        "rule": f.rule,
        "severity": f.severity,
        "title": f.title,
        "message": f.message,
        "expected": _number(f.expected),
        "actual": _number(f.actual),
        "difference": _number(f.difference),
        "locations": [_location(loc, path) for loc in f.locations],
        "fingerprint": fingerprint,
    }
    if f.set is not None:
        out["set"] = f.set
    return out


def _unread(u) -> dict:
    out = {"kind": u.kind, "title": u.title, "number": u.number, "line": u.line, "pages": u.pages,
           "reason": u.reason}
    if getattr(u, "place", None):  # a workbook's sheet and cell stand for the reader's line
        out["line"], out["place"] = None, u.place
    return out


def _document(item: DocumentResult, show_rounding: bool, rules: list | None) -> dict:
    doc = item.document
    findings = item.result.shown(show_rounding) if item.result else []
    prints = fingerprints(item.path, doc, findings)
    cov = item.result.coverage if item.result else None
    return {
        "path": item.path,
        "status": "ok" if item.ok else "error",
        "error": item.error,
        "kind": doc.kind if doc else None,
        "year": doc.year if doc else None,
        "entity": doc.entity if doc else None,
        "tables": len(doc.tables) if doc else 0,
        "tables_printed": cov.printed if cov else 0,
        "tables_read": cov.read if cov else 0,
        "tables_unread": [_unread(u) for u in cov.unread] if cov else [],
        "tables_in": list(cov.tables_in) if cov else [],
        "disclosure": cov.disclosure if cov else None,
        "sets": list(item.sets),
        "unchecked": [{"rule": r, "reason": why} for r, why in unchecked(item, rules or [])],
        "findings": [_finding(public_finding(item, f), item.path, fp) for f, fp in zip(findings, prints, strict=True)],
    }


def _set(s) -> dict:
    return {"id": s.id, "kind": s.kind, "entity": s.entity, "doc_kind": s.doc_kind, "years": s.years,
            "forced": s.forced, "documents": [{"path": p, "role": s.roles.get(p)} for p in s.paths],
            "missing": s.missing}


def _baseline(applied) -> dict:
    return {
        "file": applied.file,
        "accepted": [{"path": path, "rule": f.rule, "fingerprint": fp, "reason": reason, "message": f.message}
                     for path, f, fp, reason in applied.accepted],
        "stale": [{"document": e.document, "rule": e.rule, "fingerprint": e.fingerprint, "reason": e.reason,
                   "message": e.message} for e in applied.stale],
    }


def render(results: list[DocumentResult], show_rounding: bool = False, sets: list | None = None, applied=None,
           rules: list | None = None) -> str:
    documents = [_document(r, show_rounding, rules) for r in results]
    counts = {"error": 0, "warning": 0, "info": 0}
    for d in documents:
        for f in d["findings"]:
            counts[f["severity"]] = counts.get(f["severity"], 0) + 1
    payload = {
        "tool": "budgetaudit",
        "version": __version__,
        "documents": documents,
        "sets": [_set(s) for s in sets or []],
        "summary": {
            "documents": len(documents),
            "failed": sum(1 for r in results if not r.ok),
            "not_disclosures": sum(1 for r in results if r.result and not r.result.coverage.disclosure),
            "incompletely_read": sum(1 for r in results if r.result and r.result.coverage.unread),
            "sets": len(sets or []),
            **counts,
        },
    }
    if applied is not None:
        payload["baseline"] = _baseline(applied)
    return json.dumps(payload, ensure_ascii=False, indent=1) + "\n"
