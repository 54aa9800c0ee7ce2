"""The Markdown readiness report: GitHub-flavoured tables that hostile text cannot break, no raw
HTML, parsed with markdown-it (CommonMark + GFM tables) the way GitHub and GitLab read it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from conftest import run_cli
from test_report_formats import SELECT, hostile_repo

from mlprodlint.report.human import md_code, md_escape, md_spans


def markdown_report(tmp_path: Path) -> str:
    hostile_repo(tmp_path)
    result = run_cli(["report", "svc", "--format", "markdown", *SELECT], cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_markdown_has_no_raw_html_and_tables_keep_their_shape(tmp_path: Path) -> None:
    text = markdown_report(tmp_path)
    parser = MarkdownIt("commonmark", {"html": True}).enable("table")
    tokens = parser.parse(text)

    def walk(items):  # type: ignore[no-untyped-def]
        for token in items:
            yield token
            yield from walk(token.children or [])

    kinds = {t.type for t in walk(tokens)}
    assert "html_inline" not in kinds and "html_block" not in kinds
    # Every table row has as many cells as its header: no `|` or newline broke out of a cell.
    rows: list[int] = []
    for token in tokens:
        if token.type == "tr_open":
            rows.append(0)
        elif token.type in ("th_open", "td_open"):
            rows[-1] += 1
        elif token.type == "table_close":
            assert len(set(rows)) == 1, rows
            rows = []
    html = parser.render(text)
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;document.body.appendChild" in html
    assert "&lt;img src=x onerror=alert(1)&gt;|team" in html
    assert 'href="javascript' not in html


def test_markdown_content(tmp_path: Path) -> None:
    text = markdown_report(tmp_path)
    assert "**⚠️ Ready with waivers** · level **bronze** · score **75** / 100" in text
    assert "| ownership | 75 | 6 / 8 | 1 | 1 | 1 | 0 |" in text
    assert "| sla | n/a | 0 / 0 | 0 | 0 | 0 | 0 |" in text
    assert "| governance | n/a | 0 / 0 | 0 | 0 | 0 | 1 |" in text
    assert "| Repository | `javascript:alert(document.domain)` (not an http(s) link) |" in text
    assert "  - Waived: On-call rotation \\| being set up by SRE this quarter. (approved by cto@acme.example, expires 2027-01-31)" in text
    assert "  - `svc/mlprodlint.yaml:9:1` No business owner: ownership.business\\_owner is missing" in text
    assert "| ✅ | infra-7 | Serving models can be rolled back | RPT001 (pass) |" in text
    assert "| ❌ | monitor-7 | Prediction quality has not regressed (not met: waived) | RPT002 (waived) |" in text
    ml_test_rows = [line for line in text.splitlines() if re.match(r"^\| (✅|❌|–) \| (data|model|infra|monitor)-[1-7] \|", line)]
    assert len(ml_test_rows) == 28


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("a|b", "a\\|b"),
        ("line\nbreak", "line break"),
        ("- item", "\\- item"),
        ("1. first", "1\\. first"),
        ("# heading", "\\# heading"),
        ("[x](javascript:alert(1))", "\\[x\\](javascript:alert(1))"),
        ("<b>bold</b> *em* _u_ `c`", "\\<b\\>bold\\</b\\> \\*em\\* \\_u\\_ \\`c\\`"),
        ("\x00ctl\x07", "ctl"),
        (None, ""),
    ],
)
def test_md_escape(value: object, expected: str) -> None:
    assert md_escape(value) == expected


def test_md_code_and_spans() -> None:
    assert md_code("a`b") == "``a`b``"
    assert md_code("x|y") == "`x\\|y`"
    assert md_spans("Set `a_b` to x_y") == "Set `a_b` to x\\_y"


def test_readme_portfolio_rows_are_what_the_report_says() -> None:
    from conftest import EXAMPLES, REPO_ROOT, TODAY

    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    shown = [line for line in readme.splitlines() if re.match(r"^\| \S+ `examples/", line)]
    assert shown, "README shows portfolio rows of the examples"
    report = run_cli(["report", str(EXAMPLES), "--format", "markdown", "--today", TODAY], cwd=REPO_ROOT)
    assert report.exit_code == 0
    rows = report.stdout.splitlines()
    assert [line for line in shown if line not in rows] == []
