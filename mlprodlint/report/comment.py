"""A pull-request comment (`--format comment`): what fails, grouped by service, with fixes.

Passes, waivers and rules that do not apply are counts, not rows. The text always fits a GitHub
comment (65,536 characters) and a step summary: findings are added worst service first until the
budget is reached, then one line says how many more there are and where to see them. The full
review document is `mlprodlint report`.
"""

from __future__ import annotations

from typing import Any

from ..results.findings import Finding, RuleResult, RunResult, Status
from ..results.readiness import NOT_ASSESSED, NOT_READY, READY, READY_WITH_BASELINE, READY_WITH_WAIVERS, VERDICTS, Readiness, level_rank
from . import ReportContext
from .human import md_code, md_escape, md_spans

BUDGET = 60_000  # characters; GitHub refuses comments over 65,536
_ICON = {NOT_READY: "❌", NOT_ASSESSED: "➖", READY_WITH_BASELINE: "⚠️", READY_WITH_WAIVERS: "⚠️", READY: "✅"}
_VERDICT_RANK = {verdict: rank for rank, verdict in enumerate(VERDICTS)}


def _more_line(count: int) -> str:
    return (
        f"\n**{count} more finding{'s' if count != 1 else ''}: see the full report** "
        "(`mlprodlint report`, or the SARIF/JSON artifact of this run).\n"
    )


def _finding_line(finding: Finding) -> str:
    where = md_code(f"{finding.path}:{finding.line}")
    line = f"- **{finding.rule_id}** {finding.severity.label} at {where}: {md_escape(finding.message)}"
    if finding.fix:
        line += f"  \n  Fix: {md_spans(finding.fix)}"
    return line + "\n"


def _service_heading(manifest: Any, readiness: Readiness) -> str:
    name = md_escape(manifest.name or manifest.path)
    facts = [f"team {md_escape(manifest.team)}" if manifest.team else "no team",
             f"tier {manifest.tier}" if manifest.tier is not None else "no tier",
             md_escape(manifest.lifecycle or "no lifecycle")]
    level = f"level {readiness.level}" if readiness.level else "no level reached"
    return (
        f"\n### {_ICON[readiness.verdict]} {name} {md_code(manifest.path)}\n\n"
        f"{readiness.verdict.capitalize()} · {level} · {' · '.join(facts)}\n\n"
    )


def _counts_line(results: list[RuleResult]) -> str:
    count = {status: sum(1 for r in results if r.status is status) for status in Status}
    return (
        f"\n{count[Status.FAIL]} failing · {count[Status.PASS]} passed · {count[Status.WAIVED]} waived · "
        + (f"{count[Status.BASELINED]} baselined · " if count[Status.BASELINED] else "")
        + (f"{count[Status.UPCOMING]} upcoming · " if count[Status.UPCOMING] else "")
        + f"{count[Status.NOT_APPLICABLE]} not applicable\n"
    )


def render(result: RunResult, context: ReportContext, budget: int = BUDGET) -> str:
    summary = result.summary(context.fail_on)
    readiness = summary.by_path
    by_path: dict[str, list[RuleResult]] = {}
    for rule_result in result.results:
        by_path.setdefault(rule_result.path, []).append(rule_result)
    manifests = sorted(
        result.manifests,
        key=lambda m: (_VERDICT_RANK[readiness[m.path].verdict], level_rank(readiness[m.path].level),
                       _score_key(readiness[m.path].score), m.path),
    )
    counts, failing, verdicts = summary.by_severity, summary.failing, summary.verdicts
    head = (
        f"## {'❌' if failing else '✅'} mlprodlint: "
        f"{'FAILED' if failing else 'PASSED'} ({len(failing)} finding(s) at or above {context.fail_on.label})\n\n"
        f"{len(result.manifests)} service(s): {verdicts[NOT_READY]} not ready, "
        + (f"{verdicts[NOT_ASSESSED]} not assessed, " if verdicts[NOT_ASSESSED] else "")
        + (f"{verdicts[READY_WITH_BASELINE]} ready with baseline, " if verdicts[READY_WITH_BASELINE] else "")
        + f"{verdicts[READY_WITH_WAIVERS]} ready with waivers, {verdicts[READY]} ready. "
        f"Findings: {counts['error']} error, {counts['warning']} warning, {counts['info']} info; "
        f"{summary.waived} waived"
        + (f"; {summary.upcoming} upcoming (not yet in force, not failing)" if summary.upcoming else "")
        + ".\n"
    )
    parts = [head]
    size = len(head)
    shown_ready = [m for m in manifests if readiness[m.path].verdict != NOT_READY and not _active(by_path.get(m.path, []))]
    quiet = {m.path for m in shown_ready}
    listed = [m for m in manifests if m.path not in quiet]
    total = sum(len(_active(by_path.get(m.path, []))) for m in listed)
    written = 0
    reserve = len(_more_line(total)) + 200  # the closing lines always fit
    for manifest in listed:
        results = by_path.get(manifest.path, [])
        findings = _active(results)
        block = _service_heading(manifest, readiness[manifest.path])
        tail = _counts_line(results)
        if size + len(block) + len(tail) + reserve > budget:
            break
        lines = []
        used = len(block) + len(tail)
        for finding in findings:
            line = _finding_line(finding)
            if size + used + len(line) + reserve > budget:
                break
            lines.append(line)
            used += len(line)
        if not lines and findings:
            break
        parts += [block, *lines, tail]
        size += used
        written += len(lines)
        if len(lines) < len(findings):
            break
    if written < total:
        parts.append(_more_line(total - written))
    if shown_ready:
        names = ", ".join(md_escape(m.name or m.path) for m in shown_ready[:20])
        more = f" and {len(shown_ready) - 20} more" if len(shown_ready) > 20 else ""
        parts.append(f"\n✅ {len(shown_ready)} service(s) with nothing to fix: {names}{more}.\n")
    return "".join(parts)


def _score_key(score: int | None) -> int:
    return -1 if score is None else score  # n/a (nothing evaluated) sorts with the worst


def _active(results: list[RuleResult]) -> list[Finding]:
    """The service's active findings, errors first, then by location."""
    findings = [f for r in results if r.status is Status.FAIL for f in r.findings if not f.waived and not f.baselined]
    return sorted(findings, key=lambda f: (-f.severity, f.path, f.line, f.column, f.rule_id))
