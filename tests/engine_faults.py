"""Misbehaving documents for tests/test_engine.py, by file name: ``hang*`` sleeps past any time
limit, ``crash*`` dies of SIGSEGV. ``install()`` replaces the table recogniser in the process it runs
in — the test process for ``--jobs``, each Dask worker (``client.run(install)``) for the engine — and
the audit processes forked from it inherit the replacement. The workers import this module by name
(tests/ is on their PYTHONPATH)."""

from __future__ import annotations

import faulthandler
import os
import signal
import time
from pathlib import Path

from budgetaudit import loader

_real = loader.recognize


def recognize(lines, path, source="text"):
    name = Path(path).name
    if name.startswith("hang"):
        time.sleep(600)
    if name.startswith("crash"):
        faulthandler.disable()  # a handler would print a traceback for the expected crash
        os.kill(os.getpid(), signal.SIGSEGV)
    return _real(lines, path, source)


def install() -> None:
    loader.recognize = recognize


def remove() -> None:
    loader.recognize = _real


def pretend_version(version: str | None) -> None:
    """Make this process say it runs budgetaudit ``version`` (None: the truth again), as a worker
    with another installation would."""
    from budgetaudit import engines

    real = engines.__dict__.setdefault("_real_identity", engines.identity)
    engines.identity = real if version is None else (lambda: {**real(), "version": version})


def pretend_blind(blind: bool) -> None:
    """Make this process see none of the inputs (False: see them again), as a worker on a machine
    without the batch's storage would."""
    from budgetaudit import engines

    real = engines.__dict__.setdefault("_real_sizes", engines._sizes)
    engines._sizes = (lambda files: [None] * len(files)) if blind else real
