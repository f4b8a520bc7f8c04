"""Errors that reach the user as one line naming the file."""

from __future__ import annotations


class InputError(Exception):
    """An input that cannot be audited: the message names the file and what is wrong."""

    def __init__(self, path: str, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class RulePackError(Exception):
    """An invalid rule pack: ``file:line: rule ID: problem``."""
