"""Tables printed as several (科目编码, 科目名称, 决算数) blocks side by side (公开06表 基本支出决算表)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..amounts import to_amount
from ..model import Cell, Column, Line, Row, Table
from .header import clean
from .labels import CODE, code_level, collapse, compact, row_key, unglue_code
from .rows import is_number_token
from .segment import ILLEGIBLE, is_preamble

HEADINGS = ("人员经费", "公用经费")


def parse_blocks(table: Table, lines: list[Line], unit: str) -> None:
    table.columns = [Column(path=("决算数",))]
    starts: list[int] = []
    headings: dict[int, str] = {}
    previous: list[str] = []
    for line in lines:
        if ILLEGIBLE in line.text:
            table.status = "illegible"
            continue
        if "\t" not in line.text:
            continue
        cells = [c.strip() for c in line.text.split("\t")]
        keys = [clean(c) for c in cells]
        if not starts:
            found = [i for i, k in enumerate(keys) if k.endswith("科目编码")]
            if found:
                starts = found
                headings = _headings(previous, starts)
                table.last_line = max(table.last_line, line.number)
            else:
                previous = keys
            continue
        table.last_line = max(table.last_line, line.number)
        for b, start in enumerate(starts):
            code, name, value = (cells[start + k] if start + k < len(cells) else "" for k in range(3))
            if not code and not name:
                continue
            if code and not CODE.match(code):
                name, code = collapse(code + name), ""
            side = headings.get(b)
            label = collapse(name)
            row = Row(name=label, key=row_key(label), line=line.number, code=code or None,
                      level=code_level(code or None), page=line.page, side=side,
                      role="total" if row_key(label).endswith("合计") else "item")
            if value and is_number_token(value):
                amount = to_amount(value, unit)
                if amount is not None:
                    row.cells = [Cell(column=0, amount=amount, line=line.number, raw=value, page=line.page,
                                      box=line.find_box(value), sheet=line.sheet, ref=line.find_ref(value))]
            table.rows.append(row)


def _headings(previous: list[str], starts: list[int]) -> dict[int, str]:
    """Which heading (人员经费/公用经费) each block sits under.

    A heading is centred over the blocks it spans, so a block with no heading of its own belongs to
    the next heading to its right (or, at the end, to the last one)."""
    marks = [(i, h) for i, k in enumerate(previous) for h in HEADINGS if k.startswith(h[:3])]
    out: dict[int, str] = {}
    for b, start in enumerate(starts):
        end = starts[b + 1] if b + 1 < len(starts) else 10**6
        inside = [h for i, h in marks if start <= i < end]
        right = [h for i, h in marks if i >= end]
        if inside:
            out[b] = inside[0]
        elif right:
            out[b] = right[0]
        else:
            out[b] = marks[-1][1] if marks else HEADINGS[min(b, 1)]
    return out


# ---------------------------------------------------------------- space layouts

_HEADINGS_WORDS = {"科目编码", "科目名称", "决算数", "经济分类", "经济分类科目编码", "项目", "金额", *HEADINGS}
_NOTE = re.compile(r"^\s*(注\s*[:：]|备注|说明\s*[:：]|本表)")


@dataclass
class _Entry:
    """One (code, name, amount) triple of a space-layout line."""

    code: str
    name: str
    value: str
    line: Line
    block: int = 0
    above: int = 0  # name pieces printed above the line (names centred on their code)
    ends_only: bool = False  # the name so far is its last line: the first ones may be above


def _entries(line: Line) -> list[_Entry] | None:
    """The triples of a line ("301 工资福利支出 4816.14 302 商品和服务支出 440.90"), or None for text only.

    A code-shaped number followed by a name starts the next triple: it is a 科目编码, not the
    amount of the one before (an empty table prints "301 工资福利支出 302 商品和服务支出")."""
    entries: list[_Entry] = []
    code, name = "", []
    tokens: list[str] = []
    for token in line.text.split():
        starts_triple = not tokens or is_number_token(tokens[-1])
        tokens.extend(unglue_code(token) if starts_triple else [token])
    for k, token in enumerate(tokens):
        following = tokens[k + 1] if k + 1 < len(tokens) else None
        if CODE.match(token) and following is not None and not is_number_token(following):
            if code or name:
                entries.append(_Entry(code, collapse(" ".join(name)), "", line))
            code, name = token, []
        elif CODE.match(token) and not code and not name:
            code = token
        elif is_number_token(token):
            entries.append(_Entry(code, collapse(" ".join(name)), token, line))
            code, name = "", []
        else:
            name.append(token)
    if not entries and not code:
        if name and all(row_key(t).endswith("合计") for t in name):
            return [_Entry("", t, "", line) for t in name]  # the blocks' totals of an empty table
        return None
    if code or name:
        entries.append(_Entry(code, collapse(" ".join(name)), "", line))
    return entries


def parse_space_blocks(table: Table, lines: list[Line], unit: str) -> None:
    """Blocks side by side in a space layout: each line holds one triple per block still running.

    A line with fewer triples than blocks continues the block its codes belong to (the same
    economic class as the block's last code, else the block the previous short line continued).
    Names wrapped around their code line (vertically centred cells) are given to the triple of the
    line above or below that has none."""
    table.columns = [Column(path=("决算数",))]
    table.layout = "space"
    lines_entries: list[list[_Entry] | Line] = []
    names_above: Line | None = None
    started = False
    for line in lines:
        text = line.text.strip()
        if ILLEGIBLE in text:
            table.status = "illegible"
            continue
        if not text or is_preamble(text):
            continue
        if _NOTE.match(text):
            if started:
                table.last_line = max(table.last_line, line.number)
            continue
        entries = _entries(line)
        if not started:
            if not entries or not any(e.code for e in entries):
                heading = entries is None and any(clean(t) in _HEADINGS_WORDS for t in text.split())
                names_above = None if heading or entries else line  # the first row's names, maybe
                continue
            started = True
            if names_above is not None:
                lines_entries.append(names_above)
        table.last_line = max(table.last_line, line.number)
        lines_entries.append(entries if entries else line)
    lines_entries = _rejoin(lines_entries)
    blocks = max((len(x) for x in lines_entries if isinstance(x, list)), default=0)
    if not blocks:
        return
    if any(e.value and not e.code and not e.name for x in lines_entries if isinstance(x, list) for e in x):
        table.status = "illegible"  # a value no row can take: its neighbours' sums would be guesses
        return
    _assign_blocks([x for x in lines_entries if isinstance(x, list)], blocks)
    _give_pieces(lines_entries)
    for item in lines_entries:
        if not isinstance(item, list):
            continue
        for e in item:
            label = collapse(e.name)
            key = row_key(label)
            side = HEADINGS[min(e.block, len(HEADINGS) - 1)]
            row = Row(name=label, key=key, line=e.line.number, code=e.code or None,
                      level=code_level(e.code or None), page=e.line.page, side=side,
                      role="total" if key.endswith("合计") else "item")
            amount = to_amount(e.value, unit) if e.value else None
            if amount is not None:
                row.cells = [Cell(column=0, amount=amount, line=e.line.number, raw=e.value, page=e.line.page,
                                  box=e.line.find_box(e.value), sheet=e.line.sheet,
                                  ref=e.line.find_ref(e.value))]
            table.rows.append(row)


def _rejoin(items: list[list[_Entry] | Line]) -> list[list[_Entry] | Line]:
    """Lines that print one piece per block a little above or below the line they belong to.

    A line of names only, one per nameless triple of the next line ("工资福利支出 商品和服务支出"
    over "301 95.36 302 10.23"), names them; a line of numbers only, one per value-less triple of
    the line above ("人员经费合计 公用经费合计" over "95.36 10.23"), gives them their values."""
    out: list[list[_Entry] | Line] = []
    for k, item in enumerate(items):
        following = items[k + 1] if k + 1 < len(items) else None
        if not isinstance(item, list):
            tokens = item.text.split()
            nameless = [e for e in following if not e.name] if isinstance(following, list) else []
            if len(tokens) >= 2 and len(tokens) == len(nameless):
                for e, token in zip(nameless, tokens, strict=True):
                    e.name = token
                continue
            out.append(item)
            continue
        previous = out[-1] if out else None
        if all(not e.code and not e.name and e.value for e in item) and isinstance(previous, list) \
                and len(previous) == len(item) and all(not e.value for e in previous):
            for e, number in zip(previous, item, strict=True):
                e.value = number.value
            continue
        out.append(item)
    _place_stray_values([x for x in out if isinstance(x, list)])
    return [x for x in out if not isinstance(x, list) or x]


def _place_stray_values(rows: list[list[_Entry]]) -> None:
    """A value printed off its line ("30103 奖金" / "0.00 30203 咨询费 0.00") goes to the one
    triple without a value on the line above, or else on the line below."""
    for k, entries in enumerate(rows):
        first = entries[0] if entries else None
        if first is not None and k and not first.code and first.name and first.value \
                and not row_key(first.name).endswith("合计"):
            # "30108" / "养老保险缴费 6.18 30206 电费 0.00": the end of a name and its value
            empty = [x for x in rows[k - 1] if x.code and not x.value]
            if len(empty) == 1:
                empty[0].name += first.name
                empty[0].ends_only = True
                empty[0].value, empty[0].line = first.value, first.line
                entries.remove(first)
        for e in [e for e in entries if e.value and not e.code and not e.name]:
            for near in (k - 1, k + 1):
                if not 0 <= near < len(rows):
                    continue
                empty = [x for x in rows[near] if x.code and not x.value]
                if len(empty) == 1:
                    empty[0].value = e.value
                    empty[0].line = e.line
                    entries.remove(e)
                    break


def _assign_blocks(rows: list[list[_Entry]], blocks: int) -> None:
    last_code: list[str] = [""] * blocks
    previous_short: int | None = None
    for entries in rows:
        if len(entries) == blocks:
            chosen = list(range(blocks))
            previous_short = None
        else:
            first = entries[0]
            same_class = [b for b in range(blocks) if first.code and last_code[b][:3] == first.code[:3]]
            totals = all(not e.code for e in entries)
            if totals:
                start = blocks - len(entries)
            elif same_class:
                start = same_class[-1]
            elif previous_short is not None:
                start = previous_short
            else:
                start = blocks - len(entries)
            start = min(start, blocks - len(entries))
            chosen = list(range(start, start + len(entries)))
            previous_short = start
        for e, b in zip(entries, chosen, strict=True):
            e.block = b
            if e.code:
                last_code[b] = e.code


def _give_pieces(items: list[list[_Entry] | Line]) -> None:
    """Name pieces between two lines of triples: the tail of a nameless triple above (as many lines
    as it had above it), the head of a nameless one below; else the tail of the last name above."""
    pieces: list[Line] = []
    previous: list[_Entry] | None = None
    for item in [*items, []]:
        if not isinstance(item, list):
            pieces.append(item)
            continue
        if pieces:
            needy_above = [e for e in previous or [] if e.above or not e.name]
            needy_below = [e for e in item if not e.name or e.ends_only]
            take = len(pieces)
            if needy_below:
                take = min(len(pieces), needy_above[0].above) if needy_above else 0
            tails, heads = pieces[:take], pieces[take:]
            if tails and previous:
                target = needy_above[0] if needy_above else previous[-1]
                target.name += "".join(compact(p.text) for p in tails)
            if heads and needy_below:
                needy_below[0].name = "".join(compact(p.text) for p in heads) + needy_below[0].name
                needy_below[0].above = len(heads)
            pieces = []
        previous = item
