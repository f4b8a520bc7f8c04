"""The command line: thin; parses options and calls the layers below."""

from __future__ import annotations

import io
import math
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from . import __version__
from .errors import InputError
from .report.output import (
    OutputError,
    StdoutClosed,
    StdoutFailed,
    guard_stdout,
    refuse_inputs,
    silence_stdout,
    write_report,
)

app = typer.Typer(
    add_completion=False,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    help="Audit Chinese government budget and final-account disclosures (预算/决算公开).",
    context_settings={"help_option_names": ["-h", "--help"]},
)


MAX_JOBS = 1024  # more workers than any machine has CPUs for is a typo, not a wish
MAX_TIMEOUT = 7 * 24 * 3600.0  # a week per file
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: what a shell reports for a command whose reader stopped reading


class TablesFormat(str, Enum):
    text = "text"
    json = "json"
    csv = "csv"


class PdfReader(str, Enum):
    pdfium = "pdfium"
    pdfplumber = "pdfplumber"


def _use_pdf_reader(reader: PdfReader | None) -> None:
    """The reader for PDFs, for this process and the workers it starts (they inherit the environment)."""
    if reader is not None:
        from .readers.pdf import READER_ENV

        os.environ[READER_ENV] = reader.value


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"budgetaudit: {message}", err=True)
    raise typer.Exit(code)


def _check_output(output: Path | None, inputs: list[str] | None = None) -> None:
    """Before any work: a report path that cannot be written is bad usage (exit 2), not a traceback,
    and a report path that is one of the inputs (by identity: links too) is refused."""
    if output is None:
        return
    if not str(output).strip():
        _fail('--output "": an empty path names no file')
    try:
        if output.is_dir():
            _fail(f"{output}: is a folder; --output needs a file name")
        if not output.parent.is_dir():
            _fail(f"{output}: cannot write the report (no folder {output.parent})")
    except OSError as exc:
        _fail(f"{output}: cannot write the report ({exc.strerror or exc})")
    try:
        refuse_inputs(output, inputs or [])
    except OutputError as exc:
        _fail(str(exc))


def _write(output: Path, text: str) -> None:
    try:
        write_report(output, text)
    except OutputError as exc:
        _fail(str(exc))


def _finite_seconds(value: float) -> float:
    if not math.isfinite(value):
        raise typer.BadParameter(f"{value} is not a number of seconds")
    return value


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
    pdf_reader: PdfReader | None = typer.Option(None, "--pdf-reader", help="pdfium (default) or pdfplumber (the older, slower reader)."),
) -> None:
    """Show the tables recognised in FILE, with their line numbers."""
    from .loader import load_document
    from .report import tables_view

    _use_pdf_reader(pdf_reader)

    if not str(file).strip():
        _fail('an empty path ("") names no file')
    _check_output(output, [str(file)])
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
        _write(output, text)



# ---------------------------------------------------------------- check, rules, explain


class CheckFormat(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    junit = "junit"
    github = "github"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"


class ColorMode(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


def _split_ids(values: list[str] | None) -> list[str]:
    return [part.strip() for v in values or [] for part in v.split(",") if part.strip()]


def _load_rules(extra: list[Path] | None):
    from .errors import RulePackError
    from .rules import load_rules

    try:
        return load_rules([str(p) for p in extra or []])
    except RulePackError as exc:
        _fail(str(exc))


@app.command()
def check(
    paths: Annotated[list[str], typer.Argument(help="Files or folders to audit (.txt, .md, .pdf; folders recursively).")],
    rules: Annotated[list[Path] | None, typer.Option("--rules", help="Extra rule pack (file or folder); repeatable.")] = None,
    select: Annotated[list[str] | None, typer.Option("--select", help="Only these rule ids or prefixes (comma-separated).")] = None,
    ignore: Annotated[list[str] | None, typer.Option("--ignore", help="Skip these rule ids or prefixes (comma-separated).")] = None,
    format: Annotated[CheckFormat, typer.Option("--format", "-f", help="text, json, sarif, junit or github.")] = CheckFormat.text,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to FILE.")] = None,
    fail_on: Annotated[FailOn, typer.Option("--fail-on", help="Exit 1 on findings at or above this severity.")] = FailOn.error,
    show_rounding: Annotated[bool, typer.Option("--show-rounding", help="Also show differences within rounding.")] = False,
    color: Annotated[ColorMode, typer.Option("--color", help="auto, always or never.")] = ColorMode.auto,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="One line per finding, no headers or summary.")] = False,
    statistics: Annotated[bool, typer.Option("--statistics", help="Show counts per rule instead of findings.")] = False,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1, max=MAX_JOBS, help="Worker processes (default: the number of CPUs).")] = None,
    timeout: Annotated[float, typer.Option("--timeout", min=1, max=MAX_TIMEOUT, callback=_finite_seconds, help="Seconds one file may take before it is reported as failed.")] = 600.0,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Audit every file afresh; neither read nor write the cache.")] = False,
    pdf_reader: Annotated[PdfReader | None, typer.Option("--pdf-reader", help="pdfium (default) or pdfplumber (the older, slower reader).")] = None,
) -> None:
    """Audit disclosure documents against the rule packs and report every discrepancy."""
    _use_pdf_reader(pdf_reader)
    from . import batch
    from .audit import DocumentResult, collect_inputs
    from .report import json as json_report
    from .report import text as text_report

    if any(not p.strip() for p in paths):
        _fail('an empty path ("") names no file or folder')
    ruleset = _load_rules(rules)
    try:
        chosen = ruleset.select(_split_ids(select), _split_ids(ignore))
    except ValueError as exc:
        _fail(str(exc))
    inputs = collect_inputs(paths)
    _check_output(output, inputs.files + _pack_files(rules))
    for skipped in inputs.skipped:
        typer.echo(f"budgetaudit: note: skipped {skipped} (not .txt, .md or .pdf)", err=True)
    if not inputs.files and not inputs.missing and not inputs.unreadable:
        _fail("no .txt, .md or .pdf files found in " + ", ".join(paths))
    results = batch.audit_files(inputs.files, chosen, jobs=jobs, timeout=timeout, use_cache=not no_cache,
                                show_rounding=show_rounding,
                                note=lambda m: typer.echo(f"budgetaudit: note: {m}", err=True))
    results += [DocumentResult(m, error="no such file or directory") for m in inputs.missing]
    results += [DocumentResult(path, error=why) for path, why in inputs.unreadable]
    for r in results:
        if not r.ok:
            typer.echo(f"budgetaudit: {r.path}: {r.error}", err=True)
    if format is not CheckFormat.text:
        if format is CheckFormat.json:
            text = json_report.render(results, show_rounding)
        else:
            text = _machine_report(format.value).render(results, chosen, show_rounding)
        if output is None:
            sys.stdout.write(text)
        else:
            _write(output, text)
    else:
        if output is None:
            console = text_report.make_console(color.value)
            text_report.render(console, results, show_rounding, quiet, statistics)
        else:
            mode = "never" if color is ColorMode.auto else color.value
            console = text_report.make_console(mode, file=io.StringIO())
            text_report.render(console, results, show_rounding, quiet, statistics)
            _write(output, console.file.getvalue())
    raise typer.Exit(_exit_code(results, fail_on.value, show_rounding))


def _pack_files(rules: list[Path] | None) -> list[str]:
    """The --rules files, which a report may not overwrite either."""
    from .errors import RulePackError
    from .rules.pack import user_pack_files

    files: list[str] = []
    for r in rules or []:
        try:
            files += [str(f) for f in user_pack_files(r)]
        except RulePackError:
            pass  # loading the rules has said so already
    return files


def _machine_report(name: str):
    from importlib import import_module

    return import_module(f".report.{name}", __package__)


def _exit_code(results, fail_on: str, show_rounding: bool) -> int:
    if any(not r.ok for r in results):
        return 2
    levels = {"error": ("error",), "warning": ("error", "warning")}[fail_on]
    for r in results:
        if any(f.severity in levels for f in r.result.shown(show_rounding)):
            return 1
    return 0


@app.command("rules")
def list_rules(
    rules: Annotated[list[Path] | None, typer.Option("--rules", help="Extra rule pack (file or folder); repeatable.")] = None,
) -> None:
    """List the rules: id, severity, title and pack."""
    from rich.console import Console
    from rich.table import Table as RichTable

    ruleset = _load_rules(rules)
    table = RichTable(header_style="bold", box=None)
    for name in ("id", "severity", "title", "pack"):
        table.add_column(name)
    for r in ruleset.rules:
        table.add_row(r.id, r.severity, r.title, r.pack)
    Console(highlight=False, width=None if sys.stdout.isatty() else 200).print(table)


@app.command()
def explain(
    rule_id: Annotated[str, typer.Argument(help="A rule id, e.g. BT101.")],
    rules: Annotated[list[Path] | None, typer.Option("--rules", help="Extra rule pack (file or folder); repeatable.")] = None,
) -> None:
    """Explain a rule: its purpose, its YAML and an example message."""
    from .rules.kinds import get as get_kind

    ruleset = _load_rules(rules)
    rule = ruleset.get(rule_id)
    if rule is None:
        _fail(f'unknown rule id "{rule_id}" (see `budgetaudit rules`)')
    kind = get_kind(rule.kind)
    example = getattr(kind, "example", None)
    lines = [
        f"{rule.id}  {rule.title}",
        f"severity: {rule.severity}    pack: {rule.pack} ({rule.source}:{rule.line})",
        "",
        rule.description or f"核对：{rule.title}。",
        f"kind: {rule.kind} — " + (kind.__doc__ or "").strip().splitlines()[0].split("—", 1)[-1].strip(),
        "",
        "YAML:",
        *("    " + line for line in rule.yaml.splitlines()),
        "",
        "Example message:",
        "    " + (example(rule) if callable(example) else rule.example),
    ]
    typer.echo("\n".join(lines))

cache_app = typer.Typer(no_args_is_help=True, help="The results cache: where it is, and clearing it.")
app.add_typer(cache_app, name="cache")


@cache_app.command("clear")
def cache_clear() -> None:
    """Remove every cached result (BUDGETAUDIT_CACHE_DIR overrides the folder)."""
    from . import cache

    root, count = cache.clear()
    typer.echo(f"removed {count} cached results from {root}")


@cache_app.command("info")
def cache_info() -> None:
    """Show the cache folder, its number of results and their size."""
    from . import cache

    root, count, size = cache.size()
    typer.echo(f"{root}: {count} cached results, {size / 1024**2:.1f} MiB")


def main() -> None:
    """Every way the run can end is one line on stderr and an exit code, never a traceback."""
    note = guard_stdout()
    if note:
        typer.echo(f"budgetaudit: note: {note}", err=True)
    try:
        try:
            app()
        finally:
            sys.stdout.flush()  # a full disk behind stdout shows here, not in the interpreter's exit
    except StdoutClosed:
        silence_stdout()
        sys.exit(EXIT_BROKEN_PIPE)
    except StdoutFailed as exc:
        silence_stdout()
        typer.echo(f"budgetaudit: {exc}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        typer.echo("budgetaudit: interrupted", err=True)
        sys.exit(130)
    except RecursionError:
        typer.echo("budgetaudit: the input is nested too deeply to process", err=True)
        sys.exit(2)
    except Exception as exc:  # noqa: BLE001 - the last line of defence: a bug is one line, exit 2
        if os.environ.get("BUDGETAUDIT_DEBUG"):
            raise
        text = " ".join(str(exc).split())[:200]
        typer.echo(f"budgetaudit: internal error ({type(exc).__name__}: {text}); please report it "
                   "(BUDGETAUDIT_DEBUG=1 shows the traceback)", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
