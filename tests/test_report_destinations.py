"""Where reports go: never over a file the run reads, straight into streams, through symlinks."""

from __future__ import annotations

import json
import os
import shutil
import stat
import threading
from pathlib import Path

import pytest

from conftest import EXAMPLES, TODAY, run_cli, write


def _service(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    shutil.copytree(EXAMPLES / "churn-batch", tmp_path / "svc")
    return tmp_path / "svc" / "mlprodlint.yaml"


@pytest.mark.parametrize("option", ["-o", "--output-format=json:"])
def test_a_report_never_replaces_a_linted_manifest(tmp_path: Path, option: str) -> None:
    manifest = _service(tmp_path)
    before = manifest.read_bytes()
    target = "svc/mlprodlint.yaml"
    args = [option, target] if option == "-o" else [option + target]
    result = run_cli(["check", ".", "--today", TODAY, "--no-cache", *args], cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stderr == (
        "mlprodlint: error: svc/mlprodlint.yaml: refusing to write a report over a file this run "
        "reads; choose another output file\n"
    )
    assert result.stdout == ""
    assert manifest.read_bytes() == before


def test_a_report_never_replaces_its_own_template(tmp_path: Path) -> None:
    _service(tmp_path)
    template = write(tmp_path / "summary.md.j2", "{{ report.summary.findings }}\n")
    result = run_cli(["check", ".", "--today", TODAY, "--no-cache", "--template", "summary.md.j2",
                      "-o", "summary.md.j2"], cwd=tmp_path)
    assert result.exit_code == 2
    assert "summary.md.j2: refusing to write a report over a file this run reads" in result.stderr
    assert template.read_text() == "{{ report.summary.findings }}\n"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_report_into_a_pipe_is_written_through_it_and_the_pipe_stays(tmp_path: Path) -> None:
    # /dev/stdout, /dev/null and a shell's >(...) are such streams: an atomic rename over them
    # would replace the device node itself.
    _service(tmp_path)
    fifo = tmp_path / "report.pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = run_cli(["check", ".", "--today", TODAY, "--no-cache", "--output-format", f"json:{fifo}"],
                     cwd=tmp_path)
    reader.join(timeout=30)
    assert result.exit_code == 1, result.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    report = json.loads(received[0])
    assert report["summary"]["findings"] == 15
    assert [m["path"] for m in report["manifests"]] == ["svc/mlprodlint.yaml"]


def test_a_report_through_a_symlink_updates_the_target_and_keeps_the_link(tmp_path: Path) -> None:
    _service(tmp_path)
    (tmp_path / "reports").mkdir()
    link = tmp_path / "latest.json"
    link.symlink_to("reports/run.json")
    result = run_cli(["check", ".", "--today", TODAY, "--no-cache", "--format", "json", "-o", "latest.json"],
                     cwd=tmp_path)
    assert result.exit_code == 1, result.stderr
    assert link.is_symlink() and os.readlink(link) == "reports/run.json"
    assert json.loads((tmp_path / "reports" / "run.json").read_text())["summary"]["findings"] == 15


def test_an_output_path_that_is_a_symlink_loop_is_no_internal_error(tmp_path: Path) -> None:
    _service(tmp_path)
    (tmp_path / "loop.json").symlink_to("loop.json")
    result = run_cli(["check", ".", "--today", TODAY, "--no-cache", "--format", "json", "-o", "loop.json"],
                     cwd=tmp_path)
    assert result.exit_code == 1, result.stderr
    assert json.loads((tmp_path / "loop.json").read_text())["summary"]["findings"] == 15
