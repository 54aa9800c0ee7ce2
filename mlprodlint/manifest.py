"""Load one manifest safely: bounded size, depth, aliases and documents; keep source positions.

The YAML is composed into ruamel.yaml's node graph (pure-Python safe parser) and never
constructed into Python objects from tags: a `!!python/object` is reported, not executed. The
nodes are then copied into plain JSON-like data, with a map from JSON pointer to (line, column),
under budgets: the scanner refuses nesting deeper than the limit before its look-ahead turns
quadratic or the composer recurses too deep, and the copy stops after a fixed number of nodes so
that an alias bomb costs a bounded amount of work instead of exhausting memory.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import stat
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.composer import ComposerError
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.scanner import Scanner

Position = tuple[int, int]  # 1-based line and column


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 1024 * 1024
    max_depth: int = 64
    max_nodes: int = 50_000
    # Tokens the scanner may produce before the file is refused. The pure-Python scanner needs
    # ~40 us per token, so this bounds the parse of a file that is under the byte limit but made
    # of tens of thousands of tiny items to about a second; a real manifest has 1-3 thousand.
    max_tokens: int = 20_000


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
    """A limit was hit; becomes one MPL003 finding at (line, column)."""

    def __init__(self, reason: str, line: int = 1, column: int = 1, pointer: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.column = column
        self.pointer = pointer


class _BoundedScanner(Scanner):
    """ruamel's scanner with a nesting and token budget.

    Deep flow nesting (`[[[[...`) makes the scanner's simple-key look-ahead quadratic and the
    composer recursive, so the depth is refused here, as the tokens are produced.
    """

    max_depth = Limits.max_depth
    max_tokens = Limits.max_tokens
    _fetched = 0

    def _refuse(self, reason: str) -> None:
        mark = self.reader.get_mark()
        raise _BudgetExceeded(reason, mark.line + 1, mark.column + 1)

    def fetch_more_tokens(self) -> Any:
        self._fetched += 1
        if self._fetched > self.max_tokens:
            self._refuse(f"manifest has more than {self.max_tokens} YAML tokens")
        return super().fetch_more_tokens()

    def fetch_flow_collection_start(self, TokenClass: Any, to_push: str) -> None:  # noqa: N803
        if len(self.flow_context) + len(self.indents) >= self.max_depth:
            self._refuse(f"manifest is nested deeper than {self.max_depth} levels")
        super().fetch_flow_collection_start(TokenClass, to_push)

    def add_indent(self, column: int) -> bool:
        if len(self.flow_context) + len(self.indents) >= self.max_depth:
            self._refuse(f"manifest is nested deeper than {self.max_depth} levels")
        return bool(super().add_indent(column))


@lru_cache(maxsize=8)
def _scanner_for(max_depth: int, max_tokens: int) -> type[_BoundedScanner]:
    return type(
        "BoundedScanner", (_BoundedScanner,), {"max_depth": max_depth, "max_tokens": max_tokens}
    )


_STD = "tag:yaml.org,2002:"
# Tags whose meaning is plain JSON-like data. Anything else (python/*, set, omap, binary, local
# `!tags`) is reported: the manifest format has no use for them and they hint at an attack.
_PLAIN_SCALAR_TAGS = frozenset(_STD + t for t in ("str", "int", "float", "bool", "null", "timestamp"))
_MAP_TAG = _STD + "map"
_SEQ_TAG = _STD + "seq"
_MERGE_TAG = _STD + "merge"
_SURROGATE = re.compile("[\ud800-\udfff]")


def _position(node: Node) -> Position:
    mark = node.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


class _Converter:
    """Copies a composed node graph into plain data plus positions, within a budget."""

    def __init__(self, limits: Limits, constructor: Any) -> None:
        self.limits = limits
        self.constructor = constructor
        self.nodes = 0
        self.positions: dict[str, Position] = {"": (1, 1)}
        self.problems: list[LoadProblem] = []
        self._on_path: set[int] = set()

    def _problem(self, message: str, node: Node, pointer: str) -> None:
        line, column = _position(node)
        self.problems.append(LoadProblem("MPL001", message, line, column, pointer))

    def convert(self, node: Node, pointer: str, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > self.limits.max_nodes:
            raise _BudgetExceeded(
                f"manifest expands to more than {self.limits.max_nodes} nodes "
                "(an alias/anchor bomb or a far too large document)",
                *_position(node),
                pointer,
            )
        if depth > self.limits.max_depth:
            raise _BudgetExceeded(
                f"manifest is nested deeper than {self.limits.max_depth} levels",
                *_position(node),
                pointer,
            )
        if isinstance(node, ScalarNode):
            return self._scalar(node, pointer)
        if id(node) in self._on_path:
            self._problem("recursive alias: a node contains itself", node, pointer)
            return None
        self._on_path.add(id(node))
        try:
            if isinstance(node, MappingNode):
                self._check_tag(node, _MAP_TAG, pointer)
                return self._mapping(node, pointer, depth)
            if isinstance(node, SequenceNode):
                self._check_tag(node, _SEQ_TAG, pointer)
                return self._sequence(node, pointer, depth)
        finally:
            self._on_path.discard(id(node))
        self._problem(f"unsupported YAML node {type(node).__name__}", node, pointer)
        return None

    def _check_tag(self, node: Node, expected: str, pointer: str) -> None:
        if str(node.tag) != expected:
            self._problem(
                f"custom YAML tag {str(node.tag)!r} is not allowed; tags are never executed",
                node,
                pointer,
            )

    def _scalar(self, node: ScalarNode, pointer: str) -> Any:
        tag = str(node.tag)
        if tag not in _PLAIN_SCALAR_TAGS:
            self._problem(
                f"custom YAML tag {tag!r} is not allowed; tags are never executed", node, pointer
            )
            return str(node.value)
        try:
            value = self.constructor.yaml_constructors[tag](self.constructor, node)
        except (YAMLError, ValueError, TypeError, OverflowError, ArithmeticError) as error:
            kind = tag[len(_STD):]
            self._problem(
                f"cannot read {_short(node.value)} as {kind}: {_first_line(error)}", node, pointer
            )
            return str(node.value)
        if isinstance(value, str) and node.style == '"' and _SURROGATE.search(value):
            # Only a double-quoted escape (\ud800) can produce a lone surrogate; it is no
            # character, cannot be encoded, and would crash whatever tries to print or open it.
            self._problem(f"{_short(value)} holds an escaped lone surrogate, which is not a character", node, pointer)
            return value.encode("utf-8", "replace").decode("utf-8")
        return _plain(value)

    def _mapping_pairs(self, node: MappingNode, pointer: str) -> list[tuple[Node, Node]]:
        """The node's key/value pairs with `<<` merges applied (explicit keys win)."""
        own: list[tuple[Node, Node]] = []
        merged: list[tuple[Node, Node]] = []
        for key, value in node.value:
            if isinstance(key, ScalarNode) and str(key.tag) == _MERGE_TAG:
                sources = value.value if isinstance(value, SequenceNode) else [value]
                for source in sources:
                    if not isinstance(source, MappingNode):
                        self._problem("a merge key (<<) needs a mapping or a list of mappings", key, pointer)
                        continue
                    if id(source) in self._on_path:
                        self._problem("recursive alias: a node contains itself", source, pointer)
                        continue
                    self.nodes += len(source.value)
                    if self.nodes > self.limits.max_nodes:
                        raise _BudgetExceeded(
                            f"manifest expands to more than {self.limits.max_nodes} nodes "
                            "(an alias/anchor bomb or a far too large document)",
                            *_position(key),
                            pointer,
                        )
                    self._on_path.add(id(source))
                    try:
                        merged.extend(self._mapping_pairs(source, pointer))
                    finally:
                        self._on_path.discard(id(source))
                continue
            own.append((key, value))
        if not merged:
            return own
        explicit = {self._key_text(k, pointer, report=False) for k, _ in own}
        seen: set[str] = set()
        kept: list[tuple[Node, Node]] = []
        for key, value in merged:
            text = self._key_text(key, pointer, report=False)
            if text in explicit or text in seen:
                continue  # explicit keys override merged ones; earlier merge sources win
            seen.add(text)
            kept.append((key, value))
        return own + kept

    def _key_text(self, key: Node, pointer: str, report: bool = True) -> str:
        if not isinstance(key, ScalarNode):
            if report:
                self._problem("mapping keys must be plain text, not a list or mapping", key, pointer)
            return f"<complex key at line {_position(key)[0]}>"
        tag = str(key.tag)
        if tag == _STD + "str" and not (key.style == '"' and _SURROGATE.search(key.value)):
            return str(key.value)
        value = self._scalar(key, pointer) if report else str(key.value)
        if isinstance(value, bool):
            return "true" if value else "false"
        if value is None:
            return "null"
        return str(value)

    def _mapping(self, node: MappingNode, pointer: str, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key, value in self._mapping_pairs(node, pointer):
            text_key = self._key_text(key, pointer)
            child = f"{pointer}/{escape_pointer_token(text_key)}"
            if text_key in first_line:
                self._problem(
                    f"duplicate key {text_key!r} (first defined at line {first_line[text_key]}); "
                    "YAML readers disagree on which value wins",
                    key,
                    child,
                )
                continue  # keep the first value, where the reader will look first
            first_line[text_key] = _position(key)[0]
            self.positions[child] = _position(key)
            out[text_key] = self.convert(value, child, depth + 1)
        return out

    def _sequence(self, node: SequenceNode, pointer: str, depth: int) -> list[Any]:
        out: list[Any] = []
        for index, value in enumerate(node.value):
            child = f"{pointer}/{index}"
            self.positions[child] = _position(value)
            out.append(self.convert(value, child, depth + 1))
        return out


def _plain(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        # JSON has no NaN or infinity; keep them visible as strings so the schema rejects them.
        return float(value) if math.isfinite(value) else str(value)
    return str(value)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _first_line(error: BaseException) -> str:
    if isinstance(error, MarkedYAMLError) and error.problem:
        return str(error.problem)
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _decode(raw: bytes) -> tuple[str | None, LoadProblem | None]:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, LoadProblem(
            "MPL001", "manifest is UTF-16 encoded (byte order mark found); save it as UTF-8"
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    nul = raw.find(b"\x00")
    if nul >= 0:
        line, column = _line_column(raw, nul)
        return None, LoadProblem(
            "MPL001",
            "manifest contains NUL bytes: a binary file, or UTF-16 without a byte order mark; "
            "save it as UTF-8 text",
            line,
            column,
        )
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as error:
        line, column = _line_column(raw, error.start)
        return None, LoadProblem(
            "MPL001",
            f"manifest is not valid UTF-8 (byte 0x{raw[error.start]:02x} at offset {error.start})",
            line,
            column,
        )


def _line_column(raw: bytes | str, offset: int) -> Position:
    newline = b"\n" if isinstance(raw, bytes) else "\n"
    line = raw.count(newline, 0, offset) + 1  # type: ignore[arg-type]
    column = offset - (raw.rfind(newline, 0, offset) + 1) + 1  # type: ignore[arg-type]
    return line, column


def _yaml_error_problem(error: YAMLError, text: str) -> LoadProblem:
    if isinstance(error, ComposerError) and error.context == "expected a single document in the stream":
        mark = error.problem_mark
        return LoadProblem(
            "MPL001",
            "manifest holds more than one YAML document; keep one manifest per file",
            mark.line + 1 if mark is not None else 1,
        )
    if isinstance(error, MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        problem = error.problem or "malformed YAML"
        if error.context and error.problem:
            problem = f"{error.context}: {error.problem}"
        line = mark.line + 1 if mark is not None else 1
        column = mark.column + 1 if mark is not None else 1
        hint = ""
        if mark is not None and "\t" in problem.replace("'\\t'", "\t"):
            hint = " (indent with spaces, not tabs)"
        return LoadProblem("MPL001", f"YAML syntax error: {problem}{hint}", line, column)
    if isinstance(error, ReaderError) and isinstance(error.position, int):
        line, column = _line_column(text, min(error.position, len(text)))
        character = error.character
        shown = f"#x{character:04x}" if isinstance(character, int) else repr(character)
        return LoadProblem(
            "MPL001", f"manifest contains the unacceptable character {shown} ({error.reason})", line, column
        )
    return LoadProblem("MPL001", f"YAML error: {_first_line(error)}")


def read_text(path: Path, limits: Limits) -> tuple[str | None, LoadProblem | None]:
    """Read a manifest's text within the size limit; never raises for file problems."""
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            return None, LoadProblem("MPL001", "is a directory, not a manifest file")
        if not stat.S_ISREG(info.st_mode):
            # A FIFO or device would block or never end; only regular files are read.
            return None, LoadProblem("MPL001", "is not a regular file (a pipe, socket or device)")
        size = info.st_size
        if size > limits.max_bytes:
            return None, LoadProblem(
                "MPL003",
                f"manifest is {size} bytes, over the limit of {limits.max_bytes} bytes "
                "(max_file_size in the configuration, --max-file-size on the command line)",
            )
        with path.open("rb") as handle:
            raw = handle.read(limits.max_bytes + 1)
    except IsADirectoryError:
        return None, LoadProblem("MPL001", "is a directory, not a manifest file")
    except PermissionError:
        return None, LoadProblem("MPL001", "cannot read manifest: permission denied")
    except OSError as error:
        return None, LoadProblem("MPL001", f"cannot read manifest: {error.strerror or error}")
    if len(raw) > limits.max_bytes:  # the file grew, or it is a device/FIFO with no size
        return None, LoadProblem(
            "MPL003", f"manifest is over the limit of {limits.max_bytes} bytes"
        )
    return _decode(raw)


def _compose(text: str, limits: Limits) -> tuple[Node | None, Any]:
    yaml = YAML(typ="safe", pure=True)
    yaml.Scanner = _scanner_for(limits.max_depth, limits.max_tokens)
    node = yaml.compose(text)
    return node, yaml.constructor


def parse_text(text: str, path: Path, display_path: str, limits: Limits) -> LoadedManifest:
    def failed(problem: LoadProblem) -> LoadedManifest:
        return LoadedManifest(path, display_path, None, problems=(problem,))

    try:
        root, constructor = _compose(text, limits)
    except _BudgetExceeded as exceeded:
        return failed(LoadProblem("MPL003", exceeded.reason, exceeded.line, exceeded.column))
    except YAMLError as error:
        return failed(_yaml_error_problem(error, text))
    except RecursionError:  # belt and braces: the scanner budget should stop this first
        return failed(LoadProblem("MPL003", f"manifest is nested deeper than {limits.max_depth} levels"))
    if root is None or (isinstance(root, ScalarNode) and str(root.tag) == _STD + "null"):
        return failed(LoadProblem("MPL001", "manifest is empty"))
    converter = _Converter(limits, constructor)
    try:
        data = converter.convert(root, "", 0)
    except _BudgetExceeded as exceeded:
        # Aliased nodes carry the anchor's position; the top-level key being expanded is where a
        # reader should look.
        top = "/" + exceeded.pointer.split("/")[1] if exceeded.pointer.count("/") >= 1 else ""
        line, column = converter.positions.get(top, (exceeded.line, exceeded.column))
        return failed(LoadProblem("MPL003", exceeded.reason, line, column, exceeded.pointer))
    except RecursionError:
        return failed(LoadProblem("MPL003", f"manifest is nested deeper than {limits.max_depth} levels"))
    if not isinstance(data, dict):
        line, column = _position(root)
        return failed(
            LoadProblem(
                "MPL001",
                f"manifest top level must be a mapping of keys, not a {json_type_name(data)}",
                line,
                column,
            )
        )
    return LoadedManifest(path, display_path, data, converter.positions, tuple(converter.problems))


def json_type_name(value: Any) -> str:
    """The JSON-ish name of a loaded value's type, for messages (manifest and schema errors)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "mapping"
    return "null" if value is None else type(value).__name__


def load_manifest(
    path: Path, display_path: str, limits: Limits = Limits(), confine_to: Path | None = None
) -> LoadedManifest:
    """Load a manifest; with `confine_to`, a symlink resolving outside that folder is not read."""
    if confine_to is not None and path.is_symlink():
        try:
            inside = path.resolve(strict=True).is_relative_to(confine_to.resolve())
        except (OSError, RuntimeError):  # a loop or a dangling link: read_text reports it below
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


def parse_documents(text: str, path: Path, display_path: str, limits: Limits) -> tuple[LoadedManifest, ...]:
    """Every non-empty document of a YAML stream (Kubernetes bundles, Backstage catalogs).

    One scanner reads the whole stream, so the token budget covers all documents together, and
    the node budget is shared the same way. Positions are those of the stream. A stream-level
    problem (syntax error, budget) returns a single failed document carrying it; a document whose
    top level is not a mapping is a failed document at its position.
    """

    def failed(problem: LoadProblem) -> tuple[LoadedManifest, ...]:
        return (LoadedManifest(path, display_path, None, problems=(problem,)),)

    yaml = YAML(typ="safe", pure=True)
    yaml.Scanner = _scanner_for(limits.max_depth, limits.max_tokens)
    documents: list[LoadedManifest] = []
    nodes = 0
    try:
        for root in yaml.compose_all(text):
            if root is None or (isinstance(root, ScalarNode) and str(root.tag) == _STD + "null"):
                continue
            converter = _Converter(limits, yaml.constructor)
            converter.nodes = nodes
            data = converter.convert(root, "", 0)
            nodes = converter.nodes
            if not isinstance(data, dict):
                line, column = _position(root)
                message = f"document top level must be a mapping of keys, not a {json_type_name(data)}"
                documents.append(
                    LoadedManifest(path, display_path, None, problems=(LoadProblem("MPL001", message, line, column),))
                )
                continue
            converter.positions[""] = _position(root)
            documents.append(LoadedManifest(path, display_path, data, converter.positions, tuple(converter.problems)))
    except _BudgetExceeded as exceeded:
        return failed(LoadProblem("MPL003", exceeded.reason, exceeded.line, exceeded.column, exceeded.pointer))
    except YAMLError as error:
        return failed(_yaml_error_problem(error, text))
    except RecursionError:
        return failed(LoadProblem("MPL003", f"manifest is nested deeper than {limits.max_depth} levels"))
    return tuple(documents)
