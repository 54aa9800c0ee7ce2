"""The HTML readiness report: self-contained, escaped, reproducible, and checked in a real
headless Chromium for what a reader actually sees."""

from __future__ import annotations

import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import EXAMPLES, REPO_ROOT, TODAY, run_cli
from test_report_formats import SELECT, hostile_repo

CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
)


class _Page(HTMLParser):
    """What matters to a reader and to an attacker: visible text, links, scripts, elements by id."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.hrefs: list[str] = []
        self.tags: list[str] = []
        self.ids: list[str] = []
        self.srcs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        values = dict(attrs)
        if tag == "a" and values.get("href") is not None:
            self.hrefs.append(values["href"] or "")
        if values.get("id"):
            self.ids.append(values["id"] or "")
        if values.get("src") is not None:
            self.srcs.append(values["src"] or "")

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    @property
    def visible(self) -> str:
        return " ".join(" ".join(self.text).split())


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is required in CI for the HTML report test (.ci/run installs it)")
        pytest.skip("chromium is not installed (apt-get install chromium); CI runs this test")
    return found


def browse(html_file: Path, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / "chromium-profile"
    return subprocess.run(
        [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *extra, html_file.as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )


def write_report(tmp_path: Path, *extra: str) -> Path:
    hostile_repo(tmp_path)
    result = run_cli(["report", "svc", "-o", "report.html", *SELECT, *extra], cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    return tmp_path / "report.html"


def test_reader_sees_the_verdict_and_hostile_text_stays_text_in_chromium(tmp_path: Path) -> None:
    report = write_report(tmp_path)
    dumped = browse(report, tmp_path, "--dump-dom")
    assert dumped.returncode == 0, dumped.stderr
    page = parse(dumped.stdout)
    # What the review board reads.
    assert "Production-readiness review" in page.visible
    assert "Ready with waivers" in page.visible
    assert "score 75 / 100" in page.visible
    assert "On-call rotation | being set up by SRE this quarter." in page.visible
    assert "approved by cto@acme.example, expires 2027-01-31" in page.visible
    assert "svc/mlprodlint.yaml:9:1 No business owner: ownership.business_owner is missing" in page.visible
    # The manifest's script is shown as text, and it did not run (it would have added #pwned).
    assert "<script>document.body.appendChild(document.createElement('aside')).id = 'pwned'</script>" in page.visible
    assert "pwned" not in page.ids and "aside" not in page.tags and "script" not in page.tags
    assert "<img src=x onerror=alert(1)>|team" in page.visible
    assert "img" not in page.tags and page.srcs == []
    # A javascript: URL is shown, never linked; only in-page anchors remain.
    assert "javascript:alert(document.domain)" in page.visible
    assert all(href.startswith("#") for href in page.hrefs), page.hrefs


def test_screenshot_renders(tmp_path: Path) -> None:
    report = write_report(tmp_path)
    shot = tmp_path / "report.png"
    done = browse(report, tmp_path, f"--screenshot={shot}", "--window-size=1200,1600", "--hide-scrollbars")
    assert done.returncode == 0, done.stderr
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000  # a blank page compresses to a few kB


def test_html_is_self_contained_and_escaped(tmp_path: Path) -> None:
    html = write_report(tmp_path).read_text(encoding="utf-8")
    page = parse(html)
    assert {"script", "link", "iframe", "img", "object", "embed"}.isdisjoint(page.tags)
    assert "@import" not in html and "url(" not in html
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert 'href="javascript' not in html
    # Every rule outcome is there, grouped by area, with its status.
    assert "RPT002 An on-call rotation is declared" in page.visible
    assert "Fail RPT003" in page.visible and "Waived RPT002" in page.visible
    assert "N/A RPT004" in page.visible and "Pass RPT001" in page.visible


def test_http_repository_is_a_link(tmp_path: Path) -> None:
    hostile_repo(tmp_path)
    manifest = tmp_path / "svc" / "mlprodlint.yaml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace("javascript:alert(document.domain)", "https://git.example/pricing?a=1&b=2"),
        encoding="utf-8",
    )
    assert run_cli(["report", "svc", "-o", "r.html", *SELECT], cwd=tmp_path).exit_code == 0
    page = parse((tmp_path / "r.html").read_text(encoding="utf-8"))
    assert "https://git.example/pricing?a=1&b=2" in page.hrefs


def test_ml_test_score_view_lists_all_28_tests(tmp_path: Path) -> None:
    page = parse(write_report(tmp_path).read_text(encoding="utf-8"))
    assert "meets 1 of 28 tests" in page.visible
    for test_id in ("data-1", "model-7", "infra-7", "monitor-1", "monitor-7"):
        assert test_id in page.visible
    assert "✓ infra-7 Serving models can be rolled back (RPT001)" in page.visible
    # waived is not met: the evidence is the accepted exception, not a passing rule
    assert "✗ monitor-7 Prediction quality has not regressed (not met: waived) (RPT002)" in page.visible


def test_report_is_reproducible_with_source_date_epoch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    first = write_report(tmp_path).read_bytes()
    second = write_report(tmp_path).read_bytes()
    assert first == second
    page = parse(first.decode("utf-8"))
    assert "2023-11-14T22:13:20Z (SOURCE_DATE_EPOCH)" in page.visible
    assert "not a git repository" in page.visible


def test_bad_source_date_epoch_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    hostile_repo(tmp_path)
    result = run_cli(["report", "svc", "-o", "r.html", *SELECT], cwd=tmp_path)
    assert result.exit_code == 2
    assert "SOURCE_DATE_EPOCH: 'yesterday' is not a number" in result.stderr
    assert not (tmp_path / "r.html").exists()


def test_provenance_names_the_git_commit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    hostile_repo(tmp_path)
    env = {
        **os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_AUTHOR_DATE": "2026-01-02T03:04:05+00:00",
        "GIT_COMMITTER_DATE": "2026-01-02T03:04:05+00:00",
    }
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "init"]):
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, env=env, capture_output=True)
    commit = subprocess.run(["git", "-C", str(tmp_path), "rev-parse", "HEAD"], check=True, capture_output=True, text=True).stdout.strip()
    result = run_cli(["report", "svc", "--format", "markdown", *SELECT], cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert f"commit `{commit}`, committed 2026-01-02T03:04:05+00:00" in result.stdout


def test_portfolio_is_worst_first(tmp_path: Path) -> None:
    result = run_cli(["report", str(EXAMPLES), "--today", TODAY, "-o", str(tmp_path / "p.html")], cwd=REPO_ROOT)
    assert result.exit_code == 0, result.stderr  # a report documents; it does not gate
    page = parse((tmp_path / "p.html").read_text(encoding="utf-8"))
    text = page.visible
    portfolio = text[text.index("Portfolio, worst first"):]
    assert portfolio.index("churn-batch") < portfolio.index("fraud-scoring")
    assert "Not ready" in portfolio


def test_check_format_html_gates_like_check(tmp_path: Path) -> None:
    result = run_cli(["check", str(EXAMPLES), "--today", TODAY, "--format", "html", "-o", str(tmp_path / "c.html")], cwd=REPO_ROOT)
    assert result.exit_code == 1
    assert (tmp_path / "c.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
