"""A bounded walk of a repository's files, and repository globs on top of it.

Used where a path is not named exactly (`alerting.rules_file: monitoring/*.yaml`, `init` looking
for nested rules files and dashboards). The walk never follows a symlinked folder, keeps only
files whose real path stays inside the repository, skips VCS folders, virtualenvs and caches
(the same list as manifest discovery), and stops after a fixed number of entries: a hostile or
simply huge repository costs bounded time.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator
from pathlib import Path

from ..load.discover import SKIPPED_DIRS

MAX_ENTRIES = 20_000  # directory entries looked at per walk
MAX_MATCHES = 200  # files a glob may expand to
GLOB_CHARS = frozenset("*?[")


def is_glob(pattern: str) -> bool:
    return any(char in GLOB_CHARS for char in pattern)


def _inside(path: Path, root: Path) -> bool:
    try:
        return path.resolve().is_relative_to(root)
    except (OSError, RuntimeError, ValueError):
        return False


def walk_files(top: Path, repo_root: Path, max_entries: int = MAX_ENTRIES) -> Iterator[Path]:
    """Regular files under `top` (sorted per folder), confined to `repo_root`, bounded."""
    root = Path(os.path.abspath(repo_root)).resolve()
    seen = 0
    stack = [Path(os.path.abspath(top))]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError:
            continue
        folders = []
        for entry in entries:
            seen += 1
            if seen > max_entries:
                return
            try:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name not in SKIPPED_DIRS and not os.path.exists(os.path.join(entry.path, "pyvenv.cfg")):
                        folders.append(Path(entry.path))
                    continue
                if not entry.is_file(follow_symlinks=True):
                    continue
            except OSError:
                continue
            path = Path(entry.path)
            if entry.is_symlink() and not _inside(path, root):
                continue  # a link out of the repository is never read
            yield path
        stack.extend(reversed(folders))


def _match_parts(patterns: list[str], parts: list[str]) -> bool:
    """Segment-wise glob match; `**` spans zero or more folders. Dynamic programming, O(m*n)."""
    m, n = len(patterns), len(parts)
    reach = [[False] * (n + 1) for _ in range(m + 1)]
    reach[0][0] = True
    for i in range(1, m + 1):
        pattern = patterns[i - 1]
        for j in range(0, n + 1):
            if pattern == "**":
                reach[i][j] = reach[i - 1][j] or (j > 0 and reach[i][j - 1])
            elif j > 0:
                reach[i][j] = reach[i - 1][j - 1] and fnmatch.fnmatchcase(parts[j - 1], pattern)
    return reach[m][n]


def glob_files(base: Path, pattern: str, repo_root: Path, max_matches: int = MAX_MATCHES) -> list[Path]:
    """Files under `base` matching a `/`-separated glob (`*`, `?`, `[...]`, `**`), sorted.

    The walk starts at the deepest folder of the pattern that has no glob characters, so
    `monitoring/*.yaml` reads one folder, not the whole repository.
    """
    segments = [s for s in pattern.replace("\\", "/").split("/") if s not in ("", ".")]
    fixed: list[str] = []
    while segments and not is_glob(segments[0]) and segments[0] != "**" and len(segments) > 1:
        fixed.append(segments.pop(0))
    if ".." in fixed or ".." in segments:
        return []  # a glob climbing out of the manifest's folder is not expanded
    start = Path(os.path.abspath(base)).joinpath(*fixed)
    if not start.is_dir() or not _inside(start, Path(os.path.abspath(repo_root)).resolve()):
        return []
    found = []
    for path in walk_files(start, repo_root):
        relative = path.relative_to(start).parts
        if _match_parts(segments, list(relative)):
            found.append(path)
            if len(found) >= max_matches:
                break
    return sorted(found, key=lambda p: p.as_posix())
