"""Sign-offs go stale when the code they vouch for changes after them (git history, read once).

The plain age of a sign-off is the `date_within` rules' job (SEC002, GOV007); this check only
compares a sign-off's date with the newest commit touching the model's `metadata.paths`. Without
git (no binary, not a repository, no commits) there is nothing to check (`not_applicable`, with the
reason). When git fails, times out or the history is cut before any commit to those paths was
found, staleness cannot be established: that is a finding saying so, never a silent pass.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from ..dates import parse_date
from ..repo.facts import RepoFacts
from .base import CheckContext, Examined, NothingToCheck, Violation
from .fieldpath import first, parent_of, resolve


# Check functions that read git history (parallel runs read it once, before starting workers).
HISTORY_CHECKS = frozenset({"signoff_after_code_change"})


def _facts(ctx: CheckContext) -> RepoFacts:
    facts = ctx.repo_facts
    return facts if isinstance(facts, RepoFacts) else RepoFacts(ctx.repo_root)


def signoff_after_code_change(
    ctx: CheckContext, /, path: str, group_by: str | None = None
) -> Iterator[Violation | NothingToCheck]:
    declared = first(ctx.manifest, "metadata.paths")
    code_paths = [p for p in declared if isinstance(p, str) and p.strip()] if isinstance(declared, list) else []
    if not code_paths:
        yield NothingToCheck("no metadata.paths declared, so no code to compare the sign-off with")
        return
    dated: list[tuple[str, str, dt.date, Any]] = []
    for match in resolve(ctx.manifest, path):
        date = parse_date(match.value) if match.present else None
        if date is not None:
            parent = parent_of(ctx.manifest, match.pointer)
            group = parent.get(group_by) if group_by and isinstance(parent, dict) else None
            if isinstance(group, (dict, list)):
                group = None  # a schema error (MPL002); unhashable, so judged on its own
            dated.append((match.pointer, match.display, date, group))
    if not dated:
        yield NothingToCheck(f"no dated sign-off at {path}")
        return
    facts = _facts(ctx)
    history = facts.history()  # git runs here, once per repository
    if history.absent:
        yield NothingToCheck(f"no git history to compare with: {history.absent}")
        return
    change = facts.last_change(code_paths)
    if change.unknown:
        pointer, display, _, _ = dated[0]
        yield Violation(pointer, f"cannot tell ({change.unknown}); {display} was not compared with the history of metadata.paths")
        return
    commit, file = change.commit, change.file
    if commit is None:
        yield NothingToCheck("no commit touches " + ", ".join(code_paths))
        return
    yield Examined(f"commit {commit.short} ({commit.date.date().isoformat()}) that changed {file}")
    newest: dict[Any, dt.date] = {}
    for _, _, date, group in dated:
        if group is not None:
            newest[group] = max(date, newest.get(group, date))
    for pointer, display, date, group in dated:
        if group is not None and newest[group] > date:
            continue  # a newer sign-off of the same role supersedes this one
        if date < commit.date.date():
            yield Violation(
                pointer,
                f"{display} {date.isoformat()} predates commit {commit.short} "
                f"({commit.date.date().isoformat()}) that changed {file}",
            )
