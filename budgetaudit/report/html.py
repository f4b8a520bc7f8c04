"""``--format html``: one self-contained page a reviewer opens from an e-mail or a shared drive.

Everything is inline (styles, a little script, page images as data URIs): no network, no other file.
The page has

* a summary of the batch (documents, kind, year, entity, tables read/printed, errors, warnings,
  notes), sortable by any column, each row linking to its document;
* per document the findings grouped by table as in the text report, each with both numbers side by
  side and the difference, and its evidence (evidence.py): the table's rows with every cell the
  finding uses highlighted, the sentence with the figure marked, and for a PDF the part of the page
  around those numbers with a box drawn on each (the page is rendered once with pypdfium2 and each
  view shows a region of it, so a page used by many findings is embedded once);
* filters by severity and rule family and a switch for differences within rounding (hidden unless
  ``--show-rounding``); all are ordinary form controls, so the keyboard works, and ``j``/``k`` move
  between the findings shown. Printing shows what is filtered in, without the controls.

Fonts: the CJK fonts Windows (Microsoft YaHei, SimSun), macOS (PingFang) and Linux (Noto/Source Han,
WenQuanYi) have, then the browser's sans-serif.
"""

from __future__ import annotations

import base64
import html
import io
import re
from decimal import Decimal

from .. import __version__
from ..amounts import format_amount
from ..audit import DocumentResult, sort_key
from ..evidence import TableExcerpt, TextExcerpt, boxes_by_page
from ..model import Box, Document, Finding
from .places import sheet_of
from .text import SEVERITY_ORDER, locations_text, tables_read

SEVERITY_TEXT = {"error": "错误", "warning": "警告", "info": "提示"}
SEVERITY_MARK = {"error": "✖", "warning": "▲", "info": "●"}

RENDER_SCALE = 1.5  # page image pixels per PDF point
VIEW_SCALE = 1.3  # CSS pixels per PDF point in a page view (narrower for wide views)
VIEW_WIDTH = 860  # widest page view, CSS pixels
VIEW_MARGIN = 36.0  # points shown above and below the boxes
MAX_COLUMNS = 14  # a wider table shows the columns the finding uses and those its rows print

_FAMILY = re.compile(r"^[A-Z]+")


def esc(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def family(rule_id: str) -> str:
    m = _FAMILY.match(rule_id)
    return m.group(0) if m else rule_id


# ---------------------------------------------------------------- page images


class Pages:
    """The pages of one PDF the report shows, rendered once each (pypdfium2), as CSS classes."""

    def __init__(self, path: str, key: str):
        self.path = path
        self.key = key
        self.sizes: dict[int, tuple[float, float]] = {}
        self.images: dict[int, str] = {}  # page → data URI
        self.problem: str | None = None

    def render(self, pages: set[int]) -> None:
        if not pages:
            return
        try:
            import pypdfium2 as pdfium
        except ImportError:
            self.problem = "页面图像未生成（未安装 pypdfium2）"
            return
        try:
            pdf = pdfium.PdfDocument(self.path)
        except Exception as exc:  # noqa: BLE001 - the page images are a help, never a failure
            self.problem = f"页面图像未生成（{type(exc).__name__}）"
            return
        lut = [round(round(v / 255 * 7) * 255 / 7) for v in range(256)]  # 8 greys: small PNGs, crisp text
        try:
            for number in sorted(pages):
                if not 1 <= number <= len(pdf):
                    continue
                page = pdf[number - 1]
                try:
                    self.sizes[number] = page.get_size()
                    image = page.render(scale=RENDER_SCALE, grayscale=True).to_pil().convert("L").point(lut)
                    out = io.BytesIO()
                    image.save(out, "PNG", compress_level=6)
                    self.images[number] = "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")
                finally:
                    page.close()
        except Exception as exc:  # noqa: BLE001
            self.problem = f"部分页面图像未生成（{type(exc).__name__}）"
        finally:
            pdf.close()

    def css_class(self, page: int) -> str:
        return f"pg-{self.key}-{page}"

    def css(self) -> str:
        return "".join(f".{self.css_class(p)}{{background-image:url({uri})}}\n" for p, uri in self.images.items())

    def view(self, page: int, boxes: list[Box]) -> str:
        """The part of ``page`` around ``boxes`` (whole printed rows), a box drawn on each."""
        if page not in self.images or not boxes:
            return ""
        width, height = self.sizes[page]
        x0 = min(b[0] for b in boxes)
        x1 = max(b[2] for b in boxes)
        top = min(b[1] for b in boxes)
        bottom = max(b[3] for b in boxes)
        left = max(0.0, min(x0 - 12, 0.06 * width))
        right = min(width, max(x1 + 12, 0.94 * width))
        top = max(0.0, top - VIEW_MARGIN)
        bottom = min(height, bottom + VIEW_MARGIN)
        scale = min(VIEW_SCALE, VIEW_WIDTH / max(right - left, 1.0))
        marks = "".join(
            f'<span class="box" style="left:{(b[0] - left) * scale - 3:.1f}px;top:{(b[1] - top) * scale - 3:.1f}px;'
            f'width:{(b[2] - b[0]) * scale + 4:.1f}px;height:{(b[3] - b[1]) * scale + 4:.1f}px"></span>'
            for b in boxes)
        return (f'<figure class="page-view"><div class="crop {self.css_class(page)}" role="img" '
                f'aria-label="第 {page} 页，已框出所涉数字" '
                f'style="width:{(right - left) * scale:.0f}px;height:{(bottom - top) * scale:.0f}px;'
                f'background-size:{width * scale:.1f}px {height * scale:.1f}px;'
                f'background-position:{-left * scale:.1f}px {-top * scale:.1f}px">{marks}</div>'
                f'<figcaption>第 {page} 页（PDF 原页面，红框为所涉数字）</figcaption></figure>')


# ---------------------------------------------------------------- findings


def _amount(value: Decimal | None, decimals: int) -> str:
    return "" if value is None else format_amount(value, decimals)


def _numbers(f: Finding) -> str:
    """Both sides and the difference, as the text report lays them out."""
    left, right = getattr(f, "left", ""), getattr(f, "right", "")
    if f.expected is None or f.actual is None:
        return ""
    decimals = getattr(f, "decimals", 2)
    shown = getattr(f, "shown", ("", ""))
    diff = abs(f.difference) if f.difference is not None else abs(f.expected - f.actual)
    where = getattr(f, "where", "")
    rows = []
    if where:
        rows.append(f'<tr><td colspan="2" class="where">{esc(where)}</td></tr>')
    rows.append(f'<tr><th scope="row">{esc(left or "应为")}</th>'
                f'<td class="num">{esc(shown[0] or _amount(f.expected, decimals))}</td></tr>')
    rows.append(f'<tr><th scope="row">{esc(right or "实为")}</th>'
                f'<td class="num">{esc(shown[1] or _amount(f.actual, decimals))}</td></tr>')
    rows.append(f'<tr class="diff"><th scope="row">差</th><td class="num">{esc(_amount(diff, decimals))} 万元</td></tr>')
    return f'<table class="sides">{"".join(rows)}</table>'


def _table_excerpt(e: TableExcerpt, f: Finding) -> str:
    marked = {c for r in e.rows for c in r.marks}
    columns = list(range(len(e.columns)))
    if len(columns) > MAX_COLUMNS:
        columns = [c for c in columns if c in marked or any(r.cells[c] for r in e.rows)][:MAX_COLUMNS] or columns[:MAX_COLUMNS]
    head = "".join(f'<th scope="col">{esc(e.columns[c]) or "—"}</th>' for c in columns)
    body = []
    for r in e.rows:
        cells = []
        for c in columns:
            text = r.cells[c] if c < len(r.cells) else ""
            if c in r.marks:
                cells.append(f'<td class="num hit" title="本条核对所用的数字">{esc(text) or "（空）"}</td>')
            else:
                cells.append(f'<td class="num">{esc(text)}</td>')
        where = r.place or (f"p{r.page}" if r.page is not None else f"{r.line}")
        name_class = ' class="named"' if r.named else ""
        body.append(f'<tr><th scope="row"{name_class}>{esc(r.name)}</th>{"".join(cells)}'
                    f'<td class="at">{esc(where)}</td></tr>')
    more = f'<p class="more">另有 {e.more} 行未列出</p>' if e.more else ""
    title = f"{e.number + ' ' if e.number else ''}{e.kind}"
    diff = ""
    if f.difference is not None and marked:
        diff = f"；差 {esc(_amount(abs(f.difference), getattr(f, 'decimals', 2)))} 万元"
    return (f'<div class="excerpt"><table class="rows"><caption>{esc(title)}<span class="unit">'
            f'（单位：{esc(e.unit)}{diff}）</span></caption><thead><tr><th scope="col">项目</th>{head}'
            f'<th scope="col" class="at">页/行</th></tr></thead><tbody>{"".join(body)}</tbody></table>{more}</div>')


def _text_excerpt(e: TextExcerpt) -> str:
    parts = []
    at = 0
    for a, b in sorted(e.marks):
        if a < at:
            continue
        parts.append(esc(e.text[at:a]))
        parts.append(f"<mark>{esc(e.text[a:b])}</mark>")
        at = b
    parts.append(esc(e.text[at:]))
    where = e.place or (f"第 {e.page} 页" if e.page is not None else f"第 {e.line} 行")
    return f'<blockquote class="sentence"><span class="at">{where}</span>{"".join(parts)}</blockquote>'


def _finding(path: str, f: Finding, index: str, pages: Pages | None, rounding: bool) -> str:
    sev = f.severity
    evidence = []
    for e in f.evidence:
        if isinstance(e, TableExcerpt):
            evidence.append(_table_excerpt(e, f))
        elif isinstance(e, TextExcerpt):
            evidence.append(_text_excerpt(e))
    if pages is not None:
        for page, boxes in sorted(boxes_by_page(f).items()):
            evidence.append(pages.view(page, boxes))
    numbers = _numbers(f)
    attrs = (f'class="finding sev-{esc(sev)}" id="{index}" tabindex="0" data-severity="{esc(sev)}" '
             f'data-family="{esc(family(f.rule))}" data-rounding="{1 if rounding else 0}"')
    tag = '<span class="tag">舍入差异</span>' if rounding else ""
    return (f'<article {attrs}><h4><span class="sev">{SEVERITY_MARK.get(sev, "")} {SEVERITY_TEXT.get(sev, sev)}</span>'
            f' <code>{esc(f.rule)}</code> {esc(f.title)}{tag}</h4>'
            f'{numbers}<p class="message">{esc(f.message)}</p>'
            f'<p class="loc">↳ {esc(locations_text(path, f.locations))}</p>'
            f'<div class="evidence">{"".join(x for x in evidence if x)}</div></article>')


def _heading(doc: Document, kind: str | None) -> str:
    if not kind:
        return "其他"
    table = next((t for t in doc.tables if t.kind == kind), None)
    text = f"{table.number} {kind}" if table is not None and table.number else kind
    sheet = sheet_of(doc, table) if table is not None else None
    if sheet is not None:
        text += f"（工作表“{sheet}”）"
    elif table is not None and table.pages:
        first, last = min(table.pages), max(table.pages)
        text += f"（第 {first} 页）" if first == last else f"（第 {first}–{last} 页）"
    elif table is not None and table.first_line:
        text += f"（第 {table.first_line}–{table.last_line} 行）"
    return text


def _unread(cov) -> str:
    from .text import _unread as unread_text

    if cov is None or not cov.unread:
        return ""
    return f'<p class="unread">未能识别（未核对）：{esc("、".join(unread_text(u) for u in cov.unread))}</p>'


def _document(n: int, item: DocumentResult, show_rounding: bool) -> tuple[str, str]:
    """The document's section and its page images' CSS."""
    anchor = f"doc-{n}"
    head = f'<h2><a href="#{anchor}" class="self">§</a> {esc(item.path)}</h2>'
    if not item.ok:
        return (f'<section class="document failed" id="{anchor}">{head}'
                f'<p class="error">无法读取：{esc(item.error)}</p></section>'), ""
    doc = item.document
    result = item.result
    assert doc is not None and result is not None
    cov = result.coverage
    if not cov.disclosure:
        facts = "不是预算/决算公开材料"
    else:
        facts = " · ".join([doc.kind or "类型未知", f"{doc.year} 年度" if doc.year else "年度未知",
                            doc.entity or "单位未识别", tables_read(doc, cov)])
    findings = sorted([(f, False) for f in result.findings] + [(f, True) for f in result.rounding],
                      key=lambda p: sort_key(p[0]))
    pages = None
    if doc.source == "pdf":
        wanted = {p for f, _ in findings for p in boxes_by_page(f)}
        pages = Pages(item.path, str(n))
        pages.render(wanted)
    groups: dict[str | None, list[tuple[Finding, bool]]] = {}
    for f, rounding in findings:
        groups.setdefault(f.locations[0].table if f.locations else None, []).append((f, rounding))
    order = {t.kind: i for i, t in reversed(list(enumerate(doc.tables)))}
    parts = []
    count = 0
    for kind in sorted(groups, key=lambda k: order.get(k, 999)):
        items = []
        for f, rounding in groups[kind]:
            count += 1
            items.append(_finding(item.path, f, f"{anchor}-f{count}", pages, rounding))
        parts.append(f'<section class="group"><h3>{esc(_heading(doc, kind))}</h3>{"".join(items)}</section>')
    shown = result.shown(show_rounding)
    tally = " ".join(f'<span class="count sev-{s}">{SEVERITY_MARK[s]} {SEVERITY_TEXT[s]} {n}</span>'
                     for s in SEVERITY_ORDER if (n := sum(f.severity == s for f in shown)))
    if not findings:
        tally = ('<span class="clean">✓ 未发现问题</span>' if cov.disclosure and not cov.unread
                 else '<span class="partial">已核对的部分未发现问题</span>')
    hidden = len(result.rounding)
    note = f'<span class="hidden-note">另有 {hidden} 处舍入差异（勾选“显示舍入差异”可查看）</span>' if hidden else ""
    problem = f'<p class="note">{esc(pages.problem)}</p>' if pages is not None and pages.problem else ""
    body = (f'<section class="document" id="{anchor}">{head}<p class="facts">{esc(facts)}</p>{_unread(cov)}'
            f'<p class="tally">{tally} {note}</p>{problem}{"".join(parts)}'
            f'<p class="none-shown" hidden>筛选条件下没有要显示的问题。</p></section>')
    return body, pages.css() if pages is not None else ""


def _summary(results: list[DocumentResult], show_rounding: bool) -> str:
    rows = []
    for n, item in enumerate(results, 1):
        link = f'<a href="#doc-{n}">{esc(item.path)}</a>'
        if not item.ok:
            rows.append(f'<tr class="failed"><td data-sort="{esc(item.path)}">{link}</td><td></td><td></td>'
                        f'<td data-sort="">无法读取：{esc(item.error)}</td><td data-sort="-1"></td>'
                        f'<td data-sort="-1"></td><td data-sort="-1"></td><td data-sort="-1"></td></tr>')
            continue
        doc, result = item.document, item.result
        cov = result.coverage
        shown = result.shown(show_rounding)
        c = {s: sum(f.severity == s for f in shown) for s in SEVERITY_ORDER}
        read = f"{cov.read}/{cov.printed}" if cov.disclosure else "—"
        entity = doc.entity or "" if cov.disclosure else "不是预算/决算公开材料"
        rows.append(
            f'<tr><td data-sort="{esc(item.path)}">{link}</td><td>{esc(doc.kind or "")}</td>'
            f'<td data-sort="{doc.year or 0}">{esc(doc.year or "")}</td><td>{esc(entity)}</td>'
            f'<td data-sort="{cov.read / cov.printed if cov.printed else 1:.3f}" class="num">{read}</td>'
            + "".join(f'<td class="num sev-{s}{" zero" if not c[s] else ""}" data-sort="{c[s]}">{c[s]}</td>'
                      for s in SEVERITY_ORDER) + "</tr>")
    heads = ["文件", "类型", "年度", "单位", "表格（识别/印出）", "错误", "警告", "提示"]
    kinds = ["text", "text", "num", "text", "num", "num", "num", "num"]
    th = "".join(f'<th scope="col" aria-sort="none"><button type="button" data-col="{i}" data-kind="{k}">{h}</button></th>'
                 for i, (h, k) in enumerate(zip(heads, kinds, strict=True)))
    return (f'<table id="summary" class="summary"><caption>汇总（点击列名排序）</caption><thead><tr>{th}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def _filters(results: list[DocumentResult], rules, show_rounding: bool) -> str:
    packs = {}
    for r in rules or []:
        packs.setdefault(family(r.id), r.pack)
    seen: dict[str, int] = {}
    for item in results:
        if item.result is not None:
            for f in item.result.findings + item.result.rounding:
                seen[family(f.rule)] = seen.get(family(f.rule), 0) + 1
    sev = "".join(f'<label><input type="checkbox" name="severity" value="{s}" checked> '
                  f'{SEVERITY_MARK[s]} {SEVERITY_TEXT[s]}</label>' for s in SEVERITY_ORDER)
    fam = "".join(f'<label><input type="checkbox" name="family" value="{esc(k)}" checked> '
                  f'{esc(k)}{" · " + esc(packs[k]) if k in packs else ""} ({n})</label>'
                  for k, n in sorted(seen.items()))
    checked = " checked" if show_rounding else ""
    return (f'<form id="filters" class="filters" aria-label="筛选"><fieldset><legend>级别</legend>{sev}</fieldset>'
            f'<fieldset><legend>规则类别</legend>{fam or "（无）"}</fieldset>'
            f'<fieldset><legend>舍入</legend><label><input type="checkbox" name="rounding"{checked}> 显示舍入差异</label>'
            f'</fieldset><p class="keys">键盘：Tab 切换控件，<kbd>j</kbd>/<kbd>k</kbd> 跳到下一条/上一条问题</p></form>')


CSS = """
:root{--err:#b42318;--warn:#9a6700;--info:#0b6bcb;--hit:#ffe08a;--line:#d0d7de;--muted:#57606a}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1180px;padding:16px 24px 48px;color:#1f2328;background:#fff;line-height:1.55;
font-family:"Microsoft YaHei","微软雅黑","PingFang SC","Hiragino Sans GB","Noto Sans CJK SC","Noto Sans SC",
"Source Han Sans SC","WenQuanYi Micro Hei","SimSun","宋体",system-ui,sans-serif;font-size:15px}
h1{font-size:22px;margin:8px 0 4px}h2{font-size:18px;margin:28px 0 4px;padding-top:12px;border-top:2px solid var(--line);word-break:break-all}
h3{font-size:16px;margin:18px 0 6px;color:#6f42c1}h4{font-size:15px;margin:0 0 6px;font-weight:600}
a.self{color:var(--muted);text-decoration:none}
.meta,.facts,.note,.hidden-note,.keys{color:var(--muted)}
table{border-collapse:collapse}
.summary{width:100%;margin:12px 0}.summary caption{text-align:left;font-weight:600;padding:4px 0}
.summary th,.summary td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left}
.summary th button{font:inherit;font-weight:600;background:none;border:0;padding:0;cursor:pointer;color:inherit}
.summary th[aria-sort=ascending] button::after{content:" ▲"}.summary th[aria-sort=descending] button::after{content:" ▼"}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.summary td.num{text-align:right}.zero{color:#aaa}
.sev-error .sev,td.sev-error:not(.zero),.count.sev-error{color:var(--err)}
.sev-warning .sev,td.sev-warning:not(.zero),.count.sev-warning{color:var(--warn)}
.sev-info .sev,td.sev-info:not(.zero),.count.sev-info{color:var(--info)}
.count{margin-right:12px;font-weight:600}.clean{color:#1a7f37;font-weight:600}.partial{color:var(--warn);font-weight:600}
.filters{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:flex-start;padding:8px 12px;background:#f6f8fa;border:1px solid var(--line);border-radius:6px;position:sticky;top:0;z-index:2}
.filters fieldset{border:0;margin:0;padding:0}.filters legend{font-weight:600;font-size:13px;color:var(--muted)}
.filters label{margin-right:10px;white-space:nowrap}.keys{font-size:13px;margin:0;align-self:center}
.finding{border:1px solid var(--line);border-left:5px solid var(--info);border-radius:6px;padding:10px 14px;margin:10px 0 14px;break-inside:avoid}
.finding.sev-error{border-left-color:var(--err)}.finding.sev-warning{border-left-color:var(--warn)}
.finding:focus{outline:3px solid #0969da;outline-offset:2px}
.finding[data-rounding="1"]{background:#fcfcfc}
.tag{margin-left:8px;font-size:12px;padding:1px 6px;border-radius:10px;background:#eaeef2;color:var(--muted);font-weight:400}
.sides td,.sides th{padding:1px 12px 1px 0;text-align:left;font-weight:400}.sides .num{text-align:right}
.sides .diff th,.sides .diff td{font-weight:700}.sides .where{font-style:italic;color:var(--muted)}
.message{margin:6px 0}.loc{margin:4px 0;color:#0550ae;word-break:break-all}
.evidence{display:flex;flex-direction:column;gap:10px;margin-top:8px}
.excerpt{overflow-x:auto;max-width:100%}
.rows caption{text-align:left;font-weight:600;padding:2px 0}.rows .unit{font-weight:400;color:var(--muted)}
.rows th,.rows td{border:1px solid var(--line);padding:3px 8px;font-size:14px}.rows thead th{background:#f6f8fa;font-weight:600}
.rows tbody th{text-align:left;font-weight:400;white-space:nowrap}.rows th.named{background:var(--hit);font-weight:600}
td.hit{background:var(--hit);font-weight:700;outline:2px solid #d4a72c;outline-offset:-2px}
.rows .at{color:var(--muted);font-size:12px}
.more{color:var(--muted);font-size:13px;margin:2px 0}
blockquote.sentence{margin:0;padding:6px 12px;border-left:4px solid var(--line);background:#f6f8fa}
blockquote .at{color:var(--muted);font-size:12px;margin-right:8px}
mark{background:var(--hit);font-weight:700;padding:0 2px;border-bottom:2px solid #d4a72c}
.page-view{margin:0}.page-view figcaption{color:var(--muted);font-size:13px}
.crop{position:relative;background-repeat:no-repeat;border:1px solid var(--line);max-width:100%;
-webkit-print-color-adjust:exact;print-color-adjust:exact}
.crop .box{position:absolute;border:2.5px solid #e5202e;border-radius:2px;box-shadow:0 0 0 1px rgba(255,255,255,.8)}
.error{color:var(--err);font-weight:600}.unread{color:var(--warn)}
[hidden]{display:none!important}
@media print{.filters,.keys,a.self{display:none}body{max-width:none;padding:0;font-size:11pt}
.finding{break-inside:avoid;page-break-inside:avoid}h2{break-before:page}section.document:first-of-type h2{break-before:auto}
a{color:inherit;text-decoration:none}.excerpt{overflow:visible}}
"""

SCRIPT = """
(function(){
var form=document.getElementById('filters');
function apply(){
 var sev={},fam={},i,boxes=form.querySelectorAll('input[name=severity]');
 for(i=0;i<boxes.length;i++)sev[boxes[i].value]=boxes[i].checked;
 boxes=form.querySelectorAll('input[name=family]');for(i=0;i<boxes.length;i++)fam[boxes[i].value]=boxes[i].checked;
 var rounding=form.querySelector('input[name=rounding]').checked;
 var items=document.querySelectorAll('.finding');
 for(i=0;i<items.length;i++){var f=items[i];
  f.hidden=!(sev[f.dataset.severity]&&fam[f.dataset.family]!==false&&(rounding||f.dataset.rounding!=='1'));}
 var groups=document.querySelectorAll('section.group');
 for(i=0;i<groups.length;i++)groups[i].hidden=!groups[i].querySelector('.finding:not([hidden])');
 var docs=document.querySelectorAll('section.document');
 for(i=0;i<docs.length;i++){var none=docs[i].querySelector('.none-shown');
  if(none)none.hidden=!docs[i].querySelector('.finding')||!!docs[i].querySelector('.finding:not([hidden])');}
}
form.addEventListener('change',apply);apply();
var table=document.getElementById('summary');
if(table){var heads=table.querySelectorAll('thead th');
 Array.prototype.forEach.call(table.querySelectorAll('thead button'),function(b){b.addEventListener('click',function(){
  var col=+b.dataset.col,num=b.dataset.kind==='num',th=b.parentNode;
  var dir=th.getAttribute('aria-sort')==='ascending'?-1:1;
  Array.prototype.forEach.call(heads,function(h){h.setAttribute('aria-sort','none');});
  th.setAttribute('aria-sort',dir>0?'ascending':'descending');
  var body=table.tBodies[0],rows=Array.prototype.slice.call(body.rows);
  function key(r){var c=r.cells[col],v=c.hasAttribute('data-sort')?c.getAttribute('data-sort'):c.textContent;return num?parseFloat(v)||0:v;}
  rows.sort(function(a,b){var x=key(a),y=key(b);return (num?x-y:String(x).localeCompare(String(y),'zh'))*dir;});
  rows.forEach(function(r){body.appendChild(r);});});});}
document.addEventListener('keydown',function(e){
 if(e.target.tagName==='INPUT'||e.target.tagName==='BUTTON'&&e.key===' ')return;
 if(e.key!=='j'&&e.key!=='k')return;
 var shown=Array.prototype.filter.call(document.querySelectorAll('.finding'),function(f){return !f.hidden;});
 if(!shown.length)return;var at=shown.indexOf(document.activeElement);
 var next=e.key==='j'?Math.min(at+1,shown.length-1):Math.max(at-1,0);
 shown[next].focus();shown[next].scrollIntoView({block:'nearest'});e.preventDefault();});
})();
"""


def render(results: list[DocumentResult], rules=None, show_rounding: bool = False, applied=None) -> str:
    sections = []
    styles = []
    for n, item in enumerate(results, 1):
        body, css = _document(n, item, show_rounding)
        sections.append(body)
        styles.append(css)
    totals = {s: 0 for s in SEVERITY_ORDER}
    for item in results:
        if item.result is not None:
            for f in item.result.shown(show_rounding):
                totals[f.severity] = totals.get(f.severity, 0) + 1
    failed = sum(1 for r in results if not r.ok)
    counts = " · ".join(f"{SEVERITY_TEXT[s]} {totals[s]}" for s in SEVERITY_ORDER)
    meta = f"{len(results)} 个文件 · {counts}" + (f" · 无法读取 {failed}" if failed else "")
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="budgetaudit {esc(__version__)}">'
        '<title>budgetaudit 审核报告</title>'
        f'<style>{CSS}</style><style>{"".join(styles)}</style></head><body>'
        f'<header><h1>预算/决算公开审核报告</h1><p class="meta">{esc(meta)} · budgetaudit {esc(__version__)}</p></header>'
        f'<main>{_filters(results, rules, show_rounding)}{_summary(results, show_rounding)}{"".join(sections)}</main>'
        f'<script>{SCRIPT}</script></body></html>\n'
    )
