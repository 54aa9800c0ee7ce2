"""Issue 4.5: the model card's metadata declares license/datasets/metrics and backs the monitoring."""

from __future__ import annotations

from pathlib import Path

from conftest import lint_json, write

MANIFEST = """\
apiVersion: mlprodlint/v1
kind: Model
metadata: {name: demo, lifecycle: production}
monitoring:
  model_metrics:
    - roc_auc
    - recall_at_1pct_fpr
    - lift
governance:
  model_card: docs/card.md
"""


def _found(result) -> set[tuple[str, str, int]]:
    return {(f["rule_id"], f["path"], f["line"]) for f in result.json()["findings"]}


def test_incomplete_metadata_and_unmentioned_metrics(tmp_path: Path) -> None:
    manifest = write(tmp_path / "mlprodlint.yaml", MANIFEST)
    write(
        tmp_path / "docs/card.md",
        """\
        ---
        license: mit
        model-index:
          - name: demo
            results:
              - metrics:
                  - {type: roc_auc, value: 0.9}
        ---
        # Demo

        Lift-curves are shown below; recall_at_1pct_fpr is 0.6.
        """,
    )
    result = lint_json(manifest, "--select", "GOV043,GOV044", cwd=tmp_path)
    assert _found(result) == {("GOV043", "docs/card.md", 1), ("GOV044", "mlprodlint.yaml", 8)}
    messages = {f["rule_id"]: f["message"] for f in result.json()["findings"]}
    assert messages["GOV043"].endswith("docs/card.md metadata does not declare datasets")
    assert messages["GOV044"].endswith("lift is monitored but never mentioned in docs/card.md")


def test_complete_card_passes(tmp_path: Path) -> None:
    manifest = write(tmp_path / "mlprodlint.yaml", MANIFEST)
    write(
        tmp_path / "docs/card.md",
        "---\nlicense: other\ndatasets: acme/tx\nmetrics: [roc_auc, recall_at_1pct_fpr, Lift]\n---\n# Demo\n",
    )
    result = lint_json(manifest, "--select", "GOV043,GOV044", cwd=tmp_path)
    assert result.json()["findings"] == []


def test_readme_front_matter_is_the_card_when_none_is_referenced(tmp_path: Path) -> None:
    manifest = write(tmp_path / "mlprodlint.yaml", MANIFEST.replace("governance:\n  model_card: docs/card.md\n", ""))
    write(tmp_path / "README.md", "---\ntags: [x]\nmetrics: [roc_auc]\n---\n# Demo\n")
    result = lint_json(manifest, "--select", "GOV043,GOV044", cwd=tmp_path)
    assert _found(result) == {
        ("GOV043", "README.md", 1),
        ("GOV044", "mlprodlint.yaml", 7),
        ("GOV044", "mlprodlint.yaml", 8),
    }
    assert "does not declare license, datasets" in result.json()["findings"][0]["message"]


def test_readme_without_front_matter_is_not_a_card(tmp_path: Path) -> None:
    manifest = write(tmp_path / "mlprodlint.yaml", MANIFEST.replace("governance:\n  model_card: docs/card.md\n", ""))
    write(tmp_path / "README.md", "# Just a readme\n")
    assert lint_json(manifest, "--select", "GOV043,GOV044", cwd=tmp_path).json()["findings"] == []


def test_broken_front_matter_is_located_in_the_card(tmp_path: Path) -> None:
    manifest = write(tmp_path / "mlprodlint.yaml", MANIFEST)
    write(tmp_path / "docs/card.md", "---\nlicense: mit\ndatasets: [unclosed\n---\n# Demo\n")
    result = lint_json(manifest, "--select", "GOV043", cwd=tmp_path)
    assert _found(result) == {("GOV043", "docs/card.md", 4)}
    assert "YAML syntax error" in result.json()["findings"][0]["message"]
