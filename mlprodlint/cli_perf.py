"""Command-line options for speed and limits: --jobs, --no-cache, --max-file-size.

The decorator takes its options out of the command's keyword arguments and keeps them for the
run, so the shared `check`/`report` signatures stay untouched.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from .errors import UsageError


@dataclass(frozen=True)
class PerfOptions:
    jobs: int = 0  # 0: choose from the CPU count and the number of manifests
    cache: bool = True
    max_file_size: int | None = None  # None: the configuration's max_file_size


_current: contextvars.ContextVar[PerfOptions] = contextvars.ContextVar("perf", default=PerfOptions())


def current() -> PerfOptions:
    return _current.get()


def perf_options(function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def wrapper(*args: Any, jobs: int, no_cache: bool, max_file_size: int | None, **kwargs: Any) -> Any:
        if jobs < 0:
            raise UsageError("--jobs: must be 0 (automatic) or a positive number of processes")
        if max_file_size is not None and max_file_size < 1:
            raise UsageError("--max-file-size: must be a positive number of bytes")
        token = _current.set(PerfOptions(jobs, not no_cache, max_file_size))
        try:
            return function(*args, **kwargs)
        finally:
            _current.reset(token)

    for option in reversed((
        click.option("-j", "--jobs", type=int, default=0, show_default=True,
                     help="Processes that lint manifests in parallel (0: one per CPU for large runs)."),
        click.option("--no-cache", is_flag=True,
                     help="Do not read or write the result cache (~/.cache/mlprodlint/results, or $MLPRODLINT_CACHE_DIR)."),
        click.option("--max-file-size", type=int, metavar="BYTES",
                     help="Largest manifest read, in bytes (default: max_file_size from the config, 1 MiB)."),
    )):
        wrapper = option(wrapper)
    return wrapper


def load_rules(config: Any, extra_dirs: Sequence[Path]) -> Any:
    """The configured rule set (cli_rules.configured_rule_set), through the rule-set cache."""
    from .cache import Cache, default_folder, load_rule_set_cached
    from .packs import PackRequest, load

    request = PackRequest(names=config.packs, folders=(*config.rules_dirs, *extra_dirs), builtin=config.builtin)
    cache = Cache(default_folder(config.root)) if current().cache else None
    return load_rule_set_cached(request, cache, load)


def lint(manifests: Sequence[Path], rule_set: Any, options: Any, config_root: Path) -> Any:
    from .cache import Cache, default_folder
    from .parallel import lint_many

    perf = current()
    cache = Cache(default_folder(config_root)) if perf.cache else None
    return lint_many(manifests, rule_set, options, perf.jobs, cache)


def max_file_size(configured: int) -> int:
    return current().max_file_size or configured
