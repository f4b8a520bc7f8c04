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
