"""Issue 9: `pass` only when a rule examined something and found it good.

Every built-in rule is run, through the real CLI, against a manifest that declares nothing but
its identity (production, tier 1: every rule applies or says why not). Nothing is declared, so no
claim can have been examined: each rule must fail (something required is missing) or be
`not_applicable` with a reason. The only passes allowed are the rules that examine the manifest
file itself (it is readable, valid, within limits, and holds no secret).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import lint_json, write

from mlprodlint.rules.packs import PackRequest, load

MINIMAL = """\
apiVersion: mlprodlint/v1
kind: Model
metadata:
  name: minimal
  lifecycle: production
  tier: 1
"""

# These examine the manifest file itself, which is there: a pass is earned.
EXAMINE_THE_MANIFEST = {
    "MPL001": "the manifest was read",
    "MPL002": "the manifest was validated against the schema",
    "MPL003": "the manifest was measured against the size/depth/alias limits",
    "SEC043": "the manifest text was scanned for credentials",
}


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    repo = tmp_path_factory.mktemp("minimal")
    (repo / ".git").mkdir()  # the repository root: no catalog, CODEOWNERS or card above it
    manifest = write(repo / "mlprodlint.yaml", MINIMAL)
    # Every framework pack too (they run only for manifests in a framework's scope).
    frameworks = sorted({rule.framework for rule in load(PackRequest()).rules if rule.framework})
    result = lint_json(manifest, *(arg for name in frameworks for arg in ("--framework", name)), cwd=repo)
    assert result.exit_code == 1, result.stderr
    found = {r["rule_id"]: r for r in result.json()["results"]}
    return found


def test_every_builtin_rule_has_a_result(results: dict[str, dict[str, str]]) -> None:
    builtin = {rule.id for rule in load(PackRequest()).rules}  # the built-in packs, as a run loads them
    assert builtin <= set(results)


def test_nothing_declared_means_no_pass(results: dict[str, dict[str, str]]) -> None:
    vacuous = {
        rule_id for rule_id, r in results.items()
        if r["status"] == "pass" and rule_id not in EXAMINE_THE_MANIFEST
    }
    assert vacuous == set()
    assert {r["status"] for r in results.values()} <= {"fail", "not_applicable", "pass"}
    for rule_id in EXAMINE_THE_MANIFEST:
        assert results[rule_id]["status"] == "pass", rule_id


@pytest.mark.parametrize("kind", ["Model", "Service", "Pipeline"])
@pytest.mark.parametrize("lifecycle", ["experimental", "development", "staging", "production"])
def test_no_pass_for_any_kind_or_lifecycle(tmp_path: Path, kind: str, lifecycle: str) -> None:
    (tmp_path / ".git").mkdir()
    text = MINIMAL.replace("kind: Model", f"kind: {kind}").replace("lifecycle: production", f"lifecycle: {lifecycle}")
    result = lint_json(write(tmp_path / "mlprodlint.yaml", text), cwd=tmp_path)
    assert result.exit_code in (0, 1), result.stderr
    statuses = {r["rule_id"]: (r["status"], r.get("reason", "")) for r in result.json()["results"]}
    assert {i for i, (status, _) in statuses.items() if status == "pass"} == set(EXAMINE_THE_MANIFEST)
    assert {i for i, (status, reason) in statuses.items() if status == "not_applicable" and not reason} == set()


def test_every_not_applicable_says_why(results: dict[str, dict[str, str]]) -> None:
    silent = {rule_id for rule_id, r in results.items() if r["status"] == "not_applicable" and not r.get("reason")}
    assert silent == set()


@pytest.mark.parametrize(
    ("rule_id", "reason"),
    [
        ("CMP040", "no compliance.dpia declared"),
        ("GOV040", "no governance.model_card, governance.datasheet, governance.lineage, "
                   "governance.rollback_plan, governance.fairness_review.report declared"),
        ("OWN041", "no ownership.team declared"),
        ("OWN042", "no catalog-info.yaml found from the manifest's folder up to the repository root"),
        ("GOV012", "no governance.fairness_review declared"),
        ("SEC002", "no security.signoff declared"),
        ("GOV043", "no local model card (governance.model_card, or a README.md/MODEL_CARD.md with front matter)"),
        ("GOV044", "no monitoring.model_metrics declared"),
        ("SLA004", "no sla.availability declared"),
        ("MON002", "no monitoring.dashboards declared"),
        ("GOV006", "fewer than two governance.approvals[].by values to compare"),
        ("WVR001", "no waivers declared"),
    ],
)
def test_reasons_name_what_is_missing(results: dict[str, dict[str, str]], rule_id: str, reason: str) -> None:
    assert (results[rule_id]["status"], results[rule_id]["reason"]) == ("not_applicable", reason)


def test_alerting_rules_do_not_pass_without_alerts(results: dict[str, dict[str, str]]) -> None:
    assert {rule_id: results[rule_id]["status"] for rule_id in ("ALR042", "ALR043", "ALR044")} == {
        "ALR042": "not_applicable", "ALR043": "not_applicable", "ALR044": "not_applicable"
    }


def test_framework_packs_do_not_pass_on_nothing(tmp_path: Path) -> None:
    """Framework packs run when the manifest names their framework: naming them is all it does."""
    (tmp_path / ".git").mkdir()
    text = MINIMAL + "compliance:\n  frameworks: [eu-ai-act, nist-ai-rmf, iso-42001, sr-11-7, ml-test-score]\n"
    result = lint_json(write(tmp_path / "mlprodlint.yaml", text), cwd=tmp_path)
    assert result.exit_code == 1, result.stderr
    statuses = {r["rule_id"]: (r["status"], r.get("reason", "")) for r in result.json()["results"]}
    assert len(statuses) > 100  # the framework packs' rules are there
    assert {i for i, (status, _) in statuses.items() if status == "pass"} == set(EXAMINE_THE_MANIFEST)
    assert {i for i, (status, reason) in statuses.items() if status == "not_applicable" and not reason} == set()
