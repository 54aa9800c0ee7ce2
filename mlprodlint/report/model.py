"""The report view model: the run, readiness and provenance as plain data (dicts, lists, str,
int, bool, None). The HTML and Markdown templates and user templates all render this, so a
template never touches the dataclasses (and a sandboxed template cannot reach internals)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from ..results.findings import Finding, ManifestSummary, RuleResult, RunResult, Severity, Status
from ..repo.provenance import NOT_A_GIT_REPOSITORY, Provenance
from ..results.readiness import (
    AREAS, LEVELS, NOT_ASSESSED, NOT_READY, READY, READY_WITH_BASELINE, READY_WITH_WAIVERS, VERDICTS, WEIGHTS, Readiness,
    level_rank,
)
from ..rules.definitions import Rule
from . import ReportContext
from .mltestscore import SECTIONS, TESTS

MODEL_VERSION = "1.0"
_VERDICT_RANK = {verdict: rank for rank, verdict in enumerate(VERDICTS)}
_VERDICT_CLASS = {
    NOT_READY: "not-ready", NOT_ASSESSED: "not-assessed", READY_WITH_BASELINE: "baseline", READY_WITH_WAIVERS: "waivers",
    READY: "ready",
}
_STATUS_ORDER = {Status.FAIL: 0, Status.UPCOMING: 1, Status.BASELINED: 2, Status.WAIVED: 3, Status.PASS: 4, Status.NOT_APPLICABLE: 5}
# ML Test Score test states: met only when a citing rule was evaluated and every evaluated citing
# rule passes; a failing, waived or baselined one means not met; no evaluated one, not assessed.
MET, NOT_MET, NOT_ASSESSED = "met", "not_met", "not_assessed"
_FAILED = (Status.FAIL.value, Status.BASELINED.value)


def safe_href(url: str) -> str:
    """The URL if it is a plain http(s) link, else "": javascript:, data:, file: never become links."""
    text = url.strip()
    if any(ord(ch) < 0x20 or ch in "\x7f\"'<> \\" for ch in text):
        return ""
    try:
        parts = urlsplit(text)
    except ValueError:
        return ""
    return text if parts.scheme.lower() in ("http", "https") and parts.netloc else ""


def scoring() -> dict[str, Any]:
    """How verdicts, levels and scores are computed, in words (the same text README gives)."""
    weights = {s.label: WEIGHTS[s] for s in sorted(Severity, reverse=True)}
    weight_text = ", ".join(f"{label} {weight}" for label, weight in weights.items())
    return {
        "weights": weights,
        "levels": list(LEVELS),
        "areas": list(AREAS),
        "rules": [
            f"Only evaluated rules count. Each weighs by its severity ({weight_text}). A rule that passes "
            "or is waived earns its weight; a failing or baselined rule earns nothing; a rule that is not "
            "applicable (nothing to examine, or blocked by a failing root rule) does not count, nor does an "
            "upcoming one (violated, but its effective_from date has not come).",
            "An area's score is earned / possible weight, as a percentage; an area with no evaluated rule "
            "shows n/a, never 100. The overall score pools all areas the same way (n/a when nothing was "
            "evaluated).",
            "Levels are cumulative: bronze when no applicable bronze rule fails, silver when no bronze or "
            "silver rule fails, gold when no rule fails at all; no level when no rule was evaluated, and none "
            "above the highest level of the rules that ran. "
            "Manifest and waiver rules block levels too; waived rules do not (the waiver is the accepted, "
            "justified exception); baselined rules do (a baseline hides known debt from CI, not from readiness).",
            "Verdict: not ready when a finding at or above the fail-on severity is active (or the manifest "
            "does not parse); not assessed when no rule of a scored area was evaluated; ready with baseline when it passes only because the baseline absorbs findings; "
            "ready with waivers when it passes thanks to active waivers; otherwise ready.",
        ],
    }


def _finding(finding: Finding) -> dict[str, Any]:
    return {
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "location": f"{finding.path}:{finding.line}:{finding.column}",
        "pointer": finding.pointer,
        "rule_id": finding.rule_id,
        "severity": finding.severity.label,
        "message": finding.message,
        "fix": finding.fix,
        "waived": finding.waived,
    }


def _outcome(result: RuleResult, rule: Rule | None) -> dict[str, Any]:
    note = result.waiver
    waiver = None if note is None else {"reason": note.reason, "approved_by": note.approved_by, "expires": note.expires}
    return {
        "rule_id": result.rule_id,
        "rule_name": result.rule_name,
        "title": rule.title if rule else result.rule_name,
        "area": result.area,
        "severity": result.severity.label,
        "status": result.status.value,
        "level": rule.level if rule else "bronze",
        "rationale": rule.rationale if rule else "",
        "fix": rule.fix if rule else "",
        "applies_when": rule.applies_when.describe() if rule else "always",
        "ml_test_score": list(rule.ml_test_score) if rule else [],
        "pack": rule.pack if rule else "",
        "findings": [_finding(f) for f in result.findings if not f.baselined],
        "baselined": sum(1 for f in result.findings if f.baselined),
        "reason": result.reason,
        "examined": result.examined,
        "waiver": waiver,
    }


def _test_status(rules: list[dict[str, Any]]) -> str:
    evaluated = [r for r in rules if r["status"] != Status.NOT_APPLICABLE.value]
    if not evaluated:
        return NOT_ASSESSED
    return MET if all(r["status"] == Status.PASS.value for r in evaluated) else NOT_MET


def _ml_test_score(outcomes: list[dict[str, Any]]) -> dict[str, Any]:
    """Each test is met, not met or not assessed from the rules citing it (see MET above)."""
    citing: dict[str, list[dict[str, Any]]] = {}
    for outcome in outcomes:
        for test in outcome["ml_test_score"]:
            citing.setdefault(test, []).append(outcome)
    tests = []
    for test_id, name in TESTS:
        rules = citing.get(test_id, [])
        status = _test_status(rules)
        tests.append({
            "id": test_id,
            "section": test_id.split("-")[0],
            "name": name,
            "status": status,
            "evidence": status == MET,
            # not met only because a citing rule is waived (not because one fails)
            "waived": status == NOT_MET and not any(r["status"] in _FAILED for r in rules),
            "rules": [{"rule_id": r["rule_id"], "status": r["status"]} for r in rules],
        })
    sections = [
        {"id": sid, "title": title, "tests": [t for t in tests if t["section"] == sid]} for sid, title in SECTIONS
    ]
    counts = {state: sum(1 for t in tests if t["status"] == state) for state in (MET, NOT_MET, NOT_ASSESSED)}
    return {"evidenced": counts[MET], **counts, "total": len(TESTS), "tests": tests, "sections": sections}


def _frameworks(summary: ManifestSummary, results: list[RuleResult], rules: Mapping[str, Rule]) -> list[dict[str, Any]]:
    """An evidence matrix per framework active for the manifest (see matrix.py for the outcomes)."""
    from ..rules.frameworks import framework
    from ..results.matrix import control_outcomes, frameworks_shown

    shown = []
    for name in frameworks_shown(summary.frameworks, rules):
        known = framework(name)
        controls = [
            {
                "id": c.id,
                "title": c.title,
                "outcome": c.outcome,
                "outcome_text": c.outcome.replace("_", " "),
                "rules": [{"rule_id": r.rule_id, "status": r.status, "fails_from": r.fails_from} for r in c.rules],
            }
            for c in control_outcomes(name, results, rules)
        ]
        counts = {key: sum(1 for c in controls if c["outcome"] == key) for key in (MET, NOT_MET, NOT_ASSESSED)}
        shown.append({"id": name, "title": known.title, "source": known.source, "counts": counts, "controls": controls})
    return shown


def _test_score(results: list[RuleResult], rules: Mapping[str, Rule]) -> dict[str, Any]:
    """The paper's own score: half a point manual, one automated, final = the lowest section."""
    from ..results.matrix import ml_test_score

    score = ml_test_score(results, rules)
    titles = dict(SECTIONS)
    return {
        "sections": [{"id": sid, "title": titles[sid], "points": points} for sid, points in score.sections],
        "final": score.final,
        "meaning": score.meaning,
        "tests": [{"id": t.id, "outcome": t.outcome, "points": t.points} for t in score.tests],
    }


def _manifest(summary: ManifestSummary, readiness: Readiness, results: list[RuleResult], rules: Mapping[str, Rule]) -> dict[str, Any]:
    outcomes = [
        _outcome(r, rules.get(r.rule_id))
        for r in sorted(results, key=lambda r: (_STATUS_ORDER[r.status], r.rule_id))
    ]
    areas = [*AREAS, *sorted({o["area"] for o in outcomes} - set(AREAS))]
    groups = [
        {"area": area, "results": [o for o in outcomes if o["area"] == area]}
        for area in areas
        if any(o["area"] == area for o in outcomes)
    ]
    counts = {status.value: sum(1 for o in outcomes if o["status"] == status.value) for status in Status}
    return {
        "path": summary.path,
        "name": summary.name,
        "title": summary.name or summary.path,
        "kind": summary.kind,
        "lifecycle": summary.lifecycle,
        "tier": summary.tier,
        "team": summary.team,
        "contact": summary.contact,
        "description": summary.description,
        "repository": {"text": summary.repository, "href": safe_href(summary.repository)},
        "parsed": summary.parsed,
        "verdict": readiness.verdict,
        "verdict_class": _VERDICT_CLASS[readiness.verdict],
        "level": readiness.level or "none",
        "score": readiness.score,  # None ("n/a") when no rule was evaluated
        "areas": [
            {
                "area": a.area,
                "percent": a.percent,  # None ("n/a") when no rule of the area was evaluated
                "applicable": a.possible > 0,
                "earned": a.earned,
                "possible": a.possible,
                "passed": a.passed,
                "failed": a.failed,
                "waived": a.waived,
                "baselined": a.baselined,
                "not_applicable": a.not_applicable,
            }
            for a in readiness.areas
        ],
        "counts": counts,
        "groups": groups,
        "failures": [o for o in outcomes if o["status"] == Status.FAIL.value],
        "ml_test_score": _ml_test_score(outcomes),
        "test_score": _test_score(results, rules),
        "frameworks": _frameworks(summary, results, rules),
    }


def _provenance(provenance: Provenance | None, context: ReportContext, result: RunResult) -> dict[str, Any]:
    if provenance is None:
        return {
            "tool_version": context.tool_version,
            "rule_packs": [{"name": n, "version": v} for n, v in result.rule_packs],
            "generated_at": "",
            "reproducible": False,
            "hostname": "",
            "git": {"commit": "", "date": "", "text": NOT_A_GIT_REPOSITORY},
        }
    revision = provenance.revision
    return {
        "tool_version": provenance.tool_version,
        "rule_packs": [{"name": n, "version": v} for n, v in provenance.rule_packs],
        "generated_at": provenance.generated_at_text,
        "reproducible": provenance.reproducible,
        "hostname": provenance.hostname,
        "git": {
            "commit": revision.commit if revision else "",
            "date": revision.date if revision else "",
            "text": f"{revision.commit} ({revision.date})" if revision else NOT_A_GIT_REPOSITORY,
        },
    }


def worst_first_key(manifest: Mapping[str, Any]) -> tuple[int, int, int, str]:
    score = manifest["score"]
    return (_VERDICT_RANK[manifest["verdict"]], level_rank(manifest["level"]), -1 if score is None else score, manifest["path"])


_SEVERITY_RANK = {"info": 1, "warning": 2, "error": 3}


def blockers(portfolio: list[dict[str, Any]], fail_on: Severity) -> list[dict[str, Any]]:
    """Per service (worst first), the active findings at or above fail_on, with rule and fix:
    what a review has to talk about first."""
    out = []
    for manifest in portfolio:
        findings = [
            {**finding, "title": outcome["title"], "fix": outcome["fix"] or finding["fix"]}
            for outcome in manifest["failures"]
            for finding in outcome["findings"]
            if not finding["waived"] and _SEVERITY_RANK[finding["severity"]] >= fail_on
        ]
        if findings:
            findings.sort(key=lambda f: (-_SEVERITY_RANK[f["severity"]], f["path"], f["line"], f["column"], f["rule_id"]))
            out.append({key: manifest[key] for key in ("anchor", "title", "path", "team", "verdict", "verdict_class", "level")}
                       | {"findings": findings})
    return out


def top_failing_rules(manifests: list[dict[str, Any]], limit: int = 10) -> list[dict[str, Any]]:
    """The rules failing in most manifests (ties: more severe first, then rule id)."""
    seen: dict[str, dict[str, Any]] = {}
    for manifest in manifests:
        for outcome in manifest["failures"]:
            entry = seen.setdefault(outcome["rule_id"], {
                "rule_id": outcome["rule_id"], "title": outcome["title"], "severity": outcome["severity"],
                "fix": outcome["fix"], "manifests": 0,
            })
            entry["manifests"] += 1
    ranked = sorted(seen.values(), key=lambda e: (-e["manifests"], -_SEVERITY_RANK[e["severity"]], e["rule_id"]))
    return ranked[:limit]


def build(result: RunResult, context: ReportContext) -> dict[str, Any]:
    """The whole report as plain data; keys are documented in docs/templates.md."""
    summary = result.summary(context.fail_on)
    by_path: dict[str, list[RuleResult]] = {}
    for rule_result in result.results:
        by_path.setdefault(rule_result.path, []).append(rule_result)
    manifests = [
        {"anchor": f"m-{index}", **_manifest(m, summary.readiness_of(m.path), by_path.get(m.path, []), context.rules)}
        for index, m in enumerate(result.manifests, start=1)
    ]
    provenance = context.provenance if isinstance(context.provenance, Provenance) else None
    portfolio = sorted(manifests, key=worst_first_key)
    return {
        "model_version": MODEL_VERSION,
        "title": "Production-readiness review",
        "tool": {"name": "mlprodlint", "version": context.tool_version},
        "fail_on": context.fail_on.label,
        "passed": summary.passed,
        "summary": {
            "manifests": summary.manifests,
            "findings": summary.findings,
            "by_severity": summary.by_severity,
            "waived": summary.waived,
            "baselined": summary.baselined,
            "upcoming": summary.upcoming,
            "failing": len(summary.failing),
            "verdicts": summary.verdicts,
        },
        "areas": list(AREAS),
        "levels": list(LEVELS),
        "manifests": manifests,
        "portfolio": portfolio,
        "blockers": blockers(portfolio, context.fail_on),
        "top_failing_rules": top_failing_rules(portfolio),
        "findings": [_finding(f) for f in result.findings],
        "scoring": scoring(),
        "provenance": _provenance(provenance, context, result),
    }
