"""Year-on-year changes and shares in the prose: "比上年增加 1.23 万元，增加 0.73%", "与上年持平",
"占收入总计的 37.63%", "完成预算的 95.22%" — found in a paragraph's text, then tied to the figure
they are about (the subject of a change, the part and whole of a share)."""

from __future__ import annotations

import re

from .claim import SENTENCE_END, Claim, sentence_of
from .labels import canonical, normalise_label, trim_label
from .numbers import Token
from .text import Paragraph

_UP = ("增加", "增长", "上升", "提高", "增")
_DIRECTION = r"(?P<dir>增加|减少|增长|下降|降低|上升|提高|持平)"
_BASE = r"(?P<base>上一?年度?|去年|上年同期|(?:19|20)\d{2}\s*年度?)"
_CHANGE_BI = re.compile(
    r"(?P<mark>比|较)\s*" + _BASE + r"(?P<what>\s*(?:年初)?(?:预算|决算)?\s*数?|同期)?\s*"
    r"|(?P<mark2>同比)\s*(?=增加|减少|增长|下降|降低|上升|持平)"
)
_CHANGE_WITH = re.compile(
    r"与\s*" + _BASE + r"(?:预算数?|决算数?|同期)?\s*相比\s*[，,]?\s*(?:今年|本年|当年)?(?P<label>[^，,。；;]{0,24}?)\s*" + _DIRECTION
)
_FLAT = re.compile(r"(?:与|比|较)\s*" + _BASE + r"(?:预算数?|同期)?\s*(?:基本)?持平|无增减变化|没有变化|无变化")
_SHARE = re.compile(r"占\s*(?:(?P<whole>[^，,。；;：:]{1,30}?)\s*(?:的|(?=比重|比例)))?\s*(?:比重|比例)?\s*(?:为|是)?\s*$")
_EXECUTION = re.compile(r"完成\s*(?P<whole>(?:年初|全年)?\s*预算(?:数)?)\s*的?\s*$")
_PCT_DIRECTION = re.compile(r"(?P<dir>增加|减少|增长|下降|降低|上升|提高|增幅|降幅|减幅)\s*了?\s*(?:幅度为|幅度|为|是)?\s*$")


def _direction(word: str) -> str:
    if word == "持平":
        return "持平"
    return "增加" if word.startswith(_UP) else "减少"


def _extra(text: str, mark: int, para: Paragraph, pct: Token | None) -> dict:
    """The line of the rate (when wrapped) and the clause of the statement (from ：/；/。 to ；/。)."""
    start = max((text.rfind(ch, 0, mark) for ch in "；;。：:"), default=-1) + 1
    ends = [i for i in (text.find(ch, mark) for ch in "；;。") if i >= 0]
    out = {"clause": text[start : min(ends) if ends else len(text)]}
    if pct is not None:
        out["percent_line"] = para.line_at(pct.start)
    return out


class _Pos:
    """Where a change with no figure of its own is written ("与上年持平")."""

    def __init__(self, start: int):
        self.start = start


class ChangesMixin:
    """Change and share statements of a paragraph (mixed into the claim builder)."""

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
                if text[i] in SENTENCE_END:
                    return i
            return len(text)

        for m in _CHANGE_BI.finditer(text):
            pos = m.end()
            base = "上年" if m.group("mark2") else re.sub(r"\s+", "", m.group("base") + (m.group("what") or ""))
            change: dict = {"mark": m.start(), "base": base, "label": None}
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
                elif delta is not None and delta.kind == "percent" and delta.start not in consumed:
                    change["percent"] = delta  # "比上年增长 5%": the rate follows the direction word
                    change["percent_direction"] = change["direction"]
            pct, pct_dir = percent_after(pos, sentence_end(pos)) if "percent" not in change else (None, None)
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
            elif delta is not None and delta.kind == "percent" and delta.start not in consumed:
                change["percent"] = delta
                change["percent_direction"] = change["direction"]
            pct, pct_dir = percent_after(pos, sentence_end(pos)) if "percent" not in change else (None, None)
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
            found.append({"token": tok, "whole": m.group("whole") or "", "kind": kind, "mark": tok.start - len(head) + m.start()})
        return found

    def _resolve_changes(self, loc: dict) -> None:
        text: str = loc["text"]
        para: Paragraph = loc["para"]
        spans = loc["spans"]
        money = self._money(loc)
        seen_flat: set[int | None] = set()
        for ch in loc["changes"]:
            mark = ch["mark"]
            s = sentence_of(spans, mark)
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
                    extra=_extra(text, mark, para, pct),
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
            s = sentence_of(spans, mark)
            sent_start = spans[s][0]
            part: Claim | None = None
            before = [c for c in money if c.offset[1] <= mark]
            if before and re.fullmatch(r"[\s，,]*", text[before[-1].offset[1] : mark]):
                part = before[-1]
            elif text[sent_start:mark].strip() == "" and money and money[0].offset[0] < mark:
                part = money[0]  # "…。完成预算的 35.83%": the item's subject
            if sh["kind"] == "execution" and part is not None and _budget_label(part.label):
                # "年初预算为 a 万元，支出决算为 b 万元。完成年初预算的 p%": the part is the 决算 figure.
                actual = [c for c in money if c.offset[1] <= mark and not _budget_label(c.label)]
                if actual and actual[-1].offset[0] > part.offset[0]:
                    part = actual[-1]
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
            if whole is None and whole_claim is None and part is not None and sh["kind"] == "share":
                # "“三公”经费财政拨款支出决算中，公务接待费 0.39 万元，占 100.00%": the whole heads the sentence.
                head = re.match(r"\s*([^，,。；;：:]{2,40}?)中\s*[，,：:]", text[sent_start:mark])
                named = canonical(head.group(1)) if head else None
                if named is not None and named != part.canonical:
                    whole, whole_label = named, normalise_label(head.group(1))
                    whole_claim = self._latest(named, before=part)
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


def _budget_label(label: str) -> bool:
    """"年初预算", "全年预算", "调整预算数": the label of a budget figure, not of an outturn."""
    return bool(re.search(r"预算数?$", label)) and "决算" not in label
