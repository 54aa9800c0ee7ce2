"""The GitHub Action: action.yml's shape, and its run step (mlprodlint/ci/github_action.py) run
with GITHUB_* variables pointing at temporary files: summary written, outputs set, exit per gate."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from ruamel.yaml import YAML

from conftest import EXAMPLES, REPO_ROOT, TODAY

SPEC = Path(__file__).resolve().parent / "data" / "spec"


def _outputs(path: Path) -> dict[str, str]:
    """Parse GITHUB_OUTPUT's name<<DELIMITER blocks the way the runner does."""
    lines = path.read_text(encoding="utf-8").splitlines()
    outputs, index = {}, 0
    while index < len(lines):
        name, _, delimiter = lines[index].partition("<<")
        end = lines.index(delimiter, index + 1)
        outputs[name] = "\n".join(lines[index + 1 : end])
        index = end + 1
    return outputs


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "checkout"
    (root / ".git").mkdir(parents=True)
    for example in ("churn-batch", "fraud-scoring"):
        shutil.copytree(EXAMPLES / example, root / "services" / example)
    for variable in ("GITHUB_ACTIONS", "CI_PROJECT_DIR"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.chdir(root)
    return root


def _run(workspace: Path, **inputs: str) -> tuple[int, str, Path, Path]:
    from mlprodlint.ci.github_action import run

    summary, output = workspace.parent / "summary.md", workspace.parent / "output.txt"
    summary.write_text("earlier step\n", encoding="utf-8")
    environ = {
        "GITHUB_WORKSPACE": str(workspace), "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(output),
        "MLPRODLINT_EXTRA_ARGS": f"--today {TODAY} --no-cache",
        **{f"MLPRODLINT_{key.upper()}": value for key, value in inputs.items()},
    }
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = run(environ)
    return code, stdout.getvalue(), summary, output


def test_failing_run_annotates_summarises_sets_outputs_and_fails(workspace: Path) -> None:
    code, stdout, summary, output = _run(workspace, paths="services", sarif="mlprodlint.sarif")
    assert code == 1
    annotations = [line for line in stdout.splitlines() if line.startswith("::")]
    assert len(annotations) == 15
    assert annotations[0].startswith("::error file=services/churn-batch/mlprodlint.yaml,line=21,col=1,title=OWN004 ")
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n## ❌ mlprodlint: FAILED (10 finding(s) at or above error)\n")
    assert "2 service(s): 1 not ready, 0 ready with waivers, 1 ready." in text
    assert text.count("\n- **") == 15  # every finding, with its fix
    assert "✅ 1 service(s) with nothing to fix: fraud-scoring." in text
    assert _outputs(output) == {
        "verdict": "fail", "level": "none", "manifests": "2", "errors": "10", "warnings": "4", "infos": "1",
        "waived": "1", "failing": "10", "not-ready": "1", "sarif": "mlprodlint.sarif",
    }
    sarif = json.loads((workspace / "mlprodlint.sarif").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(json.loads((SPEC / "sarif-schema-2.1.0.json").read_text())).validate(sarif)
    assert len(sarif["runs"][0]["results"]) == 16


def test_passing_run_passes(workspace: Path) -> None:
    code, _, summary, output = _run(workspace, paths="services/fraud-scoring", require_level="gold")
    assert code == 0
    assert _outputs(output) | {} == {
        "verdict": "pass", "level": "gold", "manifests": "1", "errors": "0", "warnings": "0", "infos": "0",
        "waived": "0", "failing": "0", "not-ready": "0", "sarif": "",
    }
    assert "## ✅ mlprodlint: PASSED (0 finding(s) at or above error)" in summary.read_text(encoding="utf-8")


def test_level_gate_fails_the_step_without_failing_findings(workspace: Path) -> None:
    inputs = {"paths": "services/churn-batch", "extra_args": f"--today {TODAY} --no-cache --select GOV003"}
    code, _, _, output = _run(workspace, **inputs)
    assert code == 0 and _outputs(output)["level"] == "bronze"
    code, _, _, output = _run(workspace, **inputs, require_level="gold")
    assert code == 1
    assert {k: v for k, v in _outputs(output).items() if k in ("verdict", "level", "warnings", "failing")} == {
        "verdict": "fail", "level": "bronze", "warnings": "1", "failing": "0",
    }


def test_bad_input_is_an_error_with_a_summary(workspace: Path) -> None:
    code, _, summary, output = _run(workspace, paths="services", fail_on="sometimes")
    assert code == 2
    assert _outputs(output)["verdict"] == "error"
    assert "mlprodlint could not run (exit 2)" in summary.read_text(encoding="utf-8")


def test_paths_with_spaces_and_a_hostile_sarif_name_cannot_inject_outputs(workspace: Path) -> None:
    shutil.move(workspace / "services" / "fraud-scoring", workspace / "my service")
    code, _, _, output = _run(workspace, paths="'my service'", sarif="a\nverdict=fail")
    assert code == 0
    outputs = _outputs(output)
    assert (outputs["verdict"], outputs["manifests"], outputs["sarif"]) == ("pass", "1", "a\nverdict=fail")
    assert len(outputs) == 10
    assert (workspace / "a\nverdict=fail").is_file()


def test_summary_is_capped_at_one_mebibyte() -> None:
    from mlprodlint.ci.github_action import SUMMARY_LIMIT, cap

    text = "".join(f"- line {i} é\n" for i in range(200_000))
    capped = cap(text)
    assert len(capped.encode("utf-8")) <= SUMMARY_LIMIT
    assert capped.endswith("**Summary cut at GitHub's 1 MiB step-summary limit: see the full report (SARIF or JSON artifact).**\n")
    assert cap("short\n") == "short\n"


def test_run_step_as_the_action_invokes_it(workspace: Path) -> None:
    summary, output = workspace.parent / "s.md", workspace.parent / "o.txt"
    environ = {
        key: value for key, value in os.environ.items() if not key.startswith(("GITHUB_", "MLPRODLINT_"))
    } | {
        "GITHUB_WORKSPACE": str(workspace), "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(output),
        "MLPRODLINT_PATHS": "services/churn-batch", "MLPRODLINT_FAIL_ON": "warning",
        "MLPRODLINT_EXTRA_ARGS": f"--today {TODAY}",
    }
    completed = subprocess.run(
        [sys.executable, "-m", "mlprodlint.ci.github_action"], cwd=workspace, env=environ,
        capture_output=True, text=True, timeout=120,
    )
    assert completed.returncode == 1, completed.stderr
    assert completed.stdout.count("::error ") == 10 and completed.stdout.count("::warning ") == 4
    assert _outputs(output)["failing"] == "14"
    assert "FAILED (14 finding(s) at or above warning)" in summary.read_text(encoding="utf-8")


def test_action_yml_is_a_composite_action_without_script_injection() -> None:
    action = YAML(typ="safe").load((REPO_ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) == {"paths", "fail-on", "require-level", "config", "extra-args", "sarif", "python-version"}
    assert set(action["outputs"]) == {
        "verdict", "level", "manifests", "errors", "warnings", "infos", "waived", "failing", "not-ready", "sarif",
    }
    steps = action["runs"]["steps"]
    assert steps[0]["uses"].startswith("actions/setup-python@")
    run_steps = [s for s in steps if "run" in s]
    for step in run_steps:
        assert "${{" not in step["run"], "inputs must reach scripts through env, never pasted into them"
        assert step["shell"] == "bash"
    check = next(s for s in steps if s.get("id") == "check")
    assert "-m mlprodlint.ci.github_action" in check["run"]
    mapped = {k.removeprefix("MLPRODLINT_").lower().replace("_", "-") for k in check["env"]} - {"python"}
    assert mapped == set(action["inputs"]) - {"python-version"}
    install = next(s for s in steps if s.get("id") == "install")
    assert install["env"]["MLPRODLINT_ACTION_PATH"] == "${{ github.action_path }}"
