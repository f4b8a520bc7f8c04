"""Findings accepted after review, each with its reason (出错说明).

``budgetaudit baseline`` writes every current finding with a fingerprint and an empty ``reason``;
the reviewer fills the reasons; ``check --baseline FILE`` then hides the accepted findings, and says
which accepted ones no longer occur (stale). An entry without a reason is refused: accepting a
finding is a decision someone wrote down.

A fingerprint is the rule, the document (its entity, kind and year as printed, else its file name)
and what the finding involves — its numbers, its tables, rows and columns, its message with line and
page numbers taken out — never where it is printed: it survives a re-extraction that moves lines
and pages. Identical findings in one document are told apart by their order (``#2``, ``#3``).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .model import Document, Finding

VERSION = 1
MAX_BYTES = 32 * 1024**2
HEADER = """\
# budgetaudit baseline: findings accepted after review.
# Write the reason (出错说明) of each finding you accept in `reason`; remove the entries you do not
# accept. `budgetaudit check --baseline THIS_FILE` hides the accepted findings and reports those
# that no longer occur. An entry with an empty reason is refused.
"""

_PLACES = re.compile(r"第\s*\d+\s*[行页]|\bp\d+\b|\bline \d+\b|[（(]\s*第[\d、\s]+页\s*[)）]")


class BaselineError(Exception):
    """A baseline file that cannot be used: one line naming the file."""


def document_identity(path: str, doc: Document | None) -> str:
    """What names a document across runs: its printed entity, kind and year, else its file name."""
    if doc is not None and doc.entity and doc.year:
        return f"{doc.entity}|{doc.kind or ''}|{doc.year}"
    return Path(path).name


def _digest(identity: str, f: Finding) -> str:
    places = [f"{loc.table or ''}/{loc.row or ''}/{loc.column or ''}" for loc in f.locations]
    numbers = [format(v, "f") if v is not None else "" for v in (f.expected, f.actual, f.difference)]
    parts = [f.rule, identity, _PLACES.sub("", f.message), *numbers, *places]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]


def fingerprints(path: str, doc: Document | None, findings: list[Finding]) -> list[str]:
    """One fingerprint per finding, in order; repeats of the same finding get #2, #3 …"""
    identity = document_identity(path, doc)
    seen: Counter = Counter()
    out = []
    for f in findings:
        digest = _digest(identity, f)
        seen[digest] += 1
        out.append(digest if seen[digest] == 1 else f"{digest}#{seen[digest]}")
    return out


@dataclass
class Entry:
    fingerprint: str
    rule: str
    document: str
    identity: str
    message: str
    reason: str = ""


@dataclass
class Baseline:
    path: Path
    entries: list[Entry] = field(default_factory=list)

    def reasons(self) -> dict[str, str]:
        return {e.fingerprint: e.reason for e in self.entries}


@dataclass
class Applied:
    """What a baseline did to a run: the findings it accepted (with reasons) and the stale entries."""

    accepted: list[tuple[str, Finding, str, str]] = field(default_factory=list)  # (path, finding, fp, reason)
    stale: list[Entry] = field(default_factory=list)
    file: str = ""  # the baseline file, as the user named it


def write(path: Path, results, previous: Baseline | None = None) -> tuple[str, int]:
    """The baseline text for a run's results (reasons already given in ``previous`` are kept)."""
    kept = previous.reasons() if previous else {}
    entries = []
    for item in results:
        if not item.ok:
            continue
        findings = item.result.findings
        for f, fp in zip(findings, fingerprints(item.path, item.document, findings), strict=True):
            entries.append({
                "fingerprint": fp, "rule": f.rule, "document": item.path,
                "identity": document_identity(item.path, item.document), "message": f.message,
                "reason": kept.get(fp, ""),
            })
    body = yaml.safe_dump({"version": VERSION, "findings": entries}, allow_unicode=True, sort_keys=False,
                          width=1000)
    return HEADER + body, len(entries)


def load(path: Path) -> Baseline:
    from .errors import InputError
    from .readers.regular import read_regular  # regular files only, read within a bound
    from .rules import yamlsrc  # the rule packs' bounds: no alias bombs, no deep nesting, plain tags

    try:
        raw = read_regular(path, MAX_BYTES, "baseline")
    except InputError as exc:
        raise BaselineError(f"{path}: {exc.problem}") from None
    try:
        data = yamlsrc.load(raw.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError, ValueError, RecursionError) as exc:
        raise BaselineError(f"{path}: not a baseline file ({' '.join(str(exc).split())[:160]})") from None
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise BaselineError(f"{path}: not a baseline file (no `findings:` list; write one with `budgetaudit baseline`)")
    entries = []
    missing = []
    for i, item in enumerate(data["findings"], 1):
        if not isinstance(item, dict) or not isinstance(item.get("fingerprint"), str):
            raise BaselineError(f"{path}: entry {i} has no fingerprint")
        reason = item.get("reason")
        reason = reason.strip() if isinstance(reason, str) else ""
        if not reason:
            missing.append(str(i))
        entries.append(Entry(item["fingerprint"], str(item.get("rule", "")), str(item.get("document", "")),
                             str(item.get("identity", "")), str(item.get("message", "")), reason))
    if missing:
        shown = ", ".join(missing[:10]) + (" …" if len(missing) > 10 else "")
        raise BaselineError(f"{path}: {len(missing)} accepted finding(s) without a reason (出错说明): "
                            f"entries {shown}; fill `reason` or remove the entry")
    return Baseline(path, entries)


def apply(baseline: Baseline, results) -> Applied:
    """Hide the accepted findings of ``results`` (in place); entries of audited documents that
    matched nothing are stale. Entries of documents not in this run are left alone."""
    reasons = baseline.reasons()
    applied = Applied(file=str(baseline.path))
    audited: set[str] = set()
    matched: set[str] = set()
    for item in results:
        if not item.ok:
            continue
        identity = document_identity(item.path, item.document)
        audited.add(identity)
        findings = item.result.findings
        keep = []
        for f, fp in zip(findings, fingerprints(item.path, item.document, findings), strict=True):
            if fp in reasons:
                matched.add(fp)
                applied.accepted.append((item.path, f, fp, reasons[fp]))
            else:
                keep.append(f)
        item.result.findings = keep
    applied.stale = [e for e in baseline.entries if e.identity in audited and e.fingerprint not in matched]
    return applied
