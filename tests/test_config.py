"""Configuration files: discovery, validation with locations, and their effect on a run."""

from __future__ import annotations

from pathlib import Path

from conftest import TODAY, findings_of, lint_json, run_cli, write

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


def _project(tmp_path: Path, config_name: str, config_text: str) -> Path:
    write(tmp_path / "mlprodlint.yaml", MANIFEST)
    write(tmp_path / config_name, config_text)
    return tmp_path


def test_pyproject_select_and_severity_override(tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        "pyproject.toml",
        """
        [project]
        name = "x"

        [tool.mlprodlint]
        select = ["OWN003"]

        [tool.mlprodlint.severity]
        OWN003 = "error"
        """,
    )
    result = lint_json(Path("."), cwd=project)
    assert result.exit_code == 1
    assert findings_of(result) == {("OWN003", 9)}
    assert result.json()["findings"][0]["severity"] == "error"


def test_fail_on_from_config(tmp_path: Path) -> None:
    project = _project(tmp_path, ".mlprodlint.toml", 'select = ["OWN003"]\nfail_on = "warning"\n')
    assert lint_json(Path("."), cwd=project).exit_code == 1
    assert lint_json(Path("."), "--fail-on", "error", cwd=project).exit_code == 0


def test_ignore_from_config_and_cli_overrides_it(tmp_path: Path) -> None:
    project = _project(tmp_path, ".mlprodlint.toml", 'select = ["OWN00"]\nignore = ["OWN003", "OWN004", "OWN005"]\n')
    assert findings_of(lint_json(Path("."), cwd=project)) == set()
    assert findings_of(lint_json(Path("."), "--ignore", "OWN004", cwd=project)) == {("OWN003", 9), ("OWN005", 7)}


def test_unknown_key_is_an_error_with_its_line(tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        "pyproject.toml",
        """
        [project]
        name = "x"

        [tool.mlprodlint]
        select = ["OWN"]
        fial_on = "warning"
        """,
    )
    result = run_cli(["check", "."], cwd=project)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"mlprodlint: error: {(project / 'pyproject.toml').as_posix()}:6: unknown key 'fial_on'")
    assert "Traceback" not in result.stderr


def test_wrong_type_in_config(tmp_path: Path) -> None:
    project = _project(tmp_path, ".mlprodlint.toml", 'select = "OWN"\n')
    result = run_cli(["check", "."], cwd=project)
    assert result.exit_code == 2
    assert ".mlprodlint.toml:1: select: expected array, got string 'OWN'" in result.stderr


def test_invalid_toml_reports_line_and_column(tmp_path: Path) -> None:
    project = _project(tmp_path, ".mlprodlint.toml", 'select = ["OWN"]\nfail_on = \n')
    result = run_cli(["check", "."], cwd=project)
    assert result.exit_code == 2
    assert ".mlprodlint.toml:2:11: invalid TOML" in result.stderr


def test_explicit_missing_config_is_exit_2(tmp_path: Path) -> None:
    write(tmp_path / "mlprodlint.yaml", MANIFEST)
    result = run_cli(["check", ".", "--config", "nope.toml"], cwd=tmp_path)
    assert result.exit_code == 2
    assert "nope.toml: configuration file not found" in result.stderr


def test_mlprodlint_toml_wins_over_pyproject(tmp_path: Path) -> None:
    project = _project(tmp_path, ".mlprodlint.toml", 'select = ["OWN003"]\n')
    write(project / "pyproject.toml", '[tool.mlprodlint]\nselect = ["OWN005"]\n')
    assert findings_of(lint_json(Path("."), cwd=project)) == {("OWN003", 9)}


def test_rules_dirs_are_relative_to_the_config_file(tmp_path: Path) -> None:
    project = _project(tmp_path, ".mlprodlint.toml", 'select = ["ACME"]\nrules_dirs = ["policy"]\n')
    write(
        project / "policy" / "acme.yaml",
        """
        pack: {name: acme-policy, version: 1.0.0}
        rules:
          - id: ACME001
            name: tags-required
            title: Services carry tags
            area: custom
            severity: error
            check: {function: present, args: {path: metadata.tags}}
            message: "Untagged: {detail}"
            rationale: Tags route costs and incidents.
            fix: Add metadata.tags.
        """,
    )
    sub = project / "sub"
    sub.mkdir()
    result = lint_json(Path(".."), cwd=sub)
    assert findings_of(result) == {("ACME001", 3)}


def test_broken_custom_rule_pack_is_exit_2_with_file_and_line(tmp_path: Path) -> None:
    write(tmp_path / "mlprodlint.yaml", MANIFEST)
    write(
        tmp_path / "policy" / "bad.yaml",
        """
        pack: {name: bad, version: 1.0.0}
        rules:
          - id: BAD001
            name: Not Kebab
            title: x
            area: custom
            severity: fatal
            check: {function: no_such_check}
            message: m
            rationale: r
            fix: f
        """,
    )
    result = run_cli(["check", ".", "--rules-dir", "policy", "--today", TODAY], cwd=tmp_path)
    assert result.exit_code == 2
    assert "policy/bad.yaml:4:5: rules.0.name: 'Not Kebab' does not match" in result.stderr
    assert "policy/bad.yaml:7:5: rules.0.severity: 'fatal' is not one of: error, warning, info" in result.stderr


def test_toml_error_at_end_of_document_names_the_last_line(tmp_path: Path) -> None:
    project = _project(tmp_path, ".mlprodlint.toml", 'select = ["OWN"]\nignore = [\n  "OWN003",\n')
    result = run_cli(["check", "."], cwd=project)
    assert result.exit_code == 2
    assert result.stderr.strip().endswith(".mlprodlint.toml:3: invalid TOML: Invalid value")
