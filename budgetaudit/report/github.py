"""``--format github``: GitHub Actions workflow commands, one annotation per finding.

``::error file=samples/x.txt,line=252,title=BT101 收入总计等于支出总计::收入总计 7,676.28 ≠ …``
Severity maps error→error, warning→warning, info→notice. The annotation sits on the line of the
finding's first number (a PDF's: on the file, its page first in the message — a PDF has no
lines to open); its other lines, and a PDF's pages, are named in the message. An input
that could not be read is an error annotation on that file.
"""

from __future__ import annotations

from ..audit import DocumentResult
from ..model import Finding, Location
from .places import public_finding

LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, **props: object) -> str:
    fields = ",".join(f"{k}={escape_property(str(v))}" for k, v in props.items() if v is not None)
    return f"::{level} {fields}::{escape_data(message)}" if fields else f"::{level}::{escape_data(message)}"


def _spot(loc: Location) -> str:
    if loc.spot is not None:
        return loc.spot
    if loc.line is not None:
        return f"第{loc.line}行" + (f"（第{loc.page}页）" if loc.page is not None else "")
    return f"第{loc.page}页"


def annotation(path: str, f: Finding) -> str:
    placed = [loc for loc in f.locations if loc.placed]
    primary = placed[0] if placed else None
    message = f.message
    if primary is not None and primary.spot is not None:  # a workbook has no lines to open: its cell
        message = f"{primary.spot}：{message}"
    elif primary is not None and primary.page is not None:
        message = f"第{primary.page}页：{message}"
    others = []
    for loc in placed[1:]:
        spot = _spot(loc)
        if (loc.line, loc.page, loc.spot) != (primary.line, primary.page, primary.spot) and spot not in others:
            others.append(spot)
    if others:
        message += f"（另见{'、'.join(others)}）"
    return command(LEVEL.get(f.severity, "warning"), message, file=(primary.path if primary is not None else None) or path,
                   line=primary.line if primary is not None else None, title=f"{f.rule} {f.title}")


def render(results: list[DocumentResult], rules: list | None = None, show_rounding: bool = False,
           applied=None) -> str:
    lines = []
    for item in results:
        if not item.ok:
            lines.append(command("error", f"无法读取：{item.error}", file=item.path, title="budgetaudit"))
            continue
        lines.extend(annotation(item.path, public_finding(item, f)) for f in item.result.shown(show_rounding))
    return "".join(line + "\n" for line in lines)
