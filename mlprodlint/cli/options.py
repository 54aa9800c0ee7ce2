"""The command line parsed once: every option is declared here, and `build_request` turns what
click parsed plus the configuration into one frozen `RunRequest` that commands pass downstream.

To add an option: declare it in `_OPTIONS` (and in `Params`), add a field to the record it
belongs to, and read it in the matching `build_*` function. Nothing else reads click's values.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict, Unpack

import click

from ..config import Config, load_settings
from ..errors import UsageError
from ..results.findings import Severity

_RULE_REF = re.compile(r"^[A-Z]{1,5}[0-9]{0,3}$")
LEVEL_CHOICE = click.Choice(["bronze", "silver", "gold"])


@dataclass(frozen=True)
class OutputOptions:
    """Where and how the main report goes (check and report)."""

    fmt: str | None = None
    output: Path | None = None
    output_formats: tuple[str, ...] = ()
    template: Path | None = None
    color: bool = False


@dataclass(frozen=True)
class PlatformOptions:
    """Profiles, level gate, baseline, changed files only (check)."""

    profile: str | None = None
    require_level: str | None = None
    baseline: Path | None = None
    write_baseline: Path | None = None
    diff_rev: str | None = None
    changed_files: bool = False
    # Staged changes (`git diff --cached`) count as changed files: pre-commit never passes a
    # deleted file to a hook, yet deleting a manifest's model card must be caught at commit time.
    staged: bool = False


@dataclass(frozen=True)
class PerfOptions:
    jobs: int = 0  # 0: choose from the CPU count and the number of manifests
    cache: bool = True


@dataclass(frozen=True)
class RunRequest:
    """Everything a `check` or `report` run was asked for, resolved against the configuration."""

    paths: tuple[Path, ...]
    config: Config
    select: tuple[str, ...]  # from --select (validated); empty: the config's or the profile's
    ignore: tuple[str, ...]
    fail_on: Severity | None  # --fail-on; None: the profile's, then the config's
    rules_dirs: tuple[Path, ...]  # --rules-dir, after the config's
    today: dt.date
    frameworks: tuple[str, ...]  # framework packs for every manifest: the config's, then --framework
    max_file_size: int  # --max-file-size, else the config's: applied in every mode
    output: OutputOptions
    platform: PlatformOptions
    perf: PerfOptions

    @property
    def targets(self) -> tuple[Path, ...]:
        return self.paths or (Path("."),)


class Params(TypedDict, total=False):
    """What click passes to a command callback; one key per declared option."""

    paths: tuple[Path, ...]
    fmt: str | None
    output: Path | None
    select: tuple[str, ...]
    ignore: tuple[str, ...]
    fail_on: str | None
    config_path: Path | None
    rules_dir: tuple[Path, ...]
    today: str | None
    framework: tuple[str, ...]
    template: Path | None
    output_formats: tuple[str, ...]
    no_color: bool
    profile: str | None
    require_level: str | None
    baseline: Path | None
    write_baseline: Path | None
    diff_rev: str | None
    changed_files: bool
    staged: bool
    jobs: int
    no_cache: bool
    max_file_size: int | None


# --- declarations: each option once ---------------------------------------------------------

config_option = click.option(
    "--config", "config_path", type=click.Path(path_type=Path),
    help="Configuration file (default: nearest .mlprodlint.toml or pyproject.toml with [tool.mlprodlint]).",
)
rules_dir_option = click.option(
    "--rules-dir", multiple=True, type=click.Path(path_type=Path),
    help="Extra rule-pack folder, after the configured ones (YAML only; repeatable).",
)

_LINT = (
    click.option("--select", multiple=True, help="Only these rule ids or prefixes (comma-separated, repeatable)."),
    click.option("--ignore", multiple=True, help="Skip these rule ids or prefixes (comma-separated, repeatable)."),
    click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), help="Lowest severity that fails the run [default: error]."),
    config_option,
    rules_dir_option,
    click.option("--today", metavar="YYYY-MM-DD", help="Judge dates (expiry, staleness, effective_from) as of this day."),
    click.option("--framework", multiple=True, metavar="FRAMEWORK",
                 help="Check this framework's pack (eu-ai-act, nist-ai-rmf, iso-42001, sr-11-7, ml-test-score) for every manifest (repeatable)."),
)
_REPORTS = (
    click.option("--template", type=click.Path(path_type=Path, dir_okay=False),
                 help="Render the main output with this jinja template (sandboxed; see docs/templates.md)."),
    click.option("--output-format", "output_formats", multiple=True, metavar="FORMAT:FILE",
                 help="Also write the report in FORMAT to FILE (repeatable), e.g. sarif:results.sarif."),
)
_COLOR = (
    click.option("--no-color", is_flag=True, help="Never colour the text output (NO_COLOR is honoured too)."),
)
_PLATFORM = (
    click.option("--profile", metavar="NAME", help="Rules required by this profile: bronze, silver, gold, or one from [profiles] in the config."),
    click.option("--require-level", type=LEVEL_CHOICE, help="Fail (exit 1) when a manifest does not reach this readiness level."),
    click.option("--baseline", type=click.Path(path_type=Path, dir_okay=False), help="Report only findings that are not in this baseline file."),
    click.option("--write-baseline", type=click.Path(path_type=Path, dir_okay=False), help="Record the current findings in this baseline file and exit 0."),
    click.option("--diff", "diff_rev", metavar="REV", help="Lint only manifests affected by changes since git REV (plus untracked files)."),
    click.option("--changed-files", is_flag=True, help="PATHS are changed files (pre-commit's list): lint the manifests they affect."),
    click.option("--staged", is_flag=True, help="Add git's staged changes, deletions included, to the changed files (pre-commit hook)."),
)
_PERF = (
    click.option("-j", "--jobs", type=int, default=0, show_default=True,
                 help="Processes that lint manifests in parallel (0: one per CPU for large runs)."),
    click.option("--no-cache", is_flag=True,
                 help="Do not read or write the result cache (~/.cache/mlprodlint/results, or $MLPRODLINT_CACHE_DIR)."),
    click.option("--max-file-size", type=int, metavar="BYTES",
                 help="Largest manifest read, in bytes (default: max_file_size from the config, 1 MiB)."),
)


def run_options(format_help: str, *, platform: bool) -> Callable[[Callable[[RunRequest], None]], Callable[..., None]]:
    """Declare the options of a run command (`check` has the platform options and colour too)
    and hand the command one RunRequest instead of click's keyword arguments."""
    groups = (_LINT, _REPORTS, *((_COLOR, _PLATFORM) if platform else ()), _PERF)

    def decorate(command: Callable[[RunRequest], None]) -> Callable[..., None]:
        @functools.wraps(command)
        def callback(**params: Unpack[Params]) -> None:
            command(build_request(params))

        declared: Callable[..., None] = callback
        for option in reversed([
            click.argument("paths", nargs=-1, type=click.Path(path_type=Path, readable=False)),
            click.option("--format", "fmt", metavar="FORMAT", help=format_help),
            click.option("-o", "--output", type=click.Path(path_type=Path), help="Write the report to FILE instead of stdout."),
            *(option for group in groups for option in group),
        ]):
            declared = option(declared)
        return declared

    return decorate


# --- build_*: click's values (+ configuration) -> records ------------------------------------


def build_refs(values: Sequence[str], option: str) -> tuple[str, ...]:
    refs: list[str] = []
    for value in values:
        for part in value.split(","):
            part = part.strip().upper()
            if not part:
                continue
            if not _RULE_REF.match(part):
                raise UsageError(f"{option}: {part!r} is not a rule id or prefix (e.g. OWN, SEC001)")
            refs.append(part)
    return tuple(refs)


def build_today(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--today: {value!r} is not a date (YYYY-MM-DD)") from None


def build_platform(params: Params) -> PlatformOptions:
    options = PlatformOptions(
        profile=params.get("profile"),
        require_level=params.get("require_level"),
        baseline=params.get("baseline"),
        write_baseline=params.get("write_baseline"),
        diff_rev=params.get("diff_rev"),
        changed_files=bool(params.get("changed_files")) or bool(params.get("staged")),
        staged=bool(params.get("staged")),
    )
    if options.baseline is not None and options.write_baseline is not None:
        raise UsageError("--baseline and --write-baseline exclude each other (rewrite the baseline with --write-baseline alone)")
    if options.diff_rev is not None and options.changed_files:
        raise UsageError("--diff excludes --changed-files and --staged")
    return options


def build_perf(params: Params) -> PerfOptions:
    jobs = params.get("jobs", 0)
    if jobs < 0:
        raise UsageError("--jobs: must be 0 (automatic) or a positive number of processes")
    return PerfOptions(jobs=jobs, cache=not params.get("no_cache", False))


def build_max_file_size(flag: int | None, config: Config) -> int:
    if flag is None:
        return config.max_file_size
    if flag < 1:
        raise UsageError("--max-file-size: must be a positive number of bytes")
    return flag


def build_output(params: Params, color: bool) -> OutputOptions:
    return OutputOptions(
        fmt=params.get("fmt"),
        output=params.get("output"),
        output_formats=params.get("output_formats", ()),
        template=params.get("template"),
        color=color,
    )


def build_request(params: Params) -> RunRequest:
    """Usage errors in the flags come first, then the configuration is read (once)."""
    platform = build_platform(params)
    perf = build_perf(params)
    select = build_refs(params.get("select", ()), "--select")
    ignore = build_refs(params.get("ignore", ()), "--ignore")
    today = build_today(params.get("today"))
    fail_on = params.get("fail_on")
    max_flag = params.get("max_file_size")
    build_max_file_size(max_flag, Config())  # a bad flag is a usage error before any file is read
    config = load_settings(params.get("config_path"))
    use_color = "no_color" in params and _use_color(params.get("no_color", False))
    return RunRequest(
        paths=params.get("paths", ()),
        config=config,
        select=select,
        ignore=ignore,
        fail_on=Severity.parse(fail_on) if fail_on else None,
        rules_dirs=params.get("rules_dir", ()),
        today=today,
        frameworks=tuple(dict.fromkeys((*config.frameworks, *params.get("framework", ())))),
        max_file_size=build_max_file_size(max_flag, config),
        output=build_output(params, use_color),
        platform=platform,
        perf=perf,
    )


def _use_color(no_color: bool) -> bool:
    if no_color or os.environ.get("NO_COLOR") or sys.stdout is None:
        return False
    try:
        return sys.stdout.isatty()
    except ValueError:  # a closed stream
        return False
