"""The expression language of rule packs: small, safe, parsed by hand (no eval).

    identity   := sum ( "==" | "<=" | ">=" ) sum
    sum        := term ( ("+" | "-") term )*
    term       := NUMBER | reference | "(" sum ")" | "-" term
    reference  := part ( "." NAME | "[" selector "]" )* "?"?
    part       := NAME | "[" selector "]"

A reference is a dotted path whose meaning the rule kind decides (see ``Ref``): in a table rule
``支出预算总表[合计].基本支出.小计`` is table, row, column; in an ``each_row`` rule ``基本支出.小计``
is a column. ``[...]`` selects rows (see ``RowSelector``). A trailing ``?`` makes an absent operand
count as 0 instead of skipping the rule.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from ..amounts import plausible_digits

OPERATORS = ("==", "<=", ">=")
# Bounds no rule needs and a hostile pack exceeds: nesting of "(" and unary "-" (the parser
# recurses on both) and the length of one expression.
MAX_DEPTH = 32
MAX_CHARS = 4000


class ExprError(ValueError):
    """A syntax error; ``pos`` is the character offset in the expression."""

    def __init__(self, message: str, pos: int | None = None):
        super().__init__(message)
        self.pos = pos


# ---------------------------------------------------------------- row selectors

_ENUMERATOR = re.compile(
    r"^(?:其中\s*[:：]?\s*)?"
    r"(?:[一二三四五六七八九十]+\s*[、.．]|[（(]\s*[一二三四五六七八九十\d]+\s*[)）]|\d+\s*[、.．](?!\d)|[①-⑳])?"
    r"\s*(?:其中\s*[:：]\s*)?"
)


_SPACES = re.compile(r"\s+")
_QUOTES = re.compile(r"[“”\"‘’]")


@lru_cache(maxsize=16384)  # rules look the same few hundred labels up thousands of times
@lru_cache(maxsize=16384)  # every row selector compares every row's label this way
def normalize_key(label: str) -> str:
    """A label as the recogniser keys rows: no spaces, no leading enumerator, full-width brackets."""
    key = _SPACES.sub("", label or "")
    key = _ENUMERATOR.sub("", key, count=1)
    key = key.replace("(", "（").replace(")", "）")
    return _QUOTES.sub("", key)


@dataclass(frozen=True)
class RowAlt:
    """One way to find a row: by 科目编码, by label key (``*`` globs), by role, or after an anchor."""

    code: str | None = None
    key: str | None = None
    role: str | None = None  # "total" for @total
    after: RowAlt | None = None  # ``A>B``: the first row matching B below the row matching A

    @property
    def is_glob(self) -> bool:
        return bool(self.key and "*" in self.key)

    def matches(self, row) -> bool:
        if self.code is not None:
            return row.code == self.code
        if self.role == "total":
            return row.role == "total" or lookup_key(row) in {"合计", "总计"}
        if self.key is not None:
            key = lookup_key(row)
            if self.is_glob:
                return fnmatch.fnmatchcase(key, self.key)
            return key == self.key
        return False

    def __str__(self) -> str:
        if self.after is not None:
            return f"{self.after}>{self._own()}"
        return self._own()

    def _own(self) -> str:
        if self.code is not None:
            return self.code
        if self.role:
            return "@" + self.role
        return self.key or ""


def lookup_key(row) -> str:
    """The key a row selector's name is compared with."""
    if row.key:
        return normalize_key(row.key)
    name = row.name or row.texts.get("项目名称", "")
    return normalize_key(name)


@dataclass(frozen=True)
class RowSelector:
    """``[支出:年终结转结余|上年结转结余]``: an optional side, then alternatives tried in order."""

    alts: tuple[RowAlt, ...]
    side: str | None = None
    text: str = ""

    @property
    def is_glob(self) -> bool:
        return any(a.is_glob for a in self.alts)

    def __str__(self) -> str:
        return self.text


def parse_selector(text: str, pos: int = 0) -> RowSelector:
    body = text.strip()
    side = None
    m = re.match(r"^([^:：|>\[\]]+)[:：](.+)$", body)
    if m and not re.fullmatch(r"\d+", m.group(1).strip()):
        side, body = m.group(1).strip(), m.group(2)
    alts = []
    for raw in body.split("|"):
        raw = raw.strip()
        if not raw:
            raise ExprError(f'empty alternative in row selector "[{text}]"', pos)
        parts = [p.strip() for p in raw.split(">")]
        if any(not p for p in parts):
            raise ExprError(f'bad row selector "[{text}]"', pos)
        alt = None
        for part in parts:
            own = _parse_alt(part, text, pos)
            alt = own if alt is None else RowAlt(own.code, own.key, own.role, after=alt)
        alts.append(alt)
    return RowSelector(tuple(alts), side, text.strip())


def _parse_alt(part: str, text: str, pos: int) -> RowAlt:
    if part.startswith("@"):
        if part != "@total":
            raise ExprError(f'unknown row role "{part}" in "[{text}]" (only @total)', pos)
        return RowAlt(role="total")
    if re.fullmatch(r"\d{3,7}", part):
        return RowAlt(code=part)
    key = normalize_key(part)
    if not key:
        raise ExprError(f'bad row selector "[{text}]"', pos)
    return RowAlt(key=key)


# ---------------------------------------------------------------- AST


@dataclass(frozen=True)
class Ref:
    """A dotted reference: ``parts`` are names (str) and row selectors, in order."""

    parts: tuple[str | RowSelector, ...]
    optional: bool
    text: str
    pos: int


@dataclass(frozen=True)
class Num:
    value: Decimal
    pos: int


@dataclass
class Sum:
    """A flattened signed sum: ``(sign, Ref | Num)`` pairs."""

    items: list[tuple[int, Ref | Num]] = field(default_factory=list)

    def refs(self) -> list[Ref]:
        return [x for _, x in self.items if isinstance(x, Ref)]


@dataclass
class Identity:
    left: Sum
    op: str
    right: Sum
    text: str

    def refs(self) -> list[Ref]:
        return self.left.refs() + self.right.refs()


# ---------------------------------------------------------------- tokenizer and parser

_NAME_STOP = set(" \t\r\n.[]+-=<>()?")


@dataclass(frozen=True)
class _Tok:
    kind: str  # name, number, sel, op, dot, lp, rp, q, end
    text: str
    pos: int


def _tokenize(src: str) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c in " \t\r\n":
            i += 1
            continue
        if src.startswith(("==", "<=", ">="), i):
            toks.append(_Tok("op", src[i:i + 2], i))
            i += 2
            continue
        if c in "+-":
            toks.append(_Tok("op", c, i))
            i += 1
            continue
        if c == ".":
            toks.append(_Tok("dot", c, i))
            i += 1
            continue
        if c == "(":
            toks.append(_Tok("lp", c, i))
            i += 1
            continue
        if c == ")":
            toks.append(_Tok("rp", c, i))
            i += 1
            continue
        if c == "?":
            toks.append(_Tok("q", c, i))
            i += 1
            continue
        if c == "[":
            j = src.find("]", i + 1)
            if j < 0:
                raise ExprError("unclosed [", i)
            toks.append(_Tok("sel", src[i + 1:j], i))
            i = j + 1
            continue
        if c in "]=<>":
            raise ExprError(f'unexpected "{c}"', i)
        j = i
        while j < n and src[j] not in _NAME_STOP:
            j += 1
        word = src[i:j]
        # A number: digits with an optional fraction (the dot belongs to the number here).
        m = re.match(r"\d+(?:\.\d+)?(?![^\s+\-=<>()?\]])", src[i:])
        if m and re.fullmatch(r"\d+", word):
            toks.append(_Tok("number", m.group(0), i))
            i += len(m.group(0))
            continue
        toks.append(_Tok("name", word, i))
        i = j
    toks.append(_Tok("end", "", n))
    return toks


class _Parser:
    def __init__(self, src: str):
        self.src = src
        if len(src) > MAX_CHARS:
            raise ExprError(f"the expression is longer than {MAX_CHARS:,} characters", MAX_CHARS)
        self.toks = _tokenize(src)
        self.i = 0
        self.depth = 0

    @property
    def tok(self) -> _Tok:
        return self.toks[self.i]

    def take(self) -> _Tok:
        t = self.toks[self.i]
        self.i += 1
        return t

    def identity(self) -> Identity:
        left = self.sum()
        if self.tok.kind != "op" or self.tok.text not in OPERATORS:
            raise ExprError("expected ==, <= or >=", self.tok.pos)
        op = self.take().text
        right = self.sum()
        if self.tok.kind != "end":
            raise ExprError(f'unexpected "{self.tok.text}"', self.tok.pos)
        return Identity(left, op, right, self.src)

    def sum(self) -> Sum:
        out = Sum()
        self.term(1, out)
        while self.tok.kind == "op" and self.tok.text in "+-":
            sign = 1 if self.take().text == "+" else -1
            self.term(sign, out)
        return out

    def term(self, sign: int, out: Sum) -> None:
        t = self.tok
        self.depth += 1
        try:
            self._term(t, sign, out)
        finally:
            self.depth -= 1

    def _term(self, t: _Tok, sign: int, out: Sum) -> None:
        if self.depth > MAX_DEPTH:
            raise ExprError(f'nested more than {MAX_DEPTH} levels deep ("(" or "-")', t.pos)
        if t.kind == "op" and t.text == "-":
            self.take()
            self.term(-sign, out)
            return
        if t.kind == "number":
            integer, _, fraction = t.text.partition(".")
            if not plausible_digits(integer, fraction):
                raise ExprError(f"the number {t.text[:20]}… has more digits than any amount", t.pos)
            self.take()
            out.items.append((sign, Num(Decimal(t.text), t.pos)))
            return
        if t.kind == "lp":
            self.take()
            inner = self.sum()
            if self.tok.kind != "rp":
                raise ExprError("expected )", self.tok.pos)
            self.take()
            out.items.extend((sign * s, x) for s, x in inner.items)
            return
        if t.kind in ("name", "sel"):
            out.items.append((sign, self.ref()))
            return
        raise ExprError("expected a name, a [row] or a number" if t.kind != "end" else "unexpected end",
                        t.pos)

    def ref(self) -> Ref:
        start = self.tok.pos
        parts: list[str | RowSelector] = [self.part()]
        while True:
            if self.tok.kind == "dot":
                self.take()
                if self.tok.kind != "name":
                    raise ExprError("expected a name after .", self.tok.pos)
                parts.append(self.take().text)
            elif self.tok.kind == "sel":
                parts.append(self.part())
            else:
                break
        optional = False
        if self.tok.kind == "q":
            self.take()
            optional = True
        end = self.toks[self.i - 1]
        text = self.src[start:end.pos + len(end.text) + (2 if end.kind == "sel" else 0)].strip()
        return Ref(tuple(parts), optional, text, start)

    def part(self) -> str | RowSelector:
        t = self.take()
        if t.kind == "sel":
            return parse_selector(t.text, t.pos)
        return t.text


def shown(src: str, limit: int = 80) -> str:
    """An expression as an error message quotes it: whole when short, its start when not."""
    return src if len(src) <= limit else f"{src[:limit]}… ({len(src):,} characters)"


def parse_identity(src: str) -> Identity:
    """Parse ``LEFT == RIGHT`` (or <=, >=); raises ExprError with the offending position."""
    if not isinstance(src, str) or not src.strip():
        raise ExprError("empty expression", 0)
    return _Parser(src).identity()


def parse_ref(src: str) -> Ref:
    """Parse a lone reference (used by rule kinds whose YAML names one figure)."""
    if not isinstance(src, str) or not src.strip():
        raise ExprError("empty reference", 0)
    p = _Parser(src)
    if p.tok.kind not in ("name", "sel"):
        raise ExprError("expected a name or a [row]", p.tok.pos)
    ref = p.ref()
    if p.tok.kind != "end":
        raise ExprError(f'unexpected "{p.tok.text}"', p.tok.pos)
    return ref
