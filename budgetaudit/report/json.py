"""``--format json``: the findings of a batch, exactly as DESIGN.md §5 fixes them."""

from __future__ import annotations

import json
from decimal import Decimal

from .. import __version__
from ..audit import DocumentResult
from ..model import Finding, Location


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
    return out


def _finding(f: Finding, path: str) -> dict:
    out = {
        "rule": f.rule,
        "severity": f.severity,
        "title": f.title,
        "message": f.message,
        "expected": _number(f.expected),
        "actual": _number(f.actual),
        "difference": _number(f.difference),
        "locations": [_location(loc, path) for loc in f.locations],
    }
    if f.set is not None:
        out["set"] = f.set
    return out


def _unread(u) -> dict:
    return {"kind": u.kind, "title": u.title, "number": u.number, "line": u.line, "pages": u.pages,
            "reason": u.reason}


def _document(item: DocumentResult, show_rounding: bool) -> dict:
    doc = item.document
    findings = item.result.shown(show_rounding) if item.result else []
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
        "disclosure": cov.disclosure if cov else None,
        "sets": list(item.sets),
        "findings": [_finding(f, item.path) for f in findings],
    }


def _set(s) -> dict:
    return {"id": s.id, "kind": s.kind, "entity": s.entity, "doc_kind": s.doc_kind, "years": s.years,
            "forced": s.forced, "documents": [{"path": p, "role": s.roles.get(p)} for p in s.paths],
            "missing": s.missing}


def render(results: list[DocumentResult], show_rounding: bool = False, sets: list | None = None) -> str:
    documents = [_document(r, show_rounding) for r in results]
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
    return json.dumps(payload, ensure_ascii=False, indent=1) + "\n"
