"""The smaller check vocabulary: `in`, `range`, `matches` (format, each), and the old names kept
as deprecated aliases that give exactly the same findings, so existing packs load unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import lint_json, run_cli, write

MANIFEST = """
apiVersion: mlprodlint/v1
kind: Model
metadata:
  name: pricing
  lifecycle: production
  tier: 1
ownership:
  team: "@acme/pricing"
  contact: the pricing people
sla:
  availability: 100
compliance:
  retention_days: 900
  data_classification: public
  ai_act_risk: unacceptable
alerting:
  alerts:
    - {name: down, severity: page, route: "slack:#x"}
    - {name: slow, severity: ticket, route: "jira:X"}
"""

# (old check, new check): each pair must find the same thing with the same words.
PAIRS = [
    ("{function: one_of, args: {path: compliance.data_classification, values: [confidential]}}",
     "{function: in, args: {path: compliance.data_classification, values: [confidential]}}"),
    ("{function: none_of, args: {path: compliance.ai_act_risk, values: [unacceptable]}}",
     "{function: in, args: {path: compliance.ai_act_risk, values: [unacceptable], negate: true}}"),
    ("{function: min_value, args: {path: compliance.retention_days, min: 1000}}",
     "{function: range, args: {path: compliance.retention_days, min: 1000}}"),
    ("{function: max_value, args: {path: sla.availability, max: 99.999}}",
     "{function: range, args: {path: sla.availability, min: 90, max: 99.999}}"),
    ("{function: email_or_channel, args: {path: ownership.contact}}",
     "{function: matches, args: {path: ownership.contact, format: email_or_channel}}"),
    ("{function: each_item_matches, args: {path: alerting.alerts, field: route, pattern: '^pagerduty:', where: {severity: page}}}",
     "{function: matches, args: {path: alerting.alerts, each: route, pattern: '^pagerduty:', where: {severity: page}}}"),
]


def _pack(checks: list[str]) -> str:
    rules = "".join(
        f"""
  - id: ACM{index:03d}
    name: rule-{index}
    title: rule {index}
    area: custom
    severity: error
    check: {check}
    message: "Broken: {{detail}}"
    rationale: r
    fix: f
"""
        for index, check in enumerate(checks, start=1)
    )
    return "pack: {name: acme, version: 1.0.0, extends: builtin}\nrules:" + rules


def _findings(tmp_path: Path, name: str, checks: list[str]) -> list[tuple[str, int, str]]:
    write(tmp_path / name / "acme.yaml", _pack(checks))
    result = lint_json(tmp_path / "svc", "--select", "ACM", "--rules-dir", name, cwd=tmp_path)
    assert result.exit_code == 1, result.stderr
    return sorted((f["rule_id"], f["line"], f["message"]) for f in result.json()["findings"])


def test_old_names_load_and_find_exactly_what_the_new_forms_find(tmp_path: Path) -> None:
    write(tmp_path / "svc" / "mlprodlint.yaml", MANIFEST)
    old = _findings(tmp_path, "old", [old for old, _ in PAIRS])
    new = _findings(tmp_path, "new", [new for _, new in PAIRS])
    assert old == new == [
        ("ACM001", 14, "Broken: compliance.data_classification is 'public', expected one of: confidential"),
        ("ACM002", 15, "Broken: compliance.ai_act_risk is 'unacceptable'"),
        ("ACM003", 13, "Broken: compliance.retention_days is 900, below 1000"),
        ("ACM004", 11, "Broken: sla.availability is 100, above 99.999"),
        ("ACM005", 9, "Broken: ownership.contact 'the pricing people' is neither an email address nor a chat channel"),
        ("ACM006", 18, "Broken: alerting.alerts[0] (down) route 'slack:#x' does not match '^pagerduty:'"),
    ]


@pytest.mark.parametrize(
    ("check", "error"),
    [
        ("{function: range, args: {path: a}}", "bad arguments for range"),
        ("{function: matches, args: {path: a, pattern: x, format: email_or_channel}}", "bad arguments for matches"),
        ("{function: matches, args: {path: a, format: email_or_channel, each: b}}", "bad arguments for matches"),
        ("{function: matches, args: {path: a, pattern: x, where: {k: 1}}}", "bad arguments for matches"),
        ("{function: matches, args: {path: a, format: phone}}", "bad arguments for matches"),
    ],
)
def test_new_forms_reject_incomplete_or_contradictory_arguments(tmp_path: Path, check: str, error: str) -> None:
    write(tmp_path / "p" / "acme.yaml", _pack([check]).replace(", extends: builtin", ""))
    result = run_cli(["rules", "validate", "p"], cwd=tmp_path)
    assert result.exit_code == 1
    assert error in result.stdout


def test_deprecated_names_are_documented_as_aliases() -> None:
    from mlprodlint.checks.registry import BUILTIN_CHECKS

    for old, new in (("one_of", "in"), ("none_of", "in"), ("min_value", "range"), ("max_value", "range"),
                     ("email_or_channel", "matches"), ("each_item_matches", "matches")):
        assert BUILTIN_CHECKS[old].description.startswith(f"Deprecated alias of `{new}`")
