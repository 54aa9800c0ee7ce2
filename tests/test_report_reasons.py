"""A reviewer reads the HTML and Markdown report, not JSON: each rule outcome shows why it is not
applicable (`reason`) and what a pass or fail rests on (`examined`), escaped like every value."""

from __future__ import annotations

from markupsafe import escape
from pathlib import Path

from conftest import TODAY, run_cli, write
from test_evidence_reviewer import MODEL, SERVICE_CATALOG
from test_result_model import NO_ALERTS_NO_APPROVALS

EXAMINED = "spec.owner 'group:default/fraud-ml' of Resource fraud-nn (services/fraud/catalog-info.yaml:24)"


def _report(root: Path, target: str, fmt: str, select: str) -> str:
    result = run_cli(["report", target, "--format", fmt, "--today", TODAY, "--select", select], cwd=root)
    assert result.exit_code in (0, 1), result.stderr
    return result.stdout


def _catalog_repo(tmp_path: Path) -> str:
    (tmp_path / ".git").mkdir()
    write(tmp_path / "services/fraud/catalog-info.yaml", SERVICE_CATALOG)
    write(tmp_path / "services/fraud/models/nn/mlprodlint.yaml", MODEL.replace("fraud-gbm", "fraud-nn"))
    return "services/fraud/models/nn"


def test_markdown_shows_what_a_catalog_pass_rests_on(tmp_path: Path) -> None:
    text = _report(tmp_path, _catalog_repo(tmp_path), "markdown", "OWN041")
    line = next(x for x in text.splitlines() if "| OWN041 |" in x)
    assert "Pass" in line or "pass" in line
    assert f"(examined: {EXAMINED})" in line


def test_html_shows_what_a_catalog_pass_rests_on_escaped(tmp_path: Path) -> None:
    page = _report(tmp_path, _catalog_repo(tmp_path), "html", "OWN041")
    # Autoescaped: the quotes around the owner are character references in the source.
    assert f"(examined: {escape(EXAMINED)})" in page
    assert f"(examined: {EXAMINED})" not in page


def test_blocked_rule_shows_its_reason_in_both_reports(tmp_path: Path) -> None:
    write(tmp_path / "svc" / "mlprodlint.yaml", NO_ALERTS_NO_APPROVALS)
    markdown = _report(tmp_path, "svc", "markdown", "ALR001,ALR002")
    line = next(x for x in markdown.splitlines() if "| ALR002 |" in x)
    assert "(blocked by ALR001)" in line
    page = _report(tmp_path, "svc", "html", "ALR001,ALR002")
    row = next(x for x in page.splitlines() if ">ALR002<" in x)
    assert '<span class="muted">(blocked by ALR001)</span>' in row
