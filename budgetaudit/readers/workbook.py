"""Excel workbooks (.xlsx, .xlsm) as the reader's lines, each field with its sheet and cell.

A department fills a workbook (one sheet a table, sheets of prose for the 情况说明) and prints it
to PDF at the end; reading the workbook itself is exact: no layout to guess. Each visible sheet
becomes lines the way the PDF reader makes them, so the same table recognition, catalogue and rules
apply unchanged:

- a row with two or more filled cells is one line of tab-separated fields, one field per column of
  the sheet's used range (a merged range's text in its top-left cell, its other cells blank, as a
  printed table shows it and as the PDF reader gives it: the header parser spans a heading over the
  columns below it; repeating the text in every merged cell turns merged titles into table rows);
  a line's ``refs`` name each field's cell (``C7``) and its ``sheet``;
- a row with one filled cell is its text, one line per line of the cell (a prose sheet keeps its
  paragraphs in one cell), each with that cell as its only ref;
- a blank row is a blank line; each sheet starts after a blank line; hidden sheets, rows and
  columns are not printed, so not read.

Cells holding formulas are read by their cached values (what Excel or WPS computed when the file
was last saved). A formula without one (a workbook written by a program and never opened) is read
as blank and reported (``Workbook.uncalculated``); each formula's text is kept (``formulas``) so a
finding on its cell can quote it.

Numbers are written as the cell's number format prints them (decimals, thousands separators,
percentages), so tolerances come from printed precision as for a PDF.

Bad files raise ``InputError`` with one line: not a workbook, damaged, encrypted, too large.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ..amounts import normalize
from ..errors import InputError
from ..model import Line
from .regular import read_regular

# Bounds: a district's disclosure workbook is about 100 KB with 20 sheets of a few hundred cells.
MAX_WORKBOOK_BYTES = 64 * 1024**2
MAX_UNCOMPRESSED = 512 * 1024**2  # all parts of the ZIP together, against ZIP bombs
MAX_PARTS = 10_000
MAX_CELLS = 2_000_000  # filled cells in the whole workbook
# The sheets' XML unpacked: openpyxl keeps every cell the XML names (even empty formatted ones) in
# memory, some hundred bytes each; a disclosure's sheets are well under 1 MiB each.
MAX_SHEETS_XML = 64 * 1024**2
MAX_COLUMNS = 256  # used columns of one sheet read as a table (wider sheets are cut there)

SHEET_GAP = 3  # blank lines before each sheet: more than a sentence may run on across (narrative.text)

# What zipfile raises on a damaged container or part (zlib.error for a damaged deflate stream,
# RuntimeError for an encrypted part, NotImplementedError for an unknown compression method).
UNPACKING = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, RuntimeError,
             NotImplementedError, zlib.error)

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class Workbook:
    lines: list[Line]
    formulas: dict[tuple[str, str], str] = field(default_factory=dict)  # (sheet, cell) → "=SUM(C8:C12)"
    # (sheet, [cells]) of formulas without a cached value, sheet by sheet in workbook order
    uncalculated: list[tuple[str, list[str]]] = field(default_factory=list)


def _signature_problem(data: bytes, suffix: str) -> str | None:
    if not data.strip():
        return "the file is empty"
    if data.startswith(OLE):
        if suffix == ".xls":
            return None  # handled by the caller: an old-style workbook
        return ("is encrypted (password-protected) or an old-style .xls under another name: "
                "remove the password or save it as .xlsx in Excel or WPS")
    if not data.startswith(b"PK"):
        if data.lstrip()[:1] == b"<":
            return "is not an Excel workbook (an XML or HTML file under a workbook's name); save it as .xlsx"
        return "is not an Excel workbook (no ZIP container); save it as .xlsx in Excel or WPS"
    return None


def open_zip(data: bytes, path: str, kind: str, required: str) -> zipfile.ZipFile:
    """The ZIP container of an Office file, checked against bombs; InputError otherwise."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except UNPACKING as exc:
        raise InputError(path, f"damaged {kind}: the ZIP container cannot be read ({exc})") from None
    if len(infos) > MAX_PARTS:
        raise InputError(path, f"is not a {kind} of a disclosure: its container holds {len(infos):,} parts")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED:
        raise InputError(path, f"unpacks to {total / 1024**2:,.0f} MiB, too large for a {kind} "
                               f"(the limit is {MAX_UNCOMPRESSED // 1024**2} MiB)")
    names = {i.filename for i in infos}
    if required not in names:
        if "EncryptedPackage" in names:
            raise InputError(path, f"is an encrypted {kind}: remove the password and save it again")
        raise InputError(path, f"is a ZIP archive but not a {kind} (no {required})")
    try:
        bad = archive.testzip() if total <= 64 * 1024**2 else None
    except UNPACKING as exc:
        raise InputError(path, f"damaged {kind}: its parts cannot be unpacked ({exc})") from None
    if bad is not None:
        raise InputError(path, f"damaged {kind}: part {bad} is corrupt")
    return archive


def read_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: str, kind: str) -> bytes:
    try:
        return archive.read(info)
    except UNPACKING as exc:
        raise InputError(path, f"damaged {kind}: part {info.filename} cannot be unpacked ({exc})") from None


def read_workbook(path: str | Path) -> Workbook:
    name = str(path)
    suffix = Path(path).suffix.lower()
    data = read_regular(path, MAX_WORKBOOK_BYTES, "workbook")
    problem = _signature_problem(data, suffix)
    if suffix == ".xls" and problem is None and data.startswith(OLE):
        raise InputError(name, "is an old-style Excel workbook (.xls), which is not read: "
                               "open it in Excel or WPS and save it as .xlsx")
    if problem is not None:
        raise InputError(name, problem)
    archive = open_zip(data, name, "workbook", "xl/workbook.xml")
    sheets = [i for i in archive.infolist() if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml")]
    unpacked = sum(i.file_size for i in sheets)
    if unpacked > MAX_SHEETS_XML:
        raise InputError(name, f"has sheets of {unpacked / 1024**2:,.0f} MiB unpacked, too large for a workbook "
                               f"of a disclosure (the limit is {MAX_SHEETS_XML // 1024**2} MiB)")
    has_formulas = any(b"<f" in read_part(archive, i, name, "workbook") for i in sheets)
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # unsupported extensions, data validation: not our concern
            values = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
            # the second reading, for the formulas' text, only when a sheet holds any
            formulas = openpyxl.load_workbook(io.BytesIO(data), data_only=False) if has_formulas else None
    except InputError:
        raise
    except MemoryError:
        raise InputError(name, "too large to read as a workbook (out of memory)") from None
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on damaged parts
        raise InputError(name, f"damaged workbook: {_short(exc)}") from None
    return _lines(values, formulas, name)


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:160]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _lines(values, formulas, path: str) -> Workbook:
    book = Workbook(lines=[])
    cells = 0
    for ws in values.worksheets:
        if ws.sheet_state != "visible":
            continue
        fs = formulas[ws.title] if formulas is not None and ws.title in formulas.sheetnames else None
        filled = _filled(ws)
        cells += len(filled)
        if cells > MAX_CELLS:
            raise InputError(path, f"holds more than {MAX_CELLS:,} filled cells, more than a disclosure's workbook")
        missing: list[str] = []
        shown: dict[tuple[int, int], str] = {}
        for (r, c), cell in filled.items():
            value = cell.value
            formula = fs._cells.get((r, c)).value if fs is not None and (r, c) in fs._cells else None
            text = formula_text(formula)
            if text is not None:
                book.formulas[(ws.title, cell.coordinate)] = text
                if value is None:
                    missing.append(cell.coordinate)
                    continue
            shown[(r, c)] = display(value, cell.number_format)
        for (r, c), cell in (fs._cells.items() if fs is not None else ()):
            # a formula cell whose cached value is absent is not among the value sheet's filled cells
            text = formula_text(cell.value)
            if text is not None and (r, c) not in filled and not _hidden(ws, r, c):
                book.formulas[(ws.title, cell.coordinate)] = text
                missing.append(cell.coordinate)
        if missing:
            book.uncalculated.append((ws.title, sorted(missing, key=_order)))
        shown = {k: v for k, v in shown.items() if v.strip()}
        book.lines.extend(_sheet_lines(ws, shown, len(book.lines)))
    if not any(line.text.strip() for line in book.lines):
        raise InputError(path, "the workbook is empty: no visible sheet holds any text or number")
    return book


def _order(ref: str) -> tuple[int, int]:
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    letters, row = coordinate_from_string(ref)
    return row, column_index_from_string(letters)


def formula_text(value) -> str | None:
    """The formula a cell holds as written ("=SUM(C8:C12)"), None for a plain value."""
    if isinstance(value, str):
        return value if value.startswith("=") and len(value) > 1 else None
    text = getattr(value, "text", None)  # ArrayFormula
    if isinstance(text, str):
        return text if text.startswith("=") else "=" + text
    if type(value).__name__ == "DataTableFormula":
        return "=TABLE()"
    return None


def _filled(ws) -> dict[tuple[int, int], object]:
    """The sheet's cells that hold something, not hidden, by (row, column)."""
    out = {}
    for (r, c), cell in ws._cells.items():  # only the cells the file has (not the whole used range)
        if cell.value is None or _hidden(ws, r, c):
            continue
        out[(r, c)] = cell
    return out


def _hidden(ws, r: int, c: int) -> bool:
    dim = ws.row_dimensions.get(r) if hasattr(ws.row_dimensions, "get") else None
    if dim is not None and dim.hidden:
        return True
    return c in _hidden_columns(ws)


def _hidden_columns(ws) -> set[int]:
    cached = getattr(ws, "_budgetaudit_hidden", None)
    if cached is not None:
        return cached
    from openpyxl.utils.cell import column_index_from_string

    hidden: set[int] = set()
    for key, dim in ws.column_dimensions.items():
        if not dim.hidden:
            continue
        low = dim.min or column_index_from_string(key)
        high = dim.max or low
        hidden.update(range(low, min(high, low + 16384) + 1))
    ws._budgetaudit_hidden = hidden
    return hidden


def _sheet_lines(ws, shown: dict[tuple[int, int], str], before: int) -> list[Line]:
    from openpyxl.utils.cell import get_column_letter

    lines: list[Line] = []
    number = before

    def add(text: str, raw: str, refs: tuple[str, ...]) -> None:
        nonlocal number
        number += 1
        lines.append(Line(number=number, text=text, raw=raw, sheet=ws.title, refs=refs))

    for _ in range(SHEET_GAP):  # a sheet starts on a new page: no sentence runs on from the last
        add("", "", ())
    if not shown:
        return lines
    top = min(r for r, _ in shown)
    bottom = max(r for r, _ in shown)
    columns = sorted({c for _, c in shown})
    first, last = columns[0], min(columns[-1], columns[0] + MAX_COLUMNS - 1)
    span = [c for c in range(first, last + 1) if c not in _hidden_columns(ws)]
    by_row: dict[int, dict[int, str]] = {}
    for (r, c), text in shown.items():
        by_row.setdefault(r, {})[c] = text
    grid = {r for r, row in by_row.items() if len(row) > 1 or _bordered(ws, r, next(iter(row)))}
    previous_grid = False
    for r in range(top, bottom + 1):
        row = by_row.get(r)
        if not row:
            # blank rows: one blank line between blocks; none inside a table's grid
            following = next((x for x in range(r + 1, bottom + 1) if x in by_row), None)
            if not (previous_grid and following in grid) and lines[-1].text:
                add("", "", ())
            continue
        previous_grid = r in grid
        if r not in grid:
            (c, text), = row.items()
            ref = f"{get_column_letter(c)}{r}"
            for part in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
                raw = part.rstrip()
                add(normalize(raw).rstrip(" ") if raw.strip() else "", raw, (ref,) if raw.strip() else ())
            continue
        fields = [" ".join(row.get(c, "").split()) for c in span]
        raw = "\t".join(fields)
        text = "\t".join(normalize(f) for f in fields)
        add(text, raw, tuple(f"{get_column_letter(c)}{r}" for c in span))
    return lines


def _bordered(ws, r: int, c: int) -> bool:
    """A cell drawn with a border is a table's cell, even alone on its row (a row of blanks)."""
    border = ws._cells[(r, c)].border
    return any(getattr(getattr(border, side), "style", None) for side in ("left", "right", "top", "bottom"))


# ---------------------------------------------------------------- values as printed

_DECIMALS = re.compile(r"0\.(0+)")


def display(value, number_format: str | None) -> str:
    """A cell's value as its number format prints it (the parts the auditor reads: decimals,
    thousands separators, percent); text as it is."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (datetime, date, time)):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, (int, float, Decimal)):
        return _number(value, number_format or "General")
    return str(value)


def _number(value, fmt: str) -> str:
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        return str(value)
    if not number.is_finite():
        return str(value)
    negative = number < 0
    sections = fmt.split(";")
    section = sections[1] if negative and len(sections) > 1 else sections[0]
    section = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.', "", section)  # literals, colours, padding
    parenthesised = negative and "(" in section
    number = abs(number)
    percent = "%" in section
    if percent:
        number *= 100
    if section.strip().lower() in ("general", "", "@") or not re.search(r"[0#?]", section):
        text = _general(number)  # General: about 10 significant digits, a float's last bits not printed
    else:
        m = _DECIMALS.search(section)
        decimals = len(m.group(1)) if m else 0
        quantized = number.quantize(Decimal(1).scaleb(-decimals))
        grouped = "," in section.split(".")[0]
        text = f"{quantized:,.{decimals}f}" if grouped else f"{quantized:.{decimals}f}"
    if negative and text.strip("0.,%") != "":
        text = f"({text})" if parenthesised else "-" + text
    return text + ("%" if percent else "")


def _general(number: Decimal) -> str:
    if number == number.to_integral() and abs(number) < Decimal("1e15"):
        return str(number.quantize(Decimal(1)))
    rounded = Decimal(format(number, ".10g"))
    text = format(rounded, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
