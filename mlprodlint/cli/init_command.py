"""`mlprodlint init [PATH]`: write a commented, prefilled manifest (never over an existing one)."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import EXIT_OK, UsageError


@click.command()
@click.argument("path", default=".", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite an existing mlprodlint.yaml.")
def init(path: Path, force: bool) -> None:
    """Scaffold mlprodlint.yaml in PATH (default: the current folder) from what the repo holds."""
    from ..load.discover import MANIFEST_NAMES
    from ..report.output import write_atomic
    from ..platform.scaffold import MANIFEST_NAME, build_scaffold

    if not path.is_dir():
        raise UsageError(f"init: {path.as_posix()} is not a folder")
    existing = [path / name for name in MANIFEST_NAMES if (path / name).exists() or (path / name).is_symlink()]
    if existing and not force:
        raise UsageError(f"init: {existing[0].as_posix()} already exists; use --force to overwrite it")
    target = existing[0] if existing else path / MANIFEST_NAME
    # write_atomic renames over the path: a symlinked manifest is replaced, never written through.
    scaffold = build_scaffold(path)
    write_atomic(target, scaffold.text)
    found = ", ".join(scaffold.sources) or "nothing to prefill from"
    click.echo(f"wrote {target.as_posix()} (prefilled from: {found})")
    click.echo(f"next: fill in the commented-out fields, then run `mlprodlint check {path.as_posix()}`")
    raise SystemExit(EXIT_OK)
