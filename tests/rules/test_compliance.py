"""Compliance rules (CMP001-CMP039): exact findings for passing and failing manifests."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import RuleCase, case, case_ids, head, run_case, run_case_cli, cli_samples

COMPLIANT = head() + """\
monitoring:
  prediction_logging:
    enabled: true
    retention_days: 90
compliance:
  frameworks: [gdpr, eu-ai-act]
  data_classification: confidential
  pii: true
  dpia: docs/dpia.md
  legal_basis: contract
  retention_days: 365
  ai_act_risk: high
  human_oversight: Analysts review every automatic decline.
"""

GDPR_PII = "compliance:\n  frameworks: [gdpr]\n  pii: true\n"

CASES: list[RuleCase] = [
    # CMP001 data-classification-declared
    case("CMP001", COMPLIANT),
    case("CMP001", head(lifecycle="staging") + "compliance:\n  pii: false\n", 7, name="missing"),
    case("CMP001", head(lifecycle="experimental"), name="experiment-exempt"),
    # CMP002 pii-declared
    case("CMP002", COMPLIANT),
    case("CMP002", head() + "compliance:\n  pii: false\n", name="explicit-false"),
    case("CMP002", head(tier=4), 1, name="missing"),
    # CMP003 privacy-regime-for-personal-data
    case("CMP003", COMPLIANT),
    case("CMP003", head() + "compliance:\n  frameworks: [ccpa]\n  pii: true\n", name="ccpa"),
    case("CMP003", head() + "compliance:\n  frameworks: [soc2]\n  pii: true\n", 8, name="soc2-only"),
    case("CMP003", head(lifecycle="staging") + "compliance:\n  pii: true\n", 7, name="no-frameworks"),
    case("CMP003", head() + "compliance:\n  pii: false\n", name="no-pii-exempt"),
    # CMP004 personal-data-classified-confidential
    case("CMP004", COMPLIANT),
    case("CMP004", head(lifecycle="development") + "compliance:\n  data_classification: internal\n  pii: true\n", 8,
         name="internal"),
    case("CMP004", head() + "compliance:\n  data_classification: public\n  pii: false\n", name="no-pii-exempt"),
    # CMP005 dpia-for-gdpr
    case("CMP005", COMPLIANT),
    case("CMP005", head() + GDPR_PII, 7, name="missing"),
    case("CMP005", head() + "compliance:\n  frameworks: [ccpa]\n  pii: true\n", name="not-gdpr-exempt"),
    # CMP006 legal-basis-for-gdpr
    case("CMP006", COMPLIANT),
    case("CMP006", head(lifecycle="development") + GDPR_PII, 7, name="missing"),
    case("CMP006", head() + "compliance:\n  frameworks: [gdpr]\n  pii: false\n", name="no-pii-exempt"),
    # CMP007 retention-declared-for-personal-data
    case("CMP007", COMPLIANT),
    case("CMP007", head() + GDPR_PII, 7, name="missing"),
    case("CMP007", head(lifecycle="development") + GDPR_PII, name="development-exempt"),
    # CMP008 retention-bounded
    case("CMP008", COMPLIANT),
    case("CMP008", head() + "compliance:\n  pii: true\n  retention_days: 730\n", name="boundary"),
    case("CMP008", head() + "compliance:\n  pii: true\n  retention_days: 3650\n", 9, name="ten-years"),
    case("CMP008", head() + "compliance:\n  pii: false\n  retention_days: 3650\n", name="no-pii-exempt"),
    # CMP009 prediction-logs-within-retention
    case("CMP009", COMPLIANT),
    case("CMP009", head() + """\
monitoring:
  prediction_logging:
    enabled: true
    retention_days: 400
compliance:
  pii: true
  retention_days: 365
""", 13, name="logs-outlive-policy"),
    case("CMP009", head() + """\
monitoring:
  prediction_logging:
    enabled: false
    retention_days: 400
compliance:
  pii: true
  retention_days: 365
""", name="logging-off-exempt"),
    # CMP010 ai-act-risk-classified
    case("CMP010", COMPLIANT),
    case("CMP010", head(lifecycle="development", tier=3) + "compliance:\n  frameworks: [gdpr, eu-ai-act]\n", 7,
         name="missing"),
    case("CMP010", head() + GDPR_PII, name="not-in-scope"),
    # CMP011 ai-act-not-prohibited
    case("CMP011", COMPLIANT),
    case("CMP011", head(lifecycle="experimental", tier=4) + "compliance:\n  ai_act_risk: unacceptable\n", 8,
         name="unacceptable"),
    # CMP012 human-oversight-for-high-risk
    case("CMP012", COMPLIANT),
    case("CMP012", head(lifecycle="development") + "compliance:\n  ai_act_risk: high\n", 7, name="missing"),
    case("CMP012", head() + "compliance:\n  ai_act_risk: limited\n", name="limited-exempt"),
    # CMP013 record-keeping-for-high-risk
    case("CMP013", COMPLIANT),
    case("CMP013", head(lifecycle="staging") + "compliance:\n  ai_act_risk: high\n", 1, name="missing"),
    case("CMP013", head() + "monitoring:\n  prediction_logging:\n    enabled: false\ncompliance:\n  ai_act_risk: high\n",
         8, name="disabled"),
    case("CMP013", head(lifecycle="development") + "compliance:\n  ai_act_risk: high\n", name="development-exempt"),
]


@pytest.mark.parametrize("item", CASES, ids=case_ids(CASES))
def test_compliance_rule(item: RuleCase, tmp_path: Path) -> None:
    run_case(item, tmp_path)


@pytest.mark.parametrize("item", cli_samples(CASES), ids=case_ids(cli_samples(CASES)))
def test_compliance_rule_through_the_cli(item: RuleCase, tmp_path: Path) -> None:
    run_case_cli(item, tmp_path)
