"""Text input in every encoding departments use; bad input is one clear line and exit code 2."""

import subprocess
import sys
from pathlib import Path

import pytest

from budgetaudit.errors import InputError
from budgetaudit.loader import load_document
from budgetaudit.readers.text import read_lines

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SAMPLE = SAMPLES / "000_d725a45abd8d67de.txt"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le", "utf-16-be"])
def test_every_encoding_reads_the_same_lines(tmp_path, encoding):
    text = SAMPLE.read_text("utf-8")
    path = tmp_path / f"doc-{encoding}.txt"
    path.write_bytes(text.encode(encoding))
    lines = read_lines(path)
    assert [line.raw for line in lines] == text.split("\n")
    assert lines[289].number == 290
    assert lines[289].raw.startswith("2101501\t行政运行\t727.79")


def test_original_text_is_kept_for_messages():
    lines = read_lines(SAMPLES / "002_de1423df86808f62.txt")
    line = lines[224]
    assert "3, 336. 53" in line.raw
    assert "3,336.53" in line.text


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "budgetaudit", *args], capture_output=True, text=True)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (bytes(range(256)) * 8, "not a text file"),
        (b"\x81\x30" * 3 + b"\xff\xfe\xfd" * 50, "encoding"),
    ],
)
def test_bad_files_give_one_line_naming_the_file(tmp_path, content, problem):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        load_document(path)
    assert problem in err.value.problem
    result = _run("tables", str(path))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert str(path) in result.stderr and "Traceback" not in result.stderr


def test_a_folder_and_a_missing_path(tmp_path):
    for path, problem in ((tmp_path, "folder"), (tmp_path / "missing.txt", "no such file")):
        result = _run("tables", str(path))
        assert result.returncode == 2
        assert problem in result.stderr and str(path) in result.stderr
        assert result.stderr.count("\n") == 1


def test_input_files_are_never_modified(tmp_path):
    path = tmp_path / "doc.txt"
    data = SAMPLE.read_bytes()
    path.write_bytes(data)
    load_document(path)
    assert path.read_bytes() == data


def test_page_numbers_are_blank_lines_but_codes_and_cells_are_not(tmp_path):
    body = [f"段落{i}：本单位预算安排情况说明。" for i in range(40)]
    lines = body[:10] + ["- 2 -"] + body[10:20] + ["第 3 页"] + body[20:]
    # bare numbers counting up a page's worth of lines apart are page numbers …
    bare = [*body[:10], "4", *body[10:20], "5", *body[20:30], "6", *body[30:]]
    # … codes and cells on their own lines in a space-layout table are not (003 prints "208", "0")
    table = ["208", "社会保障和就业支出", "0", "20805", "502", "505", "509", "510", "2026/12"]
    path = tmp_path / "doc.txt"
    for text, furniture in ((lines, {"- 2 -", "第 3 页"}), (bare, {"4", "5", "6"}), (table, set())):
        path.write_text("\n".join(text), "utf-8")
        read = read_lines(path)
        assert {line.raw for line in read if line.raw.strip() and not line.text} == furniture
        assert all(line.text for line in read if line.raw not in furniture)


def test_markdown_headings_and_emphasis_are_dropped_outside_table_rows(tmp_path):
    path = tmp_path / "doc.md"
    path.write_text("# 第一部分 概况\n**收支预算总表**\n- 收入 **1.00** 万元\n合计\t**x**\n", "utf-8")
    assert [line.text for line in read_lines(path)] == ["第一部分 概况", "收支预算总表", "- 收入 1.00 万元",
                                                         "合计\t**x**", ""]


def test_a_few_stray_nul_bytes_do_not_make_text_binary(tmp_path):
    data = SAMPLE.read_bytes()
    path = tmp_path / "doc.txt"
    path.write_bytes(data[:100] + b"\x00" + data[100:5000] + b"\x00\x00" + data[5000:])
    assert [t.kind for t in load_document(path).tables] == [t.kind for t in load_document(SAMPLE).tables]
