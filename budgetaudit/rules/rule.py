"""A rule as loaded from a pack: what every kind sees (``Draft`` while compiling, ``Rule`` after)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import RulePackError
from ..model import Finding

SEVERITIES = ("error", "warning", "info")


@dataclass
class Draft:
    """A rule being validated: the kind's ``compile`` reads it and raises ``error(...)``."""

    id: str
    title: str
    severity: str
    tables: tuple[str, ...]  # table kinds from table:/tables: (may be empty)
    value: Any  # the value under the kind's key (an expression, a mapping …)
    options: dict[str, Any]  # the kind's other keys that were given
    source: str  # pack file, as shown in errors
    line: int
    key_lines: dict[str, int] = field(default_factory=dict)

    def error(self, problem: str, key: str | None = None) -> RulePackError:
        line = self.key_lines.get(key, self.line) if key else self.line
        return RulePackError(f"{self.source}:{line}: rule {self.id}: {problem}")


@dataclass
class Rule:
    id: str
    title: str
    severity: str
    kind: str  # the kind's KEY
    tables: tuple[str, ...]
    compiled: Any
    pack: str
    source: str
    line: int
    yaml: str = ""  # the rule as written, for `explain`
    description: str = ""
    applies_to: tuple[str, ...] = ()
    example: str = ""  # an example message, for `explain`
    # The prose names its pack adds (prose_vocabulary:), which the claims must be read with.
    vocabulary: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass
class RuleFinding(Finding):
    """A Finding with what reports need to lay out an identity: both sides, where it was checked.

    ``rounding``: only rounding separates the sides (hidden unless --show-rounding).
    ``where``: the row or column the identity was checked on; ``left``/``right``: how each side
    is named (``收入总计``, ``基本支出.小计 + 项目支出``); ``decimals``: to show the difference with;
    ``shown``: both values formatted as printed.
    """

    rounding: bool = False
    where: str = ""
    left: str = ""
    right: str = ""
    decimals: int = 2
    shown: tuple[str, str] = ("", "")  # both values as printed (or summed), formatted
