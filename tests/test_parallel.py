"""--jobs: a process pool gives exactly the serial result, in the same order."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import EXAMPLES, TODAY, run_cli


def _corpus(root: Path, copies: int = 6) -> Path:
    (root / ".git").mkdir(parents=True)
    for index in range(copies):
        for example in ("fraud-scoring", "churn-batch", "recsys-experiment"):
            shutil.copytree(EXAMPLES / example, root / f"svc{index:02d}-{example}")
    return root


def test_parallel_output_is_identical_to_serial(tmp_path: Path) -> None:
    repo = _corpus(tmp_path / "repo")
    args = ["check", ".", "--format", "json", "--today", TODAY, "--no-cache"]
    serial = run_cli([*args, "--jobs", "1"], cwd=repo)
    parallel = run_cli([*args, "--jobs", "2"], cwd=repo)
    assert serial.exit_code == parallel.exit_code == 1
    assert parallel.stdout == serial.stdout
    document = serial.json()
    assert len(document["manifests"]) == 18
    assert len(document["findings"]) > 18


def test_bad_jobs_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli(["check", str(EXAMPLES), "--jobs", "-1"])
    assert result.exit_code == 2
    assert "--jobs: must be 0 (automatic) or a positive number" in result.stderr


def test_max_file_size_option_overrides_the_config(tmp_path: Path) -> None:
    manifest = tmp_path / "mlprodlint.yaml"
    manifest.write_text("apiVersion: mlprodlint/v1\n" + "# padding\n" * 200, encoding="utf-8")
    result = run_cli(["check", str(manifest), "--format", "json", "--today", TODAY, "--max-file-size", "1500"])
    assert result.exit_code == 1
    findings = [(f["rule_id"], f["line"]) for f in result.json()["findings"]]
    assert findings == [("MPL003", 1)]
