"""Human-readable terminal output: `path:line:col: ID [severity] message`, fix hint, summary.

Every value from the scanned repository goes through `printable`: one finding, one line."""

from __future__ import annotations

from itertools import groupby

from ..findings import Finding, RunResult, Severity
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
    color = context.color
    out: list[str] = []
    active = result.active_findings()
    for _path, group in groupby(active, key=lambda f: f.path):
        for finding in group:
            out.append(_line(finding, color))
            out.append(_paint(f"    fix: {p(finding.fix)}", _DIM, color))
        out.append("")
    waived = [f for f in result.findings if f.waived]
    if waived:
        out.append(f"Waived ({len(waived)}):")
        for finding in waived:
            out.append(
                f"  {p(finding.path)}:{finding.line}:{finding.column}: {p(finding.rule_id)} "
                f"waived until {p(finding.waiver_expires)} by {p(finding.waiver_approved_by)}: {p(finding.waiver_reason)}"
            )
        out.append("")
    out.append(_summary(result, context))
    return "\n".join(out) + "\n"


def _summary(result: RunResult, context: ReportContext) -> str:
    counts = result.count_by_severity()
    total = sum(counts.values())
    manifests = len(result.manifests)
    failing = result.failing(context.fail_on)
    per_severity = ", ".join(f"{n} {label}{'s' if n != 1 and label != 'info' else ''}" for label, n in counts.items())
    waived = sum(1 for f in result.findings if f.waived)
    verdict = (
        f"FAILED: {len(failing)} finding(s) at or above {context.fail_on.label}"
        if failing
        else f"PASSED: nothing at or above {context.fail_on.label}"
    )
    plural = "manifest" if manifests == 1 else "manifests"
    baselined = (
        f", {result.baseline.baselined} baselined ({result.baseline.fixed} baseline entries fixed)"
        if result.baseline is not None else ""
    )
    return (
        f"{manifests} {plural} checked, {total} finding(s) ({per_severity}), {waived} waived{baselined}. {verdict}."
    )
