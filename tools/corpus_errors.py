"""Print, as YAML entries for tests/corpus_errors.yaml, the corpus errors that are not listed there yet.

    python tools/corpus_errors.py            # the unlisted errors, reason left to fill in
    python tools/corpus_errors.py --stale    # listed errors that are no longer reported

Each printed entry must be checked against the document (recompute the numbers) before it is pasted
with its reason; an error that is not real is a bug to fix, not an entry to add.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import yaml  # noqa: E402
from corpus_review import corpus_files, errors_of, expected, name_of  # noqa: E402


def main() -> int:
    listed = {(e["document"], e["rule"], e["message"]) for e in expected()}
    found = {(name_of(p), rule, message) for p in corpus_files() for rule, message in errors_of(name_of(p))}
    rows = sorted(listed - found) if "--stale" in sys.argv else sorted(found - listed)
    entries = [{"document": d, "rule": r, "message": m, "reason": ""} for d, r, m in rows]
    if entries:
        print(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False, width=200))
    print(f"# {len(entries)} entries", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
