"""`mlprodlint portfolio RESULTS...`: one portfolio from many repositories' JSON reports."""

from __future__ import annotations

import os
from pathlib import Path

import click

from .. import __version__
from ..errors import EXIT_OK, UsageError


@click.command()
@click.argument("results", nargs=-1, required=True, type=click.Path(path_type=Path, readable=False))
@click.option("--previous", multiple=True, type=click.Path(path_type=Path, readable=False), metavar="RESULTS",
              help="Results of the last review (file or folder; repeatable): adds the trend since then.")
@click.option("--format", "fmt", type=click.Choice(["html", "markdown", "json"]), default="html", show_default=True,
              help="Portfolio format.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write the portfolio to FILE instead of stdout.")
def portfolio(results: tuple[Path, ...], previous: tuple[Path, ...], fmt: str, output: Path | None) -> None:
    """Merge JSON reports (files or folders of `check --format json` output from many
    repositories) into one portfolio: a row per service, worst first; a roll-up per team; the
    rules failing most often; with --previous, what changed since the last review."""
    from ..report.portfolio import build, load
    from ..repo.provenance import generation_time
    from ..report import check_writable, write_report
    from ..report.output import write_stdout
    from ..report.portfolio_page import render
    from ..textsafe import printable

    if output is not None and str(output) != "-":
        inputs = {os.path.realpath(path) for path in (*results, *previous) if not path.is_dir()}
        if os.path.realpath(output) in inputs:
            raise UsageError(f"{output.as_posix()}: refusing to write the portfolio over one of its inputs")
    current = load(results, keep_findings=bool(previous))
    before = load(previous, keep_findings=True) if previous else None
    data = build(current, before)
    generated_at, _ = generation_time(os.environ)
    text = render(data, fmt, generated_at.strftime("%Y-%m-%dT%H:%M:%SZ"), __version__)
    for skipped in data["skipped"]:
        click.echo(f"mlprodlint: note: {printable(skipped)}: not an mlprodlint JSON report, skipped", err=True)
    if output is not None and str(output) != "-":
        check_writable(output)
        write_report(output, text)
    else:
        write_stdout(text)
    raise SystemExit(EXIT_OK)
