"""Document kind (预算/决算), year and entity from the cover, the title lines or a table's 部门： line."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from ..model import Document, Line
from .catalogue import by_kind, match_title, split_header_line
from .labels import collapse, compact

_YEAR = re.compile(r"(20\d{2})\s*年")
_KIND_WORDS = re.compile(
    r"\s*(20\d{2}\s*年(度)?)|(部门|单位)?(预算|决算)(批复表|公开表|公开报表|公开文件|公开|情况说明|报告)?|批复表|公开"
    r"|(?<=[省市区县])\s*(省|市|区|县)级"
)
# "预算主管部门：…", "预算单位：…", "部 门：…", "编制单位：…" on a cover or above a table.
_DECLARED = re.compile(r"^(?:预算主管部门|主管部门|预算单位|编制单位|编制部门|部门名称|单位名称|部门|单位)[:：](?P<name>.+)$")
# What ends a declared name on a shared line: the next field ("单位：万元") or a cell break.
_NAME_END = re.compile(r"\t|(?:金额)?单位[:：]|编制日期|日期[:：]")


def _head(lines: list[Line], limit: int = 12) -> list[str]:
    out = []
    for line in lines:
        text = line.text.strip().strip("*#").strip()
        if text:
            out.append(text)
        if len(out) >= limit:
            break
    return out


def declared_entity(text: str) -> str | None:
    """The name a "部门：…" / "预算单位：…" line declares; None for a unit ("单位：万元") or no declaration."""
    head = text.strip()
    title, rest = split_header_line(head)
    if rest:
        head = rest  # "收支预算总表公开表一部门: X 单位:万元": the fields after the title
        head = re.sub(r"^(?:公开\s*表|附表|表|公开)\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*表?", "", head)
    m = _DECLARED.match(re.sub(r"^(部|单)\s+(门|位)", r"\1\2", head.replace("：", ":")).strip())
    if not m:
        return None
    name = _NAME_END.split(m.group("name").strip(), maxsplit=1)[0]
    name = collapse(name).strip(" :：（(")
    if len(compact(name)) < 2 or len(name) > 40 or re.fullmatch(r"(亿|万|千)?元", compact(name)):
        return None
    return name


def describe(doc: Document) -> None:
    head = _head(doc.lines)
    # The cover's title: the first line naming 预算/决算 that is not itself a table's title.
    title_idx = next((i for i, t in enumerate(head[:6]) if re.search(r"预算|决算", t) and not match_title(t)), None)
    title = head[title_idx] if title_idx is not None else ""
    if "决算" in title:
        doc.kind = "决算"
    elif "预算" in title:
        doc.kind = "预算"
    else:
        counts = {"预算": 0, "决算": 0}
        for table in doc.tables:
            spec = by_kind(table.kind)
            if spec:
                counts[spec.family] += 1
        if any(counts.values()):
            doc.kind = max(counts, key=lambda k: counts[k])
    doc.year = _year(doc, head, title)
    doc.entity = _entity(doc, head, title, title_idx)


def _year(doc: Document, head: list[str], title: str) -> int | None:
    covers = [title] + [t for t in head[:6] if not match_title(t)]
    m = next((_YEAR.search(t) for t in covers if _YEAR.search(t)), None)
    if m:
        return int(m.group(1))
    # A tables-only file has no cover: the year its tables' titles print ("2019年政府采购预算表").
    years = Counter(int(m.group(1)) for t in doc.tables if (m := _YEAR.search(t.title)))
    if years:
        return years.most_common(1)[0][0]
    # Last resort, when nothing printed says it: the year in the file's name ("…2019年部门预算公开表.pdf").
    m = _YEAR.search(Path(doc.path).stem) or re.search(r"(?<!\d)(20\d{2})(?!\d)", Path(doc.path).stem)
    return int(m.group(1)) if m else None


def _entity(doc: Document, head: list[str], title: str, title_idx: int | None) -> str | None:
    # 1. Declared on the cover ("预算单位：上海市财政局", "部 门：中共江苏省委办公厅").
    for text in head:
        name = declared_entity(text)
        if name:
            return name
    # 2. The cover's title without the words of the document kind ("江苏省人民检察院2018年部门预算").
    if title_idx is not None:
        entity = collapse(_KIND_WORDS.sub(" ", title)).strip(" -—:：")
        if len(entity) < 2 and title_idx > 0 and not match_title(head[title_idx - 1]):
            entity = collapse(head[title_idx - 1]).strip(" -—:：")
        if len(entity) >= 2:
            return entity
    # 3. A table's 部门： line (tables-only files): the name most tables declare.
    names: Counter[str] = Counter()
    for table in doc.tables:
        for i in range(table.first_line - 1, min(table.first_line + 3, len(doc.lines))):
            name = declared_entity(doc.lines[i].text)
            if name:
                names[name] += 1
                break
    return names.most_common(1)[0][0] if names else None
