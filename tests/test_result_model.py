"""The result model through the real CLI: per-rule results are the one store of findings, so the
verdict, level, scores, run summary and results never disagree (baseline included); only
evaluated rules score; root causes block the rules they make moot; ML Test Score states."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import TODAY, lint_json, run_cli, write

# A pack of the tests' own, so that expectations do not move when built-in rules change.
PACK = """
pack: {name: result-tests, version: 1.0.0, description: Rules for the result-model tests.}
rules:
  - id: XRM001
    name: team-declared
    title: An owning team is declared
    area: ownership
    severity: error
    check: {function: present, args: {path: ownership.team}}
    message: "No owning team: {detail}"
    rationale: A model nobody owns is a model nobody fixes.
    fix: Set `ownership.team`.
    ml_test_score: [infra-1, infra-2]
  - id: XRM002
    name: oncall-declared
    title: An on-call rotation is declared
    area: ownership
    severity: error
    check: {function: present, args: {path: ownership.oncall}}
    message: "No on-call rotation: {detail}"
    rationale: Alerts that route to no rotation page nobody.
    fix: Set `ownership.oncall`.
    ml_test_score: [infra-2]
  - id: XRM003
    name: oncall-escalation
    title: The on-call rotation has an escalation
    area: ownership
    severity: warning
    blocked_by: [XRM002]
    check: {function: present, args: {path: ownership.escalation}}
    message: "No escalation: {detail}"
    rationale: A rotation without an escalation stalls.
    fix: Set `ownership.escalation`.
    ml_test_score: [infra-5]
  - id: XRM004
    name: sunset-date
    title: Deprecated models name a sunset date
    area: governance
    severity: error
    applies_when: {lifecycle: [deprecated]}
    check: {function: present, args: {path: governance.sunset}}
    message: "No sunset date: {detail}"
    rationale: A deprecated model without a date is never turned off.
    fix: Set `governance.sunset`.
    ml_test_score: [infra-3]
  - id: XRM005
    name: business-owner
    title: A business owner is declared
    area: ownership
    severity: warning
    level: silver
    check: {function: present, args: {path: ownership.business_owner}}
    message: "No business owner: {detail}"
    rationale: Someone must decide whether the model is still worth running.
    fix: Set `ownership.business_owner`.
    ml_test_score: [infra-4]
  - id: XRM006
    name: alert-runbooks
    title: Every alert links a runbook
    area: alerting
    severity: error
    applies_when: {present: [alerting.alerts]}
    check: {function: present, args: {path: "alerting.alerts[].runbook"}}
    message: "Alert without runbook: {detail}"
    rationale: A page must say what to do.
    fix: Add a runbook to every alert.
"""
MANIFEST = """
apiVersion: mlprodlint/v1
kind: Model
metadata:
  name: pricing
  lifecycle: production
  tier: 1
ownership:
  team: "@acme/pricing"
  contact: pricing@acme.example
alerting:
  alerts:
    - name: PricingDown
      severity: page
"""
SELECT = ("--select", "XRM", "--rules-dir", "pack")
# Every ML Test Score test with its state, one line per manifest.
TEMPLATE = (
    "{% for m in report.manifests %}{% for t in m.ml_test_score.tests if t.rules %}"
    "{{ t.id }}={{ t.status }}{{ '(waived)' if t.waived }} {% endfor %}"
    "met={{ m.ml_test_score.met }} not_met={{ m.ml_test_score.not_met }}{% endfor %}\n"
)


def _repo(root: Path, manifest: str = MANIFEST) -> Path:
    write(root / "pack" / "rules.yaml", PACK)
    write(root / "svc" / "mlprodlint.yaml", manifest)
    return root


def _statuses(document: dict[str, Any]) -> dict[str, tuple[str, int, str]]:
    return {r["rule_id"]: (r["status"], r["findings"], r.get("reason", "")) for r in document["results"]
            if r["rule_id"].startswith("XRM")}


def test_three_outcomes_with_reasons_and_a_root_cause_blocking_its_dependent(tmp_path: Path) -> None:
    result = lint_json(_repo(tmp_path) / "svc", *SELECT, cwd=tmp_path)
    assert result.exit_code == 1
    document = result.json()
    assert _statuses(document) == {
        "XRM001": ("pass", 0, ""),
        "XRM002": ("fail", 1, ""),
        "XRM003": ("not_applicable", 0, "blocked by XRM002"),
        "XRM004": ("not_applicable", 0, "applies only when lifecycle in deprecated"),
        "XRM005": ("fail", 1, ""),
        "XRM006": ("fail", 1, ""),
    }
    assert [(f["rule_id"], f["line"]) for f in document["findings"]] == [("XRM002", 7), ("XRM005", 7), ("XRM006", 12)]


def test_the_blocked_rule_runs_when_its_blocker_passes_or_is_not_selected(tmp_path: Path) -> None:
    _repo(tmp_path, MANIFEST.replace("  team: ", "  oncall: pd/pricing\n  team: "))
    passing_blocker = lint_json(tmp_path / "svc", *SELECT, cwd=tmp_path).json()
    assert _statuses(passing_blocker)["XRM003"] == ("fail", 1, "")
    _repo(tmp_path)
    unselected = lint_json(tmp_path / "svc", "--rules-dir", "pack", "--select", "XRM003", cwd=tmp_path).json()
    assert _statuses(unselected) == {"XRM003": ("fail", 1, "")}


def test_an_area_with_no_evaluated_rule_has_no_score(tmp_path: Path) -> None:
    document = lint_json(_repo(tmp_path) / "svc", *SELECT, cwd=tmp_path).json()
    readiness = document["readiness"][0]
    # governance: XRM004 does not apply; sla: no rule at all. n/a (null), never 100.
    assert readiness["areas"]["governance"] == {
        "score": None, "earned": 0, "possible": 0, "passed": 0, "failed": 0, "waived": 0, "baselined": 0,
        "not_applicable": 1,
    }
    assert readiness["areas"]["sla"]["score"] is None
    # ownership: XRM001 pass (3), XRM002 fail (3), XRM005 fail (2); XRM003 blocked does not count.
    assert readiness["areas"]["ownership"]["score"] == round(100 * 3 / 8)
    assert readiness["score"] == round(100 * 3 / 11)  # alerting XRM006 fails too
    assert (readiness["verdict"], readiness["level"]) == ("not ready", None)


def test_nothing_evaluated_means_no_score_and_no_level(tmp_path: Path) -> None:
    document = lint_json(_repo(tmp_path) / "svc", "--rules-dir", "pack", "--select", "XRM004", cwd=tmp_path).json()
    readiness = document["readiness"][0]
    # Nothing was examined: no score, no level, and no claim of readiness either.
    assert (readiness["verdict"], readiness["score"], readiness["level"]) == ("not assessed", None, None)
    assert all(area["score"] is None for area in readiness["areas"].values())
    markdown = run_cli(["report", "svc", "--format", "markdown", "--rules-dir", "pack", "--select", "XRM004",
                        "--today", TODAY], cwd=tmp_path)
    assert markdown.exit_code == 0
    assert "**➖ Not assessed** · level **no level** · score **n/a** / 100 ·" in markdown.stdout


def test_baseline_is_reflected_in_results_verdict_level_and_scores(tmp_path: Path) -> None:
    _repo(tmp_path)
    wrote = run_cli(["check", "svc", *SELECT, "--today", TODAY, "--write-baseline", "base.json"], cwd=tmp_path)
    assert wrote.exit_code == 0, wrote.stderr
    result = lint_json(tmp_path / "svc", *SELECT, "--baseline", "base.json", cwd=tmp_path)
    assert result.exit_code == 0
    document = result.json()
    assert document["findings"] == []
    assert document["summary"]["baseline"] == {"path": "base.json", "baselined": 3, "fixed": 0}
    assert (document["summary"]["findings"], document["summary"]["failing"], document["summary"]["passed"]) == (0, 0, True)
    # The results say what the verdict says: nothing fails, three rules are known debt.
    assert _statuses(document) == {
        "XRM001": ("pass", 0, ""),
        "XRM002": ("baselined", 0, ""),
        "XRM003": ("not_applicable", 0, "blocked by XRM002"),
        "XRM004": ("not_applicable", 0, "applies only when lifecycle in deprecated"),
        "XRM005": ("baselined", 0, ""),
        "XRM006": ("baselined", 0, ""),
    }
    assert {r["rule_id"]: r.get("baselined") for r in document["results"] if r["status"] == "baselined"} == {
        "XRM002": 1, "XRM005": 1, "XRM006": 1,
    }
    readiness = document["readiness"][0]
    # A baseline hides debt from the CI gate, not from readiness: no level, the same score as without it.
    assert (readiness["verdict"], readiness["level"], readiness["score"]) == ("ready with baseline", None, round(100 * 3 / 11))
    assert readiness["areas"]["ownership"]["baselined"] == 2 and readiness["areas"]["ownership"]["failed"] == 0
    text = run_cli(["check", "svc", *SELECT, "--today", TODAY, "--baseline", "base.json"], cwd=tmp_path)
    assert (text.exit_code, text.stdout) == (0, (
        "1 manifest checked, 0 finding(s) (0 errors, 0 warnings, 0 info), 0 waived, 3 baselined "
        "(0 baseline entries fixed). PASSED: nothing at or above error.\n"
    ))


def test_a_new_finding_of_a_baselined_rule_fails_it_again(tmp_path: Path) -> None:
    _repo(tmp_path)
    assert run_cli(["check", "svc", *SELECT, "--today", TODAY, "--write-baseline", "base.json"], cwd=tmp_path).exit_code == 0
    manifest = tmp_path / "svc" / "mlprodlint.yaml"
    manifest.write_text(manifest.read_text() + "    - name: PricingSlow\n      severity: ticket\n")
    result = lint_json(tmp_path / "svc", *SELECT, "--baseline", "base.json", cwd=tmp_path)
    assert result.exit_code == 1
    document = result.json()
    assert [(f["rule_id"], f["line"]) for f in document["findings"]] == [("XRM006", 14)]
    xrm006 = next(r for r in document["results"] if r["rule_id"] == "XRM006")
    assert (xrm006["status"], xrm006["findings"], xrm006["baselined"]) == ("fail", 1, 1)
    assert document["readiness"][0]["verdict"] == "not ready"


def test_ml_test_score_met_not_met_waived_and_not_assessed(tmp_path: Path) -> None:
    _repo(tmp_path, MANIFEST + (
        "waivers:\n  - rule: XRM005\n    reason: Business owner being appointed this quarter.\n"
        "    approved_by: cto@acme.example\n    expires: 2027-01-31\n"
    ))
    write(tmp_path / "mlts.j2", TEMPLATE)
    result = run_cli(["report", "svc", *SELECT, "--today", TODAY, "--template", "mlts.j2"], cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    # infra-1: its only rule passes. infra-2: one passing, one failing rule. infra-3: its rule does
    # not apply. infra-4: its rule is waived (not met). infra-5: its rule is blocked (not assessed).
    assert result.stdout == (
        "infra-1=met infra-2=not_met infra-3=not_assessed infra-4=not_met(waived) infra-5=not_assessed "
        "met=1 not_met=2\n"
    )


def test_blocked_by_an_unknown_rule_or_a_cycle_is_a_pack_error(tmp_path: Path) -> None:
    _repo(tmp_path)
    pack = tmp_path / "pack" / "rules.yaml"
    pack.write_text(PACK.replace("blocked_by: [XRM002]", "blocked_by: [XRM099]"))
    unknown = lint_json(tmp_path / "svc", *SELECT, cwd=tmp_path)
    assert unknown.exit_code == 2
    assert "pack/rules.yaml:24:1: rule XRM003: blocked_by names unknown rule XRM099" in unknown.stderr
    cyclic = PACK.replace(
        "    check: {function: present, args: {path: ownership.oncall}}",
        "    blocked_by: [XRM003]\n    check: {function: present, args: {path: ownership.oncall}}",
    )
    pack.write_text(cyclic)
    cycle = lint_json(tmp_path / "svc", *SELECT, cwd=tmp_path)
    assert cycle.exit_code == 2
    assert "pack/rules.yaml:14:1: rule XRM002: blocked_by cycle XRM002 -> XRM003 -> XRM002" in cycle.stderr


NO_ALERTS_NO_APPROVALS = """
apiVersion: mlprodlint/v1
kind: Model
metadata:
  name: fraud
  lifecycle: production
  tier: 1
ownership:
  team: "@acme/fraud"
sla:
  availability: 99.9
  latency_p95_ms: 200
"""


def test_builtin_root_causes_no_alerts_and_no_approvals_are_reported_once(tmp_path: Path) -> None:
    write(tmp_path / "svc" / "mlprodlint.yaml", NO_ALERTS_NO_APPROVALS)
    document = lint_json(tmp_path / "svc", "--select", "ALR001,ALR002,ALR043,GOV004,GOV005", cwd=tmp_path).json()
    assert {r["rule_id"]: (r["status"], r.get("reason", "")) for r in document["results"] if r["rule_id"][:3] in ("ALR", "GOV")} == {
        "ALR001": ("fail", ""),
        "ALR002": ("not_applicable", "blocked by ALR001"),
        "ALR043": ("not_applicable", "blocked by ALR001"),
        "GOV004": ("fail", ""),
        "GOV005": ("not_applicable", "blocked by GOV004"),
    }
    assert sorted(f["rule_id"] for f in document["findings"]) == ["ALR001", "GOV004"]
    # Without the root rule, the dependents speak for themselves.
    alone = lint_json(tmp_path / "svc", "--select", "ALR002,ALR043,GOV005", cwd=tmp_path).json()
    assert sorted((f["rule_id"], f["line"]) for f in alone["findings"]) == [
        ("ALR002", 1), ("ALR043", 10), ("ALR043", 11), ("GOV005", 1),
    ]


def test_json_schema_allows_the_new_states(tmp_path: Path) -> None:
    import jsonschema

    from conftest import REPO_ROOT

    _repo(tmp_path)
    run_cli(["check", "svc", *SELECT, "--today", TODAY, "--write-baseline", "base.json"], cwd=tmp_path)
    document = lint_json(tmp_path / "svc", *SELECT, "--baseline", "base.json", cwd=tmp_path).json()
    schema = json.loads((REPO_ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(document)


def test_a_finding_in_another_file_makes_its_manifest_not_ready(tmp_path: Path) -> None:
    # ALR042 reports a broken rules file at the rules file's own path and line.
    write(tmp_path / "svc" / "mlprodlint.yaml", NO_ALERTS_NO_APPROVALS + "alerting:\n  rules_file: alerts.yaml\n")
    write(tmp_path / "svc" / "alerts.yaml", "groups: [\n")
    document = lint_json(tmp_path / "svc", "--select", "ALR042", cwd=tmp_path).json()
    assert [(f["rule_id"], f["path"]) for f in document["findings"]] == [("ALR042", "svc/alerts.yaml")]
    assert document["readiness"][0]["verdict"] == "not ready"


def test_json_level_and_level_gate_agree_and_never_claim_beyond_the_rules_that_ran(tmp_path: Path) -> None:
    _repo(tmp_path, MANIFEST.replace("  team: ", "  oncall: pd/pricing\n  escalation: pd/eng\n  business_owner: ana@acme.example\n  team: "))
    # XRM006 (bronze) passes once the alert has a runbook; every bronze and silver rule then passes.
    manifest = tmp_path / "svc" / "mlprodlint.yaml"
    manifest.write_text(manifest.read_text() + "      runbook: https://runbooks.acme.example/pricing\n")
    full = lint_json(tmp_path / "svc", *SELECT, cwd=tmp_path).json()["readiness"][0]
    assert (full["verdict"], full["level"]) == ("ready", "silver")  # no gold rule ran: silver at most
    bronze = run_cli(["check", "svc", *SELECT, "--today", TODAY, "--profile", "bronze", "--format", "json",
                      "--require-level", "bronze"], cwd=tmp_path)
    assert bronze.json()["readiness"][0]["level"] == "bronze"
    assert bronze.stderr.splitlines()[-1] == "  svc/mlprodlint.yaml: reached bronze (ok)"


def test_observation_1_a_failing_rule_is_never_outweighed_by_a_passing_one(tmp_path: Path) -> None:
    # SLA001/SLA002 pass (monitor-6), but ALR001 fails: no alerts. No rollback plan: GOV008 fails (infra-7).
    write(tmp_path / "svc" / "mlprodlint.yaml", NO_ALERTS_NO_APPROVALS)
    write(tmp_path / "mlts.j2", TEMPLATE)
    result = run_cli(["report", "svc", "--today", TODAY, "--template", "mlts.j2"], cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    states = dict(item.split("=", 1) for item in result.stdout.split() if item.split("=")[0].count("-") == 1)
    assert (states["monitor-6"], states["infra-7"]) == ("not_met", "not_met")
    document = lint_json(tmp_path / "svc", "--select", "ALR001,SLA001,SLA002,GOV008", cwd=tmp_path).json()
    assert {r["rule_id"]: r["status"] for r in document["results"] if r["rule_id"][:3] in ("ALR", "SLA", "GOV")} == {
        "ALR001": "fail", "SLA001": "pass", "SLA002": "pass", "GOV008": "fail",
    }


def test_the_reason_names_the_blocker_that_failed_even_when_an_earlier_one_is_not_selected(tmp_path: Path) -> None:
    # ALR043 is blocked by ALR001 or ALR042; without ALR001 selected, a broken rules file blocks it.
    write(tmp_path / "svc" / "mlprodlint.yaml", NO_ALERTS_NO_APPROVALS + "alerting:\n  rules_file: alerts.yaml\n")
    write(tmp_path / "svc" / "alerts.yaml", "groups: [\n")
    document = lint_json(tmp_path / "svc", "--select", "ALR042,ALR043", cwd=tmp_path).json()
    assert {r["rule_id"]: (r["status"], r.get("reason", "")) for r in document["results"] if r["rule_id"].startswith("ALR")} == {
        "ALR042": ("fail", ""), "ALR043": ("not_applicable", "blocked by ALR042"),
    }


def test_a_waived_root_cause_still_blocks_its_dependent_and_the_waiver_of_a_blocked_rule_is_not_unused(tmp_path: Path) -> None:
    waivers = "".join(
        f"  - rule: {rule_id}\n    reason: Alerting moves to the platform team this quarter.\n"
        "    approved_by: cto@acme.example\n    expires: 2027-01-31\n"
        for rule_id in ("ALR001", "ALR002")
    )
    write(tmp_path / "svc" / "mlprodlint.yaml", NO_ALERTS_NO_APPROVALS + "waivers:\n" + waivers)
    document = lint_json(tmp_path / "svc", "--select", "ALR001,ALR002,WVR", cwd=tmp_path).json()
    assert {r["rule_id"]: (r["status"], r.get("reason", "")) for r in document["results"] if r["rule_id"][:3] in ("ALR", "WVR")} == {
        "ALR001": ("waived", ""),
        "ALR002": ("not_applicable", "blocked by ALR001"),
        "WVR001": ("pass", ""), "WVR002": ("pass", ""), "WVR003": ("pass", ""), "WVR004": ("pass", ""),
    }
    assert document["readiness"][0]["verdict"] == "ready with waivers"
