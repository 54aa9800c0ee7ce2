"""Human-readable terminal output: `path:line:col: ID [severity] message`, fix hint, summary.

Every value from the scanned repository goes through `printable`: one finding, one line."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby

from ..results.findings import Finding, RunResult, Severity
from ..textsafe import printable as p
from . import ReportContext

_COLORS = {Severity.ERROR: "\x1b[31m", Severity.WARNING: "\x1b[33m", Severity.INFO: "\x1b[36m"}
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"


def _paint(text: str, code: str, enabled: bool) -> str:
    return f"{code}{text}{_RESET}" if enabled else text


def _line(finding: Finding, color: bool) -> str:
    where = f"{p(finding.path)}:{finding.line}:{finding.column}:"
    severity = _paint(f"[{finding.severity.label}]", _COLORS[finding.severity], color)
    return f"{_paint(where, _BOLD, color)} {p(finding.rule_id)} {severity} {p(finding.message)}"


def render(result: RunResult, context: ReportContext) -> str:
    return "".join(chunks(result, context))


def chunks(result: RunResult, context: ReportContext) -> Iterator[str]:
    """The report a few lines at a time (it streams to its destination)."""
    color = context.color
    active = (f for f in result.findings if not f.waived and not f.upcoming)
    for _path, group in groupby(active, key=lambda f: f.path):
        for finding in group:
            yield _line(finding, color) + "\n" + _paint(f"    fix: {p(finding.fix)}", _DIM, color) + "\n"
        yield "\n"
    waived = [f for f in result.findings if f.waived]
    if waived:
        yield f"Waived ({len(waived)}):\n"
        for finding in waived:
            waiver = finding.waiver
            assert waiver is not None
            yield (
                f"  {p(finding.path)}:{finding.line}:{finding.column}: {p(finding.rule_id)} "
                f"waived until {p(waiver.expires)} by {p(waiver.approved_by)}: {p(waiver.reason)}\n"
            )
        yield "\n"
    upcoming = [f for f in result.findings if f.upcoming and not f.waived]
    if upcoming:
        # Obligations not yet in force (rule effective_from): shown, never failing the run.
        yield f"Upcoming ({len(upcoming)}):\n"
        for finding in upcoming:
            yield (f"  {p(finding.path)}:{finding.line}:{finding.column}: {p(finding.rule_id)} "
                   f"[upcoming {finding.severity.label}] {p(finding.message)}\n")
        yield "\n"
    yield _summary(result, context) + "\n"


def _summary(result: RunResult, context: ReportContext) -> str:
    summary = result.summary(context.fail_on)
    per_severity = ", ".join(
        f"{n} {label}{'s' if n != 1 and label != 'info' else ''}" for label, n in summary.by_severity.items()
    )
    plural = "manifest" if summary.manifests == 1 else "manifests"
    baselined = (
        f", {summary.baselined} baselined ({result.baseline.fixed} baseline entries fixed)"
        if result.baseline is not None else ""
    )
    upcoming = f", {summary.upcoming} upcoming" if summary.upcoming else ""
    return (
        f"{summary.manifests} {plural} checked, {summary.findings} finding(s) ({per_severity}), "
        f"{summary.waived} waived{baselined}{upcoming}. {summary.verdict_text}."
    )
