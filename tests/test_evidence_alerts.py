"""Issue 4.2: the Prometheus rules file parses, covers the SLOs, and paging alerts have runbooks."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import lint_json, write

from mlprodlint.checks.evidence_alerts import families_of, normalise

MANIFEST = """\
apiVersion: mlprodlint/v1
kind: Model
metadata: {name: demo, lifecycle: production}
sla:
  availability: 99.9
  latency_p50_ms: 10
  latency_p99_ms: 80
  freshness_hours: 24
alerting:
  rules_file: monitoring/alerts.yaml
  alerts:
    - name: DemoNoisy
      severity: page
      signal: saturation
      runbook: docs/runbook.md
"""

RULES = """\
groups:
  - name: demo
    rules:
      - record: job:errors:rate5m
        expr: sum(rate(errors_total[5m]))
      - alert: DemoHighErrorRate
        expr: sum(rate(http_requests_total{code=~"5.."}[5m])) > 1
        labels: {severity: ticket}
      - alert: DemoNoisy
        expr: saturation > 0.9
        labels: {severity: page}
      - alert: DemoDown
        expr: absent(foo)
        labels: {severity: critical}
        annotations: {summary: "instance is gone"}
"""


def _found(result) -> set[tuple[str, str, int]]:
    return {(f["rule_id"], f["path"], f["line"]) for f in result.json()["findings"]}


def test_uncovered_slos_and_pager_without_runbook(tmp_path: Path) -> None:
    manifest = write(tmp_path / "mlprodlint.yaml", MANIFEST)
    write(tmp_path / "monitoring/alerts.yaml", RULES)
    result = lint_json(manifest, "--select", "ALR042,ALR043,ALR044", cwd=tmp_path)
    assert result.exit_code == 1, result.stderr
    assert _found(result) == {
        ("ALR043", "mlprodlint.yaml", 6),  # latency_p50_ms: no latency alert anywhere
        ("ALR043", "mlprodlint.yaml", 7),  # latency_p99_ms
        ("ALR043", "mlprodlint.yaml", 8),  # freshness_hours
        ("ALR044", "monitoring/alerts.yaml", 12),  # DemoDown pages without a runbook
    }
    # DemoNoisy pages too, but the manifest alert of the same name carries its runbook.
    messages = sorted(f["message"] for f in result.json()["findings"])
    assert "paging alert DemoDown (severity critical) has no runbook_url" in messages[0]
    assert "sla.freshness_hours has no freshness alert in the rules file or alerting.alerts" in messages[1]


def test_covered_slos_pass(tmp_path: Path) -> None:
    manifest = write(tmp_path / "mlprodlint.yaml", MANIFEST)
    write(
        tmp_path / "monitoring/alerts.yaml",
        RULES.replace("absent(foo)", "histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m]))) > 0.08")
        + """\
      - alert: DemoOutputStale
        expr: time() - demo_last_success_timestamp_seconds > 86400
        labels: {severity: ticket}
""",
    )
    result = lint_json(manifest, "--select", "ALR043", cwd=tmp_path)
    assert result.exit_code == 0, result.stdout
    assert result.json()["findings"] == []


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("groups:\n  - name: x\n    rules:\n      - alert: A\n        expr: [unclosed\n", 6),
        ("groups:\n  - name: x\n    rules:\n      - alert: A\n        labels: {severity: page}\n", 4),
        ("groups:\n  - name: x\n    rules:\n      - expr: up == 0\n", 4),
        ("alerts:\n  - alert: A\n", 1),
        ("groups:\n  - name: x\n", 2),
        ("", 1),
        ("groups: []\n---\ngroups: []\n", 2),
    ],
    ids=["yaml-error", "no-expr", "neither-alert-nor-record", "no-groups", "group-without-rules", "empty", "two-documents"],
)
def test_broken_rules_file_is_reported_at_its_line(tmp_path: Path, text: str, line: int) -> None:
    manifest = write(tmp_path / "mlprodlint.yaml", MANIFEST)
    (tmp_path / "monitoring").mkdir()
    (tmp_path / "monitoring/alerts.yaml").write_text(text, encoding="utf-8")
    result = lint_json(manifest, "--select", "ALR042", cwd=tmp_path)
    assert result.exit_code == 1, result.stdout
    assert _found(result) == {("ALR042", "monitoring/alerts.yaml", line)}
    assert "manifest" not in result.json()["findings"][0]["message"]


def test_prometheus_rule_custom_resource_is_understood(tmp_path: Path) -> None:
    manifest = write(tmp_path / "mlprodlint.yaml", MANIFEST.replace("  freshness_hours: 24\n", ""))
    write(
        tmp_path / "monitoring/alerts.yaml",
        """\
        apiVersion: monitoring.coreos.com/v1
        kind: PrometheusRule
        spec:
          groups:
            - name: demo
              rules:
                - alert: DemoLatencyHigh
                  expr: demo_request_duration_seconds:p99 > 0.08
                  labels: {severity: page}
                  annotations: {runbook_url: "https://runbooks.example.com/demo"}
                - alert: DemoErrors
                  expr: demo_errors_total > 0
        """,
    )
    result = lint_json(manifest, "--select", "ALR042,ALR043,ALR044", cwd=tmp_path)
    assert result.exit_code == 0, result.stdout


def test_rules_file_outside_the_repo_is_not_read(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    write(tmp_path / "outside.yaml", "not: [valid\n")
    manifest = write(repo / "mlprodlint.yaml", MANIFEST.replace("monitoring/alerts.yaml", "../outside.yaml"))
    result = lint_json(manifest, "--select", "ALR040,ALR042", cwd=repo)
    # line 15: the manifest alert's runbook is missing too
    assert _found(result) == {("ALR040", "mlprodlint.yaml", 10), ("ALR040", "mlprodlint.yaml", 15)}


@pytest.mark.parametrize(
    ("parts", "families"),
    [
        (("FraudScoringHighLatencyP99",), {"latency"}),
        (("x", 'sum(rate(req_total{code=~"5.."}[5m]))'), {"availability"}),
        (("InstanceDown", "up == 0"), {"availability"}),
        (("BatchLate", "time() - job_last_success_timestamp_seconds > 3600"), {"freshness"}),
        (("Supper", "update_rate > 1"), set()),  # 'up' only as a whole word
        (("ModelDrift", "psi > 0.2"), set()),
    ],
)
def test_coverage_heuristic(parts: tuple[str, ...], families: set[str]) -> None:
    assert families_of(normalise(*parts)) == families


def test_a_list_as_manifest_alert_name_is_not_a_crash(tmp_path: Path) -> None:
    # `name: [DemoNoisy]` is a schema error; ALR044 must still run (not exit 3 on an unhashable key).
    manifest = write(tmp_path / "mlprodlint.yaml", MANIFEST.replace("- name: DemoNoisy", "- name: [DemoNoisy]"))
    write(tmp_path / "monitoring/alerts.yaml", RULES)
    result = lint_json(manifest, "--select", "ALR044", cwd=tmp_path)
    assert result.exit_code == 1, result.stderr
    # Without a usable name the manifest runbook backs no rules-file alert: both pagers lack one.
    assert _found(result) == {("ALR044", "monitoring/alerts.yaml", 9), ("ALR044", "monitoring/alerts.yaml", 12)}
