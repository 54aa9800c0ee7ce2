"""Issue 4.4: sign-offs older than the last commit to the model's code paths (real git repos)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import findings_of, lint_json, write

from mlprodlint.repo.facts import path_matches

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

MANIFEST = """\
apiVersion: mlprodlint/v1
kind: Model
metadata:
  name: fraud
  lifecycle: production
  paths: [src/]
governance:
  approvals:
    - {role: model-risk, by: a@acme.com, date: 2026-03-01}
    - {role: model-risk, by: b@acme.com, date: 2026-05-01}
    - {role: product, by: c@acme.com, date: 2026-03-15}
security:
  signoff:
    by: sec@acme.com
    date: 2026-03-01
"""


def git(repo: Path, *args: str, date: str = "2026-01-01T12:00:00+00:00") -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update({"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(repo)})
    done = subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false",
         "-c", "init.defaultBranch=main", *args],
        cwd=repo, env=env, check=True, capture_output=True, text=True,
    )
    return done.stdout.strip()


def commit(repo: Path, files: dict[str, str], date: str, message: str = "change") -> str:
    for name, text in files.items():
        write(repo / name, text)
    git(repo, "add", "-A", date=date)
    git(repo, "commit", "-q", "-m", message, date=date)
    return git(repo, "rev-parse", "--short=7", "HEAD")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    git(tmp_path, "init", "-q")
    commit(tmp_path, {"mlprodlint.yaml": MANIFEST, "src/model.py": "A = 1\n"}, "2026-01-10T09:00:00+00:00")
    return tmp_path


def test_signoffs_before_the_last_code_change_are_stale(repo: Path) -> None:
    sha = commit(repo, {"src/model.py": "A = 2\n"}, "2026-04-02T10:00:00+02:00")
    commit(repo, {"docs/notes.md": "later, but not code\n"}, "2026-06-01T10:00:00+00:00")
    result = lint_json(repo / "mlprodlint.yaml", "--select", "SEC042,GOV042", cwd=repo)
    assert result.exit_code == 0, result.stderr  # warnings
    found = {(f["rule_id"], f["line"]): f["message"] for f in result.json()["findings"]}
    assert set(found) == {("GOV042", 11), ("SEC042", 15)}  # model-risk is superseded by its 05-01 approval
    assert found[("SEC042", 15)] == (
        f"Security sign-off older than the code: security.signoff.date 2026-03-01 predates commit {sha} "
        "(2026-04-02) that changed src/model.py"
    )
    assert f"governance.approvals[2].date 2026-03-15 predates commit {sha}" in found[("GOV042", 11)]


def test_signoffs_after_the_last_code_change_pass(repo: Path) -> None:
    commit(repo, {"src/model.py": "A = 2\n"}, "2026-02-20T10:00:00+00:00")
    result = lint_json(repo / "mlprodlint.yaml", "--select", "SEC042,GOV042", cwd=repo)
    assert result.json()["findings"] == []


def test_monorepo_paths_are_repo_relative(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    manifest = MANIFEST.replace("paths: [src/]", "paths: [models/fraud/src/]")
    commit(tmp_path, {"models/fraud/mlprodlint.yaml": manifest, "models/fraud/src/a.py": "1\n"}, "2026-01-01T00:00:00+00:00")
    commit(tmp_path, {"models/churn/src/a.py": "2\n"}, "2026-07-01T00:00:00+00:00")
    result = lint_json(tmp_path / "models/fraud/mlprodlint.yaml", "--select", "SEC042", cwd=tmp_path)
    assert result.json()["findings"] == []
    sha = commit(tmp_path, {"models/fraud/src/a.py": "3\n"}, "2026-07-02T00:00:00+00:00")
    result = lint_json(tmp_path / "models/fraud/mlprodlint.yaml", "--select", "SEC042", cwd=tmp_path)
    assert [(f["path"], f["line"]) for f in result.json()["findings"]] == [("models/fraud/mlprodlint.yaml", 15)]
    message = result.json()["findings"][0]["message"]
    assert f"predates commit {sha[:7]} (2026-07-02) that changed models/fraud/src/a.py" in message, message


def test_merged_branch_counts_at_its_merge(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "feature")
    commit(repo, {"src/model.py": "A = 3\n"}, "2026-02-01T00:00:00+00:00")  # before the sign-off...
    git(repo, "checkout", "-q", "main")
    commit(repo, {"README.md": "x\n"}, "2026-02-02T00:00:00+00:00")
    git(repo, "merge", "-q", "--no-ff", "-m", "merge feature", "feature", date="2026-04-10T00:00:00+00:00")
    merge = git(repo, "rev-parse", "--short=7", "HEAD")
    result = lint_json(repo / "mlprodlint.yaml", "--select", "SEC042", cwd=repo)
    # ...but merged into main after it: the merge commit is what changed main's code.
    messages = [f["message"] for f in result.json()["findings"]]
    assert len(messages) == 1 and f"commit {merge} (2026-04-10)" in messages[0]


def test_git_runs_once_per_repository_and_only_when_needed(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(repo / "other/mlprodlint.yaml", MANIFEST)
    commit(repo, {"src/model.py": "A = 2\n"}, "2026-04-02T10:00:00+00:00")
    calls: list[list[str]] = []
    real_run = subprocess.run

    def counting_run(command, *args, **kwargs):  # type: ignore[no-untyped-def]
        # The JSON report's own provenance (HEAD commit, remote URL: issue 12) is not history.
        if not ({"-1", "remote.origin.url"} & set(command)):
            calls.append(list(command))
        return real_run(command, *args, **kwargs)

    monkeypatch.setattr(subprocess, "run", counting_run)
    result = lint_json(repo, "--select", "SEC042,GOV042", cwd=repo)
    assert {(f["path"], f["rule_id"]) for f in result.json()["findings"]} == {
        ("mlprodlint.yaml", "SEC042"), ("mlprodlint.yaml", "GOV042"),
        ("other/mlprodlint.yaml", "SEC042"), ("other/mlprodlint.yaml", "GOV042"),
    }
    assert len(calls) == 1 and "log" in calls[0]
    calls.clear()
    lint_json(repo, "--select", "OWN", cwd=repo)
    assert calls == []


def test_without_git_only_the_age_rule_applies(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    commit(repo, {"src/model.py": "A = 2\n"}, "2026-04-02T10:00:00+00:00")
    write(repo / ".mlprodlint.toml", "[options]\nsignoff_max_age_days = 200\n")
    monkeypatch.setenv("PATH", str(repo / "no-such-bin"))  # no git binary to be found
    result = lint_json(repo / "mlprodlint.yaml", "--select", "SEC042,GOV042,SEC002", cwd=repo)
    assert result.exit_code == 1, result.stderr
    # 2026-03-01 is 270 days before TODAY: over the configured 200, and SEC042 cannot tell.
    assert {(f["rule_id"], f["line"]) for f in result.json()["findings"]} == {("SEC002", 15)}


def test_environment_cannot_redirect_git(repo: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    commit(repo, {"src/model.py": "A = 2\n"}, "2026-04-02T10:00:00+00:00")
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    git(elsewhere, "init", "-q")
    monkeypatch.setenv("GIT_DIR", str(elsewhere / ".git"))
    result = lint_json(repo / "mlprodlint.yaml", "--select", "SEC042", cwd=repo)
    assert [f["rule_id"] for f in result.json()["findings"]] == ["SEC042"]


@pytest.mark.parametrize(
    ("file", "declared", "matches"),
    [
        ("src/a.py", "src/", True),
        ("src/a.py", "src", True),
        ("srcx/a.py", "src", False),
        ("src/a.py", "/src/", True),
        ("src/a.py", "./src", True),
        ("src/a.py", "src/a.py", True),
        ("models/x/train.py", "models/*/train.py", True),
        ("models/x/y/z.py", "models/*", True),
        ("a.py", ".", True),
    ],
)
def test_declared_paths(file: str, declared: str, matches: bool) -> None:
    assert path_matches(file, declared) is matches


def test_a_broken_git_folder_never_reads_the_enclosing_repository(repo: Path) -> None:
    from mlprodlint.repo.facts import read_history

    inner = repo / "vendored"
    (inner / ".git").mkdir(parents=True)  # not a repository: git would walk up to `repo`
    assert read_history(repo).commits
    assert read_history(inner).commits == () and read_history(inner).absent == "not a git repository"


def test_an_unhashable_group_value_is_judged_alone_not_a_crash(repo: Path) -> None:
    # `role: [model-risk]` is a schema error, but the git check must not crash (exit 3) on it.
    manifest = MANIFEST.replace("{role: model-risk, by: a@acme.com", "{role: [model-risk], by: a@acme.com")
    commit(repo, {"mlprodlint.yaml": manifest, "src/model.py": "A = 2\n"}, "2026-04-02T10:00:00+00:00")
    result = lint_json(repo / "mlprodlint.yaml", "--select", "GOV042", cwd=repo)
    assert result.exit_code == 0, result.stderr
    assert findings_of(result) == {("GOV042", 9), ("GOV042", 11)}
