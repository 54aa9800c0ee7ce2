"""Command line: parse options, call the library, map errors to exit codes. Nothing else."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

# Ctrl-C while the modules below load (a third of a second) must not print a traceback either:
# main()'s handler does not exist yet, so this import is the edge.
try:
    import click

    from .. import __version__
    from ..rules.core import CORE_RULES
    from ..load.discover import discover, require_some
    from ..engine.lint import EngineOptions, Selection
    from ..errors import (
        EXIT_ERROR,
        EXIT_FINDINGS,
        EXIT_INTERNAL,
        EXIT_INTERRUPTED,
        EXIT_OK,
        MlprodlintError,
        UsageError,
        describe,
    )
    from ..results.findings import RunResult, Severity
    from ..load.manifest import Limits
    from ..report import (
        FORMATS,
        NEEDS_PROVENANCE,
        OutputRequest,
        ReportContext,
        check_destinations,
        check_not_inputs,
        parse_output_spec,
        write_all,
    )
    from ..report.roots import find_root
    from ..rules.definitions import RuleSet
    from ..report.output import write_stdout
    from ..textsafe import printable
    from .options import OutputOptions, RunRequest, run_options
    from .platform_commands import Plan, after_lint, level_gate_fails, manifests as changed_manifests, plan, wrote_baseline
except KeyboardInterrupt:
    sys.stderr.write("mlprodlint: interrupted\n")
    raise SystemExit(130) from None

@dataclass(frozen=True)
class LintRun:
    """One lint of the given paths, shared by `check` and `report`."""

    result: RunResult
    rule_set: RuleSet
    threshold: Severity
    targets: tuple[Path, ...]
    plan: Plan
    today: dt.date | None = None  # the day dates were judged against (reports record it)
    inputs: tuple[Path, ...] = ()  # every file the run read: no output may replace one


def _inputs(request: RunRequest, result: RunResult, rule_set: RuleSet) -> tuple[Path, ...]:
    config = request.config
    return (
        *(Path(m.path) for m in result.manifests),
        *(pack.path for pack in rule_set.packs),
        *((config.path,) if config.path is not None else ()),
        *((request.platform.baseline,) if request.platform.baseline is not None else ()),
    )


def _rule_set(request: RunRequest) -> RuleSet:
    """The configured rule set (built-in, installed packs, folders: config then flags).

    Not cached: built-in packs load from their validated snapshot (rules/_snapshot.json) in a
    few milliseconds, less than reading a cache entry would save.
    """
    from ..rules.packs import configured

    return configured(request.config, request.rules_dirs)


def _frameworks(names: Sequence[str], rule_set: RuleSet) -> tuple[str, ...]:
    """Frameworks enabled for every manifest; a name no loaded pack implements is a usage error."""
    known = sorted({rule.framework for rule in rule_set.rules if rule.framework})
    for name in names:
        if name not in known:
            raise UsageError(f"--framework / frameworks: no rule pack implements {name!r} (known: {', '.join(known) or 'none'})")
    return tuple(sorted(set(names)))


def _lint(request: RunRequest) -> LintRun:
    from ..engine.cache import Cache, default_folder
    from ..engine.run import lint_many

    config = request.config
    rule_set = _rule_set(request)
    selection = Selection(
        select=request.select or config.select,
        ignore=request.ignore or config.ignore,
        severity=config.severity,
    )
    the_plan = plan(request.platform, config, rule_set, selection, bool(request.select), bool(request.ignore))
    threshold = request.fail_on or the_plan.fail_on or config.fail_on
    manifests = changed_manifests(request)
    if manifests is None:
        manifests = discover(list(request.targets), config.exclude, config.root)
        require_some(manifests, list(request.targets))
    options = EngineOptions(
        today=request.today,
        selection=the_plan.selection,
        limits=Limits(max_bytes=request.max_file_size),
        check_options=config.options,
        frameworks=_frameworks(request.frameworks, rule_set),
    )
    cache = Cache(default_folder(config.root)) if request.perf.cache else None
    result = after_lint(request.platform, lint_many(manifests, rule_set, options, request.perf.jobs, cache))
    return LintRun(result, rule_set, threshold, request.targets, the_plan, request.today,
                   _inputs(request, result, rule_set))


def _emit(run: LintRun, out: OutputOptions, default_fmt: str, auto_github: bool = True) -> None:
    """Render every requested report, then write them: a render failure writes nothing."""
    fmt, output, template = out.fmt, out.output, out.template
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
    requests = [main, *(parse_output_spec(spec) for spec in out.output_formats)]
    check_destinations(requests)
    check_not_inputs(requests, [*run.inputs, *([template] if template else [])])
    provenance = None
    if any(r.fmt in NEEDS_PROVENANCE for r in requests):
        from ..repo.provenance import collect, repo_root_of

        provenance = collect(
            repo_root_of(run.targets[0]), __version__, run.result.rule_packs, os.environ,
            run.today.isoformat() if run.today else "",
        )
    context = ReportContext(
        tool_version=__version__,
        fail_on=run.threshold,
        color=out.color and main_path is None,
        rules={rule.id: rule for rule in (*CORE_RULES, *run.rule_set.rules)},
        provenance=provenance,
        source_root=find_root(run.targets[0], os.environ),
    )
    write_all(run.result, requests, context, write_stdout)


# Commands other than check/report live in their own modules, imported only when invoked (or
# listed by --help): `check` in a pre-commit hook never pays for them.
_LAZY_COMMANDS = {
    "rules": ("rules_commands", "rules"),  # mlprodlint/cli/rules_commands.py
    "explain": ("rules_commands", "explain"),
    "schema": ("rules_commands", "schema"),
    "init": ("init_command", "init"),  # mlprodlint/cli/init_command.py
    "portfolio": ("portfolio_command", "portfolio"),  # mlprodlint/cli/portfolio_command.py
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
@run_options("Output format: " + ", ".join(FORMATS) + " [default: text; github when GITHUB_ACTIONS=true].", platform=True)
def check(request: RunRequest) -> None:
    """Lint the manifests under PATHS (default: the current folder)."""
    run = _lint(request)
    if wrote_baseline(run.plan, run.result, run.inputs):
        raise SystemExit(EXIT_OK)
    _emit(run, request.output, "text")
    below_level = level_gate_fails(run.plan, run.result, run.rule_set, run.threshold)
    raise SystemExit(EXIT_FINDINGS if not run.result.summary(run.threshold).passed or below_level else EXIT_OK)


@cli.command()
@run_options("Report format: html (default), markdown, or any check format (" + ", ".join(FORMATS) + ").", platform=False)
def report(request: RunRequest) -> None:
    """Write a readiness report for the manifests under PATHS (exit 0 once written, whatever it finds)."""
    run = _lint(request)
    _emit(run, request.output, "html", auto_github=False)
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
        # Only 2 and 3 are errors; an error class claiming another code (a plugin's) is still one.
        return error.exit_code if error.exit_code in (EXIT_ERROR, EXIT_INTERNAL) else EXIT_ERROR
    except KeyboardInterrupt:
        click.echo("mlprodlint: interrupted", err=True)
        return EXIT_INTERRUPTED
    except BaseException as error:  # the last line of defence (GeneratorExit too): never a traceback
        if os.environ.get("MLPRODLINT_DEBUG"):
            raise
        click.echo(
            f"mlprodlint: internal error: {printable(describe(error))}\n"
            "This is a bug in mlprodlint; please report it (set MLPRODLINT_DEBUG=1 for the traceback).",
            err=True,
        )
        return EXIT_INTERNAL
    return EXIT_OK


def entry() -> None:
    sys.exit(main())
