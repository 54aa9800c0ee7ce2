"""Where a report comes from: tool and rule-pack versions, the linted commit, generation time.

The generation time honours SOURCE_DATE_EPOCH (reproducible-builds.org) so that the same commit
linted twice gives byte-identical reports. Git is asked once, read-only, through the hardened
runner (`mlprodlint.repo.git`); it is never required.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from . import git
from ..errors import UsageError

NOT_A_GIT_REPOSITORY = "not a git repository"


@dataclass(frozen=True)
class GitRevision:
    commit: str
    date: str  # committer date, ISO 8601 with offset, as git prints it


@dataclass(frozen=True)
class Provenance:
    tool_version: str
    rule_packs: tuple[tuple[str, str], ...]
    generated_at: dt.datetime  # timezone-aware, UTC
    revision: GitRevision | None
    hostname: str
    reproducible: bool  # SOURCE_DATE_EPOCH was set
    repository: str = ""  # where the linted code lives (repository_name); "" when unknown
    judged_on: str = ""  # the day dates were judged against (--today), YYYY-MM-DD

    @property
    def generated_at_text(self) -> str:
        return self.generated_at.strftime("%Y-%m-%dT%H:%M:%SZ")


def generation_time(environ: Mapping[str, str]) -> tuple[dt.datetime, bool]:
    """Now in UTC, or SOURCE_DATE_EPOCH when set (whole seconds, like every reproducible build)."""
    raw = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return dt.datetime.now(dt.timezone.utc).replace(microsecond=0), False
    try:
        seconds = int(raw)
        return dt.datetime.fromtimestamp(seconds, dt.timezone.utc), True
    except (ValueError, OverflowError, OSError):
        raise UsageError(f"SOURCE_DATE_EPOCH: {raw!r} is not a number of seconds since 1970-01-01") from None


def git_revision(root: Path) -> GitRevision | None:
    """HEAD commit and committer date of the repository at ROOT, or None (no git, no repo, no commit)."""
    if git.repo_root(root) != Path(os.path.abspath(root)):
        return None
    try:
        output = git.run(root, ["log", "-1", "--no-show-signature", "--format=%H%x00%cI"])
    except git.GitError:
        return None
    commit, _, date = output.decode("utf-8", errors="replace").strip().partition("\x00")
    if len(commit) < 40 or not date:
        return None
    return GitRevision(commit, date)


def _without_credentials(url: str) -> str:
    """A remote URL without user, password or token (`https://x-access-token:T@host/r` leaks T)."""
    from urllib.parse import urlsplit, urlunsplit

    text = url.strip()
    if "://" in text:
        try:
            parts = urlsplit(text)
            host = parts.hostname or ""
            netloc = host + (f":{parts.port}" if parts.port else "")
            text = urlunsplit((parts.scheme, netloc, parts.path, "", ""))
        except ValueError:
            return ""
    elif "@" in text.split(":", 1)[0]:  # scp-like user@host:path
        text = text.split("@", 1)[1]
    return text.removesuffix(".git").rstrip("/")


def repository_name(root: Path, environ: Mapping[str, str]) -> str:
    """Which repository was linted: MLPRODLINT_REPOSITORY, the CI's own name for it
    (GITHUB_SERVER_URL/GITHUB_REPOSITORY, CI_PROJECT_URL), else git's `remote.origin.url`
    without credentials, else ""."""
    explicit = environ.get("MLPRODLINT_REPOSITORY", "").strip()
    if explicit:
        return _without_credentials(explicit)
    if environ.get("GITHUB_REPOSITORY", "").strip():
        server = environ.get("GITHUB_SERVER_URL", "https://github.com").strip().rstrip("/")
        return _without_credentials(f"{server}/{environ['GITHUB_REPOSITORY'].strip()}")
    if environ.get("CI_PROJECT_URL", "").strip():
        return _without_credentials(environ["CI_PROJECT_URL"])
    if git.repo_root(root) != Path(os.path.abspath(root)):
        return ""
    try:
        output = git.run(root, ["config", "--get", "remote.origin.url"])
    except git.GitError:
        return ""
    return _without_credentials(output.decode("utf-8", errors="replace"))


def collect(
    root: Path, tool_version: str, rule_packs: tuple[tuple[str, str], ...], environ: Mapping[str, str],
    judged_on: str = "",
) -> Provenance:
    generated_at, reproducible = generation_time(environ)
    # A reproducible report must not depend on the machine it was built on.
    hostname = "localhost" if reproducible else (socket.gethostname() or "localhost")
    return Provenance(
        tool_version, rule_packs, generated_at, git_revision(root), hostname, reproducible,
        repository_name(root, environ), judged_on,
    )


def repo_root_of(target: Path) -> Path:
    """The repository a lint target belongs to (`git.root_or_self`, the one root finder)."""
    return git.root_or_self(target)
