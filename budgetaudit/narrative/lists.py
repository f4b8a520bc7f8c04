"""Which figures are listed under which total: "其中：1. … 2. …", "包括：…", "(1)(2)" under an item.

A total's parts are the figures listed after "其中/包括" in its sentence (inline), or the numbered
items that follow a paragraph ending with it, one figure per item (enumerated). A deeper level of
numbering under an item lists that item's parts.
"""

from __future__ import annotations

import re

from .claim import OPENER, SENTENCE_END, Claim, sentence_of
from .conventions import item_depth, item_number
from .labels import canonical
from .text import is_heading

_GAP = re.compile(r"[\s，,：:（(]*(?:(?:占|完成)[^，,。；;]*%[\s，,：:]*)?")
_NEW_STATEMENT = re.compile(r"(?:另外|另|此外|同时|并且|还|以及|但|其余)")
_CHANGE_WORDS = re.compile(r"比上|较上|相比|同比|增加|减少|增长|下降|降低")


def _simple_segment(segment: str, inside: list[Claim], offset: int) -> bool:
    """Whether a piece after "；" is just another "label figure" of the same list."""
    if OPENER.search(segment) or len(inside) != 1:
        return False
    head = segment[: inside[0].offset[0] - offset].strip()
    if _NEW_STATEMENT.match(head):
        return False  # "；另安排专项经费 12.34 万元": a statement of its own, not one more part
    return len(head) <= 16 and not re.search(r"\d", head)


def _closing(text: str, pos: int, end: int) -> int | None:
    """The offset of the parenthesis closing around ``pos`` (within the sentence), if any."""
    depth = 0
    for i in range(pos - 1, -1, -1):
        ch = text[i]
        if ch in "。！？!?；;":
            break
        if ch in "）)":
            depth += 1
        elif ch in "（(":
            if depth == 0:
                return next((j for j in range(pos, end) if text[j] in "）)"), end)
            depth -= 1
    return None


def _in_parentheses(text: str, start: int, pos: int) -> bool:
    depth = 0
    for ch in text[start:pos]:
        if ch in "（(":
            depth += 1
        elif ch in "）)" and depth:
            depth -= 1
    return depth > 0


class ListsMixin:
    """Groups of parts under totals (mixed into the claim builder)."""

    def _groups(self, locals_: list[dict]) -> None:
        stack: list[list] = []  # [depth, claim | None, child_depth | None, number | None]
        interrupted: list[list] = []  # the list an unnumbered paragraph broke off, should it go on
        previous_first: Claim | None = None
        for loc in locals_:
            text: str = loc["text"]
            money = self._money(loc)
            counts = [c for _, c in sorted(loc["by_token"].items()) if c.kind == "count"]
            depth = item_depth(text)
            number = item_number(text)
            first = money[0] if money else None
            if depth is not None and not stack and interrupted and number is not None:
                # "1. … 一般公共预算收入 …（an unnumbered remark）2. …": the item after the remark
                # continues the numbering, so the list goes on.
                if any(e[0] == depth and e[3] is not None and e[3] + 1 == number for e in interrupted):
                    stack = interrupted
                interrupted = []
            if depth is None:
                if not text.lstrip(" -•*").startswith("其中"):  # "其中：…" on its own line details the last item
                    if stack:
                        interrupted = stack
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
                stack.append([depth, first, None, number])
            else:
                stack = []
                interrupted = []
            # inline groups: 其中 / 包括 within the paragraph
            for m in OPENER.finditer(text):
                parent = self._opener_parent(loc, m.start(), previous_first)
                if parent is None:
                    continue
                members = self._inline_members(loc, m.end(), money + counts, parent)
                rest = text[m.end() :].strip(" ，,。；;：:）)")
                parent.extra["announced"] = True  # the text says a list of its parts follows
                if not members and not rest:
                    # "…，其中：" ends the paragraph: the numbered items that follow are the parts.
                    if depth is None:
                        stack = [[-1, parent, None, None]]
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
        a, b = spans[sentence_of(spans, claim.offset[0])]
        opener = OPENER.search(text, claim.offset[1], b)
        stop = opener.start() if opener else b
        return sum(1 for c in self._money(loc) if a <= c.offset[0] < stop)

    def _single(self, claim: Claim) -> bool:
        loc = self._locals[claim.paragraph]
        return self._lead(loc, claim) == 1

    def _opener_parent(self, loc: dict, pos: int, previous_first: Claim | None) -> Claim | None:
        text: str = loc["text"]
        spans = loc["spans"]
        s = sentence_of(spans, pos)
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
        # After a change, "其中：基本支出增加 3 万元…" breaks the change down, not the total; a plain
        # list ("其中：公务接待费 0.5 万元…") still lists the parts of the sentence's figure.
        if _CHANGE_WORDS.search(text[clause_start:pos]):
            end = next((i for i in range(pos, len(text)) if text[i] in SENTENCE_END), len(text))
            if _CHANGE_WORDS.search(text[pos:end]):
                return None
            first = [c for c in money if clause_start <= c.offset[0] < pos]
            return first[0] if first else None
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
        earlier = [c for c in money if c.offset[1] <= sent_start and not c.extra.get("delta")]
        if earlier:
            last_sentence = sentence_of(spans, earlier[-1].offset[0])
            return next(c for c in money if sentence_of(spans, c.offset[0]) == last_sentence)
        if not text[:pos].strip(" -•*"):
            return previous_first
        return None

    def _inline_members(self, loc: dict, pos: int, candidates: list[Claim], parent: Claim) -> list[Claim]:
        """The figures an opener at ``pos`` lists: to the end of its parenthesis if it is in one,
        else to the end of the sentence, across "；" only while each piece is one more part; a
        parenthesis or a nested "其中" inside the list belongs to the part before it."""
        text: str = loc["text"]
        kind = parent.kind
        end = next((i for i in range(pos, len(text)) if text[i] in SENTENCE_END), len(text))
        close = _closing(text, pos, end)
        if close is not None:
            return [c for c in candidates if pos <= c.offset[0] < close and c.kind == kind and c is not parent]
        nested_list = parent.parent is not None and (parent.group or "").startswith(f"inline:{loc['index']}:")
        members: list[Claim] = []
        segment_start = pos
        for seg_end in [i for i in range(pos, end) if text[i] in "；;"] + [end]:
            segment = text[segment_start:seg_end]
            inside = [
                c
                for c in candidates
                if segment_start <= c.offset[0] < seg_end and c.kind == kind and c is not parent
                and not _in_parentheses(text, segment_start, c.offset[0])
            ]
            if segment_start > pos and (nested_list or not _simple_segment(segment, inside, segment_start)):
                break
            nested = next(
                (m for m in OPENER.finditer(segment) if not _in_parentheses(text, segment_start, segment_start + m.start())),
                None,
            )
            if nested:
                inside = [c for c in inside if c.offset[0] < segment_start + nested.start()]
            members.extend(inside)
            segment_start = seg_end + 1
        return members
