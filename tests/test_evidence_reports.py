"""Evidence a reviewer can see (issue 10): boxes through the model, the xlsx workbook and the HTML
report, checked by parsing and, where a Chromium is installed, in a real headless browser."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # pytest -m 'not slow': the quick subset (README)

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
PDFS = ROOT.parent / "shared" / "pdfs"
WORK_PDF = PDFS / "中共上海市普陀区委社会工作部 2024 年度部门决算.pdf"
PLAN_PDF = PDFS / "上海市普陀区规划和自然资源局 2024 年度部门决算.pdf"
ARTIFACTS = Path(os.environ.get("BUDGETAUDIT_ARTIFACTS", ROOT / ".artifacts"))

needs_pdfs = pytest.mark.skipif(not PLAN_PDF.is_file() or not WORK_PDF.is_file(),
                                reason="../shared/pdfs is not beside the checkout")


def check(*args: str, cache: Path) -> tuple[int, float]:
    env = {**os.environ, "BUDGETAUDIT_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "budgetaudit", "check", *args], env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr
    return done.returncode, time.perf_counter() - started


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """The samples (and the PDFs when present) as JSON, xlsx and HTML, with rounding shown."""
    out = tmp_path_factory.mktemp("reports")
    cache = out / "cache"
    inputs = [str(SAMPLES)] + ([str(PDFS)] if PDFS.is_dir() else [])
    check(*inputs, "--format", "json", "-o", str(out / "r.json"), "--show-rounding", cache=cache)  # fills the cache
    _, json_seconds = check(*inputs, "--format", "json", "-o", str(out / "r.json"), "--show-rounding", cache=cache)
    _, html_seconds = check(*inputs, "--format", "html", "-o", str(out / "r.html"), "--show-rounding", cache=cache)
    check(*inputs, "--format", "xlsx", "-o", str(out / "r.xlsx"), "--show-rounding", cache=cache)
    return {"dir": out, "json": json.loads((out / "r.json").read_text("utf-8")), "html": out / "r.html",
            "xlsx": out / "r.xlsx", "seconds": (json_seconds, html_seconds)}


# ---------------------------------------------------------------- boxes in the model


@needs_pdfs
def test_every_cell_read_from_a_pdf_knows_its_box_on_its_page():
    from budgetaudit.loader import load_document

    doc = load_document(WORK_PDF)
    cells = [(row, c) for t in doc.tables for row in t.rows for c in row.cells]
    assert cells
    for row, c in cells:
        assert c.box is not None, (row.name, c.raw)
        x0, top, x1, bottom = c.box
        assert 0 <= x0 < x1 <= 842 and 0 <= top < bottom <= 842 and c.page is not None
    # a row's cells stand side by side on one printed row: same band, left to right
    row = next(r for t in doc.tables for r in t.rows if len(r.cells) >= 3)
    boxes = [c.box for c in row.cells]
    assert [b[0] for b in boxes] == sorted(b[0] for b in boxes)
    assert max(b[1] for b in boxes) < min(b[3] for b in boxes)


def test_text_documents_have_no_boxes_and_their_json_locations_are_unchanged(reports):
    doc = next(d for d in reports["json"]["documents"] if d["path"].endswith("001_1d4d26261698f388.txt"))
    for f in doc["findings"]:
        for loc in f["locations"]:
            assert set(loc) == {"path", "line", "page", "table", "row", "column"}


@needs_pdfs
def test_pdf_findings_locate_their_numbers_with_boxes_in_json(reports):
    doc = next(d for d in reports["json"]["documents"] if d["path"].endswith(PLAN_PDF.name))
    located = [loc for f in doc["findings"] for loc in f["locations"] if loc.get("box")]
    assert located
    for loc in located:
        x0, top, x1, bottom = loc["box"]
        assert x0 < x1 and top < bottom and loc["page"] is not None


# ---------------------------------------------------------------- xlsx


def test_the_workbook_holds_every_finding_of_the_json_report_in_order(reports):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(reports["xlsx"])
    assert book.sheetnames == ["问题", "文件"]
    sheet = book["问题"]
    assert [c.value for c in sheet[1]] == ["文件", "规则", "级别", "标题", "说明", "应为", "实为", "差额", "位置", "页/行"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    expected = [(d["path"], f) for d in reports["json"]["documents"] for f in d["findings"]]
    assert len(rows) == len(expected) > 0
    for row, (path, f) in zip(rows, expected, strict=True):
        assert (row[0], row[1], row[4]) == (path, f["rule"], f["message"])
        for got, want in zip(row[5:8], (f["expected"], f["actual"], f["difference"]), strict=True):
            assert (got is None and want is None) or float(got) == pytest.approx(float(want))
    docs = book["文件"]
    assert [r[0].value for r in docs.iter_rows(min_row=2)] == [d["path"] for d in reports["json"]["documents"]]


def test_the_workbook_is_refused_on_a_terminal_and_never_written_over_an_input(tmp_path):
    target = tmp_path / "doc.txt"
    shutil.copy(SAMPLES / "000_d725a45abd8d67de.txt", target)
    before = target.read_bytes()
    done = subprocess.run([sys.executable, "-m", "budgetaudit", "check", str(target), "--format", "xlsx", "-o",
                           str(target), "--no-cache"], env={**os.environ, "PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "is one of the inputs" in done.stderr
    assert target.read_bytes() == before


# ---------------------------------------------------------------- HTML, parsed


class Page(HTMLParser):
    """The report's findings with what their evidence shows."""

    def __init__(self):
        super().__init__()
        self.findings: list[dict] = []
        self.external: list[str] = []
        self.summary_links: list[str] = []
        self.ids: set[str] = set()
        self._in_summary = False
        self._text_target: dict | None = None
        self._in_message = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        for key in ("src", "href"):
            if a.get(key) and not a[key].startswith(("#", "data:")):
                self.external.append(a[key])
        if tag == "link":
            self.external.append(str(a))
        if tag == "table" and a.get("id") == "summary":
            self._in_summary = True
        if tag == "a" and self._in_summary and a.get("href", "").startswith("#doc-"):
            self.summary_links.append(a["href"][1:])
        if tag == "article" and "finding" in a.get("class", ""):
            self.findings.append({"id": a["id"], "severity": a["data-severity"], "rounding": a["data-rounding"],
                                  "hits": 0, "marks": 0, "crops": 0, "boxes": 0, "message": ""})
        f = self.findings[-1] if self.findings else None
        if f is None:
            return
        cls = a.get("class", "") or ""
        if tag == "td" and "hit" in cls.split():
            f["hits"] += 1
        if tag == "mark":
            f["marks"] += 1
        if "crop" in cls.split():
            f["crops"] += 1
        if tag == "span" and cls == "box":
            f["boxes"] += 1
        if tag == "p" and cls == "message":
            self._in_message = True

    def handle_endtag(self, tag):
        if tag == "table":
            self._in_summary = False
        if tag == "p":
            self._in_message = False

    def handle_data(self, data):
        if self._in_message and self.findings:
            self.findings[-1]["message"] += data


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text("utf-8"))
    return page


def test_the_html_report_is_one_offline_file_with_every_finding_and_its_evidence(reports):
    page = parse(reports["html"])
    assert page.external == []  # no network, no other file
    documents = reports["json"]["documents"]
    assert all(link in page.ids for link in page.summary_links) and len(page.summary_links) == len(documents)
    # every finding of every document (the page groups them by table, as the text report does)
    pairs = []
    for n, doc in enumerate(documents, 1):
        shown = sorted((f for f in page.findings if f["id"].startswith(f"doc-{n}-")), key=lambda f: f["message"])
        wanted = sorted(doc["findings"], key=lambda f: f["message"])
        assert [f["message"] for f in shown] == [f["message"] for f in wanted], doc["path"]
        pairs += [(s, doc, f) for s, f in zip(shown, wanted, strict=True)]
    assert pairs
    for shown, doc, f in pairs:
        cells = [loc for loc in f["locations"] if loc["table"] not in (None, "说明") and loc["column"]]
        if cells:
            assert shown["hits"] >= 1, f["message"]  # the cells it uses, highlighted
        if any(loc.get("box") for loc in f["locations"]):
            assert shown["crops"] >= 1 and shown["boxes"] >= 1, f["message"]  # the page, numbers boxed
        if doc["path"].endswith(".txt"):
            assert shown["crops"] == 0
        if any(loc["table"] == "说明" for loc in f["locations"]):
            assert shown["marks"] >= 1 or shown["hits"] >= 1, f["message"]


@needs_pdfs
def test_the_html_of_the_samples_and_the_pdfs_is_small_and_quick(reports):
    size = reports["html"].stat().st_size
    assert size < 5 * 1024**2, size
    json_seconds, html_seconds = reports["seconds"]
    # both from the cache: the HTML adds the page images; generous on a busy machine
    assert html_seconds < 2 * json_seconds + 5, reports["seconds"]


# ---------------------------------------------------------------- HTML, in a browser


def browser() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


PROBE = """<script>
window.addEventListener('load', function () {
  function visible(e) { var r = e.getBoundingClientRect(), s = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; }
  var out = {findings: 0, hits: 0, crops: 0, images: 0, boxes: 0, marks: 0, rounding_hidden: 0};
  document.querySelectorAll('.finding').forEach(function (f) { if (visible(f)) out.findings++;
    else if (f.dataset.rounding === '1') out.rounding_hidden++; });
  document.querySelectorAll('td.hit').forEach(function (e) { if (visible(e)) out.hits++; });
  document.querySelectorAll('mark').forEach(function (e) { if (visible(e)) out.marks++; });
  document.querySelectorAll('.crop').forEach(function (e) { if (visible(e)) { out.crops++;
    if (getComputedStyle(e).backgroundImage.indexOf('url("data:image/png') === 0) out.images++; } });
  document.querySelectorAll('.crop .box').forEach(function (e) { if (visible(e)) out.boxes++; });
  var p = document.createElement('pre'); p.id = 'probe'; p.textContent = JSON.stringify(out);
  document.body.appendChild(p);
});
</script>"""


def run_browser(exe: str, url: str, *extra: str) -> subprocess.CompletedProcess:
    profile = tempfile.mkdtemp(prefix="budgetaudit-chromium-")
    try:
        return subprocess.run(
            [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--virtual-time-budget=5000", *extra, url],
            capture_output=True, text=True, timeout=180)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


@needs_pdfs
def test_in_a_browser_the_findings_highlighted_cells_and_page_images_are_visible(tmp_path):
    exe = browser()
    if exe is None:
        pytest.skip("no Chromium on this machine (install the Debian package chromium); the HTML is "
                    "checked by parsing in the other tests")
    report = tmp_path / "report.html"
    code, _ = check(str(PLAN_PDF), str(SAMPLES / "001_1d4d26261698f388.txt"), "--format", "html", "-o", str(report),
                    cache=tmp_path / "cache")
    assert code == 1
    probe = tmp_path / "probe.html"
    probe.write_text(report.read_text("utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8")
    done = run_browser(exe, probe.as_uri(), "--dump-dom")
    assert "id=\"probe\"" in done.stdout, done.stderr[-2000:]
    seen = json.loads(done.stdout.split('<pre id="probe">', 1)[1].split("</pre>", 1)[0])
    shown = len([f for f in parse(report).findings if f["rounding"] == "0"])
    assert seen["findings"] == shown > 0
    assert seen["rounding_hidden"] > 0  # differences within rounding wait for the switch
    assert seen["hits"] > 0 and seen["marks"] > 0
    assert seen["crops"] > 0 and seen["images"] == seen["crops"] and seen["boxes"] >= seen["crops"]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "report.png"
    run_browser(exe, report.as_uri(), "--window-size=1100,1600", f"--screenshot={shot}")
    assert shot.is_file() and shot.stat().st_size > 20_000  # kept as the test's artefact


@needs_pdfs
def test_the_cache_never_changes_the_html_report(tmp_path):
    """Boxes and evidence travel in the cached result: a cached run writes the same page as a fresh one."""
    fresh, first, cached = tmp_path / "fresh.html", tmp_path / "first.html", tmp_path / "cached.html"
    check(str(PLAN_PDF), "--format", "html", "-o", str(fresh), "--no-cache", cache=tmp_path / "cache")
    check(str(PLAN_PDF), "--format", "html", "-o", str(first), cache=tmp_path / "cache")
    check(str(PLAN_PDF), "--format", "html", "-o", str(cached), cache=tmp_path / "cache")
    assert fresh.read_bytes() == first.read_bytes() == cached.read_bytes()
    assert b'class="box"' in cached.read_bytes()
