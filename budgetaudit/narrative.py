"""Claims in the prose: what the 情况说明 says, figure by figure, each on the line it is printed.

``claims(document)`` reads the paragraphs outside the recognised tables (narrative_text) and
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
- ``arithmetic`` "61天*400元/天*4人=9.76万元" (narrative_arithmetic), read everywhere, tables included.

Nothing here judges: the rule kinds (budgetaudit/rules/kinds/prose_*.py) do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from .model import Amount, Document
from .narrative_labels import SCOPED, canonical, count_label, normalise_label, trim_label
from .narrative_numbers import Token, tokens
from .narrative_text import Paragraph, is_heading, paragraphs

KINDS = ("amount", "share", "change", "count", "arithmetic")


@dataclass
class Claim:
    id: int
    kind: str
    label: str  # as written (trimmed of enumerators and fillers)
    canonical: str | None
    line: int
    page: int | None = None
    span: tuple[int, int] = (0, 0)  # columns of the figure in its line (0-based, end exclusive)
    offset: tuple[int, int] = (0, 0)  # the same in the paragraph text (internal to reading)
    sentence: str = ""
    paragraph: int = 0
    amount: Amount | None = None  # money in 万元, or the percentage of a share
    count: int | None = None
    unit: str = ""
    # groups: a figure listed under a total
    parent: int | None = None
    listed: str | None = None  # "list" (enumerated items) | "inline" (其中 …, in one sentence)
    group: str | None = None  # the list a part belongs to (a total may head several lists)
    # definitions: "人员经费（即工资福利支出与对个人和家庭补助支出之和）"
    note: str | None = None
    defined_as: tuple[str, ...] = ()
    path: tuple[str, ...] = ()  # 功能科目 (类, 款, 项) when written as a chain
    # shares
    part: int | None = None
    whole: str | None = None  # canonical name of the whole, "预算数" for 完成预算的 x%
    whole_label: str | None = None
    whole_claim: int | None = None
    # changes
    subject: int | None = None
    direction: str | None = None  # 增加 | 减少 | 持平
    percent: Amount | None = None
    percent_direction: str | None = None
    previous: Amount | None = None
    base: str | None = None  # 上年 | 2025年 | 上年预算 …
    # arithmetic
    expression: str | None = None
    computed: Decimal | None = None  # in the unit of the stated result
    extra: dict = field(default_factory=dict)


# ------------------------------------------------------------------------------------------- text

_BOUNDARY = set("，,。；;：:、！？!?")
_OPENER = re.compile(r"(?:其中|具体包括|具体为|包括|分别为)\s*[:：]?")
_SENTENCE_END = set("。！？!?")
_UP = ("增加", "增长", "上升", "提高", "增")
_DOWN = ("减少", "下降", "降低", "减")
_DIRECTION = r"(?P<dir>增加|减少|增长|下降|降低|上升|提高|持平)"
_BASE = r"(?P<base>上一?年度?|去年|上年同期|(?:19|20)\d{2}\s*年度?)"
_CHANGE_BI = re.compile(r"(?P<mark>比|较)\s*" + _BASE + r"(?P<what>\s*(?:年初)?(?:预算|决算)?\s*数?|同期)?\s*")
_CHANGE_WITH = re.compile(
    r"与\s*" + _BASE + r"(?:预算数?|决算数?|同期)?\s*相比\s*[，,]?\s*(?:今年|本年|当年)?(?P<label>[^，,。；;]{0,24}?)\s*" + _DIRECTION
)
_FLAT = re.compile(r"(?:与|比|较)\s*" + _BASE + r"(?:预算数?|同期)?\s*(?:基本)?持平|无增减变化|没有变化|无变化")
_SHARE = re.compile(r"占\s*(?P<whole>[^，,。；;：:]{1,30}?)\s*的?\s*(?:比重|比例)?\s*(?:为)?\s*$")
_EXECUTION = re.compile(r"完成\s*(?P<whole>(?:年初|全年)?\s*预算(?:数)?)\s*的?\s*$")
_PCT_DIRECTION = re.compile(r"(?P<dir>增加|减少|增长|下降|降低|上升|提高)\s*了?\s*(?:幅度为|幅度)?\s*$")
# What may stand between a total and its 其中: punctuation, or its share ("，占…的 1.51%，").
_GAP = re.compile(r"[\s，,：:（(]*(?:(?:占|完成)[^，,。；;]*%[\s，,：:]*)?")
_CHANGE_WORDS = re.compile(r"比上|较上|相比|同比|增加|减少|增长|下降|降低")
_OPERATORS = set("*×xX＊/÷=＝+")
_RATE_WORDS = ("每", "人均", "标准", "单价", "/")


def _direction(word: str) -> str:
    if word == "持平":
        return "持平"
    return "增加" if word.startswith(_UP) else "减少"


def _sentences(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for i, ch in enumerate(text):
        if ch in _SENTENCE_END:
            spans.append((start, i + 1))
            start = i + 1
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _sentence_of(spans: list[tuple[int, int]], pos: int) -> int:
    for i, (a, b) in enumerate(spans):
        if a <= pos < b:
            return i
    return len(spans) - 1


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
    """"社会保障和就业支出（类）行政事业单位养老支出（款）行政单位离退休" → the three names."""
    t = normalise_label(label)
    if "（类）" not in t and "（款）" not in t:
        return ()
    t = re.sub(r"^.*?(?=[\u4e00-\u9fff])", "", t)
    parts = [p for p in re.split(r"（类）|（款）|（项）", t) if p]
    return tuple(trim_label(p) for p in parts)


# ----------------------------------------------------------------------------------------- claims


class _Builder:
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
        spans = _sentences(text)
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
            start, written, note = _label_before(text, tok.start, floor)
            floor = tok.end
            label = trim_label(written)
            sent = spans[_sentence_of(spans, tok.start)]
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
                    base.canonical = chain[-1] if len(chain) > 1 else canonical(chain[-1])
                    base.label = "".join(f"{n}（{lvl}）" for n, lvl in zip(chain, ("类", "款", "项"), strict=False))
                else:
                    base.canonical = canonical(written)
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

    def _changes(self, text: str, toks: list[Token], consumed: set[int]) -> list[dict]:
        """Change statements in ``text``; marks the tokens they use as consumed."""
        found: list[dict] = []
        at = {t.start: t for t in toks}
        starts = sorted(at)

        def token_at(pos: int) -> Token | None:
            while pos < len(text) and text[pos] == " ":
                pos += 1
            return at.get(pos)

        def percent_after(pos: int, limit: int) -> tuple[Token | None, str | None]:
            for s in starts:
                if s < pos or s >= limit:
                    continue
                t = at[s]
                if t.kind != "percent" or s in consumed:
                    continue
                m = _PCT_DIRECTION.search(text[pos:s])
                if m:
                    return t, _direction(m.group("dir"))
                return None, None
            return None, None

        def sentence_end(pos: int) -> int:
            for i in range(pos, len(text)):
                if text[i] in _SENTENCE_END:
                    return i
            return len(text)

        for m in _CHANGE_BI.finditer(text):
            pos = m.end()
            change: dict = {"mark": m.start(), "base": re.sub(r"\s+", "", m.group("base") + (m.group("what") or "")), "label": None}
            prev_tok = token_at(pos)
            if prev_tok is None and not re.match(r"\s*" + _DIRECTION, text[pos:]):
                # "比 2025 年度收支总预算 265106.96 万元，增加 …": the prior figure, named again.
                named = re.match(r"[^\d，,。；;：:]{1,16}?(?=\s*\d)", text[pos:])
                if named and not re.search(_DIRECTION, named.group(0)):
                    prev_tok = token_at(pos + named.end())
            if prev_tok is not None and prev_tok.kind == "money":
                change["previous"] = prev_tok
                pos = prev_tok.end
                d = re.match(r"[，,]?\s*(?=下降|减少|增加|增长|降低|上升|持平)", text[pos:])
                if d:
                    pos += d.end()
            d = re.match(r"\s*" + _DIRECTION, text[pos:])
            if not d:
                if "previous" not in change:
                    continue
                change["direction"] = None
            else:
                change["direction"] = _direction(d.group("dir"))
                pos += d.end()
                delta = token_at(pos)
                if delta is not None and delta.kind == "money":
                    change["delta"] = delta
                    pos = delta.end
            pct, pct_dir = percent_after(pos, sentence_end(pos))
            if pct is not None:
                change["percent"] = pct
                change["percent_direction"] = pct_dir
            if not any(k in change for k in ("delta", "percent", "previous")) and change["direction"] != "持平":
                continue
            change["at"] = (change.get("delta") or change.get("percent") or change.get("previous") or _Pos(m.start())).start
            for k in ("delta", "percent", "previous"):
                if k in change:
                    consumed.add(change[k].start)
            found.append(change)
        for m in _CHANGE_WITH.finditer(text):
            pos = m.end()
            change = {"mark": m.start(), "base": re.sub(r"\s+", "", m.group("base")), "label": m.group("label")}
            change["direction"] = _direction(m.group("dir"))
            delta = token_at(pos)
            if delta is not None and delta.kind == "money":
                change["delta"] = delta
                pos = delta.end
            pct, pct_dir = percent_after(pos, sentence_end(pos))
            if pct is not None:
                change["percent"] = pct
                change["percent_direction"] = pct_dir
            if not any(k in change for k in ("delta", "percent")) and change["direction"] != "持平":
                continue
            change["at"] = (change.get("delta") or change.get("percent") or _Pos(m.start())).start
            for k in ("delta", "percent"):
                if k in change:
                    consumed.add(change[k].start)
            found.append(change)
        covered = {c["mark"] for c in found}
        for m in _FLAT.finditer(text):
            if any(abs(m.start() - c) < 3 for c in covered):
                continue
            base = m.group("base") if m.groupdict().get("base") else "上年"
            found.append({"mark": m.start(), "base": base, "label": None, "direction": "持平", "at": m.start(), "flat_only": True})
        found.sort(key=lambda c: c["mark"])
        return found

    def _shares(self, text: str, toks: list[Token], consumed: set[int]) -> list[dict]:
        found = []
        for tok in toks:
            if tok.kind != "percent" or tok.start in consumed:
                continue
            head = text[max(0, tok.start - 40) : tok.start]
            m = _SHARE.search(head)
            kind = "share"
            if not m:
                m = _EXECUTION.search(head)
                kind = "execution"
            if not m:
                continue
            consumed.add(tok.start)
            found.append({"token": tok, "whole": m.group("whole"), "kind": kind, "mark": tok.start - len(head) + m.start()})
        return found

    # -- across paragraphs --------------------------------------------------------------------

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

    def _groups(self, locals_: list[dict]) -> None:
        stack: list[list] = []  # [depth, claim | None, child_depth | None]
        previous_first: Claim | None = None
        for loc in locals_:
            text: str = loc["text"]
            money = self._money(loc)
            counts = [c for _, c in sorted(loc["by_token"].items()) if c.kind == "count"]
            depth = _item_depth(text)
            first = money[0] if money else None
            if depth is None:
                stack = []
            elif not (is_heading(text) and not loc["tokens"]):
                while stack and (stack[-1][0] >= depth or (stack[-1][2] is not None and stack[-1][2] != depth)):
                    stack.pop()
                if stack:
                    parent = stack[-1]
                    if parent[2] is None:
                        parent[2] = depth
                    if parent[1] is not None and first is not None and first.parent is None:
                        if self._lead(loc, first) == 1 and self._single(parent[1]):
                            first.parent = parent[1].id
                            first.listed = "list"
                            first.group = f"list:{parent[1].id}:{depth}"
                        else:
                            # "年初预算 a，支出决算 b" per item: which figure is the part is unclear.
                            parent[1].extra["partial_list"] = True
                stack.append([depth, first, None])
            else:
                stack = []
            # inline groups: 其中 / 包括 within the paragraph
            for m in _OPENER.finditer(text):
                parent = self._opener_parent(loc, m.start(), previous_first)
                if parent is None:
                    continue
                members = self._inline_members(loc, m.end(), money + counts, parent)
                rest = text[m.end() :].strip(" ，,。；;：:）)")
                parent.extra["announced"] = True  # the text says a list of its parts follows
                if not members and not rest:
                    # "…，其中：" ends the paragraph: the numbered items that follow are the parts.
                    if depth is None:
                        stack = [[-1, parent, None]]
                    elif stack and stack[-1][1] is not parent:
                        stack[-1][1] = parent
                    continue
                for c in members:
                    if c.parent is None:
                        c.parent = parent.id
                        c.listed = "inline"
                        c.group = f"inline:{loc['index']}:{m.start()}"
            if first is not None:
                previous_first = first

    def _lead(self, loc: dict, claim: Claim) -> int:
        """Figures in ``claim``'s sentence before any 其中/包括: one means the item is one figure."""
        text: str = loc["text"]
        spans = loc["spans"]
        a, b = spans[_sentence_of(spans, claim.offset[0])]
        opener = _OPENER.search(text, claim.offset[1], b)
        stop = opener.start() if opener else b
        return sum(1 for c in self._money(loc) if a <= c.offset[0] < stop)

    def _single(self, claim: Claim) -> bool:
        loc = self._locals[claim.paragraph]
        return self._lead(loc, claim) == 1

    def _opener_parent(self, loc: dict, pos: int, previous_first: Claim | None) -> Claim | None:
        text: str = loc["text"]
        spans = loc["spans"]
        s = _sentence_of(spans, pos)
        sent_start = spans[s][0] if spans else 0
        clause_start = max(sent_start, max((text.rfind(ch, 0, pos) for ch in "；;"), default=-1) + 1)
        money = self._money(loc)
        figures = [c for _, c in sorted(loc["by_token"].items())]
        # The figure right before the opener ("收入预算 7667.28 万元，其中：", "车辆 3 辆，其中：").
        before = [c for c in figures if clause_start <= c.offset[0] and c.offset[1] <= pos]
        if before:
            gap = text[before[-1].offset[1] : pos]
            if _GAP.fullmatch(gap):
                return before[-1]
        # "比上年增加 5 万元，其中：…" lists parts of a change, not of a total.
        if _CHANGE_WORDS.search(text[clause_start:pos]):
            return None
        # Words naming the total: "支出预算按功能支出包括：", "在支出预算中，其中…".
        comma = max((text.rfind(ch, clause_start, pos) for ch in "，,"), default=-1)
        words = text[max(comma + 1, clause_start) : pos].strip()
        words = re.sub(r"按.*$", "", words)
        if not words and comma > clause_start:
            previous_comma = max((text.rfind(ch, clause_start, comma) for ch in "，,"), default=-1)
            m = re.fullmatch(r"\s*在(.+)中\s*", text[max(previous_comma + 1, clause_start) : comma])
            words = m.group(1) if m else ""
        name = canonical(words) if words else None
        if name is not None:
            return self._latest(name, paragraph=loc["index"])
        # An opener after a sentence without figures: the subject of the previous sentence.
        earlier = [c for c in money if c.offset[1] <= sent_start]
        if earlier:
            last_sentence = _sentence_of(spans, earlier[-1].offset[0])
            return next(c for c in money if _sentence_of(spans, c.offset[0]) == last_sentence)
        if not text[:pos].strip(" -•*"):
            return previous_first
        return None

    def _inline_members(self, loc: dict, pos: int, candidates: list[Claim], parent: Claim) -> list[Claim]:
        text: str = loc["text"]
        kind = parent.kind
        end = len(text)
        for i in range(pos, len(text)):
            if text[i] in _SENTENCE_END:
                end = i
                break
        # A "；" ends the list unless the next piece is just another "label figure".
        members: list[Claim] = []
        segment_start = pos
        for seg_end in [i for i in range(pos, end) if text[i] in "；;"] + [end]:
            segment = text[segment_start:seg_end]
            inside = [c for c in candidates if segment_start <= c.offset[0] < seg_end and c.kind == kind and c is not parent]
            if segment_start > pos and not _simple_segment(segment, inside, segment_start):
                break
            nested = _OPENER.search(segment)
            if nested and segment_start == pos:
                inside = [c for c in inside if c.offset[0] < segment_start + nested.start()]
                members.extend(inside)
                break
            members.extend(inside)
            segment_start = seg_end + 1
        return members

    def _resolve_changes(self, loc: dict) -> None:
        text: str = loc["text"]
        para: Paragraph = loc["para"]
        spans = loc["spans"]
        money = self._money(loc)
        seen_flat: set[int | None] = set()
        for ch in loc["changes"]:
            mark = ch["mark"]
            s = _sentence_of(spans, mark)
            sent_start = spans[s][0]
            clause_start = max(sent_start, max((text.rfind(c, 0, mark) for c in "，,；;"), default=-1) + 1)
            subject: Claim | None = None
            words = ch.get("label")
            if words is None:
                words = text[clause_start:mark]
            name = canonical(words) if words and words.strip() else None
            if name is not None:
                subject = self._latest(name, paragraph=loc["index"])
            if subject is None:
                before = [c for c in money if sent_start <= c.offset[0] < mark]
                if before:
                    subject = before[-1]
            if subject is None and money and money[0].offset[0] < mark:
                subject = money[0]
            if ch.get("flat_only"):
                key = subject.id if subject else None
                if key in seen_flat:
                    continue
                seen_flat.add(key)
            at = ch["at"]
            delta: Token | None = ch.get("delta")
            pct: Token | None = ch.get("percent")
            prev: Token | None = ch.get("previous")
            self.add(
                Claim(
                    id=0,
                    kind="change",
                    label=subject.label if subject else trim_label(words or ""),
                    canonical=subject.canonical if subject else name,
                    line=para.line_at(at),
                    page=para.page_at(at),
                    offset=(at, (delta or pct or prev).end if (delta or pct or prev) else at + 2),
                    sentence=text[spans[s][0] : spans[s][1]].strip(),
                    paragraph=loc["index"],
                    amount=delta.amount if delta else None,
                    unit=delta.unit if delta else "",
                    subject=subject.id if subject else None,
                    direction=ch.get("direction"),
                    percent=pct.amount if pct else None,
                    percent_direction=ch.get("percent_direction"),
                    previous=prev.amount if prev else None,
                    base=ch["base"],
                    extra={"percent_line": para.line_at(pct.start)} if pct else {},
                )
            )

    def _resolve_shares(self, loc: dict) -> None:
        text: str = loc["text"]
        para: Paragraph = loc["para"]
        spans = loc["spans"]
        money = self._money(loc)
        for sh in loc["shares"]:
            tok: Token = sh["token"]
            mark = sh["mark"]
            s = _sentence_of(spans, mark)
            sent_start = spans[s][0]
            part: Claim | None = None
            before = [c for c in money if c.offset[1] <= mark]
            if before and re.fullmatch(r"[\s，,]*", text[before[-1].offset[1] : mark]):
                part = before[-1]
            elif text[sent_start:mark].strip() == "" and money and money[0].offset[0] < mark:
                part = money[0]  # "…。完成预算的 35.83%": the item's subject
            if sh["kind"] == "execution":
                whole, whole_label = "预算数", normalise_label(sh["whole"])
            else:
                whole_label = normalise_label(sh["whole"])
                whole = canonical(whole_label)
            whole_claim = None
            if whole == "预算数" and part is not None:
                budget = [c for c in money if c.offset[1] <= part.offset[0] and c.label.endswith(("预算数", "预算"))]
                whole_claim = budget[-1] if budget else None
            if whole is not None and whole != "预算数" and part is not None:
                whole_claim = self._latest(whole, before=part) or self._latest(whole, paragraph=loc["index"])
            if whole_claim is None and part is not None and part.parent is not None and sh["kind"] == "share":
                parent = self.claims[part.parent]
                if whole is None or parent.canonical == whole:
                    whole_claim = parent
            self.add(
                Claim(
                    id=0,
                    kind="share",
                    label=part.label if part else "",
                    canonical=part.canonical if part else None,
                    line=para.line_at(tok.start),
                    page=para.page_at(tok.start),
                    offset=(tok.start, tok.end),
                    sentence=text[spans[s][0] : spans[s][1]].strip(),
                    paragraph=loc["index"],
                    amount=tok.amount,
                    part=part.id if part else None,
                    whole=whole,
                    whole_label=whole_label,
                    whole_claim=whole_claim.id if whole_claim else None,
                )
            )


def _operand(text: str, tok: Token) -> bool:
    """A figure inside a written calculation ("175人*1.4万元=245万元") is not a claim of its own."""
    before = text[: tok.start].rstrip()[-1:]
    after = text[tok.end :].lstrip()[:1]
    return before in _OPERATORS or after in _OPERATORS


def _simple_segment(segment: str, inside: list[Claim], offset: int) -> bool:
    """Whether a piece after "；" is just another "label figure" of the same list."""
    if _OPENER.search(segment) or len(inside) != 1:
        return False
    head = segment[: inside[0].offset[0] - offset].strip()
    return len(head) <= 16 and not re.search(r"\d", head)


class _Pos:
    def __init__(self, start: int):
        self.start = start


_DEPTHS = (
    (re.compile(r"^第[一二三四五六七八九十百\d]+[部章节条]"), -1),
    (re.compile(r"^[一二三四五六七八九十]+\s*[、.．]"), 0),
    (re.compile(r"^[（(]\s*[一二三四五六七八九十]+\s*[)）]"), 1),
    (re.compile(r"^\d{1,2}\s*[、．.](?!\d)"), 2),
    (re.compile(r"^[（(]\s*\d{1,2}\s*[)）]"), 3),
    (re.compile(r"^[①-⑳]"), 4),
)


def _item_depth(text: str) -> int | None:
    t = text.lstrip(" -•*")
    for pattern, depth in _DEPTHS:
        if pattern.match(t):
            return None if depth < 0 else depth
    return None


def claims(document: Document) -> list[Claim]:
    """Every claim in the prose of ``document`` (lines outside its recognised tables), in order
    of reading, followed by the changes and shares resolved against them, then the inline
    arithmetic found anywhere (tables included)."""
    from .narrative_arithmetic import arithmetic_claims

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
