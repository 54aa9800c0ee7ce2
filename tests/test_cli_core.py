"""End-to-end behaviour of `mlprodlint check` through the real CLI."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import EXAMPLES, TODAY, lint_json, run_cli, write

MINIMAL_PRODUCTION = """
apiVersion: mlprodlint/v1
kind: Model
metadata:
  name: pricing
  lifecycle: production
  tier: 1
"""


def test_production_manifest_without_owner_fails_with_file_and_line(tmp_path: Path) -> None:
    write(tmp_path / "mlprodlint.yaml", MINIMAL_PRODUCTION)
    result = run_cli(["check", "--today", TODAY, "--no-color", "--select", "OWN001"], cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:2] == [
        "mlprodlint.yaml:1:1: OWN001 [error] No owning team: ownership.team is missing",
        "    fix: Set `ownership.team` to the team accountable for the model (e.g. `@acme/fraud-ml`).",
    ]


def test_complete_example_passes() -> None:
    result = run_cli(["check", str(EXAMPLES / "fraud-scoring"), "--today", TODAY])
    assert result.exit_code == 0, result.stdout
    assert "PASSED" in result.stdout


def test_examples_folder_fails_on_the_batch_pipeline() -> None:
    result = lint_json(EXAMPLES)
    assert result.exit_code == 1
    paths = {f["path"] for f in result.json()["findings"] if not f["waived"] and f["severity"] == "error"}
    assert any(p.endswith("churn-batch/mlprodlint.yaml") for p in paths)


def test_json_document_shape(tmp_path: Path) -> None:
    write(tmp_path / "svc" / "mlprodlint.yaml", MINIMAL_PRODUCTION)
    result = lint_json(tmp_path / "svc", "--select", "OWN,MPL", cwd=tmp_path)
    document = result.json()
    assert document["version"] == "1.1"
    assert set(document) >= {"version", "summary", "findings", "results", "manifests"}
    finding = document["findings"][0]
    assert set(finding) >= {"rule_id", "rule_name", "area", "severity", "path", "line", "column", "message", "fix"}
    assert finding["path"] == "svc/mlprodlint.yaml"
    statuses = {(r["rule_id"], r["status"]) for r in document["results"]}
    assert ("OWN001", "fail") in statuses
    assert ("MPL002", "pass") in statuses


def test_no_manifest_is_exit_2(tmp_path: Path) -> None:
    result = run_cli(["check", str(tmp_path)])
    assert result.exit_code == 2
    assert "no manifest" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_path_is_exit_2(tmp_path: Path) -> None:
    result = run_cli(["check", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "path does not exist" in result.stderr


def test_unknown_format_is_exit_2(tmp_path: Path) -> None:
    write(tmp_path / "mlprodlint.yaml", MINIMAL_PRODUCTION)
    result = run_cli(["check", str(tmp_path), "--format", "yaml"])
    assert result.exit_code == 2
    assert "unknown format 'yaml'" in result.stderr


def test_bad_select_is_exit_2(tmp_path: Path) -> None:
    write(tmp_path / "mlprodlint.yaml", MINIMAL_PRODUCTION)
    result = run_cli(["check", str(tmp_path), "--select", "own-1"])
    assert result.exit_code == 2
    assert "--select" in result.stderr


def test_installed_console_script_runs() -> None:
    script = Path(sys.executable).parent / "mlprodlint"
    command = [str(script)] if script.exists() else [shutil.which("mlprodlint") or "mlprodlint"]
    completed = subprocess.run(
        [*command, "check", str(EXAMPLES / "recsys-experiment"), "--today", TODAY, "--format", "json"],
        capture_output=True, text=True, timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    assert '"passed": true' in completed.stdout
