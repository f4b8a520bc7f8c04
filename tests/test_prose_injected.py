"""Injected errors in the 情况说明: every kind of error a drafter makes, at every place it applies.

tests/test_prose_mutations.py changes the figures that restate a table figure. This harness injects
the other errors, each at every prose line where it applies, into the five samples and (when
../shared/pdfs is there) the two real Shanghai 决算 PDFs, read through the PDF reader:

  a  a growth rate or share off by a factor of ten (×10, ÷10), or its first digit changed
  b  a direction word swapped (增加↔减少, 增长↔下降, 上升↔下降) in a change whose figures show it
  c  the document's year changed (±1) in a sentence about this year
  d  a placeholder or drafting note inserted (XX, ××, 20XX年, 请填写, （请注意…）, 下降（增长）, 增加持平, xxx万元)
  e  one listed part changed, so the parts no longer add up to their total
  f  a count changed (项目共 N 个, 车辆 N 辆, N 个分中心)
  g  元 written for 万元, 万元 for 元
  h  one of two statements of the same figure changed
  i  a table the 目录 lists removed; a table's body replaced by [illegible]; an empty table's note removed
  p  precision probes: years in other contexts, dates, document numbers, phone and page numbers
     appended to a prose line — no finding may name that line

An injection is caught when a finding (error or warning) the original did not have names one of its
target lines: the mutated line, and for (i) the 目录 line or the table. Precision probes count the
other way. Sites where the prose gives no way to tell (a direction word with no figure that
shows the direction) are not generated: the generators say where each class applies.

Run ``python tests/test_prose_injected.py`` for recall per class, the false alarms and every miss
(``--class a`` for one class; BUDGETAUDIT_INJECT_ALL=1 makes pytest run every injection).
"""

from __future__ import annotations

import os
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from budgetaudit.audit import audit
from budgetaudit.model import Document, Line
from budgetaudit.narrative import claims
from budgetaudit.narrative.text import paragraphs
from budgetaudit.readers.text import read_lines
from budgetaudit.rules import load_rules
from budgetaudit.tables import recognize

pytestmark = pytest.mark.slow  # pytest -m 'not slow': the quick subset (README)

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))
PDFS = ROOT.parent / "shared" / "pdfs"
REAL_PDFS = [
    PDFS / "上海市普陀区规划和自然资源局 2024 年度部门决算.pdf",
    PDFS / "中共上海市普陀区委社会工作部 2024 年度部门决算.pdf",
]
CLASSES = "abcdefghi"
NAMES = {
    "a": "增长率/占比错一个数量级或数字",
    "b": "增减方向词互换",
    "c": "本年度年份写错",
    "d": "占位符和起草批注",
    "e": "分项之和不等于合计",
    "f": "个数写错",
    "g": "万元与元混用",
    "h": "同一数字两处不一致",
    "i": "表格缺失、无法辨认、空表无说明",
    "p": "精度探针（不应报告）",
}


# ----------------------------------------------------------------------------- documents


def documents() -> list[Path]:
    return SAMPLES + [p for p in REAL_PDFS if p.exists()]


@cache
def _lines(path: Path) -> tuple[Line, ...]:
    if path.suffix == ".pdf":
        from budgetaudit.readers.pdf import read_pdf

        return tuple(read_pdf(path))
    return tuple(read_lines(path))


def _source(path: Path) -> str:
    return "pdf" if path.suffix == ".pdf" else "text"


@cache
def _rules():
    return tuple(load_rules().rules)


def _findings(path: Path, lines: list[Line]) -> set[tuple[str, str, tuple]]:
    doc = recognize(lines, str(path), source=_source(path))
    result = audit(doc, list(_rules()))
    return {
        (f.rule, f.message, tuple(loc.line for loc in f.locations))
        for f in result.findings
        if f.severity in ("error", "warning")
    }


@cache
def _original(path: Path) -> frozenset:
    return frozenset(_findings(path, list(_lines(path))))


@cache
def _document(path: Path) -> Document:
    return recognize(list(_lines(path)), str(path), source=_source(path))


# ----------------------------------------------------------------------------- injections


@dataclass(frozen=True)
class Injection:
    path: Path
    cls: str  # a..i, p
    kind: str  # the variant within the class
    line: int
    edits: tuple[tuple[int, str], ...]  # (line number, new text)
    targets: tuple[int, ...]  # lines a finding must name
    before: str = ""
    after: str = ""

    def describe(self) -> str:
        return f"{self.path.name[:12]}:{self.line} [{self.cls}/{self.kind}] {self.before!r} → {self.after!r}"


def _prose_lines(doc: Document) -> dict[int, str]:
    """Lines of prose paragraphs (outside tables and the 目录), without tab-separated rows."""
    toc = {e.line for e in doc.toc}
    out: dict[int, str] = {}
    for para in paragraphs(doc):
        for number in para.lines():
            text = doc.lines[number - 1].text
            if number in toc or "\t" in text.strip() or not re.search(r"[\u4e00-\u9fff]", text):
                continue
            out[number] = text
    return out


def _replace(path: Path, cls: str, kind: str, number: int, text: str, start: int, end: int, new: str) -> Injection:
    after = text[:start] + new + text[end:]
    return Injection(path, cls, kind, number, ((number, after),), (number,), text[start:end], new)


_NUMBER = r"\d[\d,，]*(?:\.\d+)?"
_PERCENT = re.compile(rf"({_NUMBER})\s*[%％]")
_AMOUNT = re.compile(rf"(?<![\d.])({_NUMBER})\s*(万元|亿元|元)")
_DIRECTION = re.compile(r"增加|减少|增长|下降|上升|降低")
_SWAP = {"增加": "减少", "减少": "增加", "增长": "下降", "下降": "增长", "上升": "下降", "降低": "增长"}
_CLAUSE_END = "，,。；;：:"
_SHARE_WORDS = re.compile(r"占|比重|完成[^，,。；;]{0,8}预算")
_CHANGE_WORDS = re.compile(r"增加|减少|增长|下降|上升|降低|增幅|降幅")


def _clause_before(text: str, pos: int) -> str:
    i = pos
    while i > 0 and text[i - 1] not in _CLAUSE_END:
        i -= 1
    return text[i:pos]


def _bump(digit: str) -> str:
    return "8" if digit == "9" else str(int(digit) + 1)


def _bump_first(number: str) -> str:
    i = next(i for i, ch in enumerate(number) if ch.isdigit())
    return number[:i] + _bump(number[i]) + number[i + 1 :]


def _times_ten(number: str) -> str:
    if "." not in number:
        return number + "0"
    whole, frac = number.split(".")
    whole, frac = (whole + frac[0]).lstrip("0") or "0", frac[1:]
    return f"{whole}.{frac}" if frac else whole


def _tenth(number: str) -> str:
    whole, _, frac = number.partition(".")
    digits, point = whole + frac, len(whole) - 1
    if point <= 0:
        return "0." + "0" * -point + digits
    return f"{digits[:point].lstrip('0') or '0'}.{digits[point:]}"


def _value(number: str) -> Decimal:
    return Decimal(number.replace(",", "").replace("，", ""))


def rates(path: Path, doc: Document, prose: dict[int, str]) -> list[Injection]:
    """(a) every share or growth rate: ×10, ÷10, first digit."""
    out = []
    for number, text in prose.items():
        for m in _PERCENT.finditer(text):
            clause = _clause_before(text, m.start())
            if not (_SHARE_WORDS.search(clause) or _CHANGE_WORDS.search(clause)):
                continue
            raw = m.group(1)
            if _value(raw) == 0:
                continue
            for kind, new in (("×10", _times_ten(raw)), ("÷10", _tenth(raw)), ("digit", _bump_first(raw))):
                out.append(_replace(path, "a", kind, number, text, m.start(1), m.end(1), new))
    return out


def directions(path: Path, doc: Document, prose: dict[int, str]) -> list[Injection]:
    """(b) a direction word swapped where the change states a figure (an amount and a rate, or a
    figure of both years) that shows which way it went."""
    out = []
    for number, text in prose.items():
        for m in _DIRECTION.finditer(text):
            after = text[m.end() : m.end() + 24]
            if not re.match(rf"\s*(?:了)?\s*{_NUMBER}", after):
                continue
            sentence = text[: m.start()]
            sentence = sentence[max(sentence.rfind("。"), 0) :] + text[m.start() :].split("。")[0]
            figures = len(_AMOUNT.findall(sentence)) + len(_PERCENT.findall(sentence))
            if figures < 2:
                continue
            out.append(_replace(path, "b", m.group(0), number, text, m.start(), m.end(), _SWAP[m.group(0)]))
    return out


_OTHER_YEAR_CONTEXT = re.compile(r"(?:比|较|与|截至|截止|至|〔|\[|【|《|上年|以来)\s*$")


def years(path: Path, doc: Document, prose: dict[int, str]) -> list[Injection]:
    """(c) the document's year in a sentence about this year, one year off either way."""
    if doc.year is None:
        return []
    out = []
    year = str(doc.year)
    for number, text in prose.items():
        for m in re.finditer(rf"(?<!\d){year}(?=\s*年)", text):
            before = text[max(0, m.start() - 6) : m.start()]
            rest = text[m.end() : m.end() + 30]
            if _OTHER_YEAR_CONTEXT.search(before) or re.search(r"[〕\]】》号]", rest[:12]):
                continue
            clause = re.split(r"[，,。；;：:（(]", rest.lstrip("年度 "), maxsplit=1)[0] or rest
            if not re.search(r"预算|决算|收入|支出|经费|安排|编制", clause):
                continue
            for kind, new in (("−1", str(doc.year - 1)), ("+1", str(doc.year + 1))):
                out.append(_replace(path, "c", kind, number, text, m.start(), m.end(), new))
    return out


def placeholders(path: Path, doc: Document, prose: dict[int, str]) -> list[Injection]:
    """(d) placeholders and drafting notes inserted into prose lines."""
    out = []
    year = str(doc.year) if doc.year else None
    for number, text in prose.items():
        amount = _AMOUNT.search(text)
        if amount and amount.group(2) == "万元":
            for new in ("XX", "××", "xxx", "请填写"):
                out.append(_replace(path, "d", new, number, text, amount.start(1), amount.end(1), new))
        if year and (m := re.search(rf"{year}(?=\s*年)", text)):
            out.append(_replace(path, "d", "20XX年", number, text, m.start(), m.end(), "20XX"))
        if (m := re.search(r"[。；;]\s*$", text)) and amount:
            out.append(_replace(path, "d", "（请注意…）", number, text, m.start(), m.start(), "（请注意核对口径）"))
        if m := re.search(r"下降|增长|增加|减少", text):
            new = {"下降": "下降（增长）", "增长": "增长（下降）", "增加": "增加（减少）", "减少": "减少（增加）"}[m.group(0)]
            out.append(_replace(path, "d", "A（B）", number, text, m.start(), m.end(), new))
        if m := re.search(r"持平", text):
            out.append(_replace(path, "d", "增加持平", number, text, m.start(), m.end(), "增加持平"))
    return out


def _figure_span(doc: Document, claim) -> tuple[int, int, str] | None:
    text = doc.lines[claim.line - 1].text
    start, end = claim.span
    m = re.match(_NUMBER, text[start:end])
    if not m:
        return None
    return start, start + m.end(), m.group(0)


def parts(path: Path, doc: Document, prose: dict[int, str]) -> list[Injection]:
    """(e) one part of a list under a total changed: its first digit (0 becomes 1)."""
    out = []
    all_claims = claims(doc)
    sites: set[tuple[int, int]] = set()
    for claim in all_claims:
        if claim.kind == "amount" and claim.parent is not None and claim.line in prose:
            span = _figure_span(doc, claim)
            if span:
                sites.add((claim.line, span[0]))
    # Parts the reader may not see: amounts after 其中 in the same sentence.
    for number, text in prose.items():
        for m in re.finditer(r"其中\s*[:：]?", text):
            stop = min([i for i in (text.find("。", m.end()), len(text)) if i >= 0])
            if m.start() and text[m.start() - 1] in "（(":  # "（其中：…）": the parts end at the parenthesis
                stop = min([i for i in (text.find("）", m.end()), text.find(")", m.end()), stop) if i >= 0])
            for a in _AMOUNT.finditer(text, m.end(), stop):
                sites.add((number, a.start(1)))
    for number, start in sorted(sites):
        text = doc.lines[number - 1].text
        m = re.compile(_NUMBER).match(text, start)
        if not m:
            continue
        raw = m.group(0)
        amount = _AMOUNT.match(text, m.start())
        if amount and _THRESHOLD.match(text, amount.end()):
            continue  # "单价 100 万元以上的设备": a threshold, not a part
        new = "1" + raw[1:] if _value(raw) == 0 else _bump_first(raw)
        out.append(_replace(path, "e", "part", number, text, m.start(), m.end(), new))
    return out


_COUNT = re.compile(r"(?<![\d.])(\d+)\s*(个|辆|台|家|名|批次|人次)(?!月|工作日)")


def counts(path: Path, doc: Document, prose: dict[int, str]) -> list[Injection]:
    """(f) every count in the prose, one more."""
    out = []
    for number, text in prose.items():
        for m in _COUNT.finditer(text):
            before = text[max(0, m.start() - 2) : m.start()]
            if re.search(r"[第前后近]\s*$", before):
                continue
            new = str(int(m.group(1)) + 1)
            out.append(_replace(path, "f", m.group(2), number, text, m.start(1), m.end(1), new))
    return out


_THRESHOLD = re.compile(r"\s*(?:[（(]含[)）])?\s*(?:以上|以下|及以上|以内)")


def units(path: Path, doc: Document, prose: dict[int, str]) -> list[Injection]:
    """(g) 万元 written 元 (nonzero prose amounts), 元 written 万元."""
    out = []
    for number, text in prose.items():
        for m in _AMOUNT.finditer(text):
            if _value(m.group(1)) == 0 or m.group(2) == "亿元" or _THRESHOLD.match(text, m.end()):
                continue
            if m.group(2) == "万元":
                out.append(_replace(path, "g", "万元→元", number, text, m.start(2), m.end(2), "元"))
            else:
                out.append(_replace(path, "g", "元→万元", number, text, m.start(2), m.end(2), "万元"))
    return out


def repeats(path: Path, doc: Document, prose: dict[int, str]) -> list[Injection]:
    """(h) a figure the prose states twice (same label, same value, two lines): each statement changed."""
    out = []
    groups: dict[tuple, list] = defaultdict(list)
    for claim in claims(doc):
        if claim.kind == "amount" and claim.canonical and claim.amount and claim.amount.value and claim.line in prose:
            groups[(claim.canonical, claim.amount.value)].append(claim)
    for same in groups.values():
        if len({c.line for c in same}) < 2:
            continue
        for claim in same:
            span = _figure_span(doc, claim)
            if span:
                text = doc.lines[claim.line - 1].text
                out.append(_replace(path, "h", "repeat", claim.line, text, span[0], span[1], _bump_first(span[2])))
    return out


def completeness(path: Path, doc: Document, prose: dict[int, str]) -> list[Injection]:
    """(i) a listed table removed; a table's body [illegible]; an empty table's note removed."""
    out = []
    lines = doc.lines
    listed = {}
    for entry in doc.toc:
        if entry.kind:
            listed.setdefault(entry.kind, entry.line)
    kinds = Counter(t.kind for t in doc.tables)
    for table in doc.tables:
        span = range(table.first_line, table.last_line + 1)
        if table.kind in listed and kinds[table.kind] == 1:
            edits = tuple((n, "") for n in span)
            out.append(Injection(path, "i", "absent", table.first_line, edits, (listed[table.kind],), table.kind, "removed"))
        if table.status == "ok" and table.rows:
            body = min(c.line for r in table.rows for c in r.cells if c.line) if any(c.line for r in table.rows for c in r.cells) else None
            if body:
                edits = tuple((n, "[illegible]" if n == body else "") for n in range(body, table.last_line + 1))
                out.append(Injection(path, "i", "illegible", table.first_line, edits, tuple(span), table.kind, "[illegible]"))
        if table.status == "empty" and table.empty_note:
            after = range(table.first_line, min(table.last_line + 8, len(lines)) + 1)
            notes = tuple((n, "") for n in after if re.search(r"空表|无此项|没有.{0,10}(?:支出|预算|收入)", lines[n - 1].text))
            if notes:
                out.append(Injection(path, "i", "unannotated", table.first_line, notes, tuple(span), table.kind, "note removed"))
    return out


def probes(path: Path, doc: Document, prose: dict[int, str]) -> list[Injection]:
    """(p) text that is not a figure, appended to prose lines that state an amount."""
    if doc.year is None:
        return []
    y = doc.year
    texts = (
        f"截至{y - 1}年12月31日，上述资产均已入账。",
        f"与{y - 1}年度相比，口径不变。",
        f"依据《关于{y - 1}年预算编制工作的通知》（财预〔{y - 2}〕3号）。",
        "咨询电话：024-86891234，详见第12页。",
        f"本说明于{y}年1月15日公开，为期12个月。",
        "绩效目标：满意度≥95%，完成时限12个月。",
        "另安排专项工作经费 12.34 万元，用于调研。",
        "科目编码 2080505，邮编 110000，传真 024-23456789。",
        f"比{y - 1}年增加的主要原因是人员增加，上年预算执行良好。",
        f"自{y - 3}年起实施预算绩效管理，{y - 1}年底前完成。",
        f"（详见《{y - 1}年度部门预算公开说明》）",
    )
    out = []
    for number, text in prose.items():
        if not _AMOUNT.search(text) or not re.search(r"[。；;]\s*$", text):
            continue
        for i, probe in enumerate(texts):
            out.append(Injection(path, "p", f"probe{i + 1}", number, ((number, text + probe),), (number,), "", probe))
    return out


GENERATORS = {
    "a": rates,
    "b": directions,
    "c": years,
    "d": placeholders,
    "e": parts,
    "f": counts,
    "g": units,
    "h": repeats,
    "i": completeness,
    "p": probes,
}


@cache
def injections(path: Path, cls: str) -> tuple[Injection, ...]:
    doc = _document(path)
    prose = _prose_lines(doc)
    if cls != "p":
        # A line the original already reports is not a correct statement to falsify.
        reported = {n for _, _, where in _original(path) for n in where}
        prose = {n: t for n, t in prose.items() if n not in reported}
    return tuple(sorted(set(GENERATORS[cls](path, doc, prose)), key=lambda m: (m.line, m.kind, m.after)))


def run(m: Injection) -> tuple[bool, tuple[str, ...]]:
    """(caught, rules naming a target line) — for a probe, caught means a false alarm."""
    lines = list(_lines(m.path))
    for number, text in m.edits:
        old = lines[number - 1]
        lines[number - 1] = Line(old.number, text, text, old.page)
    new = _findings(m.path, lines) - _original(m.path)
    on_target = sorted({rule for rule, _, where in new if set(where) & set(m.targets)})
    return bool(on_target), tuple(on_target)


def _sample(items: tuple[Injection, ...], limit: int) -> tuple[Injection, ...]:
    if os.environ.get("BUDGETAUDIT_INJECT_ALL") or len(items) <= limit:
        return items
    step = len(items) / limit
    return tuple(items[int(i * step)] for i in range(limit))


def outcomes_for(cls: str, limit: int | None = None) -> list[tuple[Injection, bool, tuple[str, ...]]]:
    items = tuple(m for path in documents() for m in injections(path, cls))
    if limit is not None:
        items = _sample(items, limit)
    return [(m, *run(m)) for m in items]


# ----------------------------------------------------------------------------- tests

# Recall floors per class, a little under what every injection measures (python tests/test_prose_injected.py);
# pytest runs an even sample of each class. What is left is mostly undetectable from the text: rates of
# 功能科目 items against a 年初预算 no table prints, counts nothing else states (设备 N 台, 接待 N 批次).
FLOORS = {"a": 0.8, "b": 0.9, "c": 0.95, "d": 0.98, "e": 0.9, "f": 0.5, "g": 0.93, "h": 0.95, "i": 1.0}
PYTEST_LIMIT = 80


@pytest.fixture(scope="module", params=list(CLASSES) + ["p"])
def results(request):
    if not SAMPLES:
        pytest.skip("no samples")
    return request.param, outcomes_for(request.param, PYTEST_LIMIT)


def test_recall_per_class(results):
    cls, outcomes = results
    if cls == "p":
        alarms = [m.describe() for m, caught, _ in outcomes if caught]
        assert alarms == [], f"{len(alarms)} precision probes reported, e.g. {alarms[:3]}"
        return
    assert outcomes, f"class {cls} has no injection"
    recall = sum(caught for _, caught, _ in outcomes) / len(outcomes)
    missed = [m.describe() for m, caught, _ in outcomes if not caught]
    assert recall >= FLOORS[cls], f"{NAMES[cls]}: recall {recall:.2f} < {FLOORS[cls]}, missed e.g. {missed[:5]}"


def _inject(path: Path, old: str, new: str) -> list[tuple[str, str, str]]:
    """(rule, severity, message) of the findings the edit adds that name the edited line."""
    lines = list(_lines(path))
    (line,) = [ln for ln in lines if old in ln.text]
    text = line.text.replace(old, new)
    lines[line.number - 1] = Line(line.number, text, text, line.page)
    result = audit(recognize(lines, str(path), source=_source(path)), list(_rules()))
    before = _original(path)
    return sorted(
        (f.rule, f.severity, f.message)
        for f in result.findings
        if f.severity in ("error", "warning")
        and (f.rule, f.message, tuple(loc.line for loc in f.locations)) not in before
        and line.number in {loc.line for loc in f.locations}
    )


def _sample_path(prefix: str) -> Path:
    if not any(p.name.startswith(prefix) for p in SAMPLES):
        pytest.skip(f"sample {prefix} absent")
    return next(p for p in SAMPLES if p.name.startswith(prefix))


@pytest.mark.parametrize(
    ("sample", "old", "new", "expected"),
    [
        ("002", "占收入总计的 37.63%", "占收入总计的 3.763%",
         ("CN402", "error", "第63行：财政拨款收入 3,336.53 万元 ÷ 收入总计 8,866.30 万元 = 37.632%，说明写为 3.763%")),
        ("002", "减少1,448.97万元,下降14.05%", "减少1,448.97万元,增长14.05%",
         ("CN403", "error", "第72行：收入总计比上年“减少”，增减率却写为“增加”")),
        ("001", "在 2026 年应编制单位整体", "在 2025 年应编制单位整体",
         ("CN408", "warning", "第777行：“沈阳市医疗保障事务服务中心在 2025 年应编制单位整体绩效目标 1 个”写的是 2025 年，"
                              "本文件是 2026 年预算（其余 20 处均为 2026 年）；如果说的是该年，请写明“上年”等")),
        ("000", "基本支出 976.46 万元", "基本支出 xxx 万元", ("CN409", "error", "第132行：“xxx”是占位符，公开前应删除或填写（原文：“1. 基本支出 xxx 万元;”）")),
        ("001", "实际编制 1 个", "实际编制 2 个",
         ("CN412", "error", "第777行：应编制单位整体绩效目标 1 个，实际编制 2 个，覆盖率应为 200%，说明写为 100%")),
        ("001", "共有车辆 2 辆", "共有车辆 3 辆",
         ("CN401", "error", "第769行：沈阳市医疗保障事务服务中心共有车辆 3 辆，所列分项 省部级领导干部用车 0 辆 + 一般公务用车 2 辆"
                            " + 一般执法执勤用车 0 辆 + 特种专业技术用车 0 辆 + 其他用车 0 辆 = 2 辆")),
        ("002", "授予中小企业合同金额 42.00 万元", "授予中小企业合同金额 42.00 元",
         ("CN407", "error", "第149行：授予中小企业合同金额 42.00 元，而同一数字在说明第149行为 42.00 万元：单位应为万元")),
    ],
)
def test_what_a_user_sees_for_an_injected_error(sample, old, new, expected):
    assert expected in _inject(_sample_path(sample), old, new)


def test_a_table_the_toc_lists_removed_is_reported_on_the_toc_line():
    path = _sample_path("001")
    (removed,) = [m for m in injections(path, "i") if m.kind == "absent" and m.before == "收支预算总表"]
    lines = list(_lines(path))
    for number, text in removed.edits:
        lines[number - 1] = Line(number, text, text, lines[number - 1].page)
    new = _findings(path, lines) - _original(path)
    assert ("CC501", "目录第19行列出“表 1. 收支预算总表”，文件中没有这张表", (19,)) in new


def main(argv: list[str]) -> int:
    only = argv[argv.index("--class") + 1] if "--class" in argv else None
    for cls in list(CLASSES) + ["p"]:
        if only and cls != only:
            continue
        results = outcomes_for(cls)
        by_kind = Counter((m.kind, caught) for m, caught, _ in results)
        caught = sum(c for _, c, _ in results)
        total = len(results)
        label = "false alarms" if cls == "p" else "caught"
        print(f"({cls}) {NAMES[cls]}: {label} {caught}/{total} = {caught / max(total, 1):.2f}")
        for kind in sorted({k for k, _ in by_kind}):
            print(f"     {kind:10} {by_kind[(kind, True)]:4}/{by_kind[(kind, True)] + by_kind[(kind, False)]}")
        rules = Counter(r for _, c, rs in results if c for r in rs)
        print("     rules:", dict(rules.most_common(8)))
        for m, c, _ in results:
            if c == (cls == "p"):
                print("    ", "ALARM" if cls == "p" else "MISSED", m.describe())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
