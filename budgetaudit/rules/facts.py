"""Named facts of one document: tables by kind, rows by selector, cells as arithmetic terms.

References in rules are compiled against the schema when a pack loads (``CellRef``/``ColumnRef``)
and resolved here against a recognised Document. Anything that cannot be found resolves to None,
and the rule that needed it is skipped: absent inputs never fail a rule.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources

import yaml

from ..model import Document, Location, Row, Table
from . import schema
from .arith import Term, amount_term, blank_term
from .expr import Ref, RowAlt, RowSelector, lookup_key, parse_selector


class RefError(ValueError):
    """A reference that does not fit the schema (unknown table, column or side)."""


@dataclass(frozen=True)
class CellRef:
    """One figure: a row of a table, at a column (None: the row's default column)."""

    table: str | None  # None: the table the rule is running on
    row: RowSelector
    column: tuple[str, ...] | None
    optional: bool
    text: str


@dataclass(frozen=True)
class ColumnRef:
    """A column of the current row (``each_row`` rules)."""

    column: tuple[str, ...]
    optional: bool
    text: str


def compile_cell_ref(ref: Ref, scope: str | None) -> CellRef:
    """``表[行].列``, ``表.行``, ``[行].列`` or ``行`` (in a table rule) → CellRef."""
    parts = list(ref.parts)
    table = None
    if isinstance(parts[0], str) and schema.kind(parts[0]) is not None:
        table = parts.pop(0)
    if not parts:
        raise RefError(f'"{ref.text}" names a table but no row')
    kind_name = table or scope
    if kind_name is None:
        raise RefError(f'"{ref.text}": unknown table "{ref.parts[0]}"')
    ks = schema.kind(kind_name)
    if ks is None:
        raise RefError(f'unknown table "{kind_name}"')
    head = parts.pop(0)
    row = head if isinstance(head, RowSelector) else parse_selector(head)
    if row.side is not None and ks.sides and row.side not in ks.sides:
        raise RefError(f'unknown side "{row.side}" in {ks.kind} (sides: {", ".join(ks.sides)})')
    if any(isinstance(p, RowSelector) for p in parts):
        raise RefError(f'"{ref.text}": only one [row] per reference')
    column = None
    if parts:
        try:
            column = schema.resolve_column(ks, tuple(parts))  # type: ignore[arg-type]
        except schema.ColumnError as exc:
            raise RefError(str(exc)) from None
    return CellRef(table, row, column, ref.optional, ref.text)


def compile_column_ref(ref: Ref, scope: str) -> ColumnRef:
    ks = schema.kind(scope)
    if ks is None:
        raise RefError(f'unknown table "{scope}"')
    if any(not isinstance(p, str) for p in ref.parts):
        raise RefError(f'"{ref.text}": each_row identities name columns, not [rows]')
    try:
        column = schema.resolve_column(ks, tuple(ref.parts))  # type: ignore[arg-type]
    except schema.ColumnError as exc:
        raise RefError(str(exc)) from None
    return ColumnRef(column, ref.optional, ref.text)


def column_label(path: tuple[str, ...]) -> str:
    return ".".join(path)


def row_label(row: Row) -> str:
    """How messages name a row: its code and label as printed."""
    name = row.name or row.texts.get("项目名称", "") or row.key
    if row.code and not name.startswith(row.code):
        return f"{row.code} {name}".strip()
    return name or "（无名称行）"



@cache
def row_synonyms() -> dict[str, tuple[str, ...]]:
    """data/rows.yaml: the names other templates print for a row a rule names (收入总计 → 收入合计)."""
    raw = yaml.safe_load(resources.files("budgetaudit.data").joinpath("rows.yaml").read_text("utf-8")) or {}
    return {key: tuple(names) for key, names in raw.items()}

class Facts:
    """Lookups over one document, cached for the whole audit."""

    def __init__(self, doc: Document, misread: list | None = None, disclosure: bool = True,
                 slips: list | None = None):
        self.doc = doc
        self.misread = misread or []  # reading.Misread: tables not reliably read, absent to every rule
        self.slips = slips or []  # scale.UnitSlip: tables read in another unit than their unit line says
        self.disclosure = disclosure  # False: the file is no 预算/决算 disclosure at all
        # Row names each rule looked up, by whether a printed table had them ("表[行]"): a name no
        # document prints is a rule that never fires (a misspelt key in a user's pack).
        self.rule_id: str | None = None
        self.rows_found: dict[str, set[str]] = {}
        self.rows_missed: dict[str, set[str]] = {}
        self._hidden = {id(m.table) for m in self.misread}
        self._terms: dict[tuple, Term] = {}  # a cell is read by many rules: build its Term once
        self._cells: dict[int, dict] = {}
        self.memo: dict[str, object] = {}  # what a rule kind works out once per audit, by the kind's key
        self._row_indexes: dict[tuple[int, str | None], tuple[list[Row], dict[str, Row], dict[str, Row]]] = {}

    # -------------------------------------------------------------- tables

    @cached_property
    def _by_kind(self) -> dict[str, list[Table]]:
        out: dict[str, list[Table]] = {}
        for t in self.doc.tables:
            if t.status == "ok" and t.rows and id(t) not in self._hidden:
                out.setdefault(t.kind, []).append(t)
        return out

    def tables(self, kind: str) -> list[Table]:
        """Usable tables of a kind; empty, illegible and misread tables count as absent."""
        return self._by_kind.get(kind, [])

    # -------------------------------------------------------------- precision

    @cached_property
    def _decimals_by_unit(self) -> dict[str, Counter[int]]:
        # (unit, decimals) counted in one pass, then split by unit: each unit's counts keep the
        # order their precisions were first seen in (most_common breaks ties by it)
        pairs = Counter((c.amount.unit, c.amount.decimals)
                        for tables in self._by_kind.values() for t in tables for r in t.rows for c in r.cells
                        if c.amount is not None and not c.amount.percent)
        counts: dict[str, Counter[int]] = {}
        for (unit, decimals), n in pairs.items():
            counts.setdefault(unit, Counter())[decimals] = n
        return counts

    @cached_property
    def _usual_decimals(self) -> dict[str, int]:
        return {unit: counts.most_common(1)[0][0] for unit, counts in self._decimals_by_unit.items() if counts}

    def usual_decimals(self, unit: str = "万元") -> int | None:
        """The precision most amounts printed in ``unit`` are printed with (元 tables print whole
        元, 万元 tables two decimals: each unit has its own usual precision)."""
        return self._usual_decimals.get(unit)

    def truncated(self, decimals: int, unit: str = "万元") -> bool:
        """Printed with fewer (but some) decimals than usual: the last digit may have been cut."""
        usual = self.usual_decimals(unit)
        return usual is not None and 0 < decimals < usual

    @cached_property
    def _total_values(self) -> list[tuple[Table, set]]:
        out = []
        for tables in self._by_kind.values():
            for t in tables:
                values = set()
                for r in t.rows:
                    if r.role in ("total", "unit") or (r.key or "").endswith(("合计", "总计")):
                        values.update(c.amount.value for c in r.cells if c.amount is not None)
                out.append((t, values))
        return out

    def corroborated(self, value, table: Table) -> bool:
        """Whether another table prints ``value`` in a total or unit row (the figure is confirmed)."""
        return any(value in values for t, values in self._total_values if t is not table and t.kind != table.kind)

    # -------------------------------------------------------------- rows

    def find_rows(self, table: Table, sel: RowSelector) -> list[Row]:
        """The rows a selector names: the first match of the first alternative that matches
        (every match for a ``*`` pattern)."""
        rows, first_by_code, first_by_key = self._row_index(table, sel.side)
        for alt in sel.alts:
            candidates = rows
            if alt.after is not None:
                anchor = next((i for i, r in enumerate(rows) if alt.after.matches(r)), None)
                if anchor is None:
                    continue
                candidates = rows[anchor + 1:]
            if alt.is_glob:
                hits = [r for r in candidates if alt.matches(r)]
                if hits:
                    return hits
                continue
            # a code or a plain name (RowAlt.matches in that order) is looked up, not scanned for
            if alt.after is None and alt.code is not None:
                hit = first_by_code.get(alt.code)
            elif alt.after is None and alt.role != "total" and alt.key is not None:
                hit = first_by_key.get(alt.key)
            else:
                hit = next((r for r in candidates if alt.matches(r)), None)
            if hit is not None:
                return [hit]
            if alt.role == "total" and len(candidates) == 1 and alt.after is None:
                return [candidates[0]]  # a one-row table (三公 表7) is its own total
        for alt in sel.alts:  # no row of the template's name: the names other templates print
            if alt.key is None or alt.is_glob or alt.after is not None:
                continue
            for key in row_synonyms().get(alt.key, ()):
                if "*" in key:
                    hit = next((r for r in rows if RowAlt(key=key).matches(r)), None)
                else:
                    hit = first_by_key.get(key)
                if hit is not None:
                    return [hit]
        return []

    def _row_index(self, table: Table, side: str | None) -> tuple[list[Row], dict[str, Row], dict[str, Row]]:
        """The table's rows on ``side`` (all for None), and the first of them with each code and
        each lookup key: rules name the same tables' rows over and over."""
        index = self._row_indexes.get((id(table), side))
        if index is None:
            rows = [r for r in table.rows if side is None or r.side == side]
            first_by_code: dict[str, Row] = {}
            first_by_key: dict[str, Row] = {}
            for r in rows:
                if r.code is not None:
                    first_by_code.setdefault(r.code, r)
                first_by_key.setdefault(lookup_key(r), r)
            index = self._row_indexes[(id(table), side)] = (rows, first_by_code, first_by_key)
        return index

    # -------------------------------------------------------------- cells

    def column_index(self, table: Table, row: Row, path: tuple[str, ...] | None) -> int | None:
        """The column a row's figure sits in; the row's side's first column by default."""
        if path is None:
            for i, col in enumerate(table.columns):
                if row.side is not None and col.side == row.side:
                    return i
            return 0 if table.columns else None
        if row.side is not None and any(c.side == row.side for c in table.columns):
            return table.column_index(path, row.side)  # never borrow the other side's column
        return table.column_index(path)

    def cells_of(self, row: Row) -> dict:
        """The row's printed cells by column index (blank and nil cells left out)."""
        cells = self._cells.get(id(row))
        if cells is None:
            cells = self._cells[id(row)] = {c.column: c for c in row.cells if c.amount is not None}
        return cells

    def printed(self, row: Row, col: int | None) -> bool:
        return col is not None and col in self.cells_of(row)

    def value(self, row: Row, col: int | None):
        """The cell's value in 万元 (0 when blank): for quick exact checks before building terms."""
        cell = self.cells_of(row).get(col) if col is not None else None
        return cell.amount.value if cell is not None else 0

    def term(self, table: Table, row: Row, col: int, label: str) -> Term:
        """The term of one cell; a blank cell is an exact 0 located on its row's line."""
        key = (id(table), id(row), col, label)
        cached = self._terms.get(key)
        if cached is None:
            cached = self._terms[key] = self._term(table, row, col, label)
        return cached

    def _term(self, table: Table, row: Row, col: int, label: str) -> Term:
        column = table.columns[col] if col < len(table.columns) else None
        cell = row.cell(col)
        loc = Location(
            line=cell.line if cell else row.line,
            page=cell.page if cell else row.page,
            table=table.kind,
            row=row_label(row),
            column=column_label(column.path) if column else None,
            box=cell.box if cell else None,
            sheet=cell.sheet if cell else None,
            cell=cell.ref if cell else None,
        )
        if cell is None or cell.amount is None:
            return blank_term(label, loc)
        amount = cell.amount
        return amount_term(amount, label, loc, truncated=self.truncated(amount.decimals, amount.unit))

    def cell_terms(self, ref: CellRef, here: Table | None, column: tuple[str, ...] | None = None,
                   label: str | None = None) -> list[Term] | None:
        """The terms a CellRef stands for (several for a ``*`` row pattern); None when absent.

        ``here`` is the table the rule runs on; ``column`` replaces a missing column (each_column).
        """
        if ref.table is None or (here is not None and ref.table == here.kind):
            candidates = [here] if here is not None else []
        else:
            candidates = self.tables(ref.table)
        path = ref.column or column
        if path is not None and any("{year}" in p for p in path):
            if self.doc.year is None:
                return None
            path = tuple(p.replace("{year}", str(self.doc.year)) for p in path)
        gathered: list[Term] = []
        for table in candidates:
            rows = self.find_rows(table, ref.row)
            if self.rule_id is not None and not ref.row.is_glob:
                seen = self.rows_found if rows else self.rows_missed
                seen.setdefault(self.rule_id, set()).add(f"{table.kind}[{ref.row}]")
            if not rows:
                continue
            out = []
            for row in rows:
                idx = self.column_index(table, row, path)
                if idx is None:
                    break
                name = label or self.describe(ref, table, here, row, path)
                out.append(self.term(table, row, idx, name))
            else:
                if not ref.row.is_glob:
                    return out
                gathered.extend(out)  # a pattern sums its rows over every table of the kind
        return gathered or None

    def describe(self, ref: CellRef, table: Table, here: Table | None, row: Row,
                 path: tuple[str, ...] | None) -> str:
        """``收入总计`` in its own table; ``支出预算总表·合计·基本支出.小计`` across tables."""
        bits = []
        if here is None or table is not here:
            bits.append(table.kind)
        name = row_label(row) if row.code else (row.key or row.name)
        if name:
            bits.append(name)
        if ref.column is not None and path is not None:
            bits.append(column_label(path))  # as resolved ({year} filled in)
        return "·".join(bits) or table.kind

    @staticmethod
    def _paths(table: Table) -> list[tuple[str, ...]]:
        seen: list[tuple[str, ...]] = []
        for c in table.columns:
            if c.path not in seen:
                seen.append(c.path)
        return seen

    def column_paths(self, table: Table) -> list[tuple[str, ...]]:
        """Distinct column paths of a table, in print order."""
        return self._paths(table)
