"""Lint only what a change affects: `--diff REV`, or the file list pre-commit passes.

A manifest is affected when it changed itself, when a changed file lies in its folder (the
nearest manifest up the tree owns a file), or when any string in it names a changed file
relative to the manifest's folder or the repository root (model card, runbooks, alert rules
file, DPIA, threat model ...). Rules that read those files therefore re-run when they change.
Deleted files count too: a manifest pointing at a runbook that was just deleted is affected.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from .discover import MANIFEST_NAMES, discover
from .errors import UsageError
from .manifest import Limits, load_manifest


def _git(args: Sequence[str], cwd: Path) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    except FileNotFoundError:
        raise UsageError("--diff needs git, which is not installed") from None
    if done.returncode != 0:
        raise UsageError(f"--diff: git {' '.join(args)} failed: {done.stderr.strip() or done.returncode}")
    return done.stdout


def git_changed_files(rev: str, cwd: Path) -> set[Path]:
    """Files changed since REV (committed, staged or not) plus untracked ones, absolute."""
    if rev.startswith("-"):
        raise UsageError(f"--diff: {rev!r} is not a revision")
    top = Path(_git(["rev-parse", "--show-toplevel"], cwd).strip())
    names = _git(["diff", "--name-only", "-z", rev, "--"], cwd).split("\0")
    names += _git(["ls-files", "--others", "--exclude-standard", "-z"], top).split("\0")
    return {_normal(top / name) for name in names if name}


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


def referenced_files(manifest: Path, repo_root: Path, limits: Limits) -> set[Path]:
    """Every path a manifest's strings could name (existing or not), normalised."""
    loaded = load_manifest(manifest, manifest.as_posix(), limits)
    found: set[Path] = set()
    for text in _strings(loaded.data):
        candidate = text.split("#", 1)[0].strip()
        if not candidate or "\0" in candidate or "://" in candidate or len(candidate) > 4096:
            continue
        for base in (manifest.parent, repo_root):
            found.add(_normal(base / candidate))
    return found


def _owner(path: Path, manifests: set[Path]) -> Path | None:
    """The nearest manifest whose folder contains `path`."""
    for folder in path.parents:
        for name in MANIFEST_NAMES:
            candidate = folder / name
            if candidate in manifests:
                return candidate
    return None


def affected(changed: Iterable[Path], candidates: Sequence[Path], repo_root: Path, limits: Limits) -> list[Path]:
    """The candidate manifests a set of changed files affects, sorted."""
    changed_set = {_normal(p) for p in changed}
    manifests = {_normal(m) for m in candidates}
    hit: set[Path] = {p for p in changed_set if p in manifests}
    for path in changed_set:
        owner = _owner(path, manifests)
        if owner is not None:
            hit.add(owner)
    for manifest in sorted(manifests - hit):
        if referenced_files(manifest, repo_root, limits) & changed_set:
            hit.add(manifest)
    return sorted(hit, key=lambda p: p.as_posix())


def select(
    targets: Sequence[Path], diff: str | None, exclude: Sequence[str], exclude_root: Path,
    repo_root: Path, limits: Limits,
) -> list[Path]:
    """Manifests to lint in changed-files mode.

    With --diff, `targets` (default: the current folder) bound where manifests are searched and
    git says what changed. Without it, `targets` are the changed files themselves (pre-commit's
    list) and every manifest under the repository root is a candidate.
    """
    if diff is not None:
        changed = git_changed_files(diff, Path.cwd())
        candidates = discover(list(targets) or [Path(".")], exclude, exclude_root)
    else:
        changed = {_normal(p) for p in targets}
        candidates = discover([repo_root], exclude, exclude_root)
    return affected(changed, candidates, repo_root, limits)
