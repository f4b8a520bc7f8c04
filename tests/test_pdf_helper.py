"""The PDF reader's helper process (readers/pdf_guard, pdf._helped_pages): a long file's later pages
are read in a second process while the reader reads the first ones. The lines must be the ones the
reader gives alone, a table continued across the split included; a helper that fails, gives no page
or dies costs time, never a line; a batch of several workers runs without helpers."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

pytest.importorskip("reportlab")

from test_pdf_reader import (  # noqa: E402
    CJK,
    INCOME_CELLS,
    PAGE_W,
    centred,
    mixed_unmapped_pdf,
    new_canvas,
    paragraph,
    right,
    ruled_table,
)

from budgetaudit.batch import run  # noqa: E402
from budgetaudit.readers import pdf as pdf_reader  # noqa: E402
from budgetaudit.readers import pdf_guard  # noqa: E402
from budgetaudit.readers.pdf import read_pdf  # noqa: E402
from budgetaudit.rules import load_rules  # noqa: E402

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the reader process needs fork")

HEAD = [(0, 0, 1, 1, "科目编码"), (0, 1, 1, 1, "科目名称"), (0, 2, 1, 1, "本年支出合计"), (0, 3, 1, 1, "基本支出")]
BODY1 = [(1, 0, 1, 1, "212"), (1, 1, 1, 1, "城乡社区支出"), (1, 2, 1, 1, "3845.24"), (1, 3, 1, 1, "1585.59"),
         (2, 0, 1, 1, "21201"), (2, 1, 1, 1, "城乡社区管理事务"), (2, 2, 1, 1, "1105.68"), (2, 3, 1, 1, "1096.91")]
BODY2 = [(0, 0, 1, 1, "2120101"), (0, 1, 1, 1, "行政运行"), (0, 2, 1, 1, "1105.68"), (0, 3, 1, 1, "1096.91"),
         (1, 0, 1, 2, "合计"), (1, 2, 1, 1, "3845.24"), (1, 3, 1, 1, "1585.59")]


def _footer(c, number: int) -> None:
    c.setFont(CJK, 9)
    c.drawCentredString(PAGE_W / 2, 30, f"- {number} -")
    c.showPage()


def _long_pdf(path: Path) -> Path:
    """Seven pages: prose, prose, a table continued from page 3 onto page 4 (the helper's first of
    seven), a table laid sideways (its characters cross to the reader, not only its glyphs), prose."""
    c = new_canvas(path)
    centred(c, "2024年部门预算情况说明", 780, 16)
    paragraph(c, "本部门2024年收入预算1,009.39万元，支出预算1,009.39万元，均为财政拨款。", 740)
    _footer(c, 1)
    paragraph(c, "基本支出1,585.59万元，主要用于保障机构正常运转。", 780)
    _footer(c, 2)
    centred(c, "支出预算表", 780, 16)
    right(c, "单位：万元", 752)
    ruled_table(c, 730, [60, 160, 90, 90], HEAD + BODY1)
    _footer(c, 3)
    ruled_table(c, 780, [60, 160, 90, 90], BODY2)
    _footer(c, 4)
    c.translate(PAGE_W, 0)
    c.rotate(90)
    c.setFont(CJK, 16)
    c.drawString(300, 550, "收入预算表")
    ruled_table(c, 520, [60, 120, 80, 80], INCOME_CELLS)
    c.showPage()
    paragraph(c, "项目支出2,259.65万元，主要用于城乡社区管理事务。", 780)
    _footer(c, 6)
    paragraph(c, "机关运行经费120.00万元，比上年减少5.00万元。", 780)
    _footer(c, 7)
    c.save()
    return path


def _lines(path: Path) -> list[tuple]:
    return [(line.number, line.page, line.text, line.spans) for line in read_pdf(path)]


# Set in the test before the reader (and its helper) is forked: the helper reads it.
_MARKS: Path | None = None


def _recorded_pages(path: str, name: str, start: int, stop: int, limits):
    """_helped_pages, noting each page the helper hands over."""
    for index, page in _HELPED(path, name, start, stop, limits):
        with open(_MARKS, "a") as fh:
            fh.write(f"{index + 1}\n")
        yield index, page


def _no_pages(path: str, name: str, start: int, stop: int, limits):
    return iter(())


def _failing_pages(path: str, name: str, start: int, stop: int, limits):
    pages = _HELPED(path, name, start, stop, limits)
    yield next(pages)
    raise RuntimeError("the helper fails after its first page")


def _slow_pages(path: str, name: str, start: int, stop: int, limits):
    """_recorded_pages, a fifth of a second a page."""
    for pair in _recorded_pages(path, name, start, stop, limits):
        time.sleep(0.2)
        yield pair


_HELPED = pdf_reader._helped_pages


@pytest.fixture
def helper(monkeypatch, tmp_path: Path) -> Path:
    """The helper on (a second CPU or not), its pages noted in the file returned."""
    global _MARKS
    monkeypatch.setattr(pdf_guard, "PAGE_HELPER", True)
    monkeypatch.setattr(pdf_guard, "_spare_cpu", lambda: True)
    _MARKS = tmp_path / "helped.txt"
    _MARKS.write_text("")
    monkeypatch.setattr(pdf_reader, "_helped_pages", _recorded_pages)
    # The reader waits for the helper's pages (it reads a page itself when it is not there yet).
    monkeypatch.setattr(pdf_reader, "HELPER_WAIT", 30.0)
    return _MARKS


def _alone(path: Path, monkeypatch) -> list[tuple]:
    monkeypatch.setattr(pdf_guard, "PAGE_HELPER", False)
    try:
        return _lines(path)
    finally:
        pdf_guard.close_reader()
        monkeypatch.setattr(pdf_guard, "PAGE_HELPER", True)


def test_later_pages_read_by_the_helper_give_the_same_lines(tmp_path: Path, monkeypatch, helper: Path):
    path = _long_pdf(tmp_path / "预算.pdf")
    alone = _alone(path, monkeypatch)
    assert _lines(path) == alone
    assert helper.read_text().split() == ["4", "5", "6", "7"]  # pages 1–3 are the reader's (0.4 of 7 → 3)
    texts = [(page, text) for _, page, text, _ in alone if text]
    # the table runs on from the reader's page 3 onto the helper's page 4, under one header
    assert (3, "科目编码\t科目名称\t本年支出合计\t基本支出") in texts
    assert (4, "2120101\t行政运行\t1105.68\t1096.91") in texts
    assert not any(page == 4 and text.startswith("科目编码") for page, text in texts)
    assert (5, "合计\t\t1,009.39\t1,009.39") in texts  # the sideways table, read in its own direction
    assert (7, "机关运行经费120.00万元，比上年减少5.00万元。") in texts


def test_a_helper_that_gives_no_page_or_fails_costs_no_line(tmp_path: Path, monkeypatch, helper: Path):
    path = _long_pdf(tmp_path / "预算.pdf")
    alone = _alone(path, monkeypatch)
    monkeypatch.setattr(pdf_reader, "HELPER_WAIT", 0.0)  # (the pages that never come are not waited for)
    for stand_in in (_no_pages, _failing_pages):
        monkeypatch.setattr(pdf_reader, "_helped_pages", stand_in)
        assert _lines(path) == alone, stand_in.__name__
        pdf_guard.close_reader()


def test_glyphs_without_unicode_mapping_read_the_same_by_the_helper(tmp_path: Path, monkeypatch, helper: Path):
    # A font's mapping is checked page by page from the first page the helper may read on, so the
    # helper's pages find the unmapped glyphs the reader alone finds.
    path = mixed_unmapped_pdf(tmp_path / "mixed.pdf", 6)
    alone = _alone(path, monkeypatch)
    assert _lines(path) == alone
    assert helper.read_text().split() == ["3", "4", "5", "6"]
    assert [text.count("(cid:") for _, _, text, _ in alone if text.strip()] == [2] * 6


def test_a_slow_helper_stops_short_of_the_pages_the_reader_takes_from_the_end(tmp_path: Path, monkeypatch,
                                                                               helper: Path):
    path = _long_pdf(tmp_path / "预算.pdf")
    alone = _alone(path, monkeypatch)
    monkeypatch.setattr(pdf_reader, "HELPER_WAIT", 0.0)
    monkeypatch.setattr(pdf_reader, "_helped_pages", _slow_pages)
    assert _lines(path) == alone  # pages 5–7 read here from the end, meanwhile page 4 by both
    time.sleep(1.5)  # (what the helper would still hand over, it has by now)
    assert helper.read_text().split() in ([], ["4"])


def test_a_helper_that_dies_costs_no_line(tmp_path: Path, monkeypatch, helper: Path):
    path = _long_pdf(tmp_path / "预算.pdf")
    alone = _alone(path, monkeypatch)
    assert _lines(path) == alone
    helper_pid = pdf_guard.reader_helper_pid()
    assert helper_pid is not None
    os.kill(helper_pid, signal.SIGKILL)
    helper.write_text("")
    assert _lines(path) == alone  # read by the reader alone now
    assert _lines(path) == alone
    assert helper.read_text() == ""
    assert pdf_guard.reader_pid() is not None


@pytest.mark.parametrize(("jobs", "helpers", "helped"), [(1, None, True), (2, None, False), (1, False, False)])
def test_a_batch_of_several_workers_runs_without_helpers(tmp_path: Path, helper: Path, jobs: int, helpers: bool | None,
                                                          helped: bool):
    # (helpers=False: how the Dask engine runs a chunk, one worker per CPU of the cluster)
    files = [str(_long_pdf(tmp_path / f"预算{k}.pdf")) for k in range(2)]
    results = run(files, load_rules().rules, jobs=jobs, cache=None, helpers=helpers)
    assert all(item.ok for item in results)
    assert bool(helper.read_text().split()) is helped


SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
SHARED_PDFS = sorted((SHARED / "pdfs").glob("*.pdf")) + sorted((SHARED / "corpus").rglob("*.pdf"))


@pytest.mark.slow
@pytest.mark.skipif(not SHARED_PDFS, reason="../shared/pdfs and ../shared/corpus are absent")
def test_the_shared_pdfs_read_the_same_with_the_helpers_pages(monkeypatch, helper: Path):
    """Every line (text, page, number, where its pieces are printed) of every real PDF, read with the
    helper's pages for all pages after the reader's share, is the line the reader gives alone."""
    monkeypatch.setattr(pdf_guard, "PAGE_HELPER", False)
    alone = {path: _lines(path) for path in SHARED_PDFS}
    pdf_guard.close_reader()
    monkeypatch.setattr(pdf_guard, "PAGE_HELPER", True)
    differing = [path.name for path in SHARED_PDFS if _lines(path) != alone[path]]
    assert differing == []
    assert len(set(helper.read_text().split())) > 10  # the helper read pages of them (page numbers noted)
