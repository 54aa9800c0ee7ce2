"""Issue 4.7: `mlprodlint init` scaffolds a prefilled manifest that lints with only what is missing."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from conftest import lint_json, run_cli, write

from mlprodlint.load.manifest import load_manifest

PROSE = (
    "Check the dashboards first, split the errors by pod and status code, and roll back when a "
    "deploy started it. Call the feature platform on-call engineer when the errors come from the "
    "feature store client, and post in the incident channel within fifteen minutes.\n"
)
EVIDENCE_RULES = re.compile(r"^[A-Z]{3}0[4-7][0-9]$")


def _repo(root: Path) -> Path:
    (root / ".git").mkdir(parents=True)  # a repository root; no history needed
    write(root / ".github/CODEOWNERS", "* @acme/platform\n/models/fraud/ @acme/fraud-ml @jane\n")
    model = root / "models/fraud"
    write(
        model / "catalog-info.yaml",
        """\
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata:
          name: Fraud_Scoring
          description: Real-time fraud scoring.
        spec:
          type: service
          owner: group:default/fraud-ml
          lifecycle: production
        """,
    )
    write(
        model / "docs/model_card.md",
        "---\nlicense: apache-2.0\ndatasets: [acme/tx]\ntags: [fraud]\nmodel-index:\n  - name: fraud\n"
        "    results:\n      - metrics:\n          - {type: roc_auc, value: 0.96}\n---\n"
        f"# Fraud scoring\n\n{PROSE}",
    )
    write(model / "docs/runbook.md", f"# Runbook\n\n## Rollback\n\n{PROSE}")
    write(model / "docs/threat_model.md", f"# Threat model\n\n{PROSE}")
    write(
        model / "monitoring/alerts.yaml",
        "groups:\n  - name: fraud\n    rules:\n      - alert: FraudHighErrorRate\n"
        "        expr: sum(rate(errors_total[5m])) > 1\n        labels: {severity: ticket}\n",
    )
    write(model / "monitoring/dashboard.yaml", "title: not a rules file\n")
    write(model / "src/score.py", "SCORE = 1\n")
    return model


def _data(path: Path) -> dict[str, Any]:
    loaded = load_manifest(path, path.name)
    assert loaded.problems == () and loaded.data is not None
    return loaded.data


def _resolves(data: Any, pointer: str) -> bool:
    node = data
    for token in pointer.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return False
    return True


def test_init_prefills_from_the_repository(tmp_path: Path) -> None:
    model = _repo(tmp_path)
    result = run_cli(["init", str(model)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        f"wrote {model.as_posix()}/mlprodlint.yaml (prefilled from: catalog-info.yaml, .github/CODEOWNERS, "
        "docs/model_card.md, monitoring/alerts.yaml, docs/runbook.md)"
    )
    data = _data(model / "mlprodlint.yaml")
    assert data == {
        "apiVersion": "mlprodlint/v1",
        "kind": "Service",  # catalog spec.type: service
        "metadata": {
            "name": "fraud_scoring",
            "description": "Real-time fraud scoring.",
            "lifecycle": "production",
            "tags": ["fraud"],
            "paths": ["src/"],
        },
        "ownership": {"team": "@acme/fraud-ml"},
        "alerting": {"rules_file": "monitoring/alerts.yaml"},
        "governance": {"model_card": "docs/model_card.md", "rollback_plan": "docs/runbook.md#rollback"},
        "security": {"threat_model": "docs/threat_model.md"},
    }
    text = (model / "mlprodlint.yaml").read_text(encoding="utf-8")
    assert '  team: "@acme/fraud-ml"  # from .github/CODEOWNERS:2\n' in text
    # The card's evaluation metrics are offered as a comment, never presented as monitored.
    assert (
        '  # model_metrics: ["roc_auc"]  # offline evaluation metrics in docs/model_card.md: '
        "keep only those monitored in production\n"
    ) in text
    assert "  # contact: " in text and "# sla:\n" in text  # unknowns stay commented out


def test_scaffold_lints_with_only_missing_field_findings(tmp_path: Path) -> None:
    model = _repo(tmp_path)
    assert run_cli(["init", str(model)]).exit_code == 0
    data = _data(model / "mlprodlint.yaml")
    result = lint_json(model, "--fail-on", "info", cwd=tmp_path)
    findings = result.json()["findings"]
    assert result.exit_code == 1 and findings
    assert [f for f in findings if f["rule_id"].startswith("MPL")] == []  # no schema or parse errors
    not_missing = [(f["rule_id"], f["pointer"]) for f in findings if not f["pointer"] or _resolves(data, f["pointer"])]
    assert not_missing == []  # every finding is about a field the scaffold leaves out
    # The evidence the scaffold cites is consistent, so no evidence rule fires.
    assert [f["rule_id"] for f in findings if EVIDENCE_RULES.match(f["rule_id"])] == []


def test_scaffold_of_an_empty_folder(tmp_path: Path) -> None:
    folder = tmp_path / "My Model!"
    folder.mkdir()
    result = run_cli(["init", str(folder)])
    assert result.exit_code == 0
    assert "prefilled from: nothing to prefill from" in result.stdout
    data = _data(folder / "mlprodlint.yaml")
    assert data == {"apiVersion": "mlprodlint/v1", "kind": "Model", "metadata": {"name": "my-model", "lifecycle": "development"}}
    findings = lint_json(folder, "--fail-on", "info", cwd=tmp_path).json()["findings"]
    assert all(not _resolves(data, f["pointer"]) for f in findings if f["pointer"])
    assert [f for f in findings if f["rule_id"].startswith("MPL")] == []


def test_init_never_overwrites_without_force(tmp_path: Path) -> None:
    existing = write(tmp_path / "mlprodlint.yml", "# mine\n")
    result = run_cli(["init", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr == f"mlprodlint: error: init: {existing.as_posix()} already exists; use --force to overwrite it\n"
    assert existing.read_text(encoding="utf-8") == "# mine\n"
    assert not (tmp_path / "mlprodlint.yaml").exists()
    result = run_cli(["init", str(tmp_path), "--force"])
    assert result.exit_code == 0
    assert existing.read_text(encoding="utf-8").startswith("# mlprodlint manifest, scaffolded")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mlprodlint.yml"]  # no temporary file left


def test_init_needs_a_folder(tmp_path: Path) -> None:
    result = run_cli(["init", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "is not a folder" in result.stderr


def test_init_does_not_read_outside_the_repository(tmp_path: Path) -> None:
    outside = write(tmp_path / "outside/catalog-info.yaml", "kind: Component\nmetadata: {name: leaked}\nspec: {owner: evil}\n")
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "catalog-info.yaml").symlink_to(outside)
    assert run_cli(["init", str(repo)]).exit_code == 0
    data = _data(repo / "mlprodlint.yaml")
    assert data["metadata"]["name"] == "repo" and "ownership" not in data


CRD = """\
apiVersion: v1
kind: ServiceAccount
metadata: {name: scorer}
---
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: scorer}
spec:
  groups:
    - name: scorer
      rules:
        - alert: ScorerHighErrorRatio
          expr: sum(rate(http_requests_total{status!~"2.."}[5m])) / sum(rate(http_requests_total[5m])) > 0.01
          labels: {severity: critical}
          annotations: {runbook_url: "https://runbooks.example.com/scorer"}
"""


def test_init_finds_nested_rules_dashboards_and_maps_the_catalog_type(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    svc = tmp_path / "services/scorer"
    write(svc / "catalog-info.yaml", "apiVersion: backstage.io/v1alpha1\nkind: Component\n"
          "metadata: {name: scorer}\nspec: {type: model-server, owner: ml, lifecycle: production}\n")
    write(svc / "docs/model_card.md", "---\nmetrics: [ROC-AUC, roc_auc, F1, f1]\nmodel-index:\n  - name: m\n"
          "    results:\n      - metrics:\n          - {type: accuracy, name: Accuracy, value: 0.9}\n---\n# Card\n")
    write(svc / "deploy/k8s/overlays/prod/bundle.yaml", CRD)  # found by kind: PrometheusRule
    write(svc / "ops/prometheus/alerts-latency.yml",  # found by name
          "groups:\n  - name: l\n    rules:\n      - alert: ScorerSlow\n"
          "        expr: histogram_quantile(0.95, rate(x_duration_seconds_bucket[5m])) > 0.2\n")
    write(svc / "chart/templates/prometheusrule.yaml", "{{- if .Values.rules }}\nkind: PrometheusRule\n{{- end }}\n")
    write(svc / "grafana/dashboards/overview.json", "{}\n")
    write(svc / "node_modules/pkg/dashboards/vendored.json", "{}\n")  # skipped folder
    write(svc / ".venv/alerts.yaml", CRD)
    outside = write(tmp_path.parent / f"{tmp_path.name}-outside" / "alerts.yaml", CRD)
    (svc / "linked").mkdir()
    (svc / "linked/alerts-outside.yaml").symlink_to(outside)  # never read: leaves the repository
    result = run_cli(["init", str(svc)])
    assert result.exit_code == 0, result.stderr
    data = _data(svc / "mlprodlint.yaml")
    assert data["kind"] == "Service"
    assert data["alerting"] == {"rules_file": ["deploy/k8s/overlays/prod/bundle.yaml", "ops/prometheus/alerts-latency.yml"]}
    assert data["monitoring"] == {"dashboards": ["grafana/dashboards/overview.json"]}
    text = (svc / "mlprodlint.yaml").read_text(encoding="utf-8")
    assert "kind: Service  # from catalog-info.yaml spec.type model-server\n" in text
    assert '  # model_metrics: ["accuracy", "f1", "roc_auc"]  # offline evaluation metrics in docs/model_card.md' in text
    # The scaffold lints without any finding on what it wrote (rules files parse, alerts count).
    findings = lint_json(svc, "--select", "ALR001,ALR040,ALR042,ALR045,MPL", cwd=tmp_path).json()["findings"]
    assert findings == []


@pytest.mark.parametrize(
    ("spec_type", "kind"),
    [("model-server", "Service"), ("service", "Service"), ("website", "Service"), ("model", "Model"),
     ("pipeline", "Pipeline"), ("job", "Pipeline"), ("library", "Model")],
)
def test_catalog_type_maps_to_kind(tmp_path: Path, spec_type: str, kind: str) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path / "catalog-info.yaml", f"kind: Component\nmetadata: {{name: x}}\nspec: {{type: {spec_type}}}\n")
    assert run_cli(["init", str(tmp_path)]).exit_code == 0
    assert _data(tmp_path / "mlprodlint.yaml")["kind"] == kind


def test_only_a_template_is_offered_as_a_comment(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path / "chart/templates/alerts.yaml", "{{- if .Values.rules }}\ngroups:\n  - name: x\n    rules:\n"
          "      - alert: A\n        expr: up == 0\n{{- end }}\n")
    assert run_cli(["init", str(tmp_path)]).exit_code == 0
    text = (tmp_path / "mlprodlint.yaml").read_text(encoding="utf-8")
    assert '  # rules_file: "chart/templates/alerts.yaml"  # a template: point rules_file at its rendered output instead (ALR045)\n' in text


# A monorepo's service-root catalog describing each model as a Resource (multi-document).
MONOREPO_CATALOG = """\
apiVersion: backstage.io/v1alpha1
kind: System
metadata: {name: fraud}
spec: {owner: group:default/payments}
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata: {name: fraud-gbm, description: Gradient-boosted fraud model}
spec: {type: model-server, owner: group:default/risk-platform, lifecycle: experimental}
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata: {name: fraud-nn}
spec: {type: pipeline, owner: group:default/fraud-ml, lifecycle: production}
"""


def test_init_reads_the_nearest_catalog_up_and_the_entity_named_like_the_folder(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path / "services/fraud/catalog-info.yaml", MONOREPO_CATALOG)
    write(tmp_path / "catalog-info.yaml", "kind: Component\nmetadata: {name: platform}\nspec: {owner: root-team}\n")
    model = tmp_path / "services/fraud/models/fraud-gbm"
    model.mkdir(parents=True)
    result = run_cli(["init", str(model)])
    assert result.exit_code == 0, result.stderr
    assert "prefilled from: services/fraud/catalog-info.yaml" in result.stdout
    data = _data(model / "mlprodlint.yaml")
    assert (data["kind"], data["metadata"]["name"], data["metadata"]["lifecycle"]) == ("Service", "fraud-gbm", "experimental")
    assert data["ownership"]["team"] == "group:default/risk-platform"
    text = (model / "mlprodlint.yaml").read_text(encoding="utf-8")
    assert "# from services/fraud/catalog-info.yaml spec.type model-server" in text


def test_init_falls_back_to_the_only_resource_and_reads_nothing_without_one(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path / "svc/catalog-info.yaml", MONOREPO_CATALOG.split("---\n", 2)[0] + "---\n" + MONOREPO_CATALOG.split("---\n", 2)[2])
    only = tmp_path / "svc/models/nn"
    only.mkdir(parents=True)
    assert run_cli(["init", str(only)]).exit_code == 0
    data = _data(only / "mlprodlint.yaml")
    assert (data["kind"], data["metadata"]["name"], data["metadata"]["lifecycle"]) == ("Pipeline", "fraud-nn", "production")
    # Two Resources, none named like the folder: no entity is guessed (the rewritten catalog is
    # read afresh, not from the earlier run's document store).
    write(tmp_path / "svc/catalog-info.yaml", MONOREPO_CATALOG)
    other = tmp_path / "svc/models/other"
    other.mkdir(parents=True)
    assert run_cli(["init", str(other)]).exit_code == 0
    data = _data(other / "mlprodlint.yaml")
    assert data["metadata"]["name"] == "other" and "ownership" not in data
