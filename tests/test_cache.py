"""The result cache: a second run reuses outcomes, and anything that could change them misses."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLES, TODAY, findings_of, lint_json, run_cli, write


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))  # cache folder and secret
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    shutil.copytree(EXAMPLES / "fraud-scoring", root / "fraud")
    shutil.copytree(EXAMPLES / "churn-batch", root / "churn")
    return root


def _folder(repo: Path) -> Path:
    return repo.parent / "home-cache" / "mlprodlint" / "results"


def _entries(repo: Path, kind: str) -> list[Path]:
    return sorted((_folder(repo) / kind).rglob("*.json"))


def _check(repo: Path, *extra: str, today: str = TODAY) -> tuple[int, str]:
    result = run_cli(["check", ".", "--format", "json", "--today", today, *extra], cwd=repo)
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stdout


def test_second_run_reuses_the_cache_with_identical_output(repo: Path) -> None:
    first = _check(repo)
    outcomes = _entries(repo, "outcomes")
    assert len(outcomes) == 2 and not (_folder(repo) / "rules").exists()  # one cache layer: outcomes
    stamps = [p.stat().st_mtime_ns for p in outcomes]
    assert _check(repo) == first
    assert [p.stat().st_mtime_ns for p in _entries(repo, "outcomes")] == stamps  # read, not rewritten
    assert (_folder(repo) / "CACHEDIR.TAG").read_bytes().startswith(b"Signature: 8a477f59")
    assert sorted(p.name for p in repo.iterdir()) == [".git", "churn", "fraud"]  # nothing added to the tree


def test_no_cache_writes_nothing_and_gives_the_same_result(repo: Path) -> None:
    uncached = _check(repo, "--no-cache")
    assert not _folder(repo).exists()
    assert _check(repo) == uncached


def test_a_referenced_file_changing_invalidates(repo: Path) -> None:
    before = _check(repo)
    assert before[0] == 1
    runbook = repo / "fraud" / "docs" / "runbook.md"
    assert runbook.exists()
    runbook.unlink()  # evidence rules read it: the fraud manifest must be linted again
    after = _check(repo)
    assert after == _check(repo, "--no-cache")
    assert after != before


def test_the_date_and_options_are_part_of_the_key(repo: Path) -> None:
    _check(repo)
    later = _check(repo, today="2031-01-01")
    assert later == _check(repo, "--no-cache", today="2031-01-01")
    assert len(_entries(repo, "outcomes")) == 4
    selected = _check(repo, "--select", "OWN")
    assert selected == _check(repo, "--no-cache", "--select", "OWN")


def test_a_manifest_edit_invalidates(repo: Path) -> None:
    _check(repo)
    manifest = repo / "churn" / "mlprodlint.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("lifecycle: production", "lifecycle: staging"), encoding="utf-8")
    assert _check(repo) == _check(repo, "--no-cache")


def test_a_foreign_or_tampered_cache_is_ignored(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = _check(repo)
    for entry in _entries(repo, "outcomes"):
        entry.write_bytes(entry.read_bytes()[:32] + b"\x80\x04garbage")
    assert _check(repo) == expected
    # Another user's cache is signed with another secret: ignored, never loaded.
    monkeypatch.setenv("MLPRODLINT_CACHE_DIR", str(_folder(repo)))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "someone-else"))
    assert _check(repo) == expected


def test_an_unwritable_cache_folder_is_not_an_error(repo: Path) -> None:
    _folder(repo).parent.mkdir(parents=True)
    _folder(repo).write_text("not a folder", encoding="utf-8")
    assert _check(repo) == _check(repo, "--no-cache")


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_commit_in_a_git_worktree_invalidates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A worktree's branch ref lives in the main repository's refs/ (its `commondir`), not in
    # .git/worktrees/NAME: a commit there changes history (SEC042) and must miss the cache.
    import os
    import subprocess

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))

    def git(cwd: Path, *args: str, date: str = "2026-01-01T00:00:00+00:00") -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
        env.update({"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(tmp_path)})
        subprocess.run(
            ["git", "-c", "user.name=T", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false",
             "-c", "init.defaultBranch=main", *args],
            cwd=cwd, env=env, check=True, capture_output=True,
        )

    main_repo, worktree = tmp_path / "main", tmp_path / "wt"
    write(main_repo / "mlprodlint.yaml", """\
        apiVersion: mlprodlint/v1
        kind: Model
        metadata: {name: fraud, lifecycle: production, paths: [src/]}
        security:
          signoff: {by: sec@acme.com, date: 2026-03-01}
        """)
    for index in range(120):  # an index larger than the part of it the snapshot reads
        write(main_repo / f"src/f{index}.py", f"A = {index}\n")
    git(main_repo, "init", "-q")
    git(main_repo, "add", "-A")
    git(main_repo, "commit", "-q", "-m", "init")
    git(main_repo, "worktree", "add", "-q", str(worktree), "-b", "feature")
    write(worktree / "src/f1.py", "A = 'changed'\n")
    git(worktree, "add", "src/f1.py")

    def sec042(*extra: str) -> set[tuple[str, int]]:
        return findings_of(lint_json(worktree / "mlprodlint.yaml", "--select", "SEC042", *extra, cwd=worktree))

    assert sec042() == set()
    git(worktree, "commit", "-q", "-m", "change", date="2026-04-01T00:00:00+00:00")
    assert sec042("--no-cache") == {("SEC042", 5)}
    assert sec042() == {("SEC042", 5)}


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_large_git_repository_is_keyed_by_git_status_and_never_goes_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Past SMALL_TREE files the key comes from git (HEAD, status, stat of each file it lists)
    # instead of a walk: every kind of change a rule could see must still miss the cache.
    import os
    import subprocess

    import mlprodlint.engine.cache as cache_module

    monkeypatch.setattr(cache_module, "SMALL_TREE", 0)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLES / "fraud-scoring", root)
    write(root / ".gitignore", "generated/\n")
    write(root / "generated" / "notes.md", "# Notes\n")

    def git(*args: str) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
        env.update({"GIT_CONFIG_NOSYSTEM": "1", "HOME": str(tmp_path)})
        subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false",
                        "-c", "init.defaultBranch=main", *args], cwd=root, env=env, check=True, capture_output=True)

    git("init", "-q")
    git("add", "-A")
    git("commit", "-q", "-m", "init")
    assert cache_module._git_worktree_state(root) is not None  # the git path is the one tested

    def same_as_uncached() -> None:
        cached = _check(root)
        assert cached == _check(root, "--no-cache")

    runbook = root / "docs" / "runbook.md"
    same_as_uncached()
    runbook.write_text("# Runbook\n", encoding="utf-8")  # a tracked file modified: anchors gone
    same_as_uncached()
    runbook.write_text("# Runbook\n\n## High error rate\n", encoding="utf-8")  # modified again
    same_as_uncached()
    git("update-index", "--assume-unchanged", "docs/runbook.md")
    runbook.write_text("", encoding="utf-8")  # git is told not to look: the key still does
    same_as_uncached()
    git("update-index", "--no-assume-unchanged", "docs/runbook.md")
    git("checkout", "--", "docs/runbook.md")
    same_as_uncached()
    manifest = root / "mlprodlint.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8") + "\n# see generated/notes.md\n", encoding="utf-8")
    same_as_uncached()
    (root / "generated" / "notes.md").write_text("", encoding="utf-8")  # an ignored file changed
    same_as_uncached()
    git("add", "-A")
    git("commit", "-q", "-m", "second")
    same_as_uncached()
    git("config", "core.ignoreStat", "true")  # the repository asks git not to look: overridden
    git("add", "-A")
    runbook.write_text("# Runbook\n", encoding="utf-8")
    same_as_uncached()
