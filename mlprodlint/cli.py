"""Command line: parse options, call the library, map errors to exit codes. Nothing else."""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

# Ctrl-C while the modules below load (a third of a second) must not print a traceback either:
# main()'s handler does not exist yet, so this import is the edge.
try:
    import click

    from . import __version__
    from .config import Config, find_config, load_config
    from .core_rules import CORE_RULES
    from .discover import discover, require_some
    from .engine import EngineOptions, Selection
    from .errors import (
        EXIT_ERROR,
        EXIT_FINDINGS,
        EXIT_INTERNAL,
        EXIT_INTERRUPTED,
        EXIT_OK,
        MlprodlintError,
        UsageError,
    )
    from .findings import RunResult, Severity
    from .manifest import Limits
    from .report import (
        FORMATS,
        NEEDS_PROVENANCE,
        OutputRequest,
        ReportContext,
        check_destinations,
        check_not_inputs,
        check_writable,
        parse_output_spec,
        render_all,
        write_report,
    )
    from .rules import RuleSet
    from .cli_platform import (
        Plan,
        PlatformOptions,
        after_lint,
        level_gate_fails,
        manifests as changed_manifests,
        plan,
        platform_options,
        wrote_baseline,
    )
    from . import cli_perf
except KeyboardInterrupt:
    sys.stderr.write("mlprodlint: interrupted\n")
    raise SystemExit(130) from None

_RULE_REF = re.compile(r"^[A-Z]{1,5}[0-9]{0,3}$")


def _split_refs(values: Sequence[str], option: str) -> tuple[str, ...]:
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


def _today(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--today: {value!r} is not a date (YYYY-MM-DD)") from None


def _frameworks(names: Sequence[str], rule_set: RuleSet) -> tuple[str, ...]:
    """Frameworks enabled for every manifest; a name no loaded pack implements is a usage error."""
    known = sorted({rule.framework for rule in rule_set.rules if rule.framework})
    for name in names:
        if name not in known:
            raise UsageError(f"--framework / frameworks: no rule pack implements {name!r} (known: {', '.join(known) or 'none'})")
    return tuple(sorted(set(names)))


def _config(config_path: Path | None) -> Config:
    if config_path is not None:
        return load_config(config_path)
    found = find_config(Path.cwd())
    return load_config(found) if found is not None else Config()


def _use_color(no_color: bool) -> bool:
    if no_color or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


@dataclass(frozen=True)
class LintRun:
    """One lint of the given paths, shared by `check` and `report`."""

    result: RunResult
    rule_set: RuleSet
    threshold: Severity
    targets: tuple[Path, ...]
    plan: Plan | None = None  # profile, level gate, baseline (cli_platform.py)


@dataclass(frozen=True)
class LintOptions:
    """The options of `_lint_options`, as click passes them."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: str | None = None
    config_path: Path | None = None
    rules_dir: tuple[Path, ...] = ()
    today: str | None = None
    framework: tuple[str, ...] = ()

    @classmethod
    def take(cls, options: dict[str, Any]) -> "LintOptions":
        """Remove this dataclass's options from a command's keyword arguments."""
        return cls(**{f.name: options.pop(f.name) for f in fields(cls)})


def _lint(paths: Sequence[Path], lint: LintOptions, platform: PlatformOptions = PlatformOptions()) -> LintRun:
    config = _config(lint.config_path)
    rule_set = cli_perf.load_rules(config, lint.rules_dir)  # through the rule-set cache
    selection = Selection(
        select=_split_refs(lint.select, "--select") or config.select,
        ignore=_split_refs(lint.ignore, "--ignore") or config.ignore,
        severity=config.severity,
    )
    the_plan = plan(platform, config, rule_set, selection, bool(lint.select), bool(lint.ignore))
    selection = the_plan.selection
    threshold = Severity.parse(lint.fail_on) if lint.fail_on else (the_plan.fail_on or config.fail_on)
    targets = list(paths) or [Path(".")]
    manifests = changed_manifests(platform, paths, config)
    if manifests is None:
        manifests = discover(targets, config.exclude, config.root)
        require_some(manifests, targets)
    options = EngineOptions(
        today=_today(lint.today),
        selection=selection,
        limits=Limits(max_bytes=cli_perf.max_file_size(config.max_file_size)),
        check_options=config.options,
        frameworks=_frameworks((*config.frameworks, *lint.framework), rule_set),
    )
    result = after_lint(platform, cli_perf.lint(manifests, rule_set, options, config.root))
    return LintRun(result, rule_set, threshold, tuple(targets), the_plan)


def _emit(
    run: LintRun,
    fmt: str | None,
    default_fmt: str,
    output: Path | None,
    output_formats: Sequence[str],
    template: Path | None,
    color: bool,
    auto_github: bool = True,
) -> None:
    """Render every requested report, then write them: a render failure writes nothing."""
    main_path = output if output is not None and str(output) != "-" else None
    if template is not None:
        if fmt is not None:
            raise UsageError("--template replaces --format; give one or the other")
        main = OutputRequest("template", main_path, template)
    else:
        if fmt is None and auto_github:
            # In GitHub Actions, annotations on the pull request are what users want by default.
            fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else default_fmt
        fmt = fmt or default_fmt
        if fmt not in FORMATS:
            raise UsageError(f"--format: unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
        main = OutputRequest(fmt, main_path)
    requests = [main, *(parse_output_spec(spec) for spec in output_formats)]
    check_destinations(requests)
    check_not_inputs(requests, [Path(m.path) for m in run.result.manifests] + ([template] if template else []))
    provenance = None
    if any(r.fmt in NEEDS_PROVENANCE for r in requests):
        from .provenance import collect, repo_root_of

        provenance = collect(repo_root_of(run.targets[0]), __version__, run.result.rule_packs, os.environ)
    context = ReportContext(
        tool_version=__version__,
        fail_on=run.threshold,
        color=color and main_path is None,
        rules={rule.id: rule for rule in (*CORE_RULES, *run.rule_set.rules)},
        provenance=provenance,
    )
    rendered = render_all(run.result, requests, context)
    for request, _ in rendered:
        if request.path is not None:
            check_writable(request.path)
    for request, text in rendered:
        if request.path is not None:
            write_report(request.path, text)
    for request, text in rendered:
        if request.path is None:
            click.echo(text, nl=False)


def _lint_options(function: Any) -> Any:
    """The options that choose what to lint and how, shared by `check` and `report`."""
    for option in reversed((
        click.option("--select", multiple=True, help="Only these rule ids or prefixes (comma-separated, repeatable)."),
        click.option("--ignore", multiple=True, help="Skip these rule ids or prefixes (comma-separated, repeatable)."),
        click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), help="Lowest severity that fails the run [default: error]."),
        click.option("--config", "config_path", type=click.Path(path_type=Path), help="Configuration file (default: nearest .mlprodlint.toml or pyproject.toml)."),
        click.option("--rules-dir", multiple=True, type=click.Path(path_type=Path), help="Extra rule-pack folder (YAML only; repeatable)."),
        click.option("--today", metavar="YYYY-MM-DD", help="Judge dates (expiry, staleness, effective_from) as of this day."),
        click.option("--framework", multiple=True, metavar="FRAMEWORK",
                     help="Check this framework's pack (eu-ai-act, nist-ai-rmf, iso-42001, sr-11-7, ml-test-score) for every manifest (repeatable)."),
    )):
        function = option(function)
    return function


def _report_options(function: Any) -> Any:
    """Extra reports and user templates, shared by `check` and `report`."""
    function = click.option(
        "--template", type=click.Path(path_type=Path, dir_okay=False),
        help="Render the main output with this jinja template (sandboxed; see docs/templates.md).",
    )(function)
    return click.option(
        "--output-format", "output_formats", multiple=True, metavar="FORMAT:FILE",
        help="Also write the report in FORMAT to FILE (repeatable), e.g. sarif:results.sarif.",
    )(function)


# Commands other than check/report live in their own modules, imported only when invoked (or
# listed by --help): `check` in a pre-commit hook never pays for them.
_LAZY_COMMANDS = {
    "rules": ("cli_rules", "rules"),  # mlprodlint/cli_rules.py
    "explain": ("cli_rules", "explain"),
    "schema": ("cli_rules", "schema"),
    "init": ("cli_init", "init"),  # mlprodlint/cli_init.py
}


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in _LAZY_COMMANDS and name not in self.commands:
            import importlib

            module, attribute = _LAZY_COMMANDS[name]
            self.add_command(getattr(importlib.import_module(f"{__package__}.{module}"), attribute), name)
        return super().get_command(ctx, name)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mlprodlint")
def cli() -> None:
    """mlprodlint: production-readiness linter for machine-learning services."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, readable=False))
@click.option("--format", "fmt", metavar="FORMAT",
              help="Output format: " + ", ".join(FORMATS) + " [default: text; github when GITHUB_ACTIONS=true].")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write the report to FILE instead of stdout.")
@_lint_options
@_report_options
@click.option("--no-color", is_flag=True, help="Never colour the text output (NO_COLOR is honoured too).")
@platform_options
@cli_perf.perf_options
def check(
    paths: tuple[Path, ...],
    fmt: str | None,
    output: Path | None,
    output_formats: tuple[str, ...],
    template: Path | None,
    no_color: bool,
    **options: Any,
) -> None:
    """Lint the manifests under PATHS (default: the current folder)."""
    lint = LintOptions.take(options)
    run = _lint(paths, lint, PlatformOptions.from_kwargs(options))
    assert run.plan is not None
    if wrote_baseline(run.plan, run.result):
        raise SystemExit(EXIT_OK)
    _emit(run, fmt, "text", output, output_formats, template, _use_color(no_color))
    below_level = level_gate_fails(run.plan, run.result, run.rule_set, run.threshold)
    raise SystemExit(EXIT_FINDINGS if run.result.failing(run.threshold) or below_level else EXIT_OK)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, readable=False))
@click.option("--format", "fmt", metavar="FORMAT",
              help="Report format: html (default), markdown, or any check format (" + ", ".join(FORMATS) + ").")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write the report to FILE instead of stdout.")
@_lint_options
@_report_options
@cli_perf.perf_options
def report(
    paths: tuple[Path, ...],
    fmt: str | None,
    output: Path | None,
    output_formats: tuple[str, ...],
    template: Path | None,
    **options: Any,
) -> None:
    """Write a readiness report for the manifests under PATHS (exit 0 once written, whatever it finds)."""
    run = _lint(paths, LintOptions.take(options))
    _emit(run, fmt, "html", output, output_formats, template, False, auto_github=False)
    raise SystemExit(EXIT_OK)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: one error handler at the edge, no tracebacks for users."""
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="mlprodlint", standalone_mode=False)
    except SystemExit as exit_:
        code = exit_.code
        return code if isinstance(code, int) else (0 if code is None else EXIT_ERROR)
    except click.exceptions.Abort:
        click.echo("mlprodlint: interrupted", err=True)
        return EXIT_INTERRUPTED
    except click.ClickException as error:
        error.show()
        return EXIT_ERROR
    except MlprodlintError as error:
        click.echo(f"mlprodlint: error: {error}", err=True)
        return error.exit_code
    except KeyboardInterrupt:
        click.echo("mlprodlint: interrupted", err=True)
        return EXIT_INTERRUPTED
    except Exception as error:  # the last line of defence: never a traceback for users
        if os.environ.get("MLPRODLINT_DEBUG"):
            raise
        click.echo(
            f"mlprodlint: internal error: {type(error).__name__}: {error}\n"
            "This is a bug in mlprodlint; please report it (set MLPRODLINT_DEBUG=1 for the traceback).",
            err=True,
        )
        return EXIT_INTERNAL
    return EXIT_OK


def entry() -> None:
    sys.exit(main())
