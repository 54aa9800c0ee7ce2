"""Framework packs: activation by manifest, config and --framework; rules on the legal calendar
(upcoming findings on both sides of effective_from, in every format); control references in
JSON, SARIF (taxonomies, validated against the official schema), `rules --framework`, `explain`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from conftest import REPO_ROOT, TODAY, run_cli, write

from mlprodlint.rules.frameworks import FRAMEWORKS
from mlprodlint.rules.packs import PackRequest, load

SPEC = Path(__file__).resolve().parent / "data" / "spec"
RULES = load(PackRequest()).rules

HIGH_RISK = """\
apiVersion: mlprodlint/v1
kind: Model
metadata:
  name: svc
  lifecycle: production
  tier: 1
compliance:
  frameworks: [eu-ai-act]
  ai_act_risk: high
  ai_act_annex: annex-iii
  human_oversight: Analysts review every decline.
"""
UNLISTED = HIGH_RISK.replace("  frameworks: [eu-ai-act]\n", "")


def check(tmp_path: Path, manifest: str, *args: str, fmt: str = "json", config: str = "") -> tuple[int, str]:
    write(tmp_path / "mlprodlint.yaml", manifest)
    if config:
        write(tmp_path / ".mlprodlint.toml", config)
    result = run_cli(["check", ".", "--format", fmt, "--today", TODAY, "--select", "AIA002", *args], cwd=tmp_path)
    assert result.exit_code in (0, 1), result.stderr
    return result.exit_code, result.stdout


def aia002(stdout: str) -> list[dict]:
    return [r for r in json.loads(stdout)["results"] if r["rule_id"] == "AIA002"]


# --- activation ------------------------------------------------------------------------------


def test_pack_runs_only_for_manifests_that_list_the_framework(tmp_path: Path) -> None:
    _, out = check(tmp_path, UNLISTED, "--today", "2027-12-02")
    assert aia002(out) == []  # out of scope: no result at all, not even not_applicable
    code, out = check(tmp_path, HIGH_RISK, "--today", "2027-12-02")
    assert code == 1 and [r["status"] for r in aia002(out)] == ["fail"]


def test_framework_flag_and_config_enable_a_pack_for_every_manifest(tmp_path: Path) -> None:
    code, out = check(tmp_path, UNLISTED, "--today", "2027-12-02", "--framework", "eu-ai-act")
    assert code == 1 and [r["status"] for r in aia002(out)] == ["fail"]
    code, out = check(tmp_path / "cfg", UNLISTED, "--today", "2027-12-02", config='frameworks = ["eu-ai-act"]\n')
    assert code == 1 and [r["status"] for r in aia002(out)] == ["fail"]


def test_unknown_framework_is_a_usage_error(tmp_path: Path) -> None:
    write(tmp_path / "mlprodlint.yaml", HIGH_RISK)
    result = run_cli(["check", ".", "--framework", "eu-ai-akt"], cwd=tmp_path)
    assert result.exit_code == 2
    assert "no rule pack implements 'eu-ai-akt'" in result.stderr and "Traceback" not in result.stderr


def test_manifest_schema_accepts_the_new_frameworks(tmp_path: Path) -> None:
    manifest = HIGH_RISK.replace("[eu-ai-act]", "[eu-ai-act, nist-ai-rmf, iso-42001, sr-11-7, ml-test-score]")
    write(tmp_path / "mlprodlint.yaml", manifest)
    result = run_cli(["check", ".", "--format", "json", "--today", TODAY, "--select", "MPL002"], cwd=tmp_path)
    assert result.exit_code == 0, result.stdout


# --- the legal calendar ----------------------------------------------------------------------


def test_upcoming_before_the_date_and_failing_from_it(tmp_path: Path) -> None:
    code, out = check(tmp_path, HIGH_RISK, "--today", "2027-12-01")
    document = json.loads(out)
    assert code == 0
    assert document["summary"]["upcoming"] == 1 and document["summary"]["failing"] == 0
    assert document["summary"]["findings"] == 0 and document["summary"]["passed"] is True
    [finding] = document["findings"]
    assert (finding["rule_id"], finding["line"], finding["upcoming"], finding["fails_from"]) == ("AIA002", 1, True, "2027-12-02")
    assert finding["message"].endswith("(fails from 2027-12-02)")
    [result] = aia002(out)
    assert result["status"] == "upcoming" and result["fails_from"] == "2027-12-02"
    assert result["controls"] == {"eu-ai-act": ["Art.9"]}
    # Never counted against the verdict; with only this rule selected nothing else was evaluated,
    # so readiness is not claimed either way.
    assert document["readiness"][0]["verdict"] == "not assessed"
    schema = json.loads((REPO_ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER).validate(document)

    code, out = check(tmp_path, HIGH_RISK, "--today", "2027-12-02")
    document = json.loads(out)
    assert code == 1 and document["summary"]["upcoming"] == 0 and document["summary"]["failing"] == 1
    assert "upcoming" not in document["findings"][0] and "fails from" not in document["findings"][0]["message"]


def test_annex_i_systems_get_the_later_date(tmp_path: Path) -> None:
    manifest = HIGH_RISK.replace("annex-iii", "annex-i")
    assert check(tmp_path, manifest, "--today", "2028-08-01")[0] == 0
    assert check(tmp_path, manifest, "--today", "2028-08-02")[0] == 1


def test_upcoming_in_text_github_junit_and_sarif(tmp_path: Path) -> None:
    code, text = check(tmp_path, HIGH_RISK, fmt="text")
    assert code == 0
    assert "Upcoming (1):\n  mlprodlint.yaml:1:1: AIA002 [upcoming error] No risk management system" in text
    assert "(fails from 2027-12-02)" in text and "1 upcoming. PASSED" in text
    _, github = check(tmp_path, HIGH_RISK, fmt="github")
    assert github.startswith("::notice file=mlprodlint.yaml,line=1,col=1,title=AIA002 risk-management-system::")
    _, junit = check(tmp_path, HIGH_RISK, fmt="junit")
    assert 'skipped="1"' in junit and '<skipped message="upcoming: No risk management system' in junit
    markdown = run_cli(["report", ".", "--format", "markdown", "--today", TODAY, "--select", "AIA002"], cwd=tmp_path)
    assert markdown.exit_code == 0
    assert "- upcoming **AIA002** High-risk AI systems reference their risk management file" in markdown.stdout
    assert "(fails from 2027-12-02)" in markdown.stdout
    assert "1 upcoming finding(s): obligations not yet in force" in markdown.stdout
    _, comment = check(tmp_path, HIGH_RISK, fmt="comment")
    assert "0 waived; 1 upcoming (not yet in force, not failing)." in comment
    _, sarif = check(tmp_path, HIGH_RISK, fmt="sarif")
    [result] = json.loads(sarif)["runs"][0]["results"]
    assert (result["kind"], result["level"], result["properties"]["failsFrom"]) == ("informational", "none", "2027-12-02")


# --- controls --------------------------------------------------------------------------------


def test_sarif_carries_taxonomies_and_validates(tmp_path: Path) -> None:
    write(tmp_path / "mlprodlint.yaml", HIGH_RISK.replace("[eu-ai-act]", "[eu-ai-act, nist-ai-rmf, iso-42001, sr-11-7, ml-test-score]"))
    result = run_cli(["check", ".", "--format", "sarif", "--today", "2027-12-02"], cwd=tmp_path)
    assert result.exit_code == 1, result.stderr
    document = json.loads(result.stdout)
    schema = json.loads((SPEC / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(document)
    run = document["runs"][0]
    names = [t["name"] for t in run["taxonomies"]]
    assert {"eu-ai-act", "nist-ai-rmf", "iso-42001", "sr-11-7", "ml-test-score"} <= set(names)
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    targets = [(rel["target"]["toolComponent"]["name"], rel["target"]["id"]) for rel in rules["CMP012"]["relationships"]]
    assert targets == [("eu-ai-act", "Art.14"), ("iso-42001", "A.9.2"), ("nist-ai-rmf", "MAP 3.5")]
    for rule in rules.values():  # every relationship resolves to the taxon it names
        for rel in rule.get("relationships", ()):
            taxonomy = run["taxonomies"][rel["target"]["toolComponent"]["index"]]
            assert taxonomy["name"] == rel["target"]["toolComponent"]["name"]
            assert taxonomy["taxa"][rel["target"]["index"]]["id"] == rel["target"]["id"]


def test_every_builtin_control_reference_is_in_the_catalogue() -> None:
    for rule in RULES:
        for name, ids in rule.controls:
            assert name in FRAMEWORKS, f"{rule.id}: unknown framework {name}"
            unknown = set(ids) - {c for c, _ in FRAMEWORKS[name].controls}
            assert not unknown, f"{rule.id}: {name} controls {sorted(unknown)} not in mlprodlint/rules/frameworks.py"


def test_ml_test_score_field_is_an_alias_of_the_controls_key() -> None:
    by_id = {rule.id: rule for rule in RULES}
    assert by_id["MON005"].controls_for("ml-test-score") == by_id["MON005"].ml_test_score != ()
    assert dict(by_id["MON005"].controls)["sr-11-7"] == ("V.ongoing-monitoring",)


def test_rules_lists_a_frameworks_rules_with_their_controls(tmp_path: Path) -> None:
    result = run_cli(["rules", "--framework", "eu-ai-act"], cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["ID", "SEVERITY", "LEVEL", "FROM", "CONTROLS", "TITLE"]
    row = next(line for line in lines if line.startswith("AIA004 "))
    assert "Art.10(2)(f), Art.10(2)(g)" in row and "otherwise 2027-12-02" in row
    assert any(line.startswith("CMP011 ") and "Art.5" in line for line in lines)
    assert not any(line.startswith("OWN001 ") for line in lines)
    document = json.loads(run_cli(["rules", "--framework", "nist-ai-rmf", "--format", "json"], cwd=tmp_path).stdout)
    assert all("nist-ai-rmf" in rule["controls"] for rule in document["rules"])
    assert run_cli(["rules", "--framework", "nope"], cwd=tmp_path).exit_code == 2


def test_explain_shows_controls_and_effective_date(tmp_path: Path) -> None:
    result = run_cli(["explain", "AIA004"], cwd=tmp_path)
    assert result.exit_code == 0
    assert "## Controls\n\n- EU AI Act (Regulation (EU) 2024/1689): Art.10(2)(f) (Data governance: examination of possible biases)" in result.stdout
    assert "## Effective from\n\n2028-08-02 when compliance.ai_act_annex == 'annex-i'; otherwise 2027-12-02." in result.stdout
    assert "Art.14 (Human oversight)" in run_cli(["explain", "CMP012"], cwd=tmp_path).stdout


@pytest.mark.parametrize("bad", ["2027-13-01", "soon"])
def test_a_malformed_effective_from_is_a_pack_error_with_its_line(tmp_path: Path, bad: str) -> None:
    write(tmp_path / "pack" / "p.yaml", f"""\
        pack: {{name: p, version: 1.0.0, framework: acme}}
        rules:
          - id: ACM001
            name: a
            title: t
            area: custom
            severity: error
            check: {{function: present, args: {{path: x}}}}
            message: "m {{detail}}"
            rationale: r
            fix: f
            effective_from: "{bad}"
        """)
    result = run_cli(["rules", "validate", str(tmp_path / "pack")], cwd=tmp_path)
    assert result.exit_code == 1
    assert "p.yaml:12:" in result.stdout


# --- the whole ML Test Score ------------------------------------------------------------------


def test_every_ml_test_score_test_is_referenced_by_a_rule() -> None:
    from mlprodlint.report.mltestscore import TESTS

    cited = {test for rule in RULES for test in rule.controls_for("ml-test-score")}
    assert [test for test, _ in TESTS if test not in cited] == []
    assert len(TESTS) == 28


# --- evidence matrix ---------------------------------------------------------------------------


def test_evidence_matrix_never_shows_met_on_nothing(tmp_path: Path) -> None:
    """A control no rule examined is `not assessed`: not run (deselected), not applicable, or
    nothing to check; never `met`. A waived or upcoming rule is `not met`."""
    manifest = HIGH_RISK.replace("[eu-ai-act]", "[eu-ai-act, sr-11-7]")
    write(tmp_path / "mlprodlint.yaml", manifest)
    result = run_cli(["check", ".", "--format", "json", "--today", TODAY, "--select", "CMP011,CMP012,AIA002,SRM003"], cwd=tmp_path)
    readiness = json.loads(result.stdout)["readiness"][0]
    eu = readiness["frameworks"]["eu-ai-act"]
    assert eu["Art.5"] == {"outcome": "met", "rules": ["CMP011"]}
    assert eu["Art.14"] == {"outcome": "met", "rules": ["CMP012"]}
    assert eu["Art.9"]["outcome"] == "not_met"  # AIA002 is upcoming: violated, not yet in force
    assert eu["Art.17"] == {"outcome": "not_assessed", "rules": ["AIA012", "AIA014"]}  # not selected: not run
    sr = readiness["frameworks"]["sr-11-7"]
    assert sr["V.independence"] == {"outcome": "not_assessed", "rules": ["SRM003"]}  # nothing to compare
    for framework in readiness["frameworks"].values():
        for control in framework.values():
            if control["outcome"] == "met":
                assert control["rules"]
    assert set(readiness["frameworks"]) == {"eu-ai-act", "sr-11-7"}  # only the active frameworks

    report = run_cli(["report", ".", "--format", "markdown", "--today", TODAY, "--select", "CMP011,CMP012,AIA002,SRM003"], cwd=tmp_path)
    assert "### Evidence matrix: EU AI Act (Regulation (EU) 2024/1689)" in report.stdout
    assert "| Art.5 Prohibited AI practices | met | CMP011: pass |" in report.stdout
    assert "| Art.17 Quality management system | not assessed | AIA012: not run, AIA014: not run |" in report.stdout
    assert "| Art.9 Risk management system | **not met** | AIA002: upcoming (fails from 2027-12-02)" in report.stdout
    html = run_cli(["report", ".", "--today", TODAY, "--select", "CMP011,CMP012,AIA002,SRM003"], cwd=tmp_path)
    assert "Evidence matrix: SR 11-7 / OCC 2011-12" in html.stdout
    assert '<td class="outcome-not_assessed">not assessed</td>' in html.stdout


def test_waived_rule_does_not_meet_its_control(tmp_path: Path) -> None:
    manifest = HIGH_RISK + """waivers:
  - rule: AIA002
    reason: Risk register migrates to the GRC tool this quarter.
    approved_by: cro@acme.example
    expires: 2028-01-31
"""
    write(tmp_path / "mlprodlint.yaml", manifest)
    result = run_cli(["check", ".", "--format", "json", "--today", "2027-12-02", "--select", "AIA002"], cwd=tmp_path)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["readiness"][0]["frameworks"]["eu-ai-act"]["Art.9"]["outcome"] == "not_met"


def test_ml_test_score_paper_scoring(tmp_path: Path) -> None:
    """Half a point for a test met by documentation, one for a test met by an automated rule;
    the final score is the lowest section."""
    from mlprodlint.results.findings import RuleResult, Severity, Status
    from mlprodlint.results.matrix import ml_test_score

    by_id = {rule.id: rule for rule in RULES}

    def result(rule_id: str, status: Status) -> RuleResult:
        rule = by_id[rule_id]
        return RuleResult("m.yaml", rule_id, rule.name, rule.area, Severity.WARNING, status)

    results = [
        result("MTS002", Status.PASS),  # automated: data-7, infra-2 -> 1 point each
        result("MTS001", Status.PASS),  # documented: data-2, data-3 -> 0.5 each
        result("MTS005", Status.FAIL),  # infra-1, data-6 not met
        result("MTS013", Status.NOT_APPLICABLE),  # monitor-5 not assessed
    ]
    score = ml_test_score(results, by_id)
    assert dict(score.sections) == {"data": 2.0, "model": 0.0, "infra": 1.0, "monitor": 0.0}
    assert score.final == 0.0 and score.meaning.startswith("More of a research project")
    outcomes = {t.id: t.outcome for t in score.tests}
    assert (outcomes["data-7"], outcomes["data-6"], outcomes["monitor-5"]) == ("met", "not_met", "not_assessed")
    assert len(score.tests) == 28


def test_ml_test_score_in_json_and_report(tmp_path: Path) -> None:
    write(tmp_path / "mlprodlint.yaml", HIGH_RISK)
    document = json.loads(run_cli(["check", ".", "--format", "json", "--today", TODAY], cwd=tmp_path).stdout)
    score = document["readiness"][0]["ml_test_score"]
    assert set(score["sections"]) == {"data", "model", "infra", "monitor"}
    assert score["final"] == min(score["sections"].values())
    report = run_cli(["report", ".", "--format", "markdown", "--today", TODAY], cwd=tmp_path).stdout
    assert "ML Test Score, the paper's scoring" in report and f"final **{score['final']}**" in report


# --- Annex IV skeleton -------------------------------------------------------------------------


def test_annex_iv_skeleton_fills_facts_and_names_the_rule_of_each_gap(tmp_path: Path) -> None:
    manifest = HIGH_RISK.replace("metadata:\n", "metadata:\n  description: \"Scores <b>payments</b> [x](javascript:alert(1))\"\n") + """\
governance:
  model_card: docs/model_card.md
  risk_register: docs/risk.md
monitoring:
  model_metrics: [precision, recall]
"""
    write(tmp_path / "mlprodlint.yaml", manifest)
    result = run_cli(["report", ".", "--format", "annex-iv", "--today", "2027-12-02", "-o", "annex-iv.md"], cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    text = (tmp_path / "annex-iv.md").read_text(encoding="utf-8")
    headings = [line for line in text.splitlines() if line.startswith("### ") and line[4].isdigit()]
    assert [h.split(".")[0] for h in headings] == [f"### {n}" for n in range(1, 10)]
    assert "- **Model card (design, logic, key choices):** docs/model\\_card.md" in text
    assert "- **Risk register:** docs/risk.md" in text
    assert "- **Expected accuracy (metrics):** precision; recall" in text
    assert "- **Instructions for use:** TODO (detected by AIA008)" in text
    assert "- **Post-market monitoring plan:** TODO (detected by AIA013)" in text
    assert "- **Risk category:** high" in text
    assert "TODO (not checked by mlprodlint): Annex IV(8)" in text
    assert "not legal advice" in text
    # Manifest text cannot become HTML or a link: every special character is backslash-escaped.
    assert "Scores \\<b\\>payments\\</b\\> \\[x\\](javascript:alert(1))" in text
    assert not re.search(r"(?<!\\)[<\]]", text.split("- **Description:**")[1].splitlines()[0].replace("\\<", "").replace("\\]", ""))


def test_a_prohibited_practice_is_always_an_error(tmp_path: Path) -> None:
    """CMP011 is enforced: neither a severity override nor a waiver makes `unacceptable` pass."""
    manifest = HIGH_RISK.replace("ai_act_risk: high", "ai_act_risk: unacceptable") + """\
waivers:
  - rule: CMP011
    reason: Social scoring pilot approved by the board for Q1.
    approved_by: ceo@acme.example
    expires: 2027-03-31
"""  # ai_act_risk at line 9, the waiver at line 13
    write(tmp_path / "mlprodlint.yaml", manifest)
    write(tmp_path / ".mlprodlint.toml", '[severity]\nCMP011 = "info"\n')
    result = run_cli(["check", ".", "--format", "json", "--today", TODAY, "--select", "CMP011,WVR"], cwd=tmp_path)
    assert result.exit_code == 1, result.stderr
    findings = {(f["rule_id"], f["line"], f["severity"], f["waived"]) for f in json.loads(result.stdout)["findings"]}
    assert findings == {("CMP011", 9, "error", False), ("WVR003", 13, "warning", False)}
    messages = [f["message"] for f in json.loads(result.stdout)["findings"] if f["rule_id"] == "WVR003"]
    assert messages == ["waiver names CMP011, an enforced rule that cannot be waived"]
    assert "Enforced: its severity cannot be overridden" in run_cli(["explain", "CMP011"], cwd=tmp_path).stdout


# --- evidence checks: pure, bounded ------------------------------------------------------------


@pytest.mark.parametrize(("cadence", "days"), [
    ("weekly", 7), ("Monthly", 31), ("every 2 weeks", 14), ("30d", 30), ("every 90 days", 90),
    ("every month", 31), ("on-drift", None), ("when drift > 0.2", None), ("", None),
])
def test_cadence_periods(cadence: str, days: int | None) -> None:
    from mlprodlint.checks.evidence_practices import cadence_days

    assert cadence_days(cadence) == days


def test_requirements_pins() -> None:
    from mlprodlint.checks.evidence_practices import _unpinned

    text = "# pinned\nnumpy==1.26.4\n-r base.txt\npandas>=2\nscikit-learn[alldeps]==1.5 # ok\ngit+https://x/y.git@v1#egg=y\nrequests ~= 2.31\n"
    assert _unpinned(text) == ["pandas", "requests"]


def test_hostile_code_paths_are_bounded(tmp_path: Path) -> None:
    import time

    paths = ", ".join(["../../etc", "/", "src/*"] + [f"d{i}" for i in range(3000)])
    manifest = HIGH_RISK.replace("  tier: 1\n", f"  tier: 1\n  paths: [{paths}]\n").replace("[eu-ai-act]", "[ml-test-score]")
    write(tmp_path / "mlprodlint.yaml", manifest)
    started = time.monotonic()
    result = run_cli(["check", ".", "--format", "json", "--today", TODAY, "--select", "MTS002", "--fail-on", "warning"], cwd=tmp_path)
    assert time.monotonic() - started < 10
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert [(f["rule_id"], f["line"]) for f in json.loads(result.stdout)["findings"]] == [("MTS002", 7)]


def test_a_baseline_never_absorbs_an_upcoming_finding(tmp_path: Path) -> None:
    """Recording debt before a legal date must not hide the obligation once it applies."""
    write(tmp_path / "mlprodlint.yaml", HIGH_RISK)
    wrote = run_cli(["check", ".", "--today", TODAY, "--select", "AIA002", "--write-baseline", "baseline.json"], cwd=tmp_path)
    assert wrote.exit_code == 0, wrote.stderr
    later = run_cli(["check", ".", "--format", "json", "--today", "2027-12-02", "--select", "AIA002",
                     "--baseline", "baseline.json"], cwd=tmp_path)
    assert later.exit_code == 1, later.stdout
    assert [(f["rule_id"], f["line"]) for f in json.loads(later.stdout)["findings"]] == [("AIA002", 1)]
