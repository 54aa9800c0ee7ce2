"""Lint only what a change affects: `--diff REV`, or the file list pre-commit passes.

A manifest is affected when it changed itself, when a changed file lies in its folder (the
nearest manifest up the tree owns a file), or when any string in it names a changed file
relative to the manifest's folder or the repository root (model card, runbooks, alert rules
file, DPIA, threat model ...), or names a folder or glob a changed file falls in (the
`metadata.paths` whose commits make sign-offs stale). A changed CODEOWNERS file affects every
manifest in the folder it governs (OWN040 reads it). Rules that read those files therefore
re-run when they change. Deleted files count too: a manifest pointing at a runbook that was just
deleted is affected.
"""

from __future__ import annotations

import bisect
import fnmatch
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from ..repo import git
from ..engine.cache import Cache, content_key, read_plain_file
from ..load.discover import MANIFEST_NAMES, discover
from ..errors import UsageError
from ..load.manifest import Limits, load_manifest

GIT_TIMEOUT_SECONDS = 60.0


def git_changed_files(rev: str, start: Path) -> set[Path]:
    """Files changed since REV (committed, staged or not) plus untracked ones, absolute.

    Git runs in the repository holding `start` (the first path the user named, or the current
    folder), through the hardened runner: nothing the repository configures is executed.
    """
    if not rev or rev.startswith("-") or "\0" in rev:
        raise UsageError(f"--diff: {rev!r} is not a revision")
    top = git.repo_root(start)
    if top is None:
        raise UsageError(f"--diff needs a git repository, and {start} is not in one")
    try:
        # --no-renames: a renamed runbook counts under its old name (deleted) and its new one.
        names = git.run(top, ["diff", "--name-only", "-z", "--no-renames", "--no-ext-diff", "--no-textconv",
                              "--no-relative", rev, "--"], timeout=GIT_TIMEOUT_SECONDS, worktree=True)
        names += b"\0" + git.run(top, ["ls-files", "--others", "--exclude-standard", "-z"],
                                 timeout=GIT_TIMEOUT_SECONDS, worktree=True)
    except git.GitNotInstalled:
        raise UsageError("--diff needs git, which is not installed") from None
    except git.GitError as error:
        raise UsageError(f"--diff {rev}: {error.reason}") from None
    return {_normal(top / name) for name in names.decode("utf-8", errors="surrogateescape").split("\0") if name}


def git_staged_files(start: Path) -> set[Path]:
    """Every path the index changes against HEAD, absolute: added, modified and deleted files,
    and both sides of a rename (`--no-renames`), because pre-commit passes a hook only the files
    that still exist. Before the first commit every staged file counts; outside a git
    repository this is a usage error (exit 2)."""
    top = git.repo_root(start)
    if top is None:
        raise UsageError(f"--staged needs a git repository, and {start} is not in one")
    try:
        names = git.run(top, ["diff", "--cached", "--name-only", "-z", "--no-renames", "--no-ext-diff",
                              "--no-textconv", "--no-relative", "--"], timeout=GIT_TIMEOUT_SECONDS, worktree=True)
    except git.GitNotInstalled:
        raise UsageError("--staged needs git, which is not installed") from None
    except git.GitError as error:
        raise UsageError(f"--staged: {error.reason}") from None
    return {_normal(top / name) for name in names.decode("utf-8", errors="surrogateescape").split("\0") if name}


def _normal(path: Path) -> Path:
    return Path(os.path.normpath(os.path.abspath(path)))


def _strings(data: Any) -> Iterator[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from _strings(value)
    elif isinstance(data, list):
        for item in data:
            yield from _strings(item)


_GLOB_CHARACTERS = frozenset("*?[")
# CODEOWNERS in these folders governs their parent folder (GitHub and GitLab conventions).
_CODEOWNERS_HOMES = frozenset({".github", ".gitlab", "docs"})


def referenced_files(manifest: Path, repo_root: Path, limits: Limits, cache: Cache | None = None) -> set[str]:
    """Every path a manifest's strings could name (existing or not), normalised, as POSIX
    strings; globs stay as patterns (see `_ChangedIndex`).

    A pure function of the manifest's path, bytes and repository root, so it is kept in the
    result cache under a key over exactly those: a monorepo's second changed-files run reads
    one small entry per manifest instead of parsing every manifest again.
    """
    key = None
    if cache is not None and cache.enabled:
        raw, _ = read_plain_file(manifest)
        if raw is not None:
            key = content_key("references", str(manifest).encode(), str(repo_root).encode(), repr(limits).encode(), raw)
            stored = cache.get("references", key)
            if isinstance(stored, list) and all(isinstance(item, str) for item in stored):
                return set(stored)
    found = {path.as_posix() for path in _parse_references(manifest, repo_root, limits)}
    if key is not None and cache is not None and read_plain_file(manifest)[0] == raw:  # unchanged meanwhile
        cache.put("references", key, sorted(found))
    return found


def _parse_references(manifest: Path, repo_root: Path, limits: Limits) -> set[Path]:
    loaded = load_manifest(manifest, manifest.as_posix(), limits, repo_root)
    root = _normal(repo_root)
    found: set[Path] = set()
    for text in _strings(loaded.data):
        candidate = text.split("#", 1)[0].strip()
        if not candidate or "\0" in candidate or "://" in candidate or len(candidate) > 4096:
            continue
        if os.path.isabs(candidate):
            continue  # evidence rules never read outside the repository either
        for base in (manifest.parent, repo_root):
            path = _normal(base / candidate)
            if path != root and path.is_relative_to(root):
                found.add(path)
    return found


class _ChangedIndex:
    """The changed files, with every folder they lie in: a reference matches when it names one
    of those (a set lookup), or is a glob matching a changed file."""

    def __init__(self, changed: Iterable[Path]) -> None:
        self.files = sorted(path.as_posix() for path in changed)
        self.named: set[str] = set()
        for path in changed:
            self.named.add(path.as_posix())
            self.named.update(parent.as_posix() for parent in path.parents)

    def touches(self, references: Iterable[str]) -> bool:
        for text in references:
            if text in self.named:
                return True
            if _GLOB_CHARACTERS & set(text):
                # Only files starting with the glob's literal prefix can match it.
                prefix = text[: min(text.find(c) if c in text else len(text) for c in _GLOB_CHARACTERS)]
                start = bisect.bisect_left(self.files, prefix)
                for file in self.files[start:]:
                    if not file.startswith(prefix):
                        break
                    if fnmatch.fnmatchcase(file, text):
                        return True
        return False


def _codeowners_scope(path: Path) -> Path | None:
    """The folder a changed CODEOWNERS file governs, or None when `path` is not one."""
    if path.name != "CODEOWNERS":
        return None
    return path.parent.parent if path.parent.name in _CODEOWNERS_HOMES else path.parent


def _owner(path: Path, manifests: set[Path]) -> Path | None:
    """The nearest manifest whose folder contains `path`."""
    for folder in path.parents:
        for name in MANIFEST_NAMES:
            candidate = folder / name
            if candidate in manifests:
                return candidate
    return None


def affected(
    changed: Iterable[Path], candidates: Sequence[Path], repo_root: Path, limits: Limits, cache: Cache | None = None
) -> list[Path]:
    """The candidate manifests a set of changed files affects, sorted."""
    changed_set = {_normal(p) for p in changed}
    manifests = {_normal(m) for m in candidates}
    hit: set[Path] = {p for p in changed_set if p in manifests}
    for path in changed_set:
        owner = _owner(path, manifests)
        if owner is not None:
            hit.add(owner)
        scope = _codeowners_scope(path)
        if scope is not None:
            hit.update(m for m in manifests if m.is_relative_to(scope))
    index = _ChangedIndex(changed_set)
    for manifest in sorted(manifests - hit):
        if index.touches(referenced_files(manifest, repo_root, limits, cache)):
            hit.add(manifest)
    return sorted(hit, key=lambda p: p.as_posix())


def select(
    targets: Sequence[Path], diff: str | None, exclude: Sequence[str], exclude_root: Path,
    repo_root: Path, limits: Limits, staged: bool = False, cache: Cache | None = None,
) -> list[Path]:
    """Manifests to lint in changed-files mode.

    With --diff, `targets` (default: the current folder) bound where manifests are searched and
    git says what changed. Without it, `targets` are the changed files themselves (pre-commit's
    list) and every manifest under the repository root is a candidate.
    """
    if diff is not None:
        changed = git_changed_files(diff, Path(targets[0]) if targets else Path.cwd())
        candidates = discover(list(targets) or [Path(".")], exclude, exclude_root)
    else:
        changed = {_normal(p) for p in targets}
        if staged:  # --staged: what the index changes, deletions included (pre-commit omits them)
            changed |= git_staged_files(Path.cwd())
        candidates = discover([repo_root], exclude, exclude_root)
    return affected(changed, candidates, repo_root, limits, cache)
