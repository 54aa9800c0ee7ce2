"""The result cache: a second run reuses outcomes, and anything that could change them misses."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLES, TODAY, run_cli


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
    return sorted((_folder(repo) / kind).rglob("*.pickle"))


def _check(repo: Path, *extra: str, today: str = TODAY) -> tuple[int, str]:
    result = run_cli(["check", ".", "--format", "json", "--today", today, *extra], cwd=repo)
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stdout


def test_second_run_reuses_the_cache_with_identical_output(repo: Path) -> None:
    first = _check(repo)
    outcomes = _entries(repo, "outcomes")
    assert len(outcomes) == 2 and len(_entries(repo, "rules")) == 1
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
    import mlprodlint.cache as cache_module

    cache_module._secret.cache_clear()
    try:
        assert _check(repo) == expected
    finally:
        cache_module._secret.cache_clear()


def test_an_unwritable_cache_folder_is_not_an_error(repo: Path) -> None:
    _folder(repo).parent.mkdir(parents=True)
    _folder(repo).write_text("not a folder", encoding="utf-8")
    assert _check(repo) == _check(repo, "--no-cache")
