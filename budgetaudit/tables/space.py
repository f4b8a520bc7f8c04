"""Grid tables from space layouts (pdfminer / pdfplumber text): rows rebuilt from codes, names and numbers.

Positions are gone and empty cells dropped, so a row is a 科目编码 (or a label), its name — wrapped
over several lines — and the run of numbers printed with it, placed by the table's arithmetic.
Names wrap in two ways. Top-aligned cells (pdfminer) print the code and the name's first line
together and the rest below. Vertically centred cells (pdfplumber) print the code and the numbers
on the middle line of the name: as many name lines above it as below, so the text lines between two
rows are the first row's tail followed by the second row's head.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..amounts import to_amount
from ..model import Column, Line, Row, Table
from . import header as hdr
from .catalogue import TableSpec
from .grid import EMPTY_NOTE, ENUMERATED, NOTE, _single_row_is_total, _units_only
from .hierarchy import infer_subtotals
from .labels import CODE, compact, is_total_label, unglue_code
from .placement import valid_placements
from .rows import PendingRow, Printed, build_row, is_number_token
from .segment import ILLEGIBLE, is_preamble
from .structure import identities


@dataclass(frozen=True)
class _Split:
    """One line of a space layout: its label text (a leading code included) and its trailing numbers.

    Frozen, its first word and code worked out once: a line's split is shared by every line of
    the same text (split_numbers is memoised), and asked for again and again."""

    label: str
    numbers: list[str]  # never changed once split
    head: str = field(init=False)
    code: str | None = field(init=False)

    def __post_init__(self) -> None:
        words = self.label.split(maxsplit=1)
        head = words[0] if words else ""
        object.__setattr__(self, "head", head)  # the frozen dataclass way to set a derived field
        object.__setattr__(self, "code", head if CODE.match(head) else None)

    @property
    def name(self) -> str:
        """The label without its code."""
        return self.label[len(self.head):].strip() if self.code else self.label


@lru_cache(maxsize=8192)  # a table's header and recurring rows come back on every page
def split_numbers(text: str, coded: bool = False, width: int = 0, after_code: bool = False,
                  code_pending: bool = False) -> _Split:
    """"2101501    行政运行 567.25 567.25" → ("2101501    行政运行", ["567.25", "567.25"]).

    In a table with a 科目编码 column a leading whole number shaped like a code, followed by the
    row's amounts, is the code of a row whose name wrapped onto the lines around it ("208 754.75
    754.75 0.00"): a code is never an amount. It is taken for one when the amounts after it carry
    decimals, when the line holds more numbers than the table has columns, or when codes precede —
    unless a code printed alone above is still waiting for its numbers (top-aligned layouts)."""
    tokens = text.split()
    if tokens and coded:
        tokens[:1] = unglue_code(tokens[0])
    if len(tokens) == 1 and CODE.match(tokens[0]):
        return _Split(tokens[0], [])  # a 科目编码 on its own line, its name wrapped around it
    numbers: list[str] = []
    while tokens and is_number_token(tokens[-1]):
        numbers.insert(0, tokens.pop())
    if coded and not code_pending and not tokens and len(numbers) > 1 and CODE.match(numbers[0]):
        rest = numbers[1:]
        if after_code or len(numbers) > width or any("." in t for t in rest):
            tokens = [numbers.pop(0)]
    return _Split(" ".join(tokens), numbers)


@lru_cache(maxsize=8192)  # a table's heading lines are printed again on each of its pages
def _is_header_words(text: str, heading_words: str) -> bool:
    """A line of column headings, possibly wrapped mid-word ("一般公共预" / "算").

    ``heading_words``: the cleaned vocabulary one per line (see _heading_words); a token holds no
    line break, so it is part of some word exactly when it is part of the joined text."""
    tokens = [hdr.clean(t) for t in text.split()]
    return bool(tokens) and all(t in heading_words for t in tokens)


@lru_cache(maxsize=256)  # one per table kind and title: the same string object for every page
def _heading_words(vocabulary: tuple[str, ...]) -> str:
    return "\n".join(hdr.clean(w) for w in vocabulary)


def _made_of_headings(label: str, vocabulary: list[str]) -> bool:
    """``label`` is two or more column headings run together, and nothing else."""
    words = {w for w in (compact(hdr.clean(v)) for v in vocabulary) if len(w) >= 2}
    text = compact(hdr.clean(label))
    if not text:
        return False
    fewest: list[int | None] = [0] + [None] * len(text)  # fewest words that spell text[:i]
    for i in range(1, len(text) + 1):
        options = [fewest[j] for j in range(i) if fewest[j] is not None and text[j:i] in words]
        fewest[i] = min(options) + 1 if options else None
    spelled = fewest[len(text)]
    return spelled is not None and spelled >= 2


def _looks_like_description(text: str) -> bool:
    """Project names wrap in a narrow column; descriptions run longer and read as sentences."""
    return len(compact(text)) > 10 or bool(re.search(r"[，。；：,;:]", text))


def _is_sentence(text: str) -> bool:
    """A remark printed under or inside a table: a clause with sentence punctuation, not a row name."""
    return len(compact(text)) > 15 and bool(re.search(r"[，。；]|[:：]$", text))


def _is_name_piece(split: _Split) -> bool:
    """A line holding only a piece of a row's name: no code, no numbers, not a total or a heading."""
    if split.numbers or split.code or not split.label:
        return False
    key = compact(split.label)
    return not is_total_label(key) and not ENUMERATED.match(key)


def _codes_between_names(splits: list[_Split | None]) -> None:
    """A run of whole numbers between two pieces of a name starts with the row's code, whatever its
    amounts look like ("社会保障和就" / "208 7547500 7547500" / "业支出" in a table in 元)."""
    shown = [k for k, s in enumerate(splits) if s is not None]
    for before, k, after in zip(shown, shown[1:], shown[2:], strict=False):
        s = splits[k]
        assert s is not None
        if not s.label and len(s.numbers) > 1 and CODE.match(s.numbers[0]) \
                and _is_name_piece(splits[before]) and _is_name_piece(splits[after]):  # type: ignore[arg-type]
            splits[k] = _Split(s.numbers[0], s.numbers[1:])


def _is_stray(pending: PendingRow) -> bool:
    """Numbers without a code in a coded table, under no name or a piece of one: a cell printed
    a little above or below its row's line."""
    if pending.code or not pending.numbers or pending.role is not None or is_total_label(pending.label):
        return False
    key = compact(pending.label)
    return not key or len(key) <= 12 and not ENUMERATED.match(key)


def _rejoin_strays(pendings: list[PendingRow], width: int, ids, unit: str) -> bool:
    """Give stray numbers back to the coded row next to them whose sums they complete.

    The row before is tried first (a cell printed below its line), then the row after; the stray
    numbers may belong anywhere among the row's own. Returns False when a stray without a name fits
    no row: its table cannot be read."""
    k = 0
    while k < len(pendings):
        stray = pendings[k]
        if not _is_stray(stray):
            k += 1
            continue
        fits: list[tuple[bool, int, list[Printed]]] = []  # (the row was complete without it, row, numbers)
        for target in (k - 1, k + 1):
            if not 0 <= target < len(pendings) or not pendings[target].code:
                continue
            own = pendings[target].numbers
            for at in range(len(own) + 1):
                numbers = own[:at] + stray.numbers + own[at:]
                if len(numbers) <= width and _adds_up(numbers, width, ids, unit):
                    fits.append((_adds_up(own, width, ids, unit), target, numbers))
                    break
        # a row that does not add up without the stray numbers takes them; a row already complete
        # only when no other could
        needing = [f for f in fits if not f[0]]
        chosen = needing if needing else fits
        if len(chosen) == 1:
            _, target, numbers = chosen[0]
            pendings[target].numbers = numbers
            if stray.label:
                pendings[target].label += compact(stray.label)
            del pendings[k]
            continue
        if not stray.label and all(_is_page_number(p.text) for p in stray.numbers):
            del pendings[k]  # a page number at a page break inside the table
            continue
        if not stray.label:
            return False
        k += 1
    return True


def _is_page_number(text: str) -> bool:
    return bool(re.fullmatch(r"\d{1,3}", text.strip()))


def _adds_up(numbers: list[Printed], width: int, ids, unit: str) -> bool:
    amounts = [a for a in (to_amount(p.text, unit) for p in numbers) if a is not None]
    return bool(amounts) and bool(valid_placements(amounts, width, ids))


def _centred(splits: list[_Split | None]) -> bool:
    """Names centred on their code: some code line with amounts but no name between two name pieces."""
    shown = [s for s in splits if s is not None]
    for k in range(1, len(shown) - 1):
        s = shown[k]
        if s.code and s.numbers and not s.name and _is_name_piece(shown[k - 1]) and _is_name_piece(shown[k + 1]):
            return True
    return False


def scrambled(lines: list[Line]) -> bool:
    """Text extracted column by column: a labelled table whose numbers come in runs of their own.

    Lines holding nothing but numbers follow one another, and labels come again after them, so no
    number can be tied to its row (pdfminer's reading of ruled tables). A table printed in one
    row (表7 三公) lists its numbers after its headings only, and stays readable."""
    stacked = labelled = 0
    previous_numbers = seen_numbers = label_after_numbers = False
    for line in lines:
        text = line.text.strip()
        if not text or NOTE.match(text):
            continue
        numbers_only, has_amount = _numbers_of(text)
        if numbers_only:
            stacked += previous_numbers
            seen_numbers = True
        else:
            labelled += has_amount
            label_after_numbers = label_after_numbers or seen_numbers
        previous_numbers = numbers_only
    return stacked >= 3 and label_after_numbers and 2 * stacked >= labelled


@lru_cache(maxsize=8192)  # a table's header and its recurring rows are printed on every page
def _numbers_of(text: str) -> tuple[bool, bool]:
    """Whether a (non-blank) line holds numbers only, and whether it holds an amount (a number
    that is no code)."""
    tokens = text.split()
    # a code before its amounts ("208 754.75 754.75") is a row, not a run of numbers
    coded_row = bool(CODE.match(tokens[0])) and (len(tokens) == 1 or any("." in t for t in tokens[1:]))
    numbers_only = all(is_number_token(t) for t in tokens) and not coded_row
    has_amount = any(is_number_token(t) and not CODE.match(t) for t in tokens)
    return numbers_only, has_amount


def _name_width(splits: list[_Split | None]) -> int:
    """The name column's width in characters: its longest line from the first row on (headings excluded)."""
    first = next((k for k, s in enumerate(splits) if s is not None and s.code), len(splits))
    widths = [len(compact(s.name)) for s in splits[max(first - 1, 0):]
              if s is not None and (s.code or _is_name_piece(s))]
    return max(widths, default=0)


def _template(spec: TableSpec, splits: list[_Split | None]) -> tuple[tuple[str, ...], ...]:
    """The catalogue's columns, or the narrowest printed variant wide enough for the longest row."""
    widest = run = 0
    for s in splits:
        if s is None:
            continue
        # numbers printed one per line (pdfminer) belong to one row until a label comes
        run = run + len(s.numbers) if s.numbers and not s.label else len(s.numbers)
        widest = max(widest, run)
    if widest <= len(spec.columns) or not spec.variants:
        return spec.columns
    wide = [v for v in spec.variants if len(v) >= widest]
    return min(wide, key=len) if wide else spec.columns


def _tail_length(last: tuple[PendingRow, int, int], orphans: list[Line], width: int,
                 known_names: dict[str, str]) -> int:
    """How many of the name pieces after a centred row end its name (the rest start the next row's).

    The name the document prints for the code elsewhere decides; otherwise a row whose name's last
    line is narrower than the column is complete, and a wrapped one has as many lines below its code
    line as above it."""
    pending, above, tail = last
    so_far = compact(pending.label)
    known = known_names.get(pending.code or "")
    if known and known.startswith(so_far):
        acc = so_far
        for k, line in enumerate([None, *orphans]):
            if line is not None:
                acc += compact(line.text)
            if acc == known:
                return k
            if not known.startswith(acc):
                break
    if tail < width:
        return 0
    return min(len(orphans), above)


def parse_space(spec: TableSpec, table: Table, lines: list[Line], unit: str,
                known_names: dict[str, str] | None = None) -> list[list[tuple[int, ...]]]:
    """Fill ``table`` from a space layout: rows rebuilt from codes, wrapped names and number runs.

    ``known_names`` are the 科目 names other tables of the document print for a code (without
    spaces): where a centred name could end in either of two places, the one that spells the name
    the document uses elsewhere wins. Returns each row's valid placements, settled once the
    table's pages are joined."""
    known_names = known_names or {}
    coded = any(hdr.is_code_header(hdr.clean(t)) for t in spec.text)
    texts = [line.text.strip() for line in lines]
    splits: list[_Split | None] = []
    seen_code = code_pending = False
    for text in texts:
        if not text or ILLEGIBLE in text or NOTE.match(text):
            splits.append(None)
            continue
        split = split_numbers(text, coded, len(spec.columns), seen_code, code_pending)
        seen_code = seen_code or split.code is not None
        if split.numbers:
            code_pending = False
        if split.code and not split.numbers:
            code_pending = True
        splits.append(split)
    if coded:
        _codes_between_names(splits)
    columns = list(_template(spec, splits))
    table.columns = [Column(path=p) for p in columns]
    table.layout = "space"
    ids = identities(columns)
    has_description = "项目内容" in spec.text and any("项目内容" in compact(line.text) for line in lines[:40])
    centred = coded and not has_description and _centred(splits)
    width = _name_width(splits)
    own_words = [name for path in columns for name in path] + list(spec.text) + ["科目编码", "科目名称"]
    printed_words = [name for variant in spec.variants for path in variant for name in path]
    vocabulary = own_words + printed_words + sorted(hdr.vocabulary()["text"]) + sorted(hdr.TOTAL_SYNONYMS) \
        + sorted(hdr.GROUP_HEADINGS) + ["功能分类", "经济分类", table.title]
    heading_words = _heading_words(tuple(vocabulary))
    pendings: list[PendingRow] = []
    name_parts: list[Line] = []
    desc_parts: list[Line] = []
    orphans: list[Line] = []  # name pieces between two rows: the last one's tail, the next one's head
    code: str | None = None
    code_line: Line | None = None
    above = 0  # name lines printed above the pending row's code line
    last: tuple[PendingRow, int, int] | None = None  # the last complete row, its name lines above it,
    # and the length of its name's last line so far (a line narrower than the column ends the name)
    started = False
    total_heading = ""  # a lone 合计 taken for a heading: the label of the first numbers, if bare
    previous_numbers_only = False
    last_used = None

    def piece(line: Line, text: str) -> Line:
        return Line(line.number, text, text, line.page)

    def resolve(next_row: bool) -> list[Line]:
        """Share the orphan name pieces out: the tail of the last row, the rest the next row's head."""
        nonlocal orphans
        if last is None:
            take = 0
        elif centred and next_row:
            take = _tail_length(last, orphans, width, known_names)
        else:
            take = len(orphans)
        tails, heads = orphans[:take], orphans[take:]
        if tails and last is not None:
            last[0].label += "".join(compact(p.text) for p in tails)
        orphans = []
        return heads

    def flush(numbers: list[str], line: Line) -> None:
        nonlocal code, code_line, name_parts, desc_parts, last, above
        label = "".join(compact(p.text) for p in name_parts)
        first = code_line or (name_parts[0] if name_parts else line)
        pending = PendingRow(label=label, line=first, code=code,
                             numbers=[Printed(text=t, line=line) for t in numbers])
        if has_description:
            if desc_parts:
                pending.texts["项目名称"] = label
                pending.texts["项目内容"] = "".join(compact(p.text) for p in desc_parts)
            elif not is_total_label(label):
                pending.role = "unit"
        pendings.append(pending)
        tail = len(compact(name_parts[-1].text)) if name_parts else 0
        last = None if is_total_label(label) else (pending, above, tail)
        code, code_line, name_parts, desc_parts, above = None, None, [], [], 0

    for line, text, split in zip(lines, texts, splits, strict=True):
        if ILLEGIBLE in text:
            table.status = "illegible"
            last_used = line
            continue
        if not text:
            continue
        if split is None:  # a note
            if EMPTY_NOTE.search(text):
                table.empty_note = True
            last_used = line
            continue
        label, numbers = split.label, split.numbers
        if not numbers and not has_description and _is_sentence(label):
            if EMPTY_NOTE.search(text):
                table.empty_note = True  # "无…收入支出的，仍保留该表格式…": a remark, not a row
            last_used = line
            continue
        if not started:
            # A lone 合计 is a heading only where one of the table's columns is named so; elsewhere
            # it is the total row (of an empty table, or with its numbers on the next line).
            lone_total = is_total_label(compact(label))
            if lone_total:
                heading = hdr.clean(label) in {hdr.clean(w) for w in own_words}
            else:
                heading = _is_header_words(label, heading_words)
            if is_preamble(text) or heading and not numbers:
                total_heading = label if lone_total and not numbers else total_heading
                continue
            started = True
            if total_heading and not label and numbers and coded:
                label = total_heading  # "合计" over its numbers, read as a heading of the 合计 column
        elif not numbers and len(label.split()) >= 2 and _is_header_words(label, heading_words) \
                and not is_total_label(compact(label)):  # "合  计" letter-spaced is the total row
            continue  # the heading printed again at the top of the next page
        if not label and numbers == ["0"] and not name_parts and code is None and not orphans:
            continue  # a stray "0" that extraction leaves between rows
        stacked = not label and previous_numbers_only and code is None and not name_parts and not orphans
        previous_numbers_only = bool(numbers) and not label
        last_used = line
        if stacked and pendings:
            # the row's next number, printed on a line of its own (pdfminer's one-row tables)
            pendings[-1].numbers.extend(Printed(text=t, line=line) for t in numbers)
            continue
        if split.code:
            heads = resolve(next_row=True)
            if code is not None or name_parts:
                flush([], line)
            code, code_line = split.code, line
            above = len(heads)
            name_parts = heads + ([piece(line, split.name)] if split.name else [])
            if numbers:
                flush(numbers, line)
            continue
        if label:
            total = is_total_label(compact(label))
            if total:
                resolve(next_row=False)
                if code is not None or name_parts:
                    flush([], line)
            elif code is None and not name_parts and coded and not has_description and not numbers \
                    and _is_name_piece(split) and (centred or last is not None):
                orphans.append(piece(line, label))
                continue
            elif code is None and not name_parts and orphans:
                heads = resolve(next_row=True)
                above = len(heads)
                name_parts = heads
            if has_description and name_parts and (desc_parts or _looks_like_description(label)):
                desc_parts.append(line)
            else:
                name_parts.append(piece(line, label))
        elif numbers and code is None and not name_parts and orphans:
            name_parts = resolve(next_row=True)
        if numbers:
            flush(numbers, line)
    resolve(next_row=False)
    if code is not None or name_parts:
        flush([], lines[-1])
    # Column headings reprinted at a page top and joined into a "name" (科目编码科目名称项目支出…)
    # are no row: nothing but heading words, no code and no numbers.
    pendings = [p for p in pendings if p.numbers or p.code or not _made_of_headings(p.label, vocabulary)]
    if coded and not _rejoin_strays(pendings, len(columns), ids, unit):
        table.status = "illegible"  # numbers printed off their rows that no row can take
        pendings = []
    rows: list[Row] = []
    alternatives: list[list[tuple[int, ...]]] = []
    for pending in pendings:
        if _units_only(spec) and not is_total_label(pending.label):
            pending.role = "unit"
        row, alts = build_row(pending, len(columns), ids, unit, positional=False)
        rows.append(row)
        alternatives.append(alts)
    _single_row_is_total(rows)
    if "单位名称" in spec.text and not has_description and not _units_only(spec) \
            and not any(r.code for r in rows):
        infer_subtotals(rows)  # units, groups and projects are told apart by their sums only
    table.rows.extend(rows)
    if last_used is not None:
        table.last_line = max(table.last_line, last_used.number)
    return alternatives
