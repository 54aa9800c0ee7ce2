"""SLA rules (SLA001-SLA039): exact findings for passing and failing manifests."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import RuleCase, case, case_ids, head, run_case, run_case_cli, cli_samples

ONLINE = head() + """\
sla:
  availability: 99.9
  latency_p50_ms: 20
  latency_p95_ms: 60
  latency_p99_ms: 120
  support_hours: 24x7
"""

CASES: list[RuleCase] = [
    # SLA001 availability-declared
    case("SLA001", ONLINE),
    case("SLA001", head() + "sla:\n  latency_p99_ms: 80\n", 7, name="missing"),
    case("SLA001", head(), 1, name="no-sla-section"),
    case("SLA001", head(kind="Pipeline"), name="pipeline-exempt"),
    case("SLA001", head(lifecycle="staging"), name="staging-exempt"),
    case("SLA001", head(tier=4), name="tier-4-exempt"),
    # SLA002 tail-latency-declared
    case("SLA002", ONLINE),
    case("SLA002", head() + "sla:\n  latency_p95_ms: 60\n", name="p95-is-enough"),
    case("SLA002", head() + "sla:\n  availability: 99.9\n  latency_p50_ms: 20\n", 7, name="median-only"),
    case("SLA002", head(kind="Service", tier=3), 1, name="service"),
    case("SLA002", head(kind="Pipeline"), name="pipeline-exempt"),
    # SLA003 latency-percentiles-ordered
    case("SLA003", ONLINE),
    case("SLA003", head() + "sla:\n  latency_p50_ms: 20\n  latency_p99_ms: 90\n", name="gap-skipped"),
    case("SLA003", head() + "sla:\n  latency_p50_ms: 20\n  latency_p95_ms: 60\n  latency_p99_ms: 0.12\n", 10,
         name="p99-in-seconds"),
    case("SLA003", head(lifecycle="experimental", tier=4) + "sla:\n  latency_p50_ms: 50\n  latency_p95_ms: 40\n", 9,
         name="always-applies"),
    # SLA004 availability-for-tier-1
    case("SLA004", ONLINE),
    case("SLA004", head() + "sla:\n  availability: 98.5\n", 8, name="too-low"),
    case("SLA004", head() + "sla:\n  availability: 99\n", name="at-minimum"),
    case("SLA004", head(tier=2) + "sla:\n  availability: 98.5\n", name="tier-2-exempt"),
    # SLA005 availability-below-100
    case("SLA005", ONLINE),
    case("SLA005", head() + "sla:\n  availability: 100\n", 8, name="hundred"),
    case("SLA005", head(lifecycle="development", tier=3) + "sla:\n  availability: 99.9999\n", 8, name="six-nines"),
    # SLA006 freshness-for-pipelines
    case("SLA006", head(kind="Pipeline", tier=2) + "sla:\n  freshness_hours: 26\n"),
    case("SLA006", head(kind="Pipeline", tier=2) + "sla:\n  support_hours: business-hours\n", 7, name="missing"),
    case("SLA006", head(kind="Model"), name="model-exempt"),
    # SLA007 support-hours-declared
    case("SLA007", ONLINE),
    case("SLA007", head(tier=2) + "sla:\n  availability: 99.5\n", 7, name="missing"),
    case("SLA007", head(tier=3), name="tier-3-exempt"),
    # SLA008 tier-1-supported-24x7
    case("SLA008", ONLINE),
    case("SLA008", head() + "sla:\n  support_hours: business-hours\n", 8, name="business-hours"),
    case("SLA008", head(tier=2) + "sla:\n  support_hours: business-hours\n", name="tier-2-exempt"),
]


@pytest.mark.parametrize("item", CASES, ids=case_ids(CASES))
def test_sla_rule(item: RuleCase, tmp_path: Path) -> None:
    run_case(item, tmp_path)


@pytest.mark.parametrize("item", cli_samples(CASES), ids=case_ids(cli_samples(CASES)))
def test_sla_rule_through_the_cli(item: RuleCase, tmp_path: Path) -> None:
    run_case_cli(item, tmp_path)
