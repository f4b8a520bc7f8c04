"""Which files a run audits: the files named, and the documents found by walking the folders named.

Folders are walked following links, each folder once (a link back up is no loop); a folder or path
that cannot be read is an input that failed, with its reason, never silently left out. Tooling and
build folders are not walked into (data/inputs.yaml), nor what ``--exclude`` names; files of other
types are counted, not listed one by one.
"""

from __future__ import annotations

import errno
import os
import stat
from collections import Counter
from dataclasses import dataclass, field
from fnmatch import fnmatch
from functools import lru_cache
from importlib import resources
from pathlib import Path, PurePath

import yaml

from .loader import SUPPORTED_SUFFIXES


@lru_cache(maxsize=1)
def _vocabulary() -> dict:
    return yaml.safe_load(resources.files("budgetaudit.data").joinpath("inputs.yaml").read_text("utf-8"))


def default_exclude() -> list[str]:
    return list(_vocabulary()["default_exclude"])


@dataclass
class Inputs:
    files: list[str] = field(default_factory=list)
    walked: set[str] = field(default_factory=set)  # the files found in folders (not named by the user)
    skipped: list[str] = field(default_factory=list)  # files of other types found in folders
    excluded: list[str] = field(default_factory=list)  # files and folders left out by the exclude patterns
    missing: list[str] = field(default_factory=list)  # paths that do not exist
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (path, why) for paths that cannot be read

    def skipped_summary(self) -> str:
        """"a.docx, b.xls (not .txt, .md, .pdf, .xlsx or .docx)", or for many "12 files of other types (.py 8, …)"."""
        if len(self.skipped) <= 5:  # a few: by name
            return ", ".join(self.skipped) + " (not .txt, .md, .pdf, .xlsx or .docx)"
        kinds = Counter(PurePath(p).suffix.lower() or "no suffix" for p in self.skipped)
        parts = ", ".join(f"{k} {n}" for k, n in kinds.most_common())
        return f"{len(self.skipped)} file{'s' if len(self.skipped) != 1 else ''} of other types ({parts})"


def excluded(relative: str, patterns: list[str]) -> bool:
    """Whether a path below a walked folder matches a pattern, by its name or by its relative path."""
    name = PurePath(relative).name
    return any(fnmatch(name, p) or fnmatch(relative, p) or fnmatch(relative, p.rstrip("/") + "/*")
               for p in patterns)


def collect_inputs(paths: list[str], exclude: list[str] | None = None) -> Inputs:
    """Files to audit: the files named (always), and the documents under the folders named."""
    patterns = default_exclude() if exclude is None else exclude
    out = Inputs()
    for raw in paths:
        try:
            mode = os.stat(raw).st_mode
        except OSError as exc:
            if exc.errno in (errno.ENOENT, errno.ENOTDIR):
                out.missing.append(raw)
            else:
                out.unreadable.append((raw, f"cannot be read ({exc.strerror or exc})"))
            continue
        if not stat.S_ISDIR(mode):
            out.files.append(raw)
            continue
        found: list[Path] = []
        seen: set[tuple[int, int]] = set()

        def refused(exc: OSError, top: str = raw) -> None:
            out.unreadable.append((exc.filename or top, f"folder cannot be read ({exc.strerror or exc})"))

        for folder, dirs, names in os.walk(raw, onerror=refused, followlinks=True):
            try:
                st = os.stat(folder)
            except OSError:
                dirs[:] = []
                continue
            if (st.st_dev, st.st_ino) in seen:
                dirs[:] = []
                continue
            seen.add((st.st_dev, st.st_ino))
            below = os.path.relpath(folder, raw)

            def rel(name: str, below: str = below) -> str:
                return name if below == "." else f"{below}/{name}"

            kept = []
            for d in dirs:
                if excluded(rel(d), patterns):
                    out.excluded.append(os.path.join(folder, d))
                else:
                    kept.append(d)
            dirs[:] = kept
            for n in names:
                path = os.path.join(folder, n)
                if not os.path.isfile(path):
                    continue
                if excluded(rel(n), patterns):
                    out.excluded.append(path)
                    continue
                found.append(Path(path))
        for f in sorted(found):
            if f.suffix.lower() in SUPPORTED_SUFFIXES:
                out.files.append(str(f))
                out.walked.add(str(f))
            else:
                out.skipped.append(str(f))
    return out
