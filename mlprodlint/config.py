"""Configuration: [tool.mlprodlint] in pyproject.toml or .mlprodlint.toml, validated."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError, UsageError
from .results.findings import Severity
from .repo.git import repo_root
from .load.schema import validate

CONFIG_FILE = ".mlprodlint.toml"
PYPROJECT = "pyproject.toml"


@dataclass(frozen=True)
class Config:
    path: Path | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    fail_on: Severity = Severity.ERROR
    rules_dirs: tuple[Path, ...] = ()
    exclude: tuple[str, ...] = ()
    max_file_size: int = 1024 * 1024
    options: Mapping[str, Any] = field(default_factory=dict)
    packs: tuple[str, ...] = ()  # installed rule packs (entry-point names) to load
    builtin: bool = True  # load the built-in packs even when no pack extends them
    profile: str = ""  # default profile (--profile overrides)
    profiles: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    frameworks: tuple[str, ...] = ()  # framework packs enabled for every manifest
    lines: Mapping[str, int] = field(default_factory=dict)  # line of each top-level key, if known

    @property
    def root(self) -> Path:
        return self.path.parent if self.path is not None else Path.cwd()

    def error(self, key: str, message: str) -> ConfigError:
        """An error about one of this configuration's settings, at its file and line."""
        return ConfigError(f"{key}: {message}", self.path, self.lines.get(key))


def find_config(start: Path) -> Path | None:
    """The nearest .mlprodlint.toml, or pyproject.toml with a [tool.mlprodlint] table."""
    start = start.resolve()
    top = repo_root(start)  # do not pick up settings from outside the repository
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_FILE
        if candidate.is_file():
            return candidate
        pyproject = folder / PYPROJECT
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
        if folder == top:
            break
    return None


def load_settings(config_path: Path | None) -> Config:
    """The configuration a command runs with: the file named by --config, else the nearest one."""
    try:
        cwd = Path.cwd()
    except FileNotFoundError:
        raise UsageError("the working directory no longer exists; run mlprodlint from a folder that does") from None
    if config_path is not None:
        return load_config(config_path)
    found = find_config(cwd)
    return load_config(found) if found is not None else Config()


def _has_tool_table(pyproject: Path) -> bool:
    """Found by parsing, in every TOML spelling (`[ tool.mlprodlint ]`, `[tool."mlprodlint"]`,
    dotted keys under `[tool]`, an inline table). A pyproject.toml that does not parse but
    mentions mlprodlint is taken: load_config then reports the TOML error with its line, rather
    than the run silently going on without its configuration."""
    try:
        text = pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return "mlprodlint" in text
    tool = document.get("tool")
    return isinstance(tool, dict) and "mlprodlint" in tool


def load_config(path: Path) -> Config:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError("configuration file not found", path) from None
    except UnicodeDecodeError:
        raise ConfigError("configuration file is not valid UTF-8", path) from None
    except OSError as error:
        raise ConfigError(f"cannot read configuration file: {error.strerror or error}", path) from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line, column = _toml_error_position(str(error))
        if line is None and "end of document" in str(error):
            line = max(1, len(text.splitlines()))
        raise ConfigError(f"invalid TOML: {_strip_position(str(error))}", path, line, column) from None
    is_pyproject = path.name == PYPROJECT
    prefix = ["tool", "mlprodlint"] if is_pyproject else []
    if is_pyproject:
        tool = document.get("tool", {})
        table = tool.get("mlprodlint", {}) if isinstance(tool, dict) else None
    else:
        table = document
    if not isinstance(table, dict):
        raise ConfigError("[tool.mlprodlint] must be a table", path, _line_of_key(text, prefix[:1], prefix[1:]))
    violations = validate(table, "config.schema.json")
    if violations:
        first = violations[0]
        keys = [k.replace("~1", "/").replace("~0", "~") for k in first.pointer.split("/")[1:]]
        line = _line_of_key(text, prefix, keys)
        more = f" (and {len(violations) - 1} more problem(s))" if len(violations) > 1 else ""
        raise ConfigError(f"{first.message}{more}", path, line)
    lines = {key: line for key in table if (line := _line_of_key(text, prefix, [key])) is not None}
    for folder in table.get("rules_dirs", ()):
        found = path.parent / folder
        if not found.exists():
            raise ConfigError(f"rules_dirs: rule folder {folder!r} does not exist (relative to {path.name})",
                              path, lines.get("rules_dirs"))
        if found.is_dir() and not any(found.glob("*.yaml")) and not any(found.glob("*.yml")):
            raise ConfigError(f"rules_dirs: rule folder {folder!r} holds no .yaml rule pack",
                              path, lines.get("rules_dirs"))
    return Config(
        lines=lines,
        path=path,
        select=tuple(table.get("select", ())),
        ignore=tuple(table.get("ignore", ())),
        severity={k: Severity.parse(v) for k, v in table.get("severity", {}).items()},
        fail_on=Severity.parse(table.get("fail_on", "error")),
        rules_dirs=tuple((path.parent / d) for d in table.get("rules_dirs", ())),
        exclude=tuple(table.get("exclude", ())),
        max_file_size=table.get("max_file_size", 1024 * 1024),
        options=dict(table.get("options", {})),
        packs=tuple(table.get("packs", ())),
        builtin=table.get("builtin", True),
        profile=table.get("profile", ""),
        profiles={name: dict(spec) for name, spec in table.get("profiles", {}).items()},
        frameworks=tuple(table.get("frameworks", ())),
    )


def _toml_error_position(message: str) -> tuple[int | None, int | None]:
    found = re.search(r"at line (\d+), column (\d+)", message)
    return (int(found.group(1)), int(found.group(2))) if found else (None, None)


def _strip_position(message: str) -> str:
    return re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", message)


_KEY_PART = re.compile(r"""\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*""")


def _dotted(text: str) -> list[str] | None:
    """The parts of a TOML key (`a . "b" . c`), or None when `text` is not one."""
    parts: list[str] = []
    position = 0
    while True:
        match = _KEY_PART.match(text, position)
        if match is None:
            return None
        parts.append(next(group for group in match.groups() if group is not None))
        position = match.end()
        if position == len(text):
            return parts
        if text[position] != ".":
            return None
        position += 1


def _line_of_key(text: str, prefix: list[str], keys: list[str]) -> int | None:
    """Best-effort line of a key inside the config table (tomllib keeps no positions): the line
    that defines the key itself, else the deepest table or key that contains it. Table headers
    and dotted keys are read in any spelling."""
    target = [*prefix, *keys]
    table: list[str] = []
    best: tuple[int, int | None] = (-1, None)
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if stripped.startswith("["):
            inner = stripped[2:] if stripped.startswith("[[") else stripped[1:]
            parsed = _dotted(inner.split("]", 1)[0])
            if parsed is None:
                continue
            table = full = parsed
        elif "=" in raw:
            parsed = _dotted(raw.split("=", 1)[0])
            if parsed is None:
                continue
            full = [*table, *parsed]
        else:
            continue
        if full == target:
            return number
        if len(full) > best[0] and full == target[: len(full)] and len(full) >= len(prefix):
            best = (len(full), number)
    return best[1] if keys or prefix else None
