"""`mlprodlint portfolio`: three repositories' JSON reports plus a previous snapshot, through the
real CLI: rows, team roll-up, top failing rules, trend, duplicates and hostile inputs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import EXAMPLES, TODAY, run_cli

ONCALL = '  contact: "slack:#customer-ml"\n'


def _git(repo: Path, *args: str, date: str = "2026-01-01T10:00:00+00:00") -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env |= {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x",
            "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@x"}
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def _repo(root: Path, name: str, services: dict[str, str]) -> Path:
    repo = root / name
    repo.mkdir(parents=True)
    for folder, example in services.items():
        shutil.copytree(EXAMPLES / example, repo / folder)
    _git(repo, "init", "-q")
    _git(repo, "remote", "add", "origin", f"https://ci-token:s3cret@git.example.com/acme/{name}.git")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "first")
    return repo


def _commit(repo: Path, date: str) -> None:
    _git(repo, "add", "-A", date=date)
    _git(repo, "commit", "-qm", "change", date=date)


def _report(repo: Path, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    result = run_cli(["check", ".", "--format", "json", "--today", TODAY, "--no-cache", "-o", str(out)], cwd=repo)
    assert result.exit_code in (0, 1), result.stderr
    return out


@pytest.fixture
def reviews(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """previous/: alpha and beta at their first commits; current/: alpha twice (first and second
    commit), beta after retiring `legacy`, gamma (new)."""
    for variable in ("GITHUB_REPOSITORY", "CI_PROJECT_URL", "MLPRODLINT_REPOSITORY", "GITHUB_WORKSPACE", "CI_PROJECT_DIR"):
        monkeypatch.delenv(variable, raising=False)
    previous, current = tmp_path / "previous", tmp_path / "current"
    alpha = _repo(tmp_path / "repos", "alpha", {"churn": "churn-batch", "fraud": "fraud-scoring"})
    beta = _repo(tmp_path / "repos", "beta", {"churn": "churn-batch", "legacy": "recsys-experiment"})
    gamma = _repo(tmp_path / "repos", "gamma", {"recsys": "recsys-experiment"})
    _report(alpha, previous / "alpha.json")
    _report(beta, previous / "beta" / "report.json")
    _report(alpha, current / "alpha-old.json")  # a stale duplicate: the newer commit must win
    manifest = alpha / "churn" / "mlprodlint.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(ONCALL, ONCALL + "  oncall: pagerduty:churn\n"), encoding="utf-8")
    _commit(alpha, "2026-02-01T10:00:00+00:00")
    _report(alpha, current / "alpha-new.json")
    shutil.rmtree(beta / "legacy")
    _commit(beta, "2026-02-01T10:00:00+00:00")
    _report(beta, current / "beta.json")
    _report(gamma, current / "gamma.json")
    return previous, current


def test_reports_carry_repository_commit_and_day_without_credentials(reviews: tuple[Path, Path]) -> None:
    _, current = reviews
    source = json.loads((current / "alpha-new.json").read_text(encoding="utf-8"))["source"]
    assert source["repository"] == "https://git.example.com/acme/alpha"
    assert len(source["commit"]) == 40
    assert source["commit_date"] == "2026-02-01T10:00:00+00:00"
    assert source["judged_on"] == TODAY
    assert "s3cret" not in (current / "alpha-new.json").read_text(encoding="utf-8")


def test_portfolio_rows_teams_rules_and_trend(reviews: tuple[Path, Path]) -> None:
    previous, current = reviews
    result = run_cli(["portfolio", str(current), "--previous", str(previous), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    data = result.json()
    alpha, beta, gamma = (f"https://git.example.com/acme/{name}" for name in ("alpha", "beta", "gamma"))
    assert data["summary"] == {
        "services": 4, "repositories": 3, "reports": 4, "not_ready": 2, "ready_with_baseline": 0,
        "ready_with_waivers": 0, "ready": 2,
        "levels": {"none": 2, "bronze": 0, "silver": 0, "gold": 2}, "errors": 19, "warnings": 8,
    }
    rows = [(s["repository"], s["path"], s["team"], s["tier"], s["lifecycle"], s["verdict"], s["level"], s["errors"], s["warnings"])
            for s in data["services"]]
    assert rows == [
        (beta, "churn/mlprodlint.yaml", "@acme/customer-ml", 2, "production", "not ready", "none", 10, 4),
        (alpha, "churn/mlprodlint.yaml", "@acme/customer-ml", 2, "production", "not ready", "none", 9, 4),
        (alpha, "fraud/mlprodlint.yaml", "@acme/fraud-ml", 1, "production", "ready", "gold", 0, 0),
        (gamma, "recsys/mlprodlint.yaml", "@acme/recsys", 4, "experimental", "ready", "gold", 0, 0),
    ]
    newest = json.loads((current / "alpha-new.json").read_text(encoding="utf-8"))["source"]["commit"]
    assert data["services"][1]["commit"] == newest
    assert data["services"][1]["report"].endswith("alpha-new.json")
    assert [(t["team"], t["services"], t["not_ready"], t["ready"], t["errors"], t["warnings"]) for t in data["teams"]] == [
        ("@acme/customer-ml", 2, 2, 0, 19, 8), ("@acme/fraud-ml", 1, 0, 1, 0, 0), ("@acme/recsys", 1, 0, 1, 0, 0),
    ]
    top = [(r["rule_id"], r["severity"], r["services"]) for r in data["top_rules"]]
    assert top[:2] == [("ALR002", "error", 2), ("ALR043", "error", 2)]
    assert len(top) == 15
    assert top[-1] == ("OWN004", "error", 1)  # fixed in alpha, still failing in beta
    trend = data["trend"]
    assert trend["changed"] == [{
        "repository": alpha, "path": "churn/mlprodlint.yaml", "name": "churn-batch", "new": 0, "fixed": 1,
        "level_before": "none", "level": "none", "verdict_before": "not ready", "verdict": "not ready",
    }]
    assert (trend["new_findings"], trend["fixed_findings"], trend["level_up"], trend["level_down"]) == (0, 1, 0, 0)
    assert trend["added"] == [{"repository": gamma, "path": "recsys/mlprodlint.yaml", "name": "recsys-two-tower"}]
    assert trend["retired"] == [{"repository": beta, "path": "legacy/mlprodlint.yaml", "name": "recsys-two-tower"}]


def test_portfolio_html_and_markdown(reviews: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    previous, current = reviews
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    out = tmp_path / "portfolio.html"
    result = run_cli(["portfolio", str(current), "--previous", str(previous), "-o", str(out)])
    assert (result.exit_code, result.stdout) == (0, "")
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "4 services in 3 repositories, from 4 reports" in html
    assert "0 new findings, 1 fixed" in html
    assert "<script" not in html
    markdown = run_cli(["portfolio", str(current), "--format", "markdown"]).stdout
    assert "| `OWN004` oncall-for-production | error | 1 |" in markdown
    assert "Since the last review" not in markdown
    assert markdown.count("\n| churn-batch `churn/mlprodlint.yaml` |") == 2
    again = run_cli(["portfolio", str(current), "--previous", str(previous), "-o", str(tmp_path / "again.html")])
    assert again.exit_code == 0
    assert (tmp_path / "again.html").read_bytes() == out.read_bytes()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"version": "1.1",\n  "tool": {"name": "mlprodlint", \n', ":3:1: not valid JSON: Expecting property name enclosed in double quotes"),
        ("[" * 100_000 + "]" * 100_000, "not valid JSON: nested too deeply"),
        ('{"tool": {"name": "mlprodlint", "version": "1"}, "x": NaN}', "not valid JSON: NaN is not JSON"),
        ('{"tool": {"name": "mlprodlint", "version": "1"}}', "not an mlprodlint JSON report (schemas/report.schema.json) at /: 'version' is a required property"),
        (b"\xff\xfe{}", ":1: not UTF-8 text"),
        ('{"a": 1}', 'not an mlprodlint JSON report (no tool.name "mlprodlint")'),
    ],
)
def test_hostile_inputs_exit_2_naming_the_file(tmp_path: Path, content: str | bytes, message: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    result = run_cli(["portfolio", str(bad), "--format", "json"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"mlprodlint: error: {bad.as_posix()}")
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_broken_report_inside_a_folder_fails_and_other_json_is_skipped(reviews: tuple[Path, Path]) -> None:
    _, current = reviews
    (current / "package.json").write_text('{"name": "not-a-report"}', encoding="utf-8")
    ok = run_cli(["portfolio", str(current), "--format", "json"])
    assert ok.exit_code == 0
    assert f"{(current / 'package.json').as_posix()}: not an mlprodlint JSON report, skipped" in ok.stderr
    document = json.loads((current / "gamma.json").read_text(encoding="utf-8"))
    document["readiness"][0]["verdict"] = "excellent"
    (current / "gamma.json").write_text(json.dumps(document), encoding="utf-8")
    bad = run_cli(["portfolio", str(current), "--format", "json"])
    assert bad.exit_code == 2
    assert f"{(current / 'gamma.json').as_posix()}: not an mlprodlint JSON report (schemas/report.schema.json) at /readiness/0/verdict" in bad.stderr


def test_no_report_and_missing_path_are_usage_errors(tmp_path: Path) -> None:
    empty = run_cli(["portfolio", str(tmp_path)])
    assert (empty.exit_code, empty.stderr) == (2, f"mlprodlint: error: no mlprodlint JSON report found in {tmp_path.as_posix()}\n")
    missing = run_cli(["portfolio", str(tmp_path / "nope")])
    assert missing.exit_code == 2 and "no such file or folder" in missing.stderr


def test_a_portfolio_in_the_results_folder_is_skipped_and_never_overwrites_an_input(reviews: tuple[Path, Path]) -> None:
    _, current = reviews
    first = run_cli(["portfolio", str(current), "--format", "json", "-o", str(current / "portfolio.json")])
    assert first.exit_code == 0, first.stderr
    assert json.loads((current / "portfolio.json").read_text(encoding="utf-8"))["kind"] == "mlprodlint-portfolio"
    again = run_cli(["portfolio", str(current), "--format", "json"])
    assert again.exit_code == 0 and again.json()["summary"]["reports"] == 4
    assert "portfolio.json: not an mlprodlint JSON report, skipped" in again.stderr
    explicit = run_cli(["portfolio", str(current / "portfolio.json")])
    assert explicit.exit_code == 2 and "a portfolio, not a report" in explicit.stderr
    before = (current / "gamma.json").read_bytes()
    over = run_cli(["portfolio", str(current / "gamma.json"), "-o", str(current / "gamma.json")])
    assert over.exit_code == 2 and "refusing to write the portfolio over one of its inputs" in over.stderr
    assert (current / "gamma.json").read_bytes() == before
