"""CI formats: GitLab Code Quality, and paths relative to the repository root in every machine
format whatever the working directory (SARIF, GitHub annotations, GitLab, JSON, JUnit)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from conftest import EXAMPLES, TODAY, run_cli

SPEC = Path(__file__).resolve().parent / "data" / "spec"
MANIFEST = "services/churn-batch/mlprodlint.yaml"
# churn-batch's active findings as of TODAY: (rule id, GitLab severity, line).
CHURN_ISSUES = [
    ("OWN004", "critical", 21), ("OWN006", "critical", 21), ("ALR043", "critical", 27),
    ("MON005", "critical", 30), ("ALR002", "critical", 44), ("GOV003", "major", 51),
    ("GOV010", "major", 51), ("GOV013", "info", 51), ("GOV040", "critical", 52),
    ("GOV007", "major", 56), ("CMP005", "critical", 60), ("SEC004", "critical", 67),
    ("SEC008", "major", 67), ("SEC002", "critical", 70), ("WVR001", "critical", 76),
]


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for variable in ("GITHUB_WORKSPACE", "CI_PROJECT_DIR", "GITHUB_ACTIONS"):
        monkeypatch.delenv(variable, raising=False)
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    shutil.copytree(EXAMPLES / "churn-batch", root / "services" / "churn-batch")
    return root


def _gitlab(cwd: Path, target: str = ".") -> list[dict]:
    result = run_cli(["check", target, "--format", "gitlab", "--today", TODAY], cwd=cwd)
    assert result.exit_code == 1, result.stderr
    return json.loads(result.stdout)


def test_gitlab_report_validates_and_is_exact(repo: Path) -> None:
    issues = _gitlab(repo / "services" / "churn-batch")
    jsonschema.Draft202012Validator(json.loads((SPEC / "gitlab-codequality.schema.json").read_text())).validate(issues)
    assert [(i["check_name"], i["severity"], i["location"]["lines"]["begin"]) for i in issues] == CHURN_ISSUES
    assert {i["location"]["path"] for i in issues} == {MANIFEST}
    assert issues[0]["description"] == (
        "OWN004 No on-call rotation: ownership.oncall is missing Fix: Set `ownership.oncall` to the paging "
        "rotation (e.g. `pagerduty:fraud-ml-primary`)."
    )
    fingerprints = [i["fingerprint"] for i in issues]
    assert len(set(fingerprints)) == len(fingerprints) == 15


def test_gitlab_fingerprints_survive_moved_lines_and_other_working_directories(repo: Path) -> None:
    before = _gitlab(repo / "services")
    manifest = repo / MANIFEST
    manifest.write_text("# a comment moves every line down\n" + manifest.read_text(encoding="utf-8"), encoding="utf-8")
    after = _gitlab(repo, "services/churn-batch")
    assert [i["fingerprint"] for i in after] == [i["fingerprint"] for i in before]
    assert [i["location"]["lines"]["begin"] for i in after] == [line + 1 for _, _, line in CHURN_ISSUES]


def test_gitlab_fingerprint_counts_repeated_findings_and_blocks_on_unreadable_manifests() -> None:
    from mlprodlint.results.findings import Finding, RuleResult, RunResult, Severity, Status
    from mlprodlint.report.gitlab import issues

    def finding(rule_id: str, line: int, pointer: str = "/a") -> Finding:
        return Finding(MANIFEST, line, 1, rule_id, "name", "area", Severity.WARNING, "m", "", pointer)

    def result(rule_id: str, *found: Finding) -> RuleResult:
        return RuleResult(MANIFEST, rule_id, "name", "area", Severity.WARNING, Status.FAIL, found)

    # Findings live in the per-rule results (the one store); the run's list is derived from them.
    run = RunResult(manifests=(), results=(
        result("X001", finding("X001", 3), finding("X001", 4)), result("MPL001", finding("MPL001", 1, "")),
    ))
    out = issues(run)
    assert len({i["fingerprint"] for i in out}) == 3
    assert [i["severity"] for i in out] == ["blocker", "major", "major"]  # report order: line 1 first


def test_gitlab_leaves_waived_findings_out_and_path_relative_to_ci_project_dir(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI_PROJECT_DIR", str(repo / "services"))
    issues = _gitlab(repo / "services" / "churn-batch")
    assert {i["location"]["path"] for i in issues} == {"churn-batch/mlprodlint.yaml"}
    # churn-batch waives one finding (the text report says "1 waived"): 15 active issues only.
    assert len(issues) == 15


def test_sarif_from_a_subfolder_points_at_the_repository_root(repo: Path) -> None:
    result = run_cli(["check", ".", "--format", "sarif", "--today", TODAY], cwd=repo / "services" / "churn-batch")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    jsonschema.Draft4Validator(json.loads((SPEC / "sarif-schema-2.1.0.json").read_text())).validate(document)
    run = document["runs"][0]
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": repo.resolve().as_uri() + "/"}}
    locations = {
        (loc["physicalLocation"]["artifactLocation"]["uri"], loc["physicalLocation"]["artifactLocation"]["uriBaseId"])
        for r in run["results"] for loc in r["locations"]
    }
    assert locations == {(MANIFEST, "%SRCROOT%")}
    assert len(run["results"]) == 16  # 15 active + 1 waived (with a suppression)


def test_github_annotations_from_a_subfolder_and_from_outside(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inside = run_cli(["check", ".", "--format", "github", "--today", TODAY], cwd=repo / "services" / "churn-batch")
    lines = [line for line in inside.stdout.splitlines() if line.startswith("::")]
    assert len(lines) == 15
    assert all(f"file={MANIFEST}," in line for line in lines)
    assert lines[0].startswith(f"::error file={MANIFEST},line=21,col=1,title=OWN004 ")
    # From outside the repository, with GITHUB_WORKSPACE naming the checkout.
    monkeypatch.setenv("GITHUB_WORKSPACE", str(repo))
    outside = run_cli(["check", str(repo / "services"), "--format", "github", "--today", TODAY], cwd=tmp_path)
    assert [line for line in outside.stdout.splitlines() if line.startswith("::")] == lines


def test_json_and_junit_paths_are_repository_relative_text_stays_relative_to_cwd(repo: Path) -> None:
    here = repo / "services" / "churn-batch"
    document = run_cli(["check", ".", "--format", "json", "--today", TODAY], cwd=here).json()
    assert [m["path"] for m in document["manifests"]] == [MANIFEST]
    assert {f["path"] for f in document["findings"]} == {MANIFEST}
    assert {r["path"] for r in document["results"]} == {MANIFEST}
    assert [r["path"] for r in document["readiness"]] == [MANIFEST]
    junit = run_cli(["check", ".", "--format", "junit", "--today", TODAY], cwd=here).stdout
    assert f'<testsuite name="{MANIFEST}"' in junit
    text = run_cli(["check", ".", "--format", "text", "--no-color", "--today", TODAY], cwd=here).stdout
    assert text.startswith("mlprodlint.yaml:21:1: OWN004 [error]")


def test_without_a_repository_paths_stay_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("GITHUB_WORKSPACE", "CI_PROJECT_DIR"):
        monkeypatch.delenv(variable, raising=False)
    shutil.copytree(EXAMPLES / "churn-batch", tmp_path / "svc")
    (tmp_path / "elsewhere").mkdir()
    issues = _gitlab(tmp_path / "elsewhere", "../svc")
    assert {i["location"]["path"] for i in issues} == {"../svc/mlprodlint.yaml"}
