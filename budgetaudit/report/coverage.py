"""Which rules a document could not be checked against, and why: not checked is not passed.

A rule on tables is unchecked when none of its tables was read — printed but not recognised, or
not printed at all — and every rule but the completeness ones is unchecked on a file that is no
disclosure. Reports say so (JUnit: skipped; JSON: ``unchecked``; ``--statistics``: the counts).
"""

from __future__ import annotations

from ..audit import DocumentResult, applies

UNREAD = "所涉表格已印出但未能识别，未核对"
ABSENT = "所涉表格不在文件中，未核对"
NOT_DISCLOSURE = "不是预算/决算公开材料"


def rule_tables(rule) -> set[str]:
    kinds = set(rule.tables)
    for side in ("left", "right"):
        table = getattr(getattr(rule.compiled, side, None), "table", None)
        if isinstance(table, str):
            kinds.add(table)
    return kinds


def unchecked_reason(rule, cov) -> str:
    """Why ``rule`` was not checked on a document with coverage ``cov``; "" when it was."""
    if rule.kind == "completeness":
        return ""
    if not cov.disclosure:
        return NOT_DISCLOSURE
    kinds = rule_tables(rule)
    if not kinds or kinds & cov.read_kinds:
        return ""
    return UNREAD if cov.unchecked(kinds) else ABSENT


def unchecked(item: DocumentResult, rules: list) -> list[tuple[str, str]]:
    """(rule id, reason) for each selected rule that applies to the document and was not checked."""
    if not item.ok:
        return []
    cov = item.result.coverage
    out = []
    for r in rules:
        if item.document is not None and not applies(r, item.document):
            continue
        why = unchecked_reason(r, cov)
        if why:
            out.append((r.id, why))
    return out


def never_bound(results: list[DocumentResult], rules: list) -> list:
    """The rules of user packs that no document of the run could be checked against."""
    from ..rules.pack import shipped_pack_files

    shipped = {f"rules/{f.name}" for f in shipped_pack_files()}  # as load_rules names their source
    read = [r for r in results if r.ok]
    if not read:
        return []
    return [rule for rule in rules if str(rule.source) not in shipped
            and all((item.document is not None and not applies(rule, item.document))
                    or unchecked_reason(rule, item.result.coverage) for item in read)]


def rows_never_found(results: list[DocumentResult], rules: list) -> dict[str, list[str]]:
    """For the rules of user packs: the row names ("表[行]") they looked up in tables that were read
    and that no document of the run prints — most likely misspelt, and the rule never fires."""
    from ..rules.pack import shipped_pack_files

    shipped = {f"rules/{f.name}" for f in shipped_pack_files()}
    mine = {r.id for r in rules if str(r.source) not in shipped}
    found: dict[str, set[str]] = {}
    missed: dict[str, set[str]] = {}
    for item in results:
        if not item.ok:
            continue
        cov = item.result.coverage
        for rule_id, names in getattr(cov, "rows_found", {}).items():
            found.setdefault(rule_id, set()).update(names)
        for rule_id, names in getattr(cov, "rows_missed", {}).items():
            missed.setdefault(rule_id, set()).update(names)
    return {rule_id: sorted(names - found.get(rule_id, set())) for rule_id, names in sorted(missed.items())
            if rule_id in mine and names - found.get(rule_id, set())}
