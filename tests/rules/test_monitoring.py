"""Monitoring rules (MON001-MON039): exact findings for passing and failing manifests."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import RuleCase, case, case_ids, head, run_case, run_case_cli, cli_samples

WATCHED = head() + """\
monitoring:
  dashboards:
    - https://grafana.acme.com/d/svc
    - dashboards/svc.json
  service_metrics: [svc_requests_total, svc_request_duration_seconds]
  model_metrics: [roc_auc]
  drift:
    features: [amount, prediction]
    method: psi
    threshold: 0.2
  data_quality:
    checks: [schema, null_rate]
  prediction_logging:
    enabled: true
    sink: s3://logs/svc/
"""

CASES: list[RuleCase] = [
    # MON001 dashboards-declared
    case("MON001", WATCHED),
    case("MON001", head(tier=3) + "monitoring:\n  service_metrics: [x_total]\n", 7, name="missing"),
    case("MON001", head() + "monitoring:\n  dashboards: []\n", 8, name="empty-list"),
    case("MON001", head(lifecycle="staging"), name="staging-exempt"),
    # MON002 dashboard-links-well-formed
    case("MON002", WATCHED),
    case("MON002", head(lifecycle="experimental", tier=4) + """\
monitoring:
  dashboards:
    - http://grafana.acme.com/d/svc
    - javascript:alert(1)
""", 9, 10, name="http-and-javascript"),
    # MON003 service-metrics-declared
    case("MON003", WATCHED),
    case("MON003", head() + "monitoring:\n  dashboards: [https://g.example.com/d/1]\n", 7, name="missing"),
    case("MON003", head(tier=4), name="tier-4-exempt"),
    # MON004 model-quality-metrics-declared
    case("MON004", WATCHED),
    case("MON004", head(kind="Pipeline", tier=2) + "monitoring:\n  model_metrics: []\n", 8, name="empty"),
    case("MON004", head(kind="Service"), name="service-exempt"),
    # MON005 drift-monitored
    case("MON005", WATCHED),
    case("MON005", head(tier=2), 1, name="no-monitoring"),
    case("MON005", head(kind="Pipeline", tier=2) + "monitoring:\n  model_metrics: [auc]\n", 7, name="pipeline"),
    case("MON005", head(tier=3), name="tier-3-exempt"),
    # MON006 drift-fully-configured
    case("MON006", WATCHED),
    case("MON006", head(lifecycle="development", tier=4) + """\
monitoring:
  drift:
    features: [amount]
    window: 7d
""", 8, name="no-method-no-threshold"),
    case("MON006", head(), name="no-drift-section"),
    # MON007 input-data-quality-checked
    case("MON007", WATCHED),
    case("MON007", head(tier=2) + "monitoring:\n  data_quality:\n    tool: soda\n", 8, name="tool-only"),
    case("MON007", head(tier=3), name="tier-3-exempt"),
    # MON008 prediction-logging-enabled
    case("MON008", WATCHED),
    case("MON008", head() + "monitoring:\n  prediction_logging:\n    enabled: false\n", 8, name="disabled"),
    case("MON008", head(kind="Service", tier=2) + "monitoring:\n  dashboards: [https://g.example.com/d/1]\n", 7,
         name="missing"),
    case("MON008", head(kind="Pipeline"), name="pipeline-exempt"),
    # MON009 prediction-log-sink-declared
    case("MON009", WATCHED),
    case("MON009", head(lifecycle="staging", tier=3) + "monitoring:\n  prediction_logging:\n    enabled: true\n", 8,
         name="missing"),
    case("MON009", head() + "monitoring:\n  prediction_logging:\n    enabled: false\n", name="disabled-exempt"),
]


@pytest.mark.parametrize("item", CASES, ids=case_ids(CASES))
def test_monitoring_rule(item: RuleCase, tmp_path: Path) -> None:
    run_case(item, tmp_path)


@pytest.mark.parametrize("item", cli_samples(CASES), ids=case_ids(cli_samples(CASES)))
def test_monitoring_rule_through_the_cli(item: RuleCase, tmp_path: Path) -> None:
    run_case_cli(item, tmp_path)
