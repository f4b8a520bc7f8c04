"""``--format xlsx``: a workbook for finance staff (Excel, WPS): one sheet of findings, one of documents.

The findings are those of the JSON report, in the same order (documents in input order, each
document's findings as it lists them); expected, actual and difference are numbers with the
printed decimals, so they sum and sort in a spreadsheet. Both sheets have filters on the header
row and the header frozen. Written with openpyxl; the bytes go through report.output like every
other report (atomic, never onto an input).
"""

from __future__ import annotations

import io
from decimal import Decimal

from ..audit import DocumentResult
from ..model import Finding, Location

SEVERITY_TEXT = {"error": "错误", "warning": "警告", "info": "提示"}

FINDING_COLUMNS = [("文件", 48), ("规则", 9), ("级别", 7), ("标题", 30), ("说明", 80), ("应为", 14), ("实为", 14),
                   ("差额", 12), ("位置", 50), ("页/行", 14)]
DOCUMENT_COLUMNS = [("文件", 48), ("状态", 10), ("类型", 7), ("年度", 7), ("单位", 30), ("已识别表格", 11),
                    ("印出表格", 10), ("错误", 7), ("警告", 7), ("提示", 7), ("未识别的表格", 40), ("无法读取的原因", 40)]


def where(loc: Location) -> str:
    """``收支预算总表·收入总计·预算数`` — the table, row and column a location names."""
    return "·".join(p for p in (loc.table, loc.row, loc.column) if p)


def pages_or_lines(locs: list[Location]) -> str:
    """``p8, p9`` for a PDF's locations, ``252, 286`` for a text's, ``收支总表!B21`` for a workbook's, each once."""
    seen: list[str] = []
    for loc in locs:
        part = loc.spot or (f"p{loc.page}" if loc.page is not None else (str(loc.line) if loc.line is not None else ""))
        if part and part not in seen:
            seen.append(part)
    return ", ".join(seen)


def _number(value: Decimal | None, decimals: int):
    if value is None:
        return None, None
    fmt = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return value, fmt


def render(results: list[DocumentResult], rules=None, show_rounding: bool = False, applied=None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "问题"
    docs = book.create_sheet("文件")
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDE4EE")
    fills = {"error": PatternFill("solid", fgColor="FBE3E3"), "warning": PatternFill("solid", fgColor="FFF3CD")}
    wrap = Alignment(wrap_text=True, vertical="top")

    def header(ws, columns) -> None:
        ws.append([name for name, _ in columns])
        for i, (_, width) in enumerate(columns, 1):
            ws.column_dimensions[get_column_letter(i)].width = width
            cell = ws.cell(row=1, column=i)
            cell.font = bold
            cell.fill = head_fill
        ws.freeze_panes = "A2"

    header(sheet, FINDING_COLUMNS)
    header(docs, DOCUMENT_COLUMNS)
    for item in results:
        findings: list[Finding] = item.result.shown(show_rounding) if item.result else []
        for f in findings:
            decimals = getattr(f, "decimals", 2)
            values = [_number(v, decimals) for v in (f.expected, f.actual, f.difference)]
            sheet.append([item.path, f.rule, SEVERITY_TEXT.get(f.severity, f.severity), f.title, f.message,
                          *(v for v, _ in values), "；".join(w for w in map(where, f.locations) if w),
                          pages_or_lines(f.locations)])
            row = sheet.max_row
            for col, (_, fmt) in zip((6, 7, 8), values, strict=True):
                if fmt:
                    sheet.cell(row=row, column=col).number_format = fmt
            sheet.cell(row=row, column=5).alignment = wrap
            fill = fills.get(f.severity)
            if fill is not None:
                sheet.cell(row=row, column=3).fill = fill
        doc = item.document
        cov = item.result.coverage if item.result else None
        shown = findings
        unread = "、".join(f"{u.number or ''}{u.kind}" for u in cov.unread) if cov else ""
        docs.append([item.path, "正常" if item.ok else "无法读取", doc.kind if doc else None,
                     doc.year if doc else None, doc.entity if doc else None,
                     cov.read if cov else None, cov.printed if cov else None,
                     sum(f.severity == "error" for f in shown), sum(f.severity == "warning" for f in shown),
                     sum(f.severity == "info" for f in shown), unread or None, item.error])
    for ws, columns in ((sheet, FINDING_COLUMNS), (docs, DOCUMENT_COLUMNS)):
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(ws.max_row, 1)}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
