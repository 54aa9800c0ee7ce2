"""Changed files only: --diff REV and pre-commit's file list (--changed-files)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import TODAY, run_cli, write

SERVICE = """
apiVersion: mlprodlint/v1
kind: Model
metadata:
  name: {name}
  lifecycle: production
  tier: 1
ownership:
  team: "@acme/{name}"
alerting:
  alerts:
    - name: high-error-rate
      runbook: docs/runbook.md#errors
"""


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
                   cwd=repo, check=True, capture_output=True)


def _monorepo(tmp_path: Path) -> Path:
    for name in ("fraud", "churn", "recs"):
        write(tmp_path / "services" / name / "mlprodlint.yaml", SERVICE.format(name=name))
        write(tmp_path / "services" / name / "docs" / "runbook.md", "# Runbook\n\n## Errors\n\nRestart it.\n")
    write(tmp_path / "shared" / "alerts.yaml", "groups: []\n")
    # churn points at a shared file outside its folder, relative to the repository root.
    manifest = tmp_path / "services" / "churn" / "mlprodlint.yaml"
    manifest.write_text(manifest.read_text() + "  rules_file: shared/alerts.yaml\n")
    write(tmp_path / "README.md", "# repo\n")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "init")
    return tmp_path


def _linted(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [m["path"] for m in result.json()["manifests"]]


def _check(repo: Path, *args: str):  # type: ignore[no-untyped-def]
    return run_cli(["check", "--format", "json", "--today", TODAY, "--select", "OWN001", *args], cwd=repo)


def test_diff_selects_manifests_whose_referenced_files_changed(tmp_path: Path) -> None:
    repo = _monorepo(tmp_path)
    assert _linted(_check(repo, "--diff", "HEAD")) == []
    (repo / "services" / "fraud" / "docs" / "runbook.md").write_text("# Runbook\n")  # edited runbook
    (repo / "shared" / "alerts.yaml").write_text("groups: [{name: x}]\n")  # referenced from the root
    result = _check(repo, "--diff", "HEAD")
    assert result.exit_code == 0
    assert _linted(result) == ["services/churn/mlprodlint.yaml", "services/fraud/mlprodlint.yaml"]


def test_diff_counts_untracked_and_deleted_files_and_the_manifest_itself(tmp_path: Path) -> None:
    repo = _monorepo(tmp_path)
    (repo / "services" / "recs" / "docs" / "runbook.md").unlink()  # deleted: recs must re-run
    write(repo / "services" / "churn" / "notes.txt", "new untracked file in churn's folder\n")
    write(repo / "services" / "fraud" / "mlprodlint.yaml", SERVICE.format(name="fraud").replace("  team: \"@acme/fraud\"\n", ""))
    result = _check(repo, "--diff", "HEAD")
    assert result.exit_code == 1
    assert _linted(result) == [
        "services/churn/mlprodlint.yaml", "services/fraud/mlprodlint.yaml", "services/recs/mlprodlint.yaml",
    ]
    assert [(f["rule_id"], f["path"]) for f in result.json()["findings"]] == [("OWN001", "services/fraud/mlprodlint.yaml")]


def test_diff_paths_bound_the_search_and_bad_revisions_are_exit_2(tmp_path: Path) -> None:
    repo = _monorepo(tmp_path)
    (repo / "services" / "fraud" / "docs" / "runbook.md").write_text("# Runbook\n")
    (repo / "services" / "churn" / "docs" / "runbook.md").write_text("# Runbook\n")
    assert _linted(_check(repo, "services/churn", "--diff", "HEAD")) == ["services/churn/mlprodlint.yaml"]
    bad = _check(repo, "--diff", "no-such-rev")
    assert bad.exit_code == 2
    assert "--diff no-such-rev: git diff failed: fatal: bad revision 'no-such-rev'" in bad.stderr


def test_changed_files_maps_pre_commit_file_lists_to_manifests(tmp_path: Path) -> None:
    repo = _monorepo(tmp_path)
    result = _check(repo, "--changed-files", "services/recs/docs/runbook.md", "README.md")
    assert result.exit_code == 0
    assert _linted(result) == ["services/recs/mlprodlint.yaml"]
    shared = _check(repo, "--changed-files", "shared/alerts.yaml", "services/fraud/mlprodlint.yaml")
    assert _linted(shared) == ["services/churn/mlprodlint.yaml", "services/fraud/mlprodlint.yaml"]
    nothing = run_cli(["check", "--today", TODAY, "--changed-files", "README.md"], cwd=repo)
    assert nothing.exit_code == 0
    assert nothing.stderr == "mlprodlint: no manifest is affected by the changed files\n"
    # Nothing was judged: the summary must not claim a pass.
    assert "PASSED" not in nothing.stdout
    assert nothing.stdout.strip().endswith("NOTHING CHECKED: no manifest was affected.")


def test_codeowners_and_code_paths_affect_the_manifests_that_depend_on_them(tmp_path: Path) -> None:
    repo = _monorepo(tmp_path)
    fraud = repo / "services" / "fraud" / "mlprodlint.yaml"
    fraud.write_text(fraud.read_text().replace("  tier: 1\n", "  tier: 1\n  paths: [src/fraud/]\n"))
    recs = repo / "services" / "recs" / "mlprodlint.yaml"
    recs.write_text(recs.read_text().replace("  tier: 1\n", "  tier: 1\n  paths: ['src/recs/**/*.py']\n"))
    _git(repo, "commit", "-qam", "paths")
    # A commit to a model's code (outside its manifest's folder) re-runs its staleness rules.
    assert _linted(_check(repo, "--changed-files", "src/fraud/model.py")) == ["services/fraud/mlprodlint.yaml"]
    assert _linted(_check(repo, "--changed-files", "src/recs/tower/net.py")) == ["services/recs/mlprodlint.yaml"]
    assert _linted(_check(repo, "--changed-files", "src/recs/README.md")) == []
    # CODEOWNERS governs every manifest below its folder (.github/ governs the repository).
    assert _linted(_check(repo, "--changed-files", ".github/CODEOWNERS")) == [
        "services/churn/mlprodlint.yaml", "services/fraud/mlprodlint.yaml", "services/recs/mlprodlint.yaml",
    ]
    assert _linted(_check(repo, "--changed-files", "services/churn/CODEOWNERS")) == ["services/churn/mlprodlint.yaml"]


def test_a_second_changed_files_run_reads_references_from_the_cache_and_edits_invalidate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    repo = _monorepo(tmp_path / "repo")
    assert _linted(_check(repo, "--changed-files", "shared/alerts.yaml")) == ["services/churn/mlprodlint.yaml"]
    entries = list((tmp_path / "home-cache" / "mlprodlint" / "results" / "references").rglob("*.json"))
    assert len(entries) == 3  # one per manifest of the monorepo

    import mlprodlint.platform.changed as changed

    def no_parse(*args: object) -> None:
        raise AssertionError("a manifest was parsed although its references were cached")

    with monkeypatch.context() as patched:
        patched.setattr(changed, "_parse_references", no_parse)
        assert _linted(_check(repo, "--changed-files", "shared/alerts.yaml")) == ["services/churn/mlprodlint.yaml"]
    fraud = repo / "services" / "fraud" / "mlprodlint.yaml"
    fraud.write_text(fraud.read_text() + "  rules_file: ../../shared/alerts.yaml\n")
    assert _linted(_check(repo, "--changed-files", "shared/alerts.yaml")) == [
        "services/churn/mlprodlint.yaml", "services/fraud/mlprodlint.yaml",
    ]
    assert _linted(_check(repo, "--changed-files", "shared/alerts.yaml", "--no-cache")) == [
        "services/churn/mlprodlint.yaml", "services/fraud/mlprodlint.yaml",
    ]
