"""--template: user jinja templates, sandboxed, fed plain data; errors name the file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_cli, write
from test_report_formats import SELECT, hostile_repo


def run_template(tmp_path: Path, name: str, body: str, *extra: str):  # type: ignore[no-untyped-def]
    hostile_repo(tmp_path)
    write(tmp_path / name, body)
    return run_cli(["check", "svc", *SELECT, "--template", name, *extra], cwd=tmp_path)


def test_template_renders_plain_data(tmp_path: Path) -> None:
    body = """
    {% for m in report.portfolio %}
    {{ m.path }}: {{ m.verdict }} / {{ m.level }} / {{ m.score }} / ownership {{ m.areas[0].percent }}
    {% for f in m.failures %}{{ f.rule_id }} {{ f.findings[0].location }}{% endfor %}

    {% endfor %}
    tool {{ report.tool.version }}; findings {{ report.summary.findings }}; {{ report.findings | length }} total
    """
    result = run_template(tmp_path, "summary.txt.j2", body)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "\nsvc/mlprodlint.yaml: ready with waivers / bronze / 75 / ownership 75\n"
        "RPT003 svc/mlprodlint.yaml:9:1\n\n\n"
        "tool 0.1.0; findings 1; 2 total\n"
    )


def test_html_templates_autoescape(tmp_path: Path) -> None:
    result = run_template(tmp_path, "mine.html.j2", "<p>{{ report.manifests[0].description }}</p>\n", "-o", "out.html")
    assert result.exit_code == 0, result.stderr
    html = (tmp_path / "out.html").read_text(encoding="utf-8")
    assert html.startswith("<p>&lt;script&gt;document.body")


def test_text_templates_do_not_escape_but_offer_md_filter(tmp_path: Path) -> None:
    result = run_template(tmp_path, "mine.md.j2", "{{ report.manifests[0].team }}|{{ report.manifests[0].team | md }}\n")
    assert result.stdout == "<img src=x onerror=alert(1)>|team|\\<img src=x onerror=alert(1)\\>\\|team\n"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("ok\n{% for m in %}\n", "bad.j2:2: template syntax error: Expected an expression"),
        ("ok\nok\n{{ report.nope }}\n", "bad.j2:3: template error: UndefinedError: 'dict object' has no attribute 'nope'"),
        ("{{ report.manifests.__class__.__mro__ }}\n", "bad.j2:1: template error: SecurityError"),
        ("{{ report.manifests.append(1) }}\n", "bad.j2:1: template error: SecurityError"),
        ("a\nb\n{{ report.summary.manifests / 0 }}\n", "bad.j2:3: template error: ZeroDivisionError"),
        ("{{ 'x' * 10**10 }}\n", "bad.j2:1: template error: SecurityError: repetition too large for a template"),
        ("a\n{{ [1] * report.summary.manifests * 10**9 }}\n", "bad.j2:2: template error: SecurityError: repetition too large"),
        ("{{ 2 ** (report.summary.manifests * 100000) }}\n", "bad.j2:1: template error: SecurityError: power too large for a template"),
    ],
)
def test_template_errors_exit_2_with_file_and_line(tmp_path: Path, body: str, message: str) -> None:
    result = run_template(tmp_path, "bad.j2", body, "-o", "out.txt")
    assert result.exit_code == 2
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out.txt").exists()


def test_missing_template_exit_2(tmp_path: Path) -> None:
    hostile_repo(tmp_path)
    result = run_cli(["check", "svc", *SELECT, "--template", "nope.j2"], cwd=tmp_path)
    assert result.exit_code == 2
    assert "nope.j2: template file does not exist" in result.stderr


def test_report_command_takes_templates_too(tmp_path: Path) -> None:
    hostile_repo(tmp_path)
    write(tmp_path / "t.j2", "{{ report.summary.verdicts['ready with waivers'] }}\n")
    result = run_cli(["report", "svc", *SELECT, "--template", "t.j2"], cwd=tmp_path)
    assert (result.exit_code, result.stdout) == (0, "1\n")
