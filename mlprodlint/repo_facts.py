"""Facts about one repository, computed at most once per run and shared by every rule.

Git is called lazily and once per repository root: `git log` over the first-parent history with
the files each commit touched, parsed into memory. A run whose rules never ask for history never
starts git. A missing git binary, a folder that is not a repository, a timeout or a repository git
refuses to read (e.g. `safe.directory`) all mean "no history", never an error.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

GIT_TIMEOUT_SECONDS = 20
_RECORD = "\x1e"


@dataclass(frozen=True)
class Commit:
    sha: str
    date: dt.datetime  # committer date, with the committer's UTC offset
    files: tuple[str, ...]

    @property
    def short(self) -> str:
        return self.sha[:7]


def _git_env() -> dict[str, str]:
    # GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE ... from the caller's environment must not redirect
    # git to another repository; config from the system or $HOME cannot change what log prints.
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update({"LC_ALL": "C", "GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"})
    return env


def read_history(root: Path) -> tuple[Commit, ...] | None:
    """First-parent history of the repository at `root`, newest first; None without git."""
    import shutil
    import subprocess  # only runs that need history pay for it

    git = shutil.which("git")
    if git is None or not (root / ".git").exists():
        return None
    command = [
        git, "-C", str(root),
        # Never run anything configured by the scanned repository.
        "-c", "core.fsmonitor=false", "-c", "log.showSignature=false", "-c", "core.quotePath=false",
        "log", "--first-parent", "-m", "--no-renames", "--no-color", "--name-only",
        f"--format={_RECORD}%H%x00%cI",
    ]
    try:
        completed = subprocess.run(
            command, capture_output=True, timeout=GIT_TIMEOUT_SECONDS,
            # A `.git` that is not a repository must not make git read an enclosing one's history.
            env={**_git_env(), "GIT_CEILING_DIRECTORIES": str(Path(os.path.abspath(root)).parent)},
            stdin=subprocess.DEVNULL, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if completed.returncode != 0:
        return None  # not a repository, no commits yet, or git refuses to read it
    return parse_log(completed.stdout.decode("utf-8", errors="replace"))


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
    pattern = declared.strip().lstrip("/")
    if pattern.startswith("./"):
        pattern = pattern[2:]
    if not pattern or pattern == ".":
        return True
    if any(char in pattern for char in "*?["):
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
    _history: tuple[Commit, ...] | None = None
    _history_read: bool = False
    # Parsed files shared by several rules (CODEOWNERS, rules files), keyed by the reader.
    cache: dict[Any, Any] = field(default_factory=BoundedCache)

    def history(self) -> tuple[Commit, ...] | None:
        if not self._history_read:
            self._history = read_history(self.root)
            self._history_read = True
        return self._history

    def last_change(self, declared_paths: list[str]) -> tuple[Commit, str] | None:
        """The newest commit touching any declared path, with the first file it touched there."""
        history = self.history()
        if not history:
            return None
        for commit in history:
            for file in commit.files:
                if any(path_matches(file, declared) for declared in declared_paths):
                    return commit, file
        return None


@dataclass
class RepoFactsCache:
    """One RepoFacts per repository root for the length of a run."""

    facts: dict[Path, RepoFacts] = field(default_factory=dict)

    def for_root(self, root: Path) -> RepoFacts:
        key = Path(os.path.abspath(root))
        if key not in self.facts:
            self.facts[key] = RepoFacts(key)
        return self.facts[key]
