"""Bad input never ends in exit 3 (internal error): each has a defined exit and a message."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, TODAY, run_cli, write

_PATHISH = re.compile(r"^[\w.-]+/[\w./#-]*$|^[\w-]+\.(md|yaml|yml|json|txt)(#.*)?$")


def _replace_paths(value: Any, bad: str) -> Any:
    if isinstance(value, dict):
        return {k: v if k == "apiVersion" else _replace_paths(v, bad) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_paths(v, bad) for v in value]
    if isinstance(value, str) and "://" not in value and _PATHISH.match(value):
        return value.replace("/", f"/{bad}/", 1) if "/" in value else f"{bad}/{value}"
    return value


@pytest.mark.parametrize("bad", ["nul\x00byte", "x" * 300, "é" * 200, "/".join(["d" * 250] * 20)])
def test_invalid_names_in_every_referenced_path_are_findings_not_crashes(tmp_path: Path, bad: str) -> None:
    from ruamel.yaml import YAML

    shutil.copytree(EXAMPLES / "fraud-scoring", tmp_path / "svc")
    manifest = tmp_path / "svc" / "mlprodlint.yaml"
    yaml = YAML(typ="safe", pure=True)
    data = _replace_paths(yaml.load(manifest.read_text(encoding="utf-8")), bad)
    manifest.write_text(json.dumps(data, default=str), encoding="utf-8")  # JSON is YAML; \u0000 survives
    for fmt in ("json", "text"):
        result = run_cli(["check", "svc", "--format", fmt, "--today", TODAY, "--no-cache"], cwd=tmp_path)
        assert result.exit_code == 1, result.stderr
        assert result.stderr == ""
    found = run_cli(["check", "svc", "--format", "json", "--today", TODAY, "--no-cache"], cwd=tmp_path).json()
    assert any("is not a valid path" in f["message"] or "does not exist" in f["message"] for f in found["findings"])


def _svc(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLES / "fraud-scoring", tmp_path / "svc")
    return tmp_path


SCRIPT = str(Path(__import__("sys").executable).parent / "mlprodlint")


def _installed(args: list[str], cwd: Path, **kwargs: Any) -> "subprocess.CompletedProcess[str]":
    import subprocess

    return subprocess.run([SCRIPT, *args], cwd=cwd, text=True, timeout=60, **kwargs)


def test_a_deeply_nested_baseline_is_exit_2_at_its_line(tmp_path: Path) -> None:
    write(tmp_path / "base.json", '{\n  "version": 1,\n  "findings": ' + "[" * 100_000 + "\n")
    result = run_cli(["check", str(EXAMPLES / "fraud-scoring"), "--baseline", "base.json", "--today", TODAY], cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stderr == "mlprodlint: error: base.json:3:46: baseline is nested more than 32 levels deep\n"


def test_stdout_on_a_full_device_is_exit_2_with_one_line(tmp_path: Path) -> None:
    import subprocess

    with open("/dev/full", "w") as full:
        result = _installed(["check", "svc", "--today", TODAY], _svc(tmp_path), stdout=full, stderr=subprocess.PIPE)
    assert result.returncode == 2
    assert result.stderr == "mlprodlint: error: cannot write the report to standard output: No space left on device\n"


def test_closed_stdout_is_exit_2_with_one_line(tmp_path: Path) -> None:
    import subprocess

    for command in (["check", "svc", "--today", TODAY], ["rules"]):
        result = _installed(command, _svc(tmp_path) if command[0] == "check" else tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            preexec_fn=lambda: __import__("os").close(1))
        assert result.returncode == 2, result.stderr
        assert result.stderr == "mlprodlint: error: cannot write the report: standard output is closed\n"
        shutil.rmtree(tmp_path / "svc", ignore_errors=True)


def test_a_deleted_working_directory_is_exit_2(tmp_path: Path) -> None:
    import subprocess

    gone = tmp_path / "gone"
    gone.mkdir()
    result = _installed(["check", str(EXAMPLES / "fraud-scoring"), "--today", TODAY], gone,
                        capture_output=True, preexec_fn=lambda: __import__("os").rmdir(gone))
    assert result.returncode == 2
    assert result.stderr == (
        "mlprodlint: error: the working directory no longer exists; run mlprodlint from a folder that does\n"
    )


@pytest.mark.parametrize("target", ["svc/mlprodlint.yaml", ".mlprodlint.toml", "base.json", "pack/p.yaml"])
def test_no_output_may_replace_an_input(tmp_path: Path, target: str) -> None:
    _svc(tmp_path)
    write(tmp_path / ".mlprodlint.toml", 'rules_dirs = ["pack"]\n')
    write(tmp_path / "pack" / "p.yaml", "pack: {name: team, version: 0.1.0, extends: builtin}\nrules: []\n")
    assert run_cli(["check", "svc", "--write-baseline", "base.json", "--today", TODAY], cwd=tmp_path).exit_code == 0
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    for args in (["--write-baseline", target], ["-o", target], ["--output-format", f"json:{target}"]):
        if args[0] == "--write-baseline" and target == "base.json":
            continue  # rewriting the baseline itself is what --write-baseline is for
        extra = [] if args[0] == "--write-baseline" else ["--baseline", "base.json"]
        result = run_cli(["check", "svc", *args, *extra, "--today", TODAY], cwd=tmp_path)
        assert result.exit_code == 2, (args, result.stderr)
        assert "refusing to write a" in result.stderr and "over a file this run reads" in result.stderr
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


def test_a_self_extending_pack_is_a_pack_error_at_its_line(tmp_path: Path) -> None:
    write(tmp_path / "pack" / "p.yaml", "pack:\n  name: team\n  version: 0.1.0\n  extends: team\nrules: []\n")
    validated = run_cli(["rules", "validate", "pack"], cwd=tmp_path)
    assert (validated.exit_code, validated.stdout) == (
        1, "pack/p.yaml:4:3: pack team extends itself; name the pack it builds on\n1 problem(s) in pack\n")
    run = run_cli(["check", str(EXAMPLES / "fraud-scoring"), "--rules-dir", "pack", "--today", TODAY], cwd=tmp_path)
    assert run.exit_code == 2
    assert run.stderr == (
        "mlprodlint: error: broken rule pack:\n  pack/p.yaml:4:3: pack team extends itself; name the pack it builds on\n"
    )
