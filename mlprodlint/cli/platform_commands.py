"""`check` options for platform teams: profiles, level gate, baseline, changed files only.

cli/main.py stays the one place that maps errors to exit codes; this module turns the options into
the selection, the manifest list, the baseline step and the level gate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import click

from .options import PlatformOptions, RunRequest
from ..config import Config
from ..engine.lint import Selection
from ..textsafe import printable
from ..results.findings import RunResult, Severity
from ..load.manifest import Limits
from ..rules.definitions import RuleSet

@dataclass(frozen=True)
class Plan:
    """What the options decided, once the configuration and rules are known."""

    options: PlatformOptions
    level: str  # highest rule level that runs ("" = all)
    require_level: str
    selection: Selection
    fail_on: Severity | None  # from the profile; a --fail-on flag still wins


def plan(options: PlatformOptions, config: Config, rule_set: RuleSet, selection: Selection,
         select_given: bool, ignore_given: bool) -> Plan:
    """Apply the profile: its select/ignore replace the config's (flags still win), then its level."""
    from ..platform.profiles import effective_level, narrow, resolve

    profile = resolve(options.profile, config)
    if profile is not None:
        selection = Selection(
            select=selection.select if select_given or profile.select is None else profile.select,
            ignore=selection.ignore if ignore_given or profile.ignore is None else profile.ignore,
            severity=selection.severity,
        )
    require_level = options.require_level or (profile.require_level if profile else "")
    level = effective_level(profile, require_level)
    return Plan(options, level, require_level, narrow(selection, rule_set, level),
                profile.fail_on if profile else None)


def manifests(request: RunRequest) -> list[Path] | None:
    """The manifests of a changed-files run, or None for a normal run."""
    options, config = request.platform, request.config
    if options.diff_rev is None and not options.changed_files:
        return None
    from ..engine.cache import Cache, default_folder
    from ..platform.changed import select
    from ..repo.git import root_or_self

    cache = Cache(default_folder(config.root)) if request.perf.cache else None
    found = select(list(request.paths), options.diff_rev, config.exclude, config.root,
                   root_or_self(Path.cwd().absolute()), Limits(max_bytes=request.max_file_size),
                   staged=options.staged, cache=cache)
    if not found:
        click.echo("mlprodlint: no manifest is affected by the changed files", err=True)
    return found


def after_lint(options: PlatformOptions, result: RunResult) -> RunResult:
    if options.baseline is None:
        return result
    from ..platform.baseline import apply

    return apply(result, options.baseline)


def wrote_baseline(the_plan: Plan, result: RunResult, inputs: Sequence[Path]) -> bool:
    """--write-baseline: record the findings instead of reporting them (never over an input)."""
    target = the_plan.options.write_baseline
    if target is None:
        return False
    from ..platform.baseline import write
    from ..report import OutputRequest, check_not_inputs

    check_not_inputs([OutputRequest("baseline", target)], inputs)
    count = write(result, target)
    click.echo(f"mlprodlint: wrote baseline {printable(target.as_posix())} "
               f"({count} finding(s) in {len(result.manifests)} manifest(s))", err=True)
    return True


def level_gate_fails(the_plan: Plan, result: RunResult, rule_set: RuleSet, threshold: Severity) -> bool:
    """--require-level: say which manifest reached which level; True when one falls short."""
    if not the_plan.require_level:
        return False
    from ..platform.profiles import gate, gate_report

    outcomes = gate(result, the_plan.require_level, threshold)
    click.echo(gate_report(outcomes), err=True, nl=False)
    return not all(o.ok for o in outcomes)
