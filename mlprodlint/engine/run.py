"""Lint many manifests: cached outcomes first, the rest serially or over a process pool.

Each manifest is linted by `engine.lint_one` and the outcomes are merged by
`engine.merge_results`, so the result is identical (and identically ordered) whatever the number
of processes and whatever came from the cache.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..repo import documents as doccache
from . import gcpolicy
from .cache import Cache, keys_for, options_fingerprint, repo_snapshot, rule_set_fingerprint
from ..checks.evidence_git import HISTORY_CHECKS
from ..checks.registry import BUILTIN_CHECKS
from ..repo.git import root_or_self
from .lint import EngineOptions, lint_one, merge_results
from ..results.findings import RunResult
from .codec import CodecError, decode, encode
from ..repo.facts import RepoFactsCache
from ..rules.definitions import RuleSet

# Below this many manifests to lint, starting processes costs more than it saves.
MIN_PER_PROCESS = 8

Outcome = tuple[Any, Any]  # (ManifestSummary, rule results) from engine.lint_one

_worker_rule_set: RuleSet | None = None
_worker_options: EngineOptions | None = None
_worker_facts: RepoFactsCache | None = None


def auto_jobs(pending: int) -> int:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cpus, pending // MIN_PER_PROCESS))


def _init_worker(rule_set: RuleSet, options: EngineOptions, facts: RepoFactsCache) -> None:
    # Ctrl-C reaches the whole process group; only the parent handles it (exit 130, no output).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    doccache.begin_run()
    global _worker_rule_set, _worker_options, _worker_facts
    _worker_rule_set, _worker_options, _worker_facts = rule_set, options, facts


def _lint_chunk(paths: Sequence[Path]) -> list[Outcome]:
    assert _worker_rule_set is not None and _worker_options is not None and _worker_facts is not None
    return [lint_one(path, _worker_rule_set, _worker_options, _worker_facts) for path in paths]


def _shared_facts(paths: Sequence[Path], rule_set: RuleSet, options: EngineOptions) -> RepoFactsCache:
    """Facts every worker starts from: git history is read here, once per repository, when a
    selected rule reads it (each worker would otherwise read it again for each chunk)."""
    facts = RepoFactsCache()
    if any(rule.check in HISTORY_CHECKS and options.selection.includes(rule.id) for rule in rule_set.rules):
        for root in sorted({root_or_self(path.parent) for path in paths}):
            facts.for_root(root).history()
    return facts


def _chunks(paths: Sequence[Path], jobs: int) -> list[list[Path]]:
    # Contiguous chunks keep one repository's manifests together (its git facts are read once
    # per chunk); several chunks per process balance uneven manifests.
    count = max(1, min(len(paths), jobs * 4))
    size = -(-len(paths) // count)
    return [list(paths[i : i + size]) for i in range(0, len(paths), size)]


def _lint_pending(paths: Sequence[Path], rule_set: RuleSet, options: EngineOptions, jobs: int) -> list[Outcome]:
    if jobs <= 1 or len(paths) < 2:
        facts = RepoFactsCache()
        return [lint_one(path, rule_set, options, facts) for path in paths]
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    # multiprocessing.Pool rather than ProcessPoolExecutor: on Ctrl-C its terminate() stops our
    # workers cleanly, whereas a terminated executor's management thread prints a traceback
    # (InvalidStateError on cancelled futures, Python 3.11).
    facts = _shared_facts(paths, rule_set, options)
    with context.Pool(jobs, initializer=_init_worker, initargs=(rule_set, options, facts)) as pool:
        outcomes: list[Outcome] = []
        for chunk in pool.imap(_lint_chunk, _chunks(paths, jobs)):
            outcomes.extend(chunk)
        return outcomes


def _cached(cache: Cache, key: str) -> Outcome | None:
    """The stored outcome for `key`, or None: anything unreadable or ill-typed is a miss."""
    data = cache.get("outcomes", key)
    if data is None:
        return None
    try:
        outcome = decode(data)
    except (CodecError, TypeError):
        return None
    return outcome if isinstance(outcome, tuple) else None


def lint_many(
    paths: Sequence[Path],
    rule_set: RuleSet,
    options: EngineOptions,
    jobs: int = 0,
    cache: Cache | None = None,
) -> RunResult:
    """Lint every manifest; `jobs` 0 picks a process count, 1 stays in this process."""
    doccache.begin_run()  # files may have changed since this process's last run
    with gcpolicy.batch():
        return _lint_many(paths, rule_set, options, jobs, cache)


def _lint_many(
    paths: Sequence[Path], rule_set: RuleSet, options: EngineOptions, jobs: int, cache: Cache | None
) -> RunResult:
    outcomes: list[Outcome | None] = [None] * len(paths)
    keys: list[str | None] = [None] * len(paths)
    # A plugin's check code lives in another distribution the key does not cover (as for the
    # rule-set cache): runs that use one are not cached.
    if cache is not None and cache.enabled and all(rule.check in BUILTIN_CHECKS for rule in rule_set.rules):
        repo_snapshot.cache_clear()  # once per run: files may have changed since the last one
        keys = keys_for(
            paths, root_or_self, rule_set_fingerprint(rule_set), options_fingerprint(options, Path.cwd())
        )
        for index, key in enumerate(keys):
            if key is not None:
                outcomes[index] = _cached(cache, key)
    pending = [i for i, outcome in enumerate(outcomes) if outcome is None]
    workers = jobs if jobs > 0 else auto_jobs(len(pending))
    fresh = _lint_pending([paths[i] for i in pending], rule_set, options, workers)
    for index, outcome in zip(pending, fresh):
        outcomes[index] = outcome
        key = keys[index]
        if cache is not None and key is not None:
            try:
                cache.put("outcomes", key, encode(outcome))
            except CodecError:
                pass  # not plain result data (a plugin's own classes): simply not cached
    return merge_results((o for o in outcomes if o is not None), rule_set)
