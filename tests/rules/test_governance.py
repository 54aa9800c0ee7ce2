"""Governance rules (GOV001-GOV039): exact findings for passing and failing manifests."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import RuleCase, case, case_ids, head, run_case, run_case_cli, cli_samples

GOVERNED = head() + """\
governance:
  model_card: docs/model_card.md
  datasheet: docs/datasheet.md
  lineage: docs/lineage.md
  approvals:
    - role: model-risk
      by: priya@acme.com
      date: 2026-09-22
    - role: product
      by: maria@acme.com
      date: 2026-09-24
  rollback_plan: docs/runbook.md#rollback
  retraining: monthly
  fairness_review:
    date: 2026-09-18
    by: rai@acme.com
    report: docs/model_card.md#fairness
  cost:
    budget_owner: maria@acme.com
compliance:
  pii: true
  ai_act_risk: high
"""

PII = "compliance:\n  pii: true\n"
HIGH_RISK = "compliance:\n  ai_act_risk: high\n"

OLD_APPROVALS = head() + """\
governance:
  approvals:
    - role: product
      by: maria@acme.com
      date: 2025-10-01
    - role: model-risk
      by: priya@acme.com
      date: 2027-01-05
"""

CASES: list[RuleCase] = [
    # GOV001 model-card-declared
    case("GOV001", GOVERNED),
    case("GOV001", head(lifecycle="staging", tier=4), 1, name="missing"),
    case("GOV001", head() + "governance:\n  model_card: ''\n", 8, name="empty"),
    case("GOV001", head(lifecycle="development"), name="development-exempt"),
    # GOV002 datasheet-declared
    case("GOV002", GOVERNED),
    case("GOV002", head(kind="Pipeline", tier=2) + "governance:\n  model_card: docs/mc.md\n", 7, name="missing"),
    case("GOV002", head(kind="Service"), name="service-exempt"),
    # GOV003 lineage-declared
    case("GOV003", GOVERNED),
    case("GOV003", head(kind="Service", tier=2), 1, name="missing"),
    case("GOV003", head(tier=3), name="tier-3-exempt"),
    # GOV004 approvals-recorded
    case("GOV004", GOVERNED),
    case("GOV004", head(tier=4) + "governance:\n  approvals: []\n", 8, name="empty"),
    case("GOV004", head(lifecycle="staging"), name="staging-exempt"),
    # GOV005 four-eyes-for-tier-1
    case("GOV005", GOVERNED),
    case("GOV005", head() + "governance:\n  approvals:\n    - {role: product, by: a@acme.com, date: 2026-09-01}\n", 8,
         name="one"),
    case("GOV005", head(tier=2) + "governance:\n  approvals:\n    - {role: product, by: a@acme.com, date: 2026-09-01}\n",
         name="tier-2-exempt"),
    # GOV006 approvers-distinct
    case("GOV006", GOVERNED),
    case("GOV006", head() + """\
governance:
  approvals:
    - {role: model-risk, by: Priya@acme.com, date: 2026-09-01}
    - {role: product, by: priya@acme.com, date: 2026-09-02}
""", 10, name="same-person-twice"),
    # GOV007 approvals-current
    case("GOV007", GOVERNED),
    case("GOV007", OLD_APPROVALS, 11, 14, name="stale-and-future"),
    case("GOV007", OLD_APPROVALS, 14, name="option-widens-window",
         config="[options]\napproval_max_age_days = 730\n"),
    case("GOV007", head(lifecycle="development") + OLD_APPROVALS[len(head()):], name="development-exempt"),
    # GOV008 rollback-plan-declared
    case("GOV008", GOVERNED),
    case("GOV008", head(lifecycle="staging", tier=2) + "governance:\n  model_card: docs/mc.md\n", 7, name="missing"),
    case("GOV008", head(tier=3), name="tier-3-exempt"),
    # GOV009 retraining-policy-declared
    case("GOV009", GOVERNED),
    case("GOV009", head() + "governance:\n  retraining:\n    cadence: weekly\n", name="object-form"),
    case("GOV009", head(kind="Pipeline", tier=4), 1, name="missing"),
    case("GOV009", head(kind="Service"), name="service-exempt"),
    # GOV010 fairness-review-for-personal-data
    case("GOV010", GOVERNED),
    case("GOV010", head(tier=3) + PII, 1, name="missing"),
    case("GOV010", head() + "governance:\n  fairness_review: https://wiki.acme.com/fairness/svc\n" + PII,
         name="string-form"),
    case("GOV010", head() + "compliance:\n  pii: false\n", name="no-pii-exempt"),
    # GOV011 fairness-review-for-high-risk-ai
    case("GOV011", GOVERNED),
    case("GOV011", head(kind="Service", lifecycle="staging", tier=3) + HIGH_RISK, 1, name="missing"),
    case("GOV011", head() + "compliance:\n  ai_act_risk: limited\n", name="limited-risk-exempt"),
    # GOV012 fairness-review-current
    case("GOV012", GOVERNED),
    case("GOV012", head() + "governance:\n  fairness_review:\n    date: 2025-06-30\n    by: rai@acme.com\n", 9,
         name="stale"),
    case("GOV012", head() + "governance:\n  fairness_review:\n    date: 2025-06-30\n", name="option-widens-window",
         config="[options]\nreview_max_age_days = 600\n"),
    # GOV013 cost-owner-declared
    case("GOV013", GOVERNED),
    case("GOV013", head(tier=2) + "governance:\n  cost:\n    monthly_estimate: 900\n", 8, name="estimate-only"),
    case("GOV013", head(tier=3), name="tier-3-exempt"),
]


@pytest.mark.parametrize("item", CASES, ids=case_ids(CASES))
def test_governance_rule(item: RuleCase, tmp_path: Path) -> None:
    run_case(item, tmp_path)


@pytest.mark.parametrize("item", cli_samples(CASES), ids=case_ids(cli_samples(CASES)))
def test_governance_rule_through_the_cli(item: RuleCase, tmp_path: Path) -> None:
    run_case_cli(item, tmp_path)
