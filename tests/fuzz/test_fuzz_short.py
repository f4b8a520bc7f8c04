"""The short, seeded fuzz run CI keeps (about a minute on two cores): hostile documents, packs,
file names, links, outputs and streams, each held to the contract in tests/fuzz/hostile.py.
The long run (≥ 1,000 cases) is tools/fuzz.py."""

from __future__ import annotations

import os
import sys

import pytest

from .hostile import SAMPLES, run_many

pytestmark = pytest.mark.slow  # pytest -m 'not slow': the quick subset (README)

CASES = int(os.environ.get("BUDGETAUDIT_FUZZ_CASES", "60"))
SEED = int(os.environ.get("BUDGETAUDIT_FUZZ_SEED", "11"))


@pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "darwin", reason="the harness forks (Linux)")
def test_hostile_cases_keep_the_contract(tmp_path):
    if not SAMPLES:
        pytest.skip("no samples")
    outcomes = run_many(CASES, SEED, tmp_path)
    broken = [f"{o.case.name} {o.case.argv}: {'; '.join(o.problems)}" for o in outcomes if o.problems]
    assert not broken, "\n".join(broken)
    assert len(outcomes) == CASES
