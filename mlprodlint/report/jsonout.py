"""The stable machine format (documented in schemas/report.schema.json)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
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
    text = _indented(head, "\n")
    yield text[: -len("\n}")]  # reopen the top-level object (never empty)
    findings = (_indented(finding_data(f), _ITEM) for f in result.findings)
    results = map(partial(_result_text, rules=context.rules, controls={}), result.results)
    for key, items in (("findings", findings), ("results", results)):
        yield f",\n  {json.dumps(key)}: "
        yield from _list_chunks(items)
    yield "\n}\n"


def _result_text(result: RuleResult, rules: Mapping[str, Rule], controls: dict[str, str]) -> str:
    """`_indented(result_data(result, rules), _ITEM)`, with each rule's "controls" object (the
    one nested value of most results, the same for every manifest) rendered once per report."""
    rule = (rules or {}).get(result.rule_id)
    if rule is None or not rule.controls:
        return _indented(result_data(result, rules), _ITEM)
    data = result_data(result)  # everything but "controls", which comes just before "waiver"
    waiver = data.pop("waiver", None)
    text = controls.get(rule.id)
    if text is None:
        text = controls[rule.id] = _indented({framework: list(ids) for framework, ids in rule.controls}, _ENTRY)
    return (_indented(data, _ITEM)[: -len(_ITEM + "}")] + f',{_ENTRY}"controls": {text}'
            + (f',{_ENTRY}"waiver": {_indented(waiver, _ENTRY)}' if waiver is not None else "") + _ITEM + "}")


def _list_chunks(items: Iterator[str]) -> Iterator[str]:
    # `items` are rendered at _ITEM: a list under the top-level object, two levels deep. Items are
    # joined in batches: one write per item costs more than encoding it, and a batch of a few
    # hundred items keeps memory flat all the same.
    opened = False
    batch: list[str] = []
    for item in items:
        batch.append(item)
        if len(batch) == _BATCH:
            yield (",\n    " if opened else "[\n    ") + ",\n    ".join(batch)
            opened, batch = True, []
    if batch:
        yield (",\n    " if opened else "[\n    ") + ",\n    ".join(batch)
        opened = True
    yield "\n  ]" if opened else "[]"


_BATCH = 512
_ITEM = "\n    "  # an item of a list under the top-level object
_ENTRY = _ITEM + "  "  # an entry of such an item
_CONTAINERS = (dict, list, tuple)


def _indented(value: Any, newline: str) -> str:
    """What json.dumps(indent=2, ensure_ascii=False) writes for `value` at this indentation.

    json's indenting encoder is pure Python; its compact encoder is C. A run of scalar entries
    (or empty containers) is written by the C encoder with an item separator that carries the
    newline and indentation, so its compact output already is the indented text; only
    non-empty nested containers recurse here.
    """
    if isinstance(value, dict) and value:
        inner = newline + "  "
        for item in value.values():
            if isinstance(item, _CONTAINERS) and item:
                break
        else:
            return "{" + inner + _flat(inner)(value)[1:-1] + newline + "}"
        entries = list(value.items())
        parts: list[str] = []
        start = 0
        for index, (key, item) in enumerate(entries):
            if isinstance(item, _CONTAINERS) and item:
                if index > start:
                    parts.append(_flat(inner)(dict(entries[start:index]))[1:-1])
                parts.append(f"{_dumps(str(key))}: {_indented(item, inner)}")
                start = index + 1
        if start < len(entries):
            parts.append(_flat(inner)(dict(entries[start:]))[1:-1])
        return "{" + inner + ("," + inner).join(parts) + newline + "}"
    if isinstance(value, _CONTAINERS) and value:
        inner = newline + "  "
        for item in value:
            if isinstance(item, _CONTAINERS) and item:
                return "[" + inner + ("," + inner).join(_indented(item, inner) for item in value) + newline + "]"
        return "[" + inner + _flat(inner)(value)[1:-1] + newline + "]"
    return _dumps(value)


def _c_encoder(item_separator: str) -> Callable[[Any], str]:
    # json.JSONEncoder.encode builds a new C encoder on every call, which costs more than
    # encoding a small dict; one per indentation is built here and kept.
    make = json.encoder.c_make_encoder
    if make is None:  # an interpreter without json's C accelerator
        return json.JSONEncoder(ensure_ascii=False, separators=(item_separator, ": ")).encode
    encoder = make(None, _unserializable, json.encoder.encode_basestring, None, ": ", item_separator, False, False, True)
    return lambda value: "".join(encoder(value, 0))


def _unserializable(value: Any) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


_dumps = _c_encoder(", ")  # scalars and empty containers


def _flat(inner: str) -> Callable[[Any], str]:
    """The C encoder writing the entries of one container at this indentation."""
    encoder = _FLAT.get(inner)
    if encoder is None:
        encoder = _FLAT[inner] = _c_encoder("," + inner)
    return encoder


_FLAT: dict[str, Callable[[Any], str]] = {}
