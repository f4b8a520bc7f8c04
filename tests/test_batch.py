"""Batches as a user runs them: many files, worker processes, bad inputs, crashes and hangs.

Misbehaving documents are simulated by replacing the table recogniser (``budgetaudit.loader.recognize``)
for files whose name says what should go wrong; workers are forked, so they see the replacement.
"""

from __future__ import annotations

import faulthandler
import json
import os
import shutil
import signal
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetaudit import batch, loader
from budgetaudit.cli import app
from budgetaudit.rules import load_rules

pytestmark = pytest.mark.slow  # pytest -m 'not slow': the quick subset (README)

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
S000 = SAMPLES / "000_d725a45abd8d67de.txt"
S002 = SAMPLES / "002_de1423df86808f62.txt"
PDF_TEMPLATE = Path(__file__).resolve().parent.parent.parent / "shared" / "pdfs" / "附件2：部门决算模板.pdf"

runner = CliRunner()
forked = pytest.mark.skipif(batch._context().get_start_method() != "fork",
                            reason="simulated failures reach workers only when they are forked")


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("BUDGETAUDIT_CACHE_DIR", str(tmp_path / "cache"))


def run(*args):
    return runner.invoke(app, ["check", *map(str, args)])


def broken_000(folder: Path, name: str = "000_broken.txt") -> Path:
    """Sample 000 with 收入总计 (line 252) misprinted 7,676.28 instead of 7,667.28."""
    lines = S000.read_text("utf-8").split("\n")
    lines[251] = lines[251].replace("7,667.28", "7,676.28", 1)
    path = folder / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.fixture
def mixed(tmp_path):
    """Two good documents, an empty file, a binary file and a corrupt PDF."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    broken_000(folder, "a_broken.txt")
    shutil.copy(S002, folder / "b_final.txt")
    (folder / "c_empty.txt").write_bytes(b"")
    (folder / "d_binary.txt").write_bytes(bytes(range(256)) * 20)
    (folder / "e_corrupt.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ngarbage\n%%EOF\n")
    return folder


def test_a_mixed_folder_is_audited_completely(mixed):
    result = run(mixed, "--format", "json", "--jobs", "2")
    assert result.exit_code == 2
    docs = {Path(d["path"]).name: d for d in json.loads(result.stdout)["documents"]}
    assert list(docs) == ["a_broken.txt", "b_final.txt", "c_empty.txt", "d_binary.txt", "e_corrupt.pdf"]
    bt101 = next(f for f in docs["a_broken.txt"]["findings"] if f["rule"] == "BT101")
    assert bt101["message"] == "收入总计 7,676.28 ≠ 支出总计 7,667.28（差 9.00 万元）"
    assert bt101["locations"][0]["line"] == 252
    assert docs["b_final.txt"]["status"] == "ok" and docs["b_final.txt"]["kind"] == "决算"
    assert docs["b_final.txt"]["findings"]
    assert docs["c_empty.txt"]["error"] == "the file is empty"
    assert docs["d_binary.txt"]["error"] == "not a text file (binary content)"
    assert docs["e_corrupt.pdf"]["status"] == "error" and "damaged PDF" in docs["e_corrupt.pdf"]["error"]
    bad_lines = [line for line in result.stderr.splitlines() if line.startswith("budgetaudit: ")]
    assert bad_lines == [f"budgetaudit: {mixed / n}: {docs[n]['error']}"
                         for n in ("c_empty.txt", "d_binary.txt", "e_corrupt.pdf")]
    assert "Traceback" not in result.output


def test_the_text_summary_lists_the_worst_document_first(mixed):
    result = run(mixed, "--jobs", "2", "--color", "never")
    assert result.exit_code == 2
    summary = result.stdout[result.stdout.index("汇总"):]
    order = [name for name in ("c_empty", "d_binary", "e_corrupt", "a_broken", "b_final") if name in summary]
    assert order == sorted(order, key=summary.index)
    assert sum(1 for line in summary.splitlines() if "无法读取" in line and "│" in line) == 3
    assert "3 个文件无法读取" in summary


def test_jobs_2_gives_byte_identical_reports(mixed):
    for fmt in ("json", "text", "sarif", "junit", "github"):
        one = run(mixed, "--format", fmt, "--jobs", "1", "--no-cache", "--color", "never")
        two = run(mixed, "--format", fmt, "--jobs", "2", "--no-cache", "--color", "never")
        assert one.exit_code == two.exit_code == 2
        assert one.stdout == two.stdout, fmt
        assert one.stderr == two.stderr


def test_a_cached_run_reports_the_same_bytes(mixed):
    cold = run(mixed, "--format", "json", "--jobs", "2")
    warm = run(mixed, "--format", "json", "--jobs", "2")
    assert cold.stdout == warm.stdout and cold.exit_code == warm.exit_code == 2


def _misbehaving_recognizer(monkeypatch, spawn_marker: Path | None = None):
    real = loader.recognize

    def recognize(lines, path, source="text"):
        name = Path(path).name
        if name.startswith("hang"):
            if spawn_marker is not None:  # something the worker started, as the PDF reader does
                pid = os.fork()
                if pid == 0:
                    time.sleep(600)
                    os._exit(0)
                spawn_marker.write_text(str(pid))
            time.sleep(600)
        if name.startswith("crash"):
            faulthandler.disable()  # pytest's handler would print a traceback for the expected crash
            os.kill(os.getpid(), signal.SIGSEGV)
        if name.startswith("killed"):
            os.kill(os.getpid(), signal.SIGKILL)
        if name.startswith("bug"):
            raise KeyError("列")
        if name.startswith("hog"):
            bytearray(1024**3)
        return real(lines, path, source)

    monkeypatch.setattr(loader, "recognize", recognize)


@forked
def test_a_crashing_or_killed_document_is_a_failed_input(tmp_path, monkeypatch):
    _misbehaving_recognizer(monkeypatch)
    shutil.copy(S002, tmp_path / "a_first.txt")
    shutil.copy(S002, tmp_path / "crash.txt")
    shutil.copy(S002, tmp_path / "killed.txt")
    shutil.copy(S002, tmp_path / "bug.txt")
    broken_000(tmp_path, "z_last.txt")
    result = run(tmp_path, "--format", "json", "--jobs", "2", "--no-cache")
    assert result.exit_code == 2
    docs = {Path(d["path"]).name: d for d in json.loads(result.stdout)["documents"]}
    assert list(docs) == ["a_first.txt", "bug.txt", "crash.txt", "killed.txt", "z_last.txt"]
    assert docs["crash.txt"]["error"] == "the audit crashed on this file (SIGSEGV)"
    assert docs["killed.txt"]["error"].startswith("the audit process was killed (SIGKILL)")
    assert docs["bug.txt"]["error"] == "internal error while auditing (KeyError: '列'); please report it"
    assert docs["a_first.txt"]["status"] == "ok" and docs["a_first.txt"]["findings"]
    assert any(f["rule"] == "BT101" for f in docs["z_last.txt"]["findings"])
    assert f"budgetaudit: {tmp_path / 'crash.txt'}: the audit crashed on this file (SIGSEGV)" in result.stderr


def _gone(pid: int) -> bool:
    """The process has ended (a zombie waiting for its reaper counts as ended)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True


@forked
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_hanging_document_is_stopped_at_the_timeout_with_what_it_started(tmp_path, monkeypatch):
    marker = tmp_path / "child.pid"
    _misbehaving_recognizer(monkeypatch, spawn_marker=marker)
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(S002, folder / "hang.txt")
    broken_000(folder, "later.txt")
    result = run(folder, "--format", "json", "--jobs", "1", "--timeout", "1", "--no-cache")
    assert result.exit_code == 2
    hang, later = json.loads(result.stdout)["documents"]
    assert hang["error"] == "the audit was stopped after 1 s (the limit per file, --timeout)"
    assert any(f["rule"] == "BT101" for f in later["findings"])  # a fresh worker took over
    child = int(marker.read_text())
    for _ in range(100):  # the kill is immediate; reaping the orphan may take a moment
        if _gone(child):
            break
        time.sleep(0.05)
    assert _gone(child)


@forked
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="address-space limits as on Linux")
def test_a_document_that_exhausts_memory_is_a_failed_input(tmp_path, monkeypatch):
    _misbehaving_recognizer(monkeypatch)
    shutil.copy(S002, tmp_path / "hog.txt")
    good = broken_000(tmp_path, "good.txt")
    rules = load_rules().rules
    hog, after = batch.run([str(tmp_path / "hog.txt"), str(good)], rules, jobs=1, memory=256 * 1024**2)
    assert hog.error == "the audit needed more than 256 MiB of memory and was stopped"
    assert after.ok and any(f.rule == "BT101" for f in after.result.findings)


def test_results_keep_the_input_order_whatever_finishes_first(tmp_path):
    files = []
    for i in range(6):  # long and short documents interleaved
        src = S000 if i % 2 else SAMPLES / "004_5f76dcfa3f5cef19.txt"
        files.append(str(shutil.copy(src, tmp_path / f"{i}.txt")))
    results = batch.run(files, load_rules().rules, jobs=3)
    assert [r.path for r in results] == files
    assert all(r.ok and r.document.path == r.path for r in results)


def test_reports_see_metadata_and_table_headings_not_lines(tmp_path):
    (item,) = batch.run([str(S000)], load_rules().rules, jobs=1)
    doc = item.document
    assert (doc.kind, doc.year, doc.entity) == ("预算", 2026, "辽宁省医疗保障局本级")
    assert doc.lines == [] and all(t.rows == [] for t in doc.tables)
    assert {"收支预算总表", "收入预算总表"} <= {t.kind for t in doc.tables}
    assert all(t.first_line > 0 for t in doc.tables)


@pytest.mark.skipif(not PDF_TEMPLATE.exists(), reason="../shared/pdfs is absent")
def test_a_real_pdf_in_a_batch(tmp_path):
    shutil.copy(PDF_TEMPLATE, tmp_path / "template.pdf")
    shutil.copy(S002, tmp_path / "final.txt")
    result = run(tmp_path, "--format", "json", "--jobs", "2")
    docs = json.loads(result.stdout)["documents"]
    assert [Path(d["path"]).name for d in docs] == ["final.txt", "template.pdf"]
    assert docs[1]["status"] == "ok" and docs[1]["kind"] == "决算"


def test_progress_bar_only_on_a_terminal_with_several_files(mixed, monkeypatch):
    result = run(mixed, "--format", "json")
    assert "审核" not in result.stderr and "\x1b[" not in result.stderr  # stderr is not a terminal here
    drawn = []
    monkeypatch.setattr(batch, "_is_terminal", lambda stream: True)
    monkeypatch.setattr(batch.ProgressBar, "advance", lambda self, item: drawn.append(item.path))
    run(mixed, "--format", "json")
    assert sorted(drawn) == sorted(str(p) for p in mixed.iterdir())
    drawn.clear()
    run(mixed / "a_broken.txt", "--format", "json")
    assert drawn == []  # one file: no bar
