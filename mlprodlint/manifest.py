"""Load one manifest safely: bounded size, depth, aliases and documents; keep source positions.

The YAML is parsed with ruamel.yaml's round-trip loader, which never constructs Python objects
from tags (a `!!python/object` stays an inert tagged scalar). The tree is then copied into plain
JSON-like data, with a map from JSON pointer to (line, column), under a node budget so that an
alias bomb costs a bounded amount of work instead of exhausting memory.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar
from ruamel.yaml.error import MarkedYAMLError, YAMLError

Position = tuple[int, int]  # 1-based line and column


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 1024 * 1024
    max_depth: int = 64
    max_nodes: int = 50_000


@dataclass(frozen=True)
class LoadProblem:
    """A reason the manifest could not be (fully) read; becomes an MPL00x finding."""

    rule_id: str
    message: str
    line: int = 1
    column: int = 1
    pointer: str = ""


@dataclass(frozen=True)
class LoadedManifest:
    path: Path
    display_path: str
    data: dict[str, Any] | None
    positions: dict[str, Position] = field(default_factory=dict)
    problems: tuple[LoadProblem, ...] = ()

    def position(self, pointer: str) -> Position:
        """Position of `pointer`, or of its nearest ancestor that exists in the file."""
        while True:
            found = self.positions.get(pointer)
            if found is not None:
                return found
            if not pointer:
                return (1, 1)
            pointer = pointer.rsplit("/", 1)[0]


def escape_pointer_token(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


class _BudgetExceeded(Exception):
    def __init__(self, reason: str, pointer: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.pointer = pointer


_STANDARD_TAG_PREFIX = "tag:yaml.org,2002:"


class _Converter:
    """Copies a ruamel tree into plain data plus positions, within a budget."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.nodes = 0
        self.positions: dict[str, Position] = {"": (1, 1)}
        self.problems: list[LoadProblem] = []

    def convert(self, node: Any, pointer: str, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > self.limits.max_nodes:
            raise _BudgetExceeded(
                f"manifest expands to more than {self.limits.max_nodes} nodes "
                "(an alias/anchor bomb or a far too large document)",
                pointer,
            )
        if depth > self.limits.max_depth:
            raise _BudgetExceeded(
                f"manifest is nested deeper than {self.limits.max_depth} levels", pointer
            )
        if isinstance(node, CommentedMap):
            return self._mapping(node, pointer, depth)
        if isinstance(node, CommentedSeq):
            return self._sequence(node, pointer, depth)
        if isinstance(node, TaggedScalar):
            line, column = self.positions.get(pointer, (1, 1))
            self.problems.append(
                LoadProblem(
                    "MPL001",
                    f"custom YAML tag {str(node.tag)!r} is not allowed; tags are never executed",
                    line,
                    column,
                    pointer,
                )
            )
            return str(node.value)
        return _scalar(node)

    def _mapping(self, node: CommentedMap, pointer: str, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in node.items():
            text_key = _key_text(key)
            child = f"{pointer}/{escape_pointer_token(text_key)}"
            try:
                line, column = node.lc.key(key)
                self.positions[child] = (line + 1, column + 1)
            except (KeyError, TypeError, AttributeError):
                pass  # merged (<<) keys have no position of their own; the parent's is used
            out[text_key] = self.convert(value, child, depth + 1)
        return out

    def _sequence(self, node: CommentedSeq, pointer: str, depth: int) -> list[Any]:
        out: list[Any] = []
        for index, value in enumerate(node):
            child = f"{pointer}/{index}"
            try:
                line, column = node.lc.item(index)
                self.positions[child] = (line + 1, column + 1)
            except (KeyError, TypeError, AttributeError, IndexError):
                pass
            out.append(self.convert(value, child, depth + 1))
        return out


def _key_text(key: Any) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    return str(_scalar(key))


def _scalar(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        # JSON has no NaN or infinity; keep them visible as strings so the schema rejects them.
        return float(value) if math.isfinite(value) else str(value)
    if isinstance(value, str):
        return str(value)
    return str(value)


def _decode(raw: bytes) -> tuple[str | None, LoadProblem | None]:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, LoadProblem(
            "MPL001", "manifest is UTF-16 encoded (byte order mark found); save it as UTF-8"
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        return None, LoadProblem(
            "MPL001",
            f"manifest is not valid UTF-8 (byte 0x{raw[error.start]:02x} at offset {error.start})",
            line,
            column,
        )


def _yaml_error_problem(error: YAMLError) -> LoadProblem:
    if isinstance(error, MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        problem = error.problem or "malformed YAML"
        if error.context and error.problem:
            problem = f"{error.context}: {error.problem}"
        line = mark.line + 1 if mark is not None else 1
        column = mark.column + 1 if mark is not None else 1
        return LoadProblem("MPL001", f"YAML syntax error: {problem}", line, column)
    first_line = str(error).strip().splitlines()[0] if str(error).strip() else "malformed YAML"
    return LoadProblem("MPL001", f"YAML error: {first_line}")


def read_text(path: Path, limits: Limits) -> tuple[str | None, LoadProblem | None]:
    """Read a manifest's text within the size limit; never raises for file problems."""
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            return None, LoadProblem(
                "MPL003",
                f"manifest is {size} bytes, over the limit of {limits.max_bytes} bytes",
            )
        with path.open("rb") as handle:
            raw = handle.read(limits.max_bytes + 1)
    except IsADirectoryError:
        return None, LoadProblem("MPL001", "is a directory, not a manifest file")
    except PermissionError:
        return None, LoadProblem("MPL001", "cannot read manifest: permission denied")
    except OSError as error:
        return None, LoadProblem("MPL001", f"cannot read manifest: {error.strerror or error}")
    if len(raw) > limits.max_bytes:
        return None, LoadProblem(
            "MPL003", f"manifest is over the limit of {limits.max_bytes} bytes"
        )
    return _decode(raw)


def parse_text(text: str, path: Path, display_path: str, limits: Limits) -> LoadedManifest:
    yaml = YAML(typ="rt")
    try:
        documents = yaml.load_all(text)
        first = next(documents, None)
        second_exists = False
        try:
            second = next(documents, _SENTINEL)
            second_exists = second is not _SENTINEL
        except YAMLError:
            second_exists = True
    except YAMLError as error:
        return LoadedManifest(path, display_path, None, problems=(_yaml_error_problem(error),))
    except RecursionError:
        return LoadedManifest(
            path,
            display_path,
            None,
            problems=(
                LoadProblem("MPL003", f"manifest is nested deeper than {limits.max_depth} levels"),
            ),
        )
    if second_exists:
        return LoadedManifest(
            path,
            display_path,
            None,
            problems=(
                LoadProblem(
                    "MPL001",
                    "manifest holds more than one YAML document; keep one manifest per file",
                    _second_document_line(text),
                ),
            ),
        )
    if first is None:
        return LoadedManifest(
            path, display_path, None, problems=(LoadProblem("MPL001", "manifest is empty"),)
        )
    converter = _Converter(limits)
    try:
        data = converter.convert(first, "", 0)
    except _BudgetExceeded as exceeded:
        line, column = converter.positions.get(exceeded.pointer, (1, 1))
        return LoadedManifest(
            path,
            display_path,
            None,
            problems=(LoadProblem("MPL003", exceeded.reason, line, column, exceeded.pointer),),
        )
    except RecursionError:
        return LoadedManifest(
            path,
            display_path,
            None,
            problems=(
                LoadProblem("MPL003", f"manifest is nested deeper than {limits.max_depth} levels"),
            ),
        )
    if not isinstance(data, dict):
        return LoadedManifest(
            path,
            display_path,
            None,
            problems=(
                LoadProblem(
                    "MPL001",
                    f"manifest top level must be a mapping of keys, not a {_type_name(data)}",
                ),
            ),
        )
    return LoadedManifest(path, display_path, data, converter.positions, tuple(converter.problems))


_SENTINEL = object()


def _second_document_line(text: str) -> int:
    seen_content = False
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if line.startswith("---") and seen_content:
            return number
        if stripped and not stripped.startswith("#") and not line.startswith(("---", "%")):
            seen_content = True
    return 1


def _type_name(value: Any) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return type(value).__name__


def load_manifest(
    path: Path, display_path: str, limits: Limits = Limits(), confine_to: Path | None = None
) -> LoadedManifest:
    """Load a manifest; with `confine_to`, a symlink resolving outside that folder is not read."""
    if confine_to is not None and path.is_symlink():
        try:
            inside = path.resolve().is_relative_to(confine_to.resolve())
        except (OSError, RuntimeError):  # a symlink loop: read_text reports it below
            inside = True
        if not inside:
            return LoadedManifest(
                path,
                display_path,
                None,
                problems=(
                    LoadProblem(
                        "MPL001",
                        "manifest is a symlink that leaves the repository; it was not read",
                    ),
                ),
            )
    text, problem = read_text(path, limits)
    if text is None:
        assert problem is not None
        return LoadedManifest(path, display_path, None, problems=(problem,))
    return parse_text(text, path, display_path, limits)


def display_path_for(path: Path, base: Path | None = None) -> str:
    """Relative, '/'-separated path for reports (absolute only when no relative path exists)."""
    base = base or Path.cwd()
    try:
        relative = os.path.relpath(path, base)
    except ValueError:
        relative = str(path)
    return Path(relative).as_posix()
