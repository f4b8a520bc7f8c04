"""``prose:`` — a figure the 情况说明 states equals the table figure it names.

    - id: BN301
      title: 说明中的基本支出与支出预算总表一致
      prose: 说明.基本支出 == 支出预算总表[@total].基本支出.小计
      or: [一般公共预算支出表[@total].基本支出.小计]

``说明.NAME`` stands for every figure of the prose whose label names NAME (canonical names, see
budgetaudit/narrative/labels.py); each is checked on its own line. ``说明.{科目}`` stands for every
功能分类 figure, and ``{科目}`` on the right for its name. With ``or:`` the figure may equal any of
the alternatives. A figure whose table counterpart is not in the document is not a finding.
``scope:`` explains why a difference may be legitimate (for warnings about labels whose scope
differs between documents); ``zero_ok: true`` accepts a stated 0 (the unit is outside the label's
scope, e.g. a 事业单位 has no 机关运行经费).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from ...model import Finding, Location
from ...narrative import Claim
from ...narrative.labels import COUNTS, FUNCTION_CLASSES, VOCABULARY
from ..arith import BROKEN, Side, blank_term, compare
from ..expr import ExprError, parse_identity, shown
from ..findings import judge
from ..prose import PROSE, compile_sum, document_claims, parse_sum, table_side, term
from ..rule import Draft, Rule

KEY = "prose"
OPTIONS = {
    "or": "alternative table figures; the prose figure may equal any of them",
    "scope": "why the two may legitimately differ (shown in the message)",
    "zero_ok": "a stated 0 is not compared (true/false)",
}
NEEDS_TABLE = False
EXAMPLE = "第186行：说明·人员经费 1,512.69 ≠ 一般公共预算基本支出表·合计·人员经费 1,473.42（差 39.27 万元）"

SUBJECTS = "{科目}"
_SAMPLE_SUBJECT = "卫生健康支出"


@dataclass(frozen=True)
class Compiled:
    name: str
    sides: tuple[str, ...]  # right-hand sides as written (placeholders substituted at run time)
    compiled: tuple  # compiled right-hand sides (None for placeholder sides)
    scope: str
    zero_ok: bool


def known_names() -> set[str]:
    return set(VOCABULARY) | set(FUNCTION_CLASSES) | {c[0] for c in COUNTS}


def compile(draft: Draft) -> Compiled:
    if not isinstance(draft.value, str):
        raise draft.error('prose: must be an identity such as "说明.基本支出 == 支出预算总表[@total].基本支出.小计"', KEY)
    try:
        identity = parse_identity(draft.value)
    except ExprError as exc:
        raise draft.error(f'bad expression "{shown(draft.value)}": {exc}', KEY) from None
    refs = identity.left.refs()
    if identity.op != "==" or len(identity.left.items) != 1 or len(refs) != 1:
        raise draft.error("prose: the left side is one prose figure (说明.NAME) and the operator ==", KEY)
    parts = refs[0].parts
    if len(parts) != 2 or parts[0] != PROSE or not isinstance(parts[1], str):
        raise draft.error(f'prose: "{refs[0].text}" must be written 说明.NAME', KEY)
    name = parts[1]
    if name != SUBJECTS and name not in known_names():
        raise draft.error(f'prose: unknown prose label "{name}" (see budgetaudit/narrative/labels.py)', KEY)
    right = draft.value.split("==", 1)[1].strip()
    alternatives = draft.options.get("or", [])
    if isinstance(alternatives, str):
        alternatives = [alternatives]
    if not isinstance(alternatives, list) or not all(isinstance(a, str) for a in alternatives):
        raise draft.error("or: must list table references", "or")
    sides = (right, *alternatives)
    compiled = []
    for i, side in enumerate(sides):
        key = KEY if i == 0 else "or"
        if SUBJECTS in side:
            if name != SUBJECTS:
                raise draft.error(f"{key}: {SUBJECTS} is only meaningful with 说明.{SUBJECTS}", key)
            compile_sum(draft, side.replace(SUBJECTS, _SAMPLE_SUBJECT), key)  # validate the shape
            compiled.append(None)
        else:
            compiled.append(compile_sum(draft, side, key))
    scope = draft.options.get("scope", "")
    if not isinstance(scope, str):
        raise draft.error("scope: must be text", "scope")
    zero_ok = draft.options.get("zero_ok", False)
    if not isinstance(zero_ok, bool):
        raise draft.error("zero_ok: must be true or false", "zero_ok")
    return Compiled(name, sides, tuple(compiled), scope.strip(), zero_ok)


def _subject(claim, facts) -> str | None:
    """How to select the 科目 a figure names: its 科目编码 when the (类)(款)(项) chain pins it down
    (several 款 have a 行政运行 项), else its name."""
    if claim.path:
        return _code(facts, claim.path) or claim.canonical
    if claim.canonical in FUNCTION_CLASSES:
        return claim.canonical
    return None


def _code(facts, path: tuple[str, ...]) -> str | None:
    """The 科目编码 of the last name of ``path`` whose ancestors carry the other names."""
    for table in facts.doc.tables:
        codes: dict[tuple[int, str], list[str]] = {}
        for row in table.rows:
            if row.code and row.level:
                codes.setdefault((row.level, row.key), []).append(row.code)
        prefixes = [""]
        for depth, name in enumerate(path, start=1):
            found = [c for c in codes.get((depth, name), []) if any(c.startswith(p) for p in prefixes)]
            if not found:
                break
            prefixes = found
        else:
            if len(prefixes) == 1:
                return prefixes[0]
    return None


def pairings(rule: Rule, facts) -> Iterator[tuple[Claim, list[Side]]]:
    """Each prose figure the rule names, with the table figures it is compared with (present ones)."""
    c: Compiled = rule.compiled
    cache: dict[str, list | None] = {}
    every, by_name = _amount_claims(facts)
    for claim in every if c.name == SUBJECTS else by_name.get(c.name, []):
        if c.name == SUBJECTS:
            subject = _subject(claim, facts)
            if subject is None:
                continue
        else:
            subject = None
        if c.zero_ok and claim.amount.value == 0:
            continue
        rights: list[Side] = []
        for written, compiled in zip(c.sides, c.compiled, strict=True):
            if compiled is None:
                assert subject is not None
                text = written.replace(SUBJECTS, subject)
                if text not in cache:
                    cache[text] = _compile_at_run(text)
                compiled = cache[text]
                if compiled is None:
                    continue
            side = table_side(facts, compiled) or _empty_side(facts, compiled)
            if side is not None:
                rights.append(side)
        if rights:
            yield claim, rights


def _amount_claims(facts) -> tuple[list[Claim], dict[str | None, list[Claim]]]:
    """The document's figures (amount claims), all and by canonical name, in reading order: each
    of the many prose rules reads the few named as its figure instead of every claim."""
    found = facts.memo.get(KEY)
    if found is None:
        every = [claim for claim in document_claims(facts) if claim.kind == "amount" and claim.amount is not None]
        by_name: dict[str | None, list[Claim]] = {}
        for claim in every:
            by_name.setdefault(claim.canonical, []).append(claim)
        found = facts.memo[KEY] = (every, by_name)
    return found  # type: ignore[return-value]


def _empty_side(facts, compiled) -> Side | None:
    """An empty table that says so (空表 with its "无此项预算" note) says its figures are 0: e.g.
    债务支出 against 表13. A table the reader found no figures in, without that note, is more
    likely misread than empty: nothing to compare (CC502/CC503 say it once)."""
    kinds = {item.table for _, item in compiled if getattr(item, "table", None)}
    if len(kinds) != 1:
        return None
    kind = kinds.pop()
    if facts.tables(kind):
        return None
    empty = [t for t in facts.doc.tables if t.kind == kind and t.status == "empty" and t.empty_note]
    if not empty:
        return None
    where = Location(line=empty[0].first_line, page=empty[0].pages[0] if empty[0].pages else None, table=kind)
    return Side.of(blank_term(f"{kind}（空表）", where))


def run(rule: Rule, facts) -> Iterable[Finding]:
    c: Compiled = rule.compiled
    for claim, rights in pairings(rule, facts):
        left = Side.of(term(claim))
        if claim.amount.unit != "万元" and any(_same_digits(claim, r) for r in rights):
            continue  # the figure is right but its unit is not: prose_unit reports that
        best = min(rights, key=lambda r: (compare(left, r).status == BROKEN, abs(left.value - r.value)))
        found = judge(rule, left, best, "==", f"第{claim.line}行")
        if found is None:
            continue
        if found.severity != "info" and _ten_thousandfold(claim, best):
            # The table's figure is the prose's in 元 read as 万元: the table's unit was misread
            # (or misprinted), which the unit checks say once, not each figure of the prose.
            found.severity = "info"
            found.message += "（表中数字是说明数字的一万倍：表格单位应为元）"
        elif found.severity != "info" and _blank_but_printed(facts, claim, best):
            # The cell read is blank while the table prints this very figure elsewhere: the
            # table's reading put it in another place, which is not the prose's error.
            found.severity = "info"
            found.message += "（表中印有此数，但不在读出的位置，可能是表格读取有误）"
        elif found.severity == "error" and _in_same_row(facts, claim, best):
            # The row read prints this very figure in another column: the columns may have been
            # read shifted, or the prose took the neighbouring column's figure. Not certain.
            found.severity = "warning"
            found.message += "（同一行的另一列印有此数，请核对是否取错列）"
        if c.scope and found.severity != "info":
            found.message += f"；{c.scope}"
        yield found


def _ten_thousandfold(claim, right: Side) -> bool:
    """The table figure is 10 000 times the prose figure, to the prose figure's precision."""
    if claim.amount.value == 0 or claim.amount.unit != "万元":
        return False
    return abs(right.value / 10000 - claim.amount.value) <= claim.amount.tolerance + (right.high - right.low) / 20000


def _blank_but_printed(facts, claim, right: Side) -> bool:
    """A non-zero prose figure against table cells that are all blank or 0, in a table of the
    same kind that prints that figure in some other cell."""
    if claim.amount.value == 0 or any(t.value != 0 for _, t in right.terms):
        return False
    kinds = {t.location.table for _, t in right.terms if t.location is not None and t.location.table}
    value, tol = claim.amount.value, claim.amount.tolerance
    for kind in kinds:
        for table in facts.doc.tables:
            if table.kind != kind:
                continue
            for row in table.rows:
                for cell in row.cells:
                    a = cell.amount
                    if a is not None and not a.percent and a.unit == "万元" and abs(a.value - value) <= tol + a.tolerance:
                        return True
    return False


def _in_same_row(facts, claim, right: Side) -> bool:
    """The prose figure is printed in another cell of a row the compared cells are on."""
    value, tol = claim.amount.value, claim.amount.tolerance
    for _, t in right.terms:
        if t.location is None or not t.location.table or t.location.line is None:
            continue
        for table in facts.doc.tables:
            if table.kind != t.location.table:
                continue
            for row in table.rows:
                if row.line != t.location.line:
                    continue
                for cell in row.cells:
                    a = cell.amount
                    if a is not None and not a.percent and a.unit == "万元" and abs(a.value - value) <= tol + a.tolerance:
                        return True
    return False


@lru_cache(maxsize=1024)  # the same few 科目 are named by every document's prose, under every rule
def _compile_at_run(text: str):
    try:
        return tuple(parse_sum(text))  # shared by every caller: immutable
    except ValueError:
        return None  # a 科目 name the schema cannot select: nothing to compare


def _same_digits(claim, right: Side) -> bool:
    single = right.single
    return single is not None and claim.amount.printed == single.value
