"""Document kind (预算/决算), year and entity from the title lines."""

from __future__ import annotations

import re

from ..model import Document, Line
from .labels import collapse

_YEAR = re.compile(r"(20\d{2})\s*年")
_KIND_WORDS = re.compile(
    r"\s*(20\d{2}\s*年(度)?)|(部门|单位)?(预算|决算)(批复表|公开表|公开|情况说明|报告)?|批复表|公开"
)


def _head(lines: list[Line], limit: int = 12) -> list[str]:
    out = []
    for line in lines:
        text = line.text.strip().strip("*#").strip()
        if text:
            out.append(text)
        if len(out) >= limit:
            break
    return out


def describe(doc: Document) -> None:
    head = _head(doc.lines)
    title_idx = next((i for i, t in enumerate(head[:6]) if re.search(r"预算|决算", t)), None)
    title = head[title_idx] if title_idx is not None else ""
    if "决算" in title:
        doc.kind = "决算"
    elif "预算" in title:
        doc.kind = "预算"
    else:
        families = [t.kind for t in doc.tables]
        from .catalogue import by_kind

        counts = {"预算": 0, "决算": 0}
        for kind in families:
            spec = by_kind(kind)
            if spec:
                counts[spec.family] += 1
        if any(counts.values()):
            doc.kind = max(counts, key=lambda k: counts[k])
    m = _YEAR.search(title) or next((_YEAR.search(t) for t in head[:6] if _YEAR.search(t)), None)
    if m:
        doc.year = int(m.group(1))
    if title_idx is not None:
        entity = collapse(_KIND_WORDS.sub(" ", title))
        if len(entity) < 2 and title_idx > 0:
            entity = collapse(head[title_idx - 1])
        doc.entity = entity.strip(" -—:：") or None
