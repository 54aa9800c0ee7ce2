"""Issue 4.1: referenced files exist inside the repo, anchors match headings, no empty templates."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import lint_json, write

from mlprodlint.checks.evidence_markdown import anchors, github_slug, prose_words, split_front_matter

PROSE = (
    "Check the dashboards first, split the errors by pod and status code, and roll back when a "
    "deploy started it. Call the feature platform on-call engineer when the errors come from the "
    "feature store client, and post in the incident channel within fifteen minutes.\n"
)

MANIFEST = """\
apiVersion: mlprodlint/v1
kind: Model
metadata: {name: demo, lifecycle: production}
governance:
  model_card: docs/card.md
  datasheet: ../outside.md
  lineage: /etc/passwd
  rollback_plan: docs/runbook.md#roll-back
  fairness_review: {report: "https://wiki.example.com/fairness"}
compliance:
  dpia: docs/dpia.md
security:
  threat_model: docs/tm
alerting:
  rules_file: monitoring/missing.yaml
  alerts:
    - {name: A, severity: page, signal: errors, runbook: "docs/runbook.md#high-error-rate"}
    - {name: B, severity: page, signal: errors, runbook: "docs/runbook.md#step-2-1"}
    - {name: C, severity: page, signal: errors, runbook: "docs/runbook.md#nope"}
"""


def _repo(tmp_path: Path) -> Path:
    write(tmp_path / "docs/card.md", "# Card\n\n## Intended use\n\nTODO\n\n## Data\n\nTBD: describe the data\n")
    write(tmp_path / "docs/runbook.md", f"# Runbook\n\n## High error rate\n\n{PROSE}\n## Step 2\n\n## Step 2\n")
    (tmp_path / "docs/tm").mkdir(parents=True)
    secret = tmp_path.parent / f"{tmp_path.name}-secret.md"
    secret.write_text("# outside\n", encoding="utf-8")
    os.symlink(secret, tmp_path / "docs/dpia.md")
    return write(tmp_path / "mlprodlint.yaml", MANIFEST)


def _found(result) -> set[tuple[str, str, int]]:
    return {(f["rule_id"], f["path"], f["line"]) for f in result.json()["findings"]}


def test_every_kind_of_broken_reference_is_reported_at_its_line(tmp_path: Path) -> None:
    manifest = _repo(tmp_path)
    result = lint_json(manifest, "--select", "GOV040,GOV041,CMP040,SEC040,ALR040,ALR041", cwd=tmp_path)
    assert result.exit_code == 1, result.stderr
    assert _found(result) == {
        ("GOV041", "mlprodlint.yaml", 5),  # template card
        ("GOV040", "mlprodlint.yaml", 6),  # ../ leaves the repo
        ("GOV040", "mlprodlint.yaml", 7),  # absolute path
        ("GOV040", "mlprodlint.yaml", 8),  # anchor without heading
        ("CMP040", "mlprodlint.yaml", 11),  # symlink pointing outside
        ("SEC040", "mlprodlint.yaml", 13),  # a folder, not a file
        ("ALR040", "mlprodlint.yaml", 15),  # rules file missing
        ("ALR040", "mlprodlint.yaml", 19),  # runbook anchor missing
        ("ALR041", "mlprodlint.yaml", 18),  # runbook section #step-2-1 is a heading with no text
    }
    messages = {f["line"]: f["message"] for f in result.json()["findings"]}
    assert "leaves the repository; it was not read" in messages[6]
    assert "is an absolute path" in messages[7]
    assert "has no heading for #roll-back (anchors: #runbook, #high-error-rate, #step-2, #step-2-1)" in messages[8]
    assert "symlink that leaves the repository" in messages[11]
    assert "0 words of prose" in messages[5]


def test_outside_targets_are_never_read(tmp_path: Path) -> None:
    manifest = _repo(tmp_path)
    # A file outside with lorem ipsum would make GOV041 fire if it were read.
    (tmp_path.parent / f"{tmp_path.name}-secret.md").write_text("lorem ipsum\n", encoding="utf-8")
    result = lint_json(manifest, "--select", "CMP041", cwd=tmp_path)
    assert result.exit_code == 0
    assert result.json()["findings"] == []


def test_complete_evidence_passes(tmp_path: Path) -> None:
    for name in ("card", "datasheet", "dpia", "tm"):
        write(tmp_path / f"docs/{name}.md", f"# {name}\n\n## Roll back\n\n{PROSE}")
    manifest = write(
        tmp_path / "mlprodlint.yaml",
        """\
        apiVersion: mlprodlint/v1
        kind: Model
        metadata: {name: demo, lifecycle: production}
        governance:
          model_card: ./docs/card.md
          datasheet: docs/../docs/datasheet.md
          rollback_plan: "docs/card.md#roll-back"
          lineage: https://wiki.example.com/lineage#top
        compliance: {dpia: docs/dpia.md}
        security: {threat_model: docs/tm.md}
        """,
    )
    result = lint_json(manifest, "--select", "GOV040,GOV041,CMP040,CMP041,SEC040,SEC041", cwd=tmp_path)
    assert result.exit_code == 0, result.stdout
    assert result.json()["findings"] == []


def test_lorem_ipsum_runbook_is_a_template(tmp_path: Path) -> None:
    write(tmp_path / "docs/runbook.md", "# Runbook\n\nLorem ipsum dolor sit amet. " + PROSE)
    manifest = write(
        tmp_path / "mlprodlint.yaml",
        """\
        apiVersion: mlprodlint/v1
        kind: Model
        metadata: {name: demo, lifecycle: production}
        alerting:
          alerts:
            - name: A
              severity: ticket
              signal: errors
              runbook: docs/runbook.md
        """,
    )
    result = lint_json(manifest, "--select", "ALR041", cwd=tmp_path)
    assert {(f["rule_id"], f["line"]) for f in result.json()["findings"]} == {("ALR041", 9)}
    assert "lorem ipsum" in result.json()["findings"][0]["message"]


@pytest.mark.parametrize(
    ("heading", "slug"),
    [
        ("High error rate", "high-error-rate"),
        ("The `foo()` call: why?", "the-foo-call-why"),
        ("[Rollback](http://x) plan", "rollback-plan"),
        ("Überprüfung & Freigabe", "überprüfung--freigabe"),
        ("  snake_case stays  ", "snake_case-stays"),
        ("Step 2.1 — retry", "step-21--retry"),
    ],
)
def test_github_slug_rules(heading: str, slug: str) -> None:
    assert github_slug(heading) == slug


def test_anchors_skip_code_fences_and_number_duplicates() -> None:
    text = (
        "---\ntitle: x\n---\n# Top #\n\n```bash\n# not a heading\n```\n\nSetext\n======\n\n"
        "## Top\n<a name=\"custom\"></a>\n### Extra {#explicit}\n"
    )
    assert anchors(text) == ["top", "setext", "top-1", "custom", "explicit", "extra"]


def test_prose_words_ignores_headings_placeholders_and_comments() -> None:
    text = "# Title\n<!-- a long comment with many words inside it -->\nTODO write this\n| a | b |\n|---|---|\nOwner: <team name>\nReal words here.\n"
    # "a", "b" (table header) + "Owner" + "Real words here" -> 6
    assert prose_words(text) == 6


def test_front_matter_split() -> None:
    front = split_front_matter("---\nlicense: mit\n---\n# Body\n")
    assert front is not None and front.text == "license: mit\n" and front.body_first_line == 4
    assert split_front_matter("# no front matter\n") is None
    assert split_front_matter("---\nunterminated: true\n") is None


@pytest.mark.parametrize(
    ("line", "placeholder"),
    [
        ("TODO", True),
        ("TBD: describe the data", True),
        ("More information needed", True),
        ("[More Information Needed]", True),
        ("- TODO: write the intended use section once product signs off", True),
        ("Owner: <team name>", True),
        ("lorem ipsum dolor sit amet", True),
        ("The placeholder values are replaced at deploy time.", False),
        ("We use TODO comments sparingly in this codebase to track debt.", False),
        ("<https://grafana.acme.com/d/fraud>", False),
        ("| metric | value |", False),
    ],
)
def test_placeholder_lines(line: str, placeholder: bool) -> None:
    from mlprodlint.checks.evidence_markdown import is_placeholder

    assert is_placeholder(line) is placeholder
