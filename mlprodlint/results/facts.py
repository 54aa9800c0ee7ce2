"""The manifest facts a documentation skeleton needs (Annex IV), flattened to short text.

Collected by the engine with every manifest (the report formatters never re-read a manifest):
each fact is a dotted path and its value as one line, lists joined with "; ", objects as
"key: value" pairs, cut to MAX_CHARS, credentials redacted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..checks.fieldpath import first, is_empty
from ..redact import redact

MAX_CHARS = 400

FACT_PATHS = (
    "metadata.description", "metadata.repository", "metadata.paths",
    "ownership.team", "ownership.contact", "ownership.business_owner",
    "governance.intended_use", "governance.limitations", "governance.instructions_for_use",
    "governance.model_card", "governance.datasheet", "governance.lineage",
    "governance.data_governance", "governance.validation", "governance.approvals",
    "governance.risk_register", "governance.technical_documentation", "governance.quality_management",
    "governance.post_market_monitoring", "governance.rollback_plan", "governance.retraining",
    "governance.fairness_review", "governance.inventory_id",
    "monitoring.dashboards", "monitoring.model_metrics", "monitoring.drift", "monitoring.data_quality",
    "monitoring.prediction_logging", "monitoring.skew",
    "alerting.rules_file",
    "compliance.ai_act_risk", "compliance.ai_act_annex", "compliance.human_oversight",
    "security.threat_model", "security.robustness_testing",
    "training.config", "training.data_version", "training.lockfile", "training.last_trained",
    "deployment.rollout", "deployment.validation",
)


def _text(value: Any) -> str:
    if isinstance(value, Mapping):
        return "; ".join(f"{key}: {_text(item)}" for key, item in value.items() if not is_empty(item))
    if isinstance(value, list):
        return "; ".join(_text(item) for item in value if not is_empty(item))
    return str(value).strip().replace("\n", " ")


def collect(manifest: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    facts = []
    for path in FACT_PATHS:
        value = first(manifest, path)
        if is_empty(value):
            continue
        text = _text(value)
        if len(text) > MAX_CHARS:
            text = text[: MAX_CHARS - 1] + "…"
        if text:
            facts.append((path, redact(text)))
    return tuple(facts)
