"""The evidence check functions: their specs, with the code imported on first call.

The evidence modules compile many regular expressions and pull in subprocess; importing them only
when a rule actually runs keeps `mlprodlint --help` and runs without evidence rules fast.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import Any

from .base import CheckContext, CheckFunction, CheckSpec, Violation

_NO_ARGS: dict[str, Any] = {"type": "object", "additionalProperties": False}
_PATHS_ARG = {
    "type": "array",
    "items": {"type": "string", "minLength": 1},
    "minItems": 1,
    "description": "dotted field paths holding references ([] fans out)",
}


def _lazy(module: str, name: str) -> CheckFunction:
    def call(ctx: CheckContext, /, **args: Any) -> Iterable[Violation]:
        function = getattr(importlib.import_module(f"{__package__}.{module}"), name)
        return function(ctx, **args)

    call.__name__ = call.__qualname__ = name
    return call


def _spec(name: str, module: str, description: str, args_schema: dict[str, Any] | None = None, function: str = "") -> CheckSpec:
    return CheckSpec(name, _lazy(module, function or name), args_schema or _NO_ARGS, description)


def _args(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required, "additionalProperties": False}


BUILTIN = (
    _spec(
        "references_exist", "evidence_files",
        "Referenced paths exist inside the repository (URLs are not fetched) and their #anchors "
        "match a Markdown heading.",
        _args({"paths": _PATHS_ARG, "check_anchors": {"type": "boolean"}}, ["paths"]),
    ),
    _spec(
        "documents_not_templates", "evidence_files",
        "Referenced Markdown documents hold real prose, not just headings and TODO/TBD placeholders.",
        _args({"paths": _PATHS_ARG, "min_words": {"type": "integer", "minimum": 1}}, ["paths"]),
    ),
    _spec("alerts_defined", "evidence_alerts",
          "The service has at least one alert, in alerting.alerts or in the rules file(s)."),
    _spec("paging_alert_defined", "evidence_alerts",
          "At least one alert pages (manifest severity page, or a rules-file severity label among "
          "the paging severities, page/critical by default)."),
    _spec("rules_file_valid", "evidence_alerts",
          "alerting.rules_file parses as Prometheus alerting rules (groups -> rules -> alert/expr, "
          "PrometheusRule resources, several documents, files or globs)."),
    _spec("rules_file_not_template", "evidence_alerts",
          "alerting.rules_file is a rendered file, not a Helm or Jinja template."),
    _spec("slo_alerts", "evidence_alerts",
          "Every declared SLO (availability, latency, freshness) has an alert that measures it or "
          "declares it (slo: field or label)."),
    _spec("paging_alerts_have_runbooks", "evidence_alerts",
          "Paging alerts (severity page/critical) in the rules file carry a runbook."),
    _spec("team_in_codeowners", "evidence_owners",
          "ownership.team owns the manifest's folder in CODEOWNERS (last matching pattern wins)."),
    _spec(
        "catalog_agrees", "evidence_owners",
        "The entity named like the manifest in the nearest catalog-info.yaml (manifest folder up to the "
        "repository root) agrees on spec.owner or spec.lifecycle.",
        _args({"field": {"enum": ["owner", "lifecycle"]}}, ["field"]),
    ),
    _spec(
        "signoff_after_code_change", "evidence_git",
        "A sign-off date is not older than the last git commit touching metadata.paths.",
        _args(
            {
                "path": {"type": "string", "minLength": 1, "description": "dotted path of the sign-off date(s)"},
                "group_by": {"type": "string", "minLength": 1,
                             "description": "list items sharing this field: only the newest counts"},
            },
            ["path"],
        ),
    ),
    _spec("model_card_metadata", "evidence_modelcard",
          "A model card's front matter declares license, datasets and evaluation metrics.",
          function="card_metadata"),
    _spec("monitored_metrics_in_card", "evidence_modelcard",
          "Every metric in monitoring.model_metrics appears in the model card (metadata or text; case, "
          "separators and aliases such as ROC-AUC = roc_auc normalised)."),
    _spec("no_secrets", "secrets",
          "The manifest holds no tokens, keys, passwords or webhook URLs with credentials."),
    _spec("not_equal", "evidence_practices",
          "Two fields hold different values (e.g. the validator is not the developing team).",
          _args({"path": {"type": "string", "minLength": 1}, "other": {"type": "string", "minLength": 1}}, ["path", "other"])),
    _spec("tests_for_code", "evidence_practices",
          "Test files exist for the code under metadata.paths (or in a tests/ folder beside it)."),
    _spec("dependencies_pinned", "evidence_practices",
          "training.lockfile exists, or a lockfile / fully pinned requirements.txt sits next to the manifest or at the repository root."),
    _spec("ci_runs", "evidence_practices",
          "The CI configuration (GitHub workflows, GitLab CI, Jenkinsfile, ...) runs the command at `path`, or a test command.",
          _args({"path": {"type": "string", "minLength": 1}, "tests": {"type": "boolean"}}, [])),
    _spec("trained_within_cadence", "evidence_practices",
          "training.last_trained is not older than `grace` (default 1.5) times the governance.retraining cadence.",
          _args({"grace": {"type": "number", "minimum": 1}}, [])),
)
