"""The prose stage: what the 情况说明 says, as claims (read → tables → claims → rules).

``claims(document)`` reads the paragraphs outside the recognised tables and returns one Claim per
statement (builder). One module per job: text (paragraphs joined across line and page breaks),
numbers (which numbers are figures), labels (what a label names; the vocabulary is data in
budgetaudit/data/prose.yaml), lists (parts under totals), changes (changes and shares),
arithmetic (written calculations), claim (the record). Nothing here judges: the rule kinds
(budgetaudit/rules/kinds/prose_*.py, sharing budgetaudit/rules/prose.py) do.
"""

from .builder import by_id, claims, parts_of
from .claim import KINDS, Claim

__all__ = ["Claim", "KINDS", "claims", "by_id", "parts_of"]
