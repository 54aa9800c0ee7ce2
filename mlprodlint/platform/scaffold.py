"""`mlprodlint init`: a commented manifest prefilled from what the repository already says.

Facts come from files inside the repository only (never executed, never fetched): the Backstage
catalog-info.yaml (name, description, owner, lifecycle), CODEOWNERS (the owning team), a Hugging
Face style model card (metrics, tags), a Prometheus rules file, and well-known docs. Anything not
found is written as a commented-out example, so that `mlprodlint check` reports exactly what is
really missing instead of tripping over invented values.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..repo.alerts import parse_rules_file
from ..repo.codeowners import find_codeowners, load_codeowners
from ..checks.evidence_markdown import anchors, split_front_matter
from ..checks.evidence_modelcard import card_metrics, parse_card
from ..checks.evidence_owners import CATALOG_NAMES, codeowners_root, find_catalog, load_catalog
from ..checks.evidence_paths import inside_repo, read_doc
from ..repo import documents as doccache
from ..repo.git import root_or_self
from ..load.manifest import Limits
from ..repo.walk import walk_files

MANIFEST_NAME = "mlprodlint.yaml"
LIFECYCLES = ("experimental", "development", "staging", "production", "deprecated")
CARD_CANDIDATES = ("docs/model_card.md", "docs/MODEL_CARD.md", "MODEL_CARD.md", "model_card.md", "README.md")
RULES_DIRS = ("monitoring", "alerts", "alerting", "prometheus", "deploy", "ops", ".")
MAX_RULES_CANDIDATES = 200  # YAML files read while looking for rules files
MAX_DASHBOARDS = 20
_PROMETHEUS_RULE = re.compile(r"^kind:[ \t]*[\"']?PrometheusRule\b", re.MULTILINE)
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


@dataclass(frozen=True)
class Found:
    """What a bounded walk of the folder turned up."""

    rules_files: tuple[Path, ...]
    rules_templates: tuple[Path, ...]
    dashboards: tuple[Path, ...]


def _is_rules_candidate(path: Path, folder: Path, text: str) -> bool:
    """Named `alerts*.y*ml`, a PrometheusRule resource, or a rules file in a monitoring folder."""
    if _PROMETHEUS_RULE.search(text):
        return True
    if "groups:" not in text or "alert:" not in text:
        return False  # cheap filter before parsing
    if fnmatch.fnmatch(path.name.lower(), "alerts*.y*ml"):
        return True
    parent = path.parent.relative_to(folder).as_posix()
    return parent in RULES_DIRS


def _walk_repository(folder: Path, repo_root: Path) -> Found:
    """Nested rules files (`**/alerts*.y*ml`, `kind: PrometheusRule`) and dashboards
    (`**/dashboards/*.json`), found by one bounded walk that never leaves the repository."""
    rules: list[Path] = []
    templates: list[Path] = []
    dashboards: list[Path] = []
    read = 0
    for path in walk_files(folder, repo_root):
        suffix = path.suffix.lower()
        if suffix == ".json" and path.parent.name == "dashboards":
            if len(dashboards) < MAX_DASHBOARDS:
                dashboards.append(path)
            continue
        if suffix not in (".yaml", ".yml") or path.name in {MANIFEST_NAME, "mlprodlint.yml", *CATALOG_NAMES}:
            continue
        if read >= MAX_RULES_CANDIDATES:
            continue
        try:
            if path.stat().st_size > 512 * 1024:
                continue
        except OSError:
            continue
        read += 1
        text = read_doc(path) or ""
        if not _is_rules_candidate(path, folder, text):
            continue
        parsed = parse_rules_file(path, Limits(), repo_root)
        if parsed.template is not None:
            templates.append(path)
        elif parsed.alerts and not parsed.problems:
            rules.append(path)
    return Found(tuple(rules), tuple(templates), tuple(dashboards))


# Backstage `spec.type` -> manifest kind (documented in README, `init`).
CATALOG_KINDS = {
    "model-server": "Service", "service": "Service", "website": "Service", "api": "Service",
    "model": "Model", "ml-model": "Model",
    "pipeline": "Pipeline", "job": "Pipeline", "batch": "Pipeline", "data-pipeline": "Pipeline",
}


def _metric_key(name: str) -> str:
    return "".join(char for char in name.lower() if char.isalnum())


def dedupe_metrics(names: Sequence[str]) -> list[str]:
    """One spelling per metric, compared case- and separator-insensitively (`ROC-AUC` = `roc_auc`);
    the identifier-like spelling (lower case, no spaces) wins."""
    chosen: dict[str, str] = {}
    for name in sorted(names, key=lambda n: (n != n.lower() or " " in n, n)):
        chosen.setdefault(_metric_key(name), name)
    return sorted(chosen.values(), key=str.lower)


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
    # A fresh run of the per-run document store: files may have changed since an earlier run in
    # this process (an editor integration, the test suite), and init must read them as they are.
    doccache.begin_run()
    folder = Path(os.path.abspath(folder))
    repo_root = root_or_self(folder)
    sources: list[str] = []

    def rel(path: Path) -> str:
        return path.relative_to(folder).as_posix()

    # --- service catalog -------------------------------------------------------------------
    name: str | None = None
    description: str | None = None
    catalog_owner: str | None = None
    lifecycle = "development"
    lifecycle_note = "no catalog-info.yaml: development until it serves traffic"
    kind = "Model"
    kind_note = "Model, Service (an inference service) or Pipeline (batch)"
    catalog_name = "catalog-info.yaml"
    # The nearest catalog from the folder up to the repository root, like OWN041/OWN042 read it
    # (a monorepo keeps one at the service root describing every model below it), and in it the
    # entity named like the folder, else the only Component or Resource.
    catalog_file = find_catalog(folder, repo_root)
    if catalog_file is not None and not inside_repo(catalog_file, repo_root):
        catalog_file = None  # a symlink out of the repository is never read
    entity = load_catalog(catalog_file, _slug(folder.name)).entity if catalog_file is not None else None
    if catalog_file is not None and entity is not None:
        # Shown relative to the folder when it is there (as before), else from the repository root.
        catalog_name = (catalog_file.name if catalog_file.parent == folder
                        else catalog_file.relative_to(repo_root).as_posix())
        sources.append(catalog_name)
        metadata = entity.data.get("metadata") if isinstance(entity.data.get("metadata"), dict) else {}
        spec = entity.data.get("spec") if isinstance(entity.data.get("spec"), dict) else {}
        name = metadata.get("name") if isinstance(metadata.get("name"), str) else None
        description = metadata.get("description") if isinstance(metadata.get("description"), str) else None
        catalog_owner = spec.get("owner") if isinstance(spec.get("owner"), str) else None
        catalog_type = spec.get("type") if isinstance(spec.get("type"), str) else None
        if catalog_type is not None and catalog_type.strip().lower() in CATALOG_KINDS:
            kind = CATALOG_KINDS[catalog_type.strip().lower()]
            kind_note = f"from {catalog_name} spec.type {catalog_type.strip()}"
        elif catalog_type is not None:
            kind_note = f"{catalog_name} spec.type {catalog_type.strip()!r} has no mapping; " + kind_note
        theirs = spec.get("lifecycle")
        if isinstance(theirs, str) and theirs.strip().lower() in LIFECYCLES:
            lifecycle, lifecycle_note = theirs.strip().lower(), f"from {catalog_name}"

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
        team, team_note = catalog_owner, f"from {catalog_name} spec.owner"

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
            metrics = dedupe_metrics(sorted(card_metrics(card.metadata)))
            raw_tags = card.metadata.get("tags")
            tags = [t for t in raw_tags if isinstance(t, str) and t.strip()] if isinstance(raw_tags, list) else []
        break

    # --- alerting, docs, code ------------------------------------------------------------------
    walked = _walk_repository(folder, repo_root)
    sources.extend(rel(p) for p in walked.rules_files)
    sources.extend(rel(p) for p in walked.dashboards[:1])
    rules_value: Any = None
    if len(walked.rules_files) == 1:
        rules_value = rel(walked.rules_files[0])
    elif walked.rules_files:
        rules_value = [rel(p) for p in walked.rules_files]
    rules_note = "Prometheus rules found in the repository" if rules_value else ""
    rules_example = '"monitoring/alerts.yaml"'
    if not rules_value and walked.rules_templates:
        rules_example = _yaml(rel(walked.rules_templates[0]))
        rules_note = "a template: point rules_file at its rendered output instead (ALR045)"
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
            Field("name", _slug(name or folder.name), comment=f"from {catalog_name}" if name else "from the folder name"),
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
            Field("dashboards", [rel(p) for p in walked.dashboards] or None, '["https://grafana.acme.com/d/my-model"]',
                  "dashboard definitions found in the repository" if walked.dashboards else ""),
            Field("service_metrics", None, '["request_duration_seconds", "requests_total"]'),
            # Offline evaluation scores in a model card are not monitoring: offered, never set.
            Field("model_metrics", None, _yaml(metrics) if metrics else '["roc_auc"]',
                  f"offline evaluation metrics in {card_path}: keep only those monitored in production"
                  if metrics else ""),
            Field("drift", None, "{features: [prediction], method: psi, threshold: 0.2, window: 7d}"),
        ]),
        Section("alerting", [
            Field("rules_file", rules_value, rules_example, rules_note),
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
        f"kind: {kind}  # {kind_note}",
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
