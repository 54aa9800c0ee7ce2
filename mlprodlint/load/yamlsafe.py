"""The one YAML loader: bounded size, depth, events, aliases and documents; keeps source positions.

Every YAML file mlprodlint reads (manifests, rule packs, Prometheus rules files, catalogs,
model-card front matter) goes through here. Problems come back as neutral kinds (`YamlProblem`
with a code); the caller words them with its own noun ("rule pack expands to more than ...").

Parsing has two paths that give the same answer:

* the C path (libyaml through ruamel.yaml.clib, when installed) streams parser events through the
  guard below and composes nodes only after the whole stream was accepted: depth, event count and
  document count are enforced while streaming, so a 100,000-deep `[[[[` never reaches a composer
  (composing it with ruamel's C composer crashes the interpreter) and the C scanner, quadratic on
  deep flow nesting, is stopped early;
* the pure-Python path (ruamel's safe parser, with a scanner that refuses deep nesting before its
  look-ahead turns quadratic) streams the same events through the same guard and composer.

The C path is only trusted when it finishes clean. On any C parser error or limit hit the text is
read again by the pure path, whose verdict and message are the reference: libyaml rejects some
valid YAML 1.2 that the pure parser accepts (`[https://x]`, `{owner: group:default/svc}`), and
this way no finding depends on which parser ran.

Nodes are never constructed from tags: a `!!python/object` is reported, not executed. The node
graph is copied into plain JSON-like data with a map from JSON pointer to (line, column), and the
copy stops after a fixed number of nodes so that an alias bomb costs bounded work.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Literal

from ruamel.yaml import YAML
from ruamel.yaml.composer import ComposerError
from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.docinfo import DocInfo, version as doc_version
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scanner import Scanner

try:  # ruamel.yaml.clib: manylinux/macOS/Windows wheels for CPython; absent elsewhere
    from _ruamel_yaml import CParser as _CParser
except ImportError:  # pragma: no cover - exercised where no wheel exists
    _CParser = None

Position = tuple[int, int]  # 1-based line and column

# Set MLPRODLINT_PURE_YAML=1 to read every file with the pure-Python parser (the reference path;
# the test suite runs the hostile corpus both ways).
PURE_ENV = "MLPRODLINT_PURE_YAML"


def c_parser_available() -> bool:
    return _CParser is not None


def c_parser_enabled() -> bool:
    return _CParser is not None and os.environ.get(PURE_ENV, "") in ("", "0")


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 1024 * 1024
    max_depth: int = 64
    max_nodes: int = 50_000
    # Parser events (scalars, aliases, collection starts and ends) one file may produce. A real
    # manifest has a few hundred, the largest built-in rule pack ~700. The pure parser needs
    # ~50-80 us per event, so this bounds a file under the byte limit but made of tens of
    # thousands of tiny items to about a second; the C parser stops it in milliseconds.
    max_events: int = 20_000


ProblemKind = Literal["limit", "invalid"]

# Wording of each problem code; `{noun}` is the caller's word for the file ("manifest",
# "rule pack", ...), the other fields come from the problem. Codes whose kind is "limit" mean a
# hostile-input bound was hit (MPL003 for a manifest); everything else means "cannot be read as
# intended" (MPL001).
_WORDING: dict[str, str] = {
    "too_large": "{noun} is {size} bytes, over the limit of {limit} bytes",
    "grew_too_large": "{noun} is over the limit of {limit} bytes",
    "too_deep": "{noun} is nested deeper than {limit} levels",
    "too_many_nodes": "{noun} expands to more than {limit} nodes (an alias/anchor bomb or a far too large document)",
    "too_many_events": "{noun} has more than {limit} YAML events (scalars, aliases, list and mapping starts and ends)",
    "directory": "is a directory, not a {noun} file",
    "not_regular": "is not a regular file (a pipe, socket or device)",
    "permission": "cannot read {noun}: permission denied",
    "os_error": "cannot read {noun}: {detail}",
    "symlink_outside": "{noun} is a symlink that leaves the repository; it was not read",
    "utf16": "{noun} is UTF-16 encoded (byte order mark found); save it as UTF-8",
    "nul": "{noun} contains NUL bytes: a binary file, or UTF-16 without a byte order mark; save it as UTF-8 text",
    "not_utf8": "{noun} is not valid UTF-8 (byte 0x{byte} at offset {offset})",
    "bad_character": "{noun} contains the unacceptable character {detail}",
    "multi_document": "{noun} holds more than one YAML document; keep one {noun} per file",
    "syntax": "YAML syntax error: {detail}",
    "yaml_error": "YAML error: {detail}",
    "empty": "{noun} is empty",
    "content": "{detail}",  # a node-level problem (tag, duplicate key, alias, ...): no noun needed
}
_LIMIT_CODES = frozenset({"too_large", "grew_too_large", "too_deep", "too_many_nodes", "too_many_events"})


@dataclass(frozen=True)
class YamlProblem:
    """A reason a file could not be (fully) read, in neutral terms; `message(noun)` words it."""

    code: str
    line: int = 1
    column: int = 1
    pointer: str = ""
    facts: tuple[tuple[str, str], ...] = ()

    @property
    def kind(self) -> ProblemKind:
        return "limit" if self.code in _LIMIT_CODES else "invalid"

    def message(self, noun: str) -> str:
        return _WORDING[self.code].format(noun=noun, **dict(self.facts))


def _problem(code: str, line: int = 1, column: int = 1, pointer: str = "", **facts: object) -> YamlProblem:
    return YamlProblem(code, line, column, pointer, tuple((k, str(v)) for k, v in sorted(facts.items())))


@dataclass(frozen=True)
class YamlDocument:
    """One parsed document: plain JSON-like data (None when unreadable) and source positions."""

    data: Any
    positions: Mapping[str, Position] = field(default_factory=dict)
    problems: tuple[YamlProblem, ...] = ()
    start: Position = (1, 1)  # where the root node begins (after leading comments)

    def position(self, pointer: str) -> Position:
        return position_in(self.positions, pointer)


def position_in(positions: Mapping[str, Position], pointer: str) -> Position:
    """Position of `pointer`, or of its nearest ancestor that exists in the file."""
    while True:
        found = positions.get(pointer)
        if found is not None:
            return found
        if not pointer:
            return (1, 1)
        pointer = pointer.rsplit("/", 1)[0]


def escape_pointer_token(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


# ---------------------------------------------------------------------------------------------
# Reading bytes


def read_text(path: Path, limits: Limits) -> tuple[str | None, YamlProblem | None]:
    """A regular file's text within the size limit; never raises for file problems."""
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            return None, _problem("directory")
        if not stat.S_ISREG(info.st_mode):
            # A FIFO or device would block or never end; only regular files are read.
            return None, _problem("not_regular")
        if info.st_size > limits.max_bytes:
            return None, _problem("too_large", size=info.st_size, limit=limits.max_bytes)
        with path.open("rb") as handle:
            raw = handle.read(limits.max_bytes + 1)
    except IsADirectoryError:
        return None, _problem("directory")
    except PermissionError:
        return None, _problem("permission")
    except OSError as error:
        return None, _problem("os_error", detail=error.strerror or error)
    if len(raw) > limits.max_bytes:  # the file grew, or it is a device/FIFO with no size
        return None, _problem("grew_too_large", limit=limits.max_bytes)
    return decode(raw)


def decode(raw: bytes) -> tuple[str | None, YamlProblem | None]:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, _problem("utf16")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    nul = raw.find(b"\x00")
    if nul >= 0:
        return None, _problem("nul", *_line_column(raw, nul))
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as error:
        return None, _problem(
            "not_utf8", *_line_column(raw, error.start), byte=f"{raw[error.start]:02x}", offset=error.start
        )


def _line_column(raw: bytes | str, offset: int) -> Position:
    newline = b"\n" if isinstance(raw, bytes) else "\n"
    line = raw.count(newline, 0, offset) + 1  # type: ignore[arg-type]
    column = offset - (raw.rfind(newline, 0, offset) + 1) + 1  # type: ignore[arg-type]
    return line, column


# ---------------------------------------------------------------------------------------------
# Events: the guard both parsers' streams go through


class _Refused(Exception):
    """A limit was hit; becomes one problem of kind "limit" at (line, column)."""

    def __init__(self, code: str, limit: int, line: int = 1, column: int = 1, pointer: str = "") -> None:
        super().__init__(code)
        self.problem = _problem(code, line, column, pointer, limit=limit)


class _MultiDocument(Exception):
    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


_OPEN = (MappingStartEvent, SequenceStartEvent)
_CLOSE = (MappingEndEvent, SequenceEndEvent)


def _guarded(next_event: Callable[[], Event], limits: Limits, several: bool) -> Iterator[Event]:
    """The parser's events, refused as soon as depth, count or document limits are exceeded."""
    depth = 0
    documents = 0
    max_depth = limits.max_depth
    for count in range(limits.max_events + 1):
        event = next_event()
        kind = type(event)
        if kind is ScalarEvent:
            pass
        elif kind in _OPEN:
            depth += 1
            if depth > max_depth:
                mark = event.start_mark
                raise _Refused("too_deep", max_depth, mark.line + 1, mark.column + 1)
        elif kind in _CLOSE:
            depth -= 1
        elif kind is DocumentStartEvent:
            documents += 1
            if documents > 1 and not several:
                raise _MultiDocument(event.start_mark.line + 1)
        elif kind is StreamEndEvent:
            yield event
            return
        if count == limits.max_events:
            mark = event.start_mark
            raise _Refused("too_many_events", limits.max_events, mark.line + 1, mark.column + 1)
        yield event


class _BoundedScanner(Scanner):
    """ruamel's pure scanner, refusing nesting deeper than the limit as the tokens are produced:
    deep flow nesting (`[[[[...`) makes its simple-key look-ahead quadratic before any event
    reaches the guard."""

    max_depth = Limits.max_depth

    def _check_depth(self) -> None:
        if len(self.flow_context) + len(self.indents) >= self.max_depth:
            mark = self.reader.get_mark()
            raise _Refused("too_deep", self.max_depth, mark.line + 1, mark.column + 1)

    def fetch_flow_collection_start(self, TokenClass: Any, to_push: str) -> None:  # noqa: N803
        self._check_depth()
        super().fetch_flow_collection_start(TokenClass, to_push)

    def add_indent(self, column: int) -> bool:
        self._check_depth()
        return bool(super().add_indent(column))


@lru_cache(maxsize=8)
def _scanner_for(max_depth: int) -> type[_BoundedScanner]:
    return type("BoundedScanner", (_BoundedScanner,), {"max_depth": max_depth})


def _pure_events(text: str, limits: Limits) -> Callable[[], Event]:
    yaml = YAML(typ="safe", pure=True)
    yaml.Scanner = _scanner_for(limits.max_depth)
    yaml.doc_infos.append(DocInfo(requested_version=doc_version(yaml.version)))
    _, parser = yaml.get_constructor_parser(text)
    return parser.get_event  # type: ignore[no-any-return]


def _c_events(text: str) -> Callable[[], Event]:
    assert _CParser is not None
    return _CParser(text).get_event  # type: ignore[no-any-return]


def c_event_count(text: str, limits: Limits = Limits()) -> int:
    """How many events the C path streams before accepting or refusing `text` (for tests)."""
    count = 0
    try:
        for _ in _guarded(_c_events(text), limits, several=False):
            count += 1
    except (_Refused, _MultiDocument, YAMLError):
        pass
    return count


# ---------------------------------------------------------------------------------------------
# Composing: events -> ruamel nodes (iterative, tags resolved like ruamel's safe loader)


class _Resolving:
    """What ruamel's resolver and safe constructor look up on their loader, for one YAML version."""

    def __init__(self, version: Any) -> None:
        self._scanner = SimpleNamespace(yaml_version=version)
        self._resolver = VersionedResolver(loader=self)
        self._constructor = SafeConstructor(loader=self)
        self._scalar_tags: dict[tuple[str, Any], Any] = {}

    def scalar_tag(self, value: str, implicit: Any) -> Any:
        """The implicit tag of a plain or quoted scalar; a pure function of its text, memoised
        (manifests repeat the same keys and values)."""
        key = (value, implicit)
        tag = self._scalar_tags.get(key)
        if tag is None:
            tag = self._resolver.resolve(ScalarNode, value, implicit)
            if len(self._scalar_tags) < 50_000:
                self._scalar_tags[key] = tag
        return tag


@lru_cache(maxsize=4)
def _resolving(version: Any) -> _Resolving:
    return _Resolving(version)


def _compose(events: Iterable[Event]) -> list[tuple[Node | None, _Resolving]]:
    """Root node of each document (None for an empty one), without recursion."""
    documents: list[tuple[Node | None, _Resolving]] = []
    resolving = _resolving(None)
    anchors: dict[str, Node] = {}
    stack: list[tuple[Node, list[Any]]] = []  # open collections and their items so far
    root: Node | None = None

    def attach(node: Node) -> None:
        nonlocal root
        if stack:
            stack[-1][1].append(node)
        else:
            root = node

    for event in events:
        kind = type(event)
        if kind is ScalarEvent:
            tag = event.ctag
            if tag is None:
                tag = resolving.scalar_tag(event.value, event.implicit)
            elif str(tag) == "!":  # the non-specific tag: libyaml marks it implicit only when plain
                tag = resolving.scalar_tag(event.value, (True, False))
            node: Node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style, anchor=event.anchor)
            if event.anchor is not None:
                anchors[event.anchor] = node
            attach(node)
        elif kind is AliasEvent:
            if event.anchor not in anchors:
                raise ComposerError(None, None, f"found undefined alias {event.anchor!r}", event.start_mark)
            attach(anchors[event.anchor])
        elif kind is SequenceStartEvent or kind is MappingStartEvent:
            node_class = SequenceNode if kind is SequenceStartEvent else MappingNode
            tag = event.ctag
            if tag is None or str(tag) == "!":
                tag = resolving._resolver.resolve(node_class, None, event.implicit)
            node = node_class(tag, [], event.start_mark, None, flow_style=event.flow_style, anchor=event.anchor)
            if event.anchor is not None:
                anchors[event.anchor] = node
            attach(node)
            stack.append((node, node.value))
        elif kind is SequenceEndEvent:
            node, _ = stack.pop()
            node.end_mark = event.end_mark
        elif kind is MappingEndEvent:
            node, items = stack.pop()
            node.value = list(zip(items[0::2], items[1::2]))
            node.end_mark = event.end_mark
        elif kind is DocumentStartEvent:
            resolving = _resolving(tuple(event.version) if event.version else None)
            anchors = {}
            root = None
        elif kind is DocumentEndEvent:
            documents.append((root, resolving))
        elif kind is StreamEndEvent:
            break
        elif kind is not StreamStartEvent:  # pragma: no cover - ruamel has no other event kinds
            raise YAMLError(f"unexpected YAML event {kind.__name__}")
    return documents


# ---------------------------------------------------------------------------------------------
# Converting: nodes -> plain data + positions, within the node budget

_STD = "tag:yaml.org,2002:"
# Tags whose meaning is plain JSON-like data. Anything else (python/*, set, omap, binary, local
# `!tags`) is reported: no file mlprodlint reads has a use for them and they hint at an attack.
_PLAIN_SCALAR_TAGS = frozenset(_STD + t for t in ("str", "int", "float", "bool", "null", "timestamp"))
_MAP_TAG = _STD + "map"
_SEQ_TAG = _STD + "seq"
_MERGE_TAG = _STD + "merge"
_SURROGATE = re.compile("[\ud800-\udfff]")


def _position(node: Node) -> Position:
    mark = node.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


class _Converter:
    """Copies a composed node graph into plain data plus positions, within a budget (shared by
    every document of one file)."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.nodes = 0
        self.constructor: Any = None
        self.positions: dict[str, Position] = {}
        self.problems: list[YamlProblem] = []
        self._on_path: set[int] = set()

    def document(self, root: Node, resolving: _Resolving) -> YamlDocument:
        self.constructor = resolving._constructor
        self.positions = {"": (1, 1)}
        self.problems = []
        try:
            data = self.convert(root, "", 0)
        except _Refused as refused:
            # Aliased nodes carry the anchor's position; the top-level key being expanded is
            # where a reader should look.
            problem = refused.problem
            top = "/" + problem.pointer.split("/")[1] if problem.pointer.count("/") >= 1 else ""
            line, column = self.positions.get(top, (problem.line, problem.column))
            return YamlDocument(None, problems=(YamlProblem(problem.code, line, column, problem.pointer, problem.facts),))
        except RecursionError:  # belt and braces: the depth limit should stop this first
            return YamlDocument(None, problems=(_problem("too_deep", limit=self.limits.max_depth),))
        return YamlDocument(data, self.positions, tuple(self.problems), _position(root))

    def _content(self, message: str, node: Node, pointer: str) -> None:
        self.problems.append(_problem("content", *_position(node), pointer, detail=message))

    def _count(self, added: int, node: Node, pointer: str) -> None:
        self.nodes += added
        if self.nodes > self.limits.max_nodes:
            raise _Refused("too_many_nodes", self.limits.max_nodes, *_position(node), pointer)

    def convert(self, node: Node, pointer: str, depth: int) -> Any:
        self._count(1, node, pointer)
        if depth > self.limits.max_depth:
            raise _Refused("too_deep", self.limits.max_depth, *_position(node), pointer)
        if isinstance(node, ScalarNode):
            return self._scalar(node, pointer)
        if id(node) in self._on_path:
            self._content("recursive alias: a node contains itself", node, pointer)
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
        self._content(f"unsupported YAML node {type(node).__name__}", node, pointer)
        return None

    def _check_tag(self, node: Node, expected: str, pointer: str) -> None:
        if str(node.tag) != expected:
            self._content(f"custom YAML tag {str(node.tag)!r} is not allowed; tags are never executed", node, pointer)

    def _scalar(self, node: ScalarNode, pointer: str) -> Any:
        tag = str(node.tag)
        if tag not in _PLAIN_SCALAR_TAGS:
            self._content(f"custom YAML tag {tag!r} is not allowed; tags are never executed", node, pointer)
            return str(node.value)
        if tag == _STD + "str" and node.style != '"':
            return str(node.value)  # the common case: nothing to construct or check
        try:
            value = self.constructor.yaml_constructors[tag](self.constructor, node)
        except (YAMLError, ValueError, TypeError, OverflowError, ArithmeticError) as error:
            kind = tag[len(_STD):]
            self._content(f"cannot read {_short(node.value)} as {kind}: {_first_line(error)}", node, pointer)
            return str(node.value)
        if isinstance(value, str) and node.style == '"' and _SURROGATE.search(value):
            # Only a double-quoted escape (\ud800) can produce a lone surrogate; it is no
            # character, cannot be encoded, and would crash whatever tries to print or open it.
            self._content(f"{_short(value)} holds an escaped lone surrogate, which is not a character", node, pointer)
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
                        self._content("a merge key (<<) needs a mapping or a list of mappings", key, pointer)
                        continue
                    if id(source) in self._on_path:
                        self._content("recursive alias: a node contains itself", source, pointer)
                        continue
                    self._count(len(source.value), key, pointer)
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
                self._content("mapping keys must be plain text, not a list or mapping", key, pointer)
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
                self._content(
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


def _yaml_error_problem(error: YAMLError, text: str) -> YamlProblem:
    if isinstance(error, MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        problem = error.problem or "malformed YAML"
        if error.context and error.problem:
            problem = f"{error.context}: {error.problem}"
        line = mark.line + 1 if mark is not None else 1
        column = mark.column + 1 if mark is not None else 1
        if mark is not None and "\t" in problem.replace("'\\t'", "\t"):
            problem += " (indent with spaces, not tabs)"
        return _problem("syntax", line, column, detail=problem)
    if isinstance(error, ReaderError) and isinstance(error.position, int):
        line, column = _line_column(text, min(error.position, len(text)))
        character = error.character
        shown = f"#x{character:04x}" if isinstance(character, int) else repr(character)
        return _problem("bad_character", line, column, detail=f"{shown} ({error.reason})")
    return _problem("yaml_error", detail=_first_line(error))


# ---------------------------------------------------------------------------------------------
# The entry points


# Text that libyaml reads differently from the reference parser (found by fuzzing, see
# tests/test_yamlsafe.py): ruamel's pure scanner refuses tabs that libyaml takes as white space
# (`a: 1\t`), a comment glued to a block scalar header (`key: |#`), a block scalar opening with
# an all-space line (the pure scanner calls it malformed) and repeated document end markers. Such
# text goes straight to the pure parser: all are rare in YAML and the check is one regex scan.
_PURE_ONLY = re.compile(r"\t|[|>][-+0-9]{0,2}(?:#| *(?: #[^\n]*)?\n *\n)|^\.\.\.", re.MULTILINE)


def _unusual(event: Event) -> bool:
    """Rare constructs where libyaml and ruamel's pure scanner disagree (tags, directives): such a
    file is read by the pure parser."""
    if isinstance(event, DocumentStartEvent):
        return bool(event.version or event.tags)
    return getattr(event, "ctag", None) is not None


_ANCHOR_END = frozenset(" \n,[]{}")


def _odd_anchors(events: list[Event], text: str) -> bool:
    """True when an anchor or alias name is not followed by a space, a line end or a flow
    indicator: libyaml ends the name at the first odd character (`&a?x` is anchor `a`) where
    ruamel's pure scanner takes it whole."""
    lines: list[str] | None = None
    for event in events:
        anchor = getattr(event, "anchor", None)
        if anchor is None:
            continue
        if lines is None:
            if any(c in text for c in "\r\x85\u2028\u2029"):
                return True  # other line breaks: positions below would not be lines of split()
            lines = text.split("\n")
        mark = event.start_mark
        line = lines[mark.line] if mark.line < len(lines) else ""
        name_end = mark.column + 1 + len(anchor)
        if line[mark.column:name_end] not in ("&" + anchor, "*" + anchor):
            return True
        if name_end < len(line) and line[name_end] not in _ANCHOR_END:
            return True
    return False


def _block_scalar_root(event: Event, following: Event) -> bool:
    # A document that is one block scalar: libyaml ends it at `#` lines and document markers
    # that the pure parser keeps as its text.
    return isinstance(event, DocumentStartEvent) and isinstance(following, ScalarEvent) and following.style in ("|", ">")


def _roots(text: str, limits: Limits, several: bool) -> list[tuple[Node | None, _Resolving]]:
    """Composed documents; raises _Refused, _MultiDocument or YAMLError (from the pure path)."""
    if c_parser_enabled() and not _PURE_ONLY.search(text):
        try:
            # The whole stream is guarded and collected before a single node is composed.
            events = list(_guarded(_c_events(text), limits, several))
            if not (
                any(map(_unusual, events))
                or any(map(_block_scalar_root, events, events[1:]))
                or _odd_anchors(events, text)
            ):
                return _compose(events)
        except Exception:  # noqa: BLE001 - any C-side trouble: the pure parser decides
            pass
    return _compose(_guarded(_pure_events(text, limits), limits, several))


def parse_documents(text: str, limits: Limits = Limits(), *, several: bool = True) -> tuple[YamlDocument, ...]:
    """Every document of `text`, with one event and node budget for the whole file.

    Empty documents are left out (only a file with none is "empty"); a problem that stops the
    parser (syntax, a limit, an alias bomb) makes the whole file one document with that problem.
    """
    def failed(problem: YamlProblem) -> tuple[YamlDocument, ...]:
        return (YamlDocument(None, problems=(problem,)),)

    try:
        roots = _roots(text, limits, several)
    except _Refused as refused:
        return failed(refused.problem)
    except _MultiDocument as multi:
        return failed(_problem("multi_document", multi.line))
    except YAMLError as error:
        return failed(_yaml_error_problem(error, text))
    except RecursionError:  # belt and braces: the guard should stop this first
        return failed(_problem("too_deep", limit=limits.max_depth))
    converter = _Converter(limits)
    documents: list[YamlDocument] = []
    for root, resolving in roots:
        if root is None or (isinstance(root, ScalarNode) and str(root.tag) == _STD + "null"):
            if not several:
                documents.append(YamlDocument(None, problems=(_problem("empty"),)))
            continue  # several documents: an empty one (a trailing `---`) holds nothing to read
        document = converter.document(root, resolving)
        if document.data is None and document.problems and document.problems[0].kind == "limit":
            return (document,)  # the budget is per file: a refused document refuses the file
        documents.append(document)
    return tuple(documents) or failed(_problem("empty"))


def parse_document(text: str, limits: Limits = Limits()) -> YamlDocument:
    """The one document of `text` (a second document is a problem)."""
    return parse_documents(text, limits, several=False)[0]


def load_document(path: Path, limits: Limits = Limits(), confine_to: Path | None = None) -> YamlDocument:
    """Read and parse one file; with `confine_to`, a symlink resolving outside that folder is not read."""
    if confine_to is not None and path.is_symlink():
        try:
            inside = path.resolve(strict=True).is_relative_to(confine_to.resolve())
        except (OSError, RuntimeError):  # a loop or a dangling link: read_text reports it below
            inside = True
        if not inside:
            return YamlDocument(None, problems=(_problem("symlink_outside"),))
    text, problem = read_text(path, limits)
    if text is None:
        assert problem is not None
        return YamlDocument(None, problems=(problem,))
    return parse_document(text, limits)


def json_type_name(value: Any) -> str:
    """The JSON-ish name of a loaded value's type, for messages."""
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
