"""Custom rule packs: folders, `extends`, overrides, `builtin = false`, `rules validate`."""

from __future__ import annotations

from pathlib import Path

from conftest import TODAY, findings_of, lint_json, run_cli, write

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
"""

ACME_PACK = """
pack:
  name: acme-policy
  version: 1.2.0
  extends: builtin
rules:
  - id: ACM001
    name: repository-declared
    title: The source repository is declared
    area: custom
    severity: error
    level: silver
    check: {function: present, args: {path: metadata.repository}}
    message: "No repository: {detail}"
    rationale: Acme audits trace every model to its code.
    fix: Set `metadata.repository`.
overrides:
  - id: OWN003
    severity: error
  - id: OWN004
    applies_when: {lifecycle: [production], tier_at_most: 3}
    level: gold
  - id: OWN005
    enabled: false
"""


def _acme(tmp_path: Path) -> Path:
    write(tmp_path / "svc" / "mlprodlint.yaml", MANIFEST)
    write(tmp_path / "acme" / "acme.yaml", ACME_PACK)
    return tmp_path


def test_folder_pack_adds_rules_and_overrides_builtin_ones(tmp_path: Path) -> None:
    _acme(tmp_path)
    plain = lint_json(tmp_path / "svc", "--select", "OWN00,ACM", cwd=tmp_path)
    assert findings_of(plain) == {("OWN003", 9), ("OWN004", 7), ("OWN005", 7)}
    severities = {f["rule_id"]: f["severity"] for f in plain.json()["findings"]}
    assert severities["OWN003"] == "warning"

    result = lint_json(tmp_path / "svc", "--select", "OWN00,ACM", "--rules-dir", "acme", cwd=tmp_path)
    assert result.exit_code == 1
    assert findings_of(result) == {("OWN003", 9), ("OWN004", 7), ("ACM001", 3)}
    by_id = {f["rule_id"]: f for f in result.json()["findings"]}
    assert by_id["OWN003"]["severity"] == "error"  # severity override
    assert by_id["ACM001"]["message"] == "No repository: metadata.repository is missing"
    statuses = {r["rule_id"]: r["status"] for r in result.json()["results"]}
    assert "OWN005" not in statuses  # disabled by the pack
    assert {"name": "acme-policy", "version": "1.2.0"} in result.json()["rule_packs"]


def test_applicability_override_changes_where_a_rule_applies(tmp_path: Path) -> None:
    _acme(tmp_path)
    write(tmp_path / "svc" / "mlprodlint.yaml", MANIFEST.replace("tier: 1", "tier: 3"))
    builtin = lint_json(tmp_path / "svc", "--select", "OWN004", cwd=tmp_path)
    assert findings_of(builtin) == set()  # built-in OWN004 stops at tier 2
    custom = lint_json(tmp_path / "svc", "--select", "OWN004", "--rules-dir", "acme", cwd=tmp_path)
    assert findings_of(custom) == {("OWN004", 7)}


def test_rules_dirs_from_config_and_explain_shows_the_override(tmp_path: Path) -> None:
    _acme(tmp_path)
    write(tmp_path / ".mlprodlint.toml", 'rules_dirs = ["acme"]\n')
    result = lint_json(tmp_path / "svc", "--select", "ACM", cwd=tmp_path)
    assert findings_of(result) == {("ACM001", 3)}
    explained = run_cli(["explain", "OWN004"], cwd=tmp_path)
    assert explained.exit_code == 0
    assert "Level: gold" in explained.stdout
    assert "lifecycle in production; tier <= 3" in explained.stdout
    listed = run_cli(["rules", "--format", "json", "--area", "custom"], cwd=tmp_path)
    assert [(r["id"], r["pack"], r["pack_version"]) for r in listed.json()["rules"]] == [("ACM001", "acme-policy", "1.2.0")]


def test_a_later_pack_can_re_enable_a_rule(tmp_path: Path) -> None:
    write(tmp_path / "svc" / "mlprodlint.yaml", MANIFEST)
    write(tmp_path / "base" / "base.yaml", """
        pack: {name: org-base, version: 1.0.0, extends: builtin}
        rules: []
        overrides: [{id: OWN005, enabled: false}]
    """)
    write(tmp_path / "team" / "team.yaml", """
        pack: {name: team-strict, version: 1.0.0, extends: org-base}
        rules: []
        overrides: [{id: OWN005, enabled: true, severity: error}]
    """)
    only_base = lint_json(tmp_path / "svc", "--select", "OWN005", "--rules-dir", "base", cwd=tmp_path)
    assert findings_of(only_base) == set()
    both = lint_json(tmp_path / "svc", "--select", "OWN005", "--rules-dir", "team", "--rules-dir", "base", cwd=tmp_path)
    assert findings_of(both) == {("OWN005", 7)}
    assert both.json()["findings"][0]["severity"] == "error"


def test_override_outside_the_extended_packs_is_an_error_with_line(tmp_path: Path) -> None:
    write(tmp_path / "svc" / "mlprodlint.yaml", MANIFEST)
    write(tmp_path / "p" / "p.yaml", """
        pack: {name: loose, version: 1.0.0}
        rules: []
        overrides:
          - id: OWN003
            severity: info
    """)
    result = run_cli(["check", "svc", "--today", TODAY, "--rules-dir", "p"], cwd=tmp_path)
    assert result.exit_code == 2
    assert "p/p.yaml:4:5: pack loose overrides OWN003 of pack builtin-ownership, which it does not extend" in result.stderr
    assert "Traceback" not in result.stderr


def test_builtin_false_loads_only_the_packs_asked_for(tmp_path: Path) -> None:
    write(tmp_path / "svc" / "mlprodlint.yaml", MANIFEST)
    write(tmp_path / "solo" / "solo.yaml", ACME_PACK.replace("  extends: builtin\n", "").split("overrides:")[0])
    write(tmp_path / ".mlprodlint.toml", 'builtin = false\nrules_dirs = ["solo"]\n')
    listed = run_cli(["rules", "--format", "json"], cwd=tmp_path)
    packs = {r["pack"] for r in listed.json()["rules"]}
    assert packs == {"core", "acme-policy"}
    write(tmp_path / "solo" / "solo.yaml", ACME_PACK)  # extends: builtin pulls the built-in packs back in
    listed = run_cli(["rules", "--format", "json"], cwd=tmp_path)
    assert "builtin-ownership" in {r["pack"] for r in listed.json()["rules"]}


def test_unknown_configured_pack_is_exit_2(tmp_path: Path) -> None:
    write(tmp_path / "svc" / "mlprodlint.yaml", MANIFEST)
    write(tmp_path / ".mlprodlint.toml", 'packs = ["no-such-pack"]\n')
    result = run_cli(["check", "svc", "--today", TODAY], cwd=tmp_path)
    assert result.exit_code == 2
    assert "unknown rule pack 'no-such-pack': not installed" in result.stderr


def test_rules_validate_accepts_a_good_pack(tmp_path: Path) -> None:
    write(tmp_path / "acme" / "acme.yaml", ACME_PACK)
    result = run_cli(["rules", "validate", "acme"], cwd=tmp_path)
    assert (result.exit_code, result.stdout) == (0, "acme: valid (1 pack file(s), 1 rule(s))\n")


BROKEN_PACK = """
pack:
  name: broken
  version: "1.0"
  extends: nowhere
rules:
  - id: BRK001
    name: no-title
    area: custom
    severity: error
    check: {function: present, args: {path: ownership.team}}
    message: m
    rationale: r
    fix: f
  - id: BRK002
    name: unknown-function
    title: t
    area: custom
    severity: error
    check: {function: no_such_check}
    message: m
    rationale: r
    fix: f
  - id: BRK003
    name: bad-args
    title: t
    area: custom
    severity: error
    check: {function: min_value, args: {path: sla.availability, min: high}}
    message: m
    rationale: r
    fix: f
overrides:
  - id: XYZ999
    severity: info
"""


def test_rules_validate_reports_every_error_with_file_and_line(tmp_path: Path) -> None:
    write(tmp_path / "broken" / "a.yaml", BROKEN_PACK)
    write(tmp_path / "broken" / "b.yaml", "pack: {name: b, version: 1.0.0}\nrules:\n  - id: bad\n")
    result = run_cli(["rules", "validate", "broken"], cwd=tmp_path)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    # Schema errors, an unknown check function and bad arguments in one file, and a second
    # broken file: all reported in one run, sorted, each with file:line:column.
    assert lines[0] == "broken/a.yaml:3:3: pack.version: '1.0' does not match '^[0-9]+\\.[0-9]+\\.[0-9]+([-+].*)?$'"
    assert lines[1] == "broken/a.yaml:6:5: rules.0: 'title' is a required property"
    assert lines[2].startswith("broken/a.yaml:19:13: rule BRK002: unknown check function 'no_such_check' (known: alerts_defined, any_item, ")
    assert lines[3] == "broken/a.yaml:28:65: rule BRK003: bad arguments for min_value: 'high' is not of type 'number'"
    assert lines[4] == "broken/b.yaml:3:5: rules.0.id: 'bad' does not match '^[A-Z]{2,5}[0-9]{3}$'"
    assert lines[5:-1] == [
        f"broken/b.yaml:3:5: rules.0: '{key}' is a required property"
        for key in ("area", "check", "fix", "message", "name", "rationale", "severity", "title")
    ]
    assert lines[-1] == "13 problem(s) in broken"


def test_rules_validate_reports_cross_pack_problems(tmp_path: Path) -> None:
    write(tmp_path / "p" / "p.yaml", """
        pack: {name: p, version: 1.0.0, extends: nowhere}
        rules: []
        overrides: [{id: XYZ999, severity: info}]
    """)
    result = run_cli(["rules", "validate", "p", "--format", "json"], cwd=tmp_path)
    assert result.exit_code == 1
    problems = [(p["path"], p["line"], p["message"].split(" (known")[0]) for p in result.json()["problems"]]
    assert problems == [
        ("p/p.yaml", 1, "pack p extends 'nowhere', which is not loaded or installed"),
        ("p/p.yaml", 3, "pack p overrides unknown rule XYZ999"),
    ]


def test_rules_validate_on_a_missing_folder_is_exit_2(tmp_path: Path) -> None:
    result = run_cli(["rules", "validate", "nope"], cwd=tmp_path)
    assert result.exit_code == 2
    assert "rule directory nope does not exist" in result.stderr


def test_two_packs_may_not_share_a_name(tmp_path: Path) -> None:
    pack = """
    pack: {name: acme-policy, version: 1.0.0}
    rules:
      - id: %s
        name: %s
        title: Tags
        area: custom
        severity: error
        check: {function: present, args: {path: metadata.tags}}
        message: "Untagged: {detail}"
        rationale: Tags route costs.
        fix: Add metadata.tags.
    """
    write(tmp_path / "one" / "a.yaml", pack % ("ACM001", "tags-one"))
    write(tmp_path / "two" / "b.yaml", pack % ("ACM002", "tags-two"))
    write(tmp_path / "mlprodlint.yaml", "apiVersion: mlprodlint/v1\nkind: Model\nmetadata: {name: x, lifecycle: experimental}\n")
    result = run_cli(["check", ".", "--rules-dir", "one", "--rules-dir", "two"], cwd=tmp_path)
    assert result.exit_code == 2
    assert "two/b.yaml:1:1: pack name 'acme-policy' is already used by one/a.yaml; give each pack its own name" in result.stderr
