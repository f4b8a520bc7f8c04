"""Hostile inputs and environments (issue 11): each case the harness found, as a user meets it.

Every case runs the real command in a subprocess (the standard streams and the exit code are the
contract): no traceback, one line naming the file, the right exit code, inputs left untouched.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fuzz.hostile import pdf_of

from budgetaudit.report.output import OutputError, write_report

pytestmark = pytest.mark.slow  # pytest -m 'not slow': the quick subset (README)

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "000_d725a45abd8d67de.txt"
PDFS = ROOT.parent / "shared" / "pdfs"


def run(*args: str, env: dict | None = None, timeout: float = 120, **kw) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "budgetaudit", *args], capture_output=True, text=True,
                          timeout=timeout, env=full_env, **kw)


def one_line(result: subprocess.CompletedProcess, *names: str) -> str:
    """The single error line, checked: no traceback, it names every one of ``names``."""
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("budgetaudit: ")
             and not line.startswith("budgetaudit: note:")]
    assert len(lines) == 1, result.stderr
    for name in names:
        assert str(name) in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def doc(tmp_path) -> Path:
    path = tmp_path / "x.txt"
    shutil.copy(SAMPLE, path)
    return path


# ---------------------------------------------------------------- 1. the report never overwrites an input


@pytest.mark.parametrize("how", ["same", "symlink", "hardlink"])
def test_the_report_path_may_not_be_an_input_by_name_or_by_link(doc, tmp_path, how):
    before = doc.read_bytes()
    target = doc
    if how == "symlink":
        target = tmp_path / "link.txt"
        target.symlink_to(doc)
    elif how == "hardlink":
        target = tmp_path / "hard.txt"
        os.link(doc, target)
    for command in (["check", str(doc), "--no-cache"], ["tables", str(doc)]):
        result = run(*command, "-o", str(target))
        assert result.returncode == 2
        assert "is one of the inputs" in one_line(result, target)
    assert doc.read_bytes() == before


def test_a_failed_report_write_leaves_the_older_report_and_no_temporary_file(tmp_path, monkeypatch):
    report = tmp_path / "report.json"
    report.write_text("older report\n", "utf-8")

    def full_disk(*_):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OutputError, match="report.json: cannot write the report"):
        write_report(report, "new report\n")
    assert report.read_text("utf-8") == "older report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]


def test_a_report_is_written_whole_with_the_target_s_permissions(tmp_path):
    report = tmp_path / "r.txt"
    report.write_text("old", "utf-8")
    report.chmod(0o640)
    write_report(report, "新报告\n")
    assert report.read_text("utf-8") == "新报告\n" and (report.stat().st_mode & 0o777) == 0o640


# ---------------------------------------------------------------- 2. write failures and encodings


@pytest.mark.parametrize("target", ["/dev/full", "/proc/budgetaudit-report.json"])
def test_an_unwritable_report_path_is_one_line_and_exit_2(doc, target):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full or /proc here")
    for fmt in ("text", "json"):
        result = run("check", str(doc), "--no-cache", "-f", fmt, "-o", target)
        assert result.returncode == 2
        assert "cannot write the report" in one_line(result, target)


def test_a_full_disk_behind_standard_output_is_one_line(doc):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "budgetaudit", "check", str(doc), "--no-cache"],
                                stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert result.returncode == 2
    assert "standard output" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("command", [["check", "--no-cache"], ["tables"]])
def test_closed_standard_output_is_one_line_and_exit_2(doc, command):
    code = "import os, runpy, sys; os.close(1); sys.argv = ['budgetaudit', *sys.argv[1:]]; " \
           "runpy.run_module('budgetaudit', run_name='__main__')"
    result = subprocess.run([sys.executable, "-c", code, command[0], str(doc), *command[1:]],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "standard output is closed" in result.stderr and "Traceback" not in result.stderr


def test_a_reader_that_stops_reading_ends_the_command_quietly(doc):
    proc = subprocess.Popen([sys.executable, "-m", "budgetaudit", "tables", str(doc), "-f", "json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout.readline()
    proc.stdout.close()  # | head -1
    _, err = proc.communicate(timeout=120)
    # 141 when the writer meets the closed pipe; 0 when the whole report fitted in the pipe's buffer
    # before the reader left (timing): either way quietly, without a line on stderr.
    assert proc.returncode in (0, 141), err
    assert err.decode() == ""


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_an_ascii_terminal_gets_escapes_not_a_traceback(doc, fmt):
    result = run("check", str(doc), "--no-cache", "-f", fmt, env={"PYTHONIOENCODING": "ascii", "LANG": "C"})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "cannot show Chinese" in result.stderr
    assert "\\u" in result.stdout
    if fmt == "json":  # escapes of the BMP are JSON's own: the report still parses, in Chinese
        assert json.loads(result.stdout)["documents"][0]["entity"] == "辽宁省医疗保障局本级"


def test_tables_on_an_ascii_terminal(doc):
    result = run("tables", str(doc), env={"PYTHONIOENCODING": "ascii"})
    assert result.returncode == 0 and "Traceback" not in result.stderr


def test_json_to_a_file_is_utf8_whatever_the_locale(doc, tmp_path):
    out = tmp_path / "r.json"
    result = run("check", str(doc), "--no-cache", "-f", "json", "-o", str(out),
                 env={"PYTHONIOENCODING": "ascii", "LANG": "C", "LC_ALL": "C"})
    assert result.returncode == 1
    assert json.loads(out.read_bytes().decode("utf-8"))["documents"][0]["entity"] == "辽宁省医疗保障局本级"


# ---------------------------------------------------------------- 3. numeric options


@pytest.mark.parametrize("option", [["--timeout", "inf"], ["--timeout", "1e400"], ["--timeout", "nan"],
                                    ["--jobs", "99999999999999999999"], ["--jobs", "0"]])
def test_absurd_numeric_options_are_usage_errors(doc, option):
    result = run("check", str(doc), "--no-cache", *option)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and option[0] in result.stderr


def test_an_empty_path_is_a_usage_error(tmp_path):
    result = run("check", "", "--no-cache", cwd=tmp_path)
    assert result.returncode == 2
    assert "empty path" in one_line(result)


# ---------------------------------------------------------------- 4. bounded work


def _refused(result, path: Path, words: str) -> None:
    assert result.returncode == 2
    assert words in one_line(result, path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_special_files_are_refused_by_name_and_never_block(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")
    pdf_link = tmp_path / "random.pdf"
    pdf_link.symlink_to("/dev/urandom")
    for path, what in ((fifo, "named pipe"), (link, "character device"), (pdf_link, "character device")):
        started = time.monotonic()
        _refused(run("check", str(path), timeout=60), path, what)  # the cache is on: it must not block either
        assert time.monotonic() - started < 30
    pack = tmp_path / "pack.yaml"
    os.mkfifo(pack)
    _refused(run("check", str(SAMPLE), "--no-cache", "--rules", str(pack), timeout=60), pack, "named pipe")


def _pack(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def _anchor_bomb() -> str:
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    return "\n".join(lines) + "\npack: bomb\nrules:\n  - id: X001\n    title: t\n    check: 1 == *a9\n"


# Short ids: a test id holding a 200,000-character pack would overflow PYTEST_CURRENT_TEST in the
# environment of the subprocess the test starts.
@pytest.mark.parametrize("name, text, words", [
    ("bomb.yaml", _anchor_bomb(), "aliases"),
    ("deep.yaml", "pack: deep\nrules: " + "[" * 50000 + "]" * 50000 + "\n", "nested"),
    ("deepmap.yaml", "pack: deep\nrules: " + "{a: " * 50000 + "1" + "}" * 50000 + "\n", "nested"),
    ("python.yaml", "pack: !!python/object/apply:os.system ['echo hi']\nrules: []\n", "tag"),
    ("hugeint.yaml", "pack: p\nrules:\n  - id: X001\n    title: t\n    severity: " + "9" * 10000 + "\n", "value"),
    ("parens.yaml", "pack: p\nrules:\n  - id: X001\n    title: t\n    table: 收支预算总表\n    check: "
     + "(" * 200 + "收入总计" + ")" * 200 + " == 1\n", "nested"),
    ("minus.yaml", "pack: p\nrules:\n  - id: X001\n    title: t\n    table: 收支预算总表\n    check: "
     + "-" * 3000 + "收入总计 == 1\n", "nested"),
    ("bignum.yaml", "pack: p\nrules:\n  - id: X001\n    title: t\n    table: 收支预算总表\n    check: 收入总计 == 1"
     + "0" * 60 + "\n", "digits"),
], ids=lambda v: v[:20] if isinstance(v, str) else None)
def test_hostile_rule_packs_are_one_line_naming_the_pack(tmp_path, name, text, words):
    pack = _pack(tmp_path, name, text)
    result = run("check", str(SAMPLE), "--no-cache", "--rules", str(pack), timeout=60)
    _refused(result, pack, words)
    assert len(one_line(result, pack)) < 400


@pytest.mark.parametrize("number", ["1234567890123456789012345678901234567890", "1.000000000000000000000001"])
def test_an_absurd_number_in_a_document_is_never_an_internal_error(tmp_path, number):
    path = tmp_path / "n.txt"
    path.write_text(SAMPLE.read_text("utf-8").replace("7,667.28", number, 1), "utf-8")
    result = run("check", str(path), "--no-cache", "-f", "json")
    assert result.returncode == 1, result.stderr
    assert "internal error" not in result.stderr
    assert json.loads(result.stdout)["documents"][0]["status"] == "ok"


def test_a_table_of_ten_thousand_rows_is_audited_in_seconds(tmp_path):
    from budgetaudit.audit import audit
    from budgetaudit.loader import load_document
    from budgetaudit.rules import load_rules

    lines = SAMPLE.read_text("utf-8").split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("208\t"))
    rows = [line for line in lines[start:start + 40] if "\t" in line and line.split("\t")[0].isdigit()]
    big = lines[:start] + [rows[i % len(rows)] for i in range(10_000)] + lines[start:]
    path = tmp_path / "rows.txt"
    path.write_text("\n".join(big), "utf-8")
    rules = load_rules().rules
    started = time.monotonic()
    doc = load_document(path)
    audit(doc, rules)
    assert max(len(t.rows) for t in doc.tables) >= 10_000
    assert time.monotonic() - started < 10  # about 1-2 s on one core; generous for a busy CI machine


def test_a_million_short_lines_and_a_30_mb_text_are_refused_at_once(tmp_path):
    lines = tmp_path / "lines.txt"
    lines.write_text("预算\n" + "收入 1.00\n" * 1_000_000, "utf-8")
    big = tmp_path / "big.txt"
    big.write_bytes(SAMPLE.read_bytes() * (30 * 1024**2 // SAMPLE.stat().st_size))
    for path, words in ((lines, "lines"), (big, "MiB")):
        started = time.monotonic()
        _refused(run("check", str(path), "--no-cache"), path, words)
        assert time.monotonic() - started < 30


def test_a_pdf_whose_object_references_loop_is_a_damaged_pdf_at_once(tmp_path):
    path = tmp_path / "loop.pdf"
    path.write_bytes(pdf_of([b"<< /Type /Catalog /Pages 2 0 R >>", b"3 0 R", b"2 0 R"]))
    started = time.monotonic()
    # PDFium refuses the page tree outright; pdfminer follows the references until the bound.
    _refused(run("check", str(path), "--no-cache", timeout=60), path, "damaged PDF")
    _refused(run("check", str(path), "--no-cache", "--pdf-reader", "pdfplumber", timeout=60), path,
             "loop of references")
    assert time.monotonic() - started < 30


def test_the_cache_never_changes_an_answer_when_the_name_changes_the_type(tmp_path):
    cache = {"BUDGETAUDIT_CACHE_DIR": str(tmp_path / "cache")}
    text = tmp_path / "a.txt"
    shutil.copy(SAMPLE, text)
    docx = tmp_path / "a.docx"
    shutil.copy(SAMPLE, docx)
    assert run("check", str(text), env=cache).returncode == 1
    _refused(run("check", str(docx), env=cache), docx, "is not a Word document")
    pdfs = sorted(PDFS.glob("*.pdf")) if PDFS.is_dir() else []
    if pdfs:
        pdf = tmp_path / "p.pdf"
        shutil.copy(pdfs[0], pdf)
        named_txt = tmp_path / "p.txt"
        shutil.copy(pdfs[0], named_txt)
        assert run("check", str(pdf), env=cache, timeout=300).returncode in (0, 1)
        _refused(run("check", str(named_txt), env=cache), named_txt, "is a PDF file, not text")


@pytest.mark.parametrize("content, words", [
    ("\u00a0\u3000\u200b\n\u3000\u200b\ufeff \n".encode(), "blank or invisible"),
    (b"\xc2\xe8W\"", "too few"),                       # decodes as GB18030 to 妈W"
    # rare 4-byte GB18030 code points: refused as an encoding no disclosure is written in
    (b"\x81\x30\x81\x30\x95\x33\x82\x36\xfe\x39\xfe\x39" * 8, "unknown text encoding"),
])
def test_blank_or_random_texts_are_not_clean_documents(tmp_path, content, words):
    path = tmp_path / "t.txt"
    path.write_bytes(content)
    _refused(run("check", str(path), "--no-cache"), path, words)


# ---------------------------------------------------------------- permissions, as an unprivileged user


def _unprivileged() -> list[str] | None:
    """A command prefix that runs without the power to ignore file permissions, or None."""
    setpriv = shutil.which("setpriv")
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return []  # already an ordinary user
    if setpriv is None:
        return None
    prefix = [setpriv, "--bounding-set=-all", "--inh-caps=-all", "--"]  # root without its capabilities
    probe = subprocess.run([*prefix, sys.executable, "-c", "pass"], capture_output=True)
    return prefix if probe.returncode == 0 else None


def test_unreadable_files_and_folders_are_failed_inputs_with_their_reason(tmp_path):
    prefix = _unprivileged()
    if prefix is None:
        pytest.skip("cannot drop the privilege to read any file here")
    secret = tmp_path / "secret.txt"
    shutil.copy(SAMPLE, secret)
    locked = tmp_path / "locked"
    locked.mkdir()
    shutil.copy(SAMPLE, locked / "b.txt")
    fine = tmp_path / "fine.txt"
    shutil.copy(SAMPLE, fine)
    secret.chmod(0)
    locked.chmod(0)
    try:
        probe = subprocess.run([*prefix, sys.executable, "-c", f"open({str(secret)!r})"], capture_output=True)
        if probe.returncode == 0:
            pytest.skip("permissions are not enforced for this user")
        command = [*prefix, sys.executable, "-m", "budgetaudit", "check", str(secret), str(locked), str(fine),
                   "--no-cache", "-f", "json", "-o", str(locked / "r.json")]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert "r.json: cannot write the report (Permission denied)" in result.stderr
        command[-1] = str(tmp_path / "r.json")
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert f"{secret}: cannot be read (Permission denied)" in result.stderr
        assert f"{locked}: folder cannot be read (Permission denied)" in result.stderr
        report = json.loads((tmp_path / "r.json").read_text("utf-8"))
        status = {Path(d["path"]).name: d["status"] for d in report["documents"]}
        assert status["fine.txt"] == "ok" and status["secret.txt"] != "ok"
    finally:
        locked.chmod(0o755)
        secret.chmod(0o644)
