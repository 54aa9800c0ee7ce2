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


HOSTILE_PYPROJECT = """
[build-system]
requires = ["hatchling>=1.21"]
build-backend = "hatchling.build"

[project]
name = "mlprodlint-hostile"
version = "0.0.1"

[project.entry-points."mlprodlint.checks"]
"hostile.exit_at_import" = "mlprodlint_hostile.exits:CHECK"
"hostile.exit_in_check" = "mlprodlint_hostile.checks:exit_in_check"
"hostile.base_in_check" = "mlprodlint_hostile.checks:base_in_check"
"hostile.error_code_zero" = "mlprodlint_hostile.checks:error_code_zero"

[project.entry-points."mlprodlint.rule_packs"]
hostile-pack = "mlprodlint_hostile.checks:pack_folder"

[tool.hatch.build.targets.wheel]
packages = ["mlprodlint_hostile"]
"""

HOSTILE_CHECKS = """
from mlprodlint.errors import MlprodlintError


class Escape(BaseException):
    pass


class Zero(MlprodlintError):
    exit_code = 0


def exit_in_check(context, **args):
    raise SystemExit(0)


def base_in_check(context, **args):
    yield from ()
    raise Escape("out of here")


def error_code_zero(context, **args):
    raise Zero("all good, honestly")


def pack_folder():
    raise SystemExit(0)
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


@pytest.fixture(scope="session")
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
    hostile = root / "hostile"
    write(hostile / "pyproject.toml", HOSTILE_PYPROJECT)
    write(hostile / "mlprodlint_hostile" / "__init__.py", "")
    write(hostile / "mlprodlint_hostile" / "exits.py", "raise SystemExit(0)\n")
    write(hostile / "mlprodlint_hostile" / "checks.py", HOSTILE_CHECKS)
    subprocess.run(  # one pip run for the three packages: the venv is built once per session
        [str(env.python), "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--no-index",
         str(PLUGIN), str(broken), str(hostile)],
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


def _uses(tmp_path: Path, function: str) -> None:
    _service(tmp_path, 'rules_dirs = ["hostile"]\n')
    write(tmp_path / "hostile" / "p.yaml", f"""
        pack: {{name: uses-hostile, version: 0.1.0}}
        rules:
          - id: HST001
            name: uses-hostile
            title: t
            area: custom
            severity: error
            check: {{function: {function}}}
            message: m
            rationale: r
            fix: f
    """)


HOSTILE = "from mlprodlint-hostile 0.0.1)"


@pytest.mark.parametrize(("function", "value", "raised"), [
    ("hostile.exit_in_check", "mlprodlint_hostile.checks:exit_in_check", "SystemExit: 0"),
    ("hostile.base_in_check", "mlprodlint_hostile.checks:base_in_check", "Escape: out of here"),
    ("hostile.error_code_zero", "mlprodlint_hostile.checks:error_code_zero", "Zero: all good, honestly"),
])
def test_a_plugin_check_raising_anything_is_exit_2_naming_it(
    venv: Venv, tmp_path: Path, function: str, value: str, raised: str
) -> None:
    _uses(tmp_path, function)
    result = venv.run("check", "svc", "--today", TODAY, "--select", "HST", "--no-cache", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"mlprodlint: error: check plugin {function!r} ({value}, {HOSTILE} "
        f"raised {raised} in rule HST001 on svc/mlprodlint.yaml\n"
    )


def test_a_plugin_exiting_in_a_worker_process_neither_hangs_nor_passes(venv: Venv, tmp_path: Path) -> None:
    _uses(tmp_path, "hostile.exit_in_check")
    for name in ("a", "b", "c"):
        shutil.copytree(tmp_path / "svc", tmp_path / "more" / name)
    result = venv.run("check", "svc", "more", "--today", TODAY, "--select", "HST", "--jobs", "2", cwd=tmp_path)
    assert result.returncode == 2
    assert "raised SystemExit: 0 in rule HST001" in result.stderr and "Traceback" not in result.stderr


def test_a_plugin_exiting_at_import_is_exit_2_naming_it(venv: Venv, tmp_path: Path) -> None:
    _uses(tmp_path, "hostile.exit_at_import")
    result = venv.run("check", "svc", "--today", TODAY, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == (
        "mlprodlint: error: check plugin 'hostile.exit_at_import' (mlprodlint_hostile.exits:CHECK, "
        f"{HOSTILE} failed to load: SystemExit: 0\n"
    )
    validated = venv.run("rules", "validate", "hostile", cwd=tmp_path)
    assert validated.returncode in (1, 2) and "SystemExit: 0" in validated.stdout + validated.stderr


def test_a_pack_entry_point_exiting_is_exit_2_naming_it(venv: Venv, tmp_path: Path) -> None:
    _service(tmp_path, 'packs = ["hostile-pack"]\n')
    result = venv.run("check", "svc", "--today", TODAY, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == (
        "mlprodlint: error: rule pack 'hostile-pack' (mlprodlint_hostile.checks:pack_folder, "
        f"{HOSTILE} failed to load: SystemExit: 0\n"
    )
