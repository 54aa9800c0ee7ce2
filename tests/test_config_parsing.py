"""[tool.mlprodlint] is found by parsing TOML, in every spelling; broken or misdirected settings
are configuration errors (exit 2) at the file and line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import TODAY, run_cli, write

MANIFEST = """
apiVersion: mlprodlint/v1
kind: Model
metadata:
  name: pricing
  lifecycle: production
  tier: 1
ownership:
  team: "@acme/pricing"
  contact: Bob
"""


def _project(tmp_path: Path, pyproject: str) -> Path:
    write(tmp_path / "mlprodlint.yaml", MANIFEST)
    write(tmp_path / "pyproject.toml", pyproject)
    (tmp_path / ".git").mkdir()  # the configuration search stops at the repository root
    return tmp_path


SPELLINGS = {
    "plain": '[tool.mlprodlint]\nselect = ["OWN003"]\n',
    "spaces": '[ tool . mlprodlint ]\nselect = ["OWN003"]\n',
    "quoted": '[tool."mlprodlint"]\nselect = ["OWN003"]\n',
    "single-quoted": "[ 'tool'.'mlprodlint' ]\nselect = ['OWN003']\n",
    "dotted": '[tool]\nmlprodlint.select = ["OWN003"]\n',
    "inline": '[tool]\nmlprodlint = { select = ["OWN003"] }\n',
    "top-level dotted": 'tool.mlprodlint.select = ["OWN003"]\n',
    "subtable only": '[tool.mlprodlint.severity]\nOWN003 = "warning"\n[tool.mlprodlint.options]\n',
}


@pytest.mark.parametrize("spelling", sorted(SPELLINGS))
def test_every_toml_spelling_of_the_table_is_read(tmp_path: Path, spelling: str) -> None:
    project = _project(tmp_path, SPELLINGS[spelling] + '\n[project]\nname = "x"\n')
    result = run_cli(["check", ".", "--format", "json", "--today", TODAY, "--select", "OWN003"]
                     if spelling == "subtable only" else ["check", ".", "--format", "json", "--today", TODAY],
                     cwd=project)
    rules = {r["rule_id"] for r in result.json()["results"] if not r["rule_id"].startswith("MPL")}
    assert rules == {"OWN003"}, spelling
    if spelling == "subtable only":
        assert result.json()["findings"][0]["severity"] == "warning"


@pytest.mark.parametrize(("text", "line"), [
    ('[project]\nname = "x"\n\n[tool.mlprodlint\nselect = ["OWN003"]\n', 4),
    ('[tool.mlprodlint]\nselect = ["OWN003"\nignore = []\n', 3),
    ('[tool]\nmlprodlint = { select = ["OWN003"]\n', 2),
])
def test_a_broken_pyproject_that_mentions_mlprodlint_is_a_config_error(tmp_path: Path, text: str, line: int) -> None:
    project = _project(tmp_path, text)
    result = subprocess.run(
        [str(Path(sys.executable).parent / "mlprodlint"), "check", ".", "--today", TODAY],
        cwd=project, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.startswith(f"mlprodlint: error: {project / 'pyproject.toml'}:{line}:"), result.stderr
    assert "invalid TOML" in result.stderr and "Traceback" not in result.stderr


def test_a_broken_pyproject_about_something_else_is_not_our_business(tmp_path: Path) -> None:
    project = _project(tmp_path, '[project\nname = "x"\n')
    result = run_cli(["check", ".", "--format", "json", "--today", TODAY, "--select", "OWN003"], cwd=project)
    assert result.exit_code == 0, result.stderr  # linted with the defaults
    assert [f["rule_id"] for f in result.json()["findings"]] == ["OWN003"]


@pytest.mark.parametrize(("text", "message"), [
    ('[tool]\nmlprodlint = 3\n', "pyproject.toml:2: [tool.mlprodlint] must be a table"),
    ('[tool.mlprodlint]\nselect = ["OWN003"]\n\nrules_dirs = ["policies"]\n',
     "pyproject.toml:4: rules_dirs: rule folder 'policies' does not exist (relative to pyproject.toml)"),
    ('[tool.mlprodlint]\nrules_dirs = [\n  "empty",\n]\n',
     "pyproject.toml:2: rules_dirs: rule folder 'empty' holds no .yaml rule pack"),
    ('[tool]\nmlprodlint.packs = ["acme-missing"]\n',
     "pyproject.toml:2: packs: unknown rule pack 'acme-missing': not installed"),
    ('[ tool . "mlprodlint" ]\n\nfail_on = "sometimes"\n', "pyproject.toml:3: fail_on: 'sometimes' is not one of"),
])
def test_settings_errors_name_the_config_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    project = _project(tmp_path, text)
    (project / "empty").mkdir()
    result = run_cli(["check", ".", "--today", TODAY], cwd=project)
    assert result.exit_code == 2
    assert message in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1
