"""Baselines: keyed on (rule, file, JSON pointer), count-aware, atomic, reports fixed entries."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import TODAY, lint_json, run_cli, write

SERVICE = """
apiVersion: mlprodlint/v1
kind: Model
metadata:
  name: {name}
  lifecycle: production
  tier: 1
ownership:
  contact: the team
"""


def _repo(tmp_path: Path) -> Path:
    write(tmp_path / "a" / "mlprodlint.yaml", SERVICE.format(name="a"))
    write(tmp_path / "b" / "mlprodlint.yaml", SERVICE.format(name="b").replace("  contact: the team\n", "  contact: b@acme.example\n  team: '@acme/b'\n"))
    return tmp_path


def _check(tmp_path: Path, *extra: str):  # type: ignore[no-untyped-def]
    return lint_json(tmp_path, "--select", "OWN001,OWN003", *extra, cwd=tmp_path)


def test_write_baseline_is_sorted_versioned_and_keyed_on_pointers(tmp_path: Path) -> None:
    _repo(tmp_path)
    result = run_cli(["check", ".", "--select", "OWN001,OWN003", "--today", TODAY, "--write-baseline", "base.json"], cwd=tmp_path)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == "mlprodlint: wrote baseline base.json (2 finding(s) in 2 manifest(s))\n"
    assert json.loads((tmp_path / "base.json").read_text()) == {
        "version": 1,
        "tool": "mlprodlint",
        "findings": [
            {"path": "a/mlprodlint.yaml", "rule_id": "OWN001", "pointer": "/ownership/team", "count": 1},
            {"path": "a/mlprodlint.yaml", "rule_id": "OWN003", "pointer": "/ownership/contact", "count": 1},
        ],
    }
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".base.json")] == []  # no temp left


def test_baseline_hides_known_findings_and_survives_edits_elsewhere(tmp_path: Path) -> None:
    _repo(tmp_path)
    assert run_cli(["check", ".", "--select", "OWN001,OWN003", "--today", TODAY, "--write-baseline", "base.json"], cwd=tmp_path).exit_code == 0
    manifest = tmp_path / "a" / "mlprodlint.yaml"
    # Lines shift: a description is added above the findings.
    manifest.write_text(manifest.read_text().replace("  name: a\n", "  name: a\n  description: >-\n    Scores things.\n"))
    result = _check(tmp_path, "--baseline", "base.json")
    assert result.exit_code == 0
    summary = result.json()["summary"]
    assert result.json()["findings"] == []
    assert summary["baseline"] == {"path": "base.json", "baselined": 2, "fixed": 0}
    text = run_cli(["check", ".", "--select", "OWN001,OWN003", "--today", TODAY, "--baseline", "base.json"], cwd=tmp_path)
    assert text.exit_code == 0
    assert text.stdout.splitlines()[-1] == (
        "2 manifests checked, 0 finding(s) (0 errors, 0 warnings, 0 info), 0 waived, 2 baselined "
        "(0 baseline entries fixed). PASSED: nothing at or above error."
    )


def test_new_violation_in_another_file_is_not_absorbed(tmp_path: Path) -> None:
    _repo(tmp_path)
    run_cli(["check", ".", "--select", "OWN001,OWN003", "--today", TODAY, "--write-baseline", "base.json"], cwd=tmp_path)
    manifest_b = tmp_path / "b" / "mlprodlint.yaml"
    manifest_b.write_text(manifest_b.read_text().replace("  team: '@acme/b'\n", ""))  # b now lacks a team, like a
    result = _check(tmp_path, "--baseline", "base.json")
    assert result.exit_code == 1
    assert [(f["rule_id"], f["path"], f["line"]) for f in result.json()["findings"]] == [("OWN001", "b/mlprodlint.yaml", 7)]
    assert result.json()["summary"]["baseline"]["baselined"] == 2


def test_baseline_counts_identical_keys_and_reports_fixed_entries(tmp_path: Path) -> None:
    _repo(tmp_path)
    write(tmp_path / "base.json", json.dumps({"version": 1, "tool": "mlprodlint", "findings": [
        {"path": "a/mlprodlint.yaml", "rule_id": "OWN001", "pointer": "/ownership/team", "count": 1},
        {"path": "gone/mlprodlint.yaml", "rule_id": "OWN001", "pointer": "/ownership/team", "count": 2},
    ]}))
    result = _check(tmp_path, "--baseline", "base.json")
    assert result.exit_code == 0  # OWN003 is a warning: reported, not failing
    assert [(f["rule_id"], f["path"]) for f in result.json()["findings"]] == [("OWN003", "a/mlprodlint.yaml")]
    assert result.json()["summary"]["baseline"] == {"path": "base.json", "baselined": 1, "fixed": 2}


def test_one_entry_absorbs_one_finding_only(tmp_path: Path) -> None:
    # Entries are counts: two entries with one key absorb at most two findings (here: one).
    write(tmp_path / "a" / "mlprodlint.yaml", SERVICE.format(name="a"))
    write(tmp_path / "base.json", json.dumps({"version": 1, "tool": "mlprodlint", "findings": [
        {"path": "a/mlprodlint.yaml", "rule_id": "OWN001", "pointer": "/ownership/team", "count": 1},
        {"path": "a/mlprodlint.yaml", "rule_id": "OWN001", "pointer": "/ownership/team", "count": 1},
    ]}))
    result = lint_json(tmp_path, "--select", "OWN001", "--baseline", "base.json", cwd=tmp_path)
    assert result.json()["summary"]["baseline"] == {"path": "base.json", "baselined": 1, "fixed": 1}


def test_baseline_paths_are_relative_to_the_baseline_file(tmp_path: Path) -> None:
    _repo(tmp_path)
    (tmp_path / "ci").mkdir()
    run_cli(["check", ".", "--select", "OWN001,OWN003", "--today", TODAY, "--write-baseline", "ci/base.json"], cwd=tmp_path)
    paths = {e["path"] for e in json.loads((tmp_path / "ci" / "base.json").read_text())["findings"]}
    assert paths == {"../a/mlprodlint.yaml"}
    # Run from another folder: the same findings are still absorbed.
    result = lint_json(Path("."), "--select", "OWN001,OWN003", "--baseline", "../ci/base.json", cwd=tmp_path / "a")
    assert (result.exit_code, result.json()["findings"]) == (0, [])


def test_broken_or_missing_baseline_is_exit_2(tmp_path: Path) -> None:
    _repo(tmp_path)
    missing = _check(tmp_path, "--baseline", "nope.json")
    assert missing.exit_code == 2
    assert "nope.json: baseline file not found (create it with --write-baseline)" in missing.stderr
    write(tmp_path / "bad.json", '{"version": 1,\n "findings": [}\n')
    bad = _check(tmp_path, "--baseline", "bad.json")
    assert bad.exit_code == 2
    assert "bad.json:2:15: baseline is not valid JSON" in bad.stderr
    write(tmp_path / "old.json", '{"version": 0, "findings": []}')
    assert "unsupported baseline version 0" in _check(tmp_path, "--baseline", "old.json").stderr
    both = _check(tmp_path, "--baseline", "old.json", "--write-baseline", "x.json")
    assert both.exit_code == 2 and "exclude each other" in both.stderr
