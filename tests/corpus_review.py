"""The error findings budgetaudit reports on ../shared/corpus, and the reviewed list they are held to.

``tests/corpus_errors.yaml`` lists every error-severity finding on the corpus that a developer checked
by recomputing it from the document, with a one-line reason. ``tests/test_corpus_errors.py`` fails on
an error that is not listed (a false alarm until someone shows it is real) and on a listed error that
is no longer found (lost recall). ``python tools/corpus_errors.py`` prints the entries for the
errors not yet listed, to review and paste.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
EXPECTED = Path(__file__).resolve().parent / "corpus_errors.yaml"


def corpus_files() -> list[Path]:
    return sorted(CORPUS.rglob("*.pdf")) if CORPUS.is_dir() else []


def name_of(path: Path) -> str:
    return path.relative_to(CORPUS).as_posix()


@cache
def audited_batch() -> tuple[dict, list]:
    """The whole corpus audited as one batch, with every shipped rule, the way ``budgetaudit check
    ../shared/corpus`` audits it: its sets judged (a prose file with its tables file as one
    disclosure, each department's years against each other). Results by name, and the sets."""
    from budgetaudit.batch import run
    from budgetaudit.rules import load_rules
    from budgetaudit.sets import judge_sets

    rules = load_rules().rules
    files = corpus_files()
    results = run([str(f) for f in files], rules, jobs=2)
    sets = judge_sets(results, rules)
    return {name_of(f): r for f, r in zip(files, results, strict=True)}, sets


def audited(name: str):
    """The audit result of one corpus document, in the corpus batch (with its sets)."""
    return audited_batch()[0][name]


def errors_of(name: str) -> list[tuple[str, str]]:
    """(rule, message) of every error-severity finding on one document."""
    result = audited(name)
    assert result.ok, f"{name}: {result.error}"
    return sorted((f.rule, f.message) for f in result.result.findings if f.severity == "error")


def expected() -> list[dict]:
    return yaml.safe_load(EXPECTED.read_text("utf-8")) or []
