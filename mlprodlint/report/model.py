"""The report view model: the run, readiness and provenance as plain data (dicts, lists, str,
int, bool, None). The HTML and Markdown templates and user templates all render this, so a
template never touches the dataclasses (and a sandboxed template cannot reach internals)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from ..findings import Finding, ManifestSummary, RuleResult, RunResult, Severity, Status
from ..provenance import NOT_A_GIT_REPOSITORY, Provenance
from ..readiness import AREAS, LEVELS, NOT_READY, READY, READY_WITH_WAIVERS, WEIGHTS, Readiness, assess, level_rank
from ..rules import Rule
from . import ReportContext
from .mltestscore import SECTIONS, TESTS

MODEL_VERSION = "1.0"
_VERDICT_RANK = {NOT_READY: 0, READY_WITH_WAIVERS: 1, READY: 2}
_VERDICT_CLASS = {NOT_READY: "not-ready", READY_WITH_WAIVERS: "waivers", READY: "ready"}
_STATUS_ORDER = {Status.FAIL: 0, Status.UPCOMING: 1, Status.WAIVED: 2, Status.PASS: 3, Status.NOT_APPLICABLE: 4}


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
            f"Each applicable rule weighs by its severity ({weight_text}). A rule that passes or is "
            "waived earns its weight; a failing rule earns nothing; rules that do not apply do not count.",
            "An area's score is earned / possible weight, as a percentage (n/a, counted as 100, when no "
            "rule of the area applies). The overall score pools all areas the same way.",
            "Levels are cumulative: bronze when no applicable bronze rule fails, silver when no bronze or "
            "silver rule fails, gold when no rule fails at all. Manifest and waiver rules block levels too; "
            "waived rules do not (the waiver is the accepted exception).",
            "Verdict: not ready when a finding at or above the fail-on severity is active (or the manifest "
            "does not parse); ready with waivers when it passes only thanks to active waivers; otherwise ready.",
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
    waiver = None
    if result.status is Status.WAIVED:
        waiver = {
            "reason": result.waiver_reason,
            "approved_by": result.waiver_approved_by,
            "expires": result.waiver_expires,
        }
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
        "findings": [_finding(f) for f in result.findings],
        "waiver": waiver,
    }


def _ml_test_score(outcomes: list[dict[str, Any]]) -> dict[str, Any]:
    """A test has evidence when at least one applicable rule citing it passes."""
    citing: dict[str, list[dict[str, Any]]] = {}
    for outcome in outcomes:
        for test in outcome["ml_test_score"]:
            citing.setdefault(test, []).append(outcome)
    tests = []
    for test_id, name in TESTS:
        rules = citing.get(test_id, [])
        applicable = [r for r in rules if r["status"] != Status.NOT_APPLICABLE.value]
        passing = [r["rule_id"] for r in applicable if r["status"] == Status.PASS.value]
        status = "evidence" if passing else ("gap" if applicable else "no rule")
        tests.append({
            "id": test_id,
            "section": test_id.split("-")[0],
            "name": name,
            "status": status,
            "evidence": bool(passing),
            "rules": [{"rule_id": r["rule_id"], "status": r["status"]} for r in rules],
        })
    sections = [
        {"id": sid, "title": title, "tests": [t for t in tests if t["section"] == sid]} for sid, title in SECTIONS
    ]
    return {"evidenced": sum(t["evidence"] for t in tests), "total": len(TESTS), "tests": tests, "sections": sections}


def _frameworks(summary: ManifestSummary, results: list[RuleResult], rules: Mapping[str, Rule]) -> list[dict[str, Any]]:
    """An evidence matrix per framework active for the manifest (see matrix.py for the outcomes)."""
    from ..frameworks import framework
    from ..matrix import control_outcomes, frameworks_shown

    shown = []
    for name in frameworks_shown(summary.frameworks, rules):
        known = framework(name)
        controls = [
            {
                "id": c.id,
                "title": c.title,
                "outcome": c.outcome,
                "outcome_class": c.outcome.replace(" ", "-"),
                "rules": [{"rule_id": r.rule_id, "status": r.status, "fails_from": r.fails_from} for r in c.rules],
            }
            for c in control_outcomes(name, results, rules)
        ]
        counts = {key: sum(1 for c in controls if c["outcome"] == key) for key in ("met", "not met", "not assessed")}
        shown.append({"id": name, "title": known.title, "source": known.source, "counts": counts, "controls": controls})
    return shown


def _test_score(results: list[RuleResult], rules: Mapping[str, Rule]) -> dict[str, Any]:
    """The paper's own score: half a point manual, one automated, final = the lowest section."""
    from ..matrix import ml_test_score

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
        "score": readiness.score,
        "areas": [
            {
                "area": a.area,
                "percent": a.percent,
                "applicable": a.possible > 0,
                "earned": a.earned,
                "possible": a.possible,
                "passed": a.passed,
                "failed": a.failed,
                "waived": a.waived,
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
    return (_VERDICT_RANK[manifest["verdict"]], level_rank(manifest["level"]), manifest["score"], manifest["path"])


def build(result: RunResult, context: ReportContext) -> dict[str, Any]:
    """The whole report as plain data; keys are documented in docs/templates.md."""
    readiness = {r.path: r for r in assess(result, context.rules, context.fail_on)}
    by_path: dict[str, list[RuleResult]] = {}
    for rule_result in result.results:
        by_path.setdefault(rule_result.path, []).append(rule_result)
    manifests = [
        {"anchor": f"m-{index}", **_manifest(m, readiness[m.path], by_path.get(m.path, []), context.rules)}
        for index, m in enumerate(result.manifests, start=1)
    ]
    counts = result.count_by_severity()
    failing = result.failing(context.fail_on)
    verdicts = {v: sum(1 for m in manifests if m["verdict"] == v) for v in (READY, READY_WITH_WAIVERS, NOT_READY)}
    provenance = context.provenance if isinstance(context.provenance, Provenance) else None
    return {
        "model_version": MODEL_VERSION,
        "title": "Production-readiness review",
        "tool": {"name": "mlprodlint", "version": context.tool_version},
        "fail_on": context.fail_on.label,
        "passed": not failing,
        "summary": {
            "manifests": len(manifests),
            "findings": sum(counts.values()),
            "by_severity": counts,
            "waived": sum(1 for f in result.findings if f.waived),
            "failing": len(failing),
            "verdicts": verdicts,
        },
        "areas": list(AREAS),
        "levels": list(LEVELS),
        "manifests": manifests,
        "portfolio": sorted(manifests, key=worst_first_key),
        "findings": [_finding(f) for f in result.findings],
        "scoring": scoring(),
        "provenance": _provenance(provenance, context, result),
    }
