"""SR 11-7 (SRM), NIST AI RMF (RMF) and ISO/IEC 42001 (ISO) packs: exact findings, and a rule
serving every framework it cites (SRM006 runs for sr-11-7, nist-ai-rmf and iso-42001)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import RuleCase, case, case_ids, head, run_case, run_case_cli, cli_samples


def listing(*frameworks: str) -> str:
    return f"compliance:\n  frameworks: [{', '.join(frameworks)}]\n"  # lines 7-8


SR = listing("sr-11-7")
NIST = listing("nist-ai-rmf")
ISO = listing("iso-42001")

GOVERNED = head() + listing("sr-11-7", "nist-ai-rmf", "iso-42001") + """\
ownership:
  team: fraud-ml
governance:
  inventory_id: MRM-2024-0117
  intended_use: Rank card payments for analyst review.
  limitations: Not validated for merchants younger than 30 days.
  vendor_model: false
  risk_register: docs/risk.md
  decommissioning: https://wiki.acme.com/fraud/decommission
  technical_documentation: docs/annex-iv.md
  validation:
    by: model-risk@acme.com
    date: 2026-06-30
    findings: docs/validation.md
    outcomes_analysis: Monthly back-test of flagged vs confirmed fraud.
  data_governance:
    collection: Ledger transactions 2023-2025.
    preparation: Chargeback labels joined after 90 days.
    suitability: 40M rows across all markets.
    data_gaps: Few rows from new markets.
"""
# ownership 9-10, governance 11, validation 19-23, data_governance 24-28
FILES = {"docs/risk.md": "Risk register: false declines, fraud ring adaptation, drift by region; owners and measures.\n"}

CASES: list[RuleCase] = [
    # SRM001 model-inventoried
    case("SRM001", GOVERNED),
    case("SRM001", head() + SR, 1, name="missing"),
    case("SRM001", head() + NIST, 1, name="nist-govern-1-6"),
    case("SRM001", head() + ISO, name="iso-does-not-ask"),
    case("SRM001", head(lifecycle="development") + SR, name="development-exempt"),
    # SRM002 validation-recorded
    case("SRM002", GOVERNED),
    case("SRM002", GOVERNED.replace("    findings: docs/validation.md\n", ""), 19, name="no-findings"),
    case("SRM002", head() + ISO, 1, name="iso-a-6-2-4"),
    # SRM003 validator-independent
    case("SRM003", GOVERNED),
    case("SRM003", GOVERNED.replace("by: model-risk@acme.com", "by: Fraud-ML"), 20, name="self-validated"),
    case("SRM003", head() + SR, name="nothing-to-compare"),
    # SRM004 validation-current (TODAY 2026-11-26)
    case("SRM004", GOVERNED),
    case("SRM004", GOVERNED.replace("date: 2026-06-30", "date: 2025-06-30"), 21, name="stale"),
    # SRM005 outcomes-analysis-documented
    case("SRM005", GOVERNED),
    case("SRM005", GOVERNED.replace("    outcomes_analysis: Monthly back-test of flagged vs confirmed fraud.\n", ""), 19,
         name="missing"),
    # SRM006 limitations-documented
    case("SRM006", GOVERNED),
    case("SRM006", head() + SR, 1, name="missing-sr"),
    case("SRM006", head() + NIST, 1, name="missing-nist"),
    case("SRM006", head() + ISO, 1, name="missing-iso"),
    case("SRM006", head() + listing("gdpr"), name="no-framework"),
    # SRM007 intended-use-documented
    case("SRM007", GOVERNED),
    case("SRM007", head() + NIST, 1, name="missing"),
    # SRM008 vendor-model-flagged
    case("SRM008", GOVERNED),
    case("SRM008", head() + SR, 1, name="missing"),
    # RMF001 decommissioning-plan
    case("RMF001", GOVERNED),
    case("RMF001", head() + NIST, 1, name="missing"),
    case("RMF001", head() + SR, name="sr-does-not-ask"),
    # RMF002 risk-register
    case("RMF002", GOVERNED),
    case("RMF002", head(lifecycle="staging") + NIST, 1, name="missing"),
    # RMF003 rmf-documents-exist
    case("RMF003", GOVERNED, files=FILES),
    case("RMF003", GOVERNED, 16, name="risk-register-missing"),
    # ISO001 data-acquisition-and-preparation
    case("ISO001", GOVERNED),
    case("ISO001", GOVERNED.replace("    preparation: Chargeback labels joined after 90 days.\n", ""), 24, name="no-preparation"),
    # ISO002 data-quality-requirements
    case("ISO002", GOVERNED),
    case("ISO002", head() + ISO, 1, name="missing"),
    # ISO003 technical-documentation-for-interested-parties
    case("ISO003", GOVERNED),
    case("ISO003", head() + ISO, 1, name="missing"),
    case("ISO003", head(lifecycle="staging") + ISO, name="staging-exempt"),
]


@pytest.mark.parametrize("item", CASES, ids=case_ids(CASES))
def test_risk_framework_rule(item: RuleCase, tmp_path: Path) -> None:
    run_case(item, tmp_path)


@pytest.mark.parametrize("item", cli_samples(CASES), ids=case_ids(cli_samples(CASES)))
def test_risk_framework_rule_through_the_cli(item: RuleCase, tmp_path: Path) -> None:
    run_case_cli(item, tmp_path)
