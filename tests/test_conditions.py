"""applies_when: named conditions (built-in and a pack's `conditions:` map), `any:` and `not:`."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import findings_of, lint_json, run_cli, write
from mlprodlint.rules.definitions import BUILTIN_CONDITIONS, AppliesWhen


def _manifest(lifecycle: str, tier: int, kind: str = "Model") -> dict:
    return {"kind": kind, "metadata": {"lifecycle": lifecycle, "tier": tier}}


def test_a_named_condition_is_the_same_condition_written_out() -> None:
    named = AppliesWhen.from_data({"condition": "production-tier1-2", "kind": ["Model"]})
    written = AppliesWhen.from_data({"lifecycle": ["production"], "tier_at_most": 2, "kind": ["Model"]})
    assert named == written
    assert named.describe() == "lifecycle in production; kind in Model; tier <= 2"
    assert set(BUILTIN_CONDITIONS) == {"production-tier1", "production-tier1-2", "production-tier1-3"}


@pytest.mark.parametrize(
    ("lifecycle", "tier", "kind", "holds"),
    [
        ("production", 1, "Model", True),   # first arm
        ("staging", 3, "Model", False),      # neither arm
        ("staging", 3, "Service", True),     # second arm (kind Service, not staging tier 4)
        ("staging", 4, "Service", False),    # second arm's `not` excludes tier 4
    ],
)
def test_any_and_not(lifecycle: str, tier: int, kind: str, holds: bool) -> None:
    condition = AppliesWhen.from_data(
        {"any": [{"condition": "production-tier1"}, {"kind": ["Service"], "not": {"tier_at_most": 4, "lifecycle": ["staging"], "fields": {"metadata.tier": 4}}}]}
    )
    assert condition.holds_for(_manifest(lifecycle, tier, kind)) is holds
    assert condition.describe() == (
        "any of: (lifecycle in production; tier <= 1) or "
        "(kind in Service; not (lifecycle in staging; tier <= 4; metadata.tier == 4))"
    )


def test_not_alone() -> None:
    condition = AppliesWhen.from_data({"not": {"lifecycle": ["experimental", "development"]}})
    assert condition.holds_for(_manifest("production", 1))
    assert not condition.holds_for(_manifest("development", 1))
    assert condition.describe() == "not (lifecycle in experimental, development)"


MANIFEST = """
apiVersion: mlprodlint/v1
kind: Model
metadata:
  name: pricing
  lifecycle: production
  tier: 2
ownership:
  team: "@acme/pricing"
  contact: the pricing people
"""

PACK = """
pack: {name: acme-conditions, version: 1.0.0, extends: builtin}
conditions:
  revenue-critical: {lifecycle: [production], tier_at_most: 2}
rules:
  - id: ACM001
    name: repository-declared
    title: The source repository is declared
    area: custom
    severity: error
    applies_when: {condition: revenue-critical}
    check: {function: present, args: {path: metadata.repository}}
    message: "No repository: {detail}"
    rationale: Acme audits trace every model to its code.
    fix: Set `metadata.repository`.
  - id: ACM002
    name: docs-declared
    title: Docs are declared
    area: custom
    severity: error
    applies_when: {condition: production-tier1}
    check: {function: present, args: {path: metadata.docs}}
    message: "No docs: {detail}"
    rationale: Tier-1 services are documented.
    fix: Set `metadata.docs`.
  - id: ACM003
    name: runbook-declared
    title: A runbook is declared
    area: custom
    severity: error
    applies_when: {any: [{condition: production-tier1}, {not: {kind: [Model]}}]}
    check: {function: present, args: {path: metadata.runbook}}
    message: "No runbook: {detail}"
    rationale: x
    fix: x
  - id: ACM004
    name: owner-declared
    title: An owner is declared
    area: custom
    severity: error
    applies_when: {not: {lifecycle: [experimental]}}
    check: {function: present, args: {path: metadata.owner}}
    message: "No owner: {detail}"
    rationale: x
    fix: x
"""


def test_pack_conditions_any_and_not_through_the_cli(tmp_path: Path) -> None:
    write(tmp_path / "svc" / "mlprodlint.yaml", MANIFEST)
    write(tmp_path / "acme" / "acme.yaml", PACK)
    result = lint_json(tmp_path / "svc", "--select", "ACM", "--rules-dir", "acme", cwd=tmp_path)
    # tier 2 production Model: revenue-critical (tier <= 2) and not-experimental apply; the
    # tier-1 condition and the any: (tier 1, or not a Model) do not.
    assert findings_of(result) == {("ACM001", 3), ("ACM004", 3)}
    statuses = {r["rule_id"]: r["status"] for r in result.json()["results"]}
    assert (statuses["ACM002"], statuses["ACM003"]) == ("not_applicable", "not_applicable")
    explained = run_cli(["explain", "ACM003", "--rules-dir", "acme"], cwd=tmp_path)
    assert "any of: (lifecycle in production; tier <= 1) or (not (kind in Model))" in explained.stdout


def test_bad_condition_uses_are_reported_at_their_line(tmp_path: Path) -> None:
    write(tmp_path / "p" / "p.yaml", """
        pack: {name: p, version: 1.0.0}
        conditions:
          production-tier1: {lifecycle: [production]}
          nested: {condition: revenue}
        rules:
          - id: ACM001
            name: a
            title: a
            area: custom
            severity: error
            applies_when: {condition: revenue, any: [{condition: production-tier1-2, tier_at_most: 1}]}
            check: {function: present, args: {path: metadata.repository}}
            message: m
            rationale: r
            fix: f
    """)
    result = run_cli(["rules", "validate", "p"], cwd=tmp_path)
    assert result.exit_code == 1
    lines = [line.split(" (known")[0] for line in result.stdout.splitlines()]
    assert lines == [
        "p/p.yaml:3:3: condition 'production-tier1' is built in and cannot be redefined",
        "p/p.yaml:4:3: condition 'nested' names another condition; write its keys out",
        "p/p.yaml:11:20: unknown condition 'revenue'",
        "p/p.yaml:11:78: tier_at_most is also set by condition 'production-tier1-2'; give it in one place",
        "4 problem(s) in p",
    ]
