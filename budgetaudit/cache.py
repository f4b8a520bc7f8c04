"""Audit results kept between runs, so an unchanged file is not audited twice.

An entry is keyed by the file's content (SHA-256), the rules that ran (their YAML, severity and
selection) and the tool itself (version plus a digest of its own source), so editing a file, a rule
pack or the code makes earlier entries unreachable. Of the file's name only its type (the suffix the
loader dispatches on) is part of the key: a copy or a renamed file of the same type reuses the
entry, and the reader puts the current path back, while the same bytes named .txt, .pdf or .docx
are three different answers and never share one.

Entries live in the platform's cache folder (``$XDG_CACHE_HOME/budgetaudit`` or
``~/.cache/budgetaudit`` on Linux, ``~/Library/Caches/budgetaudit`` on macOS,
``%LOCALAPPDATA%\\budgetaudit\\Cache`` on Windows); ``BUDGETAUDIT_CACHE_DIR`` overrides it. Each
entry carries a checksum of its payload: a truncated or altered entry is treated as absent and
removed, never an error. Writes go through a temporary file and a rename, so parallel workers never
see half an entry.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from . import __version__
from .readers.regular import is_regular

ENV_DIR = "BUDGETAUDIT_CACHE_DIR"
FORMAT = "v1"  # the layout under the cache folder; a new layout gets a new name
MAGIC = b"BAUDIT1\n"
_DIGEST = 32
_CHUNK = 1 << 20
_TAG = "CACHEDIR.TAG"
_TAG_TEXT = ("Signature: 8a477f597d28d172789f06886806bc55\n"
             "# This file is a cache directory tag created by budgetaudit.\n"
             "# For information about cache directory tags see https://bford.info/cachedir/\n")


def default_dir() -> Path:
    """Where the cache lives: the override, else the platform's per-user cache folder."""
    override = os.environ.get(ENV_DIR)
    if override:
        return Path(override).expanduser()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "budgetaudit" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "budgetaudit"
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "budgetaudit"


def rules_digest(rules: Iterable) -> str:
    """The rules that ran, in order, as they are written: any change to a pack or to --select changes it."""
    spec = [[r.id, r.severity, r.title, r.kind, list(r.tables), list(r.applies_to), r.pack, r.yaml,
             r.description] for r in rules]
    return hashlib.sha256(json.dumps(spec, ensure_ascii=False).encode("utf-8")).hexdigest()


def tool_digest() -> str:
    """The version and the package's own source: a changed reader or rule kind invalidates results."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256(__version__.encode())
    for f in sorted(root.rglob("*")):
        if f.suffix in (".py", ".yaml") and f.is_file() and "__pycache__" not in f.parts:
            h.update(f.relative_to(root).as_posix().encode() + b"\0")
            h.update(f.read_bytes())
    return h.hexdigest()


class Cache:
    """Entries under ``root/v1``; ``salt`` binds them to the rules and the tool."""

    def __init__(self, root: Path, salt: str):
        self.root = Path(root)
        self.salt = salt
        self.entries = self.root / FORMAT

    @classmethod
    def for_rules(cls, rules: Iterable, root: Path | None = None) -> Cache:
        from .readers.pdf import pdf_reader  # the PDF reader in use: each has its own entries

        return cls(root if root is not None else default_dir(), rules_digest(rules) + tool_digest() + pdf_reader())

    def prepare(self) -> str | None:
        """Create the folder; the reason it cannot be used, or None."""
        try:
            self.entries.mkdir(parents=True, exist_ok=True)
            tag = self.root / _TAG
            if not tag.exists():
                tag.write_text(_TAG_TEXT, encoding="ascii")
        except OSError as exc:
            return f"cannot create {self.root} ({exc.strerror or exc})"
        if not os.access(self.entries, os.W_OK):
            return f"{self.root} is not writable"
        return None

    def key_of(self, path: str | Path) -> str | None:
        """The key for a file's current content; None when the file cannot be read (the audit says why)."""
        if not is_regular(path):
            return None  # a FIFO would block, a device never ends: the reader refuses them
        h = hashlib.sha256(self.salt.encode())
        h.update(b"\0" + Path(path).suffix.lower().encode("utf-8", "surrogateescape") + b"\0")
        try:
            with open(path, "rb") as fh:
                while chunk := fh.read(_CHUNK):
                    h.update(chunk)
        except OSError:
            return None
        return h.hexdigest()

    def _path(self, key: str) -> Path:
        return self.entries / key[:2] / key[2:]

    def load(self, key: str) -> bytes | None:
        """The payload stored under ``key``; None when absent, unreadable or damaged (then removed)."""
        path = self._path(key)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        head = len(MAGIC) + _DIGEST
        payload = data[head:]
        if data[:len(MAGIC)] != MAGIC or data[len(MAGIC):head] != hashlib.sha256(payload).digest():
            self.discard(key)
            return None
        return payload

    def discard(self, key: str) -> None:
        try:
            self._path(key).unlink()
        except OSError:
            pass

    def store(self, key: str, payload: bytes) -> None:
        """Best effort: a full disk or a read-only folder costs the next run time, never this one."""
        path = self._path(key)
        tmp = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(MAGIC + hashlib.sha256(payload).digest() + payload)
            os.replace(tmp, path)
            tmp = None
        except OSError:
            pass
        finally:
            if tmp is not None:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass


def clear(root: Path | None = None) -> tuple[Path, int]:
    """Remove every entry (only what budgetaudit wrote, even when the folder is shared); the folder
    and how many entries went."""
    root = Path(root) if root is not None else default_dir()
    entries = root / FORMAT
    count = sum(1 for f in entries.rglob("*") if f.is_file()) if entries.is_dir() else 0
    shutil.rmtree(entries, ignore_errors=True)
    tag = root / _TAG
    if tag.is_file() and tag.read_text("ascii", errors="replace") == _TAG_TEXT:
        tag.unlink()
    try:
        root.rmdir()  # only when nothing else is in it
    except OSError:
        pass
    return root, count


def size(root: Path | None = None) -> tuple[Path, int, int]:
    """The folder, its number of entries and their bytes."""
    root = Path(root) if root is not None else default_dir()
    files = [f for f in (root / FORMAT).rglob("*") if f.is_file()] if (root / FORMAT).is_dir() else []
    return root, len(files), sum(f.stat().st_size for f in files)
