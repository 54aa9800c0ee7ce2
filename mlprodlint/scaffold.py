"""`mlprodlint init`: a commented manifest prefilled from what the repository already says.

Facts come from files inside the repository only (never executed, never fetched): the Backstage
catalog-info.yaml (name, description, owner, lifecycle), CODEOWNERS (the owning team), a Hugging
Face style model card (metrics, tags), a Prometheus rules file, and well-known docs. Anything not
found is written as a commented-out example, so that `mlprodlint check` reports exactly what is
really missing instead of tripping over invented values.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .checks.evidence_alerts import parse_rules_file
from .checks.evidence_codeowners import find_codeowners, load_codeowners
from .checks.evidence_markdown import anchors, split_front_matter
from .checks.evidence_modelcard import card_metrics, parse_card
from .checks.evidence_owners import CATALOG_NAMES, codeowners_root, load_catalog
from .checks.evidence_paths import inside_repo, read_doc
from .engine import find_repo_root
from .manifest import Limits

MANIFEST_NAME = "mlprodlint.yaml"
LIFECYCLES = ("experimental", "development", "staging", "production", "deprecated")
CARD_CANDIDATES = ("docs/model_card.md", "docs/MODEL_CARD.md", "MODEL_CARD.md", "model_card.md", "README.md")
RULES_DIRS = ("monitoring", "alerts", "alerting", "prometheus", "deploy", "ops", ".")
CODE_DIRS = ("src", "model", "models", "serving", "pipeline", "pipelines", "training", "app")
DOCS = {
    ("governance", "datasheet"): ("docs/datasheet.md", "docs/DATASHEET.md"),
    ("governance", "lineage"): ("docs/lineage.md", "docs/LINEAGE.md"),
    ("compliance", "dpia"): ("docs/dpia.md", "docs/DPIA.md"),
    ("security", "threat_model"): ("docs/threat_model.md", "docs/threat-model.md", "docs/THREAT_MODEL.md"),
}


@dataclass
class Field:
    key: str
    value: Any = None  # None: written commented out with `example`
    example: str = ""
    comment: str = ""


@dataclass
class Section:
    name: str
    fields: list[Field] = field(default_factory=list)


@dataclass(frozen=True)
class Scaffold:
    text: str
    sources: tuple[str, ...]


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9._-]+", "-", text.strip().lower()).strip("-._")
    return slug[:100].rstrip("-._") or "my-model"


def _file(folder: Path, relative: str, repo_root: Path) -> Path | None:
    candidate = folder / relative
    return candidate if candidate.is_file() and inside_repo(candidate, repo_root) else None


def _rules_files(folder: Path, repo_root: Path) -> Iterator[Path]:
    for directory in RULES_DIRS:
        base = folder / directory
        if not base.is_dir() or not inside_repo(base, repo_root):
            continue
        for path in sorted([*base.glob("*.yaml"), *base.glob("*.yml")]):
            if path.name not in {MANIFEST_NAME, "mlprodlint.yml", *CATALOG_NAMES} and inside_repo(path, repo_root):
                yield path


def _find_rules_file(folder: Path, repo_root: Path) -> Path | None:
    for path in _rules_files(folder, repo_root):
        try:
            if path.stat().st_size > 512 * 1024:
                continue
        except OSError:
            continue
        text = read_doc(path) or ""
        if "groups:" not in text or "alert:" not in text:
            continue  # cheap filter before parsing
        parsed = parse_rules_file(path, Limits(), repo_root)
        if parsed.alerts and not parsed.problems:
            return path
    return None


def _pick_owner(owners: Sequence[str]) -> str | None:
    teams = [o for o in owners if o.startswith("@") and "/" in o]
    people = [o for o in owners if o.startswith("@")]
    return (teams or people or list(owners) or [None])[0]


def _yaml(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_yaml(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def build_scaffold(folder: Path) -> Scaffold:
    folder = Path(os.path.abspath(folder))
    repo_root = find_repo_root(folder)
    sources: list[str] = []

    def rel(path: Path) -> str:
        return path.relative_to(folder).as_posix()

    # --- service catalog -------------------------------------------------------------------
    name: str | None = None
    description: str | None = None
    catalog_owner: str | None = None
    lifecycle = "development"
    lifecycle_note = "no catalog-info.yaml: development until it serves traffic"
    for catalog_name in CATALOG_NAMES:
        path = _file(folder, catalog_name, repo_root)
        if path is None:
            continue
        catalog = load_catalog(path, None)
        entity = catalog.entity
        if entity is None:
            break
        sources.append(catalog_name)
        metadata = entity.data.get("metadata") if isinstance(entity.data.get("metadata"), dict) else {}
        spec = entity.data.get("spec") if isinstance(entity.data.get("spec"), dict) else {}
        name = metadata.get("name") if isinstance(metadata.get("name"), str) else None
        description = metadata.get("description") if isinstance(metadata.get("description"), str) else None
        catalog_owner = spec.get("owner") if isinstance(spec.get("owner"), str) else None
        theirs = spec.get("lifecycle")
        if isinstance(theirs, str) and theirs.strip().lower() in LIFECYCLES:
            lifecycle, lifecycle_note = theirs.strip().lower(), f"from {catalog_name}"
        break

    # --- CODEOWNERS --------------------------------------------------------------------------
    team: str | None = None
    team_note = ""
    codeowners_path = find_codeowners(folder, repo_root)
    if codeowners_path is not None:
        codeowners = load_codeowners(codeowners_path, codeowners_root(codeowners_path))
        if codeowners is not None:
            target = (folder / MANIFEST_NAME).relative_to(codeowners.root).as_posix()
            rule = codeowners.owner_rule(target)
            owner = _pick_owner(rule.owners) if rule is not None else None
            if owner:
                team = owner
                shown = codeowners_path.relative_to(repo_root).as_posix()
                team_note = f"from {shown}:{rule.line}" if rule is not None else ""
                sources.append(shown)
    if team is None and catalog_owner:
        team, team_note = catalog_owner, "from catalog-info.yaml spec.owner"

    # --- model card --------------------------------------------------------------------------
    card_path: str | None = None
    metrics: list[str] = []
    tags: list[str] = []
    for candidate in CARD_CANDIDATES:
        path = _file(folder, candidate, repo_root)
        if path is None:
            continue
        text = read_doc(path) or ""
        if candidate == "README.md" and split_front_matter(text) is None:
            continue  # a README without metadata is not a model card
        card = parse_card(path, text)
        card_path = rel(path)
        sources.append(card_path)
        if card.metadata:
            metrics = sorted(card_metrics(card.metadata))
            raw_tags = card.metadata.get("tags")
            tags = [t for t in raw_tags if isinstance(t, str) and t.strip()] if isinstance(raw_tags, list) else []
        break

    # --- alerting, docs, code ------------------------------------------------------------------
    rules_path = _find_rules_file(folder, repo_root)
    if rules_path is not None:
        sources.append(rel(rules_path))
    runbook = _file(folder, "docs/runbook.md", repo_root)
    rollback = None
    if runbook is not None and "rollback" in anchors(read_doc(runbook) or ""):
        rollback = f"{rel(runbook)}#rollback"
        sources.append(rel(runbook))
    docs: dict[tuple[str, str], str] = {}
    for key, candidates in DOCS.items():
        for candidate in candidates:
            if _file(folder, candidate, repo_root) is not None:
                docs[key] = candidate
                break
    code_paths = [f"{d}/" for d in CODE_DIRS if (folder / d).is_dir() and inside_repo(folder / d, repo_root)]

    # --- the manifest ------------------------------------------------------------------------
    sections = [
        Section("metadata", [
            Field("name", _slug(name or folder.name), comment="from catalog-info.yaml" if name else "from the folder name"),
            Field("description", description, '"What it does and who relies on it."'),
            Field("lifecycle", lifecycle, comment=lifecycle_note + "; one of " + ", ".join(LIFECYCLES)),
            Field("tier", None, "2", "1 = business-critical ... 4 = internal tool or experiment"),
            Field("tags", tags or None, "[fraud, realtime]", "from the model card" if tags else ""),
            Field("paths", code_paths or None, '["src/"]', "code whose changes make sign-offs stale"),
            Field("repository", None, '"https://github.com/acme/my-model"'),
        ]),
        Section("ownership", [
            Field("team", team, '"@acme/my-team"', team_note),
            Field("contact", None, '"my-team@acme.com"', "email or #channel"),
            Field("oncall", None, '"pagerduty:my-team"', "paging rotation"),
            Field("business_owner", None, '"jane.doe@acme.com"'),
            Field("data_steward", None, '"data-governance@acme.com"', "needed when personal data is processed"),
        ]),
        Section("sla", [
            Field("availability", None, "99.9", "percent"),
            Field("latency_p99_ms", None, "100"),
            Field("freshness_hours", None, "24", "batch pipelines"),
            Field("support_hours", None, '"24x7"'),
        ]),
        Section("monitoring", [
            Field("dashboards", None, '["https://grafana.acme.com/d/my-model"]'),
            Field("service_metrics", None, '["request_duration_seconds", "requests_total"]'),
            Field("model_metrics", metrics or None, '["roc_auc"]', "from the model card" if metrics else ""),
            Field("drift", None, "{features: [prediction], method: psi, threshold: 0.2, window: 7d}"),
        ]),
        Section("alerting", [
            Field("rules_file", rel(rules_path) if rules_path else None, '"monitoring/alerts.yaml"',
                  "Prometheus rules; found in the repository" if rules_path else ""),
            Field("alerts", None, "[{name: HighErrorRate, severity: page, signal: 5xx ratio, runbook: docs/runbook.md#high-error-rate}]"),
        ]),
        Section("governance", [
            Field("model_card", card_path, '"docs/model_card.md"'),
            Field("datasheet", docs.get(("governance", "datasheet")), '"docs/datasheet.md"'),
            Field("lineage", docs.get(("governance", "lineage")), '"docs/lineage.md"'),
            Field("rollback_plan", rollback, '"docs/runbook.md#rollback"'),
            Field("approvals", None, "[{role: model-risk, by: jane.doe@acme.com, date: 2026-01-31}]"),
            Field("retraining", None, '"monthly"'),
        ]),
        Section("compliance", [
            Field("pii", None, "false", "true when personal data is processed"),
            Field("data_classification", None, "internal"),
            Field("dpia", docs.get(("compliance", "dpia")), '"docs/dpia.md"'),
        ]),
        Section("security", [
            Field("signoff", None, "{by: sec@acme.com, date: 2026-01-31, ticket: SEC-1}"),
            Field("threat_model", docs.get(("security", "threat_model")), '"docs/threat_model.md"'),
            Field("secrets_management", None, "vault"),
        ]),
    ]
    found = ", ".join(dict.fromkeys(sources)) or "nothing (no catalog, CODEOWNERS, model card or rules file)"
    lines = [
        "# mlprodlint manifest, scaffolded by `mlprodlint init`.",
        f"# Prefilled from: {found}.",
        "# Commented-out fields were not found: fill them in, then run `mlprodlint check`.",
        "# Schema: schemas/manifest.schema.json (mlprodlint/v1).",
        "apiVersion: mlprodlint/v1",
        "kind: Model  # Model, Service (an inference service) or Pipeline (batch)",
    ]
    for section in sections:
        lines.append("")
        present = any(f.value is not None for f in section.fields)
        lines.append(f"{section.name}:" if present else f"# {section.name}:")
        for item in section.fields:
            note = f"  # {item.comment}" if item.comment else ""
            if item.value is not None:
                lines.append(f"  {item.key}: {_yaml(item.value)}{note}")
            else:
                lines.append(f"  # {item.key}: {item.example}{note}")
    return Scaffold("\n".join(lines) + "\n", tuple(dict.fromkeys(sources)))
