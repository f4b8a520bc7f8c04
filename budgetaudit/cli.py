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
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    help="Audit Chinese government budget and final-account disclosures (预算/决算公开).",
    context_settings={"help_option_names": ["-h", "--help"]},
)


MAX_JOBS = 1024  # more workers than any machine has CPUs for is a typo, not a wish
MAX_TIMEOUT = 7 * 24 * 3600.0  # a week per file
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: what a shell reports for a command whose reader stopped reading


class ColorMode(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


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
    for line in message.splitlines() or [""]:  # several problems (a rule pack's): a line each
        typer.echo(f"budgetaudit: {line}", err=True)
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


def _write(output: Path, text: str | bytes) -> None:
    try:
        write_report(output, text)
    except OutputError as exc:
        _fail(str(exc))


def _finite_seconds(value: float) -> float:
    if not math.isfinite(value):
        raise typer.BadParameter(f"{value} is not a number of seconds")
    return value


def _finite_seconds_or_none(value: float | None) -> float | None:
    return None if value is None else _finite_seconds(value)


@app.callback(invoke_without_command=True)
def _root(
    version: bool = typer.Option(False, "--version", help="Print the version and exit."),
) -> None:
    if version:
        typer.echo(f"budgetaudit {__version__}")
        raise typer.Exit(0)


@app.command()
def tables(
    file: Path = typer.Argument(..., help="A .txt/.md, .pdf, .xlsx or .docx disclosure document."),
    format: TablesFormat = typer.Option(TablesFormat.text, "--format", "-f", help="text, json or csv."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to FILE instead of stdout."),
    color: ColorMode = typer.Option("auto", "--color", help="auto, always or never."),
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
            tables_view.print_rich(doc, color=color.value)
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
    html = "html"
    xlsx = "xlsx"


class Engine(str, Enum):
    local = "local"
    dask = "dask"
    ray = "ray"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"


def _split_ids(values: list[str] | None) -> list[str]:
    return [part.strip() for v in values or [] for part in v.split(",") if part.strip()]


def _load_rules(extra: list[Path] | None):
    from .errors import RulePackError
    from .rules import load_rules

    try:
        return load_rules([str(p) for p in extra or []])
    except RulePackError as exc:
        _fail(str(exc))


CONFIG_OPTION = typer.Option("--config", help="Use this budgetaudit.toml or pyproject.toml instead of the one found "
                                                "from the current folder upward.")
ISOLATED_OPTION = typer.Option("--isolated", help="Ignore every settings file.")


def _settings(config: Path | None, isolated: bool):
    from .config import ConfigError, find, load

    if config is not None and isolated:
        _fail("--config and --isolated: choose one")
    try:
        if isolated:
            return load(None)
        if config is not None:
            if not config.is_file():
                _fail(f"{config}: no such settings file")
            return load(config)
        return load(find())
    except ConfigError as exc:
        _fail(str(exc))


def _audit_run(paths, settings, rules, select, ignore, exclude, default_exclude, jobs, timeout, no_cache,
               show_rounding, output, set_=None, no_sets=False, engine=None):
    """The batch both `check` and `baseline` run: settings and options merged, inputs walked, audited,
    sets judged. Returns the results, the rules chosen and the sets. ``engine``: (--engine,
    --scheduler, --send-files) of `check`."""
    from .audit import DocumentResult
    from .inputs import collect_inputs
    from .inputs import default_exclude as builtin_exclude
    from .sets import Grouping, judge_sets, norm_path

    paths = list(paths or [])
    if not paths and not set_:
        _fail("name the files or folders to audit")
    if any(not p.strip() for p in paths):
        _fail('an empty path ("") names no file or folder')
    audit_files = _batch_runner(settings, *(engine or (None, None, False)))
    packs = list(settings.rules) + list(rules or [])
    ruleset = _load_rules(packs)
    try:
        chosen = ruleset.select(_split_ids(select) or settings.select, _split_ids(ignore) or settings.ignore)
    except ValueError as exc:
        _fail(str(exc))
    walk_default = settings.default_exclude if default_exclude is None else default_exclude
    patterns = (builtin_exclude() if walk_default else []) + settings.exclude + _split_ids(exclude)
    grouping = Grouping(auto=not no_sets, forced=_forced_sets(set_))
    stdin = _stdin_document(paths)
    files_named = [stdin.name if p == "-" and stdin else p for p in paths]
    inputs = collect_inputs(files_named, exclude=patterns)
    named = {norm_path(f) for f in inputs.files}
    extra = collect_inputs([p for group in grouping.forced for p in group if norm_path(p) not in named])
    for f in extra.files:  # the files of a --set are audited even when no PATH names them
        if norm_path(f) not in named:
            named.add(norm_path(f))
            inputs.files.append(f)
    inputs.missing += [m for m in extra.missing if m not in inputs.missing]
    inputs.unreadable += extra.unreadable
    _check_output(output, inputs.files + _pack_files(packs))
    if inputs.skipped:
        typer.echo(f"budgetaudit: note: skipped {inputs.skipped_summary()}", err=True)
    if not inputs.files and not inputs.missing and not inputs.unreadable:
        _fail("no .txt, .md, .pdf, .xlsx or .docx files found in " + ", ".join(paths))
    from .engines import EngineError

    try:
        results = audit_files(inputs.files, chosen, jobs=jobs or settings.jobs,
                              timeout=timeout or settings.timeout or DEFAULT_TIMEOUT, use_cache=not no_cache,
                              show_rounding=show_rounding, keep=grouping.kept(),
                              note=lambda m: typer.echo(f"budgetaudit: note: {m}", err=True))
    except EngineError as exc:
        _fail(str(exc))
    sets = judge_sets(results, chosen, grouping)
    for problem in grouping.problems:
        typer.echo(f"budgetaudit: note: {problem}", err=True)
    results += [DocumentResult(m, error="no such file or directory") for m in inputs.missing]
    results += [DocumentResult(path, error=why) for path, why in inputs.unreadable]
    kept = []
    for r in results:
        if stdin and r.path == stdin.name:
            r.path = "-"
        if r.ok and r.path in inputs.walked and r.result.coverage.latin:
            # Found by walking a folder, and written in Latin letters: a README or a manual beside the
            # disclosures. (A Chinese file with nothing of a disclosure may be one read as nothing:
            # that stays in the report, as CC507.)
            typer.echo(f"budgetaudit: note: skipped {r.path} (not a 预算/决算 disclosure: written in Latin letters)",
                       err=True)
            continue
        if r.ok:
            off = [i.upper() for i in settings.ignored_for(r.path)]
            if off:
                r.result.findings = [f for f in r.result.findings if not any(f.rule.startswith(i) for i in off)]
                r.result.rounding = [f for f in r.result.rounding if not any(f.rule.startswith(i) for i in off)]
        kept.append(r)
    for r in kept:
        if not r.ok:
            typer.echo(f"budgetaudit: {r.path}: {r.error}", err=True)
    return kept, chosen, sets


def _batch_runner(settings, engine, scheduler, send_files):
    """What audits the files: the worker processes here (batch.py) or a cluster (engines.py)."""
    import functools

    from . import batch, engines

    name = engine.value if engine is not None else settings.engine or ("dask" if scheduler or settings.scheduler
                                                                       else "local")
    if name == "local":
        if scheduler or send_files:
            _fail(f"{'--scheduler' if scheduler else '--send-files'} needs --engine dask")
        return batch.audit_files
    try:
        engines.check_available(name)
    except engines.EngineError as exc:
        _fail(str(exc))
    return functools.partial(engines.audit_files, engine=name, scheduler=scheduler or settings.scheduler,
                             send_files=send_files)


DEFAULT_TIMEOUT = 600.0
STDIN_LIMIT = 64 * 1024**2


class _Stdin:
    """A document read from standard input, kept in a temporary file for the readers."""

    def __init__(self, name: str, folder):
        self.name = name
        self.folder = folder


def _stdin_document(paths: list[str]) -> _Stdin | None:
    import tempfile

    if "-" not in paths:
        return None
    if paths.count("-") > 1:
        _fail('"-" (standard input) can be given once')
    data = sys.stdin.buffer.read(STDIN_LIMIT + 1)
    if len(data) > STDIN_LIMIT:
        _fail(f"-: standard input over {STDIN_LIMIT // 1024**2} MiB")
    folder = tempfile.TemporaryDirectory(prefix="budgetaudit-stdin-")
    suffix = ".pdf" if data.lstrip()[:5] == b"%PDF-" else ".txt"
    path = Path(folder.name) / f"stdin{suffix}"
    path.write_bytes(data)
    return _Stdin(str(path), folder)


@app.command()
def check(
    paths: Annotated[list[str] | None, typer.Argument(help="Files or folders to audit (.txt, .md, .pdf; folders recursively; - for standard input).")] = None,
    rules: Annotated[list[Path] | None, typer.Option("--rules", help="Extra rule pack (file or folder); repeatable.")] = None,
    select: Annotated[list[str] | None, typer.Option("--select", help="Only these rule ids or prefixes (comma-separated).")] = None,
    ignore: Annotated[list[str] | None, typer.Option("--ignore", help="Skip these rule ids or prefixes (comma-separated).")] = None,
    format: Annotated[CheckFormat | None, typer.Option("--format", "-f", help="text, json, sarif, junit, github, html (one self-contained page) or xlsx (a workbook); default text.")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to FILE.")] = None,
    fail_on: Annotated[FailOn | None, typer.Option("--fail-on", help="Exit 1 on findings at or above this severity (default: error).")] = None,
    exit_zero: Annotated[bool, typer.Option("--exit-zero", help="Exit 0 even when there are findings (2 still means an input or usage failed).")] = False,
    show_rounding: Annotated[bool | None, typer.Option("--show-rounding/--hide-rounding", help="Also show differences within rounding.", show_default=False)] = None,
    color: Annotated[ColorMode, typer.Option("--color", help="auto, always or never.")] = ColorMode.auto,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="One line per finding, no headers or summary.")] = False,
    statistics: Annotated[bool, typer.Option("--statistics", help="Show counts per rule, and the rules that could not be evaluated, instead of findings.")] = False,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1, max=MAX_JOBS, help="Worker processes (default: the number of CPUs).")] = None,
    timeout: Annotated[float | None, typer.Option("--timeout", min=1, max=MAX_TIMEOUT, callback=_finite_seconds_or_none, help="Seconds one file may take before it is reported as failed (default: 600).")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Audit every file afresh; neither read nor write the cache.")] = False,
    exclude: Annotated[list[str] | None, typer.Option("--exclude", help="Leave out files and folders matching these globs when walking folders (comma-separated; repeatable).")] = None,
    default_exclude: Annotated[bool | None, typer.Option("--default-exclude/--no-default-exclude", help="Skip tooling and build folders (.git, *.egg-info, node_modules …) when walking folders.", show_default=False)] = None,
    baseline: Annotated[Path | None, typer.Option("--baseline", help="Hide the findings accepted in this baseline file (see `budgetaudit baseline`).")] = None,
    no_baseline: Annotated[bool, typer.Option("--no-baseline", help="Ignore the baseline named in the settings.")] = False,
    set_: Annotated[list[str] | None, typer.Option("--set", help="Files of one entity, comma-separated, to audit as a set whatever their names say (one disclosure when of the same kind and year); repeatable.")] = None,
    no_sets: Annotated[bool, typer.Option("--no-sets", help="Audit every file on its own: no automatic sets (prose + tables files, years, 部门 + 单位).")] = False,
    pdf_reader: Annotated[PdfReader | None, typer.Option("--pdf-reader", help="pdfium (default) or pdfplumber (the older, slower reader).")] = None,
    engine: Annotated[Engine | None, typer.Option("--engine", help="Where files are audited: local (worker processes here, --jobs; the default) or dask (a Dask cluster: --scheduler, else one started here with --jobs workers). ray: not yet.")] = None,
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="Address of a running Dask scheduler, e.g. tcp://10.0.0.1:8786 (implies --engine dask).")] = None,
    send_files: Annotated[bool, typer.Option("--send-files", help="With --engine dask: send every file's bytes to the workers, even those they could read in place.")] = False,
    config: Annotated[Path | None, CONFIG_OPTION] = None,
    isolated: Annotated[bool, ISOLATED_OPTION] = False,
) -> None:
    """Audit disclosure documents against the rule packs and report every discrepancy."""
    _use_pdf_reader(pdf_reader)
    from .report import json as json_report
    from .report import text as text_report

    settings = _settings(config, isolated)
    rounding = settings.show_rounding if show_rounding is None else show_rounding
    rounding = bool(rounding)
    fmt = format or CheckFormat(settings.format or "text")
    severity = (fail_on.value if fail_on else None) or settings.fail_on or "error"
    accepted = _load_baseline(None if no_baseline else baseline or settings.baseline)
    results, chosen, sets = _audit_run(paths, settings, rules, select, ignore, exclude, default_exclude, jobs,
                                       timeout, no_cache, rounding, output, set_, no_sets,
                                       (engine, scheduler, send_files))
    from .report.coverage import never_bound, rows_never_found, rule_tables

    for rule in never_bound(results, chosen):
        typer.echo(f"budgetaudit: note: rule {rule.id} ({rule.source}) was checked against no document: "
                   f"its tables ({'、'.join(sorted(rule_tables(rule))) or '—'}) were read in none", err=True)
    for rule_id, names in rows_never_found(results, chosen).items():
        typer.echo(f"budgetaudit: note: rule {rule_id}: no document prints the row {'、'.join(names)} "
                   "(a misspelt row name?); where it is needed the rule was not checked", err=True)
    applied = None
    if accepted is not None:
        from . import baseline as baseline_module

        applied = baseline_module.apply(accepted, results)
    if fmt is not CheckFormat.text:
        if fmt is CheckFormat.json:
            text = json_report.render(results, rounding, sets, applied, chosen)
        else:
            text = _machine_report(fmt.value).render(results, chosen, rounding, applied)
        if output is None:
            if isinstance(text, bytes):
                write_bytes = getattr(sys.stdout, "write_bytes", None)  # the guarded stdout (report.output)
                if write_bytes is not None:
                    write_bytes(text)
                else:
                    sys.stdout.buffer.write(text)
            else:
                sys.stdout.write(text)
        else:
            _write(output, text)
    else:
        if output is None:
            console = text_report.make_console(color.value)
            text_report.render(console, results, rounding, quiet, statistics, sets, applied, chosen)
        else:
            mode = "never" if color is ColorMode.auto else color.value
            console = text_report.make_console(mode, file=io.StringIO())
            text_report.render(console, results, rounding, quiet, statistics, sets, applied, chosen)
            _write(output, console.file.getvalue())
    code = _exit_code(results, severity, rounding)
    raise typer.Exit(0 if exit_zero and code == 1 else code)


def _load_baseline(path: Path | None):
    from .baseline import BaselineError, load

    if path is None:
        return None
    try:
        return load(path)
    except BaselineError as exc:
        _fail(str(exc))


@app.command("baseline")
def write_baseline(
    paths: Annotated[list[str], typer.Argument(help="Files or folders to audit, as for `check`.")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="The baseline file (default: the settings' `baseline`, else budgetaudit-baseline.yaml).")] = None,
    rules: Annotated[list[Path] | None, typer.Option("--rules", help="Extra rule pack (file or folder); repeatable.")] = None,
    select: Annotated[list[str] | None, typer.Option("--select", help="Only these rule ids or prefixes (comma-separated).")] = None,
    ignore: Annotated[list[str] | None, typer.Option("--ignore", help="Skip these rule ids or prefixes (comma-separated).")] = None,
    exclude: Annotated[list[str] | None, typer.Option("--exclude", help="Leave out files and folders matching these globs when walking folders.")] = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1, max=MAX_JOBS, help="Worker processes.")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Audit every file afresh.")] = False,
    config: Annotated[Path | None, CONFIG_OPTION] = None,
    isolated: Annotated[bool, ISOLATED_OPTION] = False,
) -> None:
    """Write the current findings to a baseline file, each with an empty `reason` to fill (出错说明).

    Reasons already written for findings that still occur are kept."""
    from .baseline import BaselineError, load, write

    settings = _settings(config, isolated)
    target = output or settings.baseline or Path("budgetaudit-baseline.yaml")
    results, _, _ = _audit_run(paths, settings, rules, select, ignore, exclude, None, jobs, None, no_cache, False,
                               target)
    previous = None
    if target.is_file():
        try:
            previous = load(target)
        except BaselineError:
            previous = None  # entries without reasons yet: start again from the findings
    text, count = write(target, results, previous)
    _write(target, text)
    typer.echo(f"budgetaudit: wrote {count} finding(s) to {target}; fill each `reason` (出错说明) to accept it",
               err=True)
    raise typer.Exit(2 if any(not r.ok for r in results) else 0)


@app.command("config")
def show_config(
    config: Annotated[Path | None, CONFIG_OPTION] = None,
    isolated: Annotated[bool, ISOLATED_OPTION] = False,
) -> None:
    """Show the settings a `check` run here would use, and the file they come from."""
    sys.stdout.write(_settings(config, isolated).shown())


def _forced_sets(values: list[str] | None) -> list[list[str]]:
    """--set a.pdf,b.pdf: each option one set of files; a set of one file is bad usage."""
    out = []
    for value in values or []:
        files = [part.strip() for part in value.split(",") if part.strip()]
        if len(files) < 2:
            _fail(f'--set "{value}": name two or more files, separated by commas')
        out.append(files)
    return out


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
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 200)
    console.print(table)
    console.print("severity 为规则的默认级别：差额只有末位一个单位（尾差）、表格可能缺行或口径可能不同时，"
                  "该条发现降一级报告（error → warning），仅为舍入差异的为 info（--show-rounding 显示）。")


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
