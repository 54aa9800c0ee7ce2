"""The bundled examples against ALL built-in rules: the complete one passes, the experiment has
nothing to answer for, the batch pipeline fails with exactly the gaps it was written with."""

from __future__ import annotations

import re

from conftest import EXAMPLES, findings_of, lint_json

CHURN = EXAMPLES / "churn-batch"

# Manifest-claim rules (numbers 001-039) and engine rules, reviewed against the manifest.
CHURN_CLAIM_FINDINGS = {
    ("OWN004", 21),  # ownership: no on-call rotation for a tier-2 production pipeline
    ("OWN006", 21),  # ownership: no data steward although pii: true
    ("MON005", 30),  # monitoring: no drift section (its waiver below has expired)
    ("ALR002", 44),  # alerting.alerts: only a ticket alert, nothing pages
    ("GOV003", 51),  # governance: no lineage
    ("GOV010", 51),  # governance: pii but no fairness review
    ("GOV013", 51),  # governance: no cost.budget_owner (info)
    ("GOV007", 56),  # the only approval is from 2024-02-20
    ("CMP005", 60),  # compliance: gdpr + pii without a DPIA
    ("SEC004", 67),  # security: tier 2 without a threat model
    ("SEC008", 67),  # security: no access review
    ("SEC002", 70),  # security.signoff.date 2024-03-01 is stale
    ("WVR001", 76),  # the MON005 waiver expired on 2025-01-31
}
# Evidence rules (040+) that look at the repository: docs/model_card.md does not exist, and the
# freshness SLO has no alert.
CHURN_EVIDENCE_FINDINGS = {("GOV040", 52), ("ALR043", 27)}

_EVIDENCE = re.compile(r"^[A-Z]+0[4-9][0-9]$")


def _split(found: set[tuple[str, int]]) -> tuple[set[tuple[str, int]], set[tuple[str, int]]]:
    evidence = {f for f in found if _EVIDENCE.match(f[0])}
    return found - evidence, evidence


def test_fraud_scoring_passes_every_rule() -> None:
    result = lint_json(EXAMPLES / "fraud-scoring", "--fail-on", "info")
    assert result.exit_code == 0, result.stdout
    assert result.json()["findings"] == []


def test_recsys_experiment_has_no_findings() -> None:
    result = lint_json(EXAMPLES / "recsys-experiment", "--fail-on", "info")
    assert result.exit_code == 0, result.stdout
    assert result.json()["findings"] == []


def test_churn_batch_fails_with_its_known_gaps() -> None:
    result = lint_json(CHURN)
    assert result.exit_code == 1
    claims, _ = _split(findings_of(result))
    assert claims == CHURN_CLAIM_FINDINGS


def test_churn_batch_evidence_findings() -> None:
    _, evidence = _split(findings_of(lint_json(CHURN)))
    assert evidence == CHURN_EVIDENCE_FINDINGS


def test_churn_batch_valid_waiver_suppresses_the_missing_datasheet() -> None:
    findings = lint_json(CHURN).json()["findings"]
    waived = {(f["rule_id"], f["line"]) for f in findings if f["waived"]}
    assert waived == {("GOV002", 51)}
