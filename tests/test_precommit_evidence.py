"""Issue 9.8: the default pre-commit hook catches a commit that deletes, empties or breaks a file
a manifest references.

pre-commit passes a hook only the staged files that still exist (never a deleted one), so these
tests run the hook's own entry from `.pre-commit-hooks.yaml` the way pre-commit would: in a real
git repository, on the staged files that exist, with nothing else. (tests/test_precommit_hook.py
drives the real pre-commit tool end to end; this stays fast.)
"""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

import pytest
from conftest import REPO_ROOT, TODAY, CliResult, run_cli, write
from ruamel.yaml import YAML

HOOK = YAML(typ="safe").load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))[0]

MANIFEST = """\
apiVersion: mlprodlint/v1
kind: Model
metadata:
  name: fraud
  lifecycle: experimental
ownership:
  team: "@acme/fraud-ml"
  contact: fraud-ml@acme.example
governance:
  model_card: docs/model_card.md
alerting:
  rules_file: monitoring/alerts.yaml
"""
CARD = "# Fraud model\n\n" + "It scores card transactions for fraud and is evaluated weekly on labelled chargebacks. " * 4 + "\n"
RULES = """\
groups:
  - name: fraud
    rules:
      - alert: FraudHighErrorRate
        expr: sum(rate(http_requests_total{code=~"5.."}[5m])) > 1
        labels: {severity: ticket}
"""


def _git(repo: Path, *args: str) -> str:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("GIT_")},
        "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    return subprocess.run(["git", *args], cwd=repo, env=env, text=True, capture_output=True, check=True).stdout


def _staged_existing(repo: Path) -> list[str]:
    """What pre-commit passes a hook: the staged files that exist (deleted ones never)."""
    names = _git(repo, "diff", "--cached", "--name-only", "--diff-filter=d", "-z").split("\0")
    return [name for name in names if name]


def _run_hook(repo: Path) -> CliResult:
    """The hook's entry, with pre-commit's file list, run in the repository."""
    entry = shlex.split(HOOK["entry"])
    assert entry[0] == "mlprodlint"
    args = [*entry[1:], "--today", TODAY, "--format", "json"] if HOOK.get("pass_filenames", True) else entry[1:]
    files = _staged_existing(repo) if HOOK.get("pass_filenames", True) else []
    return run_cli([*args, *files], cwd=repo)


def _findings(result: CliResult) -> set[tuple[str, str, int]]:
    return {(f["rule_id"], f["path"], f["line"]) for f in result.json()["findings"] if not f["waived"]}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    _git(tmp_path, "init", "-q", "-b", "main")
    write(tmp_path / "svc/mlprodlint.yaml", MANIFEST)
    write(tmp_path / "svc/docs/model_card.md", CARD)
    write(tmp_path / "svc/monitoring/alerts.yaml", RULES)
    write(tmp_path / "other/README.md", "# Another project\n")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-q", "-m", "initial")
    return tmp_path


def test_hook_runs_on_every_commit() -> None:
    # A deletion-only commit passes no file, so the hook must not wait for a matching file.
    assert HOOK["always_run"] is True
    assert "files" not in HOOK or HOOK["files"] in ("", ".*")
    assert HOOK["pass_filenames"] is True


def test_clean_commit_passes(repo: Path) -> None:
    write(repo / "svc/docs/model_card.md", CARD + "\nUpdated the evaluation window.\n")
    _git(repo, "add", "-A")
    result = _run_hook(repo)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert [m["path"] for m in result.json()["manifests"]] == ["svc/mlprodlint.yaml"]


def test_deleting_the_model_card_blocks_the_commit(repo: Path) -> None:
    _git(repo, "rm", "-q", "svc/docs/model_card.md")
    assert _staged_existing(repo) == []  # pre-commit would pass nothing at all
    result = _run_hook(repo)
    assert result.exit_code == 1, result.stdout + result.stderr
    assert _findings(result) == {("GOV040", "svc/mlprodlint.yaml", 10)}
    assert "points at svc/docs/model_card.md, which does not exist" in result.json()["findings"][0]["message"]


def test_renaming_the_model_card_blocks_the_commit(repo: Path) -> None:
    _git(repo, "mv", "svc/docs/model_card.md", "svc/docs/card.md")
    result = _run_hook(repo)
    assert result.exit_code == 1
    assert _findings(result) == {("GOV040", "svc/mlprodlint.yaml", 10)}


def test_emptying_the_model_card_blocks_the_commit(repo: Path) -> None:
    write(repo / "svc/docs/model_card.md", "\n")
    _git(repo, "add", "-A")
    result = _run_hook(repo)
    assert result.exit_code == 1
    assert _findings(result) == {("GOV040", "svc/mlprodlint.yaml", 10), ("GOV041", "svc/mlprodlint.yaml", 10)}
    messages = {f["rule_id"]: f["message"] for f in result.json()["findings"]}
    assert messages["GOV040"].endswith("points at svc/docs/model_card.md, which is empty")


def test_breaking_the_rules_file_blocks_the_commit(repo: Path) -> None:
    write(repo / "svc/monitoring/alerts.yaml", "groups:\n  - name: fraud\n    rules: [unclosed\n")
    _git(repo, "add", "-A")
    result = _run_hook(repo)
    assert result.exit_code == 1
    assert {rule for rule, _, _ in _findings(result)} == {"ALR042"}


def test_deleting_the_rules_file_blocks_the_commit(repo: Path) -> None:
    _git(repo, "rm", "-q", "svc/monitoring/alerts.yaml")
    result = _run_hook(repo)
    assert result.exit_code == 1
    assert ("ALR040", "svc/mlprodlint.yaml", 12) in _findings(result)


def test_unrelated_commit_lints_nothing(repo: Path) -> None:
    _git(repo, "rm", "-q", "other/README.md")
    result = _run_hook(repo)
    assert result.exit_code == 0
    assert "no manifest is affected by the changed files" in result.stderr


def test_staged_outside_git_is_a_usage_error(tmp_path: Path) -> None:
    write(tmp_path / "mlprodlint.yaml", MANIFEST)
    result = run_cli(["check", "--staged"], cwd=tmp_path)
    assert result.exit_code == 2
    assert "--staged needs a git repository" in result.stderr
