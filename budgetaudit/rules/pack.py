"""Loading rule packs: the shipped ones (package budgetaudit.packs) and any --rules PATH.

Every pack is validated completely when it loads; its problems (every rule's) become a RulePackError
``file:line: rule ID: problem`` (the CLI prints it and exits with 2).

A pack::

    pack: 单位预算公开             # its name
    applies_to: [预算]             # document kinds it audits (omit: every kind)
    description: …                 # optional
    rules:
      - id: BT101                  # letters then three digits, unique over all loaded packs
        title: 收入总计等于支出总计  # Chinese, shown with every finding
        severity: error            # error | warning | info (default error)
        table: 收支预算总表         # or tables: [...] — catalogue kinds
        check: 收入总计 == 支出总计 # exactly one kind key: check, each_row, rollup, match …
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import yaml

from ..errors import RulePackError
from ..narrative.labels import extend as extend_vocabulary
from . import kinds, schema, yamlsrc
from .rule import SEVERITIES, Draft, Rule

PACK_KEYS = {"pack", "applies_to", "description", "prose_vocabulary", "rules"}
COMMON_KEYS = {"id", "title", "severity", "table", "tables", "description", "example", "applies_to"}
DOC_KINDS = ("预算", "决算")
RULE_ID = re.compile(r"^[A-Z]{1,3}\d{3}$")


@dataclass
class Pack:
    name: str
    source: str
    applies_to: tuple[str, ...]
    rules: list[Rule] = field(default_factory=list)


def shipped_pack_files() -> list[Traversable]:
    root = _shipped_pack_root()
    return sorted((p for p in root.iterdir() if p.name.endswith((".yaml", ".yml"))), key=lambda p: p.name)


def _shipped_pack_root() -> Traversable:
    """The repository's rules/ when the package is imported from a source checkout (its
    pyproject.toml beside rules/), else budgetaudit.packs as installed. The checkout comes first: an
    editable install elsewhere maps budgetaudit.packs to *its* rules/, which must not replace the
    packs of the code being run."""
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "rules").is_dir() and (checkout / "pyproject.toml").is_file():
        return checkout / "rules"
    return resources.files("budgetaudit.packs")


def user_pack_files(path: str | Path) -> list[Path]:
    """A pack file, or every .yaml/.yml under a folder (recursively)."""
    p = Path(path)
    if p.is_dir():
        return sorted(f for f in p.rglob("*") if f.suffix in (".yaml", ".yml") and f.is_file())
    if not p.exists():
        raise RulePackError(f"{path}: no such rule pack file or folder")
    return [p]


def load_pack(text: str, source: str) -> Pack:
    try:
        data = yamlsrc.load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise RulePackError(f"{source}:{line}: invalid YAML: {problem}") from None
    if not isinstance(data, dict):
        raise RulePackError(f"{source}:1: a rule pack is a mapping with pack: and rules:")
    for key in data:
        if key not in PACK_KEYS:
            raise RulePackError(f'{source}:{data.line_of(key)}: unknown key "{key}" '
                                f"(expected {', '.join(sorted(PACK_KEYS))})")
    name = data.get("pack")
    if not isinstance(name, str) or not name.strip():
        raise RulePackError(f"{source}:{data.line}: the pack needs a name (pack: …)")
    applies = _doc_kinds(data.get("applies_to"), source, data.line_of("applies_to"), None)
    rules = data.get("rules")
    if not isinstance(rules, list):
        raise RulePackError(f"{source}:{data.line_of('rules')}: rules: must be a list")
    pack = Pack(name.strip(), source, applies)
    vocabulary = _prose_vocabulary(data.get("prose_vocabulary"), source, data.line_of("prose_vocabulary"))
    extend_vocabulary(vocabulary)  # before the rules, which may name these figures (说明.培训费)
    lines = text.splitlines()
    seen: set[str] = set()
    problems: list[str] = []  # every rule's problem, not only the first: one fix-and-reload cycle
    for i, raw in enumerate(rules):
        line = rules.lines[i] if hasattr(rules, "lines") else data.line_of("rules")
        try:
            rule = _load_rule(raw, pack, source, line, lines)
        except RulePackError as exc:
            problems.append(str(exc))
            continue
        if rule.id in seen:
            problems.append(f"{source}:{line}: rule {rule.id}: duplicate id")
            continue
        seen.add(rule.id)
        rule.vocabulary = vocabulary
        pack.rules.append(rule)
    if problems:
        raise RulePackError(_listed(problems))
    return pack


MAX_LISTED = 20


def _listed(problems: list[str]) -> str:
    """Several problems: one per line (the first ``MAX_LISTED``), the count of the others."""
    more = len(problems) - MAX_LISTED
    return "\n".join(problems[:MAX_LISTED]) + (f"\n… and {more} more problems" if more > 0 else "")


def _prose_vocabulary(value, source: str, line: int) -> dict[str, tuple[str, ...]]:
    """``prose_vocabulary: {培训费: [培训费, 培训费预算]}``: names the pack's prose rules may use."""
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and k.strip() and isinstance(v, list) and all(isinstance(a, str) and a.strip() for a in v)
        for k, v in value.items()
    ):
        raise RulePackError(f"{source}:{line}: prose_vocabulary: maps a name to the ways it is written "
                            "(培训费: [培训费, 培训费预算])")
    return {str(k).strip(): tuple(a.strip() for a in v) for k, v in value.items()}


def _doc_kinds(value, source: str, line: int, rule_id: str | None) -> tuple[str, ...]:
    where = f"{source}:{line}: " + (f"rule {rule_id}: " if rule_id else "")
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or any(v not in DOC_KINDS for v in items):
        raise RulePackError(f"{where}applies_to must list document kinds ({', '.join(DOC_KINDS)})")
    return tuple(items)


def _load_rule(raw, pack: Pack, source: str, line: int, lines: list[str]) -> Rule:
    if not isinstance(raw, dict):
        raise RulePackError(f"{source}:{line}: each rule is a mapping with id:, title: and a check")
    rid = raw.get("id")
    if not isinstance(rid, str) or not RULE_ID.match(rid):
        raise RulePackError(f"{source}:{raw.line_of('id')}: rule id {rid!r} must be letters then three "
                            "digits (e.g. BT101)")

    def fail(problem: str, key: str | None = None) -> RulePackError:
        return RulePackError(f"{source}:{raw.line_of(key) if key else raw.line}: rule {rid}: {problem}")

    kind_keys = [k for k in raw if kinds.get(k) is not None]
    if len(kind_keys) != 1:
        known = ", ".join(sorted(kinds.registry()))
        if not kind_keys:
            unknown = [k for k in raw if k not in COMMON_KEYS]
            if unknown:
                raise fail(f'unknown key "{unknown[0]}" (rule kinds: {known})', unknown[0])
            raise fail(f"no rule kind given (one of: {known})")
        raise fail(f"several rule kinds given ({', '.join(kind_keys)}); use one per rule", kind_keys[1])
    key = kind_keys[0]
    module = kinds.get(key)
    options = getattr(module, "OPTIONS", {}) or {}
    for k in raw:
        if k not in COMMON_KEYS and k != key and k not in options:
            allowed = ", ".join(sorted(set(COMMON_KEYS) | set(options) | {key}))
            raise fail(f'unknown key "{k}" (expected {allowed})', k)
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        raise fail("needs a title", "id")
    severity = raw.get("severity", "error")
    if severity not in SEVERITIES:
        raise fail(f'severity "{severity}" is not one of {", ".join(SEVERITIES)}', "severity")
    if "table" in raw and "tables" in raw:
        raise fail("use table: or tables:, not both", "tables")
    tables_value = raw.get("tables", raw.get("table"))
    table_key = "tables" if "tables" in raw else "table"
    tables: tuple[str, ...] = ()
    if tables_value is not None:
        items = [tables_value] if isinstance(tables_value, str) else tables_value
        if not isinstance(items, list) or not items or not all(isinstance(t, str) for t in items):
            raise fail("tables: must list table kinds", table_key)
        for t in items:
            if schema.kind(t) is None:
                raise fail(f'unknown table "{t}"', table_key)
        tables = tuple(items)
    if getattr(module, "NEEDS_TABLE", False) and not tables:
        raise fail(f"a {key} rule needs table: or tables:", key)
    draft = Draft(
        id=rid, title=title.strip(), severity=severity, tables=tables, value=raw[key],
        options={k: raw[k] for k in options if k in raw}, source=source, line=raw.line,
        key_lines=dict(raw.lines),
    )
    compiled = module.compile(draft)
    applies = _doc_kinds(raw.get("applies_to"), source, raw.line_of("applies_to"), rid) or pack.applies_to
    return Rule(
        id=rid, title=draft.title, severity=severity, kind=key, tables=tables, compiled=compiled,
        pack=pack.name, source=source, line=raw.line, yaml=_source_of(raw, lines),
        description=str(raw.get("description") or "").strip(), applies_to=applies,
        example=str(raw.get("example") or getattr(module, "EXAMPLE", "") or ""),
    )


def _source_of(raw, lines: list[str]) -> str:
    """The rule as written in its pack, dedented (shown by `budgetaudit explain`)."""
    chunk = lines[raw.line - 1:max(getattr(raw, "end_line", raw.line), raw.line)]
    # A block mapping ends where the next item starts: drop that line, then trailing blanks/comments.
    if len(chunk) > 1 and re.match(r"^\s*-\s", chunk[-1]):
        chunk.pop()
    while len(chunk) > 1 and (not chunk[-1].strip() or chunk[-1].strip().startswith("#")):
        chunk.pop()
    if not chunk:
        return ""
    indent = len(re.match(r"^\s*(?:-\s+)?", chunk[0]).group(0))
    out = [chunk[0][indent:]]
    for line in chunk[1:]:
        out.append(line[indent:] if line[:indent].strip() == "" else line.strip())
    return "\n".join(out)
