"""The command line: thin; parses options and calls the layers below."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path

import typer

from . import __version__
from .errors import InputError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Audit Chinese government budget and final-account disclosures (预算/决算公开).",
    context_settings={"help_option_names": ["-h", "--help"]},
)


class TablesFormat(str, Enum):
    text = "text"
    json = "json"
    csv = "csv"


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"budgetaudit: {message}", err=True)
    raise typer.Exit(code)


@app.callback(invoke_without_command=True)
def _root(
    version: bool = typer.Option(False, "--version", help="Print the version and exit."),
) -> None:
    if version:
        typer.echo(f"budgetaudit {__version__}")
        raise typer.Exit(0)


@app.command()
def tables(
    file: Path = typer.Argument(..., help="A .txt/.md or .pdf disclosure document."),
    format: TablesFormat = typer.Option(TablesFormat.text, "--format", "-f", help="text, json or csv."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to FILE instead of stdout."),
    color: str = typer.Option("auto", "--color", help="auto, always or never."),
) -> None:
    """Show the tables recognised in FILE, with their line numbers."""
    from .loader import load_document
    from .report import tables_view

    try:
        doc = load_document(file)
    except InputError as exc:
        _fail(str(exc))
        return
    if format is TablesFormat.json:
        text = tables_view.to_json(doc)
    elif format is TablesFormat.csv:
        text = tables_view.to_csv(doc)
    else:
        if output is None:
            tables_view.print_rich(doc, color=color)
            return
        text = tables_view.to_plain(doc)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("budgetaudit: interrupted", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()
