"""Rules the engine itself enforces: the manifest must be readable and valid, waivers honest.

They are documented and selectable like pack rules, but implemented by the engine because they
concern the file and the waiver mechanism rather than one field.
"""

from __future__ import annotations

from ..results.findings import Severity
from .definitions import Rule

_NO_CHECK: dict[str, object] = {}


def _core(
    rule_id: str, name: str, title: str, area: str, severity: Severity, message: str, rationale: str, fix: str
) -> Rule:
    return Rule(
        id=rule_id,
        name=name,
        title=title,
        area=area,
        severity=severity,
        check="engine",
        args=_NO_CHECK,
        message=message,
        rationale=rationale,
        fix=fix,
        pack="core",
        source="mlprodlint/rules/core.py",
    )


MANIFEST_UNREADABLE = _core(
    "MPL001", "manifest-unreadable", "The manifest is readable YAML holding one mapping", "manifest",
    Severity.ERROR, "{detail}",
    "A manifest that does not parse declares nothing: every readiness claim in it is void, and "
    "a CI gate that skipped it would pass a service nobody checked.",
    "Fix the YAML at the reported line (indent with spaces, quote odd strings, one document per "
    "file, UTF-8 encoding, no custom tags).",
)
SCHEMA_VIOLATION = _core(
    "MPL002", "schema-violation", "The manifest follows the manifest schema", "manifest",
    Severity.ERROR, "{detail}",
    "Unknown keys are usually typos (`onclal:`) that silently drop a claim; wrong types make "
    "claims unreadable to every tool downstream.",
    "Correct the key or value at the reported line; `mlprodlint schema` prints the schema and "
    "editors with yaml-language-server complete keys from it.",
)
LIMIT_EXCEEDED = _core(
    "MPL003", "manifest-limit-exceeded", "The manifest stays within size, depth and alias limits", "manifest",
    Severity.ERROR, "{detail}",
    "A CI gate must finish quickly on any input; oversized, deeply nested or alias-bomb files are "
    "refused rather than allowed to exhaust the runner.",
    "Keep manifests small and flat (a real one is a few kilobytes); do not use YAML anchors to "
    "multiply content. Raise max_file_size in the configuration if a manifest is legitimately large.",
)
WAIVER_EXPIRED = _core(
    "WVR001", "waiver-expired", "Waivers have not expired", "waivers",
    Severity.ERROR, "waiver for {detail}",
    "A waiver is a time-boxed promise to fix something; once it expires the gap it covered is "
    "back, and so is the finding it suppressed.",
    "Fix the waived finding and delete the waiver, or renew it with a new expiry and a fresh approval.",
)
WAIVER_UNJUSTIFIED = _core(
    "WVR002", "waiver-unjustified", "Waivers carry a real reason and an approver", "waivers",
    Severity.ERROR, "waiver for {detail}",
    "A waiver without a reason or an accountable approver is just a mute button; reviewers need "
    "to know why the risk was accepted and by whom.",
    "Give the waiver a reason of at least a sentence and the person or team who approved it.",
)
WAIVER_UNKNOWN_RULE = _core(
    "WVR003", "waiver-unknown-rule", "Waivers name existing rules that can be waived", "waivers",
    Severity.WARNING, "waiver names {detail}",
    "A waiver for a rule id that does not exist (typo, renamed rule), or for one of the engine's "
    "own rules (MPL, WVR), suppresses nothing and misleads readers into thinking a risk was "
    "accepted.",
    "Correct the rule id (see `mlprodlint rules`) or delete the waiver; fix MPL and WVR findings "
    "in the manifest itself.",
)
WAIVER_UNUSED = _core(
    "WVR004", "waiver-unused", "Waivers still suppress something", "waivers",
    Severity.INFO, "waiver for {detail}",
    "A waiver whose rule now passes is dead weight; removing it keeps the waiver list an honest "
    "record of accepted risk.",
    "Delete the waiver: the rule it covers passes.",
)

CORE_RULES: tuple[Rule, ...] = (
    MANIFEST_UNREADABLE, SCHEMA_VIOLATION, LIMIT_EXCEEDED,
    WAIVER_EXPIRED, WAIVER_UNJUSTIFIED, WAIVER_UNKNOWN_RULE, WAIVER_UNUSED,
)
# Unreadable or oversized manifests can never be ignored: ignoring them would pass unchecked files.
NEVER_IGNORED = frozenset({MANIFEST_UNREADABLE.id, LIMIT_EXCEEDED.id})
