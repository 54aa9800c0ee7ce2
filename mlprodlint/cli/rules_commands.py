"""Commands about the rules themselves: `rules`, `rules validate`, `explain`, `schema`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .options import config_option, rules_dir_option
from ..config import load_settings
from ..textsafe import printable
from ..errors import EXIT_FINDINGS, EXIT_OK, UsageError
from ..results.findings import ALL_AREAS

SCHEMA_KINDS = {
    "manifest": "manifest.schema.json",
    "rule": "rule.schema.json",
    "config": "config.schema.json",
}
AREAS = ALL_AREAS


@click.group(invoke_without_command=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown"]), default="table", show_default=True)
@click.option("--area", multiple=True, help="Only rules of this area (repeatable): " + ", ".join(AREAS) + ".")
@click.option("--level", type=click.Choice(["bronze", "silver", "gold"]), help="Only rules at or below this level.")
@click.option("--framework", metavar="FRAMEWORK",
              help="Only rules that evidence this framework (eu-ai-act, nist-ai-rmf, iso-42001, sr-11-7, ml-test-score), with their control references.")
@config_option
@rules_dir_option
@click.pass_context
def rules(ctx: click.Context, fmt: str, area: tuple[str, ...], level: str | None, framework: str | None,
          config_path: Path | None, rules_dir: tuple[Path, ...]) -> None:
    """List the rules in force (built-in, configured packs, --rules-dir), or validate a pack."""
    if ctx.invoked_subcommand is not None:
        return
    from ..rules.explain import all_rules, filter_rules, pack_versions, rules_json, rules_markdown, rules_table

    unknown = sorted(set(area) - set(AREAS))
    if unknown:
        raise UsageError(f"--area: unknown area {', '.join(unknown)} (choose from {', '.join(AREAS)})")
    from ..rules.packs import configured

    rule_set = configured(load_settings(config_path), rules_dir)
    if framework:
        known = sorted({name for rule in rule_set.rules for name in (rule.framework, *dict(rule.controls)) if name})
        if framework not in known:
            raise UsageError(f"--framework: no rule references {framework!r} (known: {', '.join(known)})")
    chosen = filter_rules(all_rules(rule_set), area, level or "", framework or "")
    versions = pack_versions(rule_set)
    if fmt == "json":
        click.echo(rules_json(chosen, versions), nl=False)
    elif fmt == "markdown":
        _echo(rules_markdown(chosen, versions))
    else:
        _echo(rules_table(chosen, framework or ""))


@rules.command("validate")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def validate_command(folder: Path, fmt: str) -> None:
    """Check the rule pack(s) in FOLDER (or one pack file): exit 0 valid, 1 invalid, 2 unusable.

    Every problem is reported with file, line and column: schema errors, unknown check functions,
    bad check arguments, duplicate ids, unknown `extends`, overrides of rules the pack does not
    extend. The packs are checked next to the built-in packs, as a run would load them.
    """
    from ..rules.packs import problems_text, validate_folder

    rule_set, problems, files = validate_folder(folder)
    lines = problems_text(problems)
    own = [r for r in rule_set.rules if _inside(r.source, folder)] if rule_set is not None else []
    if fmt == "json":
        document = {
            "valid": not problems,
            "files": files,
            "rules": sorted(r.id for r in own),
            "problems": [
                {"path": p.path, "line": p.line, "column": p.column, "message": p.message}
                for p in sorted(set(problems), key=lambda p: (p.path, p.line, p.column, p.message))
            ],
        }
        click.echo(json.dumps(document, indent=2))
    else:
        for line in lines:
            _echo(printable(line) + "\n")  # one problem, one line
        if problems:
            _echo(f"{len(lines)} problem(s) in {folder.as_posix()}\n")
        else:
            _echo(f"{folder.as_posix()}: valid ({files} pack file(s), {len(own)} rule(s))\n")
    raise SystemExit(EXIT_FINDINGS if problems else EXIT_OK)


def _echo(text: str) -> None:
    """Pack texts come from the repository too: no terminal escapes (their own lines are kept)."""
    from ..report.output import write_stdout

    write_stdout(printable(text, keep="\t\n"))


def _inside(source: str, folder: Path) -> bool:
    path = Path(source.rpartition(":")[0]).resolve()
    base = folder.resolve()
    return path == base or base in path.parents


@click.command()
@click.argument("rule_ref", metavar="ID")
@config_option
@rules_dir_option
def explain(rule_ref: str, config_path: Path | None, rules_dir: tuple[Path, ...]) -> None:
    """Print a rule's documentation: what it checks, why, example, fix, options, ML Test Score."""
    from ..rules.explain import all_rules, close_matches, explain as explain_rule, find_rule, pack_versions

    from ..rules.packs import configured

    rule_set = configured(load_settings(config_path), rules_dir)
    known = all_rules(rule_set)
    rule = find_rule(known, rule_ref)
    if rule is None:
        matches = close_matches(known, rule_ref)
        hint = f"; did you mean {', '.join(matches)}?" if matches else "; `mlprodlint rules` lists them"
        raise UsageError(f"unknown rule {rule_ref!r}{hint}")
    _echo(explain_rule(rule, pack_versions(rule_set)))


@click.command()
@click.option("--kind", type=click.Choice(sorted(SCHEMA_KINDS)), default="manifest", show_default=True,
              help="Which JSON Schema: the manifest, a rule pack, or the configuration.")
def schema(kind: str) -> None:
    """Print a JSON Schema (draft 2020-12), e.g. for editor completion."""
    from ..resources import load_schema

    click.echo(json.dumps(load_schema(SCHEMA_KINDS[kind]), indent=2, ensure_ascii=False))

