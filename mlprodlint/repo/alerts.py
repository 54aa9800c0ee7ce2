"""One model of a service's alerts: `alerting.alerts` plus the Prometheus rules file(s).

Every alerting rule reads this model, so "has no alerts", "nothing pages" and "this SLO has no
alert" agree about what the service alerts on. Sources:

- `alerting.alerts` in the manifest (name, severity page/ticket, signal/expr, optional `slo`);
- `alerting.rules_file`: one path, a list of paths, or globs (`monitoring/**/*.yaml`), each file a
  plain Prometheus rules file (`groups:`) or a Kubernetes `PrometheusRule` (`spec.groups`), with
  any number of YAML documents (other Kubernetes objects in a bundle are skipped).

An alert of the same name in both places is one alert: the manifest adds routing and runbook, the
rules file the query and labels. A rules-file alert pages when its `severity` label (or Sloth's
`sloth_severity`) is one of the paging severities (`page`, `critical` by default; option
`paging_severities`). Templated rules files (Helm, Jinja) are recognised and not read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..load.manifest import Limits, LoadedManifest, LoadProblem, parse_documents, read_text
from .walk import glob_files, is_glob
from . import promql
from ..checks.base import CheckContext
from ..checks.evidence_paths import RefKind, relative_display, resolve_reference
from ..checks.fieldpath import first
from .templated import TemplateMarker, find_template_marker

DEFAULT_PAGING_SEVERITIES = ("page", "critical")
PAGING_OPTION = "paging_severities"

# SLA keys an alert can cover, and the family each belongs to.
SLO_FAMILIES: Mapping[str, str] = {
    "availability": promql.AVAILABILITY,
    "latency_p50_ms": promql.LATENCY,
    "latency_p95_ms": promql.LATENCY,
    "latency_p99_ms": promql.LATENCY,
    "freshness_hours": promql.FRESHNESS,
}
SLO_LINK_LABELS = ("slo", "sloth_slo", "sloth_id")


@dataclass(frozen=True)
class Alert:
    name: str
    severity: str  # as written, lower case ("" when none)
    pages: bool
    families: frozenset[str]  # SLO families the alert covers
    keys: frozenset[str]  # SLA keys it is explicitly linked to (slo: latency_p95_ms)
    explicit: bool  # the families come from a declared link, not from reading the query
    runbook: str
    line: int
    column: int
    path: Path | None  # the rules file; None for a manifest alert


@dataclass(frozen=True)
class RulesFile:
    path: Path
    alerts: tuple[Alert, ...]
    problems: tuple[tuple[int, int, str], ...]  # (line, column, message)
    template: TemplateMarker | None = None

    @property
    def readable(self) -> bool:
        return self.template is None


@dataclass(frozen=True)
class Declared:
    """One `alerting.rules_file` entry as written, and what it resolved to."""

    text: str
    pointer: str
    files: tuple[Path, ...]
    why_unread: str  # "" when files were found; else why nothing was read


@dataclass(frozen=True)
class AlertModel:
    declared: tuple[Declared, ...]
    files: tuple[RulesFile, ...]
    manifest_alerts: tuple[Alert, ...]
    alerts: tuple[Alert, ...]  # merged by name, manifest order first

    @property
    def templates(self) -> tuple[RulesFile, ...]:
        return tuple(f for f in self.files if f.template is not None)

    @property
    def readable_files(self) -> tuple[RulesFile, ...]:
        return tuple(f for f in self.files if f.template is None)

    def shown_files(self, repo_root: Path) -> str:
        return ", ".join(relative_display(f.path, repo_root) for f in self.files)


# --- severity -----------------------------------------------------------------------------


def paging_severities(options: Mapping[str, Any]) -> frozenset[str]:
    value = options.get(PAGING_OPTION)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return frozenset(v.strip().lower() for v in value)
    return frozenset(DEFAULT_PAGING_SEVERITIES)


# --- explicit links -------------------------------------------------------------------------


def _link(values: Iterable[Any]) -> tuple[frozenset[str], frozenset[str]]:
    """(families, SLA keys) named by declared SLO links (`slo:` field or labels)."""
    families: set[str] = set()
    keys: set[str] = set()
    for value in values:
        if not isinstance(value, str) or not value.strip():
            continue
        text = value.strip()
        if text in SLO_FAMILIES:
            keys.add(text)
        elif text.lower() in promql.FAMILIES:
            families.add(text.lower())
        else:
            families |= promql.families_of_slo_name(text)
    return frozenset(families), frozenset(keys)


# --- rules files --------------------------------------------------------------------------


def _groups(data: Mapping[str, Any]) -> tuple[Any, str] | None:
    if "groups" in data:
        return data["groups"], "/groups"
    spec = data.get("spec")
    if data.get("kind") == "PrometheusRule" or (isinstance(spec, dict) and "groups" in spec):
        return (spec.get("groups") if isinstance(spec, dict) else None), "/spec/groups"
    return None


def _is_other_kubernetes_object(data: Mapping[str, Any]) -> bool:
    return isinstance(data.get("apiVersion"), str) and isinstance(data.get("kind"), str)


def _text(value: Any) -> str:
    return str(value) if isinstance(value, (str, int, float)) and not isinstance(value, bool) else ""


def _document_alerts(
    loaded: LoadedManifest, paging: frozenset[str], path: Path
) -> tuple[list[Alert], list[tuple[int, int, str]], bool]:
    """(alerts, problems, is_rules_document) of one YAML document."""
    assert loaded.data is not None
    alerts: list[Alert] = []
    problems: list[tuple[int, int, str]] = []
    found = _groups(loaded.data)
    if found is None:
        return alerts, problems, False
    groups, groups_pointer = found

    def problem(pointer: str, message: str) -> None:
        problems.append((*loaded.position(pointer), message))

    if not isinstance(groups, list):
        problem(groups_pointer, "not a Prometheus rules file: expected a `groups:` list")
        return alerts, problems, True
    for g_index, group in enumerate(groups):
        g_pointer = f"{groups_pointer}/{g_index}"
        if not isinstance(group, dict) or not isinstance(group.get("rules"), list):
            problem(g_pointer, f"group {g_index + 1} has no `rules:` list")
            continue
        if not isinstance(group.get("name"), str):
            problem(g_pointer, f"group {g_index + 1} has no name")
        for r_index, rule in enumerate(group["rules"]):
            r_pointer = f"{g_pointer}/rules/{r_index}"
            if not isinstance(rule, dict):
                problem(r_pointer, "a rule must be a mapping with alert/record and expr")
                continue
            if "record" in rule:
                continue  # recording rules feed alerts; they are not alerts themselves
            name = rule.get("alert")
            if not isinstance(name, str) or not name.strip():
                problem(r_pointer, "rule has neither `alert:` nor `record:`")
                continue
            expr = _text(rule.get("expr")).strip()
            if not expr:
                problem(r_pointer, f"alert {name} has no `expr:`")
                continue
            labels = rule.get("labels") if isinstance(rule.get("labels"), dict) else {}
            annotations = rule.get("annotations") if isinstance(rule.get("annotations"), dict) else {}
            runbook = annotations.get("runbook_url") or annotations.get("runbook") or ""
            severity = (_text(labels.get("severity")) or _text(labels.get("sloth_severity"))).strip().lower()
            families, keys = _link(labels.get(label) for label in SLO_LINK_LABELS)
            explicit = bool(families or keys)
            if not explicit:
                families = promql.families(expr)
            line, column = loaded.position(f"{r_pointer}/alert")
            alerts.append(
                Alert(name, severity, severity in paging, families, keys, explicit,
                      runbook if isinstance(runbook, str) else "", line, column, path)
            )
    return alerts, problems, True


def _problem_text(problem: LoadProblem) -> tuple[int, int, str]:
    return (problem.line, problem.column, problem.message)


def parse_rules_file(
    path: Path, limits: Limits, repo_root: Path, paging: frozenset[str] = frozenset(DEFAULT_PAGING_SEVERITIES)
) -> RulesFile:
    shown = relative_display(path, repo_root)
    text, read_problem = read_text(path, limits, "rules file")
    if text is None:
        assert read_problem is not None
        return RulesFile(path, (), (_problem_text(read_problem),))
    marker = find_template_marker(text)
    if marker is not None:
        return RulesFile(path, (), (), marker)
    documents = parse_documents(text, path, shown, limits, "rules file")
    alerts: list[Alert] = []
    problems: list[tuple[int, int, str]] = []
    rules_documents = 0
    other_objects = 0
    for document in documents:
        if document.data is None or document.problems:
            problems.extend(_problem_text(p) for p in document.problems)
            continue
        found, found_problems, is_rules = _document_alerts(document, paging, path)
        if is_rules:
            rules_documents += 1
            alerts.extend(found)
            problems.extend(found_problems)
        elif _is_other_kubernetes_object(document.data):
            other_objects += 1
    if not documents:
        problems.append((1, 1, "rules file is empty"))
    elif not problems and rules_documents == 0:
        what = f"none of its {len(documents)} documents" if len(documents) > 1 else "it"
        kinds = " (only other Kubernetes objects)" if other_objects else ""
        problems.append(
            (*documents[0].position(""),
             f"not a Prometheus rules file: {what} has a `groups:` list or is a PrometheusRule{kinds}")
        )
    return RulesFile(path, tuple(alerts), tuple(sorted(problems)))


def _declared(ctx: CheckContext) -> tuple[Declared, ...]:
    value = first(ctx.manifest, "alerting.rules_file")
    entries: list[tuple[str, str]] = []
    if isinstance(value, str):
        entries.append((value, "/alerting/rules_file"))
    elif isinstance(value, list):
        entries.extend((v, f"/alerting/rules_file/{i}") for i, v in enumerate(value) if isinstance(v, str))
    out: list[Declared] = []
    for text, pointer in entries:
        if not text.strip():
            continue
        if is_glob(text):
            ref = resolve_reference(text.replace("*", "x").replace("?", "x").replace("[", "x"),
                                    ctx.manifest_dir, ctx.repo_root)
            if ref.kind is RefKind.URL:
                out.append(Declared(text, pointer, (), "is a URL; it is not fetched"))
            elif ref.kind is RefKind.OUTSIDE:
                out.append(Declared(text, pointer, (), ref.why_outside))
            else:
                files = tuple(glob_files(ctx.manifest_dir, text.strip(), ctx.repo_root))
                out.append(Declared(text, pointer, files, "" if files else "matches no file"))
            continue
        ref = resolve_reference(text, ctx.manifest_dir, ctx.repo_root)
        if ref.kind is RefKind.URL:
            out.append(Declared(text, pointer, (), "is a URL; it is not fetched"))
        elif ref.kind is RefKind.OUTSIDE:
            out.append(Declared(text, pointer, (), ref.why_outside))
        elif not ref.exists:
            out.append(Declared(text, pointer, (), "does not exist"))
        else:
            assert ref.path is not None
            out.append(Declared(text, pointer, (ref.path,), ""))
    return tuple(out)


def _manifest_alerts(ctx: CheckContext) -> tuple[Alert, ...]:
    items = first(ctx.manifest, "alerting.alerts")
    if not isinstance(items, list):
        return ()
    out: list[Alert] = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
            continue
        link = item.get("slo")
        families, keys = _link(link if isinstance(link, list) else [link])
        explicit = bool(families or keys)
        if not explicit:
            families = promql.families(_text(item.get("expr")))
        severity = _text(item.get("severity")).strip().lower()
        runbook = item.get("runbook")
        out.append(
            Alert(item["name"], severity, severity == "page", families, keys, explicit,
                  runbook if isinstance(runbook, str) else "", 0, 0, None)
        )
    return tuple(out)


def _merge(manifest: Iterable[Alert], files: Iterable[RulesFile]) -> tuple[Alert, ...]:
    merged: dict[str, Alert] = {}
    for alert in [*manifest, *(a for f in files for a in f.alerts)]:
        seen = merged.get(alert.name)
        if seen is None:
            merged[alert.name] = alert
            continue
        merged[alert.name] = Alert(
            seen.name,
            seen.severity or alert.severity,
            seen.pages or alert.pages,
            seen.families | alert.families,
            seen.keys | alert.keys,
            seen.explicit or alert.explicit,
            seen.runbook or alert.runbook,
            seen.line or alert.line,
            seen.column or alert.column,
            seen.path or alert.path,
        )
    return tuple(merged.values())


def rules_file_cached(ctx: CheckContext, path: Path, paging: frozenset[str]) -> RulesFile:
    cache = getattr(ctx.repo_facts, "cache", None)
    key = ("rules_file", str(path), tuple(sorted(paging)))
    if isinstance(cache, dict) and key in cache:
        cached: RulesFile = cache[key]
        return cached
    parsed = parse_rules_file(path, Limits(), ctx.repo_root, paging)
    if isinstance(cache, dict):
        cache[key] = parsed
    return parsed


def _build(ctx: CheckContext, paging: frozenset[str]) -> AlertModel:
    declared = _declared(ctx)
    paths = list(dict.fromkeys(p for d in declared for p in d.files))
    files = tuple(rules_file_cached(ctx, p, paging) for p in paths)
    manifest_alerts = _manifest_alerts(ctx)
    return AlertModel(declared, files, manifest_alerts, _merge(manifest_alerts, files))


def alert_model(ctx: CheckContext) -> AlertModel:
    """The model for this manifest, built once per run and shared by every alerting rule (a
    glob is walked once, not once per rule)."""
    paging = paging_severities(ctx.options)
    cache = getattr(ctx.repo_facts, "cache", None)
    alerting = ctx.manifest.get("alerting") if isinstance(ctx.manifest, Mapping) else None
    key = ("alert_model", str(ctx.manifest_path), repr(alerting), tuple(sorted(paging)))
    if isinstance(cache, dict) and key in cache:
        cached: AlertModel = cache[key]
        return cached
    model = _build(ctx, paging)
    if isinstance(cache, dict):
        cache[key] = model
    return model
