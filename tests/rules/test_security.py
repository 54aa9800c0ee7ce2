"""Security rules (SEC001-SEC039): exact findings for passing and failing manifests."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import RuleCase, case, case_ids, head, run_case, run_case_cli, cli_samples

SECURED = head() + """\
security:
  signoff:
    by: alex@acme.com
    date: 2026-10-15
    ticket: SEC-4821
  threat_model: docs/threat_model.md
  dependency_scanning:
    tool: dependabot
    enabled: true
  secrets_management: vault
  access_review:
    date: 2026-10-01
    by: alex@acme.com
"""

STALE_SIGNOFF = head() + "security:\n  signoff:\n    by: alex@acme.com\n    date: 2025-06-01\n"

CASES: list[RuleCase] = [
    # SEC001 signoff-for-production
    case("SEC001", SECURED),
    case("SEC001", head(tier=3) + "security:\n  secrets_management: vault\n", 7, name="missing"),
    case("SEC001", head(lifecycle="development"), name="development-exempt"),
    # SEC002 signoff-current
    case("SEC002", SECURED),
    case("SEC002", STALE_SIGNOFF, 10, name="stale"),
    case("SEC002", head(lifecycle="staging") + "security:\n  signoff:\n    by: a@acme.com\n    date: 2026-12-24\n", 10,
         name="future"),
    case("SEC002", STALE_SIGNOFF, name="option-widens-window", config="[options]\nsignoff_max_age_days = 730\n"),
    case("SEC002", SECURED, 10, name="option-narrows-window", config="[options]\nsignoff_max_age_days = 30\n"),
    # SEC003 signoff-traceable
    case("SEC003", SECURED),
    case("SEC003", STALE_SIGNOFF, 8, name="missing"),
    case("SEC003", head(), name="no-signoff-exempt"),
    # SEC004 threat-model-for-critical
    case("SEC004", SECURED),
    case("SEC004", head(kind="Pipeline", tier=2), 1, name="missing"),
    case("SEC004", head(tier=3), name="tier-3-exempt"),
    # SEC005 dependency-scanning-enabled
    case("SEC005", SECURED),
    case("SEC005", head() + "security:\n  dependency_scanning: true\n", name="boolean-form"),
    case("SEC005", head(lifecycle="staging") + "security:\n  dependency_scanning:\n    tool: snyk\n    enabled: false\n",
         8, name="disabled"),
    case("SEC005", head(tier=4) + "security:\n  secrets_management: vault\n", 7, name="missing"),
    case("SEC005", head(lifecycle="experimental"), name="experiment-exempt"),
    # SEC006 secrets-management-declared
    case("SEC006", SECURED),
    case("SEC006", head(lifecycle="staging"), 1, name="missing"),
    case("SEC006", head(lifecycle="development"), name="development-exempt"),
    # SEC007 secrets-managed
    case("SEC007", SECURED),
    case("SEC007", head() + "security:\n  secrets_management: env vars injected from vault\n", name="env-from-vault"),
    case("SEC007", head() + "security:\n  secrets_management: None\n", 8, name="none"),
    case("SEC007", head(lifecycle="development") + "security:\n  secrets_management: hard-coded\n", 8,
         name="hard-coded"),
    # SEC008 access-review-declared
    case("SEC008", SECURED),
    case("SEC008", head() + "security:\n  access_review: 2026-10-01\n", name="date-form"),
    case("SEC008", head(tier=2) + "security:\n  secrets_management: vault\n", 7, name="missing"),
    case("SEC008", head(tier=3), name="tier-3-exempt"),
    # SEC009 access-review-current
    case("SEC009", SECURED),
    case("SEC009", head() + "security:\n  access_review: 2024-05-01\n", 8, name="stale-date-form"),
    case("SEC009", head() + "security:\n  access_review:\n    by: alex@acme.com\n    date: 2025-01-31\n", 10,
         name="stale-object-form"),
    case("SEC009", head() + "security:\n  access_review: 2025-01-31\n", name="option-widens-window",
         config="[options]\nreview_max_age_days = 730\n"),
]


@pytest.mark.parametrize("item", CASES, ids=case_ids(CASES))
def test_security_rule(item: RuleCase, tmp_path: Path) -> None:
    run_case(item, tmp_path)


@pytest.mark.parametrize("item", cli_samples(CASES), ids=case_ids(cli_samples(CASES)))
def test_security_rule_through_the_cli(item: RuleCase, tmp_path: Path) -> None:
    run_case_cli(item, tmp_path)
