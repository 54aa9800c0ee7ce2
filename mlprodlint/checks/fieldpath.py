"""Resolve dotted field paths such as `alerting.alerts[].runbook` in plain manifest data."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..load.manifest import escape_pointer_token


@dataclass(frozen=True)
class Match:
    pointer: str
    display: str
    value: Any
    present: bool


def _segments(path: str) -> list[str]:
    parts: list[str] = []
    for piece in path.split("."):
        while piece.endswith("[]"):
            piece = piece[:-2]
            if piece:
                parts.append(piece)
            parts.append("[]")
            piece = ""
        if piece:
            parts.append(piece)
    return parts


def resolve(data: Any, path: str) -> Iterator[Match]:
    """Every place `path` names; a missing key yields one Match with present=False.

    `[]` fans out over a list's items; a missing or non-list value there yields nothing, because
    "each alert has a runbook" is vacuously true when there are no alerts (another rule asks for
    alerts).
    """
    yield from _walk(data, _segments(path), "", "")


def _walk(value: Any, segments: list[str], pointer: str, display: str) -> Iterator[Match]:
    if not segments:
        yield Match(pointer, display, value, True)
        return
    head, rest = segments[0], segments[1:]
    if head == "[]":
        if isinstance(value, list):
            for index, item in enumerate(value):
                yield from _walk(item, rest, f"{pointer}/{index}", f"{display}[{index}]")
        return
    child_pointer = f"{pointer}/{escape_pointer_token(head)}"
    child_display = f"{display}.{head}" if display else head
    if isinstance(value, dict) and head in value:
        yield from _walk(value[head], rest, child_pointer, child_display)
        return
    if "[]" in rest:
        return  # nothing to fan out over: vacuously true, as for an empty list
    missing_display = ".".join([child_display, *[s for s in rest if s != "[]"]])
    missing_pointer = child_pointer + "".join(
        f"/{escape_pointer_token(s)}" for s in rest if s != "[]"
    )
    yield Match(missing_pointer, missing_display, None, False)


def is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, dict)):
        return len(value) == 0
    return False


def parent_of(data: Any, pointer: str) -> Any:
    """The value holding the one at JSON `pointer` (its parent); None when a step is missing."""
    node = data
    for raw in pointer.split("/")[1:-1]:
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        elif isinstance(node, dict) and token in node:
            node = node[token]
        else:
            return None
    return node


def first(data: Any, path: str) -> Any:
    """The value at a path without fan-out, or None."""
    for match in resolve(data, path):
        return match.value if match.present else None
    return None
