"""Claims in the prose: what the 情况说明 says, figure by figure, each on the line it is printed.

``claims(document)`` reads the paragraphs outside the recognised tables (text) and
returns one Claim per statement:

- ``amount``  a labelled figure: "基本支出 976.46 万元" (amount in 万元, label, canonical name);
  figures listed under a total ("其中：1. … 2. …") point to it through ``parent``;
  a definition written before the figure ("人员经费（即工资福利支出与对个人和家庭补助支出之和）")
  is kept in ``defined_as``;
- ``share``   "占收入总计的 37.63%": ``amount`` is the percentage, ``part`` the claim it is a share of,
  ``whole`` the canonical name of the whole (and ``whole_claim`` when the prose states it);
- ``change``  "比上年增加 1.23 万元，增加 0.73%", "与上年持平": ``subject`` is the claim whose figure
  changed, ``direction`` 增加|减少|持平, ``amount`` the change, ``percent`` the rate, ``previous``
  the prior-year figure when the sentence states it instead of a change;
- ``count``   "项目共 17 个", "车辆 3 辆": ``count`` and ``unit``;
- ``arithmetic`` "61天*400元/天*4人=9.76万元" (arithmetic), read everywhere, tables included.

The reading is spread over one module per job: text (paragraphs), numbers (which numbers are
figures), labels (what a label names), lists (parts under totals), changes (changes and shares),
arithmetic (calculations); this module reads each figure with its label and puts the pieces
together. Nothing here judges: the rule kinds (budgetaudit/rules/kinds/prose_*.py, sharing
budgetaudit/rules/prose.py) do.
"""

from __future__ import annotations

import re

from ..model import Document
from .arithmetic import arithmetic_claims
from .changes import ChangesMixin
from .claim import KINDS, Claim, sentence_of, sentences
from .labels import DELTA_WORDS, EXACT, SCOPED, canonical, count_label, normalise_label, trim_label
from .lists import ListsMixin
from .numbers import Token, tokens
from .text import Paragraph, paragraphs

__all__ = ["Claim", "KINDS", "claims", "by_id", "parts_of"]

_BOUNDARY = set("，,。；;：:、！？!?")
_OPERATORS = set("*×xX＊/÷=＝+")
_PROJECTS_COUNTED = re.compile(r"项目[^，,。；;]{0,8}?\d+\s*个[^，,。；;]{0,2}[，,]\s*涉及")
_RATE_WORDS = ("每", "人均", "标准", "单价", "/")
# A direction word in a figure's label makes the figure a change, not a level: "增加基本支出
# 844.15 万元", "基本支出增加人员经费 1,408.29 万元".
_DELTA_LABEL = re.compile("|".join(map(re.escape, DELTA_WORDS)))


def _label_before(text: str, pos: int, floor: int) -> tuple[int, str, str | None]:
    """(start, label, note) for a figure at ``pos``: the words back to the clause boundary.

    A parenthesis right before the figure is a note on the label (a definition, or the (项) of a
    功能科目 chain); parentheses inside the label ("因公出国（境）费") are part of it.
    """
    end = pos
    while end > floor and text[end - 1] == " ":
        end -= 1
    note = None
    if end > floor and text[end - 1] in "）)":
        depth = 0
        j = end - 1
        while j >= floor:
            if text[j] in "）)":
                depth += 1
            elif text[j] in "（(":
                depth -= 1
                if depth == 0:
                    break
            j -= 1
        if j >= floor and depth == 0:
            note = text[j + 1 : end - 1]
            if note.strip() in ("类", "款", "项"):
                note = None  # the (项) of a 功能科目 chain belongs to the label
            else:
                end = j
    i = end
    depth = 0
    while i > floor:
        ch = text[i - 1]
        if ch in "）)":
            depth += 1
        elif ch in "（(":
            if depth == 0:
                break
            depth -= 1
        elif depth == 0 and ch in _BOUNDARY:
            break
        i -= 1
    return i, text[i:end], note


def _definition(note: str | None) -> tuple[str, ...]:
    if not note:
        return ()
    n = normalise_label(note)
    m = re.match(r"^(?:即|指|为|是)(.+?)(?:之和|合计|的合计|总和)?$", n)
    if not m:
        return ()
    names: list[str] = []
    for piece in re.split(r"与|加|\+|、|及(?!运行)", m.group(1)):
        name = canonical(piece)
        if name is None:
            return ()
        names.append(name)
    return tuple(names)


def _chain(label: str) -> tuple[str, ...]:
    """"社会保障和就业支出（类）行政事业单位养老支出（款）行政单位离退休" → the three names.

    The chain starts at its 类: "检察（款）行政运行（项）" (the 类 in a heading above) names no
    科目 for certain and gives (). Words after the last level that only say what the figure is
    ("公共安全（类）支出") are not a level of their own.
    """
    t = normalise_label(label)
    if "（类）" not in t and "（款）" not in t:
        return ()
    t = re.sub(r"^[^\u4e00-\u9fff]*", "", t, count=1)  # an enumerator "(1)" before the chain
    pieces = re.split(r"(（类）|（款）|（项）)", t)
    names = [p for p in pieces[0::2]]
    levels = [m[1] for m in pieces[1::2]]
    if not levels or levels[0] != "类":
        return ()
    if names and _CHAIN_FILLER.fullmatch(names[-1]):
        names = names[:-1]
    return tuple(trim_label(p) for p in names if p)


_CHAIN_FILLER = re.compile(r"(?:支出|预算|经费|合计|数|为|共|共计)*")


# ----------------------------------------------------------------------------------------- claims


def _project_funds(label: str, lead: str) -> str | None:
    """"项目共 17 个，涉及资金 272946.83 万元": the money of the projects just counted."""
    if label in ("涉及资金", "涉及金额", "涉及预算金额", "涉及预算资金") and _PROJECTS_COUNTED.search(lead):
        return "项目资金"
    return None


def _operand(text: str, tok: Token) -> bool:
    """A figure inside a written calculation ("175人*1.4万元=245万元") is not a claim of its own."""
    before = text[: tok.start].rstrip()[-1:]
    after = text[tok.end :].lstrip()[:1]
    return before in _OPERATORS or after in _OPERATORS


class _Builder(ListsMixin, ChangesMixin):
    def __init__(self, document: Document):
        self.document = document
        self.claims: list[Claim] = []
        self.paragraphs = paragraphs(document)

    def add(self, claim: Claim) -> Claim:
        claim.id = len(self.claims)
        self.claims.append(claim)
        return claim

    # -- one paragraph ------------------------------------------------------------------------

    def read(self, index: int, para: Paragraph) -> dict:
        text = para.text
        spans = sentences(text)
        toks = tokens(text)
        consumed: set[int] = set()
        changes = self._changes(text, toks, consumed)
        shares = self._shares(text, toks, consumed)
        by_token: dict[int, Claim] = {}
        floor = 0
        for tok in toks:
            if tok.start in consumed:
                floor = tok.end
                continue
            if tok.kind == "percent" or _operand(text, tok):
                floor = tok.end
                continue
            floor_before = floor
            start, written, note = _label_before(text, tok.start, floor)
            floor = tok.end
            label = trim_label(written)
            sent = spans[sentence_of(spans, tok.start)]
            base = Claim(
                id=0,
                kind="amount" if tok.kind == "money" else "count",
                label=label,
                canonical=None,
                line=para.line_at(tok.start),
                page=para.page_at(tok.start),
                offset=(tok.start, tok.end),
                sentence=text[sent[0] : sent[1]].strip(),
                paragraph=index,
            )
            base.extra["lead"] = text[sent[0] : tok.start]  # the sentence up to the figure
            if tok.kind == "money":
                if any(w in written for w in _RATE_WORDS):
                    continue
                base.amount = tok.amount
                base.unit = tok.unit
                base.note = note
                base.defined_as = _definition(note)
                chain = _chain(written)
                if chain:
                    base.path = chain
                    base.canonical = chain[-1] if len(chain) > 1 else canonical(chain[-1]) or canonical(f"{chain[-1]}支出")
                    base.label = "".join(f"{n}（{lvl}）" for n, lvl in zip(chain, ("类", "款", "项"), strict=False))
                else:
                    base.canonical = canonical(written) or _project_funds(label, base.extra["lead"])
                if base.canonical in EXACT.values() and trim_label(written) in EXACT and text[start - 1 : start] in ":：":
                    if text[floor_before : start - 1].strip(" ，,"):
                        base.canonical = None  # "住房公积金（项）：支出 1,073.77 万元": the named item's 支出
                if _DELTA_LABEL.search(normalise_label(written)):
                    base.canonical = None
                    base.extra["delta"] = True
                if start > floor_before and text[start - 1] == "、" and text[floor_before : start - 1].strip(" ，,"):
                    # "收入、支出预算总计 X 万元": one figure for both, whose "（一）收入…（二）支出…"
                    # that follow are two views of it, not parts of a sum.
                    base.extra["joint"] = True
            else:
                base.count = tok.count
                base.unit = tok.unit
                base.canonical = count_label(written)
            by_token[tok.start] = self.add(base)
        local = {
            "text": text,
            "spans": spans,
            "tokens": toks,
            "by_token": by_token,
            "changes": changes,
            "shares": shares,
            "para": para,
            "index": index,
        }
        return local

    def build(self) -> list[Claim]:
        locals_: list[dict] = [self.read(i, p) for i, p in enumerate(self.paragraphs)]
        self._locals = locals_
        self._groups(locals_)
        for c in self.claims:
            if c.parent is None:
                continue
            parent = self.claims[c.parent]
            if c.kind == "amount" and parent.canonical in SCOPED:
                c.canonical = canonical(c.label, parent.canonical)
            if c.canonical is not None and c.canonical == parent.canonical:
                c.canonical = None  # "项目共 1 个（其中：一般公共预算项目 1 个…）": a part, not the total
        for loc in locals_:
            self._resolve_changes(loc)
            self._resolve_shares(loc)
        for c in self.claims:
            para = self.paragraphs[c.paragraph]
            start, end = c.offset
            first = para.column_at(start)
            last = end - 1
            while last > start and para.line_at(last) != c.line:
                last -= 1
            c.span = (first, para.column_at(last) + 1)
        return self.claims

    def _money(self, loc: dict) -> list[Claim]:
        return [c for _, c in sorted(loc["by_token"].items()) if c.kind == "amount"]

    def _latest(self, name: str, before: Claim | None = None, paragraph: int | None = None) -> Claim | None:
        """The most recent amount claim named ``name`` (before ``before`` when given)."""
        best = None
        for c in self.claims:
            if c.kind != "amount" or c.canonical != name:
                continue
            if before is not None and (c.paragraph, c.offset[0]) >= (before.paragraph, before.offset[0]):
                continue
            if paragraph is not None and c.paragraph > paragraph:
                continue
            best = c
        return best


def claims(document: Document) -> list[Claim]:
    """Every claim in the prose of ``document`` (lines outside its recognised tables), in order
    of reading, followed by the changes and shares resolved against them, then the inline
    arithmetic found anywhere (tables included)."""
    built = _Builder(document).build()
    for claim in arithmetic_claims(document):
        claim.id = len(built)
        built.append(claim)
    built.sort(key=lambda c: (c.line, c.offset[0], c.id))
    remap = {c.id: i for i, c in enumerate(built)}
    for c in built:
        c.id = remap[c.id]
        for attr in ("parent", "part", "whole_claim", "subject"):
            ref = getattr(c, attr)
            if ref is not None:
                setattr(c, attr, remap[ref])
    return built


def by_id(all_claims: list[Claim]) -> dict[int, Claim]:
    return {c.id: c for c in all_claims}


def parts_of(all_claims: list[Claim], total: Claim) -> list[Claim]:
    return [c for c in all_claims if c.parent == total.id]
