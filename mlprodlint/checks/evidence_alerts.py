"""Alerting matches the SLA: the Prometheus rules file parses, every SLO has an alert, and a
paging alert has a runbook.

Coverage heuristic (documented in README): an alert covers an SLO family when the words of its
name (CamelCase split), expression, label values and summary/description mention the family:

- availability: error(s), availability, (un)available, 5xx / `code=~"5.."`, `up`, down, uptime,
  fail(ed|ure|ures), success_rate;
- latency (p50/p95/p99 alike): latency, duration, histogram(_quantile), quantile, slow, response
  time, p50/p90/p95/p99/p999, bucket;
- freshness: freshness, fresh, stale(ness), age, lag, delay(ed), late, overdue, last success / last
  run, timestamp.

Alerts come from the rules file and from the manifest's `alerting.alerts` (name, signal, expr).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..manifest import Limits, LoadedManifest, load_manifest
from .base import CheckContext, Violation
from .evidence_paths import RefKind, relative_display, resolve_reference
from .fieldpath import first

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_TOKEN = re.compile(r"[a-z0-9]+")

FAMILIES: Mapping[str, tuple[frozenset[str], tuple[str, ...]]] = {
    # family -> (words, phrases searched in the normalised text)
    "availability": (
        frozenset({"error", "errors", "availability", "available", "unavailable", "5xx", "up", "down",
                   "uptime", "fail", "failed", "failure", "failures"}),
        ('code=~"5', 'status=~"5', "success rate", "success ratio"),
    ),
    "latency": (
        frozenset({"latency", "duration", "histogram", "quantile", "slow", "p50", "p90", "p95", "p99",
                   "p999", "bucket"}),
        ("response time",),
    ),
    "freshness": (
        frozenset({"freshness", "fresh", "stale", "staleness", "age", "lag", "delay", "delayed", "late",
                   "overdue", "timestamp"}),
        ("last success", "last run", "lastsuccess"),
    ),
}

SLO_FAMILIES: Mapping[str, str] = {
    "availability": "availability",
    "latency_p50_ms": "latency",
    "latency_p95_ms": "latency",
    "latency_p99_ms": "latency",
    "freshness_hours": "freshness",
}

PAGING = frozenset({"page", "critical", "p1", "sev1", "pager"})


@dataclass(frozen=True)
class Alert:
    name: str
    text: str  # normalised words the coverage heuristic reads
    severity: str
    runbook: str
    line: int
    column: int
    from_rules_file: bool


@dataclass(frozen=True)
class RulesFile:
    path: Path
    loaded: LoadedManifest
    alerts: tuple[Alert, ...]
    problems: tuple[tuple[int, int, str], ...]  # (line, column, message)


def normalise(*parts: Any) -> str:
    text = " ".join(str(p) for p in parts if isinstance(p, (str, int, float)) and not isinstance(p, bool))
    text = _CAMEL.sub(" ", text).lower()
    return text.replace("_", " ")


def families_of(text: str) -> set[str]:
    words = set(_TOKEN.findall(text))
    flat = " ".join(text.split())
    found = set()
    for family, (family_words, phrases) in FAMILIES.items():
        if words & family_words or any(phrase in flat for phrase in phrases):
            found.add(family)
    return found


def _rules_file_path(ctx: CheckContext) -> Path | None:
    value = first(ctx.manifest, "alerting.rules_file")
    if not isinstance(value, str) or not value.strip():
        return None
    ref = resolve_reference(value, ctx.manifest_dir, ctx.repo_root)
    if ref.kind is not RefKind.INSIDE or not ref.exists:
        return None  # ALR040 reports missing or escaping files; never read outside the repo
    return ref.path


def _groups(data: Mapping[str, Any]) -> tuple[Any, str]:
    if "groups" in data:
        return data["groups"], "/groups"
    spec = data.get("spec")
    if isinstance(spec, dict) and "groups" in spec:  # a Kubernetes PrometheusRule resource
        return spec["groups"], "/spec/groups"
    return None, ""


def parse_rules_file(path: Path, limits: Limits, repo_root: Path) -> RulesFile:
    shown = relative_display(path, repo_root)
    loaded = load_manifest(path, shown, limits, repo_root)
    if loaded.data is None or loaded.problems:
        problems = tuple(
            (p.line, p.column, p.message.replace("manifest", "rules file")) for p in loaded.problems
        )
        return RulesFile(path, loaded, (), problems)
    problems: list[tuple[int, int, str]] = []
    alerts: list[Alert] = []
    groups, groups_pointer = _groups(loaded.data)

    def problem(pointer: str, message: str) -> None:
        problems.append((*loaded.position(pointer), message))

    if not isinstance(groups, list):
        problem(groups_pointer, "not a Prometheus rules file: expected a top-level `groups:` list")
        return RulesFile(path, loaded, (), tuple(problems))
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
            if not isinstance(rule.get("expr"), (str, int, float)) or str(rule.get("expr")).strip() == "":
                problem(r_pointer, f"alert {name} has no `expr:`")
                continue
            labels = rule.get("labels") if isinstance(rule.get("labels"), dict) else {}
            annotations = rule.get("annotations") if isinstance(rule.get("annotations"), dict) else {}
            runbook = annotations.get("runbook_url") or annotations.get("runbook") or ""
            line, column = loaded.position(f"{r_pointer}/alert")
            alerts.append(
                Alert(
                    name=name,
                    text=normalise(name, rule.get("expr"), *labels.values(),
                                   annotations.get("summary"), annotations.get("description")),
                    severity=str(labels.get("severity", "")).strip().lower(),
                    runbook=runbook if isinstance(runbook, str) else "",
                    line=line,
                    column=column,
                    from_rules_file=True,
                )
            )
    return RulesFile(path, loaded, tuple(alerts), tuple(problems))


def _rules_file(ctx: CheckContext) -> RulesFile | None:
    path = _rules_file_path(ctx)
    if path is None:
        return None
    cache = getattr(ctx.repo_facts, "cache", None)
    key = ("rules_file", str(path))
    if isinstance(cache, dict) and key in cache:
        return cache[key]
    parsed = parse_rules_file(path, Limits(), ctx.repo_root)
    if isinstance(cache, dict):
        cache[key] = parsed
    return parsed


def _manifest_alerts(ctx: CheckContext) -> list[tuple[int, dict[str, Any]]]:
    alerts = first(ctx.manifest, "alerting.alerts")
    return [(i, a) for i, a in enumerate(alerts) if isinstance(a, dict)] if isinstance(alerts, list) else []


# --- checks -------------------------------------------------------------------------------


def rules_file_valid(ctx: CheckContext, /) -> Iterator[Violation]:
    parsed = _rules_file(ctx)
    if parsed is None:
        return
    for line, column, message in parsed.problems:
        yield Violation("/alerting/rules_file", message, path=parsed.path, line=line, column=column)



def slo_alerts(ctx: CheckContext, /) -> Iterator[Violation]:
    sla = first(ctx.manifest, "sla")
    if not isinstance(sla, dict):
        return
    covered: set[str] = set()
    parsed = _rules_file(ctx)
    if parsed is not None:
        for alert in parsed.alerts:
            covered |= families_of(alert.text)
    for _, alert in _manifest_alerts(ctx):
        covered |= families_of(normalise(alert.get("name"), alert.get("signal"), alert.get("expr")))
    for key, family in SLO_FAMILIES.items():
        if key in sla and family not in covered:
            where = "the rules file or alerting.alerts" if parsed is not None else "alerting.alerts"
            yield Violation(f"/sla/{key}", f"sla.{key} has no {family} alert in {where}")



def paging_alerts_have_runbooks(ctx: CheckContext, /) -> Iterator[Violation]:
    parsed = _rules_file(ctx)
    if parsed is None:
        return
    manifest_runbooks = {
        a["name"]: a["runbook"] for _, a in _manifest_alerts(ctx)
        if isinstance(a.get("name"), str) and isinstance(a.get("runbook"), str)
    }
    for alert in parsed.alerts:
        if alert.severity not in PAGING:
            continue
        if alert.runbook.strip() or manifest_runbooks.get(alert.name, "").strip():
            continue
        yield Violation(
            "/alerting/rules_file",
            f"paging alert {alert.name} (severity {alert.severity}) has no runbook_url annotation "
            "and no runbook in alerting.alerts",
            path=parsed.path,
            line=alert.line,
            column=alert.column,
        )
