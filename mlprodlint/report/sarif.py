"""SARIF 2.1.0 for code-scanning upload (GitHub, GitLab, Azure DevOps). Serialised, not templated.

Paths are relative to the repository root (report/roots.py) with uriBaseId %SRCROOT%, which
`originalUriBaseIds` defines (code scanning resolves them against the checkout); waived findings
are results with an external suppression.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from ..results.findings import Finding, RunResult, Severity
from ..rules.definitions import Rule
from . import ReportContext

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/mlprodlint/"
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
# GitHub orders code-scanning alerts by this property (0.0-10.0).
_SECURITY_SEVERITY = {Severity.ERROR: "7.0", Severity.WARNING: "4.0", Severity.INFO: "1.0"}


def artifact_location(path: str) -> dict[str, Any]:
    posix = PurePosixPath(path.replace("\\", "/"))
    if posix.is_absolute():
        return {"uri": "file://" + quote(str(posix))}
    return {"uri": quote(str(posix)), "uriBaseId": "%SRCROOT%"}


def _taxonomies(rules: list[Rule]) -> tuple[list[dict[str, Any]], dict[tuple[str, str], tuple[int, int]]]:
    """One taxonomy per framework the described rules cite; (framework, control) -> indices."""
    from ..rules.frameworks import framework

    cited: dict[str, set[str]] = {}
    for rule in rules:
        for name, ids in rule.controls:
            cited.setdefault(name, set()).update(ids)
    taxonomies: list[dict[str, Any]] = []
    index: dict[tuple[str, str], tuple[int, int]] = {}
    for t_index, name in enumerate(sorted(cited)):
        known = framework(name)
        taxa = []
        for x_index, control in enumerate(known.order(cited[name])):
            taxon: dict[str, Any] = {"id": control}
            if known.title_of(control):
                taxon["shortDescription"] = {"text": known.title_of(control)}
            taxa.append(taxon)
            index[(name, control)] = (t_index, x_index)
        component: dict[str, Any] = {"name": name, "fullName": known.title, "taxa": taxa}
        if known.version:
            component["version"] = known.version
        if known.source:
            component["informationUri"] = known.source
        taxonomies.append(component)
    return taxonomies, index


def _relationships(rule: Rule, index: dict[tuple[str, str], tuple[int, int]]) -> list[dict[str, Any]]:
    return [
        {
            "target": {"id": control, "index": index[(name, control)][1],
                       "toolComponent": {"name": name, "index": index[(name, control)][0]}},
            "kinds": ["relevant"],
        }
        for name, ids in rule.controls
        for control in ids
    ]


def _rule_descriptor(rule_id: str, rule: Rule | None, fallback: Finding | None) -> dict[str, Any]:
    if rule is None:  # a rule the context does not know (should not happen): still describe it
        name = fallback.rule_name if fallback else rule_id
        return {"id": rule_id, "name": name, "shortDescription": {"text": name}}
    help_text = f"{rule.fix}\n\nWhy: {rule.rationale}"
    help_markdown = f"**Fix:** {rule.fix}\n\n**Why it matters:** {rule.rationale}"
    if rule.example:
        help_text += f"\n\nExample:\n{rule.example}"
        help_markdown += f"\n\n**Example:**\n\n```yaml\n{rule.example}\n```"
    properties: dict[str, Any] = {
        "tags": sorted({"mlprodlint", rule.area, *rule.ml_test_score}),
        "area": rule.area,
        "level": rule.level,
        "pack": rule.pack,
        "precision": "very-high",
        "problem.severity": {"error": "error", "warning": "warning", "info": "recommendation"}[rule.severity.label],
    }
    if rule.area == "security":  # only security rules should rank among security alerts
        properties["security-severity"] = _SECURITY_SEVERITY[rule.severity]
    if rule.ml_test_score:
        properties["ml_test_score"] = list(rule.ml_test_score)
    if rule.controls:
        properties["controls"] = {name: list(ids) for name, ids in rule.controls}
    if rule.effective_from:
        properties["effectiveFrom"] = rule.describe_effective()
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.rationale},
        "help": {"text": help_text, "markdown": help_markdown},
        "defaultConfiguration": {"level": _LEVELS[rule.severity]},
        "properties": properties,
    }


def _fingerprint(finding: Finding) -> str:
    # Stable across runs when lines move: rule, file and JSON pointer, not the line number.
    key = "\x00".join((finding.rule_id, finding.path, finding.pointer or str(finding.line), finding.message))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _result(finding: Finding, rule_index: int) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": _LEVELS[finding.severity],
        "message": {"text": f"{finding.message}\nFix: {finding.fix}" if finding.fix else finding.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": artifact_location(finding.path),
                    "region": {"startLine": max(finding.line, 1), "startColumn": max(finding.column, 1)},
                }
            }
        ],
        "partialFingerprints": {"mlprodlintFinding/v1": _fingerprint(finding)},
    }
    if finding.pointer:
        result["properties"] = {"pointer": finding.pointer}
    if finding.upcoming:
        # Not yet in force (rule effective_from): informational, which SARIF requires at level none.
        result["kind"] = "informational"
        result["level"] = "none"
        result.setdefault("properties", {}).update({"upcoming": True, "failsFrom": finding.upcoming})
    waiver = finding.waiver
    if waiver is not None:
        justification = waiver.reason
        if waiver.approved_by:
            justification += f" (approved by {waiver.approved_by}"
            justification += f", expires {waiver.expires})" if waiver.expires else ")"
        result["suppressions"] = [{"kind": "external", "status": "accepted", "justification": justification}]
    return result


def document(result: RunResult, context: ReportContext) -> dict[str, Any]:
    # Every rule that ran is described (code scanning closes alerts of rules that now pass).
    rule_ids = sorted({r.rule_id for r in result.results} | {f.rule_id for f in result.findings})
    first_finding = {f.rule_id: f for f in reversed(result.findings)}
    rules = [_rule_descriptor(rule_id, context.rules.get(rule_id), first_finding.get(rule_id)) for rule_id in rule_ids]
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    # Framework controls (EU AI Act articles, NIST AI RMF subcategories, ...) as SARIF taxonomies,
    # each rule related to the controls it evidences.
    described = [context.rules[rule_id] for rule_id in rule_ids if rule_id in context.rules]
    taxonomies, taxa = _taxonomies(described)
    for descriptor in rules:
        rule = context.rules.get(descriptor["id"])
        if rule is not None and rule.controls:
            descriptor["relationships"] = _relationships(rule, taxa)
    driver: dict[str, Any] = {
        "name": "mlprodlint",
        "version": context.tool_version,
        "semanticVersion": context.tool_version,
        "informationUri": INFORMATION_URI,
        "rules": rules,
    }
    if taxonomies:
        driver["supportedTaxonomies"] = [{"name": t["name"], "index": i} for i, t in enumerate(taxonomies)]
    run: dict[str, Any] = {"tool": {"driver": driver}}
    if taxonomies:
        run["taxonomies"] = taxonomies
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                **run,
                **({"originalUriBaseIds": {"%SRCROOT%": {"uri": context.source_root.uri}}}
                   if context.source_root is not None else {}),
                "columnKind": "unicodeCodePoints",
                "invocations": [{"executionSuccessful": True}],
                "results": [_result(f, index[f.rule_id]) for f in result.findings],
                "properties": {
                    "rulePacks": [{"name": n, "version": v} for n, v in result.rule_packs],
                    "failOn": context.fail_on.label,
                },
            }
        ],
    }


def render(result: RunResult, context: ReportContext) -> str:
    return json.dumps(document(result, context), indent=2, ensure_ascii=False) + "\n"
