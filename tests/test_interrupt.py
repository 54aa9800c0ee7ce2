"""Ctrl-C: exit 130, a one-line message, no traceback and no half-written report."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import EXAMPLES, TODAY


@pytest.mark.skipif(os.name != "posix", reason="SIGINT semantics")
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_sigint_exits_130_without_traceback_or_partial_report(tmp_path: Path, jobs: str) -> None:
    (tmp_path / ".git").mkdir()
    for index in range(400):  # ~10 s of work at today's speed, so the signal lands mid-run
        shutil.copytree(EXAMPLES / "fraud-scoring", tmp_path / f"svc{index:03d}")
    process = subprocess.Popen(
        [sys.executable, "-m", "mlprodlint", "check", ".", "--today", TODAY, "--no-cache",
         "--jobs", jobs, "--format", "json", "-o", "report.json"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    time.sleep(2.5)  # well past start-up: the run is linting
    assert process.poll() is None, "the corpus was linted before the signal; make it larger"
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert stderr.strip() == "mlprodlint: interrupted"
    assert stdout == ""
    leftovers = [p.name for p in tmp_path.iterdir() if not p.name.startswith("svc") and p.name != ".git"]
    assert leftovers == []  # no report.json, no temporary file, no cache folder
