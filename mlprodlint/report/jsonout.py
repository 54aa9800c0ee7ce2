"""The stable machine format (documented in schemas/report.schema.json)."""

from __future__ import annotations

import json
from typing import Any

from ..findings import Finding, RuleResult, RunResult
from ..readiness import Readiness, assess
from . import ReportContext

JSON_FORMAT_VERSION = "1.0"


def finding_data(finding: Finding) -> dict[str, Any]:
    data: dict[str, Any] = {
        "rule_id": finding.rule_id,
        "rule_name": finding.rule_name,
        "area": finding.area,
        "severity": finding.severity.label,
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "pointer": finding.pointer,
        "message": finding.message,
        "fix": finding.fix,
        "waived": finding.waived,
    }
    if finding.waived:
        data["waiver"] = {
            "reason": finding.waiver_reason,
            "approved_by": finding.waiver_approved_by,
            "expires": finding.waiver_expires,
        }
    return data


def result_data(result: RuleResult) -> dict[str, Any]:
    data: dict[str, Any] = {
        "path": result.path,
        "rule_id": result.rule_id,
        "rule_name": result.rule_name,
        "area": result.area,
        "severity": result.severity.label,
        "status": result.status.value,
        "findings": len(result.findings),
    }
    if result.waiver_reason:
        data["waiver"] = {
            "reason": result.waiver_reason,
            "approved_by": result.waiver_approved_by,
            "expires": result.waiver_expires,
        }
    return data


def readiness_data(readiness: Readiness) -> dict[str, Any]:
    return {
        "path": readiness.path,
        "verdict": readiness.verdict,
        "level": readiness.level or None,
        "score": readiness.score,
        "areas": {
            a.area: {"score": a.percent, "earned": a.earned, "possible": a.possible, "passed": a.passed,
                     "failed": a.failed, "waived": a.waived, "not_applicable": a.not_applicable}
            for a in readiness.areas
        },
    }


def document(result: RunResult, context: ReportContext) -> dict[str, Any]:
    counts = result.count_by_severity()
    failing = result.failing(context.fail_on)
    return {
        "version": JSON_FORMAT_VERSION,
        "tool": {"name": "mlprodlint", "version": context.tool_version},
        "summary": {
            "manifests": len(result.manifests),
            "findings": sum(counts.values()),
            "by_severity": counts,
            "waived": sum(1 for f in result.findings if f.waived),
            "fail_on": context.fail_on.label,
            "failing": len(failing),
            "passed": not failing,
            **({"baseline": {"path": result.baseline.path, "baselined": result.baseline.baselined,
                             "fixed": result.baseline.fixed}} if result.baseline is not None else {}),
        },
        "manifests": [
            {
                "path": m.path,
                "name": m.name,
                "kind": m.kind,
                "lifecycle": m.lifecycle,
                "tier": m.tier,
                "team": m.team,
                "parsed": m.parsed,
            }
            for m in result.manifests
        ],
        "rule_packs": [{"name": name, "version": version} for name, version in result.rule_packs],
        "readiness": [readiness_data(r) for r in assess(result, context.rules, context.fail_on)],
        "findings": [finding_data(f) for f in result.findings],
        "results": [result_data(r) for r in result.results],
    }


def render(result: RunResult, context: ReportContext) -> str:
    return json.dumps(document(result, context), indent=2, ensure_ascii=False) + "\n"
