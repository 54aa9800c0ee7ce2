"""The HTML review document at 1 and 30 services: blockers first, services collapsed, passes on
demand without scripts, a print stylesheet that keeps it short; looked at in headless Chromium."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLES, TODAY, run_cli
from test_report_html import browse, parse


def _repo(root: Path, services: int) -> Path:
    """SERVICES copies of churn-batch (10 errors each), plus fraud-scoring (ready) when more than one."""
    (root / ".git").mkdir(parents=True)
    for index in range(services):
        target = root / f"svc{index:02d}"
        shutil.copytree(EXAMPLES / "churn-batch", target)
        manifest = target / "mlprodlint.yaml"
        manifest.write_text(
            manifest.read_text(encoding="utf-8").replace("name: churn-batch", f"name: churn-{index:02d}"), encoding="utf-8"
        )
    if services > 1:
        shutil.copytree(EXAMPLES / "fraud-scoring", root / "zz-fraud")
    return root


def _report(tmp_path: Path, services: int) -> Path:
    repo = _repo(tmp_path / "repo", services)
    out = tmp_path / "review.html"
    result = run_cli(["report", ".", "--today", TODAY, "--no-cache", "-o", str(out)], cwd=repo)
    assert result.exit_code == 0, result.stderr
    return out


def _section(html: str, section_id: str) -> str:
    start = html.index(f'<section id="{section_id}">')
    return html[start : html.index("</section>", start)]


def test_thirty_services_open_with_the_blockers_and_collapse_the_rest(tmp_path: Path) -> None:
    html = _report(tmp_path, 30).read_text(encoding="utf-8")
    page = parse(html)
    assert "script" not in page.tags
    order = [html.index(marker) for marker in ('<section id="summary">', '<section id="blockers">', '<section id="portfolio">', '<details class="manifest"')]
    assert order == sorted(order)
    blockers = _section(html, "blockers")
    assert "300 findings at or above <strong>error</strong> in 30 services" in blockers
    assert blockers.count('<div class="blocker">') == 30
    assert len(re.findall(r'<li><span class="sev-error">error</span>', blockers)) == 300
    top = re.findall(r'<tr><td><span class="mono">([A-Z]+\d+)</span>[^<]*</td><td class="sev-(\w+)">\w+</td><td class="num">(\d+)</td>', blockers)
    assert len(top) == 10 and all(severity == "error" and count == "30" for _, severity, count in top)
    # Fixes of the tabled rules are given once, not 30 times.
    assert blockers.count("Fix: ") == 0
    # 31 services, none open; passes behind their own <details>, still in the document.
    assert html.count('<details class="manifest"') == 31
    assert "<details class=\"manifest\" id=\"m-1\" open>" not in html
    assert html.count('<details class="passes">') >= 31 * 5
    assert "Pass OWN001" in parse(html).visible
    assert "details.manifest:not([open])" in html  # print: closed services stay off paper


def test_a_single_manifest_report_is_open(tmp_path: Path) -> None:
    html = _report(tmp_path, 1).read_text(encoding="utf-8")
    assert '<details class="manifest" id="m-1" open>' in html
    blockers = _section(html, "blockers")
    assert "10 findings at or above <strong>error</strong> in 1 service:" in blockers
    assert blockers.count("Fix: ") == 10  # one service: each finding with its fix


@pytest.mark.parametrize("services", [1, 30])
def test_chromium_screenshot_and_print(tmp_path: Path, services: int) -> None:
    report = _report(tmp_path, services)
    shot = tmp_path / "review.png"
    done = browse(report, tmp_path, f"--screenshot={shot}", "--window-size=1200,1600", "--hide-scrollbars")
    assert done.returncode == 0, done.stderr
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000  # text-dense, not blank
    pdf = tmp_path / "review.pdf"
    printed = browse(report, tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    assert printed.returncode == 0, printed.stderr
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))
    # 30 services printed 244 pages before (every rule of every service); now the blockers and
    # the portfolio (about 19 pages on A4/Letter).
    assert 1 <= pages <= (12 if services == 1 else 30), pages
    dom = parse(browse(report, tmp_path, "--dump-dom").stdout).visible
    assert dom.index("Blockers") < dom.index("Portfolio, worst first") < dom.index("Services in detail")
