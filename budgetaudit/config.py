"""The project's settings: ``budgetaudit.toml`` or ``[tool.budgetaudit]`` in ``pyproject.toml``.

Found as ruff finds its own: from the current folder upward, the first folder that has either file
(``budgetaudit.toml`` first; a ``pyproject.toml`` without the section does not count). ``--config``
names one, ``--isolated`` ignores them. Options typed on the command line win over the file; the
file's ``rules``, ``exclude`` and paths are relative to the folder it is in.

    # budgetaudit.toml (in pyproject.toml: the same keys under [tool.budgetaudit])
    rules = ["packs/local.yaml"]
    select = ["BT", "CT"]
    ignore = ["CT104"]
    fail-on = "warning"
    format = "text"
    jobs = 4
    timeout = 300
    show-rounding = false
    exclude = ["archive", "*-draft.pdf"]
    default-exclude = true
    baseline = "budgetaudit-baseline.yaml"
    engine = "dask"             # local (the default), dask; see engines.py
    scheduler = "tcp://10.0.0.1:8786"

    [per-file-ignores]          # in pyproject.toml: [tool.budgetaudit.per-file-ignores]
    "2019/*.pdf" = ["CN4"]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path, PurePath

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

FILE_NAME = "budgetaudit.toml"
ENGINES = ("local", "dask", "ray")
FORMATS = ("text", "json", "sarif", "junit", "github")
SEVERITIES = ("error", "warning")
MAX_BYTES = 1024**2  # a settings file is a few lines; a huge one is a mistake


class ConfigError(Exception):
    """A settings file that cannot be used: one line naming the file and the key."""


@dataclass
class Settings:
    source: Path | None = None  # the file the settings come from; None: the built-in defaults
    rules: list[Path] = field(default_factory=list)
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    fail_on: str | None = None
    format: str | None = None
    jobs: int | None = None
    timeout: float | None = None
    show_rounding: bool | None = None
    exclude: list[str] = field(default_factory=list)
    default_exclude: bool = True
    baseline: Path | None = None
    engine: str | None = None
    scheduler: str | None = None
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)

    def ignored_for(self, path: str) -> list[str]:
        """The rule ids or prefixes ``per-file-ignores`` turns off for one document."""
        rel = _relative(path, self.source.parent if self.source else None)
        return [rule for pattern, rules in self.per_file_ignores.items()
                if fnmatch(rel, pattern) or fnmatch(PurePath(rel).name, pattern) for rule in rules]

    def shown(self) -> str:
        """The effective settings, as a budgetaudit.toml would write them."""
        lines = [f"# from {self.source}" if self.source else "# no settings file: the built-in defaults"]
        for key, value in self._items():
            if isinstance(value, dict):
                continue
            lines.append(f"{key} = {_toml(value)}")
        if self.per_file_ignores:
            lines += ["", "[per-file-ignores]"]
            lines += [f"{_toml(k)} = {_toml(v)}" for k, v in self.per_file_ignores.items()]
        return "\n".join(lines) + "\n"

    def _items(self):
        for name in KEYS.values():
            value = getattr(self, name)
            if value is None:
                continue
            yield name.replace("_", "-"), value


KEYS = {"rules": "rules", "select": "select", "ignore": "ignore", "fail-on": "fail_on", "format": "format",
        "jobs": "jobs", "timeout": "timeout", "show-rounding": "show_rounding", "exclude": "exclude",
        "default-exclude": "default_exclude", "baseline": "baseline", "engine": "engine", "scheduler": "scheduler",
        "per-file-ignores": "per_file_ignores"}


def find(start: Path | None = None) -> Path | None:
    """The settings file that applies in ``start`` (default: the current folder), if any."""
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        own = candidate / FILE_NAME
        if own.is_file():
            return own
        project = candidate / "pyproject.toml"
        if project.is_file():
            try:
                if "budgetaudit" in _read(project).get("tool", {}):
                    return project
            except ConfigError:
                return project  # a broken pyproject.toml is reported when it is loaded
    return None


def load(path: Path | None) -> Settings:
    """The settings of ``path`` (a budgetaudit.toml or a pyproject.toml); defaults for None."""
    if path is None:
        return Settings()
    data = _read(path)
    if path.name == "pyproject.toml" or "tool" in data and "budgetaudit" in data.get("tool", {}):
        data = data.get("tool", {}).get("budgetaudit", {})
        where = "[tool.budgetaudit]"
    else:
        where = ""
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: {where or 'the file'} must be a table of settings")
    settings = Settings(source=path)
    base = path.parent
    problems = []
    for key, value in data.items():
        name = KEYS.get(key)
        if name is None:
            problems.append(f'unknown setting "{key}" (known: {", ".join(KEYS)})')
            continue
        try:
            setattr(settings, name, _value(key, value, base))
        except ValueError as exc:
            problems.append(f"{key}: {exc}")
    if problems:
        raise ConfigError(f"{path}: {where + ' ' if where else ''}{'; '.join(problems)}")
    return settings


def _read(path: Path) -> dict:
    from .errors import InputError
    from .readers.regular import read_regular  # regular files only, read within a bound

    try:
        raw = read_regular(path, MAX_BYTES, "settings file")
    except InputError as exc:
        raise ConfigError(f"{path}: {exc.problem}") from None
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None


def _strings(value) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError("expects a list of strings")
    return [v.strip() for v in value]


def _value(key: str, value, base: Path):
    if key in ("select", "ignore", "exclude"):
        return _strings(value)
    if key == "rules":
        return [base / v for v in _strings(value)]
    if key == "baseline":
        return base / _strings(value)[0]
    if key == "fail-on":
        if value not in SEVERITIES:
            raise ValueError(f"expects one of {', '.join(SEVERITIES)}")
        return value
    if key == "engine":
        if value not in ENGINES:
            raise ValueError(f"expects one of {', '.join(ENGINES)}")
        return value
    if key == "scheduler":
        return _strings(value)[0]
    if key == "format":
        if value not in FORMATS:
            raise ValueError(f"expects one of {', '.join(FORMATS)}")
        return value
    if key == "jobs":
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1024:
            raise ValueError("expects a whole number from 1 to 1024")
        return value
    if key == "timeout":
        if isinstance(value, bool) or not isinstance(value, int | float) or not 1 <= value <= 7 * 24 * 3600:
            raise ValueError("expects seconds from 1 to 604800")
        return float(value)
    if key in ("show-rounding", "default-exclude"):
        if not isinstance(value, bool):
            raise ValueError("expects true or false")
        return value
    if key == "per-file-ignores":
        if not isinstance(value, dict):
            raise ValueError('expects a table of "glob" = ["rule", …]')
        return {str(k): _strings(v) for k, v in value.items()}
    raise ValueError("unknown")  # pragma: no cover - KEYS and this function list the same keys


def _relative(path: str, base: Path | None) -> str:
    p = Path(path)
    if base is not None:
        try:
            return p.resolve().relative_to(base.resolve()).as_posix()
        except (ValueError, OSError):
            pass
    return p.as_posix()


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, Path):
        return _toml(str(value))
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'
