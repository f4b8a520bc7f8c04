"""The Dask engine (--engine dask) as a user runs it, on a LocalCluster of two worker processes that
the tests start on 127.0.0.1: the same bytes as --jobs 1 over the samples, a mixed good/bad folder
(an empty file, a binary file, a corrupt PDF, an unsupported type, a file that crashes its audit, one
that hangs past --timeout), a set of two files, files sent as bytes; a worker running another
budgetaudit or other rule packs is refused; without Dask, --engine dask is one line and exit 2.

Misbehaving documents come from tests/engine_faults.py, installed in the test process for --jobs
and on the workers for the engine.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import engine_faults
import pytest
from typer.testing import CliRunner

from budgetaudit import engines
from budgetaudit.cli import app
from budgetaudit.rules import load_rules

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
S000 = SAMPLES / "000_d725a45abd8d67de.txt"
S002 = SAMPLES / "002_de1423df86808f62.txt"

runner = CliRunner()
needs_dask = pytest.mark.skipif(importlib.util.find_spec("distributed") is None,
                                reason="Dask distributed is not installed (pip install 'budgetaudit[dask]')")


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("BUDGETAUDIT_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A LocalCluster for the module: two worker processes of one thread, importing this checkout
    (and tests/, for engine_faults), each with its own cache folder from its environment."""
    from distributed import Client, LocalCluster

    path = [str(ROOT), str(ROOT / "tests"), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    with pytest.MonkeyPatch.context() as mp:  # the workers' environment, taken when they start
        mp.setenv("PYTHONPATH", os.pathsep.join(path))
        mp.setenv("BUDGETAUDIT_CACHE_DIR", str(tmp_path_factory.mktemp("worker-cache")))
        local = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                             dashboard_address="127.0.0.1:0", memory_limit=0, silence_logs=logging.CRITICAL)
    client = Client(local, set_as_default=False)
    yield local.scheduler_address, client
    client.close()
    local.close()


@pytest.fixture
def faults(cluster, monkeypatch):
    """Misbehaving documents here and on the workers, for one test."""
    _, client = cluster
    monkeypatch.setattr("budgetaudit.loader.recognize", engine_faults.recognize)
    client.run(engine_faults.install)
    yield
    client.run(engine_faults.remove)


def check(*args) -> object:
    return runner.invoke(app, ["check", *map(str, args)])


def same_as_jobs_1(address: str, *args, engine_args=()) -> object:
    """Run ``check ARGS`` with --jobs 1 and on the cluster; assert the same output; the engine's result."""
    one = check(*args, "--jobs", "1")
    two = check(*args, "--scheduler", address, *engine_args)
    assert "Traceback" not in two.output
    assert (two.exit_code, two.stdout, two.stderr) == (one.exit_code, one.stdout, one.stderr)
    return two


def broken_000(folder: Path, name: str) -> Path:
    """Sample 000 with 收入总计 (line 252) misprinted 7,676.28 instead of 7,667.28."""
    lines = S000.read_text("utf-8").split("\n")
    lines[251] = lines[251].replace("7,667.28", "7,676.28", 1)
    path = folder / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.fixture
def mixed(tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    broken_000(folder, "a_broken.txt")
    shutil.copy(S002, folder / "b_final.txt")
    (folder / "c_empty.txt").write_bytes(b"")
    (folder / "d_binary.txt").write_bytes(bytes(range(256)) * 20)
    (folder / "e_corrupt.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ngarbage\n%%EOF\n")
    (tmp_path / "f_report.docx").write_bytes(b"PK\x03\x04 not a disclosure")
    return folder


# ---------------------------------------------------------------- the same reports as --jobs


@needs_dask
def test_the_samples_give_the_same_json_as_jobs_1(cluster):
    address, _ = cluster
    result = same_as_jobs_1(address, SAMPLES, "--format", "json", "--no-cache")
    assert result.exit_code == 1  # the samples are real documents with real errors
    assert [Path(d["path"]).name for d in json.loads(result.stdout)["documents"]] == sorted(
        p.name for p in SAMPLES.glob("*.txt"))


@needs_dask
@pytest.mark.slow
def test_a_mixed_folder_gives_the_same_report_and_exit_code(cluster, mixed):
    address, _ = cluster
    for fmt in ("json", "text"):
        result = same_as_jobs_1(address, mixed, mixed.parent / "f_report.docx", "--format", fmt, "--no-cache",
                                "--color", "never")
        assert result.exit_code == 2
    docs = {Path(d["path"]).name: d for d in json.loads(check(mixed, mixed.parent / "f_report.docx", "--format",
                                                              "json", "--scheduler", address).stdout)["documents"]}
    assert list(docs) == ["a_broken.txt", "b_final.txt", "c_empty.txt", "d_binary.txt", "e_corrupt.pdf",
                          "f_report.docx"]
    bt101 = next(f for f in docs["a_broken.txt"]["findings"] if f["rule"] == "BT101")
    assert bt101["message"] == "收入总计 7,676.28 ≠ 支出总计 7,667.28（差 9.00 万元）"
    assert docs["c_empty.txt"]["error"] == "the file is empty"
    assert docs["d_binary.txt"]["error"] == "not a text file (binary content)"
    assert "damaged PDF" in docs["e_corrupt.pdf"]["error"]
    assert docs["f_report.docx"]["error"].startswith("damaged Word document")


@needs_dask
@pytest.mark.slow
def test_a_crash_and_a_hang_are_failed_inputs_and_the_batch_goes_on(cluster, faults, tmp_path):
    address, _ = cluster
    for name in ("a_first.txt", "crash.txt", "hang.txt"):
        shutil.copy(S002, tmp_path / name)
    broken_000(tmp_path, "z_last.txt")
    result = same_as_jobs_1(address, tmp_path, "--format", "json", "--no-cache", "--timeout", "1")
    assert result.exit_code == 2
    docs = {Path(d["path"]).name: d for d in json.loads(result.stdout)["documents"]}
    assert docs["crash.txt"]["error"] == "the audit crashed on this file (SIGSEGV)"
    assert docs["hang.txt"]["error"] == "the audit was stopped after 1 s (the limit per file, --timeout)"
    assert docs["a_first.txt"]["findings"] and any(f["rule"] == "BT101" for f in docs["z_last.txt"]["findings"])
    assert f"budgetaudit: {tmp_path / 'hang.txt'}: the audit was stopped after 1 s" in result.stderr


@needs_dask
@pytest.mark.slow
def test_files_sent_as_bytes_give_the_same_report(cluster, mixed):
    address, _ = cluster
    same_as_jobs_1(address, mixed, S000, "--format", "json", "--no-cache", engine_args=["--send-files"])


@needs_dask
@pytest.mark.slow
def test_files_the_workers_cannot_see_are_sent(cluster, mixed):
    address, client = cluster
    files = [str(p) for p in sorted(mixed.iterdir())]
    assert engines.sending(client, files, local=False) == [False] * len(files)  # the same machine
    assert engines.sending(client, files, local=True, send_files=True) == [True] * len(files)
    client.run(engine_faults.pretend_blind, True)
    try:
        assert engines.sending(client, files, local=False) == [True] * len(files)
        same_as_jobs_1(address, mixed, "--format", "json", "--no-cache")
    finally:
        client.run(engine_faults.pretend_blind, False)


def split_000(folder: Path, entity: str | None = None) -> tuple[Path, Path]:
    """Sample 000 as two files, as tests/test_sets.py makes them: its prose (lines 1–227 without the
    三公 comparison at 159–170) and its tables (228–626), the tables file's entity optionally named
    otherwise (then only --set makes the two one disclosure)."""
    lines = S000.read_text("utf-8").split("\n")
    prose, tables = folder / "说明.txt", folder / "公开表.txt"
    prose.write_text("\n".join(lines[:158] + lines[170:227]), encoding="utf-8")
    text = "\n".join(lines[227:])
    tables.write_text(text.replace("辽宁省医疗保障局本级", entity) if entity else text, encoding="utf-8")
    return prose, tables


@needs_dask
@pytest.mark.slow
def test_sets_are_judged_as_with_jobs(cluster, tmp_path):
    address, _ = cluster
    split_000(tmp_path)
    result = same_as_jobs_1(address, tmp_path, "--format", "json", "--no-cache")
    assert [s["kind"] for s in json.loads(result.stdout)["sets"]] == ["disclosure"]
    forced = tmp_path / "forced"
    forced.mkdir()
    prose, tables = split_000(forced, entity="辽宁医保局")
    for extra in ((), ("--send-files",)):  # the kept Documents travel back from the workers either way
        result = same_as_jobs_1(address, "--set", f"{prose},{tables}", "--format", "json", "--no-cache",
                                engine_args=extra)
        (s,) = json.loads(result.stdout)["sets"]
        assert s["forced"] and s["kind"] == "disclosure"


# ---------------------------------------------------------------- cache, progress, a cluster started here


@needs_dask
@pytest.mark.slow
def test_a_cluster_started_here_fills_and_reads_this_cache(tmp_path, mixed):
    from budgetaudit import cache

    cold = check(mixed, "--format", "json", "--engine", "dask", "--jobs", "2")
    assert cold.exit_code == 2 and "Traceback" not in cold.output
    _, entries, _ = cache.size(tmp_path / "cache")
    assert entries == 2  # the two readable documents; failures are not kept
    warm = check(mixed, "--format", "json", "--engine", "dask", "--jobs", "2")
    assert (warm.stdout, warm.stderr, warm.exit_code) == (cold.stdout, cold.stderr, 2)
    assert warm.stdout == check(mixed, "--format", "json", "--jobs", "1", "--no-cache").stdout


@needs_dask
def test_progress_follows_every_file_in_input_order(cluster):
    _, client = cluster
    files = [str(p) for p in sorted(SAMPLES.glob("*.txt"))] * 3
    seen, ticks = [], []
    results = engines.run(files, load_rules().rules, client=client, local=False, cache=None,
                          on_result=lambda item: seen.append(item.path), on_tick=lambda: ticks.append(1))
    assert [r.path for r in results] == files
    assert sorted(seen) == sorted(files) and ticks
    assert all(r.ok for r in results)


# ---------------------------------------------------------------- refusals and one-line failures


@needs_dask
@pytest.mark.parametrize(("worker_version", "ours", "why"), [
    ("0.0.1", {}, "it runs budgetaudit 0.0.1, this is"),
    (None, {"rules": "0" * 64}, "its rule packs differ from these"),
    (None, {"code": "0" * 64}, "is not this one's code"),
])
def test_a_worker_that_runs_something_else_is_refused(cluster, monkeypatch, worker_version, ours, why):
    address, client = cluster
    real = engines.identity()
    monkeypatch.setattr(engines, "identity", lambda: {**real, **ours})
    client.run(engine_faults.pretend_version, worker_version)
    try:
        result = check(SAMPLES, "--scheduler", address, "--no-cache")
    finally:
        client.run(engine_faults.pretend_version, None)
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("budgetaudit: worker tcp://127.0.0.1:") and why in line, line
    assert line.endswith("install the same budgetaudit and rule packs on every worker")
    assert result.stdout == ""


@needs_dask
def test_a_task_on_a_worker_that_joined_later_is_refused_too(cluster, monkeypatch):
    _, client = cluster
    monkeypatch.setattr(engines, "identity", lambda: {"version": "9.9", "code": "", "rules": ""})
    with pytest.raises(engines.EngineError, match=r"^worker tcp://127\.0\.0\.1:\d+ refused: it runs budgetaudit "):
        engines.run([str(S000)], load_rules().rules, client=client, local=False, cache=None)


def test_without_dask_the_engine_is_one_line_and_exit_2():
    code = ("import sys; sys.modules['distributed'] = None; sys.argv = ['budgetaudit'] + sys.argv[1:];"
            "from budgetaudit.cli import main; main()")
    done = subprocess.run([sys.executable, "-c", code, "check", str(SAMPLES), "--engine", "dask"],
                          capture_output=True, text=True, cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert done.returncode == 2
    assert done.stderr.splitlines() == ["budgetaudit: --engine dask needs Dask distributed, which is not installed "
                                        "(pip install 'budgetaudit[dask]')"]
    assert done.stdout == ""


def test_ray_is_not_supported_yet_in_one_line():
    result = check(SAMPLES, "--engine", "ray")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == ["budgetaudit: --engine ray is not supported yet; --engine dask runs the "
                                          "batch on a Dask cluster (pip install 'budgetaudit[dask]')"]


def test_a_scheduler_needs_the_dask_engine():
    result = check(SAMPLES, "--engine", "local", "--scheduler", "tcp://127.0.0.1:1")
    assert (result.exit_code, result.stderr) == (2, "budgetaudit: --scheduler needs --engine dask\n")


@needs_dask
def test_an_unreachable_scheduler_is_one_line(monkeypatch):
    monkeypatch.setattr(engines, "CONNECT_TIMEOUT", "2s")
    result = check(SAMPLES, "--scheduler", "tcp://127.0.0.1:9")
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("budgetaudit: cannot connect to the Dask scheduler at tcp://127.0.0.1:9 (")


def test_the_settings_choose_the_engine_and_the_command_line_wins(tmp_path):
    settings = tmp_path / "budgetaudit.toml"
    settings.write_text('engine = "ray"\nscheduler = "tcp://127.0.0.1:1"\n', encoding="utf-8")
    result = check(S000, "--config", settings)
    assert result.exit_code == 2 and result.stderr.startswith("budgetaudit: --engine ray is not supported yet")
    local = check(S000, "--config", settings, "--engine", "local", "--format", "json", "--no-cache")
    assert local.exit_code == 1 and json.loads(local.stdout)["documents"][0]["status"] == "ok"
    settings.write_text('engine = "spark"\n', encoding="utf-8")
    result = check(S000, "--config", settings)
    assert result.exit_code == 2
    assert result.stderr == f"budgetaudit: {settings}: engine: expects one of local, dask, ray\n"
