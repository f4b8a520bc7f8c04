"""Rule kinds: one small module per kind, all with the same interface (like yamllint's rules).

A rule in a pack is of the kind whose KEY it uses (``check:``, ``each_row:``, ``rollup:``,
``match:`` …). Adding a kind means adding a module to this package; it is registered by its KEY
when the package is imported (modules whose names start with ``_`` are skipped).

The interface of a kind module::

    KEY = "check"                # the YAML key that selects this kind; its value is the payload
    OPTIONS = {                  # the other keys a rule of this kind may use, with a short help
        "each_column": "evaluate once per amount column",
    }
    NEEDS_TABLE = True           # the rule must name table:/tables: (False: optional)
    EXAMPLE = "收入总计 7,667.28 ≠ 支出总计 7,667.07（差 0.21 万元）"  # shown by `explain`

    def compile(draft: Draft) -> object:
        '''Validate the rule (draft.value, draft.options, draft.tables) against the schema and
        return what run() needs. Raise ``draft.error("problem", key="each_row")`` on anything
        wrong: the loader turns it into ``file:line: rule ID: problem`` and exit code 2.'''

    def run(rule: Rule, facts: Facts) -> Iterable[Finding]:
        '''Audit one document. rule.compiled is what compile() returned. Inputs that are absent
        (table not recognised, row not printed) mean: yield nothing.'''

Useful building blocks:

* ``budgetaudit.rules.facts.Facts``: ``tables(kind)``, ``find_rows(table, selector)``,
  ``term(table, row, col, label)`` (a cell as an arithmetic Term), ``doc`` (the Document, with its
  lines for prose rules).
* ``budgetaudit.rules.arith``: ``Term``, ``Side`` and ``compare`` (the interval arithmetic).
* ``budgetaudit.rules.findings.judge(rule, left, right, op, where)``: compares two sides and
  returns a Finding (or None when exactly equal) with the message, severity (rounding → info,
  尾差 → one lower) and the locations of every number.
* ``budgetaudit.rules.rule.RuleFinding``: build findings yourself for non-arithmetic checks; every
  finding needs at least one Location with the line of the text it is about.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

_REGISTRY: dict[str, ModuleType] = {}


def _discover() -> None:
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        key = getattr(module, "KEY", None)
        if not key or not callable(getattr(module, "compile", None)) or not callable(
                getattr(module, "run", None)):
            raise ImportError(f"rule kind module {module.__name__} lacks KEY, compile() or run()")
        if key in _REGISTRY:
            raise ImportError(f"rule kind {key!r} defined twice ({module.__name__})")
        _REGISTRY[key] = module


def registry() -> dict[str, ModuleType]:
    """Every kind by its YAML key."""
    if not _REGISTRY:
        _discover()
    return _REGISTRY


def get(key: str) -> ModuleType | None:
    return registry().get(key)
