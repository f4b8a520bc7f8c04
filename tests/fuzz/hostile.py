"""Hostile cases for the command line, and the contract each must keep (issue 11).

A case writes its files into a fresh folder and names the command to run; ``run_case`` runs it
under resource limits and checks the contract:

- no traceback and no "internal error" on stderr;
- the exit code is one the case allows (0/1 for an audit, 2 for bad input or usage, 141 for a
  reader that stopped reading);
- with exit 2, every error line names a file of the case (or the option / stream at fault);
- every input file is byte-identical afterwards;
- the run ends within the time limit (no hang) and within the address-space limit.

Cases run in a forked child of a warm parent (imports and the shipped rule packs loaded once), with
standard streams redirected at the descriptor level, so a thousand cases take minutes, not an hour;
cases about the interpreter's environment (encodings) run as real subprocesses.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))
PDFS = sorted((ROOT.parent / "shared" / "pdfs").glob("*.pdf"))
TEMPLATES = sorted((ROOT.parent / "shared" / "templates").glob("*.xlsx"))
PACKS = sorted((ROOT / "rules").glob("*.yaml"))

MEMORY = 3 * 1024**3  # address space of the whole command (workers and the PDF child inherit it)
TIME = 90.0  # seconds before a case counts as a hang


@dataclass
class Case:
    name: str
    argv: list[str]  # after "budgetaudit"
    codes: set[int]  # exit codes the contract allows
    stdout: str = "pipe"  # pipe | closed | broken | full
    env: dict[str, str] = field(default_factory=dict)  # set: run as a real subprocess
    fsize: int | None = None  # RLIMIT_FSIZE: a tiny disk
    names: list[str] = field(default_factory=list)  # what an error line may name


@dataclass
class Outcome:
    case: Case
    code: int | None
    seconds: float
    problems: list[str]


# ---------------------------------------------------------------- mutations of real documents

ABSURD_NUMBERS = ["1e400", "NaN", "-NaN", "Infinity", "1234567890123456789012345678901234567890",
                  "1.000000000000000000000001", "0." + "0" * 60 + "1", "9" * 400, "-0.00", "１２３，４５６．７８",
                  "(((1)))", "1,2,3,4", "1.2.3", "∞", "10" * 5000]
BLANKS = ["\u00a0", "\u3000", "\u200b", "\ufeff", "\u2028", "\u202e", "\x00", "\x0b", "\x1a"]


def mutate_text(rng: random.Random, text: str) -> bytes:
    """A real disclosure, damaged in one or a few ways a file meets in the wild (or a fuzzer's worst)."""
    lines = text.split("\n")
    for _ in range(rng.randint(1, 3)):
        op = rng.choice(["numbers", "truncate", "bytes", "lines", "blanks", "long", "table", "encode",
                         "swap", "delete"])
        if op == "numbers":
            for _ in range(rng.randint(1, 30)):
                i = rng.randrange(len(lines))
                cells = lines[i].split("\t")
                j = rng.randrange(len(cells))
                cells[j] = rng.choice(ABSURD_NUMBERS)
                lines[i] = "\t".join(cells)
        elif op == "truncate":
            lines = lines[:rng.randrange(1, len(lines) + 1)]
            lines[-1] = lines[-1][:rng.randrange(len(lines[-1]) + 1)]
        elif op == "blanks":
            for _ in range(rng.randint(1, 50)):
                i = rng.randrange(len(lines))
                k = rng.randrange(len(lines[i]) + 1)
                lines[i] = lines[i][:k] + rng.choice(BLANKS) * rng.randint(1, 5) + lines[i][k:]
        elif op == "long":
            i = rng.randrange(len(lines))
            lines[i] = lines[i] * rng.choice([100, 2000, 20000])
        elif op == "table":
            rows = [line for line in lines if line.count("\t") >= 3]
            if rows:
                at = rng.randrange(len(lines))
                lines[at:at] = [rng.choice(rows) for _ in range(rng.choice([500, 5000, 10000]))]
        elif op == "lines":
            at = rng.randrange(len(lines))
            lines[at:at] = [lines[at]] * rng.randint(1, 200)
        elif op == "swap":
            rng.shuffle(lines)
        elif op == "delete":
            a = rng.randrange(len(lines))
            del lines[a:a + rng.randint(1, 300)]
            lines = lines or [""]
    data = "\n".join(lines)
    encoding = rng.choice(["utf-8", "utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le", "utf-16-be", "big5",
                           "latin-1"])
    raw = data.encode(encoding, errors="replace")
    if rng.random() < 0.3:
        raw = flip_bytes(rng, raw)
    if rng.random() < 0.15:
        raw = raw[:rng.randrange(len(raw) + 1)]
    return raw


def flip_bytes(rng: random.Random, data: bytes) -> bytes:
    buf = bytearray(data)
    if not buf:
        return bytes(buf)
    for _ in range(rng.randint(1, 40)):
        op = rng.random()
        i = rng.randrange(len(buf))
        if op < 0.5:
            buf[i] = rng.randrange(256)
        elif op < 0.7:
            del buf[i:i + rng.randint(1, 4096)]
            if not buf:
                return b""
        elif op < 0.85:
            buf[i:i] = os.urandom(rng.randint(1, 256))
        else:
            j = rng.randrange(len(buf))
            buf[i:i] = buf[j:j + rng.randint(1, 4096)]
    return bytes(buf)


def office_file(rng: random.Random, text: str) -> tuple[str, bytes]:
    """A workbook (a district template, or a sample's lines one row each) or a Word file of a
    sample, as bytes, before any damage."""
    import io

    if TEMPLATES and rng.random() < 0.5:
        return ".xlsx", rng.choice(TEMPLATES).read_bytes()
    lines = text.split("\n")[: rng.choice([50, 500, 5000])]
    buf = io.BytesIO()
    if rng.random() < 0.5:
        import openpyxl

        wb = openpyxl.Workbook()
        ws = wb.active
        for r, line in enumerate(lines, 1):
            for c, cell in enumerate(line.split("\t")[:60], 1):
                if cell:
                    ws.cell(r, c, value=rng.choice([cell, cell, "=SUM(A1:A3)", 1e308, -0.0]))
        wb.save(buf)
        return rng.choice([".xlsx", ".xlsm"]), buf.getvalue()
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line.replace("\x00", ""))
    document.save(buf)
    return ".docx", buf.getvalue()


def mutate_office(rng: random.Random, data: bytes) -> bytes:
    """Damage inside the ZIP (a part's XML flipped, cut or dropped) or to the ZIP itself."""
    import io
    import zipfile

    if rng.random() < 0.3:
        return flip_bytes(rng, data)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    for _ in range(rng.randint(1, 3)):
        name = rng.choice(sorted(parts))
        op = rng.random()
        if op < 0.5:
            parts[name] = flip_bytes(rng, parts[name])
        elif op < 0.7:
            parts[name] = parts[name][:rng.randrange(len(parts[name]) + 1)]
        elif op < 0.85:
            del parts[name]
            if not parts:
                break
        else:
            parts[name] = parts[name] * rng.choice([2, 50])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in parts.items():
            z.writestr(name, content)
    return out.getvalue()


def mutate_pdf(rng: random.Random, data: bytes) -> bytes:
    op = rng.choice(["truncate", "flip", "flip", "tail", "zero", "xref"])
    if op == "truncate":
        return data[:rng.randrange(len(data))]
    if op == "flip":
        return flip_bytes(rng, data)
    if op == "tail":
        return data[:rng.randrange(len(data) // 2, len(data))] + b"\n%%EOF\n"
    if op == "zero":
        a = rng.randrange(len(data))
        return data[:a] + b"\0" * min(rng.randint(1, 100_000), len(data) - a) + data[a + 100_000:]
    return data.replace(b"startxref", b"startxref\n" + str(rng.randrange(10**9)).encode() + b"\n", 1)


def reference_loop_pdf(rng: random.Random) -> bytes:
    n = rng.randint(2, 6)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    objects += [f"{2 + (i + 1) % n} 0 R".encode() for i in range(n)]
    return pdf_of(objects)


def pdf_of(objects: list[bytes]) -> bytes:
    """A minimal PDF file holding these object bodies, numbered from 1, with its xref table."""
    out, offsets = b"%PDF-1.4\n", []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    return out + f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()


# ---------------------------------------------------------------- hostile rule packs


def hostile_pack(rng: random.Random) -> str:
    kind = rng.choice(["bomb", "deep", "tag", "types", "dup", "number", "expr", "mutated", "keys"])
    head = "pack: fuzz\nrules:\n"
    rule = "  - id: {id}\n    title: t\n    table: 收支预算总表\n    check: {check}\n"
    if kind == "bomb":
        width, depth = rng.randint(5, 12), rng.randint(6, 12)
        lines = ["a0: &a0 [" + ",".join(['"x"'] * width) + "]"]
        lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * width) + "]" for i in range(1, depth)]
        return "\n".join(lines) + "\n" + head + rule.format(id="X001", check=f"1 == *a{depth - 1}")
    if kind == "deep":
        n = rng.choice([100, 1000, 50000])
        return head.replace("rules:\n", "rules: ") + rng.choice(["[" * n + "]" * n, "{a: " * n + "1" + "}" * n]) + "\n"
    if kind == "tag":
        tag = rng.choice(["!!python/object/apply:os.system ['true']", "!!python/name:os.system",
                          "!!binary aGVsbG8=", "!!set {a: null}", "!custom x", "!!timestamp 2001-12-14"])
        return f"pack: {tag}\nrules: []\n"
    if kind == "types":
        bad = rng.choice(["rules: 5", "rules: {a: 1}", "pack: [1, 2]\nrules: []", "rules:\n  - 7",
                          "rules:\n  - id: [1]\n    title: t", "rules:\n  - id: X001\n    title: {a: 1}\n    check: 1 == 1",
                          "rules:\n  - id: X001\n    title: t\n    severity: 7\n    check: 1 == 1",
                          "rules:\n  - id: X001\n    title: t\n    check: {a: 1}", "applies_to: 5\nrules: []"])
        return "pack: fuzz\n" + bad + "\n" if not bad.startswith("pack") else bad + "\n"
    if kind == "dup":
        return head + rule.format(id="X001", check="收入总计 == 1") * 2
    if kind == "number":
        return head + rule.format(id="X001", check="收入总计 == " + rng.choice(ABSURD_NUMBERS))
    if kind == "expr":
        n = rng.choice([10, 40, 1000, 100000])
        return head + rule.format(id="X001", check=rng.choice(["(" * n + "收入总计" + ")" * n, "-" * n + "收入总计",
                                                                  "收入总计" + " + 收入总计" * n]) + " == 1")
    if kind == "keys":
        return "? [a, b]\n: 1\n" + head + rule.format(id="X001", check="收入总计 == 1")
    text = rng.choice(PACKS).read_text("utf-8")
    return flip_bytes(rng, text.encode("utf-8")).decode("utf-8", "replace")


# ---------------------------------------------------------------- the cases


def build(rng: random.Random, index: int, folder: Path) -> Case:
    """Case number ``index``: its files are written under ``folder``."""
    kind = rng.choices(["text", "pdf", "bytes", "pack", "names", "links", "env", "special", "output", "office"],
                       weights=[40, 6, 8, 12, 6, 5, 10, 4, 9, 8])[0]
    fmt = rng.choice(["text", "json", "sarif", "junit", "github"])
    base = ["check", "--no-cache", "-f", fmt, "--jobs", str(rng.choice([1, 2]))]
    if kind == "text":
        path = folder / rng.choice(["doc.txt", "doc.md", "文档 1.txt"])
        path.write_bytes(mutate_text(rng, rng.choice(SAMPLES).read_text("utf-8")))
        return Case(f"{index}-text", [*base, str(path)], {0, 1, 2}, names=[str(path)])
    if kind == "pdf" and PDFS:
        path = folder / "doc.pdf"
        if rng.random() < 0.2:
            path.write_bytes(reference_loop_pdf(rng))
        else:
            path.write_bytes(mutate_pdf(rng, rng.choice(PDFS).read_bytes()))
        return Case(f"{index}-pdf", [*base, str(path)], {0, 1, 2}, names=[str(path)])
    if kind == "office":
        suffix, data = office_file(rng, rng.choice(SAMPLES).read_text("utf-8"))
        path = folder / f"doc{suffix}"
        path.write_bytes(mutate_office(rng, data) if rng.random() < 0.8 else data)
        return Case(f"{index}-office", [*base, str(path)], {0, 1, 2}, names=[str(path)])
    if kind in ("bytes", "pdf"):
        path = folder / rng.choice(["r.txt", "r.md", "r.pdf", "r.TXT"])
        size = rng.choice([1, 3, 8, 40, 1000, 100_000])
        head = rng.choice([b"", b"%PDF-1.7\n", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, b"PK\x03\x04"])
        path.write_bytes(head + os.urandom(size))
        return Case(f"{index}-bytes", [*base, str(path)], {0, 1, 2}, names=[str(path)])
    if kind == "pack":
        pack = folder / "pack.yaml"
        pack.write_text(hostile_pack(rng), "utf-8", errors="replace")
        doc = folder / "doc.txt"
        shutil.copy(rng.choice(SAMPLES), doc)
        return Case(f"{index}-pack", [*base, "--rules", str(pack), str(doc)], {0, 1, 2}, names=[str(pack), str(doc)])
    if kind == "names":
        name = rng.choice(["-dash.txt", "sp ace.txt", "new\nline.txt", "%s{0}.txt", "ü名字.md", "x" * 250 + ".txt",
                           ".hidden.txt", "noext", "UPPER.PDF", "a.txt.pdf", "$(touch pwned).txt"])
        path = folder / name
        if rng.random() < 0.5:
            shutil.copy(rng.choice(SAMPLES), path)
        else:
            path.write_bytes(os.urandom(64))
        argv = [*base, "--", str(path)] if rng.random() < 0.5 else [*base, str(folder)]
        return Case(f"{index}-name", argv, {0, 1, 2}, names=[str(folder)])
    if kind == "links":
        a, b = folder / "a.txt", folder / "b.txt"
        variant = rng.choice(["loop", "self", "dangling", "dirloop", "devzero"])
        if variant == "loop":
            a.symlink_to(b)
            b.symlink_to(a)
        elif variant == "self":
            a.symlink_to(a)
        elif variant == "dangling":
            a.symlink_to(folder / "nowhere.txt")
        elif variant == "dirloop":
            (folder / "sub").mkdir()
            (folder / "sub" / "up").symlink_to(folder)
            shutil.copy(rng.choice(SAMPLES), folder / "sub" / "d.txt")
        else:
            a.symlink_to("/dev/zero")
        target = folder if rng.random() < 0.5 else a
        return Case(f"{index}-link-{variant}", [*base, str(target)], {0, 1, 2}, names=[str(folder)])
    if kind == "special":
        path = folder / rng.choice(["fifo.txt", "fifo.pdf", "fifo.yaml"])
        os.mkfifo(path)
        if path.suffix == ".yaml":
            doc = folder / "doc.txt"
            shutil.copy(rng.choice(SAMPLES), doc)
            return Case(f"{index}-fifo-pack", [*base, "--rules", str(path), str(doc)], {2}, names=[str(path)])
        argv = ["check", "-f", fmt, str(path)]  # the cache is on: hashing must not open the FIFO
        return Case(f"{index}-fifo", argv, {2}, names=[str(path)], env={"BUDGETAUDIT_CACHE_DIR": str(folder / "c")})
    doc = folder / "doc.txt"
    shutil.copy(rng.choice(SAMPLES), doc)
    if kind == "output":
        variant = rng.choice(["same", "symlink", "hardlink", "devfull", "proc", "folder", "tiny", "tables"])
        if variant == "same":
            return Case(f"{index}-out-same", [*base, str(doc), "-o", str(doc)], {2}, names=[str(doc)])
        if variant == "symlink":
            (folder / "r.txt").symlink_to(doc)
            return Case(f"{index}-out-link", [*base, str(doc), "-o", str(folder / "r.txt")], {2}, names=[str(folder)])
        if variant == "hardlink":
            os.link(doc, folder / "r.txt")
            return Case(f"{index}-out-hard", [*base, str(doc), "-o", str(folder / "r.txt")], {2}, names=[str(folder)])
        if variant == "devfull":
            return Case(f"{index}-out-full", [*base, str(doc), "-o", "/dev/full"], {2}, names=["/dev/full"])
        if variant == "proc":
            return Case(f"{index}-out-proc", [*base, str(doc), "-o", "/proc/x/r.json"], {2}, names=["/proc"])
        if variant == "folder":
            return Case(f"{index}-out-folder", [*base, str(doc), "-o", str(folder)], {2}, names=[str(folder)])
        if variant == "tiny":
            return Case(f"{index}-out-tiny", [*base, str(doc), "-o", str(folder / "r.out")], {2}, fsize=512,
                        names=[str(folder)])
        return Case(f"{index}-tables-same", ["tables", str(doc), "-o", str(doc)], {2}, names=[str(doc)])
    variant = rng.choice(["closed", "broken", "full", "ascii", "timeout", "jobs", "empty", "tiny-stdout"])
    if variant == "closed":
        return Case(f"{index}-stdout-closed", [*base, str(doc)], {2}, stdout="closed", names=["standard output"])
    if variant == "broken":
        argv = rng.choice([["tables", str(doc), "-f", "json"], [*base, "--format", "json", str(doc)]])
        return Case(f"{index}-stdout-broken", argv, {0, 1, 141}, stdout="broken", names=[str(doc)])
    if variant == "full":
        return Case(f"{index}-stdout-full", [*base, str(doc)], {2}, stdout="full", names=["standard output"])
    if variant == "tiny-stdout":
        # A short report (github, or few findings) may fit the tiny disk: then 0/1, else one line and 2.
        return Case(f"{index}-stdout-tiny", [*base, str(doc)], {0, 1, 2}, stdout="file", fsize=256,
                    names=["standard output"])
    if variant == "ascii":
        env = {"PYTHONIOENCODING": "ascii", "LANG": "C", "LC_ALL": "C"}
        argv = rng.choice([[*base, str(doc)], ["tables", str(doc)]])
        return Case(f"{index}-ascii", argv, {0, 1}, env=env, names=[str(doc)])
    if variant == "timeout":
        value = rng.choice(["inf", "1e400", "nan", "-1", "0", "1e309", "abc"])
        return Case(f"{index}-timeout", [*base, "--timeout", value, str(doc)], {2}, names=["--timeout"])
    if variant == "jobs":
        value = rng.choice(["99999999999999999999", "0", "-3", "1e3", "1025"])
        return Case(f"{index}-jobs", [*base[:-2], "--jobs", value, str(doc)], {2}, names=["--jobs"])
    return Case(f"{index}-empty", [*base, ""], {2}, names=["empty path"])


# ---------------------------------------------------------------- running a case


def snapshot(folder: Path) -> dict[str, str]:
    out = {}
    for path in folder.rglob("*"):
        try:
            if path.is_symlink() or not path.is_file():
                continue
            out[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            continue
    return out


class Running:
    """A case started: its process, and what to check when it ends."""

    def __init__(self, case: Case, folder: Path):
        self.case = case
        self.folder = folder
        self.inputs = {p: h for p, h in snapshot(folder).items() if not p.endswith((".out", ".json"))}
        self.stderr_path = folder.parent / f"{folder.name}.stderr"
        self.started = time.monotonic()
        self.proc = None
        self.pid = None
        if case.env:
            self.proc = _subprocess(case, folder, self.stderr_path)
        else:
            self.pid = _fork(case, folder, self.stderr_path)

    def poll(self) -> Outcome | None:
        """The outcome once the case has ended (or hung), else None."""
        hung = time.monotonic() - self.started > TIME
        if self.proc is not None:
            code = self.proc.poll()
            if code is None and not hung:
                return None
            if code is None:
                _kill_group(self.proc.pid)
                self.proc.wait()
        else:
            done, status = os.waitpid(self.pid, os.WNOHANG)
            if not done and not hung:
                return None
            if done:
                code = os.waitstatus_to_exitcode(status)
            else:
                _kill_group(self.pid)
                os.waitpid(self.pid, 0)
                code = None
        return judge(self.case, code, hung, time.monotonic() - self.started, self.inputs, self.stderr_path)


def judge(case: Case, code: int | None, hung: bool, seconds: float, inputs: dict[str, str],
          stderr_path: Path) -> Outcome:
    problems = []
    err = stderr_path.read_text("utf-8", errors="replace")
    if hung:
        problems.append(f"hang: no end after {TIME:g} s")
    if "Traceback" in err:
        problems.append("traceback: " + err.strip().splitlines()[-1][:200])
    if "internal error" in err or "please report" in err:
        problems.append("internal error: " + next(line for line in err.splitlines()
                                                  if "internal" in line or "report" in line)[:200])
    if code is not None and code not in case.codes:
        problems.append(f"exit code {code}, expected {sorted(case.codes)}: {err.strip()[-300:]}")
    if code == 2:
        errors = [line for line in err.splitlines() if line.startswith("budgetaudit: ") and ": note:" not in line]
        usage = "Usage:" in err or "Invalid value" in err or "No such option" in err
        if not errors and not usage:
            problems.append("exit 2 without an error line")
        for line in errors:
            if not any(name in line for name in case.names) and not _names_a_path(line):
                problems.append(f"error line names no file: {line[:200]}")
    for path, digest in inputs.items():
        try:
            now = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        except OSError:
            now = None
        if now != digest:
            problems.append(f"input modified: {path}")
    return Outcome(case, code, seconds, problems)


def _names_a_path(line: str) -> bool:
    body = line[len("budgetaudit: "):]
    return body.startswith(("/", "./", "-", "standard output")) or "/" in body.split(":", 1)[0]


def _limits(fsize: int | None) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
        os.setpgid(0, 0)
    return apply


def _subprocess(case: Case, folder: Path, stderr_path: Path) -> subprocess.Popen:
    env = {**os.environ, **case.env, "PYTHONPATH": str(ROOT)}
    with open(stderr_path, "wb") as err:
        return subprocess.Popen([sys.executable, "-m", "budgetaudit", *case.argv], stdout=subprocess.DEVNULL,
                                stderr=err, stdin=subprocess.DEVNULL, env=env, cwd=folder,
                                preexec_fn=_limits(case.fsize))


def _fork(case: Case, folder: Path, stderr_path: Path) -> int:
    reader = None
    if case.stdout == "broken":
        reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: becomes `budgetaudit ARGV` with its streams set up as the case says
        code = 70
        try:
            _limits(case.fsize)()
            os.chdir(folder)
            fd = os.open(stderr_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(fd, 2)
            os.close(fd)
            null = os.open(os.devnull, os.O_RDONLY)
            os.dup2(null, 0)
            if case.stdout == "closed":
                os.close(1)
            elif case.stdout == "broken":
                os.close(reader)
                os.dup2(writer, 1)
                os.close(writer)
            elif case.stdout == "full":
                os.dup2(os.open("/dev/full", os.O_WRONLY), 1)
            elif case.stdout == "file":
                os.dup2(os.open(str(folder / "stdout.out"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644), 1)
            else:
                os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
            _fresh_streams(case.stdout == "closed")
            from budgetaudit import cli

            sys.argv = ["budgetaudit", *case.argv]
            try:
                cli.main()
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except BaseException:  # noqa: BLE001 - a harness failure shows as exit 70 with its traceback
            import traceback

            traceback.print_exc()
        finally:
            try:
                sys.stderr.flush()
            except Exception:  # noqa: BLE001
                pass
            os._exit(code)
    if reader is not None:
        os.close(writer)
        import select

        if select.select([reader], [], [], TIME)[0]:
            os.read(reader, 1)  # read one byte, then go away: `| head -c 1`
        os.close(reader)
    return pid


def _fresh_streams(stdout_closed: bool) -> None:
    """New Python streams over descriptors 1 and 2, as a freshly started interpreter has them."""
    import io

    sys.stdout = None if stdout_closed else io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8",
                                                             line_buffering=False)
    sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding="utf-8", errors="backslashreplace",
                                  line_buffering=True)


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def warm() -> None:
    """Import what every case imports, and load the shipped packs once, before the first fork."""
    import pdfplumber  # noqa: F401

    import budgetaudit.rules as rules_module
    from budgetaudit import audit, batch, cli, loader  # noqa: F401
    from budgetaudit.report import json, text  # noqa: F401

    loaded = rules_module.load_rules()
    original = rules_module.load_rules

    def load_rules(extra=None, shipped: bool = True):
        if not extra and shipped:
            return loaded
        return original(extra, shipped)

    rules_module.load_rules = load_rules


def run_many(count: int, seed: int, workdir: Path, parallel: int = 2,
             report: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Build and run ``count`` cases from ``seed``, ``parallel`` at a time, each in its own folder."""
    warm()
    rng = random.Random(seed)
    seeds = [rng.random() for _ in range(count)]
    outcomes: list[Outcome] = []
    running: list[Running] = []
    index = 0
    while index < count or running:
        while index < count and len(running) < parallel:
            folder = workdir / f"case{index:05d}"
            folder.mkdir(parents=True)
            case = build(random.Random(seeds[index]), index, folder)
            running.append(Running(case, folder))
            index += 1
        still = []
        for r in running:
            outcome = r.poll()
            if outcome is None:
                still.append(r)
                continue
            outcomes.append(outcome)
            if report is not None:
                report(outcome)
            if not outcome.problems:
                shutil.rmtree(r.folder, ignore_errors=True)
                r.stderr_path.unlink(missing_ok=True)
        running = still
        time.sleep(0.02)
    return outcomes
