"""The PDF reader process kept between files (readers/pdf_guard.run_served): one process reads
file after file under the per-file bounds, a file that hits a bound costs only its own result, a
forked process never shares its parent's reader, and no reader outlives its owner."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("reportlab")

from test_pdf_reader import CJK, _raw_pdf, new_canvas  # noqa: E402

from budgetaudit.errors import InputError  # noqa: E402
from budgetaudit.readers import pdf as pdf_reader  # noqa: E402
from budgetaudit.readers import pdf_guard  # noqa: E402
from budgetaudit.readers.pdf import read_pdf  # noqa: E402

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the reader process needs fork")


def _page(path: Path, text: str) -> Path:
    c = new_canvas(path)
    c.setFont(CJK, 12)
    c.drawString(72, 700, text)
    c.save()
    return path


def _texts(path: Path) -> list[str]:
    return [line.text for line in read_pdf(path) if line.text.strip()]


def test_one_reader_process_reads_file_after_file(tmp_path: Path):
    first = _page(tmp_path / "a.pdf", "收入预算总额1,234.56万元。")
    second = _page(tmp_path / "b.pdf", "支出预算总额987.65万元。")
    assert pdf_guard.reader_pid() is None
    assert _texts(first) == ["收入预算总额1,234.56万元。"]
    pid = pdf_guard.reader_pid()
    assert pid is not None and pid != os.getpid()
    assert _texts(second) == ["支出预算总额987.65万元。"]
    assert _texts(first) == ["收入预算总额1,234.56万元。"]
    assert pdf_guard.reader_pid() == pid  # the same process read all three


def test_a_file_that_hits_the_time_limit_costs_only_its_own_result(tmp_path: Path, monkeypatch):
    good = _page(tmp_path / "good.pdf", "一般公共预算拨款收入500.00万元。")
    assert _texts(good) == ["一般公共预算拨款收入500.00万元。"]
    before = pdf_guard.reader_pid()
    monkeypatch.setattr(pdf_reader, "TIME_LIMIT", 1.0)
    slow = tmp_path / "slow.pdf"
    slow.write_bytes(_raw_pdf(b"0 0 m 10 10 l S\n" * 1_500_000))
    with pytest.raises(InputError, match="stopped after 1 s"):
        read_pdf(slow)
    assert pdf_guard.reader_pid() is None  # killed, not left reading
    assert not _alive(before)
    assert _texts(good) == ["一般公共预算拨款收入500.00万元。"]  # a fresh reader for the next file
    assert pdf_guard.reader_pid() not in (None, before)


def test_a_reader_replaced_after_its_quota_of_files_reads_on(tmp_path: Path, monkeypatch):
    # The replacement is forked while the old reader's pipes are closed: their numbers are free for
    # the new pipes, and a forked process closes the pipes of the reader it knows of (a batch
    # worker must not talk to its parent's reader), so it must know of none then.
    monkeypatch.setattr(pdf_guard, "MAX_SERVED", 1)
    good = _page(tmp_path / "good.pdf", "一般公共预算拨款收入500.00万元。")
    readers = []
    for _ in range(3):
        assert _texts(good) == ["一般公共预算拨款收入500.00万元。"]
        readers.append(pdf_guard.reader_pid())
    assert len(set(readers)) == 3  # one reader per file
    assert not any(map(_alive, readers[:2]))


def test_a_file_that_exhausts_memory_costs_only_its_own_result(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(pdf_reader, "MEMORY_LIMIT", 64 * 1024 * 1024)
    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(_raw_pdf(b" " * (400 * 1024 * 1024)))
    with pytest.raises(InputError, match="64 MiB"):
        read_pdf(bomb)
    good = _page(tmp_path / "good.pdf", "基本支出300.00万元。")
    assert _texts(good) == ["基本支出300.00万元。"]


def test_a_forked_process_reads_with_a_reader_of_its_own(tmp_path: Path):
    good = _page(tmp_path / "good.pdf", "项目支出200.00万元。")
    assert _texts(good) == ["项目支出200.00万元。"]
    parent_reader = pdf_guard.reader_pid()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # a batch worker forked from a process that already reads PDFs
        status = 1
        try:
            os.close(read_end)
            ok = pdf_guard.reader_pid() is None and _texts(good) == ["项目支出200.00万元。"]
            ok = ok and pdf_guard.reader_pid() not in (None, parent_reader)
            os.write(write_end, b"ok" if ok else b"no")
            status = 0
        finally:
            pdf_guard.close_reader()
            os._exit(status)
    os.close(write_end)
    answer = os.read(read_end, 16)
    os.close(read_end)
    os.waitpid(pid, 0)
    assert answer == b"ok"
    assert pdf_guard.reader_pid() == parent_reader  # the child's exit left the parent's reader alone
    assert _texts(good) == ["项目支出200.00万元。"]


def test_no_reader_outlives_its_owner(tmp_path: Path):
    good = _page(tmp_path / "good.pdf", "公用经费50.00万元。")
    script = ("import sys; from budgetaudit.readers.pdf import read_pdf; from budgetaudit.readers import pdf_guard; "
              "pdf_guard._spare_cpu = lambda: True; "  # (so that it has a helper on a machine of one CPU too)
              "read_pdf(sys.argv[1]); print(pdf_guard.reader_pid(), pdf_guard.reader_helper_pid())")
    for tail in ("", "; import os; os._exit(0)"):  # a normal exit, and one that skips all cleanup
        done = subprocess.run([sys.executable, "-c", script + tail, str(good)], capture_output=True, text=True,
                              timeout=60, cwd=Path(__file__).resolve().parent.parent)
        assert done.returncode == 0, done.stderr
        processes = [int(pid) for pid in done.stdout.split()[-2:]]
        assert len(processes) == 2  # the reader and its helper
        deadline = time.monotonic() + 10
        while any(map(_alive, processes)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(map(_alive, processes))


def _alive(pid: int | None) -> bool:
    if pid is None:
        return False
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
