"""`budgetaudit tables`: what was recognised, as rich text, JSON (a documented contract) or CSV."""

from __future__ import annotations

import csv
import io
import json

from ..model import Document, Table


def _value(amount) -> str | None:
    if amount is None:
        return None
    return str(amount.printed) if not amount.percent else str(amount.value)


def to_dict(doc: Document) -> dict:
    return {
        "path": doc.path,
        "kind": doc.kind,
        "year": doc.year,
        "entity": doc.entity,
        "toc": [{"title": e.title, "line": e.line, "kind": e.kind} for e in doc.toc],
        "tables": [_table_dict(t) for t in doc.tables],
    }


def _table_dict(table: Table) -> dict:
    out = {
        "number": table.number,
        "kind": table.kind,
        "title": table.title,
        "unit": table.unit,
        "status": table.status,
        "lines": [table.first_line, table.last_line],
        "pages": table.pages,
        "columns": [
            ([col.side] if col.side else []) + list(col.path) for col in table.columns
        ],
        "rows": [
            {
                "code": row.code,
                "name": row.name,
                "level": row.level,
                "role": row.role,
                "side": row.side,
                "line": row.line,
                "page": row.page,
                "texts": row.texts or None,
                "cells": [
                    {
                        "column": list(table.columns[c.column].path) if c.column < len(table.columns) else [],
                        "value": _value(c.amount),
                        "decimals": c.amount.decimals if c.amount else None,
                        "line": c.line,
                        "page": c.page,
                    }
                    for c in row.cells
                ],
            }
            for row in table.rows
        ],
    }
    if table.sheet:  # a workbook's table: its sheet, and each cell's reference
        out["sheet"] = table.sheet
        for row, entry in zip(table.rows, out["rows"], strict=True):
            for c, cell in zip(row.cells, entry["cells"], strict=True):
                cell["cell"] = c.ref
    return out


def to_json(doc: Document) -> str:
    return json.dumps(to_dict(doc), ensure_ascii=False, indent=1) + "\n"


def to_csv(doc: Document) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["table", "number", "line", "code", "name", "side", "column", "value", "decimals", "cell_line", "page"])
    for table in doc.tables:
        for row in table.rows:
            for c in row.cells:
                col = table.columns[c.column]
                writer.writerow([table.kind, table.number or "", row.line, row.code or "", row.name,
                                 row.side or "", ".".join(col.path), _value(c.amount) or "",
                                 c.amount.decimals if c.amount else "", c.line, c.page or ""])
    return buf.getvalue()


def _render(doc: Document, console) -> None:
    from rich.table import Table as RichTable
    from rich.text import Text

    head = f"{doc.path}  {doc.kind or '?'} {doc.year or ''} {doc.entity or ''}  ({len(doc.tables)} tables)"
    console.print(Text(head, style="bold"))
    if doc.toc:
        listed = [e.kind for e in doc.toc if e.kind]
        console.print(f"目录: {len(doc.toc)} entries, {len(listed)} tables listed")
    for table in doc.tables:
        where = f"lines {table.first_line}–{table.last_line}"
        if table.sheet:
            where = f"sheet “{table.sheet}”"
        elif table.pages:
            where += f", pages {table.pages[0]}–{table.pages[-1]}"
        title = f"{table.number or ''} {table.kind}  [{table.status}]  {table.unit}  {where}"
        if table.status != "ok" or not table.rows:
            console.print(Text(title, style="yellow"))
            continue
        # Columns no row fills are left out so that wide tables stay readable.
        shown = [i for i in range(len(table.columns)) if any(r.cell(i) for r in table.rows)]
        hidden = len(table.columns) - len(shown)
        if hidden:
            title += f"  ({hidden} empty columns not shown)"
        grid = RichTable(title=title, title_justify="left", show_lines=False, header_style="bold")
        grid.add_column("row" if table.sheet else "line", justify="right", style="dim")
        grid.add_column("code", no_wrap=True)
        grid.add_column("name")
        sided = any(c.side for c in table.columns)
        for i in shown:
            col = table.columns[i]
            label = "\n".join(((col.side,) if sided and col.side else ()) + col.path)
            grid.add_column(label, justify="right", no_wrap=True)
        for row in table.rows:
            values = []
            for i in shown:
                cell = row.cell(i)
                values.append("" if cell is None else ("—" if cell.amount is None else cell.raw))
            line = doc.line(row.line)
            at = line.place.rpartition("!")[2].split(":")[0] if table.sheet and line and line.place else str(row.line)
            grid.add_row(at, row.code or "", row.name, *values)
        console.print(grid)


def print_rich(doc: Document, color: str = "auto") -> None:
    import sys

    from rich.console import Console

    force = {"always": True, "never": False}.get(color)
    width = None if sys.stdout.isatty() else 240
    console = Console(force_terminal=force, no_color=color == "never", width=width)
    _render(doc, console)


def to_plain(doc: Document) -> str:
    from rich.console import Console

    console = Console(file=io.StringIO(), force_terminal=False, no_color=True, width=240)
    _render(doc, console)
    return console.file.getvalue()
