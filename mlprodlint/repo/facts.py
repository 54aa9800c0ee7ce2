"""Facts about one repository, computed at most once per run and shared by every rule.

Git is called lazily and once per repository root (through `mlprodlint.repo.git`, the one hardened
runner): `git log` over the first-parent history with the files each commit touched, parsed into
memory and indexed by path, so "the newest commit touching these paths" costs a few dictionary
lookups whatever the number of commits, files or manifests.

A history that cannot be read says why: `absent` when there is nothing to judge with (no git,
not a repository, no commits yet), `incomplete` when git failed, timed out or the history was cut
at MAX_COMMITS, so rules can report "could not check" instead of passing silently.
"""

from __future__ import annotations

import bisect
import datetime as dt
import fnmatch
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import git

GIT_TIMEOUT_SECONDS = 20.0
MAX_COMMITS = 200_000
_RECORD = "\x1e"
_GLOB_CHARACTERS = "*?["


@dataclass(frozen=True)
class Commit:
    sha: str
    date: dt.datetime  # committer date, with the committer's UTC offset
    files: tuple[str, ...]

    @property
    def short(self) -> str:
        return self.sha[:7]


@dataclass(frozen=True)
class LastChange:
    """The newest commit touching some paths (and the first such file in it), or why unknown."""

    commit: Commit | None = None
    file: str = ""
    unknown: str = ""  # non-empty: no commit found, but history was incomplete (the reason)


class History:
    """First-parent commits, newest first, indexed by path (built once, read by every rule)."""

    def __init__(self, commits: tuple[Commit, ...] = (), incomplete: str = "", absent: str = "") -> None:
        self.commits = commits
        self.incomplete = incomplete
        self.absent = absent
        newest_file: dict[str, int] = {}
        newest_folder: dict[str, int] = {}
        self._newest_any = next((i for i, c in enumerate(commits) if c.files), None)
        for index, commit in enumerate(commits):  # newest first: the first sighting wins
            for file in commit.files:
                if file in newest_file:
                    continue
                newest_file[file] = index
                folder = file
                while "/" in folder:
                    folder = folder.rpartition("/")[0]
                    if folder in newest_folder:
                        break  # an ancestor seen earlier was seen by a newer or equal commit
                    newest_folder[folder] = index
        self._newest_file = newest_file
        self._newest_folder = newest_folder
        self._sorted_files = sorted(newest_file)
        self._memo: dict[str, int | None] = {}

    def _newest_for(self, declared: str) -> int | None:
        if declared not in self._memo:
            self._memo[declared] = self._compute(declared)
        return self._memo[declared]

    def _compute(self, declared: str) -> int | None:
        pattern = _normal_pattern(declared)
        if not pattern or pattern == ".":
            return self._newest_any
        if any(char in pattern for char in _GLOB_CHARACTERS):
            # Only files sharing the glob's literal prefix can match it: a bisected range of the
            # sorted file list, not every file the history ever touched.
            prefix = re.split(r"[*?\[]", pattern, maxsplit=1)[0]
            start = bisect.bisect_left(self._sorted_files, prefix)
            exact = re.compile(fnmatch.translate(pattern))
            under = re.compile(fnmatch.translate(pattern.rstrip("/") + "/*"))
            best: int | None = None
            for file in self._sorted_files[start:]:
                if not file.startswith(prefix):
                    break
                if exact.match(file) or under.match(file):
                    index = self._newest_file[file]
                    best = index if best is None else min(best, index)
            return best
        folder = pattern.rstrip("/")
        found = [i for i in (self._newest_file.get(folder), self._newest_folder.get(folder)) if i is not None]
        return min(found) if found else None

    def last_change(self, declared_paths: list[str]) -> LastChange:
        found = [i for i in (self._newest_for(d) for d in declared_paths) if i is not None]
        if not found:
            return LastChange(unknown=self.incomplete)
        commit = self.commits[min(found)]
        file = next(f for f in commit.files if any(path_matches(f, d) for d in declared_paths))
        return LastChange(commit, file)


def _normal_pattern(declared: str) -> str:
    pattern = declared.strip().lstrip("/")
    return pattern[2:] if pattern.startswith("./") else pattern


def read_history(root: Path) -> History:
    """First-parent history of the repository at `root`, newest first, with its limits."""
    if git.repo_root(root) != Path(os.path.abspath(root)):
        return History(absent="not in a git repository")
    args = ["log", "--first-parent", "-m", "--no-renames", "--no-color", "--no-ext-diff", "--no-textconv",
            "--name-only", f"--max-count={MAX_COMMITS}", f"--format={_RECORD}%H%x00%cI"]
    try:
        output = git.run(root, args, timeout=GIT_TIMEOUT_SECONDS)
    except git.GitNotInstalled:
        return History(absent="git is not installed")
    except git.GitTimeout as timeout:
        # Newest first: what arrived before the timeout is the recent history, still usable.
        text = timeout.partial.decode("utf-8", errors="replace")
        complete = text[: text.rfind(_RECORD)] if _RECORD in text else ""
        return History(parse_log(complete), incomplete=timeout.reason)
    except git.GitError as error:
        if "does not have any commits" in error.reason:
            return History(absent="the repository has no commits yet")
        if "not a git repository" in error.reason:
            return History(absent="not a git repository")
        return History(incomplete=error.reason)
    commits = parse_log(output.decode("utf-8", errors="replace"))
    cut = f"history cut at {MAX_COMMITS} commits" if len(commits) >= MAX_COMMITS else ""
    return History(commits, incomplete=cut)


def parse_log(text: str) -> tuple[Commit, ...]:
    commits: list[Commit] = []
    for record in text.split(_RECORD):
        if not record.strip():
            continue
        header, _, rest = record.partition("\n")
        sha, _, date_text = header.partition("\x00")
        try:
            date = dt.datetime.fromisoformat(date_text.strip())
        except ValueError:
            continue
        files = tuple(line for line in rest.splitlines() if line.strip())
        commits.append(Commit(sha.strip(), date, files))
    return tuple(commits)


def path_matches(file: str, declared: str) -> bool:
    """A repo-relative file falls under a declared code path (folder prefix, file, or glob)."""
    pattern = _normal_pattern(declared)
    if not pattern or pattern == ".":
        return True
    if any(char in pattern for char in _GLOB_CHARACTERS):
        return fnmatch.fnmatchcase(file, pattern) or fnmatch.fnmatchcase(file, pattern.rstrip("/") + "/*")
    folder = pattern.rstrip("/")
    return file == folder or file.startswith(folder + "/")


class BoundedCache(dict):  # type: ignore[type-arg]
    """A dict that forgets its oldest entries past `limit`: parsed files shared by the rules of
    one manifest (and by neighbours that reference the same file) without keeping every parsed
    file of a large repository until the run ends."""

    limit = 64

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(key, value)
        while len(self) > self.limit:
            del self[next(iter(self))]


@dataclass
class RepoFacts:
    """Lazy, cached facts about one repository root (mutable only as a cache)."""

    root: Path
    _history: History | None = None
    # Parsed files shared by several rules (CODEOWNERS, rules files), keyed by the reader.
    cache: dict[Any, Any] = field(default_factory=BoundedCache)

    def history(self) -> History:
        if self._history is None:
            self._history = read_history(self.root)
        return self._history

    def last_change(self, declared_paths: list[str]) -> LastChange:
        """The newest commit touching any declared path, with the first file it touched there."""
        return self.history().last_change(declared_paths)


@dataclass
class RepoFactsCache:
    """One RepoFacts per repository root for the length of a run."""

    facts: dict[Path, RepoFacts] = field(default_factory=dict)

    def for_root(self, root: Path) -> RepoFacts:
        key = Path(os.path.abspath(root))
        if key not in self.facts:
            self.facts[key] = RepoFacts(key)
        return self.facts[key]
