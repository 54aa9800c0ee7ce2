"""Issue 4.2 and issue 9 (observations 2, 3, 6): one model of the service's alerts.

Alerts come from `alerting.alerts` and the rules file(s) (plain Prometheus files, PrometheusRule
resources, several documents, lists and globs); SLO coverage is judged on what an alert measures
or declares, never on the words of its name; templates are recognised and reported once.
Every test runs the real CLI on a fixture repository and asserts exact rule ids, lines and
statuses.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from conftest import lint_json, write
from hypothesis import given, settings
from hypothesis import strategies as st

from mlprodlint.repo import promql
from mlprodlint.repo.templated import find_template_marker

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

# A FastAPI + Helm + Prometheus service as seen in the field: a kustomize bundle whose second
# document is the PrometheusRule, a non-2xx error ratio and a p95 latency alert.
SERVICE = """\
apiVersion: mlprodlint/v1
kind: Service
metadata: {name: scorer, lifecycle: production, tier: 1}
sla:
  availability: 99.9
  latency_p95_ms: 200
alerting:
  rules_file: deploy/prometheusrule.yaml
"""

CRD = """\
apiVersion: v1
kind: Service
metadata: {name: scorer}
spec:
  ports: [{port: 80}]
---
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: scorer
spec:
  groups:
    - name: scorer.slo
      rules:
        - alert: ScorerHighErrorRatio
          expr: |
            sum(rate(http_requests_total{job="scorer", status!~"2.."}[5m]))
              / sum(rate(http_requests_total{job="scorer"}[5m])) > 0.01
          for: 5m
          labels: {severity: critical}
          annotations:
            summary: "{{ $labels.job }} non-2xx ratio is {{ $value | humanizePercentage }}"
            runbook_url: https://runbooks.example.com/scorer#errors
        - alert: ScorerLatencyP95High
          expr: histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{job="scorer"}[5m]))) > 0.2
          for: 10m
          labels: {severity: warning}
"""

# Alerts whose names sound like availability but measure something else.
MISLEADING = """\
groups:
  - name: scorer.ops
    rules:
      - alert: DriftJobFailed
        expr: kube_job_status_failed{job_name=~"scorer-drift.*"} > 0
        labels: {severity: critical}
        annotations: {runbook_url: "https://runbooks.example.com/scorer#drift"}
      - alert: HPAScaleUpLimitReached
        expr: kube_horizontalpodautoscaler_status_current_replicas{horizontalpodautoscaler="scorer"} >= kube_horizontalpodautoscaler_spec_max_replicas{horizontalpodautoscaler="scorer"}
        labels: {severity: warning}
"""

HELM = """\
{{- if .Values.prometheusRule.enabled }}
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: {{ include "scorer.fullname" . }}
spec:
  groups:
    - name: scorer
      rules:
        - alert: ScorerHighErrorRatio
          expr: sum(rate(http_requests_total{status!~"2.."}[5m])) / sum(rate(http_requests_total[5m])) > {{ .Values.errorRatio }}
          labels: {severity: critical}
{{- end }}
"""


def _found(result: Any) -> set[tuple[str, str, int]]:
    return {(f["rule_id"], f["path"], f["line"]) for f in result.json()["findings"]}


def _status(result: Any) -> dict[str, tuple[str, str]]:
    return {r["rule_id"]: (r["status"], r.get("reason", "")) for r in result.json()["results"]}


def _messages(result: Any, rule_id: str) -> list[str]:
    return sorted(f["message"] for f in result.json()["findings"] if f["rule_id"] == rule_id)


def _service(tmp_path: Path, rules: str, manifest: str = SERVICE, name: str = "deploy/prometheusrule.yaml") -> Path:
    write(tmp_path / name, rules)
    return write(tmp_path / "mlprodlint.yaml", manifest)


# --- observation 2: rules-file alerts are alerts; severity critical pages -------------------------


def test_prometheus_rule_crd_alerts_count_page_and_cover_the_slos(tmp_path: Path) -> None:
    manifest = _service(tmp_path, CRD)
    result = lint_json(manifest, "--select", "ALR001,ALR002,ALR042,ALR043,ALR044,ALR045", cwd=tmp_path)
    assert result.exit_code == 0, result.stdout
    assert _found(result) == set()
    status = _status(result)
    # Every rule examined something: ALR001 counted 2 rules-file alerts, ALR002 saw `critical`
    # page, ALR043 credited the non-2xx ratio (availability) and histogram_quantile (latency).
    assert {rule: s for rule, (s, _) in status.items() if rule.startswith("ALR")} == {
        "ALR001": "pass", "ALR002": "pass", "ALR042": "pass", "ALR043": "pass", "ALR044": "pass", "ALR045": "pass",
    }


def test_rules_file_without_alerts_fails_alr001_with_what_was_read(tmp_path: Path) -> None:
    rules = "groups:\n  - name: x\n    rules:\n      - record: job:up:sum\n        expr: sum(up)\n"
    manifest = _service(tmp_path, rules)
    result = lint_json(manifest, "--select", "ALR001", cwd=tmp_path)
    assert result.exit_code == 1
    assert _found(result) == {("ALR001", "mlprodlint.yaml", 7)}
    assert _messages(result, "ALR001") == [
        "No alerts: alerting.alerts has 0 item(s) and the rules file deploy/prometheusrule.yaml defines no alert"
    ]


def test_warning_does_not_page_and_the_mapping_is_configurable(tmp_path: Path) -> None:
    manifest = _service(tmp_path, CRD.replace("severity: critical", "severity: warning"))
    result = lint_json(manifest, "--select", "ALR002", cwd=tmp_path)
    assert result.exit_code == 1
    assert _found(result) == {("ALR002", "mlprodlint.yaml", 7)}
    assert _messages(result, "ALR002") == [
        "Nothing pages: none of the 2 alert(s) in alerting.alerts or the rules file deploy/prometheusrule.yaml "
        "has severity: page or a severity label critical/page (severities seen: warning)"
    ]
    write(tmp_path / ".mlprodlint.toml", '[options]\npaging_severities = ["warning"]\n')
    result = lint_json(manifest, "--select", "ALR002", cwd=tmp_path)
    assert result.exit_code == 0, result.stdout
    assert _status(result)["ALR002"] == ("pass", "")


def test_paging_severities_option_is_validated(tmp_path: Path) -> None:
    manifest = _service(tmp_path, CRD)
    write(tmp_path / ".mlprodlint.toml", "[options]\npaging_severities = []\n")
    result = lint_json(manifest, "--select", "ALR002", cwd=tmp_path)
    assert result.exit_code == 2
    assert ".mlprodlint.toml" in result.stderr and "paging_severities" in result.stderr


# --- observation 3: SLO coverage from what an alert measures or declares -----------------------


def test_alerts_named_like_failures_do_not_cover_availability(tmp_path: Path) -> None:
    manifest = _service(tmp_path, MISLEADING)
    result = lint_json(manifest, "--select", "ALR043", cwd=tmp_path)
    assert result.exit_code == 1
    assert _found(result) == {("ALR043", "mlprodlint.yaml", 5), ("ALR043", "mlprodlint.yaml", 6)}
    availability, latency = _messages(result, "ALR043")
    assert availability == (
        "SLO without an alert: sla.availability: none of the 2 alert(s) in alerting.alerts or the rules "
        "file deploy/prometheusrule.yaml measures availability; add an alert whose expr measures the "
        'error ratio (e.g. status!~"2.." or code=~"5.." over all requests, or _errors_total / '
        "_requests_total) or `up`/`probe_success`, or link an alert to it with `slo: availability`"
    )
    assert "measures latency; add an alert whose expr measures a latency distribution" in latency
    assert latency.endswith("or link an alert to it with `slo: latency_p95_ms` (or `slo: latency`)")


def test_explicit_slo_labels_and_fields_win(tmp_path: Path) -> None:
    rules = MISLEADING.replace(
        "        labels: {severity: critical}\n", "        labels: {severity: critical, slo: availability}\n"
    )
    manifest = SERVICE.replace("  latency_p95_ms: 200\n", "  latency_p95_ms: 200\n  latency_p99_ms: 400\n") + """\
  alerts:
    - name: HPAScaleUpLimitReached
      severity: ticket
      signal: the autoscaler is at its maximum
      slo: latency_p95_ms
"""
    manifest_path = _service(tmp_path, rules, manifest)
    result = lint_json(manifest_path, "--select", "ALR043,MPL002", cwd=tmp_path)
    # The slo label covers availability, the manifest's slo: latency_p95_ms covers that key only:
    # p99 (line 7) stays uncovered.
    assert _found(result) == {("ALR043", "mlprodlint.yaml", 7)}
    assert "sla.latency_p99_ms:" in _messages(result, "ALR043")[0]


@pytest.mark.parametrize(
    ("labels", "covered"),
    [
        ('{severity: page, sloth_slo: requests-availability, sloth_service: scorer, sloth_id: scorer-requests-availability}', True),
        ('{severity: page, slo: scorer-availability}', True),  # Pyrra names the SLO in `slo`
        ('{severity: page, slo: checkout}', False),  # an SLO name that names no family
        ('{severity: page, sloth_service: scorer}', False),  # the service is not an SLO
    ],
    ids=["sloth", "pyrra", "unknown-slo-name", "service-only"],
)
def test_slo_generator_labels(tmp_path: Path, labels: str, covered: bool) -> None:
    rules = f"""\
groups:
  - name: slo
    rules:
      - alert: ErrorBudgetBurn
        expr: (slo:sli_error:ratio_rate5m{{sloth_service="scorer"}} > (14.4 * 0.001))
        labels: {labels}
        annotations: {{runbook_url: "https://runbooks.example.com/slo"}}
"""
    manifest = _service(tmp_path, rules, SERVICE.replace("  latency_p95_ms: 200\n", ""))
    result = lint_json(manifest, "--select", "ALR043", cwd=tmp_path)
    assert _found(result) == (set() if covered else {("ALR043", "mlprodlint.yaml", 5)})


def test_sloth_query_matcher_declares_the_slo(tmp_path: Path) -> None:
    rules = """\
groups:
  - name: sloth-slo-sli-recordings-scorer-requests-latency
    rules:
      - alert: ScorerLatencyBudgetBurn
        expr: (slo:sli_error:ratio_rate5m{sloth_id="scorer-requests-latency", sloth_slo="requests-latency"} > (14.4 * 0.001))
        labels: {severity: page}
        annotations: {runbook_url: "https://runbooks.example.com/slo"}
"""
    manifest = _service(tmp_path, rules)
    result = lint_json(manifest, "--select", "ALR043", cwd=tmp_path)
    assert _found(result) == {("ALR043", "mlprodlint.yaml", 5)}  # latency covered, availability not


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
    messages = _messages(result, "ALR044")
    assert messages == [
        "Paging alert without a runbook: paging alert DemoDown (severity critical) has no runbook_url "
        "annotation and no runbook in alerting.alerts"
    ]


def test_covered_slos_pass(tmp_path: Path) -> None:
    manifest = write(tmp_path / "mlprodlint.yaml", MANIFEST)
    write(
        tmp_path / "monitoring/alerts.yaml",
        RULES.replace("absent(foo)", "histogram_quantile(0.99, sum by (le) (rate(x_duration_seconds_bucket[5m]))) > 0.08")
        + """\
      - alert: DemoOutputStale
        expr: time() - demo_last_success_timestamp_seconds > 86400
        labels: {severity: ticket}
""",
    )
    result = lint_json(manifest, "--select", "ALR043", cwd=tmp_path)
    assert result.exit_code == 0, result.stdout
    assert _status(result)["ALR043"] == ("pass", "")


# --- observation 6: a templated rules file is one warning, not a syntax error ------------------


@pytest.mark.parametrize(
    ("text", "line", "kind"),
    [
        (HELM, 1, "Helm"),
        ("groups:\n  - name: x\n    rules:\n{% for a in alerts %}\n      - alert: {{ a.name }}\n{% endfor %}\n", 4, "Jinja"),
        ("groups:\n  - name: x\n    rules:\n      - alert: A\n        expr: up == 0\n        labels: {severity: '{{ severity }}'}\n", 6, "Jinja"),
    ],
    ids=["helm", "jinja-loop", "jinja-variable"],
)
def test_template_rules_file_is_reported_once(tmp_path: Path, text: str, line: int, kind: str) -> None:
    manifest = _service(tmp_path, text)
    result = lint_json(manifest, "--select", "ALR", cwd=tmp_path)
    assert _found(result) == {("ALR045", "deploy/prometheusrule.yaml", line)}
    finding = result.json()["findings"][0]
    assert finding["severity"] == "warning"
    assert finding["message"].startswith(f"Unverifiable alert rules file: deploy/prometheusrule.yaml is a {kind} template")
    assert finding["message"].endswith(
        "cannot verify a template: point rules_file at the rendered file or the chart's test output"
    )
    assert result.exit_code == 0, result.stdout  # a warning
    status = _status(result)
    assert status["ALR042"] == ("not_applicable", "the rules file is a template (deploy/prometheusrule.yaml); see ALR045")
    assert status["ALR001"][0] == "not_applicable"
    assert status["ALR043"][0] == "not_applicable"
    assert "template" in status["ALR043"][1]


def test_prometheus_annotation_templates_are_not_templates(tmp_path: Path) -> None:
    manifest = _service(tmp_path, CRD.replace(
        "summary:", "description: \"{{ if gt $value 0.5 }}high{{ else }}low{{ end }} {{ .Labels.job }} {{ printf \\\"%.2f\\\" $value }}\"\n            summary:"
    ))
    result = lint_json(manifest, "--select", "ALR042,ALR045", cwd=tmp_path)
    assert result.exit_code == 0, result.stdout
    assert _status(result)["ALR045"] == ("pass", "")


# --- nothing to check is not a pass ------------------------------------------------------------


def test_rules_file_rules_are_not_applicable_without_a_rules_file(tmp_path: Path) -> None:
    manifest = write(tmp_path / "mlprodlint.yaml", MANIFEST.replace("  rules_file: monitoring/alerts.yaml\n", ""))
    result = lint_json(manifest, "--select", "ALR042,ALR044,ALR045", cwd=tmp_path)
    assert result.exit_code == 0
    assert {k: v for k, v in _status(result).items() if k.startswith("ALR")} == {
        "ALR042": ("not_applicable", "no rules_file declared"),
        "ALR044": ("not_applicable", "no rules_file declared"),
        "ALR045": ("not_applicable", "no rules_file declared"),
    }


def test_no_paging_alert_and_no_slo_are_not_applicable(tmp_path: Path) -> None:
    manifest = _service(tmp_path, CRD.replace("severity: critical", "severity: warning"),
                        SERVICE.replace("sla:\n  availability: 99.9\n  latency_p95_ms: 200\n", ""))
    result = lint_json(manifest, "--select", "ALR043,ALR044", cwd=tmp_path)
    assert result.exit_code == 0
    status = _status(result)
    assert status["ALR043"] == ("not_applicable", "no availability, latency or freshness SLO declared")
    assert status["ALR044"] == ("not_applicable", "no paging alert in the rules file")


# --- several files, globs, documents -----------------------------------------------------------


def test_rules_file_list_and_glob(tmp_path: Path) -> None:
    availability, latency = CRD.split("        - alert: ScorerLatencyP95High\n")
    write(tmp_path / "monitoring/rules/errors.yaml", availability)
    write(tmp_path / "monitoring/rules/nested/latency.yml", "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\n"
          "spec:\n  groups:\n    - name: l\n      rules:\n        - alert: ScorerLatencyP95High\n" + latency)
    manifest = write(tmp_path / "mlprodlint.yaml", SERVICE.replace(
        "  rules_file: deploy/prometheusrule.yaml\n", "  rules_file:\n    - monitoring/rules/*.yaml\n    - monitoring/**/*.yml\n"))
    result = lint_json(manifest, "--select", "ALR001,ALR040,ALR042,ALR043,MPL002", cwd=tmp_path)
    assert result.exit_code == 0, result.stdout
    assert _found(result) == set()
    missing = write(tmp_path / "mlprodlint.yaml", SERVICE.replace(
        "  rules_file: deploy/prometheusrule.yaml\n", "  rules_file: [monitoring/rules/*.yaml, alerts/*.yaml]\n"))
    result = lint_json(missing, "--select", "ALR040,ALR042", cwd=tmp_path)
    assert _found(result) == {("ALR042", "mlprodlint.yaml", 8)}
    assert _messages(result, "ALR042") == ["Broken alert rules file: alerting.rules_file 'alerts/*.yaml' matches no file"]


def test_glob_does_not_follow_symlinks_out_of_the_repo(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    write(tmp_path / "outside/secret.yaml", CRD)
    (repo / "monitoring").mkdir(parents=True)
    (repo / "monitoring/linked").symlink_to(tmp_path / "outside")
    (repo / "monitoring/file.yaml").symlink_to(tmp_path / "outside/secret.yaml")
    (repo / ".git").mkdir()
    manifest = write(repo / "mlprodlint.yaml", SERVICE.replace("deploy/prometheusrule.yaml", "monitoring/**/*.yaml"))
    result = lint_json(manifest, "--select", "ALR001,ALR042", cwd=repo)
    assert _found(result) == {("ALR001", "mlprodlint.yaml", 7), ("ALR042", "mlprodlint.yaml", 8)}


def test_bundle_without_a_prometheus_rule_is_reported(tmp_path: Path) -> None:
    manifest = _service(tmp_path, "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\napiVersion: apps/v1\nkind: Deployment\n")
    result = lint_json(manifest, "--select", "ALR042", cwd=tmp_path)
    assert _found(result) == {("ALR042", "deploy/prometheusrule.yaml", 1)}
    assert _messages(result, "ALR042") == [
        "Broken alert rules file: not a Prometheus rules file: none of its 2 documents has a `groups:` list "
        "or is a PrometheusRule (only other Kubernetes objects)"
    ]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("groups:\n  - name: x\n    rules:\n      - alert: A\n        expr: [unclosed\n", 6),
        ("groups:\n  - name: x\n    rules:\n      - alert: A\n        labels: {severity: page}\n", 4),
        ("groups:\n  - name: x\n    rules:\n      - expr: up == 0\n", 4),
        ("alerts:\n  - alert: A\n", 1),
        ("groups:\n  - name: x\n", 2),
        ("", 1),
        ("groups: []\n---\nalerts: 1\n---\n- a\n", 5),
    ],
    ids=["yaml-error", "no-expr", "neither-alert-nor-record", "no-groups", "group-without-rules", "empty", "list-document"],
)
def test_broken_rules_file_is_reported_at_its_line(tmp_path: Path, text: str, line: int) -> None:
    manifest = write(tmp_path / "mlprodlint.yaml", MANIFEST)
    (tmp_path / "monitoring").mkdir()
    (tmp_path / "monitoring/alerts.yaml").write_text(text, encoding="utf-8")
    result = lint_json(manifest, "--select", "ALR042", cwd=tmp_path)
    assert result.exit_code == 1, result.stdout
    assert _found(result) == {("ALR042", "monitoring/alerts.yaml", line)}
    assert "manifest" not in result.json()["findings"][0]["message"]


def test_rules_file_outside_the_repo_is_not_read(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    write(tmp_path / "outside.yaml", "not: [valid\n")
    manifest = write(repo / "mlprodlint.yaml", MANIFEST.replace("monitoring/alerts.yaml", "../outside.yaml"))
    result = lint_json(manifest, "--select", "ALR040,ALR042", cwd=repo)
    # line 15: the manifest alert's runbook is missing too
    assert _found(result) == {("ALR040", "mlprodlint.yaml", 10), ("ALR040", "mlprodlint.yaml", 15)}
    assert _status(result)["ALR042"] == ("not_applicable", "no rules file read (../outside.yaml leaves the repository)")


def test_a_list_as_manifest_alert_name_is_not_a_crash(tmp_path: Path) -> None:
    # `name: [DemoNoisy]` is a schema error; ALR044 must still run (not exit 3 on an unhashable key).
    manifest = write(tmp_path / "mlprodlint.yaml", MANIFEST.replace("- name: DemoNoisy", "- name: [DemoNoisy]"))
    write(tmp_path / "monitoring/alerts.yaml", RULES)
    result = lint_json(manifest, "--select", "ALR044", cwd=tmp_path)
    assert result.exit_code == 1, result.stderr
    # Without a usable name the manifest runbook backs no rules-file alert: both pagers lack one.
    assert _found(result) == {("ALR044", "monitoring/alerts.yaml", 9), ("ALR044", "monitoring/alerts.yaml", 12)}


def test_hostile_rules_file_is_bounded(tmp_path: Path) -> None:
    expr = 'x{code=~"' + '"' * 5000 + '(' * 5000 + "`" + "a" * 20000
    rules = "groups:\n  - name: x\n    rules:\n      - alert: A\n        expr: '" + expr.replace("'", "''") + "'\n"
    rules += "        annotations: {summary: '" + "{{" * 3000 + "'}\n"
    manifest = _service(tmp_path, rules)
    started = time.monotonic()
    result = lint_json(manifest, "--select", "ALR042,ALR043,ALR045", cwd=tmp_path)
    assert time.monotonic() - started < 10
    assert result.exit_code in (0, 1), result.stderr


# --- the PromQL reading, in memory ------------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "families"),
    [
        ('sum(rate(http_requests_total{status!~"2.."}[5m])) / sum(rate(http_requests_total[5m])) > 0.01', {"availability"}),
        ('sum(rate(req_total{code=~"5.."}[5m]))', {"availability"}),
        ('sum(rate(grpc_server_handled_total{grpc_code!="OK"}[5m])) / sum(rate(grpc_server_handled_total[5m]))', {"availability"}),
        ("sum(rate(scorer_errors_total[5m])) / sum(rate(scorer_requests_total[5m])) > 0.01", {"availability"}),
        ('up{job="scorer"} == 0', {"availability"}),
        ("avg_over_time(probe_success[5m]) < 0.9", {"availability"}),
        ("histogram_quantile(0.99, sum by (le) (rate(x_request_duration_seconds_bucket[5m]))) > 0.08", {"latency"}),
        ("rate(x_duration_seconds_sum[5m]) / rate(x_duration_seconds_count[5m]) > 0.2", {"latency"}),
        ("demo_request_duration_seconds:p99 > 0.08", {"latency"}),
        ("time() - job_last_success_timestamp_seconds > 3600", {"freshness"}),
        ("time() - push_time_seconds{job=\"nightly\"} > 86400", {"freshness"}),
        ('kube_job_status_failed{job_name=~"drift.*"} > 0', set()),
        ("kube_horizontalpodautoscaler_status_current_replicas >= kube_horizontalpodautoscaler_spec_max_replicas", set()),
        ("demo_errors_total > 0", set()),  # an error counter with nothing to compare it with
        ('sum(rate(x_duration_seconds_count{code=~"5.."}[5m]))', {"availability"}),  # _count alone: requests
        ("histogram_quantile(0.99, rate(prediction_score_bucket[1h])) < 0.1", set()),  # not a duration
        ('x{code=~"2.."} < 1', set()),
        ("psi > 0.2", set()),
        ("update_rate > 1", set()),
    ],
)
def test_promql_reading(expr: str, families: set[str]) -> None:
    assert promql.families(expr) == families


def test_template_marker_ignores_prometheus_templates() -> None:
    assert find_template_marker('summary: "{{ $labels.job }} at {{ $value | humanize }}"\n') is None
    assert find_template_marker("description: |\n  {{ range query \"up\" }}{{ .Labels.instance }}{{ end }}\n") is None
    marker = find_template_marker('a: 1\nsummary: "{{ "{{" }} $labels.job {{ "}}" }}"\n')
    assert marker is not None and (marker.line, marker.kind) == (2, "Helm/Jinja")
    marker = find_template_marker("a: 1\nb: 2\nsummary: '{{`{{ $labels.job }}`}}'\n")
    assert marker is not None and (marker.line, marker.kind) == (3, "Helm")


# --- hostile rules files ----------------------------------------------------------------------

HOSTILE = Path(__file__).resolve().parent / "hostile"


@pytest.mark.parametrize("name", sorted(p.name for p in HOSTILE.glob("*.yaml")))
def test_hostile_corpus_as_rules_file_never_crashes(tmp_path: Path, name: str) -> None:
    """Every hostile manifest of the corpus, given as the rules file: a finding or a pass, never
    a traceback, exit 3 or a hang."""
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy/prometheusrule.yaml").write_bytes((HOSTILE / name).read_bytes())
    manifest = write(tmp_path / "mlprodlint.yaml", SERVICE)
    started = time.monotonic()
    result = lint_json(manifest, "--select", "ALR", cwd=tmp_path)
    assert time.monotonic() - started < 10
    assert result.exit_code in (0, 1), result.stderr
    for finding in result.json()["findings"]:
        assert finding["rule_id"].startswith("ALR") and finding["line"] >= 1


def test_many_documents_share_one_budget(tmp_path: Path) -> None:
    documents = "".join(f"---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\ndata: {{a: '1'}}\n" for i in range(3000))
    manifest = _service(tmp_path, documents)
    started = time.monotonic()
    result = lint_json(manifest, "--select", "ALR042", cwd=tmp_path)
    assert time.monotonic() - started < 10
    assert result.exit_code == 1
    assert len(result.json()["findings"]) == 1  # one over-budget finding, not one per document


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('{}()[]"\'`$.|=~!<>-+/ \nabc_5:#%')), max_size=400))
def test_readers_accept_any_text(text: str) -> None:
    promql.families(text)
    find_template_marker(text)
