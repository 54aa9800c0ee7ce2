"""Ctrl-C while the CLI is still importing its modules: exit 130, one line, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import EXAMPLES, TODAY

# What the `mlprodlint` console script does, with the signal delivered (deterministically) while
# mlprodlint.cli is importing its dependencies, before main()'s own handler exists.
_DRIVER = """
import os, signal, sys
def hook(event, args):
    if event == "import" and args[0] == "mlprodlint.rules":
        os.kill(os.getpid(), signal.SIGINT)
sys.addaudithook(hook)
from mlprodlint.cli.main import entry
sys.argv = ["mlprodlint", "check", sys.argv[1], "--today", sys.argv[2], "--no-cache"]
entry()
"""


@pytest.mark.skipif(os.name != "posix", reason="SIGINT semantics")
def test_sigint_during_startup_imports_exits_130_without_traceback() -> None:
    process = subprocess.run(
        [sys.executable, "-c", _DRIVER, str(EXAMPLES), TODAY],
        capture_output=True, text=True, timeout=60,
    )
    assert process.returncode == 130, process.stderr
    assert process.stderr == "mlprodlint: interrupted\n"
    assert process.stdout == ""
