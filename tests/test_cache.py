"""The results cache: a second run reuses results, anything that changes the outcome misses,
damaged entries are ignored, and clearing removes only what budgetaudit wrote."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetaudit import batch, cache, loader
from budgetaudit.cli import app

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
S000 = SAMPLES / "000_d725a45abd8d67de.txt"
S002 = SAMPLES / "002_de1423df86808f62.txt"

runner = CliRunner()
forked = pytest.mark.skipif(batch._context().get_start_method() != "fork",
                            reason="a replaced recogniser reaches workers only when they are forked")


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("BUDGETAUDIT_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def broken(tmp_path):
    """Sample 000 with 收入总计 (line 252) misprinted 7,676.28 instead of 7,667.28."""
    lines = S000.read_text("utf-8").split("\n")
    lines[251] = lines[251].replace("7,667.28", "7,676.28", 1)
    path = tmp_path / "docs" / "000_broken.txt"
    path.parent.mkdir()
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def entries(folder: Path) -> list[Path]:
    return sorted(f for f in (folder / cache.FORMAT).rglob("*") if f.is_file())


@pytest.fixture
def recognizer_fails(monkeypatch):
    """Any document that actually gets recognised fails: a result that comes back came from the cache."""
    def recognize(lines, path, source="text"):
        raise RuntimeError("recogniser called")

    def make_it_fail():
        monkeypatch.setattr(loader, "recognize", recognize)
    return make_it_fail


@forked
def test_second_run_reuses_the_result(cache_dir, broken, recognizer_fails):
    cold = run("check", broken, "--format", "json")
    assert cold.exit_code == 1
    assert len(entries(cache_dir)) == 1
    recognizer_fails()
    warm = run("check", broken, "--format", "json")
    assert warm.exit_code == 1 and warm.stdout == cold.stdout
    fresh = run("check", broken, "--format", "json", "--no-cache")  # proves the failing recogniser is live
    assert fresh.exit_code == 2
    assert "recogniser called" in json.loads(fresh.stdout)["documents"][0]["error"]


@forked
def test_a_copy_under_another_name_reuses_the_result_with_its_own_path(cache_dir, broken, recognizer_fails):
    run("check", broken)
    copy = broken.parent / "copy.txt"
    shutil.copy(broken, copy)
    recognizer_fails()
    warm = run("check", copy, "--format", "json")
    (doc,) = json.loads(warm.stdout)["documents"]
    assert doc["path"] == str(copy) and doc["status"] == "ok"
    assert any(f["rule"] == "BT101" for f in doc["findings"])


@forked
def test_a_changed_file_or_rule_selection_is_audited_again(cache_dir, broken, recognizer_fails):
    run("check", broken)
    recognizer_fails()
    assert run("check", broken, "--select", "BT101", "--format", "json").exit_code == 2
    broken.write_text(broken.read_text("utf-8") + "\n", encoding="utf-8")
    assert run("check", broken, "--format", "json").exit_code == 2


def test_failures_are_not_cached(cache_dir, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert run("check", empty).exit_code == 2
    assert entries(cache_dir) == []


@pytest.mark.parametrize("damage", ["truncated", "flipped", "not a pickle", "empty"])
def test_a_damaged_entry_is_ignored_and_replaced(cache_dir, broken, damage):
    cold = run("check", broken, "--format", "json")
    (entry,) = entries(cache_dir)
    data = entry.read_bytes()
    if damage == "truncated":
        entry.write_bytes(data[: len(data) // 2])
    elif damage == "flipped":
        entry.write_bytes(data[:-10] + bytes(b ^ 0xFF for b in data[-10:]))
    elif damage == "not a pickle":  # a valid checksum over a payload this build cannot read
        import hashlib
        payload = b"\x80\x05not a pickle"
        entry.write_bytes(cache.MAGIC + hashlib.sha256(payload).digest() + payload)
    else:
        entry.write_bytes(b"")
    again = run("check", broken, "--format", "json")
    assert again.exit_code == 1 and again.stdout == cold.stdout
    assert "Traceback" not in again.output
    assert entry.read_bytes() == data  # rewritten with the fresh result


def test_an_unusable_cache_folder_is_a_note_not_an_error(tmp_path, monkeypatch, broken):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("BUDGETAUDIT_CACHE_DIR", str(blocker / "cache"))
    result = run("check", broken, "--format", "json")
    assert result.exit_code == 1
    assert "budgetaudit: note: cache not used: cannot create" in result.stderr
    assert json.loads(result.stdout)["documents"][0]["status"] == "ok"


def test_clear_removes_only_budgetaudit_entries(cache_dir, broken):
    run("check", broken, S002)
    assert len(entries(cache_dir)) == 2
    (cache_dir / "mine.txt").write_text("someone else's file")
    info = run("cache", "info")
    assert info.exit_code == 0 and f"{cache_dir}: 2 cached results" in info.stdout
    cleared = run("cache", "clear")
    assert cleared.exit_code == 0 and cleared.stdout.strip() == f"removed 2 cached results from {cache_dir}"
    assert sorted(p.name for p in cache_dir.iterdir()) == ["mine.txt"]
    (cache_dir / "mine.txt").unlink()
    run("check", broken)
    run("cache", "clear")
    assert not cache_dir.exists()  # a folder only budgetaudit used goes as a whole


def test_the_folder_follows_platform_conventions(monkeypatch, tmp_path):
    monkeypatch.delenv("BUDGETAUDIT_CACHE_DIR", raising=False)
    monkeypatch.setattr(cache.sys, "platform", "linux")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.default_dir() == tmp_path / "xdg" / "budgetaudit"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")  # the XDG spec: relative paths are invalid
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.default_dir() == tmp_path / "home" / ".cache" / "budgetaudit"
    monkeypatch.setenv("BUDGETAUDIT_CACHE_DIR", str(tmp_path / "mine"))
    assert cache.default_dir() == tmp_path / "mine"


def test_the_key_binds_content_rules_and_tool(tmp_path):
    from budgetaudit.rules import load_rules

    rules = load_rules().rules
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("收入总计\t1.00", encoding="utf-8")
    b.write_text("收入总计\t1.00", encoding="utf-8")
    full = cache.Cache.for_rules(rules, tmp_path)
    assert full.key_of(a) == full.key_of(b)
    assert cache.Cache.for_rules(rules[1:], tmp_path).key_of(a) != full.key_of(a)
    b.write_text("收入总计\t1.01", encoding="utf-8")
    assert full.key_of(a) != full.key_of(b)
    assert full.key_of(tmp_path / "missing.txt") is None
