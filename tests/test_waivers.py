"""Waivers: a justified, approved, unexpired waiver suppresses a rule; anything else is a finding."""

from __future__ import annotations

from pathlib import Path

from conftest import findings_of, lint_json, write

BASE = """
apiVersion: mlprodlint/v1
kind: Model
metadata:
  name: pricing
  lifecycle: production
  tier: 1
ownership:
  team: "@acme/pricing"
  contact: Bob
waivers:
"""


def _lint(tmp_path: Path, waivers: str):
    write(tmp_path / "mlprodlint.yaml", BASE + waivers)
    return lint_json(Path("."), "--select", "OWN003,WVR", cwd=tmp_path)


def test_valid_waiver_suppresses_the_rule(tmp_path: Path) -> None:
    result = _lint(
        tmp_path,
        """
  - rule: OWN003
    reason: Contact moves to the new paging tool in January; tracked in PLAT-112.
    approved_by: head-of-ml@acme.example
    expires: 2027-01-31
""",
    )
    assert result.exit_code == 0
    assert findings_of(result) == set()
    waived = [f for f in result.json()["findings"] if f["waived"]]
    assert [(f["rule_id"], f["line"], f["waiver"]["expires"]) for f in waived] == [("OWN003", 9, "2027-01-31")]
    statuses = {r["rule_id"]: r["status"] for r in result.json()["results"]}
    assert statuses["OWN003"] == "waived"
    assert statuses["WVR001"] == "pass"


def test_expired_waiver_is_a_finding_and_suppresses_nothing(tmp_path: Path) -> None:
    result = _lint(
        tmp_path,
        """
  - rule: OWN003
    reason: Contact moves to the new paging tool in January; tracked in PLAT-112.
    approved_by: head-of-ml@acme.example
    expires: 2026-01-31
""",
    )
    assert result.exit_code == 1
    assert findings_of(result) == {("OWN003", 9), ("WVR001", 12)}
    message = next(f["message"] for f in result.json()["findings"] if f["rule_id"] == "WVR001")
    assert message == "waiver for OWN003 expired on 2026-01-31"


def test_unjustified_waiver(tmp_path: Path) -> None:
    result = _lint(
        tmp_path,
        """
  - rule: OWN003
    reason: tbd
    approved_by: me
    expires: 2027-01-31
""",
    )
    assert findings_of(result) == {("OWN003", 9), ("WVR002", 12)}
    message = next(f["message"] for f in result.json()["findings"] if f["rule_id"] == "WVR002")
    assert message == "waiver for OWN003 lacks a real reason (at least 15 characters)"


def test_waiver_for_unknown_rule(tmp_path: Path) -> None:
    result = _lint(
        tmp_path,
        """
  - rule: OWN999
    reason: A waiver for a rule that does not exist at all.
    approved_by: head-of-ml@acme.example
    expires: 2027-01-31
""",
    )
    assert findings_of(result) == {("OWN003", 9), ("WVR003", 12)}


def test_unused_waiver_is_reported_as_info(tmp_path: Path) -> None:
    write(tmp_path / "mlprodlint.yaml", (BASE + """
  - rule: OWN001
    reason: Team was declared meanwhile, this waiver is stale now.
    approved_by: head-of-ml@acme.example
    expires: 2027-01-31
""").replace("contact: Bob", "contact: pricing@acme.example"))
    result = lint_json(Path("."), "--select", "OWN001,WVR", cwd=tmp_path)
    assert result.exit_code == 0
    assert {(f["rule_id"], f["line"], f["severity"]) for f in result.json()["findings"]} == {("WVR004", 12, "info")}


def test_waiver_missing_fields_is_a_schema_finding(tmp_path: Path) -> None:
    write(tmp_path / "mlprodlint.yaml", BASE + "\n  - rule: OWN003\n")
    result = lint_json(Path("."), "--select", "MPL002", cwd=tmp_path)
    assert findings_of(result) == {("MPL002", 12)}
    assert sorted(f["message"] for f in result.json()["findings"]) == [
        "waivers.0: 'approved_by' is a required property",
        "waivers.0: 'expires' is a required property",
        "waivers.0: 'reason' is a required property",
    ]


def test_a_credential_pasted_into_a_waiver_is_never_echoed(tmp_path: Path) -> None:
    token = "ghp_" + "a1B2c3D4e5" * 4
    result = _lint(
        tmp_path,
        f"""
  - rule: OWN003
    reason: "Contact moves to the new paging tool; bot token was {token}"
    approved_by: "head-of-ml {token}"
    expires: 2027-01-31
""",
    )
    assert findings_of(result) == set()
    assert token not in result.stdout
    waived = next(f for f in result.json()["findings"] if f["waived"])
    assert waived["waiver"]["reason"] == "Contact moves to the new paging tool; bot token was [REDACTED]"
    assert waived["waiver"]["approved_by"] == "head-of-ml [REDACTED]"


def test_waiver_for_an_engine_rule_is_reported_not_silently_ignored(tmp_path: Path) -> None:
    result = _lint(
        tmp_path,
        """
  - rule: MPL002
    reason: The schema is wrong about our tier field, we think.
    approved_by: head-of-ml@acme.example
    expires: 2027-01-31
""",
    )
    assert findings_of(result) == {("OWN003", 9), ("WVR003", 12)}
    message = next(f["message"] for f in result.json()["findings"] if f["rule_id"] == "WVR003")
    assert message == "waiver names MPL002, an engine rule that cannot be waived"
