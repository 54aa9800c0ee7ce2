"""The one way mlprodlint runs git, and the one way it finds a repository root.

The repository being linted is untrusted: its `.git/config` can name programs (ssh commands,
fsmonitor hooks, pagers, diff and filter drivers, credential helpers, a promisor remote to fetch
missing objects from). Every git call therefore goes through `run`, which

- scrubs every `GIT_*` variable from the environment (a `GIT_DIR` from the caller must never
  point git at another repository) and reads no system config (the user's own global config,
  e.g. `safe.directory`, still applies);
- overrides, on the command line (which beats repository config), every key that can start a
  program, and forbids every transport (`protocol.allow=never`), so a partial clone with a
  missing object fails instead of fetching it (`GIT_NO_LAZY_FETCH=1` on git >= 2.44 as well);
- neutralises the repository's own filter drivers by name (they have no global off switch);
- never prompts, never pages, never takes optional locks, and stops after a timeout;
- runs only in a folder found by `repo_root` from a path the user named, never above it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

DEFAULT_TIMEOUT_SECONDS = 10.0

# Keys that make git start a program, each set to a value that starts nothing.
_SAFE_CONFIG: tuple[tuple[str, str], ...] = (
    ("core.fsmonitor", "false"),
    ("core.hooksPath", "/dev/null"),
    ("core.sshCommand", "false"),
    ("core.gitProxy", ""),
    ("core.pager", "cat"),
    ("core.askPass", ""),
    ("core.editor", "false"),
    ("core.alternateRefsCommand", ""),
    ("core.untrackedCache", "false"),
    # The cache key trusts `git status`: the repository must not tell git to skip stat checks.
    ("core.ignoreStat", "false"),
    ("core.checkStat", "default"),
    ("core.quotePath", "false"),
    ("credential.helper", ""),
    ("diff.external", ""),
    ("diff.autoRefreshIndex", "false"),  # never hash (and so filter) stat-dirty files
    ("protocol.allow", "never"),  # no transport at all: nothing is ever fetched
    ("fetch.recurseSubmodules", "false"),
    ("submodule.recurse", "false"),
    ("log.showSignature", "false"),
    ("gpg.program", "false"),
    ("gpg.ssh.program", "false"),
    ("gpg.x509.program", "false"),
    ("color.ui", "false"),
    ("pager.log", "false"),
    ("pager.diff", "false"),
)


class GitError(Exception):
    """git could not answer: not installed, refused, failed, or timed out (`reason` says which)."""

    def __init__(self, reason: str, partial: bytes = b"") -> None:
        super().__init__(reason)
        self.reason = reason
        self.partial = partial  # what git printed before a timeout stopped it


class GitNotInstalled(GitError):
    pass


class GitTimeout(GitError):
    pass


def repo_root(start: Path) -> Path | None:
    """The nearest folder at or above `start` holding a `.git` entry, or None.

    The one root finder: the engine, provenance, configuration discovery, `--diff` and the cache
    all ask this function, so they always agree on which repository a path belongs to. Not
    memoised: a dozen `lstat` calls are cheaper than a stale answer in a long-lived process.
    """
    folder = Path(os.path.abspath(start))
    try:
        if not folder.is_dir():
            folder = folder.parent
    except (OSError, ValueError):
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        try:
            if os.path.exists(candidate / ".git"):
                return candidate
        except (OSError, ValueError):
            return None
    return None


def root_or_self(start: Path) -> Path:
    """`repo_root(start)`, or the folder itself when it is in no repository."""
    folder = Path(os.path.abspath(start))
    found = repo_root(folder)
    if found is not None:
        return found
    try:
        return folder if folder.is_dir() else folder.parent
    except (OSError, ValueError):
        return folder.parent


def environment(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_") and k not in _DROPPED_VARIABLES}
    env.update({
        "LC_ALL": "C",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_OPTIONAL_LOCKS": "0",
        "GIT_NO_LAZY_FETCH": "1",
        "GIT_NO_REPLACE_OBJECTS": "1",
        "GIT_PAGER": "cat",
        "PAGER": "cat",
        "GIT_SSH_COMMAND": "false",
        "GIT_ASKPASS": "false",
        # Never walk above the repository that was named (a broken `.git` must not make git
        # read an enclosing repository's history).
        "GIT_CEILING_DIRECTORIES": str(root.parent),
    })
    return env


# Variables outside GIT_* that make git start programs.
_DROPPED_VARIABLES = frozenset({"SSH_ASKPASS", "EDITOR", "VISUAL", "GPG_TTY"})


def _binary() -> str:
    git = shutil.which("git")
    if git is None:
        raise GitNotInstalled("git is not installed")
    return git


def _config_args(pairs: Sequence[tuple[str, str]]) -> list[str]:
    args: list[str] = []
    for key, value in pairs:
        args += ["-c", f"{key}={value}"]
    return args


def _raw(git: str, root: Path, args: Sequence[str], config: Sequence[tuple[str, str]], timeout: float) -> bytes:
    command = [git, "--no-pager", "-C", str(root), *_config_args(config), *args]
    try:
        completed = subprocess.run(
            command, capture_output=True, timeout=timeout, env=environment(root),
            stdin=subprocess.DEVNULL, check=False,
        )
    except subprocess.TimeoutExpired as expired:
        partial = expired.output if isinstance(expired.output, bytes) else b""
        raise GitTimeout(f"git {args[0]} timed out after {timeout:g} s", partial) from None
    except OSError as error:
        raise GitError(f"git could not start: {error.strerror or error}") from None
    if completed.returncode != 0:
        message = completed.stderr.decode("utf-8", errors="replace").strip().splitlines()
        detail = message[-1] if message else f"exit status {completed.returncode}"
        raise GitError(f"git {args[0]} failed: {detail}")
    return completed.stdout


def _filter_overrides(git: str, root: Path, timeout: float) -> list[tuple[str, str]]:
    """`-c filter.NAME.*=` for every filter driver the repository configures (clean, smudge and
    process commands run whenever git hashes a working-tree file)."""
    try:
        listing = _raw(git, root, ["config", "--null", "--name-only", "--get-regexp", r"^filter\."], _SAFE_CONFIG, timeout)
    except GitError:
        return []  # no filter configured (exit 1), or config unreadable: nothing to neutralise
    names = set()
    for key in listing.decode("utf-8", errors="replace").split("\0"):
        driver, _, _ = key.strip().removeprefix("filter.").rpartition(".")
        if driver:
            names.add(driver)
    overrides: list[tuple[str, str]] = []
    for driver in sorted(names):
        overrides += [(f"filter.{driver}.clean", ""), (f"filter.{driver}.smudge", ""),
                      (f"filter.{driver}.process", ""), (f"filter.{driver}.required", "false")]
    return overrides


def run(root: Path, args: Sequence[str], timeout: float = DEFAULT_TIMEOUT_SECONDS, worktree: bool = False) -> bytes:
    """Run `git ARGS` in the repository at `root` (hardened, see the module docstring); stdout.

    `worktree=True` for commands that may read working-tree files (diff against the working
    tree, status): the repository's filter drivers are neutralised first.
    Raises GitError (GitNotInstalled, GitTimeout) when git cannot answer.
    """
    git = _binary()
    config = list(_SAFE_CONFIG)
    if worktree:
        config += _filter_overrides(git, root, timeout)
    return _raw(git, root, args, config, timeout)
