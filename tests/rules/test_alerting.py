"""Alerting rules (ALR001-ALR039): exact findings for passing and failing manifests."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import RuleCase, case, case_ids, head, run_case, run_case_cli, cli_samples

ALERTED = head() + """\
alerting:
  alerts:
    - name: SvcDown
      signal: no successful requests for 5 minutes
      severity: page
      route: pagerduty:svc
      runbook: docs/runbook.md#down
    - name: SvcDrift
      signal: PSI above 0.2
      severity: ticket
      route: jira:SVC
      runbook: https://wiki.acme.com/svc#drift
"""

TICKETS_ONLY = head(tier=2) + """\
alerting:
  alerts:
    - name: SvcRunFailed
      signal: nightly run failed
      severity: ticket
      route: slack:#svc
"""

RULES_FILE = """\
groups:
  - name: svc
    rules:
      - alert: SvcHighErrorRatio
        expr: sum(rate(http_requests_total{status!~"2.."}[5m])) / sum(rate(http_requests_total[5m])) > 0.01
        labels: {severity: critical}
"""

CASES: list[RuleCase] = [
    # ALR001 alerts-defined
    case("ALR001", ALERTED),
    case("ALR001", head(), 1, name="no-alerting"),
    case("ALR001", head(tier=3) + "alerting:\n  alerts: []\n", 8, name="empty"),
    case("ALR001", head(lifecycle="experimental", tier=4), name="experiment-exempt"),
    case("ALR001", head() + "alerting:\n  rules_file: alerts.yaml\n", name="rules-file-alerts",
         files={"alerts.yaml": RULES_FILE}),
    # ALR002 paging-alert-for-critical
    case("ALR002", ALERTED),
    case("ALR002", TICKETS_ONLY, 8, name="tickets-only"),
    case("ALR002", head(kind="Pipeline", tier=2), 1, name="no-alerting"),
    case("ALR002", head(tier=3) + TICKETS_ONLY[len(head(tier=2)):], name="tier-3-exempt"),
    case("ALR002", TICKETS_ONLY + "  rules_file: alerts.yaml\n", name="critical-label-pages",
         files={"alerts.yaml": RULES_FILE}),
    case("ALR002", TICKETS_ONLY + "  rules_file: alerts.yaml\n", 8, name="warning-label-does-not-page",
         files={"alerts.yaml": RULES_FILE.replace("critical", "warning")}),
    case("ALR002", TICKETS_ONLY + "  rules_file: alerts.yaml\n", name="paging-severities-option",
         files={"alerts.yaml": RULES_FILE.replace("critical", "p1")}, config='[options]\npaging_severities = ["p1"]\n'),
    # ALR003 alert-routed
    case("ALR003", ALERTED),
    case("ALR003", head(lifecycle="staging") + """\
alerting:
  alerts:
    - name: A
      signal: x
      severity: page
      route: pagerduty:svc
    - name: B
      signal: y
      severity: ticket
""", 13, name="second-unrouted"),
    case("ALR003", head(lifecycle="development") + "alerting:\n  alerts:\n    - {name: A, signal: x, severity: page}\n",
         name="development-exempt"),
    # ALR004 alert-has-runbook
    case("ALR004", ALERTED),
    case("ALR004", TICKETS_ONLY, 9, name="missing"),
    case("ALR004", head(), name="no-alerts-vacuous"),
    # ALR005 runbook-links-well-formed
    case("ALR005", ALERTED),
    case("ALR005", head(lifecycle="experimental", tier=4) + """\
alerting:
  alerts:
    - name: A
      signal: x
      severity: ticket
      runbook: file:///home/bob/runbook.md
    - name: B
      signal: y
      severity: ticket
      runbook: http://wiki.acme.com/runbook
""", 12, 16, name="file-and-http"),
    # ALR006 pages-reach-a-pager
    case("ALR006", ALERTED),
    case("ALR006", head() + """\
alerting:
  alerts:
    - name: A
      signal: x
      severity: page
      route: slack:#svc
    - name: B
      signal: y
      severity: page
    - name: C
      signal: z
      severity: ticket
      route: slack:#svc
""", 12, 13, name="chat-and-missing"),
    case("ALR006", head(lifecycle="development") + """\
alerting:
  alerts:
    - {name: A, signal: x, severity: page, route: slack:#svc}
""", name="development-exempt"),
    # ALR007 alert-names-unique
    case("ALR007", ALERTED),
    case("ALR007", head() + """\
alerting:
  alerts:
    - {name: SvcDown, signal: x, severity: page}
    - {name: SvcDown, signal: y, severity: ticket}
    - {name: svcdown, signal: z, severity: ticket}
""", 10, name="duplicate"),
]


@pytest.mark.parametrize("item", CASES, ids=case_ids(CASES))
def test_alerting_rule(item: RuleCase, tmp_path: Path) -> None:
    run_case(item, tmp_path)


@pytest.mark.parametrize("item", cli_samples(CASES), ids=case_ids(cli_samples(CASES)))
def test_alerting_rule_through_the_cli(item: RuleCase, tmp_path: Path) -> None:
    run_case_cli(item, tmp_path)
