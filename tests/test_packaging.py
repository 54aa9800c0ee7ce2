"""The wheel carries the built-in rule packs and schemas (mapped from the top of the repo)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import REPO_ROOT


def test_wheel_ships_rules_schemas_and_templates(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(REPO_ROOT)],
        check=True, capture_output=True, text=True, timeout=300,
    )
    wheel = next(tmp_path.glob("mlprodlint-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for pack in sorted(p.name for p in (REPO_ROOT / "rules").glob("*.yaml")):
        assert f"mlprodlint/_bundled/rules/{pack}" in names
    for schema in sorted(p.name for p in (REPO_ROOT / "schemas").glob("*.json")):
        assert f"mlprodlint/_bundled/schemas/{schema}" in names
    assert "mlprodlint/cli/main.py" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "mlprodlint = mlprodlint.cli.main:entry" in zipfile.ZipFile(wheel).read(entry_points).decode()
