"""`check` options for platform teams: profiles, level gate, baseline, changed files only.

cli.py stays the one place that maps errors to exit codes; this module turns the options into
the selection, the manifest list, the baseline step and the level gate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from .config import Config
from .engine import Selection
from .errors import UsageError
from .findings import RunResult, Severity
from .manifest import Limits
from .rules import RuleSet

LEVEL_CHOICE = click.Choice(["bronze", "silver", "gold"])


def platform_options(function: Any) -> Any:
    for option in reversed((
        click.option("--profile", metavar="NAME", help="Rules required by this profile: bronze, silver, gold, or one from [profiles] in the config."),
        click.option("--require-level", type=LEVEL_CHOICE, help="Fail (exit 1) when a manifest does not reach this readiness level."),
        click.option("--baseline", type=click.Path(path_type=Path, dir_okay=False), help="Report only findings that are not in this baseline file."),
        click.option("--write-baseline", type=click.Path(path_type=Path, dir_okay=False), help="Record the current findings in this baseline file and exit 0."),
        click.option("--diff", "diff_rev", metavar="REV", help="Lint only manifests affected by changes since git REV (plus untracked files)."),
        click.option("--changed-files", is_flag=True, help="PATHS are changed files (pre-commit's list): lint the manifests they affect."),
        click.option("--staged", is_flag=True, help="Add git's staged changes, deletions included, to the changed files (pre-commit hook)."),
    )):
        function = option(function)
    return function


@dataclass(frozen=True)
class PlatformOptions:
    profile: str | None = None
    require_level: str | None = None
    baseline: Path | None = None
    write_baseline: Path | None = None
    diff_rev: str | None = None
    changed_files: bool = False
    # Staged changes (`git diff --cached`) count as changed files: pre-commit never passes a
    # deleted file to a hook, yet deleting a manifest's model card must be caught at commit time.
    staged: bool = False

    @classmethod
    def from_kwargs(cls, kwargs: Mapping[str, Any]) -> "PlatformOptions":
        options = cls(**{k: kwargs.get(k) for k in ("profile", "require_level", "baseline", "write_baseline", "diff_rev")},
                      changed_files=bool(kwargs.get("changed_files")) or bool(kwargs.get("staged")),
                      staged=bool(kwargs.get("staged")))
        if options.baseline is not None and options.write_baseline is not None:
            raise UsageError("--baseline and --write-baseline exclude each other (rewrite the baseline with --write-baseline alone)")
        if options.diff_rev is not None and options.changed_files:
            raise UsageError("--diff excludes --changed-files and --staged")
        return options


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
    from .profiles import effective_level, narrow, resolve

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


def manifests(options: PlatformOptions, targets: Sequence[Path], config: Config) -> list[Path] | None:
    """The manifests of a changed-files run, or None for a normal run."""
    if options.diff_rev is None and not options.changed_files:
        return None
    from .changed import select
    from .engine import find_repo_root

    found = select(targets, options.diff_rev, config.exclude, config.root,
                   find_repo_root(Path.cwd().absolute()), Limits(max_bytes=config.max_file_size),
                   staged=options.staged)
    if not found:
        click.echo("mlprodlint: no manifest is affected by the changed files", err=True)
    return found


def after_lint(options: PlatformOptions, result: RunResult) -> RunResult:
    if options.baseline is None:
        return result
    from .baseline import apply

    return apply(result, options.baseline)


def wrote_baseline(the_plan: Plan, result: RunResult) -> bool:
    """--write-baseline: record the findings instead of reporting them."""
    target = the_plan.options.write_baseline
    if target is None:
        return False
    from .baseline import write

    count = write(result, target)
    click.echo(f"mlprodlint: wrote baseline {target.as_posix()} "
               f"({count} finding(s) in {len(result.manifests)} manifest(s))", err=True)
    return True


def level_gate_fails(the_plan: Plan, result: RunResult, rule_set: RuleSet, threshold: Severity) -> bool:
    """--require-level: say which manifest reached which level; True when one falls short."""
    if not the_plan.require_level:
        return False
    from .profiles import gate, gate_report

    outcomes = gate(result, rule_set.rules, the_plan.require_level, the_plan.level, threshold)
    click.echo(gate_report(outcomes), err=True, nl=False)
    return not all(o.ok for o in outcomes)
