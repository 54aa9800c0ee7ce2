"""The stable machine format (documented in schemas/report.schema.json)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from functools import partial
from typing import Any

from ..results.findings import Finding, ManifestSummary, RuleResult, RunResult, Status, WaiverNote
from ..results.readiness import Readiness
from ..rules.definitions import Rule
from . import ReportContext

JSON_FORMAT_VERSION = "1.1"


def waiver_data(waiver: WaiverNote) -> dict[str, str]:
    return {"reason": waiver.reason, "approved_by": waiver.approved_by, "expires": waiver.expires}


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
    if finding.waiver is not None:
        data["waiver"] = waiver_data(finding.waiver)
    return data


def result_data(result: RuleResult, rules: Mapping[str, Rule] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "path": result.path,
        "rule_id": result.rule_id,
        "rule_name": result.rule_name,
        "area": result.area,
        "severity": result.severity.label,
        "status": result.status.value,
        "findings": sum(1 for f in result.findings if not f.baselined),
    }
    baselined = len(result.findings) - data["findings"]
    if baselined:
        data["baselined"] = baselined
    if result.reason:
        data["reason"] = result.reason
    if result.examined:
        data["examined"] = result.examined
    if result.status is Status.UPCOMING and result.findings:
        data["fails_from"] = result.findings[0].upcoming
    rule = (rules or {}).get(result.rule_id)
    if rule is not None and rule.controls:
        data["controls"] = {framework: list(ids) for framework, ids in rule.controls}
    if result.waiver is not None:
        data["waiver"] = waiver_data(result.waiver)
    return data


def readiness_data(readiness: Readiness) -> dict[str, Any]:
    return {
        "path": readiness.path,
        "verdict": readiness.verdict,
        "level": readiness.level or None,
        "score": readiness.score,  # None (null) when no rule was evaluated
        "areas": {
            a.area: {"score": a.percent, "earned": a.earned, "possible": a.possible, "passed": a.passed,
                     "failed": a.failed, "waived": a.waived, "baselined": a.baselined,
                     "not_applicable": a.not_applicable}
            for a in readiness.areas
        },
    }


def source_data(context: ReportContext) -> dict[str, Any]:
    """Which repository and commit were linted, judged as of which day: `portfolio` merges
    reports from many repositories' CI runs by these. No wall-clock time: the same commit linted
    with the same --today gives the same bytes."""
    provenance = context.provenance
    revision = getattr(provenance, "revision", None)
    return {
        "repository": getattr(provenance, "repository", "") or None,
        "commit": revision.commit if revision else None,
        "commit_date": revision.date if revision else None,
        "judged_on": getattr(provenance, "judged_on", "") or None,
    }


def evidence_data(summary: ManifestSummary, results: list[RuleResult], rules: Mapping[str, Rule]) -> dict[str, Any]:
    """The ML Test Score's own score and an evidence matrix per active framework (matrix.py)."""
    from ..results.matrix import control_outcomes, frameworks_shown, ml_test_score

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
    summary = result.summary(context.fail_on)
    by_path: dict[str, list[RuleResult]] = {}
    for rule_result in result.results:
        by_path.setdefault(rule_result.path, []).append(rule_result)
    head = {
        "version": JSON_FORMAT_VERSION,
        "tool": {"name": "mlprodlint", "version": context.tool_version},
        "source": source_data(context),
        "summary": {
            "manifests": summary.manifests,
            "findings": summary.findings,
            "by_severity": summary.by_severity,
            "waived": summary.waived,
            "upcoming": summary.upcoming,
            "fail_on": context.fail_on.label,
            "failing": len(summary.failing),
            "passed": summary.passed,
            **({"baseline": {"path": result.baseline.path, "baselined": summary.baselined,
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
                "contact": m.contact,
                "parsed": m.parsed,
            }
            for m in result.manifests
        ],
        "rule_packs": [{"name": name, "version": version} for name, version in result.rule_packs],
        "readiness": [
            {**readiness_data(r), **evidence_data(m, by_path.get(m.path, []), context.rules)}
            for r, m in zip(summary.readiness, result.manifests)
        ],
    }
    if lists:
        head["findings"] = [finding_data(f) for f in result.findings]
        head["results"] = [result_data(r, context.rules) for r in result.results]
    return head


def render(result: RunResult, context: ReportContext) -> str:
    return "".join(chunks(result, context))


def chunks(result: RunResult, context: ReportContext) -> Iterator[str]:
    """`json.dumps(document(...), indent=2)`, byte for byte, one finding or result at a time, so
    the report streams to its destination without the whole text in memory.

    json's indenting encoder is pure Python and materialises every token of the document before
    joining them (about 8x the text for 1,000 manifests); here the two long lists are encoded
    one item at a time instead.
    """
    head = document(result, context, lists=False)
    text = json.dumps(head, indent=2, ensure_ascii=False)
    yield text[: -len("\n}")]  # reopen the top-level object (never empty)
    for key, items in (("findings", map(finding_data, result.findings)), ("results", map(partial(result_data, rules=context.rules), result.results))):
        yield f",\n  {json.dumps(key)}: "
        yield from _list_chunks(items)
    yield "\n}\n"


def _list_chunks(items: Iterator[dict[str, Any]]) -> Iterator[str]:
    # The items of a list under the top-level object sit two levels (4 spaces) deep.
    separator = "[\n    "
    for item in items:
        yield separator + _indented(item, "\n    ")
        separator = ",\n    "
    yield "[]" if separator == "[\n    " else "\n  ]"


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
