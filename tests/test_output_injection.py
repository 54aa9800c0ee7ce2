"""Values and folder names from the repository cannot forge output lines or drive the terminal.

A newline, CR, ESC/OSC, other C0/C1 control or U+2028 in a manifest value or a folder name is
shown escaped (`\\n`, `\\x1b`) in every format a CI log or terminal may show.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import TODAY, run_cli

FORGED = "\n::error file=x::forged\r\x1b]0;title\x07\u2028\x9b31m"
FOLDER = "svc\n::error file=x::forged\x1b]0;title\x07"
SCRIPT = Path(sys.executable).parent / "mlprodlint"


def _yaml_quoted(text: str) -> str:
    escapes = {"\n": "\\n", "\r": "\\r", "\x1b": "\\e", "\x07": "\\a", "\u2028": "\\L", "\x9b": "\\x9b"}
    return '"' + "".join(escapes.get(c, c) for c in text) + '"'


def _repo(tmp_path: Path) -> Path:
    folder = tmp_path / FOLDER
    folder.mkdir()
    (folder / "mlprodlint.yaml").write_text(
        "apiVersion: mlprodlint/v1\nkind: Model\nmetadata:\n"
        f"  name: {_yaml_quoted('fraud' + FORGED)}\n  lifecycle: production\n"
        f"  tier: {_yaml_quoted('1' + FORGED)}\n"
        "ownership:\n  team: '@acme/fraud'\n",
        encoding="utf-8",
    )
    return tmp_path


def _assert_no_forgery(output: str, fmt: str) -> None:
    # JSON and SARIF are data: they keep U+2028 and C1 characters as they are (a JSON string
    # cannot start a line); ESC, BEL, CR and newline are \u-escaped by JSON itself.
    unsafe = ("\x1b", "\x07", "\r") if fmt in ("json", "sarif", "gitlab") else ("\x1b", "\x07", "\r", "\u2028", "\x9b")
    for line in output.split("\n"):
        assert not line.startswith("::error file=x"), (fmt, line)
    assert sum(("PASSED:" in line or "FAILED:" in line) for line in output.split("\n")) <= 1, fmt
    for char in unsafe:
        assert char not in output, (fmt, repr(char))


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_installed_cli_check_output_cannot_be_forged(tmp_path: Path, fmt: str) -> None:
    repo = _repo(tmp_path)
    result = subprocess.run(
        [str(SCRIPT), "check", ".", "--format", fmt, "--today", TODAY, "--select", "OWN001,MPL"],
        cwd=repo, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1, result.stderr
    _assert_no_forgery(result.stdout + result.stderr, fmt)
    schema_lines = [line for line in result.stdout.splitlines() if "MPL002" in line]
    assert len(schema_lines) == 2  # two findings (name, tier), one line each
    expected_path = "svc\\n::error file=x::forged\\x1b]0;title\\x07/mlprodlint.yaml" if fmt == "text" else \
        "svc%0A%3A%3Aerror file=x%3A%3Aforged\\x1b]0;title\\x07/mlprodlint.yaml"
    assert expected_path in schema_lines[0]


@pytest.mark.parametrize("fmt", ["markdown", "html", "junit", "json", "sarif", "gitlab", "comment", "annex-iv"])
def test_every_other_format_cannot_be_forged(tmp_path: Path, fmt: str) -> None:
    result = run_cli(["check", ".", "--format", fmt, "--today", TODAY, "--select", "OWN001,MPL"], cwd=_repo(tmp_path))
    assert result.exit_code == 1, result.stderr
    _assert_no_forgery(result.stdout, fmt)


def test_text_shows_the_value_escaped(tmp_path: Path) -> None:
    result = run_cli(["check", ".", "--today", TODAY, "--select", "OWN001,MPL"], cwd=_repo(tmp_path))
    assert "metadata.tier: expected integer, got string " in result.stdout
    assert "'1\\n::error file=x::forged\\r\\x1b]0;title\\x07\\u2028\\x9b31m'" in result.stdout


def test_error_messages_on_stderr_cannot_be_forged(tmp_path: Path) -> None:
    (tmp_path / FOLDER).mkdir()
    result = run_cli(["check", FOLDER], cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "svc\\n::error file=x::forged\\x1b]0;title\\x07" in result.stderr


def test_pack_texts_with_control_characters_are_pack_errors(tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "p.yaml").write_text(
        'pack: {name: team, version: 0.1.0}\nrules:\n  - id: TEAM001\n    name: team-name\n'
        '    title: "Name\\n::error file=x::forged"\n    area: custom\n    severity: error\n'
        '    check: {function: present, args: {path: metadata.name}}\n    message: "m \\e]0;x\\a"\n'
        '    rationale: "r\\nline two"\n    fix: f\n', encoding="utf-8")
    result = run_cli(["rules", "validate", "p"], cwd=tmp_path)
    assert (result.exit_code, result.stdout) == (1, (
        "p/p.yaml:5:5: rule TEAM001: title contains the control character \\n; "
        "pack texts are printed in CI logs and terminals\n"
        "p/p.yaml:9:5: rule TEAM001: message contains the control character \\x1b; "
        "pack texts are printed in CI logs and terminals\n"
        "2 problem(s) in p\n"
    ))
