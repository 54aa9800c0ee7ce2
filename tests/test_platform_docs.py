"""`explain`, `rules`, `schema`, and the generated rule documentation (drift check)."""

from __future__ import annotations

import json

from conftest import REPO_ROOT, run_cli

from mlprodlint.rules.docs import REGENERATE, generated


def test_generated_rule_docs_are_up_to_date() -> None:
    # Compares against whatever rules exist now: adding a rule without regenerating fails here.
    for path, expected in generated(REPO_ROOT).items():
        current = path.read_text(encoding="utf-8") if path.is_file() else ""
        shown = path.relative_to(REPO_ROOT).as_posix()
        assert current == expected, f"{shown} is out of date with the rule packs; run `{REGENERATE}`"


def test_explain_prints_every_section_for_a_pack_rule() -> None:
    result = run_cli(["explain", "own004"])
    assert result.exit_code == 0
    headings = [line for line in result.stdout.splitlines() if line.startswith("#")]
    assert headings == [
        "# OWN004 (oncall-for-production)", "## What it does", "## Why is this bad?", "## Example",
        "## How to fix", "## Applies when", "## Options", "## ML Test Score",
    ]
    assert "Pack: builtin-ownership 1.0.0 · Area: ownership · Severity: error · Level: bronze · Since: 0.1.0" in result.stdout
    assert "lifecycle in production, staging; tier <= 2" in result.stdout
    assert "- `path`: `\"ownership.oncall\"`" in result.stdout


def test_explain_names_the_ml_test_score_tests() -> None:
    rules = run_cli(["rules", "--format", "json"]).json()["rules"]
    cited = next(r for r in rules if "monitor-4" in r["ml_test_score"])
    result = run_cli(["explain", cited["id"]])
    assert "- monitor-4: Models are not too stale" in result.stdout


def test_explain_works_for_engine_rules_and_by_name() -> None:
    result = run_cli(["explain", "waiver-expired"])
    assert result.exit_code == 0
    assert result.stdout.startswith("# WVR001 (waiver-expired)\n")
    assert "Check function: enforced by the mlprodlint engine itself (no options)." in result.stdout


def test_explain_unknown_id_is_exit_2_with_close_matches() -> None:
    result = run_cli(["explain", "OWN04"])
    assert result.exit_code == 2
    assert result.stderr.startswith("mlprodlint: error: unknown rule 'OWN04'; did you mean OWN0")
    nothing = run_cli(["explain", "zzz"])
    assert (nothing.exit_code, nothing.stderr) == (2, "mlprodlint: error: unknown rule 'zzz'; `mlprodlint rules` lists them\n")


def test_rules_lists_a_table_and_filters_by_area() -> None:
    table = run_cli(["rules", "--area", "waivers"])
    assert table.exit_code == 0
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["ID", "NAME", "AREA", "SEVERITY", "LEVEL", "PACK", "TITLE"]
    assert [line.split()[0] for line in lines[1:5]] == ["WVR001", "WVR002", "WVR003", "WVR004"]
    assert lines[-1] == "4 rule(s)"
    bad = run_cli(["rules", "--area", "nope"])
    assert bad.exit_code == 2


def test_rules_json_filters_by_level() -> None:
    result = run_cli(["rules", "--format", "json", "--area", "ownership", "--level", "bronze"])
    rules = result.json()["rules"]
    assert rules and {r["level"] for r in rules} == {"bronze"}
    assert "OWN001" in {r["id"] for r in rules} and "OWN003" not in {r["id"] for r in rules}


def test_schema_prints_each_kind() -> None:
    for kind, title in (("manifest", None), ("rule", "mlprodlint rule pack"), ("config", "mlprodlint configuration")):
        result = run_cli(["schema", "--kind", kind])
        assert result.exit_code == 0
        document = json.loads(result.stdout)
        assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        if title:
            assert document["title"] == title
    default = run_cli(["schema"])
    assert json.loads(default.stdout)["$id"].endswith("manifest.schema.json")


def test_rule_areas_are_written_once() -> None:
    """The rule schema's area enum and the report schema's area keys follow findings.py."""
    from mlprodlint.results.findings import RULE_AREAS, SCORED_AREAS
    from mlprodlint.resources import load_schema

    assert json.dumps(list(RULE_AREAS)) in json.dumps(load_schema("rule.schema.json"))
    assert json.dumps(list(SCORED_AREAS)) in json.dumps(load_schema("report.schema.json"))
