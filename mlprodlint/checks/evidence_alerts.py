"""Alerting checks over the one alert model (`alert_model`): alerts exist, something pages, every
SLO has an alert that measures it, the rules file parses and is not a template, and paging alerts
carry a runbook.

Each check says "nothing to check" (NothingToCheck) instead of passing when it examined nothing:
no rules file declared, no SLO declared, no paging alert, or only a template it cannot read.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..repo import promql
from ..repo.alerts import SLO_FAMILIES, AlertModel, alert_model, paging_severities, parse_rules_file
from .base import CheckContext, NothingToCheck, Violation
from .evidence_paths import relative_display
from .fieldpath import first

__all__ = ["parse_rules_file", "alerts_defined", "paging_alert_defined", "rules_file_valid",
           "rules_file_not_template", "slo_alerts", "paging_alerts_have_runbooks"]

# What an alert needs to be credited with covering an SLO of each family.
NEEDS: dict[str, str] = {
    promql.AVAILABILITY: (
        'an alert whose expr measures the error ratio (e.g. status!~"2.." or code=~"5.." over all '
        "requests, or _errors_total / _requests_total) or `up`/`probe_success`"
    ),
    promql.LATENCY: (
        "an alert whose expr measures a latency distribution (histogram_quantile over a "
        "..._duration_seconds_bucket histogram, or its _sum / _count)"
    ),
    promql.FRESHNESS: (
        "an alert whose expr measures the age of the output (time() - a last-success timestamp metric)"
    ),
}


def _no_rules_file(model: AlertModel) -> NothingToCheck | None:
    if not model.declared:
        return NothingToCheck("no rules_file declared")
    if not model.files:
        reasons = "; ".join(f"{d.text} {d.why_unread}" for d in model.declared)
        return NothingToCheck(f"no rules file read ({reasons})")
    return None


def _templates_note(ctx: CheckContext, model: AlertModel) -> str:
    return ", ".join(relative_display(f.path, ctx.repo_root) for f in model.templates)


def _where(ctx: CheckContext, model: AlertModel) -> str:
    readable = [relative_display(f.path, ctx.repo_root) for f in model.readable_files]
    if not readable:
        return "alerting.alerts"
    return "alerting.alerts or the rules file " + ", ".join(readable)


# --- ALR001 / ALR002 ------------------------------------------------------------------------


def alerts_defined(ctx: CheckContext, /) -> Iterator[Violation | NothingToCheck]:
    model = alert_model(ctx)
    if model.alerts:
        return
    if model.templates:
        yield NothingToCheck(
            f"the alerts are in a template ({_templates_note(ctx, model)}) that cannot be verified"
        )
        return
    items = first(ctx.manifest, "alerting.alerts")
    count = len(items) if isinstance(items, list) else 0
    if model.readable_files:
        files = ", ".join(relative_display(f.path, ctx.repo_root) for f in model.readable_files)
        detail = f"alerting.alerts has {count} item(s) and the rules file {files} defines no alert"
    elif model.declared:
        detail = f"alerting.alerts has {count} item(s) and no rules file could be read"
    else:
        detail = f"alerting.alerts has {count} item(s) and no rules_file is declared"
    yield Violation("/alerting/alerts", detail)


def paging_alert_defined(ctx: CheckContext, /) -> Iterator[Violation | NothingToCheck]:
    model = alert_model(ctx)
    if any(alert.pages for alert in model.alerts):
        return
    if not model.alerts:
        if model.templates:
            yield NothingToCheck(
                f"the alerts are in a template ({_templates_note(ctx, model)}) that cannot be verified"
            )
            return
        yield Violation("/alerting/alerts", "there are no alerts at all")
        return
    if model.templates:
        yield NothingToCheck(
            f"no alert read pages; paging alerts may be in the template {_templates_note(ctx, model)}"
        )
        return
    paging = "/".join(sorted(paging_severities(ctx.options)))
    seen = sorted({a.severity for a in model.alerts if a.severity})
    seen_text = f" (severities seen: {', '.join(seen)})" if seen else ""
    wanted = "severity: page"
    if model.readable_files:
        wanted += f" or a severity label {paging}"
    yield Violation(
        "/alerting/alerts",
        f"none of the {len(model.alerts)} alert(s) in {_where(ctx, model)} has {wanted}{seen_text}",
    )


# --- ALR042 / ALR045: the rules file itself ------------------------------------------------------


def rules_file_valid(ctx: CheckContext, /) -> Iterator[Violation | NothingToCheck]:
    model = alert_model(ctx)
    for declared in model.declared:
        if declared.why_unread == "matches no file":
            yield Violation(declared.pointer, f"alerting.rules_file '{declared.text}' matches no file")
    skipped = _no_rules_file(model)
    if skipped is not None:
        yield skipped
        return
    if not model.readable_files:
        yield NothingToCheck(f"the rules file is a template ({_templates_note(ctx, model)}); see ALR045")
        return
    for parsed in model.readable_files:
        for line, column, message in parsed.problems:
            yield Violation("/alerting/rules_file", message, path=parsed.path, line=line, column=column)


def rules_file_not_template(ctx: CheckContext, /) -> Iterator[Violation | NothingToCheck]:
    model = alert_model(ctx)
    skipped = _no_rules_file(model)
    if skipped is not None:
        yield skipped
        return
    for parsed in model.templates:
        assert parsed.template is not None
        shown = relative_display(parsed.path, ctx.repo_root)
        yield Violation(
            "/alerting/rules_file",
            f"{shown} is {parsed.template.describe()}: cannot verify a template: point rules_file at "
            "the rendered file or the chart's test output",
            path=parsed.path,
            line=parsed.template.line,
            column=1,
        )


# --- ALR043: SLO coverage -------------------------------------------------------------------


def slo_alerts(ctx: CheckContext, /) -> Iterator[Violation | NothingToCheck]:
    sla = first(ctx.manifest, "sla")
    keys = [key for key in SLO_FAMILIES if isinstance(sla, dict) and key in sla]
    if not keys:
        yield NothingToCheck("no availability, latency or freshness SLO declared")
        return
    model = alert_model(ctx)
    uncovered = []
    for key in keys:
        family = SLO_FAMILIES[key]
        if not any(key in alert.keys or family in alert.families for alert in model.alerts):
            uncovered.append(key)
    if not uncovered:
        return
    if model.templates:
        yield NothingToCheck(
            f"cannot verify coverage of {', '.join('sla.' + k for k in uncovered)}: the alerts may be in "
            f"the template {_templates_note(ctx, model)}"
        )
        return
    for key in uncovered:
        family = SLO_FAMILIES[key]
        examined = f"none of the {len(model.alerts)} alert(s) in {_where(ctx, model)} measures {family}"
        if not model.alerts:
            examined = f"there are no alerts in {_where(ctx, model)}"
        link = f"`slo: {family}`" if key == family else f"`slo: {key}` (or `slo: {family}`)"
        yield Violation(f"/sla/{key}", f"sla.{key}: {examined}; add {NEEDS[family]}, or link an alert to it with {link}")


# --- ALR044: runbooks of paging rules-file alerts ---------------------------------------------


def paging_alerts_have_runbooks(ctx: CheckContext, /) -> Iterator[Violation | NothingToCheck]:
    model = alert_model(ctx)
    skipped = _no_rules_file(model)
    if skipped is not None:
        yield skipped
        return
    manifest_runbooks = {a.name: a.runbook for a in model.manifest_alerts if a.runbook.strip()}
    paging = [a for f in model.readable_files for a in f.alerts if a.pages]
    if not paging:
        yield NothingToCheck("no paging alert in the rules file")
        return
    for alert in paging:
        if alert.runbook.strip() or manifest_runbooks.get(alert.name, "").strip():
            continue
        yield Violation(
            "/alerting/rules_file",
            f"paging alert {alert.name} (severity {alert.severity}) has no runbook_url annotation "
            "and no runbook in alerting.alerts",
            path=alert.path,
            line=alert.line,
            column=alert.column,
        )
