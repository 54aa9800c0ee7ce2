"""The stable machine format (documented in schemas/report.schema.json)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from functools import partial
from typing import Any

from ..findings import Finding, ManifestSummary, RuleResult, RunResult, Status
from ..rules import Rule
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
    if finding.upcoming:
        data["upcoming"] = True
        data["fails_from"] = finding.upcoming
    if finding.waived:
        data["waiver"] = {
            "reason": finding.waiver_reason,
            "approved_by": finding.waiver_approved_by,
            "expires": finding.waiver_expires,
        }
    return data


def result_data(result: RuleResult, rules: Mapping[str, Rule] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "path": result.path,
        "rule_id": result.rule_id,
        "rule_name": result.rule_name,
        "area": result.area,
        "severity": result.severity.label,
        "status": result.status.value,
        "findings": len(result.findings),
    }
    if result.reason:
        data["reason"] = result.reason
    if result.status is Status.UPCOMING and result.findings:
        data["fails_from"] = result.findings[0].upcoming
    rule = (rules or {}).get(result.rule_id)
    if rule is not None and rule.controls:
        data["controls"] = {framework: list(ids) for framework, ids in rule.controls}
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


def evidence_data(summary: ManifestSummary, results: list[RuleResult], rules: Mapping[str, Rule]) -> dict[str, Any]:
    """The ML Test Score's own score and an evidence matrix per active framework (matrix.py)."""
    from ..matrix import control_outcomes, frameworks_shown, ml_test_score

    score = ml_test_score(results, rules)
    matrices = {
        name: {c.id: {"outcome": c.outcome, "rules": [r.rule_id for r in c.rules]} for c in control_outcomes(name, results, rules)}
        for name in frameworks_shown(summary.frameworks, rules)
    }
    return {
        "ml_test_score": {
            "sections": {section: points for section, points in score.sections},
            "final": score.final,
            "met": sorted(t.id for t in score.tests if t.outcome == "met"),
        },
        **({"frameworks": matrices} if matrices else {}),
    }


def document(result: RunResult, context: ReportContext, lists: bool = True) -> dict[str, Any]:
    """The report as data; `lists=False` leaves out the findings and results (render streams them)."""
    by_path: dict[str, list[RuleResult]] = {}
    for rule_result in result.results:
        by_path.setdefault(rule_result.path, []).append(rule_result)
    counts = result.count_by_severity()
    failing = result.failing(context.fail_on)
    head = {
        "version": JSON_FORMAT_VERSION,
        "tool": {"name": "mlprodlint", "version": context.tool_version},
        "summary": {
            "manifests": len(result.manifests),
            "findings": sum(counts.values()),
            "by_severity": counts,
            "waived": sum(1 for f in result.findings if f.waived),
            "upcoming": len(result.upcoming_findings()),
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
        "readiness": [
            {**readiness_data(r), **evidence_data(summary, by_path.get(summary.path, []), context.rules)}
            for r, summary in zip(assess(result, context.rules, context.fail_on), result.manifests)
        ],
    }
    if lists:
        head["findings"] = [finding_data(f) for f in result.findings]
        head["results"] = [result_data(r, context.rules) for r in result.results]
    return head


def render(result: RunResult, context: ReportContext) -> str:
    """`json.dumps(document(...), indent=2)`, byte for byte, without holding the whole document.

    json's indenting encoder is pure Python and materialises every token of the document before
    joining them (about 8x the text for 1,000 manifests); here the two long lists are encoded
    one item at a time instead.
    """
    head = document(result, context, lists=False)
    text = json.dumps(head, indent=2, ensure_ascii=False)
    out = [text[: -len("\n}")]]  # reopen the top-level object (never empty)
    for key, items in (("findings", map(finding_data, result.findings)), ("results", map(partial(result_data, rules=context.rules), result.results))):
        out.append(f",\n  {json.dumps(key)}: ")
        _write_list(out, items)
    out.append("\n}\n")
    return "".join(out)


def _write_list(out: list[str], items: Iterator[dict[str, Any]]) -> None:
    # The items of a list under the top-level object sit two levels (4 spaces) deep.
    separator = "[\n    "
    for item in items:
        out.append(separator)
        out.append(_indented(item, "\n    "))
        separator = ",\n    "
    out.append("[]" if separator == "[\n    " else "\n  ]")


def _indented(value: Any, newline: str) -> str:
    """What json.dumps(indent=2, ensure_ascii=False) writes for `value` at this indentation."""
    if isinstance(value, dict) and value:
        inner = newline + "  "
        return "{" + inner + ("," + inner).join(
            f"{_dumps(str(key))}: {_indented(item, inner)}" for key, item in value.items()
        ) + newline + "}"
    if isinstance(value, list) and value:
        inner = newline + "  "
        return "[" + inner + ("," + inner).join(_indented(item, inner) for item in value) + newline + "]"
    return _dumps(value)


_dumps = json.JSONEncoder(ensure_ascii=False).encode  # scalars and empty containers: C speed
