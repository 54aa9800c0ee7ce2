"""--template reads nothing outside its own folder and runs in bounded time and output."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import run_cli, write
from test_report_formats import SELECT, hostile_repo

CANARY = "canary-4f1d9e"


def _template(tmp_path: Path, body: str, name: str = "t.j2") -> Path:
    hostile_repo(tmp_path)
    return write(tmp_path / "tpl" / name, body)


def test_installed_cli_refuses_an_include_of_a_symlink_to_the_environment(tmp_path: Path) -> None:
    _template(tmp_path, "first line\n{% include 'leak.txt' %}\n")
    (tmp_path / "tpl" / "leak.txt").symlink_to("/proc/self/environ")
    result = subprocess.run(
        [str(Path(sys.executable).parent / "mlprodlint"), "check", "svc", *SELECT, "--template", "tpl/t.j2"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60, env={**os.environ, "LEAK_ME": CANARY},
    )
    assert result.returncode == 2
    assert CANARY not in result.stdout + result.stderr
    assert result.stdout == ""
    assert result.stderr == (
        f"mlprodlint: error: {tmp_path / 'tpl' / 't.j2'}:2: template error: TemplateNotFound: 'leak.txt' is a "
        "symbolic link; a template may only read regular files in its own folder\n"
    )


@pytest.mark.parametrize("include", ["../outside.txt", "/etc/hostname", "sub/../../outside.txt", "linked/inner.txt"])
def test_includes_outside_the_folder_or_through_a_linked_folder_fail(tmp_path: Path, include: str) -> None:
    _template(tmp_path, f"{{% include '{include}' %}}\n")
    write(tmp_path / "outside.txt", CANARY)
    write(tmp_path / "elsewhere" / "inner.txt", CANARY)
    (tmp_path / "tpl" / "linked").symlink_to(tmp_path / "elsewhere")
    result = run_cli(["check", "svc", *SELECT, "--template", "tpl/t.j2"], cwd=tmp_path)
    assert result.exit_code == 2
    assert CANARY not in result.stdout + result.stderr
    assert "t.j2:1: template error: TemplateNotFound:" in result.stderr


def test_a_symlinked_template_file_is_refused(tmp_path: Path) -> None:
    _template(tmp_path, "x\n")
    (tmp_path / "tpl" / "link.j2").symlink_to(tmp_path / "tpl" / "t.j2")
    result = run_cli(["check", "svc", *SELECT, "--template", "tpl/link.j2"], cwd=tmp_path)
    assert result.exit_code == 2
    assert "link.j2: template file is a symbolic link" in result.stderr


def test_includes_and_macros_in_the_folder_still_work(tmp_path: Path) -> None:
    _template(tmp_path, "{% from 'sub/m.j2' import hi %}{{ hi() }}|{% include 'part.j2' %}")
    write(tmp_path / "tpl" / "sub" / "m.j2", "{% macro hi() %}hello{% endmacro %}")
    write(tmp_path / "tpl" / "part.j2", "{% for i in range(3) %}{{ i }}{% endfor %}")
    result = run_cli(["check", "svc", *SELECT, "--template", "tpl/t.j2"], cwd=tmp_path)
    assert (result.exit_code, result.stdout) == (0, "hello|012")


@pytest.mark.parametrize(("body", "message"), [
    ("a\n{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n",
     "t.j2:2: template error: SecurityError: template loops ran more than 5000000 iterations"),
    ("{% macro m() %}{% for i in range(100000) %}{% endfor %}{% endmacro %}"
     "{% for i in range(100) %}{% include 'other.j2' %}{{ m() }}{% endfor %}",
     "template error: SecurityError: template loops ran more than 5000000 iterations"),
    ("{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}",
     "template error: SecurityError: template output larger than 67108864 characters"),
])
def test_unbounded_templates_stop_with_exit_2(tmp_path: Path, body: str, message: str) -> None:
    _template(tmp_path, body)
    write(tmp_path / "tpl" / "other.j2", "{% for i in range(1000) %}{% endfor %}")
    started = time.monotonic()
    result = run_cli(["check", "svc", *SELECT, "--template", "tpl/t.j2"], cwd=tmp_path)
    assert time.monotonic() - started < 30  # generous: the budgets stop these in a few seconds
    assert result.exit_code == 2
    assert message in result.stderr, result.stderr
