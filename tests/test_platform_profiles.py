"""Profiles (--profile, [profiles] in config) and the --require-level gate."""

from __future__ import annotations

from pathlib import Path

from conftest import TODAY, lint_json, run_cli, write

# Missing OWN005 (business owner, silver) and OWN003 contact format (silver); bronze rules pass.
SERVICE = """
apiVersion: mlprodlint/v1
kind: Model
metadata:
  name: pricing
  lifecycle: production
  tier: 1
ownership:
  team: "@acme/pricing"
  contact: the pricing people
  oncall: pagerduty:pricing
"""


def _ids(result) -> set[str]:  # type: ignore[no-untyped-def]
    return {r["rule_id"] for r in result.json()["results"]}


def test_bronze_profile_runs_only_bronze_rules(tmp_path: Path) -> None:
    write(tmp_path / "mlprodlint.yaml", SERVICE)
    everything = lint_json(tmp_path, "--select", "OWN00,MPL", cwd=tmp_path)
    bronze = lint_json(tmp_path, "--select", "OWN00,MPL", "--profile", "bronze", cwd=tmp_path)
    assert {"OWN003", "OWN005"} <= _ids(everything)
    assert _ids(bronze) == {"OWN001", "OWN002", "OWN004", "MPL001", "MPL002", "MPL003"}
    assert bronze.exit_code == 0
    assert {f["rule_id"] for f in everything.json()["findings"]} == {"OWN003", "OWN005"}


def test_require_level_gates_ci_and_says_what_each_manifest_reached(tmp_path: Path) -> None:
    write(tmp_path / "good" / "mlprodlint.yaml", SERVICE.replace("the pricing people", "pricing@acme.example")
          + "  business_owner: ana@acme.example\n")
    write(tmp_path / "weak" / "mlprodlint.yaml", SERVICE)
    passed = run_cli(["check", "good", "--select", "OWN00", "--today", TODAY, "--require-level", "silver"], cwd=tmp_path)
    assert passed.exit_code == 0, passed.stdout
    # Only OWN bronze and silver rules ran: gold is not claimed.
    assert passed.stderr == "level gate passed: every manifest reaches silver\n  good/mlprodlint.yaml: reached silver (ok)\n"
    failed = run_cli(["check", ".", "--select", "OWN00", "--today", TODAY, "--require-level", "silver", "--fail-on", "error"], cwd=tmp_path)
    assert failed.exit_code == 1  # no error finding: the level gate alone fails the run
    assert "PASSED" in failed.stdout
    assert failed.stderr.splitlines() == [
        "level gate FAILED: 1 of 2 manifest(s) below silver",
        "  good/mlprodlint.yaml: reached silver (ok)",
        "  weak/mlprodlint.yaml: reached bronze (below silver)",
    ]


def test_level_reached_is_capped_at_what_the_profile_ran(tmp_path: Path) -> None:
    write(tmp_path / "mlprodlint.yaml", SERVICE)
    result = run_cli(["check", ".", "--select", "OWN00", "--today", TODAY, "--profile", "silver", "--require-level", "silver"], cwd=tmp_path)
    assert result.exit_code == 1
    assert "mlprodlint.yaml: reached bronze (below silver)" in result.stderr
    bronze = run_cli(["check", ".", "--select", "OWN00", "--today", TODAY, "--profile", "bronze", "--require-level", "bronze"], cwd=tmp_path)
    assert (bronze.exit_code, bronze.stderr.splitlines()[-1]) == (0, "  mlprodlint.yaml: reached bronze (ok)")
    refused = run_cli(["check", ".", "--today", TODAY, "--profile", "bronze", "--require-level", "gold"], cwd=tmp_path)
    assert refused.exit_code == 2
    assert "--require-level gold needs the gold rules, but profile bronze only runs rules up to bronze" in refused.stderr


def test_custom_profile_from_config(tmp_path: Path) -> None:
    write(tmp_path / "mlprodlint.yaml", SERVICE)
    write(tmp_path / "pyproject.toml", """
        [tool.mlprodlint]
        profile = "starter"

        [tool.mlprodlint.profiles.starter]
        select = ["OWN00"]
        level = "bronze"

        [tool.mlprodlint.profiles.tier1]
        select = ["OWN00"]
        require_level = "gold"
        fail_on = "warning"
    """)
    starter = lint_json(tmp_path, cwd=tmp_path)  # the config's default profile
    assert starter.exit_code == 0
    assert _ids(starter) == {"OWN001", "OWN002", "OWN004", "MPL001", "MPL003"}
    tier1 = run_cli(["check", ".", "--today", TODAY, "--profile", "tier1", "--format", "json"], cwd=tmp_path)
    assert tier1.exit_code == 1
    assert tier1.json()["summary"]["fail_on"] == "warning"
    assert "mlprodlint.yaml: reached bronze (below gold)" in tier1.stderr
    unknown = run_cli(["check", ".", "--today", TODAY, "--profile", "tier9"], cwd=tmp_path)
    assert unknown.exit_code == 2
    assert "unknown profile 'tier9' (known: bronze, silver, gold, starter, tier1)" in unknown.stderr


def test_profile_named_like_a_builtin_level_is_a_config_error(tmp_path: Path) -> None:
    write(tmp_path / "mlprodlint.yaml", SERVICE)
    write(tmp_path / ".mlprodlint.toml", "[profiles.gold]\nlevel = \"silver\"\n")
    result = run_cli(["check", ".", "--today", TODAY], cwd=tmp_path)
    assert result.exit_code == 2
    assert ".mlprodlint.toml" in result.stderr
