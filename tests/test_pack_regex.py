"""Custom-pack regular expressions cannot hang a run: catastrophic shapes are rejected at load
with file and line, and over-long values are not matched at all (a finding says so)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from conftest import EXAMPLES, TODAY, run_cli, write

PACK = """
pack: {{name: team, version: 0.1.0}}
rules:
  - id: TEAM001
    name: team-name
    title: Name is plain
    area: custom
    severity: error
    check:
      function: matches
      args:
        path: metadata.name
        pattern: '{pattern}'
    message: "Name: {{detail}}"
    rationale: r
    fix: f
"""


@pytest.mark.parametrize("pattern", [r"^(a+)+$", r"(a|a)*", r"(.*)*", r"^(\w+\s?)*$", r"(x+x+)+y"])
def test_rules_validate_rejects_catastrophic_patterns_at_their_line(tmp_path: Path, pattern: str) -> None:
    write(tmp_path / "pack" / "p.yaml", PACK.format(pattern=pattern))
    result = run_cli(["rules", "validate", "pack"], cwd=tmp_path)
    assert result.exit_code == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"pack/p.yaml:12:9: rule TEAM001: pattern {pattern!r}: "), first
    assert "can take exponential time" in first
    run = run_cli(["check", str(EXAMPLES / "fraud-scoring"), "--rules-dir", "pack", "--today", TODAY], cwd=tmp_path)
    assert run.exit_code == 2 and "pack/p.yaml:12:9: rule TEAM001" in run.stderr


@pytest.mark.parametrize("pattern", [r"^([a-z0-9]+-)*[a-z0-9]+$", r"^[a-z]+(\.[a-z]+)*$", r"^(ab)+$"])
def test_ordinary_repetitions_are_accepted(tmp_path: Path, pattern: str) -> None:
    write(tmp_path / "pack" / "p.yaml", PACK.format(pattern=pattern))
    result = run_cli(["rules", "validate", "pack"], cwd=tmp_path)
    assert (result.exit_code, result.stdout) == (0, "pack: valid (1 pack file(s), 1 rule(s))\n")


def test_an_over_long_value_is_not_matched_and_does_not_pass(tmp_path: Path) -> None:
    write(tmp_path / "pack" / "p.yaml", PACK.format(pattern=r"^[a-z]+(-[a-z]+)*$"))
    write(tmp_path / "svc" / "mlprodlint.yaml", f"""
        apiVersion: mlprodlint/v1
        kind: Model
        metadata:
          name: {"a-" * 6000}a
          lifecycle: production
          tier: 1
        ownership:
          team: "@acme/x"
    """)
    started = time.monotonic()
    result = run_cli(["check", "svc", "--rules-dir", "pack", "--select", "TEAM", "--format", "json",
                      "--today", TODAY, "--no-cache"], cwd=tmp_path)
    assert time.monotonic() - started < 10
    found = [(f["rule_id"], f["line"], f["message"]) for f in result.json()["findings"] if f["rule_id"] == "TEAM001"]
    assert found == [("TEAM001", 4, "Name: metadata.name is longer than 10000 characters, too long to match against the pattern")]
    assert result.exit_code == 1
