"""Shared test helpers: run the real CLI in-process, write manifests, read findings."""

from __future__ import annotations

import contextlib
import io
import json
import os
import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mlprodlint.cli.main import main

REPO_ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = REPO_ROOT / "examples"
# Tests judge dates as of this day so that results never depend on the calendar.
TODAY = "2026-11-26"


@pytest.fixture(autouse=True, scope="session")
def _private_cache_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The tests' result cache lives in a session folder, never in the user's ~/.cache
    (subprocesses inherit it through the environment); tests that study the cache set their own."""
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    yield
    if before is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = before


@dataclass(frozen=True)
class CliResult:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


@contextlib.contextmanager
def _cwd(path: Path | None) -> Iterator[None]:
    if path is None:
        yield
        return
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def run_cli(args: Sequence[str], cwd: Path | None = None) -> CliResult:
    """Run `mlprodlint ARGS` in-process through the same main() the console script uses."""
    out, err = io.StringIO(), io.StringIO()
    with _cwd(cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return CliResult(code, out.getvalue(), err.getvalue())


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def findings_of(result: CliResult) -> set[tuple[str, int]]:
    """(rule id, line) of every active finding in a JSON run."""
    return {(f["rule_id"], f["line"]) for f in result.json()["findings"] if not f["waived"]}


def lint_json(path: Path, *extra: str, cwd: Path | None = None) -> CliResult:
    return run_cli(["check", str(path), "--format", "json", "--today", TODAY, *extra], cwd=cwd)


@pytest.fixture
def cli() -> Any:
    return run_cli
