"""EU AI Act pack (AIA001-AIA016): exact findings on both sides of each rule's effective date.

High-risk obligations apply from 2027-12-02 (Annex III) or 2028-08-02 (Annex I); before that day
a violation is an upcoming finding that never fails the run. Art. 50 applies from 2026-08-02.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import RuleCase, case, case_ids, head, run_case, run_case_cli, cli_samples

IN_FORCE = "2027-12-02"  # Annex III high-risk obligations (Digital Omnibus)
ANNEX_I = "2028-08-02"
DOCS = {
    "docs/risk.md": "Risks: false declines of legitimate customers, fraud rings adapting to the model, data drift by region.\n" * 3,
    "docs/annex-iv.md": "General description, development process, monitoring, metrics, risk management and changes of the model.\n" * 3,
    "docs/ifu.md": "Instructions: the score ranks transactions for analyst review; accuracy is AUC 0.94 on holdout data.\n" * 3,
    "docs/pmm.md": "Post-market monitoring: weekly precision by segment, monthly review, escalation to the model owner.\n" * 3,
    "docs/robust.md": "Robustness: perturbation tests on amounts and merchants, adversarial feature flips, poisoning review.\n" * 3,
}

HIGH_RISK = head() + """\
monitoring:
  model_metrics: [precision, recall]
  prediction_logging: {enabled: true, sink: s3://logs/svc, retention_days: 365}
governance:
  intended_use: Rank card payments for fraud review by analysts.
  risk_register: docs/risk.md
  technical_documentation: docs/annex-iv.md
  instructions_for_use: docs/ifu.md
  quality_management: https://wiki.acme.com/qms
  post_market_monitoring: docs/pmm.md
  data_governance:
    design_choices: Gradient boosting on transaction features.
    collection: Ledger transactions 2023-2025, fraud prevention purpose.
    preparation: Chargeback labels joined after 90 days.
    assumptions: A chargeback within 90 days means fraud.
    suitability: 40M rows, all markets represented.
    bias_examination: Disparity of decline rates by region and age band.
    bias_mitigation: Reweighting; quarterly disparity review.
    data_gaps: Few rows from new markets; monitored by segment.
security:
  threat_model: https://wiki.acme.com/tm
  robustness_testing: docs/robust.md
compliance:
  frameworks: [eu-ai-act]
  ai_act_risk: high
  ai_act_annex: annex-iii
  human_oversight:
    monitoring: Analysts watch the fraud dashboard.
    automation_bias: Scores shown without a default decision.
    interpretation: Top-5 attributions per alert.
    override: Analysts can approve any declined payment.
    interrupt: Feature flag falls back to rules.
"""

BARE_HIGH = head() + """\
compliance:
  frameworks: [eu-ai-act]
  ai_act_risk: high
  human_oversight: Analysts review declines.
"""  # compliance at 7, human_oversight at 10

NOT_LISTED = head() + "compliance:\n  ai_act_risk: high\n"  # the pack is off for this manifest
MINIMAL = head() + "compliance:\n  frameworks: [eu-ai-act]\n  ai_act_risk: minimal\n"
LIMITED = head() + "compliance:\n  frameworks: [eu-ai-act]\n  ai_act_risk: limited\n"




CASES: list[RuleCase] = [
    # AIA001 high-risk-basis-declared (Art. 6: in force; its date is 2025-02-02)
    case("AIA001", HIGH_RISK, files=DOCS),
    case("AIA001", BARE_HIGH, 7, name="missing"),
    case("AIA001", NOT_LISTED, name="framework-not-listed"),
    # AIA002 risk-management-system
    case("AIA002", HIGH_RISK, today=IN_FORCE),
    case("AIA002", BARE_HIGH, 1, today=IN_FORCE, name="missing"),
    case("AIA002", BARE_HIGH, upcoming=(1,), name="before-2027-12-02"),
    case("AIA002", BARE_HIGH, today="2027-12-01", upcoming=(1,), name="day-before"),
    case("AIA002", BARE_HIGH.replace("ai_act_risk: high\n", "ai_act_risk: high\n  ai_act_annex: annex-i\n"),
         today=IN_FORCE, upcoming=(1,), name="annex-i-later"),
    case("AIA002", BARE_HIGH.replace("ai_act_risk: high\n", "ai_act_risk: high\n  ai_act_annex: annex-i\n"),
         1, today=ANNEX_I, name="annex-i-in-force"),
    case("AIA002", MINIMAL, today=IN_FORCE, name="minimal-exempt"),
    # AIA003 data-governance-documented
    case("AIA003", HIGH_RISK, today=IN_FORCE),
    case("AIA003", BARE_HIGH, 1, today=IN_FORCE, name="missing"),
    case("AIA003", HIGH_RISK.replace("    assumptions: A chargeback within 90 days means fraud.\n", ""), 17,
         today=IN_FORCE, name="one-point-missing"),
    # AIA004 data-bias-examined
    case("AIA004", HIGH_RISK, today=IN_FORCE),
    case("AIA004", HIGH_RISK.replace("    bias_mitigation: Reweighting; quarterly disparity review.\n", ""), 17,
         today=IN_FORCE, name="no-mitigation"),
    # AIA005 technical-documentation
    case("AIA005", HIGH_RISK, today=IN_FORCE),
    case("AIA005", BARE_HIGH, 1, today=IN_FORCE, name="missing"),
    # AIA006 logs-retained-six-months
    case("AIA006", HIGH_RISK, today=IN_FORCE),
    case("AIA006", HIGH_RISK.replace(", retention_days: 365}", "}"), 9, today=IN_FORCE, name="no-retention"),
    case("AIA006", BARE_HIGH, today=IN_FORCE, name="no-logging-exempt"),
    # AIA007 logs-retention-long-enough
    case("AIA007", HIGH_RISK, today=IN_FORCE),
    case("AIA007", HIGH_RISK.replace("retention_days: 365", "retention_days: 90"), 9, today=IN_FORCE, name="90-days"),
    case("AIA007", HIGH_RISK.replace("retention_days: 365", "retention_days: 90"), upcoming=(9,), name="90-days-upcoming"),
    # AIA008 instructions-for-use
    case("AIA008", HIGH_RISK, today=IN_FORCE),
    case("AIA008", BARE_HIGH, 1, today=IN_FORCE, name="missing"),
    # AIA009 human-oversight-measures
    case("AIA009", HIGH_RISK, today=IN_FORCE),
    case("AIA009", BARE_HIGH, 10, today=IN_FORCE, name="one-sentence"),
    case("AIA009", HIGH_RISK.replace("    interrupt: Feature flag falls back to rules.\n", ""), 33,
         today=IN_FORCE, name="no-stop"),
    # AIA010 accuracy-metrics-declared
    case("AIA010", HIGH_RISK, today=IN_FORCE),
    case("AIA010", BARE_HIGH, 1, today=IN_FORCE, name="missing"),
    # AIA011 robustness-and-cybersecurity
    case("AIA011", HIGH_RISK, today=IN_FORCE),
    case("AIA011", HIGH_RISK.replace("  robustness_testing: docs/robust.md\n", ""), 26, today=IN_FORCE,
         name="no-robustness-testing"),
    # AIA012 quality-management-system
    case("AIA012", HIGH_RISK, today=IN_FORCE),
    case("AIA012", BARE_HIGH, 1, today=IN_FORCE, name="missing"),
    # AIA013 post-market-monitoring-plan
    case("AIA013", HIGH_RISK, today=IN_FORCE),
    case("AIA013", BARE_HIGH, 1, today=IN_FORCE, name="missing"),
    # AIA014 high-risk-documents-exist
    case("AIA014", HIGH_RISK, today=IN_FORCE, files=DOCS),
    case("AIA014", HIGH_RISK, 12, 13, 14, 16, 28, today=IN_FORCE, name="no-files"),
    # AIA015 high-risk-documents-not-templates
    case("AIA015", HIGH_RISK, today=IN_FORCE, files=DOCS),
    case("AIA015", HIGH_RISK, 12, today=IN_FORCE, files={**DOCS, "docs/risk.md": "# Risks\n\nTODO\n"},
         name="template"),
    # AIA016 ai-interaction-disclosed (Art. 50, from 2026-08-02)
    case("AIA016", LIMITED.replace("limited\n", "limited\n  ai_disclosure: The widget says it is an AI assistant.\n")),
    case("AIA016", LIMITED, 7, name="missing"),
    case("AIA016", LIMITED, today="2026-08-01", upcoming=(7,), name="before-2026-08-02"),
    case("AIA016", MINIMAL, name="minimal-exempt"),
]


@pytest.mark.parametrize("item", CASES, ids=case_ids(CASES))
def test_eu_ai_act_rule(item: RuleCase, tmp_path: Path) -> None:
    run_case(item, tmp_path)


@pytest.mark.parametrize("item", cli_samples(CASES), ids=case_ids(cli_samples(CASES)))
def test_eu_ai_act_rule_through_the_cli(item: RuleCase, tmp_path: Path) -> None:
    run_case_cli(item, tmp_path)
