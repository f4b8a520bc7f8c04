"""Metamorphic prose suite: the findings of a 情况说明 passage do not depend on where extraction
wrapped its lines, on page furniture printed inside it, or on full- or half-width punctuation; and
list, rate and scope errors injected into it are caught.

The passages are written the way the real documents of ../shared/corpus write them (a numbered
list under a total, with changes and rates per item; a joint 收入、支出 total; fund scopes).
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from test_prose_rules import check

from budgetaudit.loader import load_document

RULES = "CN401 CN403 CN409 CN411"

PASSAGES = {
    "list": (
        "检察（款）: 2018 年预算支出合计 16,444.36 万元。其中:\n"
        "1.行政运行（项）支出 10,883.36 万元，与上年相比增加 2,915.22 万元，增长 36.59 %。主要原因是政策性调增。\n"
        "2.一般行政管理事务（项）支出 3,666 万元，与上年相比增加 21.8 万元，增长 0.06 %。主要原因是增加了设备购置费。\n"
        "3.公诉、审判、侦查、执行等检察监督支出（项）1,895 万元，与上年相比减少 134 万元，降幅 6.60 %。主要原因是减少了办案费。"
    ),
    "joint": (
        "本单位 2017 年度收入、支出预算总计 13649.07 万元，与上年相比收、支预算总计各增加 844.15 万元，增长 6.59%。"
        "主要原因是政策性增资，增加基本支出 844.15 万元。其中:\n"
        "（一）收入预算总计 13649.07 万元。全部由财政拨款。\n"
        "（二）支出预算总计 13649.07 万元。包括:\n"
        "1.一般公共服务支出 10528.33 万元，与上年相比减少 17.89 万元，减少 0.17%。\n"
        "2.社会保障和就业支出 1608.51 万元，与上年相比增加 193.25 万元，增长 13.65%。\n"
        "3.住房保障支出 1512.23 万元，与上年相比增加 668.79 万元，增长 79.29%。"
    ),
    "scope": (
        "2018 年一般公共预算财政拨款支出预算 21,940.96 万元，与上年相比增加 3,958.98 万元，增长 22.01%。\n"
        "政府性基金支出预算 0 万元，与上年相比增加（减少）0 万元。\n"
        "财政拨款基本支出预算 13,979.92 万元。其中:\n"
        "（一）人员经费 11,257.35 万元。\n"
        "（二）公用经费 2,722.57 万元。\n"
        "下设办公厅、研究室和 3 个专门委员会，包含信息中心、培训中心等 4 个所属事业单位。"
    ),
}


def _signature(text: str) -> list[tuple]:
    r = check(text, RULES)
    return sorted((f.rule, f.severity, f.expected, f.actual) for f in r.findings)


_LINE_MIN = 20  # a printed line that does not end its paragraph is at least this long


def _breaks(line: str) -> list[int]:
    """Where extraction may wrap a line: anywhere but inside a number (digits stay together),
    after a full line's worth of text, or anywhere before a figure or punctuation (a label or an
    enumerator with its figure on the next line)."""
    return [i for i in range(1, len(line))
            if not (re.match(r"[\d.,]", line[i - 1]) and re.match(r"[\d.,]", line[i]))
            and (i >= _LINE_MIN or re.match(r"[\d\s、，,。；;：:（(）)%％]", line[i]))]


@pytest.mark.parametrize("name", sorted(PASSAGES))
def test_rewrapping_at_every_point_gives_the_same_findings(name):
    text = PASSAGES[name]
    expected = _signature(text)
    lines = text.split("\n")
    differ = []
    for n, line in enumerate(lines):
        for i in _breaks(line):
            for gap in ("\n", "\n\n"):
                wrapped = "\n".join([*lines[:n], line[:i] + gap + line[i:], *lines[n + 1 :]])
                if _signature(wrapped) != expected:
                    differ.append(f"line {n + 1} wrapped after {line[:i][-8:]!r}")
    assert differ == [], f"{len(differ)} wrappings change the findings, e.g. {differ[:5]}"


def test_the_passages_have_the_findings_they_should():
    # 21.8 ÷ 3,644 = 0.60% (not 0.06%); 134 ÷ 2,029 = 6.60% (the passage is right there).
    assert _signature(PASSAGES["list"]) == [("CN403", "error", Decimal("0.60"), Decimal("0.06"))]
    assert _signature(PASSAGES["joint"]) == []
    assert [(rule, sev) for rule, sev, *_ in _signature(PASSAGES["scope"])] == [("CN409", "error")]


_WIDTHS = str.maketrans({"，": ",", "：": ":", "；": ";", "（": "(", "）": ")", "％": "%", "%": "％"})


@pytest.mark.parametrize("name", sorted(PASSAGES))
def test_half_width_punctuation_gives_the_same_findings(name):
    text = PASSAGES[name]
    assert _signature(text.translate(_WIDTHS)) == _signature(text)


@pytest.mark.parametrize("name", sorted(PASSAGES))
def test_page_furniture_inside_a_passage_gives_the_same_findings(name, tmp_path):
    from budgetaudit.audit import audit
    from budgetaudit.rules import load_rules

    rules = [r for r in load_rules().rules if r.id in RULES.split()]
    lines = PASSAGES[name].split("\n")

    def findings(text: str) -> list[tuple]:
        path = tmp_path / "doc.txt"
        path.write_text(text, "utf-8")
        doc = load_document(path)
        return sorted((f.rule, f.severity, f.expected, f.actual) for f in audit(doc, rules).findings)

    plain = findings("\n".join(lines))
    for n in range(1, len(lines)):
        for furniture in (["", "- 7 -", ""], ["", "7", ""], ["", "第 7 页", ""]):
            assert findings("\n".join([*lines[:n], *furniture, *lines[n:]])) == plain, (n, furniture)


# ------------------------------------------------------------------ injected errors


def _list_injections(text: str):
    """Each part of the list changed by a thousand units of its last digit: the parts no longer add up."""
    for m in re.finditer(r"(?m)^\d\.[^\d\n]*?(\d[\d,]*(?:\.\d+)?)\s*万元", text):
        old = m.group(1)
        digits = old.replace(",", "")
        step = Decimal(1).scaleb(-len(digits.split(".")[1])) if "." in digits else Decimal(1)
        new = f"{Decimal(digits) + step * 1000}"  # beyond what the printed precisions allow
        yield "CN401", text[: m.start(1)] + new + text[m.end(1) :]


def _rate_injections(text: str):
    """Each growth rate off by a factor of ten, or with its first digit changed."""
    for m in re.finditer(r"(?:增长|减少|降幅|增幅)\s*(\d+(?:\.\d+)?)\s*[%％]", text):
        old = Decimal(m.group(1))
        for new in (old * 10, (old / 10).quantize(Decimal("0.01")) if old >= 1 else old * 100):
            yield "CN403", text[: m.start(1)] + f"{new}" + text[m.end(1) :]
        first = m.group(1)[0]
        swapped = str((int(first) + 2) % 10 or 1) + m.group(1)[1:]
        yield "CN403", text[: m.start(1)] + swapped + text[m.end(1) :]


def _scope_injections(text: str):
    """A stated 0 that grew, and a count that contradicts the names listed before it."""
    for m in re.finditer(r"预算 0 万元，与上年相比增加（减少）0 万元", text):
        yield "CN403", text[: m.start()] + "预算 0 万元，与上年相比增加 12.50 万元" + text[m.end() :]
    for m in re.finditer(r"信息中心、培训中心等 4 个", text):
        yield "CN411", text[: m.start()] + "信息中心、培训中心、档案中心 2 个" + text[m.end() :]


def test_injected_list_rate_and_scope_errors_are_caught():
    caught, missed = 0, []
    for name, text in PASSAGES.items():
        before = _signature(text)
        for gen in (_list_injections, _rate_injections, _scope_injections):
            for rule, mutated in gen(text):
                after = _signature(mutated)
                if [s for s in before if s not in after]:
                    continue  # the mutation corrected a real error of the passage (0.06% → 0.60%)
                new = [s for s in after if s not in before and s[0] == rule and s[1] == "error"]
                if new:
                    caught += 1
                else:
                    missed.append((name, gen.__name__, rule))
    total = caught + len(missed)
    assert total >= 25
    assert caught / total >= 0.95, f"caught {caught}/{total}; missed {missed[:5]}"
