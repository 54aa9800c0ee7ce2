"""Issue 4.3: the manifest's team owns its folder in CODEOWNERS and agrees with catalog-info.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import lint_json, write

from mlprodlint.repo.codeowners import normalise_team, parse_codeowners, pattern_matches

MANIFEST = """\
apiVersion: mlprodlint/v1
kind: Model
metadata:
  name: fraud
  lifecycle: production
ownership:
  team: "@acme/fraud-ml"
"""


def _found(result) -> set[tuple[str, str, int]]:
    return {(f["rule_id"], f["path"], f["line"]) for f in result.json()["findings"]}


def _monorepo(tmp_path: Path, codeowners: str, location: str = ".github/CODEOWNERS") -> Path:
    (tmp_path / ".git").mkdir()  # marks the repository root; git itself is not needed here
    write(tmp_path / location, codeowners)
    return write(tmp_path / "models/fraud/mlprodlint.yaml", MANIFEST)


@pytest.mark.parametrize(
    ("codeowners", "expected"),
    [
        ("* @acme/platform\n/models/fraud/ @acme/fraud-ml\n", set()),
        ("/models/fraud/ @acme/fraud-ml\n* @acme/platform\n", {("OWN040", 7)}),  # last match wins
        ("* @acme/fraud-ml\n/models/fraud/\n", {("OWN040", 7)}),  # no owners un-assigns
        ("/models/*.py @acme/fraud-ml\n", {("OWN040", 7)}),  # no rule matches the manifest
        ("models/ @acme/fraud-ml\n", set()),
        ("**/fraud @acme/fraud-ml # inline comment\n", set()),
        ("/models/** fraud-ml@acme.com @ACME/Fraud-ML\n", set()),
        ("[Models]\n/models/fraud/ @acme/fraud-ml\n", set()),
    ],
    ids=["specific-after-catch-all", "catch-all-last", "unassigned", "no-match", "folder-anywhere",
         "double-star", "case-insensitive-team", "gitlab-section"],
)
def test_team_in_codeowners(tmp_path: Path, codeowners: str, expected: set[tuple[str, int]]) -> None:
    manifest = _monorepo(tmp_path, codeowners)
    result = lint_json(manifest, "--select", "OWN040", cwd=tmp_path)
    assert {(f["rule_id"], f["line"]) for f in result.json()["findings"]} == expected, result.stdout
    assert result.exit_code == 0  # a warning does not fail the default run


def test_codeowners_message_names_the_deciding_line(tmp_path: Path) -> None:
    manifest = _monorepo(tmp_path, "# owners\n* @acme/platform\n")
    finding = lint_json(manifest, "--select", "OWN040", cwd=tmp_path).json()["findings"][0]
    assert finding["message"] == (
        "Owner not in CODEOWNERS: .github/CODEOWNERS:2 gives models/fraud/mlprodlint.yaml to "
        "@acme/platform, not to @acme/fraud-ml"
    )


def test_github_location_order(tmp_path: Path) -> None:
    manifest = _monorepo(tmp_path, "* @acme/fraud-ml\n", location="docs/CODEOWNERS")
    write(tmp_path / ".github/CODEOWNERS", "* @acme/other\n")  # .github/ wins over docs/
    result = lint_json(manifest, "--select", "OWN040", cwd=tmp_path)
    assert _found(result) == {("OWN040", "models/fraud/mlprodlint.yaml", 7)}


def test_missing_codeowners_is_a_finding_for_production(tmp_path: Path) -> None:
    manifest = write(tmp_path / "mlprodlint.yaml", MANIFEST)
    result = lint_json(manifest, "--select", "OWN040", cwd=tmp_path)
    assert _found(result) == {("OWN040", "mlprodlint.yaml", 7)}
    assert "no CODEOWNERS file" in result.json()["findings"][0]["message"]


def test_catalog_agreement(tmp_path: Path) -> None:
    manifest = write(tmp_path / "mlprodlint.yaml", MANIFEST)
    write(
        tmp_path / "catalog-info.yaml",
        """\
        apiVersion: backstage.io/v1alpha1
        kind: System
        metadata: {name: payments}
        spec: {owner: group:default/payments}
        ---
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata: {name: fraud}
        spec:
          owner: group:default/risk-ml
          lifecycle: experimental
        """,
    )
    result = lint_json(manifest, "--select", "OWN041,OWN042", cwd=tmp_path)
    assert _found(result) == {("OWN041", "mlprodlint.yaml", 7), ("OWN042", "mlprodlint.yaml", 5)}
    messages = {f["rule_id"]: f["message"] for f in result.json()["findings"]}
    assert "'group:default/risk-ml' (catalog-info.yaml:10, Component fraud)" in messages["OWN041"]
    assert "'experimental' (catalog-info.yaml:11, Component fraud)" in messages["OWN042"]


def test_catalog_agreeing_passes_and_broken_catalog_is_located(tmp_path: Path) -> None:
    manifest = write(tmp_path / "mlprodlint.yaml", MANIFEST)
    write(tmp_path / "catalog-info.yaml", "kind: Component\nspec: {owner: fraud-ml, lifecycle: production}\n")
    assert lint_json(manifest, "--select", "OWN041,OWN042", cwd=tmp_path).json()["findings"] == []
    write(tmp_path / "catalog-info.yaml", "kind: Component\nspec:\n  owner: [unclosed\n")
    result = lint_json(manifest, "--select", "OWN041", cwd=tmp_path)
    assert _found(result) == {("OWN041", "catalog-info.yaml", 4)}


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("*", "a/b/c.py", True),
        ("*.js", "src/app/x.js", True),
        ("*.js", "src/app/x.jsx", False),
        ("/build/logs/", "build/logs/a/b.txt", True),
        ("/build/logs/", "x/build/logs/a.txt", False),
        ("/build/logs/", "build/logs", False),  # a folder pattern does not own a file of that name
        ("docs/*", "docs/getting-started.md", True),
        ("docs/*", "docs/build-app/troubleshooting.md", False),
        ("apps/", "deep/apps/x.py", True),
        ("apps", "deep/apps/x.py", True),
        ("/apps", "deep/apps/x.py", False),
        ("**/logs", "deeply/nested/logs/x", True),
        ("**/logs", "logs/x", True),
        ("/scripts/**", "scripts/a/b", True),
        ("/scripts/**", "scripts", False),
        ("a/**/b", "a/b", True),
        ("a/**/b", "a/x/y/b", True),
        ("a?c", "abc", True),
        ("a?c", "a/c", False),
        ("Docs/", "docs/x.md", False),  # case-sensitive
        ("!docs/", "docs/x.md", False),  # negation unsupported
        ("[ab].md", "a.md", False),  # brackets are literal
        ("[ab].md", "[ab].md", True),
        ("my\\ file.md", "my file.md", True),
    ],
)
def test_codeowners_patterns(pattern: str, path: str, matches: bool) -> None:
    assert pattern_matches(pattern, path) is matches


def test_codeowners_parsing() -> None:
    rules = parse_codeowners("# c\n\n\\#hash @a\n*.py   @b  @c # trailing\n[Section][2] @d\n/x\n")
    assert [(r.pattern, r.owners, r.line) for r in rules] == [
        ("\\#hash", ("@a",), 3), ("*.py", ("@b", "@c"), 4), ("/x", (), 6)
    ]
    assert pattern_matches(rules[0].pattern, "#hash")


@pytest.mark.parametrize(
    "name", ["@acme/fraud-ml", "acme/fraud-ml", "group:default/fraud-ml", "group:fraud-ml", "FRAUD-ML"]
)
def test_team_names_compare_loosely(name: str) -> None:
    assert normalise_team(name) == "fraud-ml"


def test_a_list_as_metadata_name_is_not_a_crash(tmp_path: Path) -> None:
    # `name: [fraud]` is a schema error; the catalog rules must still run (not exit 3).
    manifest = write(tmp_path / "mlprodlint.yaml", MANIFEST.replace("name: fraud", "name: [fraud]"))
    write(tmp_path / "catalog-info.yaml", "kind: Component\nmetadata: {name: fraud}\nspec: {owner: fraud-ml, lifecycle: production}\n")
    result = lint_json(manifest, "--select", "OWN041,OWN042", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert result.json()["findings"] == []
