"""The hook in .pre-commit-hooks.yaml, driven by the real `pre-commit` tool in a temporary repo.

pre-commit installs mlprodlint from a snapshot of this repository into its own virtualenv
(from PyPI-resolvable dependencies), exactly as a user's pre-commit would. Building that
virtualenv is most of the cost, so both tests share one PRE_COMMIT_HOME (one build) and run in
the same xdist worker (`--dist loadfile`); `pre-commit try-repo` is not used because it builds a
fresh environment in a throw-away store on every call.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO_ROOT, write

PRE_COMMIT = Path(sys.executable).parent / "pre-commit"
SNAPSHOT_ITEMS = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "mlprodlint", "rules", "schemas")

BROKEN = """
apiVersion: mlprodlint/v1
kind: Model
metadata:
  name: pricing
  lifecycle: experimental
"""
FIXED = BROKEN + """
ownership:
  team: "@acme/pricing"
  contact: pricing@acme.example
"""


def _git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com",
        "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com",
    }
    return subprocess.run(["git", *args], cwd=cwd, env=env, text=True, capture_output=True, check=check)


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A git repo holding a snapshot of this project's working tree (committed or not)."""
    repo = tmp_path_factory.mktemp("hook-repo")
    for item in SNAPSHOT_ITEMS:
        source = REPO_ROOT / item
        if source.is_dir():
            shutil.copytree(source, repo / item, ignore=shutil.ignore_patterns("__pycache__", "_bundled"))
        else:
            shutil.copy2(source, repo / item)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "snapshot")
    sha = _git(repo, "rev-parse", "HEAD").stdout.strip()
    return repo, sha


@pytest.fixture(scope="module")
def pre_commit_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("pre-commit-home")
    return {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}


def _pre_commit(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(PRE_COMMIT), *args], cwd=cwd, env=env, text=True, capture_output=True, timeout=600)


def test_commit_with_broken_manifest_is_blocked_and_fixed_one_passes(
    tmp_path: Path, hook_repo: tuple[Path, str], pre_commit_env: dict[str, str]
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    _git(project, "init", "-q", "-b", "main")
    _hook_config(project, hook_repo)
    installed = _pre_commit(project, pre_commit_env, "install")
    assert installed.returncode == 0, installed.stderr

    write(project / "svc" / "mlprodlint.yaml", BROKEN)
    _git(project, "add", "-A")
    env = {**pre_commit_env, "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.com"}
    blocked = subprocess.run(["git", "commit", "-m", "broken"], cwd=project, env=env, text=True, capture_output=True, timeout=600)
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0, output
    assert "svc/mlprodlint.yaml:1:1: OWN001 [error] No owning team: ownership.team is missing" in output
    assert _git(project, "rev-list", "--all", check=False).stdout == ""  # nothing was committed

    write(project / "svc" / "mlprodlint.yaml", FIXED)
    _git(project, "add", "-A")
    passed = subprocess.run(["git", "commit", "-m", "fixed"], cwd=project, env=env, text=True, capture_output=True, timeout=600)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "mlprodlint (ML production readiness)" in passed.stdout + passed.stderr


def _hook_config(project: Path, hook_repo: tuple[Path, str]) -> None:
    repo_path, sha = hook_repo
    write(
        project / ".pre-commit-config.yaml",
        f"""
        repos:
          - repo: {repo_path.as_posix()}
            rev: {sha}
            hooks:
              - id: mlprodlint
        """,
    )


def test_run_with_files_runs_the_hook_on_given_files(
    tmp_path: Path, hook_repo: tuple[Path, str], pre_commit_env: dict[str, str]
) -> None:
    """`pre-commit run --files` (how CI and editors run a hook): fails on a broken manifest, passes once fixed."""
    project = tmp_path / "project"
    project.mkdir()
    _git(project, "init", "-q", "-b", "main")
    _hook_config(project, hook_repo)
    write(project / "mlprodlint.yaml", BROKEN)
    _git(project, "add", "-A")
    failing = _pre_commit(project, pre_commit_env, "run", "mlprodlint", "--files", "mlprodlint.yaml")
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "mlprodlint.yaml:1:1: OWN001 [error]" in failing.stdout
    write(project / "mlprodlint.yaml", FIXED)
    _git(project, "add", "-A")
    passing = _pre_commit(project, pre_commit_env, "run", "mlprodlint", "--files", "mlprodlint.yaml")
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "mlprodlint (ML production readiness)" in passing.stdout


def test_deleting_a_referenced_model_card_is_blocked(
    tmp_path: Path, hook_repo: tuple[Path, str], pre_commit_env: dict[str, str]
) -> None:
    """Issue 9.8: pre-commit passes no file for a deletion; the hook still runs and catches it."""
    project = tmp_path / "project"
    project.mkdir()
    _git(project, "init", "-q", "-b", "main")
    _hook_config(project, hook_repo)
    assert _pre_commit(project, pre_commit_env, "install").returncode == 0
    write(project / "svc" / "mlprodlint.yaml", FIXED + "governance:\n  model_card: docs/model_card.md\n")
    write(project / "svc" / "docs" / "model_card.md", "# Pricing model\n\n" + "It prices baskets from past orders. " * 10 + "\n")
    env = {**pre_commit_env, "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.com"}
    _git(project, "add", "-A")
    first = subprocess.run(["git", "commit", "-m", "card"], cwd=project, env=env, text=True, capture_output=True, timeout=600)
    assert first.returncode == 0, first.stdout + first.stderr
    _git(project, "rm", "-q", "svc/docs/model_card.md")
    blocked = subprocess.run(["git", "commit", "-m", "drop card"], cwd=project, env=env, text=True, capture_output=True, timeout=600)
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0, output
    assert "svc/mlprodlint.yaml:11:3: GOV040 [error]" in output, output
    assert "points at svc/docs/model_card.md, which does not exist" in output
    assert _git(project, "rev-list", "--count", "HEAD").stdout.strip() == "1"  # the deletion was not committed
