"""JUnit XML: one testsuite per manifest, one testcase per rule (fail -> failure; waived,
baselined and not applicable -> skipped). Valid against both the lenient Jenkins xUnit schema and the strict Ant
schema (timestamp, hostname, properties, system-out/err, package, id), so Jenkins, GitLab and
CircleCI all accept it. Built with xml.etree, never by string templates."""

from __future__ import annotations

import re
from typing import Any

from ..results.findings import RuleResult, RunResult, Status
from ..results.readiness import score_text
from ..textsafe import printable
from . import ReportContext

# Characters XML 1.0 cannot carry at all (a YAML "\x01" escape can produce them).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    # Then what XML allows but a terminal or log viewer would act on (C1, U+2028, bidi) is escaped.
    return printable(_NOT_XML.sub("\ufffd", text), keep="\t\n\r")


def _classname(service: str, area: str) -> str:
    # Jenkins splits classnames at dots into package and class: service.area reads well there.
    return f"{_clean(service).replace('.', '_').strip() or 'manifest'}.{area}"


def _failure_text(result: RuleResult, context: ReportContext) -> str:
    rule = context.rules.get(result.rule_id)
    # One line per finding: a newline in a value must not start a line of its own in a CI log.
    lines = [f"{printable(f.path)}:{f.line}:{f.column}: {printable(f.message)}"
             for f in result.findings if not f.baselined]
    if rule is not None:
        lines.append(f"fix: {printable(rule.fix)}")
        lines.append(f"why: {printable(rule.rationale)}")
    return _clean("\n".join(lines))


def _testcase(parent: Any, result: RuleResult, service: str, context: ReportContext) -> None:
    from xml.etree import ElementTree as ET

    case = ET.SubElement(parent, "testcase", {
        "name": _clean(f"{result.rule_id} {result.rule_name}"),
        "classname": _classname(service, result.area),
        "time": "0",
    })
    if result.status is Status.FAIL:
        reported = [f for f in result.findings if not f.baselined]
        first = reported[0].message if reported else result.rule_name
        more = f" (and {len(reported) - 1} more)" if len(reported) > 1 else ""
        failure = ET.SubElement(case, "failure", {"message": _clean(first + more), "type": result.severity.label})
        failure.text = _failure_text(result, context)
    elif result.waiver is not None:
        waiver = result.waiver
        ET.SubElement(case, "skipped", {"message": _clean(
            f"waived: {waiver.reason} (approved by {waiver.approved_by or 'nobody'}, expires {waiver.expires or 'never'})"
        )})
    elif result.status is Status.BASELINED:
        ET.SubElement(case, "skipped", {"message": f"baselined: {len(result.findings)} known finding(s) in the baseline"})
    elif result.status is Status.UPCOMING:
        first = result.findings[0].message if result.findings else result.rule_name
        ET.SubElement(case, "skipped", {"message": _clean(f"upcoming: {first}")})
    elif result.status is Status.NOT_APPLICABLE:
        ET.SubElement(case, "skipped", {"message": _clean(f"not applicable: {result.reason or 'nothing to check'}")})


def render(result: RunResult, context: ReportContext) -> str:
    from xml.etree import ElementTree as ET

    provenance = context.provenance
    timestamp = provenance.generated_at.strftime("%Y-%m-%dT%H:%M:%S") if provenance else "1970-01-01T00:00:00"
    hostname = provenance.hostname if provenance else "localhost"
    summary = result.summary(context.fail_on)
    by_path: dict[str, list[RuleResult]] = {}
    for rule_result in result.results:
        by_path.setdefault(rule_result.path, []).append(rule_result)

    root = ET.Element("testsuites")
    for index, manifest in enumerate(result.manifests):
        results = by_path.get(manifest.path, [])
        assessed = summary.readiness_of(manifest.path)
        suite = ET.SubElement(root, "testsuite", {
            "name": _clean(manifest.path),
            "package": "mlprodlint",
            "id": str(index),
            "timestamp": timestamp,
            "hostname": hostname,
            "tests": str(len(results)),
            "failures": str(sum(r.status is Status.FAIL for r in results)),
            "errors": "0",
            "skipped": str(sum(r.status in (Status.WAIVED, Status.BASELINED, Status.NOT_APPLICABLE, Status.UPCOMING) for r in results)),
            "time": "0",
        })
        properties = ET.SubElement(suite, "properties")
        values = [
            ("mlprodlint.version", context.tool_version),
            ("manifest.name", manifest.name),
            ("manifest.tier", "" if manifest.tier is None else str(manifest.tier)),
            ("manifest.lifecycle", manifest.lifecycle),
            ("manifest.team", manifest.team),
            ("readiness.verdict", assessed.verdict),
            ("readiness.level", assessed.level or "none"),
            ("readiness.score", score_text(assessed.score)),
            ("fail_on", context.fail_on.label),
            *((f"rule_pack.{name}", version) for name, version in result.rule_packs),
        ]
        if provenance is not None and provenance.revision is not None:
            values.append(("git.commit", provenance.revision.commit))
        for name, value in values:
            ET.SubElement(properties, "property", {"name": name, "value": _clean(value)})
        for rule_result in results:
            _testcase(suite, rule_result, manifest.name or manifest.path, context)
        system_out = ET.SubElement(suite, "system-out")
        system_out.text = _clean(
            f"{printable(manifest.path)}: {assessed.verdict}, level {assessed.level or 'none'}, "
            f"score {score_text(assessed.score)}/100; "
            + ", ".join(f"{a.area} {score_text(a.percent)}" for a in assessed.areas)
        )
        ET.SubElement(suite, "system-err").text = ""
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
