"""Resolve references from a manifest to files in the repository, confined to the repo root.

A reference is a URL (never fetched), or a path relative to the manifest's folder with an optional
`#anchor`. A path that leaves the repository (`../` past the root, an absolute path, a symlink
pointing outside) is reported and never opened: a manifest must not be able to make the linter
read `/etc/passwd` or a neighbour's checkout.
"""

from __future__ import annotations

import enum
import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..repo import documents as doccache

MAX_DOC_BYTES = 2 * 1024 * 1024  # larger "documents" are read only up to this size

_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:(?![\\/])")
_WINDOWS_ABSOLUTE = re.compile(r"^([a-zA-Z]:[\\/]|\\\\)")
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd"})


class RefKind(enum.Enum):
    URL = "url"  # http(s) or another scheme: not checked (no network)
    INSIDE = "inside"  # a path inside the repository (may or may not exist)
    OUTSIDE = "outside"  # leaves the repository: a finding, never read


@dataclass(frozen=True)
class Reference:
    text: str
    kind: RefKind
    path: Path | None = None  # absolute, lexically normalised, for INSIDE references
    anchor: str = ""
    why_outside: str = ""

    @property
    def exists(self) -> bool:
        return self.path is not None and self.path.is_file()

    @property
    def is_markdown(self) -> bool:
        return self.path is not None and self.path.suffix.lower() in MARKDOWN_SUFFIXES


def _inside(path: Path, root: Path) -> bool:
    try:
        return path.is_relative_to(root)
    except ValueError:
        return False


MAX_NAME_BYTES = 255
MAX_PATH_BYTES = 4000


def _invalid_path(path_text: str, base_dir: Path) -> str:
    """Why no file system could hold this path, or "" when one could."""
    if "\0" in path_text:
        return "is not a valid path (it contains a NUL byte)"
    try:
        encoded = [os.fsencode(part) for part in path_text.replace("\\", "/").split("/")]
        folder = len(os.fsencode(os.path.abspath(base_dir)))
    except UnicodeError:
        return "is not a valid path (it cannot be encoded for this file system)"
    if any(len(part) > MAX_NAME_BYTES for part in encoded):
        return f"is not a valid path (a name is longer than {MAX_NAME_BYTES} bytes)"
    if folder + sum(len(part) + 1 for part in encoded) > MAX_PATH_BYTES:
        return f"is not a valid path (longer than {MAX_PATH_BYTES} bytes)"
    return ""


def resolve_reference(text: str, base_dir: Path, repo_root: Path) -> Reference:
    """Classify a reference written in a manifest whose folder is `base_dir` (once per run)."""
    return doccache.memo(("reference", text, str(base_dir), str(repo_root)), lambda: _resolve(text, base_dir, repo_root))


def _resolve(text: str, base_dir: Path, repo_root: Path) -> Reference:
    raw = text.strip()
    if _URL.match(raw) or (_SCHEME.match(raw) and not _WINDOWS_ABSOLUTE.match(raw)):
        return Reference(raw, RefKind.URL)
    path_text, _, anchor = raw.partition("#")
    if not path_text:
        # "#section" alone points into the manifest itself; nothing to check on disk.
        return Reference(raw, RefKind.URL, anchor=anchor)
    if path_text.startswith(("/", "~/")) or _WINDOWS_ABSOLUTE.match(path_text):
        return Reference(raw, RefKind.OUTSIDE, why_outside="is an absolute path")
    invalid = _invalid_path(path_text, base_dir)
    if invalid:  # the OS would refuse it (and Path.exists() would raise): never opened, a finding
        return Reference(raw, RefKind.OUTSIDE, why_outside=invalid)
    root = Path(os.path.abspath(repo_root))
    lexical = Path(os.path.normpath(Path(os.path.abspath(base_dir)) / PurePosixPath(path_text.replace("\\", "/"))))
    if not _inside(lexical, root):
        return Reference(raw, RefKind.OUTSIDE, why_outside="leaves the repository")
    try:
        real = Path(doccache.real_path(lexical))
        real_root = Path(doccache.real_path(root))
    except (OSError, RuntimeError):  # a symlink loop: treat as unreadable, i.e. outside
        return Reference(raw, RefKind.OUTSIDE, why_outside="is a symlink loop")
    if not _inside(real, real_root):
        return Reference(raw, RefKind.OUTSIDE, why_outside="is a symlink that leaves the repository")
    return Reference(raw, RefKind.INSIDE, lexical, anchor)


def inside_repo(path: Path, repo_root: Path) -> bool:
    """True when `path` (after following symlinks) stays inside the repository."""
    try:
        return _inside(Path(doccache.real_path(path)), Path(doccache.real_path(repo_root)))
    except (OSError, RuntimeError):
        return False


def read_doc(path: Path) -> str | None:
    """Text of a file inside the repo (bounded, undecodable bytes replaced); None if unreadable.
    Read once per run, however many rules and manifests ask (doccache)."""
    return doccache.fact(path, "text", lambda: _read_doc(path))


def _read_doc(path: Path) -> str | None:
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_DOC_BYTES)
    except OSError:
        return None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    return raw.decode("utf-8", errors="replace")


def relative_display(path: Path, repo_root: Path) -> str:
    try:
        return path.relative_to(os.path.abspath(repo_root)).as_posix()
    except ValueError:
        return path.as_posix()
