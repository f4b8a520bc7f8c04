"""Bad inputs in a batch: each gets one line naming the file and what it is, exit 2, no traceback,
and the rest of the batch is still audited and reported."""

from __future__ import annotations

import codecs
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from budgetaudit.errors import InputError
from budgetaudit.loader import load_document
from budgetaudit.readers.text import MAX_LINE_CHARS, MAX_TEXT_BYTES

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
GOOD = SAMPLES / "004_5f76dcfa3f5cef19.txt"


def _zip_bytes(tmp: Path) -> bytes:
    path = tmp / "archive.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("doc.txt", GOOD.read_text("utf-8"))
    return path.read_bytes()


def _bad_files(tmp: Path) -> dict[str, tuple[bytes, str]]:
    """name → (content, what the one line must say)."""
    utf16 = codecs.BOM_UTF16_LE + "收支预算总表\n表1\n".encode("utf-16-le")
    return {
        "empty.txt": (b"", "empty"),
        "blank.txt": (b" \n\t\r\n\n   ", "empty"),
        "binary.txt": (bytes(range(256)) * 40, "not a text file"),
        "pdf-named-txt.txt": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "PDF"),
        "zip-named-txt.txt": (_zip_bytes(tmp), "ZIP"),
        "truncated-utf16.txt": (utf16[:-1], "truncated UTF-16"),
        "undecodable.txt": ("收入总计 1.00\n".encode() + b"\xff\xfe\x80\x81 \xc3\n", "line 2"),
        "one-line.txt": (("收入 1.00 " * (MAX_LINE_CHARS // 4)).encode(), "line 1"),
    }


def _check(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "budgetaudit", "check", "--no-cache", *args],
                          capture_output=True, text=True, timeout=300)


def test_a_batch_with_bad_inputs_reports_each_in_one_line_and_audits_the_rest(tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    bad = _bad_files(tmp_path)
    for name, (content, _) in bad.items():
        (folder / name).write_bytes(content)
    (folder / "good.txt").write_bytes(GOOD.read_bytes())
    (folder / "no-tables.txt").write_text("这是一段说明文字，没有表格。\n\n第二段：本单位无其他事项。\n", "utf-8")
    result = _check(str(folder), "--format", "json")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if not line.startswith("budgetaudit: note:")]
    for name, (_, problem) in bad.items():
        about = [line for line in lines if str(folder / name) in line]
        assert len(about) == 1, (name, result.stderr)
        assert problem in about[0], about[0]
    assert len(lines) == len(bad)
    report = json.loads(result.stdout)
    documents = {Path(d["path"]).name: d for d in report["documents"]}
    assert documents["good.txt"]["findings"], "the good document is still audited"
    # A text with no table and no 情况说明 vocabulary is said once not to be a disclosure (CC507).
    assert [f["rule"] for f in documents["no-tables.txt"]["findings"]] == ["CC507"]


def test_a_text_file_beyond_the_size_limit_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:
        f.truncate(50 * 1024**2)  # 50 MB, sparse: refused by its size alone
    with pytest.raises(InputError) as err:
        load_document(path)
    assert "50 MiB" in err.value.problem and f"{MAX_TEXT_BYTES // 1024**2} MiB" in err.value.problem


def test_an_overlong_line_among_real_lines_is_skipped_not_fatal(tmp_path):
    lines = GOOD.read_text("utf-8").split("\n")
    lines.insert(5, "![image](data:image/png;base64," + "A" * (MAX_LINE_CHARS + 10) + ")")
    path = tmp_path / "doc.md"
    path.write_text("\n".join(lines), "utf-8")
    doc = load_document(path)
    reference = load_document(GOOD)
    assert doc.lines[5].text == ""
    assert [t.kind for t in doc.tables] == [t.kind for t in reference.tables]


@pytest.mark.parametrize("command", ["check", "tables"])
def test_a_report_path_that_cannot_be_written_is_one_line_and_exit_2(tmp_path, command):
    for output, problem in ((tmp_path / "missing" / "out.json", "no folder"), (tmp_path, "is a folder")):
        args = [sys.executable, "-m", "budgetaudit", command, str(GOOD), "--format", "json", "-o", str(output)]
        result = subprocess.run(args, capture_output=True, text=True, timeout=120)
        assert result.returncode == 2
        assert "Traceback" not in result.stderr
        assert result.stderr.count("\n") == 1 and problem in result.stderr and str(output) in result.stderr
