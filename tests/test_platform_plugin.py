"""The example plugin package, installed for real into a throw-away venv, and broken plugins.

The venv sees this environment's packages (mlprodlint itself, hatchling to build offline) through
a .pth file, and gets the plugins pip-installed into its own site-packages, so entry points are
discovered exactly as for a user who ran `pip install mlprodlint-acme`.
"""

from __future__ import annotations

import json
import shutil
import site
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, TODAY, write

PLUGIN = EXAMPLES / "plugin-package"

BROKEN_PYPROJECT = """
[build-system]
requires = ["hatchling>=1.21"]
build-backend = "hatchling.build"

[project]
name = "mlprodlint-broken"
version = "0.0.1"

[project.entry-points."mlprodlint.checks"]
"broken.check" = "mlprodlint_broken:CHECK"

[project.entry-points."mlprodlint.rule_packs"]
broken-pack = "mlprodlint_broken_missing.rules"

[tool.hatch.build.targets.wheel]
packages = ["mlprodlint_broken"]
"""


class Venv:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.python = root / "bin" / "python"

    def run(self, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.python), "-m", "mlprodlint", *args],
            cwd=cwd, capture_output=True, text=True, timeout=120,
        )

    def purelib(self) -> Path:
        out = subprocess.run(
            [str(self.python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True, text=True, check=True,
        )
        return Path(out.stdout.strip())


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Venv:
    root = tmp_path_factory.mktemp("plugin-venv")
    env = Venv(root / "venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env.root)], check=True)
    parents = [p for p in site.getsitepackages() if Path(p).is_dir()] or [sysconfig.get_paths()["purelib"]]
    (env.purelib() / "_parent_env.pth").write_text(
        "import site; " + "; ".join(f"site.addsitedir({p!r})" for p in parents) + "\n", encoding="utf-8"
    )
    broken = root / "broken"
    write(broken / "pyproject.toml", BROKEN_PYPROJECT)
    write(broken / "mlprodlint_broken" / "__init__.py", 'raise RuntimeError("acme plugin misconfigured")\n')
    for package in (PLUGIN, broken):
        subprocess.run(
            [str(env.python), "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--no-index", str(package)],
            check=True, capture_output=True, text=True, timeout=300,
        )
    return env


def _service(tmp_path: Path, config: str = 'packs = ["acme-policy"]\n') -> Path:
    shutil.copytree(EXAMPLES / "fraud-scoring", tmp_path / "svc")
    write(tmp_path / ".mlprodlint.toml", config)
    return tmp_path


def _findings(out: subprocess.CompletedProcess[str]) -> list[tuple[str, str, int, str]]:
    document: dict[str, Any] = json.loads(out.stdout)
    return [(f["rule_id"], f["path"], f["line"], f["message"]) for f in document["findings"]]


def test_installed_plugin_check_and_pack_run_on_a_manifest(venv: Venv, tmp_path: Path) -> None:
    _service(tmp_path)
    clean = venv.run("check", "svc", "--select", "ACME", "--format", "json", "--today", TODAY, cwd=tmp_path)
    assert (clean.returncode, _findings(clean)) == (0, []), clean.stderr
    assert {"name": "acme-policy", "version": "1.0.0"} in json.loads(clean.stdout)["rule_packs"]

    manifest = tmp_path / "svc" / "mlprodlint.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace("https://grafana.acme.com/d/fraud-scoring-model/", "https://grafana.example.net/d/m/"), encoding="utf-8")
    dirty = venv.run("check", "svc", "--select", "ACME", "--format", "json", "--today", TODAY, cwd=tmp_path)
    assert dirty.returncode == 1, dirty.stderr
    assert _findings(dirty) == [
        ("ACME001", "svc/mlprodlint.yaml", 35,
         "Dashboard outside Acme's Grafana: monitoring.dashboards[1] is on grafana.example.net, not on grafana.acme.com"),
    ]


def test_installed_pack_overrides_builtin_severity_and_documents_itself(venv: Venv, tmp_path: Path) -> None:
    _service(tmp_path)
    listed = venv.run("rules", "--format", "json", "--area", "ownership", "--area", "monitoring", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    rules = {r["id"]: r for r in json.loads(listed.stdout)["rules"]}
    assert rules["OWN003"]["severity"] == "error"  # override shipped in the package
    assert (rules["ACME001"]["pack"], rules["ACME001"]["check"]) == ("acme-policy", "acme.allowed_hosts")
    explained = venv.run("explain", "acme001", cwd=tmp_path)
    assert explained.returncode == 0
    assert "Check function: `acme.allowed_hosts` (URLs at a field are served by approved hosts.)" in explained.stdout
    assert "- monitor-7: Prediction quality has not regressed" in explained.stdout


def test_installed_pack_folder_validates(venv: Venv, tmp_path: Path) -> None:
    folder = venv.purelib() / "mlprodlint_acme" / "rules"
    result = venv.run("rules", "validate", str(folder), cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, f"{folder.as_posix()}: valid (1 pack file(s), 1 rule(s))\n")


def test_a_folder_pack_can_extend_an_installed_pack_by_name(venv: Venv, tmp_path: Path) -> None:
    _service(tmp_path, 'rules_dirs = ["team"]\n')  # no `packs`: `extends` pulls acme-policy in
    write(tmp_path / "team" / "team.yaml", """
        pack: {name: team-relaxed, version: 0.1.0, extends: acme-policy}
        rules: []
        overrides: [{id: ACME001, severity: warning}]
    """)
    listed = venv.run("rules", "--format", "json", "--area", "monitoring", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    rules = {r["id"]: r for r in json.loads(listed.stdout)["rules"]}
    assert rules["ACME001"]["severity"] == "warning"


def test_broken_check_plugin_is_a_clear_error_naming_it(venv: Venv, tmp_path: Path) -> None:
    _service(tmp_path, 'rules_dirs = ["uses-broken"]\n')
    write(tmp_path / "uses-broken" / "p.yaml", """
        pack: {name: uses-broken, version: 0.1.0}
        rules:
          - id: BRK001
            name: uses-broken
            title: t
            area: custom
            severity: error
            check: {function: broken.check}
            message: m
            rationale: r
            fix: f
    """)
    result = venv.run("check", "svc", "--today", TODAY, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == (
        "mlprodlint: error: check plugin 'broken.check' (mlprodlint_broken:CHECK, from mlprodlint-broken 0.0.1) "
        "failed to load: RuntimeError: acme plugin misconfigured\n"
    )


def test_broken_pack_entry_point_is_a_clear_error_naming_it(venv: Venv, tmp_path: Path) -> None:
    _service(tmp_path, 'packs = ["broken-pack"]\n')
    result = venv.run("check", "svc", "--today", TODAY, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == (
        "mlprodlint: error: rule pack 'broken-pack' (mlprodlint_broken_missing.rules, from mlprodlint-broken 0.0.1) "
        "failed to load: ModuleNotFoundError: No module named 'mlprodlint_broken_missing'\n"
    )


def test_unused_broken_plugin_costs_nothing(venv: Venv, tmp_path: Path) -> None:
    # The broken plugin is installed in this venv too: runs whose rules do not name it are unaffected.
    _service(tmp_path)
    result = venv.run("check", "svc", "--select", "OWN00", "--today", TODAY, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_upgraded_check_plugin_is_not_served_stale_cached_results(
    venv: Venv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The cache key covers mlprodlint's own code, not a plugin's: results of rules whose check
    # comes from another distribution must not be reused after that distribution changes.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    _service(tmp_path)
    args = ("check", "svc", "--select", "ACME", "--format", "json", "--today", TODAY)
    assert _findings(venv.run(*args, cwd=tmp_path)) == []
    installed = venv.purelib() / "mlprodlint_acme" / "checks.py"
    original = installed.read_text(encoding="utf-8")
    try:  # "pip install -U": version 2 of the plugin refuses every host
        installed.write_text(original.replace("if not any(host == allowed", "if True or not any(host == allowed"), encoding="utf-8")
        upgraded = venv.run(*args, cwd=tmp_path)
        assert upgraded.returncode == 1, upgraded.stderr
        assert _findings(upgraded) == _findings(venv.run(*args, "--no-cache", cwd=tmp_path)) != []
    finally:
        installed.write_text(original, encoding="utf-8")
