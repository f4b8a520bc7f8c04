"""The text report an auditor reads first: per document a header, findings grouped by table with
both sides and the difference aligned and the file:line of every number, and a batch summary."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.padding import Padding
from rich.table import Table as RichTable
from rich.text import Text

from ..amounts import format_amount
from ..audit import DocumentResult
from ..model import Document, Finding, Location
from .places import sheet_of

SEVERITY_LABEL = {"error": "✖ 错误", "warning": "▲ 警告", "info": "● 提示"}
SEVERITY_STYLE = {"error": "bold red", "warning": "bold yellow", "info": "cyan"}
SEVERITY_ORDER = ("error", "warning", "info")
WIDE = 200


def make_console(color: str = "auto", file=None, width: int | None = None) -> Console:
    """Colour only on a terminal unless --color says otherwise; NO_COLOR/FORCE_COLOR are honoured
    by rich itself in auto mode."""
    if color == "always":
        console = Console(file=file, force_terminal=True, no_color=False, width=width, highlight=False)
    elif color == "never":
        console = Console(file=file, force_terminal=False, color_system=None, no_color=True, width=width,
                          highlight=False)
    elif os.environ.get("NO_COLOR"):
        console = Console(file=file, color_system=None, width=width, highlight=False)  # no styling at all
    else:
        console = Console(file=file, width=width, highlight=False)
    if width is None and not console.is_terminal:
        console.width = WIDE  # a pipe or file has no width: don't wrap Chinese labels at 80
    return console


def counts(findings: list[Finding]) -> Counter:
    return Counter(f.severity for f in findings)


def locations_text(path: str, locs: list[Location]) -> str:
    """``samples/x.txt:252, 286`` — each line once, in order; ``x.pdf:p7, p10`` for PDFs;
    ``x.xlsx:收支总表!B21, D21`` for a workbook's cells (many cells of a sheet: the first few and how
    many); a finding of a set names each file it points into: ``a.pdf:p7; b.pdf:p3``."""
    files: dict[str, list[str]] = {}
    for loc in locs:
        where = files.setdefault(loc.path or path, [])
        if not loc.placed:
            continue
        # a PDF's user finds a number by its page (file.pdf:p12); a text's by its line; a workbook's
        # by its sheet and cell (file.xlsx:部门收支总表!C7)
        part = loc.spot or (f"p{loc.page}" if loc.page is not None else f"{loc.line}")
        if part not in where:
            where.append(part)
    if not files:
        return path
    return "; ".join(f"{p}:{_cells(parts)}" if parts else p for p, parts in files.items())


SHOWN_CELLS = 4


def _cells(parts: list[str]) -> str:
    """Workbook cells sheet by sheet, the sheet named once: "表!B21, D21"; a long run shortened."""
    out: list[str] = []
    sheets: dict[str, list[str]] = {}
    for part in parts:
        sheet, bang, cell = part.rpartition("!")
        if not bang:
            out.append(part)
            continue
        if sheet not in sheets:
            sheets[sheet] = []
            out.append(sheet)
        sheets[sheet].append(cell)
    for i, item in enumerate(out):
        cells = sheets.get(item)
        if cells is None:
            continue
        shown = ", ".join(cells[:SHOWN_CELLS])
        more = f" 等 {len(cells)} 个单元格" if len(cells) > SHOWN_CELLS else ""
        out[i] = f"{item}!{shown}{more}"
    return ", ".join(out)


def _header(item: DocumentResult, shown: list[Finding], hidden: int) -> Text:
    text = Text()
    text.append(item.path, style="bold underline")
    text.append("\n")
    if not item.ok:
        text.append("  无法读取：", style="bold red")
        text.append(item.error or "")
        return text
    doc = item.document
    assert doc is not None
    cov = item.result.coverage if item.result is not None else None
    if cov is not None and not cov.disclosure:
        text.append("  不是预算/决算公开材料", style="bold yellow")
    else:
        read = (f"表格见同组文件{'、'.join(f'《{Path(p).name}》' for p in cov.tables_in)}" if cov is not None and cov.tables_in
                else tables_read(doc, cov))
        facts = [doc.kind or "类型未知", f"{doc.year} 年度" if doc.year else "年度未知", doc.entity or "单位未识别", read]
        text.append("  " + " · ".join(facts), style="dim")
    if item.sets:
        text.append(f"\n  同组审核：{'、'.join(item.sets)}（见文末“文件组”）", style="dim")
    apart = [u for u in cov.unread if u.reason == "not_given"] if cov is not None else []
    if apart:
        text.append(f"\n  表格未随本文件提供：目录列出的 {len(apart)} 张表不在本文件中（说明与表格分开发布），"
                    "只核对了说明；与表格文件一起审核时核对", style="yellow")
    unread = [u for u in cov.unread if u.reason != "not_given"] if cov is not None else []
    if unread:
        text.append("\n  未能识别（未核对）：", style="yellow")
        text.append("、".join(_unread(u) for u in unread))
    text.append("\n  ")
    c = counts(shown)
    if not shown and cov is not None and (cov.unread or not cov.disclosure):
        checked = "只核对了已识别的表格和说明" if cov.read else "没有可核对的表格，只核对了说明"
        text.append(f"已核对的部分未发现问题（{checked}）", style="bold yellow")
    elif not shown:
        text.append("✓ 未发现问题", style="bold green")
    for sev in SEVERITY_ORDER:
        if c.get(sev):
            text.append(f"{SEVERITY_LABEL[sev]} {c[sev]}  ", style=SEVERITY_STYLE[sev])
    if hidden:
        text.append(f"（另有 {hidden} 处舍入差异未显示，--show-rounding 可查看）", style="dim")
    return text


def tables_read(doc: Document, cov) -> str:
    """``识别 5/7 张表``: tables read of those printed (recognised, titled in the body or listed in the 目录)."""
    if cov is None:
        return f"识别 {len(doc.tables)} 张表"
    if cov.printed == 0:
        return "未见表格"
    return f"识别 {cov.read}/{cov.printed} 张表"


def _unread(u) -> str:
    from ..reading import REASONS

    name = f"{u.number}“{u.kind}”" if u.number else f"“{u.kind}”"
    where = ""
    if getattr(u, "place", None):
        where = f"{u.place}，"
    elif u.pages:
        first, last = min(u.pages), max(u.pages)
        where = f"第{first}页，" if first == last else f"第{first}–{last}页，"
    elif u.line:
        where = f"第{u.line}行，"
    return f"{name}（{where}{REASONS.get(u.reason, u.reason)}）"


def _table_heading(doc: Document, kind: str | None) -> Text:
    if not kind:
        return Text("其他", style="bold")
    table = next((t for t in doc.tables if t.kind == kind), None)
    text = Text()
    if table is not None and table.number:
        text.append(f"{table.number} ", style="bold magenta")
    text.append(kind, style="bold magenta")
    sheet = sheet_of(doc, table) if table is not None else None
    if sheet is not None:
        text.append(f"  工作表“{sheet}”", style="dim")
    elif table is not None and table.pages:
        first, last = min(table.pages), max(table.pages)
        text.append(f"  第 {first} 页" if first == last else f"  第 {first}–{last} 页", style="dim")
    elif table is not None and table.first_line:
        text.append(f"  第 {table.first_line}–{table.last_line} 行", style="dim")
    return text


def _finding_block(path: str, f: Finding) -> list:
    head = Text()
    head.append(f"{SEVERITY_LABEL.get(f.severity, f.severity)} ", style=SEVERITY_STYLE.get(f.severity, ""))
    head.append(f"{f.rule}  ", style="bold")
    head.append(f.title)
    parts = [head]
    left, right = getattr(f, "left", ""), getattr(f, "right", "")
    if left and right and f.expected is not None and f.actual is not None and f.set is None:
        decimals = getattr(f, "decimals", 2)
        grid = RichTable.grid(padding=(0, 3))
        grid.add_column(no_wrap=False)
        grid.add_column(justify="right", no_wrap=True)
        if getattr(f, "where", ""):
            grid.add_row(Text(f.where, style="italic"), "")
        shown = getattr(f, "shown", ("", ""))
        grid.add_row(left, shown[0] or format_amount(f.expected, decimals))
        grid.add_row(right, shown[1] or format_amount(f.actual, decimals))
        diff = abs(f.difference) if f.difference is not None else abs(f.expected - f.actual)
        grid.add_row(Text("差", style="bold"), Text(f"{format_amount(diff, decimals)} 万元",
                                                   style=SEVERITY_STYLE.get(f.severity, "")))
        parts.append(Padding(grid, (0, 0, 0, 7), expand=False))
        note = _note(f.message)
        if note:
            parts.append(Padding(Text(note, style="dim"), (0, 0, 0, 7), expand=False))
    else:
        parts.append(Padding(Text(f.message), (0, 0, 0, 7), expand=False))
    parts.append(Padding(Text("↳ " + locations_text(path, f.locations), style="blue"), (0, 0, 0, 7), expand=False))
    return parts


def _note(message: str) -> str:
    """The explanation a message carries after the difference (尾差, 舍入, 缺行 …)."""
    start = message.rfind("（差")
    if start < 0:
        return ""
    inner = message[start + 1:]
    bits = []
    close = inner.find("）")
    if close >= 0:
        head = inner[:close]
        if "，" in head:
            bits.append(head.split("，", 1)[1])
        tail = inner[close + 1:].lstrip("；")
        if tail:
            bits.append(tail)
    return "；".join(bits)


def print_document(console: Console, item: DocumentResult, show_rounding: bool = False) -> None:
    result = item.result
    shown = result.shown(show_rounding) if result else []
    hidden = 0 if show_rounding or result is None else len(result.rounding)
    console.print(_header(item, shown, hidden), soft_wrap=True)
    if not shown:
        console.print()
        return
    doc = item.document
    assert doc is not None
    groups: dict[str | None, list[Finding]] = {}
    for f in shown:
        groups.setdefault(f.locations[0].table if f.locations else None, []).append(f)
    order = {t.kind: i for i, t in reversed(list(enumerate(doc.tables)))}
    for kind in sorted(groups, key=lambda k: order.get(k, 999)):
        console.print()
        console.print(Padding(_table_heading(doc, kind), (0, 0, 0, 2), expand=False))
        for f in groups[kind]:
            for part in _finding_block(item.path, f):
                console.print(Padding(part, (0, 0, 0, 4), expand=False), soft_wrap=isinstance(part, Text))
    console.print()


def print_quiet(console: Console, item: DocumentResult, show_rounding: bool = False) -> None:
    """One line per finding: ``path:line: severity RULE message`` (for grep and editors)."""
    if item.result is None:
        return
    for f in item.result.shown(show_rounding):
        first = next((loc for loc in f.locations if loc.placed), None)
        if first is None:
            where = item.path
        else:
            where = f"{item.path}:" + (first.spot or (f"p{first.page}" if first.page is not None else f"{first.line}"))
        console.print(Text(f"{where}: {f.severity} {f.rule} {f.message}"), soft_wrap=True)


def print_summary(console: Console, results: list[DocumentResult], show_rounding: bool = False) -> None:
    table = RichTable(title="汇总", title_justify="left", show_footer=True, header_style="bold")
    table.add_column("文件", footer="合计")
    table.add_column("类型")
    table.add_column("年度")
    table.add_column("单位")
    totals = Counter()
    rows = []
    table.add_column("表格", justify="right")
    for item in sorted(results, key=lambda r: _worst_first(r, show_rounding)):
        if not item.ok:
            rows.append([item.path, "—", "—", Text("无法读取", style="red"), "", "", "", ""])
            totals["failed"] += 1
            continue
        doc = item.document
        cov = item.result.coverage
        c = counts(item.result.shown(show_rounding))
        totals.update(c)
        if not cov.disclosure:
            totals["not_disclosure"] += 1
            rows.append([item.path, "—", "—", Text("不是预算/决算公开材料", style="yellow"), "—",
                         _count(c, "error"), _count(c, "warning"), _count(c, "info")])
            continue
        if cov.unread:
            totals["unread"] += 1
        read = f"{cov.read}/{cov.printed}"
        rows.append([item.path, doc.kind or "?", str(doc.year or "?"), doc.entity or "?",
                     Text(read, style="yellow") if cov.unread else read,
                     _count(c, "error"), _count(c, "warning"), _count(c, "info")])
    table.add_column("错误", justify="right", footer=str(totals["error"]))
    table.add_column("警告", justify="right", footer=str(totals["warning"]))
    table.add_column("提示", justify="right", footer=str(totals["info"]))
    for row in rows:
        table.add_row(*row)
    console.print(table)
    if totals["failed"]:
        console.print(Text(f"{totals['failed']} 个文件无法读取", style="bold red"))
    if totals["not_disclosure"]:
        console.print(Text(f"{totals['not_disclosure']} 个文件不是预算/决算公开材料", style="bold yellow"))
    if totals["unread"]:
        console.print(Text(f"{totals['unread']} 个文件有已印出的表格未能识别，这些表格未核对", style="bold yellow"))


def _worst_first(item: DocumentResult, show_rounding: bool) -> tuple:
    """Unreadable files first, then by errors, warnings and notes, most first (ties keep input order)."""
    if not item.ok:
        return (0, 0, 0, 0)
    c = counts(item.result.shown(show_rounding))
    return (1, -c.get("error", 0), -c.get("warning", 0), -c.get("info", 0))


def _count(c: Counter, severity: str) -> Text:
    n = c.get(severity, 0)
    return Text(str(n), style=SEVERITY_STYLE[severity] if n else "dim")


def print_statistics(console: Console, results: list[DocumentResult], show_rounding: bool = False,
                     rules: list | None = None) -> None:
    """Counts per rule over the batch (like ruff --statistics)."""
    per_rule: Counter = Counter()
    info: dict[str, tuple[str, str]] = {}
    for item in results:
        if item.result is None:
            continue
        for f in item.result.shown(show_rounding):
            per_rule[(f.rule, f.severity)] += 1
            info[f.rule] = (f.severity, f.title)
    table = RichTable(header_style="bold")
    table.add_column("次数", justify="right")
    table.add_column("规则")
    table.add_column("级别")
    table.add_column("标题")
    for (rule, severity), n in sorted(per_rule.items(), key=lambda kv: (-kv[1], kv[0])):
        table.add_row(str(n), rule, Text(SEVERITY_LABEL[severity], style=SEVERITY_STYLE[severity]),
                      info[rule][1])
    console.print(table)
    covered = [item.result.coverage for item in results if item.result is not None]
    printed = sum(c.printed for c in covered if c.disclosure)
    read = sum(c.read for c in covered if c.disclosure)
    others = sum(1 for c in covered if not c.disclosure)
    line = f"识别 {read}/{printed} 张已印出的表格"
    if others:
        line += f"；{others} 个文件不是预算/决算公开材料"
    console.print(Text(line, style="yellow" if read < printed or others else "dim"))
    print_unchecked(console, results, rules or [])


def print_unchecked(console: Console, results: list[DocumentResult], rules: list) -> None:
    """The rules that could not be checked, by reason, over the batch: not checked is not passed."""
    from .coverage import unchecked

    per: Counter = Counter()
    for item in results:
        for _, why in unchecked(item, rules):
            per[why] += 1
    if not per:
        return
    table = RichTable(header_style="bold", title="未能核对的规则", title_justify="left")
    table.add_column("次数", justify="right")
    table.add_column("原因")
    for why, n in per.most_common():
        table.add_row(str(n), why)
    console.print(table)


def print_baseline(console: Console, applied) -> None:
    """What the baseline hid, and the accepted findings that no longer occur."""
    if applied is None:
        return
    line = f"基线 {applied.file}：已接受 {len(applied.accepted)} 条发现（不再显示）"
    if applied.stale:
        line += f"；{len(applied.stale)} 条已接受的发现不再出现，可从基线中删除："
    console.print(Text(line, style="yellow" if applied.stale else "dim"))
    for e in applied.stale:
        console.print(Text(f"  {e.rule}  {e.document}  {e.message}", style="yellow"))


def print_sets(console: Console, sets: list) -> None:
    """The sets of documents judged together: id, kind, entity, years and each file's role."""
    console.print(Text("文件组", style="bold"))
    for s in sets:
        head = Text()
        head.append(f"  {s.id} ", style="bold")
        head.append(s.label, style="bold magenta")
        facts = [s.entity or "单位未识别"]
        if s.years:
            facts.append("、".join(str(y) for y in s.years) + " 年")
        if s.doc_kind:
            facts.append(s.doc_kind)
        if s.forced:
            facts.append("按 --set 指定")
        head.append("  " + " · ".join(facts), style="dim")
        console.print(head, soft_wrap=True)
        for path in s.paths:
            role = s.roles.get(path)
            console.print(Text(f"      {role + '：' if role else ''}{path}"), soft_wrap=True)
        if s.missing:
            console.print(Text(f"      不在本次审核中的单位：{'、'.join(s.missing)}", style="yellow"), soft_wrap=True)
    console.print()


def render(console: Console, results: list[DocumentResult], show_rounding: bool = False,
           quiet: bool = False, statistics: bool = False, sets: list | None = None, applied=None,
           rules: list | None = None) -> None:
    if statistics:
        print_statistics(console, results, show_rounding, rules)
        print_baseline(console, applied)
        return
    for item in results:
        if quiet:
            print_quiet(console, item, show_rounding)
        else:
            print_document(console, item, show_rounding)
    if sets and not quiet:
        print_sets(console, sets)
    if len(results) > 1 and not quiet:
        print_summary(console, results, show_rounding)
    if not quiet:
        print_baseline(console, applied)
