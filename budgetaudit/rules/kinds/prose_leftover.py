"""``prose_leftover:`` — drafting notes and placeholders left in the published text.

    - id: BN409
      title: 起草批注和占位符未删除
      prose_leftover:
        起草批注: '[（(]\\s*请注意[^）)]*[）)]'
        年度占位: '20(?:XX|××)'

Each entry names what was left (the key, shown in the message) and how to recognise it (a regular
expression over each line, as normalised by the reader). Every line is read, tables included:
a placeholder in a table title is as embarrassing as one in the prose.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ...model import Finding, Location
from ...narrative.text import paragraphs
from ..prose import finding
from ..rule import Draft, Rule

KEY = "prose_leftover"
OPTIONS: dict[str, str] = {}
NEEDS_TABLE = False
EXAMPLE = "第192行：“（请注意增减原因要与数字逻辑关系相符）”是起草批注，公开前应删除"


def compile(draft: Draft) -> list[tuple[str, re.Pattern, re.Pattern | None]]:
    """(name, pattern, probe): the probe is the pattern without its look-arounds and anchors (see
    _without_context), or None where it cannot be made."""
    value = draft.value
    if not isinstance(value, dict) or not value:
        raise draft.error("prose_leftover: expects name: regular expression", KEY)
    out = []
    for name, pattern in value.items():
        if not isinstance(pattern, str):
            raise draft.error(f"prose_leftover: {name}: expects a regular expression", KEY)
        try:
            compiled = re.compile(pattern)
        except re.error as exc:
            raise draft.error(f"prose_leftover: {name}: bad regular expression ({exc})", KEY) from None
        out.append((str(name), compiled, _probe(compiled)))
    return out


def run(rule: Rule, facts) -> Iterable[Finding]:
    """Each pattern over the text as the reader sees it: a paragraph joined across the line and
    page breaks of extraction ("增加（减" / "少）"), reported once per paragraph and pattern on the
    line where its first match starts, with how many the paragraph holds."""
    paras = paragraphs(facts.doc, include_tables=True)
    whole = "\n".join(p.text for p in paras)
    # Most documents hold no leftover: a pattern whose probe finds nothing in the whole text is
    # not tried paragraph by paragraph. The probe matches wherever the pattern does, and more: it
    # is the pattern without what looks past the match's own characters, so a match inside a
    # paragraph is a probe match in the whole text.
    patterns = [(name, pattern) for name, pattern, probe in rule.compiled
                if probe is None or probe.search(whole)]
    if not patterns:
        return
    for para in paras:
        seen: set[tuple[int, int]] = set()
        for name, pattern in patterns:
            found = []
            for m in pattern.finditer(para.text):
                if any(m.start() < e and s < m.end() for s, e in seen):
                    continue
                seen.add((m.start(), m.end()))
                found.append(m)
            if not found:
                continue
            # One finding per paragraph and kind of leftover, at its first: an unfilled template
            # repeats "XX" many times a paragraph, and each is fixed in the same place.
            m = found[0]
            line = para.line_at(m.start())
            yield finding(
                rule,
                f"第{line}行：“{m.group(0)}”是{name}{_more(found)}，公开前应删除或填写（原文：“{_quote(para.text, m)}”）",
                [Location(line=line, page=para.page_at(m.start()), table=None, row=m.group(0))],
            )


def _more(found: list[re.Match]) -> str:
    """How many more the paragraph holds: "（本段共 6 处：“XX”×5、“XXX”）"."""
    if len(found) == 1:
        return ""
    counts: dict[str, int] = {}
    for m in found:
        counts[m.group(0)] = counts.get(m.group(0), 0) + 1
    listed = "、".join(f"“{text}”" + (f"×{n}" if n > 1 else "") for text, n in counts.items())
    return f"（本段共 {len(found)} 处：{listed}）"


def _probe(pattern: re.Pattern) -> re.Pattern | None:
    source = None if pattern.flags & re.VERBOSE else _without_context(pattern.pattern)
    if source is None:
        return None
    if source == pattern.pattern:
        return pattern
    try:
        return re.compile(source, pattern.flags)
    except re.error:  # e.g. a quantifier left after a removed look-around
        return None


_ANCHORS = ("\\b", "\\B", "\\A", "\\Z")
_LOOKAROUNDS = ("(?=", "(?!", "(?<=", "(?<!")
_REMOVED = ""  # marks where something was taken out (compared by identity)


def _without_context(source: str) -> str | None:
    """``source`` without look-arounds, anchors and word boundaries: a pattern that matches
    wherever ``source`` matches (they only narrow a match down), on the same characters."""
    out: list[str] = []
    i, n = 0, len(source)
    while i < n:
        if out and out[-1] is _REMOVED and source[i] in "*+?{":
            return None  # a quantified look-around: without it the quantifier would bind elsewhere
        if source[i] == "\\":
            if source.startswith(_ANCHORS, i):
                out.append(_REMOVED)
                i += 2
                continue
            out.append(source[i:i + 2])
            i += 2
        elif source[i] == "[":
            end = _class_end(source, i)
            out.append(source[i:end])
            i = end
        elif source[i] in "^$":
            out.append(_REMOVED)
            i += 1
        elif source.startswith(_LOOKAROUNDS, i):
            end = _group_end(source, i)
            if end is None:
                return None
            out.append(_REMOVED)
            i = end
        else:
            out.append(source[i])
            i += 1
    return "".join(_lead_trimmed(_without_empty_groups(out)))


def _without_empty_groups(tokens: list[str]) -> list[str]:
    """Tokens without the groups left holding nothing but '|' ("(?:(?<=元)|(?<=%))" → "(?:|)"): they
    match the empty string only, and a search for a pattern that can start anywhere is slow. A
    group with a quantifier stays (the quantifier would bind to what stands before it)."""
    out: list[str] = []
    for k, token in enumerate(tokens):
        out.append(token)
        if token != ")" or tokens[k + 1 : k + 2] in (["*"], ["+"], ["?"], ["{"]):
            continue
        j = len(out) - 2
        while j >= 0 and (out[j] == "|" or out[j] is _REMOVED):
            j -= 1
        if j >= 2 and out[j - 2 : j + 1] == ["(", "?", ":"]:
            del out[j - 2 :]
            out.append(_REMOVED)
    return out


def _lead_trimmed(tokens: list[str]) -> list[str]:
    """Tokens without a leading optional atom ("\\s*", "[ ]?") or removed piece: whatever the
    pattern matches, the rest of it matches too, and a probe needs no more."""
    i = 0
    while i < len(tokens):
        if tokens[i] is _REMOVED:
            i += 1
        elif (len(tokens[i]) > 1 or tokens[i] not in "()|*+?{}.\\^$") and tokens[i + 1 : i + 2] in (["*"], ["?"]) \
                and tokens[i + 2 : i + 3] not in (["?"], ["+"]):
            i += 2
        else:
            break
    return tokens[i:]


def _class_end(source: str, i: int) -> int:
    """The index after the character class opening at ``i`` (a ']' first in it is a member)."""
    j = i + 1
    if j < len(source) and source[j] == "^":
        j += 1
    if j < len(source) and source[j] == "]":
        j += 1
    while j < len(source) and source[j] != "]":
        j += 2 if source[j] == "\\" else 1
    return j + 1


def _group_end(source: str, i: int) -> int | None:
    """The index after the group opening at ``i``, or None if it is not closed."""
    depth, j = 0, i
    while j < len(source):
        c = source[j]
        if c == "\\":
            j += 2
            continue
        if c == "[":
            j = _class_end(source, j)
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    return None


QUOTE = 16  # characters of context on each side: enough to tell one leftover from the next


def _quote(text: str, m: re.Match) -> str:
    """The printed words around a match, so that repeated leftovers can be told apart."""
    start, end = max(0, m.start() - QUOTE), min(len(text), m.end() + QUOTE)
    return ("…" if start else "") + " ".join(text[start:end].split()) + ("…" if end < len(text) else "")
