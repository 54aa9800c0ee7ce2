"""The one explicit table of check functions, plus third-party ones from entry points.

Field checks are defined with their functions (`fields.BUILTIN`). Evidence checks are listed here
with their code imported on first call: the evidence modules compile many regular expressions and
pull in subprocess, so importing them only when a rule actually runs keeps `mlprodlint --help` and
runs without evidence rules fast.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..errors import PluginError, RulePackError, describe
from . import fields
from .base import CheckContext, CheckFunction, CheckSpec, NothingToCheck, Violation, object_args

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

ENTRY_POINT_GROUP = "mlprodlint.checks"

_NO_ARGS: dict[str, Any] = {"type": "object", "additionalProperties": False}
_PATHS_ARG = {
    "type": "array",
    "items": {"type": "string", "minLength": 1},
    "minItems": 1,
    "description": "dotted field paths holding references ([] fans out)",
}


def _lazy(module: str, name: str) -> CheckFunction:
    def call(ctx: CheckContext, /, **args: Any) -> Iterable[Violation | NothingToCheck]:
        function = getattr(importlib.import_module(f"{__package__}.{module}"), name)
        return function(ctx, **args)

    call.__name__ = call.__qualname__ = name
    return call


def _spec(name: str, module: str, description: str, args_schema: dict[str, Any] | None = None, function: str = "") -> CheckSpec:
    return CheckSpec(name, _lazy(module, function or name), args_schema or _NO_ARGS, description)


EVIDENCE = (
    _spec(
        "references_exist", "evidence_files",
        "Referenced paths exist inside the repository (URLs are not fetched) and their #anchors "
        "match a Markdown heading.",
        object_args({"paths": _PATHS_ARG, "check_anchors": {"type": "boolean"}}, ["paths"]),
    ),
    _spec(
        "documents_not_templates", "evidence_files",
        "Referenced Markdown documents hold real prose, not just headings and TODO/TBD placeholders.",
        object_args({"paths": _PATHS_ARG, "min_words": {"type": "integer", "minimum": 1}}, ["paths"]),
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
        object_args({"field": {"enum": ["owner", "lifecycle"]}}, ["field"]),
    ),
    _spec(
        "signoff_after_code_change", "evidence_git",
        "A sign-off date is not older than the last git commit touching metadata.paths.",
        object_args(
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
          object_args({"path": {"type": "string", "minLength": 1}, "other": {"type": "string", "minLength": 1}}, ["path", "other"])),
    _spec("code_paths_exist", "evidence_files",
          "Every metadata.paths entry (folder, file or glob, relative to the manifest's folder) matches a file in the repository."),
    _spec("tests_for_code", "evidence_practices",
          "Test files exist for the code under metadata.paths (or in a tests/ folder beside it)."),
    _spec("dependencies_pinned", "evidence_practices",
          "training.lockfile exists, or a lockfile / fully pinned requirements.txt sits next to the manifest or at the repository root."),
    _spec("ci_runs", "evidence_practices",
          "The CI configuration (GitHub workflows, GitLab CI, Jenkinsfile, ...) runs the command at `path`, or a test command.",
          object_args({"path": {"type": "string", "minLength": 1}, "tests": {"type": "boolean"}}, [])),
    _spec("trained_within_cadence", "evidence_practices",
          "training.last_trained is not older than `grace` (default 1.5) times the governance.retraining cadence.",
          object_args({"grace": {"type": "number", "minimum": 1}}, [])),
)

BUILTIN_CHECKS: Mapping[str, CheckSpec] = {spec.name: spec for spec in (*fields.BUILTIN, *EVIDENCE)}


@lru_cache(maxsize=1)
def plugin_entry_points() -> Mapping[str, "EntryPoint"]:
    """Installed check plugins by name, not yet imported (metadata is read only when needed)."""
    from importlib.metadata import entry_points

    return {entry.name: entry for entry in entry_points(group=ENTRY_POINT_GROUP)}


def plugin_label(entry: "EntryPoint") -> str:
    dist = getattr(entry, "dist", None)
    return f"check plugin {entry.name!r} ({entry.value}" + (f", from {dist.name} {dist.version})" if dist else ")")


def describe_plugin(name: str) -> str:
    entry = plugin_entry_points().get(name)
    return plugin_label(entry) if entry is not None else f"check plugin {name!r}"


@lru_cache(maxsize=None)
def load_plugin(name: str) -> CheckSpec | None:
    """The check function a plugin registers under `name` in the `mlprodlint.checks` group.

    Plugins are imported one by one, only when a rule names them: a broken plugin that no rule
    uses costs nothing. One that a rule needs and that fails to load stops the run with its
    name: a policy that silently loses a check is worse than no policy.

    The entry point names a CheckSpec (preferred: its argument schema validates the rule's
    arguments) or a plain callable of the CheckFunction type.
    """
    entry = plugin_entry_points().get(name)
    if entry is None:
        return None
    label = plugin_label(entry)
    if entry.name in BUILTIN_CHECKS:
        raise RulePackError(f"{label} shadows a built-in check function; give it a namespaced name like 'acme.{entry.name}'")
    try:
        loaded = entry.load()
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # third-party code: SystemExit, GeneratorExit... name the plugin
        raise PluginError(f"{label} failed to load: {describe(error)}") from None
    if isinstance(loaded, CheckSpec):
        spec = loaded
        if spec.name != entry.name:
            raise RulePackError(f"{label} is a CheckSpec named {spec.name!r}; the entry point must use the same name")
        from jsonschema import Draft202012Validator
        from jsonschema.exceptions import SchemaError

        try:
            Draft202012Validator.check_schema(dict(spec.args_schema))
        except SchemaError as error:
            raise RulePackError(f"{label} has an invalid args_schema: {error.message}") from None
    elif callable(loaded):
        spec = CheckSpec(entry.name, loaded, {"type": "object"}, (loaded.__doc__ or "").strip().split("\n")[0])
    else:
        raise RulePackError(f"{label} is neither a CheckSpec nor callable")
    return spec


def lookup(name: str) -> CheckSpec | None:
    spec = BUILTIN_CHECKS.get(name)
    if spec is not None:
        return spec
    return load_plugin(name)
