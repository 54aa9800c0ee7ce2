"""Hostile input: every bad manifest, config, rule pack or file system oddity gives a finding or a
clear exit-2 error with its location, never a traceback, a hang or executed code.

The corpus lives in tests/hostile/ (one file per case, named for what it is); cases that need a
file system construction (FIFOs, symlinks, huge files) are built in tmp_path.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import TODAY, lint_json, run_cli, write
from mlprodlint.load import yamlsafe

HOSTILE = Path(__file__).resolve().parent / "hostile"

TAG = "is not allowed; tags are never executed"
UNKNOWN_EXTRA = ("MPL002", 7)  # the corpus hangs its tagged values on an unknown key `extra`

# file -> (MPL findings as (rule id, line), a phrase the first of them must contain)
CASES: dict[str, tuple[set[tuple[str, int]], str]] = {
    "billion-laughs.yaml": ({("MPL003", 5)}, "expands to more than 50000 nodes"),
    "merge-key-bomb.yaml": ({("MPL003", 35)}, "expands to more than 50000 nodes"),
    "deep-flow-nesting.yaml": ({("MPL003", 1)}, "nested deeper than 64 levels"),
    "deep-block-nesting.yaml": ({("MPL003", 65)}, "nested deeper than 64 levels"),
    "recursive-alias.yaml": ({("MPL001", 7), UNKNOWN_EXTRA}, "recursive alias"),
    "undefined-alias.yaml": ({("MPL001", 8)}, "undefined alias 'nobody'"),
    "utf16-bom.yaml": ({("MPL001", 1)}, "UTF-16 encoded"),
    "utf16-no-bom.yaml": ({("MPL001", 1)}, "NUL bytes"),
    "invalid-utf8.yaml": ({("MPL001", 7)}, "not valid UTF-8 (byte 0xe9"),
    "control-character.yaml": ({("MPL001", 7)}, "unacceptable character #x0007"),
    "tabs.yaml": ({("MPL001", 8)}, "indent with spaces, not tabs"),
    "duplicate-keys.yaml": ({("MPL001", 9)}, "duplicate key 'team' (first defined at line 8)"),
    "multi-document.yaml": ({("MPL001", 7)}, "more than one YAML document"),
    "top-level-list.yaml": ({("MPL001", 1)}, "must be a mapping of keys, not a list"),
    "top-level-scalar.yaml": ({("MPL001", 1)}, "must be a mapping of keys, not a string"),
    "empty.yaml": ({("MPL001", 1)}, "manifest is empty"),
    "comments-only.yaml": ({("MPL001", 1)}, "manifest is empty"),
    "python-object-tag-on-mapping.yaml": ({("MPL001", 7), UNKNOWN_EXTRA}, "'tag:yaml.org,2002:python/object:os.system' " + TAG),
    "python-apply-tag-on-sequence.yaml": ({("MPL001", 7), UNKNOWN_EXTRA}, "python/object/apply:os.system' " + TAG),
    "python-name-tag.yaml": ({("MPL001", 7), UNKNOWN_EXTRA}, "python/name:os.system' " + TAG),
    "set-tag.yaml": ({("MPL001", 7), UNKNOWN_EXTRA}, "'tag:yaml.org,2002:set' " + TAG),
    "omap-tag.yaml": ({("MPL001", 7), UNKNOWN_EXTRA}, "'tag:yaml.org,2002:omap' " + TAG),
    "binary-tag.yaml": ({("MPL001", 7), UNKNOWN_EXTRA}, "'tag:yaml.org,2002:binary' " + TAG),
    "local-tag.yaml": ({("MPL001", 7), UNKNOWN_EXTRA}, "'!vault' " + TAG),
    "bad-int-tag.yaml": ({("MPL001", 7), UNKNOWN_EXTRA}, "cannot read 'twelve' as int"),
    "huge-integer.yaml": ({("MPL001", 6), ("MPL002", 6)}, "as int: Exceeds the limit"),
    "infinite-float.yaml": ({("MPL002", 6)}, "metadata.tier: expected integer, got string 'inf'"),
    "complex-key.yaml": ({("MPL001", 7), UNKNOWN_EXTRA}, "mapping keys must be plain text"),
    "long-simple-key.yaml": ({("MPL001", 7)}, "could not find expected ':'"),
    "unclosed-quote.yaml": ({("MPL001", 9)}, "found unexpected end of stream"),
    "yaml11-booleans.yaml": ({("MPL002", 8)}, "got string 'yes' (YAML 1.2 reads yes/no/on/off as text"),
    "wrong-types.yaml": (
        {("MPL002", 6), ("MPL002", 7), ("MPL002", 9), ("MPL002", 10), ("MPL002", 11), ("MPL002", 13)},
        "metadata.tier: expected integer, got string 'high'",
    ),
    "lone-surrogate.yaml": ({("MPL001", 7)}, "holds an escaped lone surrogate"),
    "utf8-bom.yaml": (set(), ""),
}


@pytest.fixture(autouse=True, params=["c", "pure"] if yamlsafe.c_parser_available() else ["pure"])
def yaml_parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Every case runs with the C parser (the default) and with the pure-Python reference parser;
    each mode keeps its own result cache so that neither answers from the other's."""
    monkeypatch.setenv(yamlsafe.PURE_ENV, "1" if request.param == "pure" else "0")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp(f"cache-{request.param}")))
    return str(request.param)


def _mpl(result: object) -> list[dict]:
    findings = result.json()["findings"]  # type: ignore[attr-defined]
    return sorted((f for f in findings if f["rule_id"].startswith("MPL")), key=lambda f: (f["line"], f["rule_id"]))


def test_every_corpus_file_has_a_case() -> None:
    assert sorted(p.name for p in HOSTILE.iterdir()) == sorted(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_manifest(name: str) -> None:
    expected, phrase = CASES[name]
    # All rules run (no --select): every check function must survive whatever the loader yields.
    result = lint_json(HOSTILE / name)
    assert result.exit_code == 1, result.stderr
    assert "Traceback" not in result.stderr and result.stderr == ""
    found = _mpl(result)
    assert {(f["rule_id"], f["line"]) for f in found} == expected
    if phrase:
        assert phrase in found[0]["message"]
        assert found[0]["path"].endswith(f"hostile/{name}")


def test_tags_are_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    manifest = write(
        tmp_path / "mlprodlint.yaml",
        f"""
        apiVersion: mlprodlint/v1
        kind: Model
        metadata: !!python/object/apply:os.system ["touch {marker}"]
        """,
    )
    result = lint_json(manifest)
    assert result.exit_code == 1
    assert ("MPL001", 3) in {(f["rule_id"], f["line"]) for f in result.json()["findings"]}
    assert not marker.exists()


def test_two_mebibyte_manifest_is_refused_by_size(tmp_path: Path) -> None:
    manifest = tmp_path / "mlprodlint.yaml"
    manifest.write_bytes(b"apiVersion: mlprodlint/v1\n" + b"# padding\n" * (2 * 1024 * 1024 // 10))
    result = lint_json(manifest)
    assert result.exit_code == 1
    (finding,) = _mpl(result)
    assert (finding["rule_id"], finding["line"]) == ("MPL003", 1)
    assert f"manifest is {manifest.stat().st_size} bytes, over the limit of 1048576 bytes" in finding["message"]


def test_size_limit_comes_from_the_config(tmp_path: Path) -> None:
    write(tmp_path / ".mlprodlint.toml", "max_file_size = 2000\n")
    manifest = write(tmp_path / "mlprodlint.yaml", "apiVersion: mlprodlint/v1\n" + "# x\n" * 1000)
    result = lint_json(manifest, cwd=tmp_path)
    assert [(f["rule_id"], f["line"]) for f in _mpl(result)] == [("MPL003", 1)]
    assert "over the limit of 2000 bytes" in _mpl(result)[0]["message"]


def test_many_tiny_items_are_refused_quickly(tmp_path: Path) -> None:
    manifest = write(tmp_path / "mlprodlint.yaml", "apiVersion: mlprodlint/v1\nextra: [" + "1," * 30_000 + "1]\n")
    result = lint_json(manifest)
    assert [(f["rule_id"], f["line"]) for f in _mpl(result)] == [("MPL003", 2)]
    assert "more than 20000 YAML events" in _mpl(result)[0]["message"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_named_like_a_manifest_is_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "mlprodlint.yaml")  # opening it for reading would block forever
    result = lint_json(tmp_path)
    assert result.exit_code == 1
    (finding,) = _mpl(result)
    assert finding["rule_id"] == "MPL001" and "not a regular file" in finding["message"]


def test_directory_named_like_a_manifest(tmp_path: Path) -> None:
    (tmp_path / "mlprodlint.yaml").mkdir()
    result = run_cli(["check", str(tmp_path)])
    assert result.exit_code == 2
    assert "no manifest (mlprodlint.yaml or mlprodlint.yml) found" in result.stderr
    # Named explicitly, the folder is searched like any folder; a manifest inside it is linted.
    write(tmp_path / "mlprodlint.yaml" / "mlprodlint.yaml", "apiVersion: mlprodlint/v1\n")
    result = lint_json(tmp_path / "mlprodlint.yaml")
    assert [m["path"].split("/")[-2:] for m in result.json()["manifests"]] == [["mlprodlint.yaml", "mlprodlint.yaml"]]


def test_symlink_loop(tmp_path: Path) -> None:
    (tmp_path / "mlprodlint.yaml").symlink_to("mlprodlint.yaml")
    result = lint_json(tmp_path)
    assert result.exit_code == 1
    (finding,) = _mpl(result)
    assert finding["rule_id"] == "MPL001"
    assert "cannot read manifest: Too many levels of symbolic links" in finding["message"]


def test_dangling_symlink(tmp_path: Path) -> None:
    (tmp_path / "mlprodlint.yaml").symlink_to("nowhere.yaml")
    result = lint_json(tmp_path)
    (finding,) = _mpl(result)
    assert finding["rule_id"] == "MPL001" and "No such file or directory" in finding["message"]


def test_symlink_leaving_the_repository_is_not_read(tmp_path: Path) -> None:
    secret = write(tmp_path / "outside" / "secret.yaml", "password: hunter2\n")
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "svc").mkdir()
    (repo / "svc" / "mlprodlint.yaml").symlink_to(secret)
    result = lint_json(repo)
    assert result.exit_code == 1
    (finding,) = _mpl(result)
    assert finding["rule_id"] == "MPL001" and "symlink that leaves the repository" in finding["message"]
    assert "hunter2" not in result.stdout


def _without_file_permission_override() -> None:
    """In the child, before exec: drop CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from the
    capability bounding set, so even root obeys file permissions after exec (CI runs as root)."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux permissions and capabilities")
def test_unreadable_manifest(tmp_path: Path) -> None:
    manifest = write(tmp_path / "mlprodlint.yaml", "apiVersion: mlprodlint/v1\n")
    manifest.chmod(0)
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "mlprodlint", "check", str(manifest), "--format", "json", "--no-cache", "--today", TODAY],
            capture_output=True, text=True, timeout=120, cwd=tmp_path,
            preexec_fn=_without_file_permission_override if os.geteuid() == 0 else None,
        )
    finally:
        manifest.chmod(0o644)
    assert completed.returncode == 1, completed.stderr
    findings = json.loads(completed.stdout)["findings"]
    assert [(f["rule_id"], f["line"], f["message"]) for f in findings] == [
        ("MPL001", 1, "cannot read manifest: permission denied")
    ]


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("fail_on = \"error\"\nselect = = 1\n", ".mlprodlint.toml:2:10: invalid TOML"),
        ("max_file_size = \"big\"\n", ".mlprodlint.toml:1: "),
        (b"select = ['caf\xe9']\n", ".mlprodlint.toml: configuration file is not valid UTF-8"),
    ],
    ids=["syntax", "wrong-type", "not-utf8"],
)
def test_broken_config_is_exit_2_with_location(tmp_path: Path, config: str | bytes, message: str) -> None:
    path = tmp_path / ".mlprodlint.toml"
    path.write_bytes(config if isinstance(config, bytes) else config.encode())
    write(tmp_path / "mlprodlint.yaml", "apiVersion: mlprodlint/v1\n")
    result = run_cli(["check", "--today", TODAY], cwd=tmp_path)
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    assert message in result.stderr


@pytest.mark.parametrize(
    ("pack", "message"),
    [
        ("billion-laughs.yaml", "billion-laughs.yaml:5:1: rule pack expands to more than 50000 nodes"),
        ("python-object-tag-on-mapping.yaml", "python-object-tag-on-mapping.yaml:7:8: custom YAML tag"),
        ("tabs.yaml", "tabs.yaml:8:1: YAML syntax error"),
        ("top-level-list.yaml", "top-level-list.yaml:1:1: rule pack top level must be a mapping"),
        ("wrong-types.yaml", "wrong-types.yaml:1:1: "),
    ],
)
def test_hostile_rule_pack_is_exit_2_with_location(tmp_path: Path, pack: str, message: str) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    shutil.copy(HOSTILE / pack, rules / pack)
    write(tmp_path / "mlprodlint.yaml", "apiVersion: mlprodlint/v1\n")
    result = run_cli(["check", "--today", TODAY, "--rules-dir", "rules"], cwd=tmp_path)
    assert result.exit_code == 2, result.stdout
    assert "Traceback" not in result.stderr
    assert "broken rule pack" in result.stderr
    assert message in result.stderr


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "escape.j2:1: template error: SecurityError"),
        ("{% for i in range(10**9) %}x{% endfor %}", "escape.j2:1: template error: OverflowError: Range too big"),
        ("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}", "escape.j2:1: template error: RecursionError"),
        ("{% for x in %}", "escape.j2:1: template syntax error"),
    ],
    ids=["sandbox-escape", "huge-range", "runaway-recursion", "syntax"],
)
def test_hostile_template_is_exit_2_and_writes_nothing(tmp_path: Path, template: str, message: str) -> None:
    write(tmp_path / "escape.j2", template)
    write(tmp_path / "mlprodlint.yaml", "apiVersion: mlprodlint/v1\n")
    result = run_cli(["check", "--today", TODAY, "--template", "escape.j2", "-o", "report.txt"], cwd=tmp_path)
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    assert message in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["escape.j2", "mlprodlint.yaml"]
