"""Rule packs: loading and validation, the expression language, rule kinds and the arithmetic.

    ruleset = load_rules(["my-rules/"])          # shipped packs + user packs, all validated
    rules = ruleset.select(["BT1"], ["BT105"])    # by id or id prefix
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, RulePackError
from ..readers.regular import read_regular
from .pack import Pack, load_pack, shipped_pack_files, user_pack_files
from .rule import Rule, RuleFinding

MAX_PACK_BYTES = 4 * 1024**2  # the shipped packs are a few dozen KiB


@dataclass
class RuleSet:
    packs: list[Pack] = field(default_factory=list)

    @property
    def rules(self) -> list[Rule]:
        return [r for p in self.packs for r in p.rules]

    def get(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id.upper()), None)

    def select(self, select: list[str] | None = None, ignore: list[str] | None = None) -> list[Rule]:
        """Rules whose id matches a --select entry (id or prefix) and no --ignore entry.

        An entry that matches no rule at all raises ValueError naming it.
        """
        select = [s.strip().upper() for s in select or [] if s.strip()]
        ignore = [s.strip().upper() for s in ignore or [] if s.strip()]
        ids = [r.id for r in self.rules]
        for entry in select + ignore:
            if entry != "ALL" and not any(i.startswith(entry) for i in ids):
                raise ValueError(f'unknown rule id or prefix "{entry}"')
        out = []
        for r in self.rules:
            if select and "ALL" not in select and not any(r.id.startswith(s) for s in select):
                continue
            if any(r.id.startswith(s) for s in ignore):
                continue
            out.append(r)
        return out


def load_rules(extra: list[str | Path] | None = None, shipped: bool = True) -> RuleSet:
    """The shipped packs plus every pack under ``extra``; raises RulePackError on any problem."""
    packs: list[Pack] = []
    problems: list[str] = []
    if shipped:
        for f in shipped_pack_files():
            packs.append(load_pack(f.read_text("utf-8"), f"rules/{f.name}"))
    for path in extra or []:
        try:
            files = user_pack_files(path)
        except RulePackError as exc:
            problems.append(str(exc))
            continue
        for f in files:
            try:
                text = read_regular(f, MAX_PACK_BYTES, "rule pack").decode("utf-8")
                packs.append(load_pack(text, str(f)))
            except InputError as exc:
                problems.append(f"{f}: cannot read rule pack: {exc.problem}")
            except UnicodeDecodeError as exc:
                problems.append(f"{f}: cannot read rule pack ({exc})")
            except RulePackError as exc:
                problems.append(str(exc))
    seen: dict[str, Pack] = {}
    for pack in packs:
        for rule in pack.rules:
            if rule.id in seen:
                other = seen[rule.id]
                problems.append(f"{pack.source}:{rule.line}: rule {rule.id}: id already used in {other.source}")
                continue
            seen[rule.id] = pack
    if problems:
        raise RulePackError("\n".join(problems))
    return RuleSet(packs)


__all__ = ["RuleSet", "Rule", "RuleFinding", "load_rules", "load_pack", "RulePackError"]
