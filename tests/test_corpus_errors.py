"""Every error budgetaudit reports on the real corpus is a real error of the document, reviewed.

A new error that is not in tests/corpus_errors.yaml fails here: that is how a false alarm is caught
before a user sees it. A listed error that disappears fails too: a real error is no longer found.
Skipped when ../shared/corpus is absent.
"""

from __future__ import annotations

import pytest
from corpus_review import corpus_files, errors_of, expected, name_of

FILES = corpus_files()
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not FILES, reason="../shared/corpus is absent")]


def _listed(name: str) -> list[tuple[str, str]]:
    return sorted((e["rule"], e["message"]) for e in expected() if e["document"] == name)


def test_every_listed_error_has_a_reason():
    for entry in expected():
        assert set(entry) >= {"document", "rule", "message", "reason"}, entry
        assert len(str(entry["reason"]).strip()) >= 10, f"no review reason: {entry}"


@pytest.mark.parametrize("name", [name_of(p) for p in FILES])
def test_errors_are_the_reviewed_ones(name):
    found = errors_of(name)
    listed = _listed(name)
    new = [f for f in found if f not in listed]
    lost = [e for e in listed if e not in found]
    assert not new, "errors not reviewed (false alarms until shown real):\n" + "\n".join(map(str, new))
    assert not lost, "reviewed real errors no longer found:\n" + "\n".join(map(str, lost))
