"""Ownership rules (OWN001-OWN039): exact findings for passing and failing manifests."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import RuleCase, case, case_ids, head, run_case, run_case_cli, cli_samples

OWNED = head() + """\
ownership:
  team: "@acme/fraud-ml"
  contact: fraud-ml@acme.com
  oncall: pagerduty:fraud-ml
  business_owner: maria@acme.com
  data_steward: jonas@acme.com
compliance:
  pii: true
"""

CASES: list[RuleCase] = [
    # OWN001 team-declared
    case("OWN001", OWNED),
    case("OWN001", head(lifecycle="experimental", tier=4), 1, name="no-ownership"),
    case("OWN001", head() + "ownership:\n  contact: '#ml'\n", 7, name="missing"),
    case("OWN001", head() + "ownership:\n  team: '  '\n", 8, name="blank"),
    # OWN002 contact-reachable
    case("OWN002", OWNED),
    case("OWN002", head(lifecycle="experimental", tier=4) + "ownership:\n  team: '@acme/recsys'\n", 7, name="missing"),
    # OWN003 contact-format
    case("OWN003", OWNED),
    case("OWN003", head() + "ownership:\n  contact: slack:#fraud-ml\n", name="slack-channel"),
    case("OWN003", head() + "ownership:\n  contact: the ML team\n", 8, name="free-text"),
    case("OWN003", head(), name="missing-is-OWN002s-job"),
    # OWN004 oncall-for-production
    case("OWN004", OWNED),
    case("OWN004", head(kind="Pipeline", tier=2) + "ownership:\n  team: '@acme/ml'\n", 7, name="missing"),
    case("OWN004", head(lifecycle="staging"), 1, name="staging"),
    case("OWN004", head(tier=3), name="tier-3-exempt"),
    # OWN005 business-owner-for-production
    case("OWN005", OWNED),
    case("OWN005", head(tier=4) + "ownership:\n  team: '@acme/ml'\n", 7, name="missing"),
    case("OWN005", head(lifecycle="staging"), name="staging-exempt"),
    # OWN006 data-steward-for-pii
    case("OWN006", OWNED),
    case("OWN006", head(lifecycle="staging") + "ownership:\n  team: '@acme/ml'\ncompliance:\n  pii: true\n", 7,
         name="missing"),
    case("OWN006", head() + "compliance:\n  pii: false\n", name="no-pii-exempt"),
]


@pytest.mark.parametrize("item", CASES, ids=case_ids(CASES))
def test_ownership_rule(item: RuleCase, tmp_path: Path) -> None:
    run_case(item, tmp_path)


@pytest.mark.parametrize("item", cli_samples(CASES), ids=case_ids(cli_samples(CASES)))
def test_ownership_rule_through_the_cli(item: RuleCase, tmp_path: Path) -> None:
    run_case_cli(item, tmp_path)
