"""Configuration: [tool.mlprodlint] in pyproject.toml or .mlprodlint.toml, validated."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .findings import Severity
from .git import repo_root
from .schema import validate

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

    @property
    def root(self) -> Path:
        return self.path.parent if self.path is not None else Path.cwd()


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
    if config_path is not None:
        return load_config(config_path)
    found = find_config(Path.cwd())
    return load_config(found) if found is not None else Config()


def _has_tool_table(pyproject: Path) -> bool:
    try:
        text = pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return re.search(r"^\s*\[tool\.mlprodlint[\].]", text, re.MULTILINE) is not None


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
    if is_pyproject:
        table = document.get("tool", {}).get("mlprodlint", {})
        prefix = "tool.mlprodlint"
    else:
        table = document
        prefix = ""
    if not isinstance(table, dict):
        raise ConfigError("[tool.mlprodlint] must be a table", path)
    violations = validate(table, "config.schema.json")
    if violations:
        first = violations[0]
        keys = [k.replace("~1", "/").replace("~0", "~") for k in first.pointer.split("/")[1:]]
        line = _line_of_key(text, prefix, keys)
        more = f" (and {len(violations) - 1} more problem(s))" if len(violations) > 1 else ""
        raise ConfigError(f"{first.message}{more}", path, line)
    return Config(
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


def _line_of_key(text: str, prefix: str, keys: list[str]) -> int | None:
    """Best-effort line of a key inside the config table (tomllib keeps no positions)."""
    if not keys:
        return None
    lines = text.splitlines()
    in_table = not prefix
    table_name = prefix
    for number, raw in enumerate(lines, start=1):
        stripped = raw.strip()
        header = re.match(r"^\[([^\[\]]+)\]$", stripped)
        if header:
            name = header.group(1).strip()
            in_table = name == prefix or name.startswith(prefix + ".") if prefix else True
            table_name = name
            if in_table and name == ".".join(filter(None, [prefix, *keys])):
                return number
            continue
        if in_table:
            nested = table_name[len(prefix):].lstrip(".") if prefix else table_name
            target = keys[-1] if nested and nested == ".".join(keys[:-1]) else keys[0]
            if re.match(rf"^\s*\"?{re.escape(target)}\"?\s*=", raw):
                return number
    return None
