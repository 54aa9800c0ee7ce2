"""A manifest: the one YAML document a service declares its readiness in, loaded through the
neutral loader (yamlsafe.py) and worded as MPL001 (unreadable) / MPL003 (limit) problems."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .yamlsafe import Limits, YamlDocument, YamlProblem, escape_pointer_token, json_type_name, position_in
from . import yamlsafe

Position = tuple[int, int]  # 1-based line and column

__all__ = [
    "Limits", "LoadProblem", "LoadedManifest", "Position", "display_path_for", "escape_pointer_token",
    "json_type_name", "load_manifest", "parse_documents", "parse_text", "read_text",
]

# The hint a manifest's size problem carries: where the limit is set.
_SIZE_HINT = " (max_file_size in the configuration, --max-file-size on the command line)"


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
        return position_in(self.positions, pointer)


def word(problem: YamlProblem, noun: str = "manifest") -> LoadProblem:
    """A loader problem as a manifest finding: limits are MPL003, everything else MPL001."""
    message = problem.message(noun)
    if problem.code == "too_large" and noun == "manifest":  # only the manifest limit is configurable
        message += _SIZE_HINT
    rule_id = "MPL003" if problem.kind == "limit" else "MPL001"
    return LoadProblem(rule_id, message, problem.line, problem.column, problem.pointer)


def read_text(path: Path, limits: Limits, noun: str = "manifest") -> tuple[str | None, LoadProblem | None]:
    """Read a file's text within the size limit; never raises for file problems."""
    text, problem = yamlsafe.read_text(path, limits)
    return text, (word(problem, noun) if problem is not None else None)


def _manifest(path: Path, display_path: str, document: YamlDocument, noun: str = "manifest") -> LoadedManifest:
    problems = tuple(word(p, noun) for p in document.problems)
    if document.data is None:
        return LoadedManifest(path, display_path, None, problems=problems)
    if not isinstance(document.data, dict):
        return LoadedManifest(path, display_path, None, problems=(LoadProblem(
            "MPL001",
            f"{noun} top level must be a mapping of keys, not a {json_type_name(document.data)}",
            *document.start,
        ),))
    return LoadedManifest(path, display_path, document.data, dict(document.positions), problems)


def parse_text(text: str, path: Path, display_path: str, limits: Limits, noun: str = "manifest") -> LoadedManifest:
    """One YAML document as a LoadedManifest; problems worded with `noun` ("front matter", ...)."""
    return _manifest(path, display_path, yamlsafe.parse_document(text, limits), noun)


def load_manifest(
    path: Path, display_path: str, limits: Limits = Limits(), confine_to: Path | None = None, noun: str = "manifest"
) -> LoadedManifest:
    """Load a manifest (or another one-document YAML file named by `noun`, e.g. "rule pack");
    with `confine_to`, a symlink resolving outside that folder is not read."""
    return _manifest(path, display_path, yamlsafe.load_document(path, limits, confine_to), noun)


def display_path_for(path: Path, base: Path | None = None) -> str:
    """Relative, '/'-separated path for reports (absolute only when no relative path exists)."""
    base = base or Path.cwd()
    try:
        relative = os.path.relpath(path, base)
    except ValueError:
        relative = str(path)
    return Path(relative).as_posix()


def parse_documents(
    text: str, path: Path, display_path: str, limits: Limits, noun: str = "manifest"
) -> tuple[LoadedManifest, ...]:
    """Every non-empty document of a YAML stream (Kubernetes bundles, Backstage catalogs).

    One event and node budget covers all documents together. Positions are those of the stream;
    each document's root pointer is where it begins. A stream-level problem (syntax error, budget)
    returns a single failed document carrying it; a document whose top level is not a mapping is
    a failed document at its position.
    """
    documents = yamlsafe.parse_documents(text, limits)
    if len(documents) == 1 and documents[0].problems and documents[0].problems[0].code == "empty":
        return ()  # no document at all: the caller words "empty"
    out: list[LoadedManifest] = []
    for document in documents:
        if document.data is None:
            out.append(LoadedManifest(path, display_path, None, problems=tuple(word(p, noun) for p in document.problems)))
        elif not isinstance(document.data, dict):
            message = f"document top level must be a mapping of keys, not a {json_type_name(document.data)}"
            out.append(LoadedManifest(path, display_path, None, problems=(LoadProblem("MPL001", message, *document.start),)))
        else:
            positions = {**document.positions, "": document.start}
            out.append(LoadedManifest(path, display_path, document.data, positions, tuple(word(p, noun) for p in document.problems)))
    return tuple(out)
