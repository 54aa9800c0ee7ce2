"""The result cache can never execute code or change a verdict (installed CLI, real processes).

Threat model: a cache folder shared between CI jobs of different trust (entries forged, copied
or swapped), and a hostile or broken file where the signing secret should be.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CLI = str(Path(sys.executable).with_name("mlprodlint"))
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
TODAY = "2026-11-26"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    shutil.copytree(EXAMPLES / "fraud-scoring", root / "clean")  # passes
    shutil.copytree(EXAMPLES / "churn-batch", root / "failing")  # fails
    return root


def _home(repo: Path) -> Path:
    return repo.parent / "home"


def _run(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "MLPRODLINT_CACHE_DIR"}
    env["XDG_CACHE_HOME"] = str(_home(repo))
    return subprocess.run([CLI, "check", *args, "--today", TODAY], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=60)


def _entries(repo: Path) -> dict[str, Path]:
    """Outcome entry files by the manifest folder their outcome is for."""
    found: dict[str, Path] = {}
    for entry in (_home(repo) / "mlprodlint" / "results" / "outcomes").rglob("*.json"):
        body = json.loads(entry.read_bytes().partition(b"\n")[2])
        summary = body["value"][0]
        found[summary["f"][0].split("/")[0]] = entry
    return found


def _secret(repo: Path) -> Path:
    return _home(repo) / "mlprodlint" / "secret"


def test_the_cache_stores_signed_plain_json_with_its_key(repo: Path) -> None:
    first = _run(repo, "failing")
    assert first.returncode == 1 and first.stderr == ""
    entry = _entries(repo)["failing"]
    header, _, body = entry.read_bytes().partition(b"\n")
    assert header.startswith(b"mlprodlint-cache 2 ")
    assert json.loads(body)["key"] == entry.stem
    secret = _secret(repo)
    assert secret.stat().st_mode & 0o777 == 0o600 and secret.stat().st_size == 32
    assert _run(repo, "failing").stdout == first.stdout


def test_a_clean_outcome_copied_over_a_failing_ones_key_still_fails(repo: Path) -> None:
    assert _run(repo, ".").returncode == 1
    entries = _entries(repo)
    shutil.copyfile(entries["clean"], entries["failing"])  # validly signed, but for another key
    again = _run(repo, "failing")
    assert again.returncode == 1
    assert "FAILED" in again.stdout and "PASSED" not in again.stdout


def test_a_forged_entry_is_ignored(repo: Path) -> None:
    assert _run(repo, ".").returncode == 1
    entries = _entries(repo)
    clean_body = entries["clean"].read_bytes().partition(b"\n")[2]
    failing_key = entries["failing"].stem
    forged = json.loads(clean_body)
    forged["key"] = failing_key  # the body claims the right key; the signature cannot be made
    forged_body = json.dumps(forged).encode()
    entries["failing"].write_bytes(b"mlprodlint-cache 2 " + b"0" * 64 + b"\n" + forged_body)
    again = _run(repo, "failing")
    assert again.returncode == 1 and "FAILED" in again.stdout


def test_a_pickle_in_the_cache_is_never_loaded(repo: Path) -> None:
    marker = repo.parent / "PWNED"
    assert _run(repo, "failing").returncode == 1
    payload = f"cos\nsystem\n(S'touch {marker}'\ntR.".encode()
    _entries(repo)["failing"].write_bytes(payload)
    again = _run(repo, "failing")
    assert again.returncode == 1 and not marker.exists()


def _prepare_secret(repo: Path, kind: str) -> None:
    secret = _secret(repo)
    secret.parent.mkdir(parents=True)
    if kind == "empty":
        secret.write_bytes(b"")
        secret.chmod(0o600)
    elif kind == "short":
        secret.write_bytes(b"x" * 31)
        secret.chmod(0o600)
    elif kind == "world-readable":
        secret.write_bytes(os.urandom(32))
        secret.chmod(0o644)
    elif kind == "other-owner":
        secret.write_bytes(os.urandom(32))
        secret.chmod(0o600)
        os.chown(secret, 65534, 65534)
    elif kind == "fifo":
        os.mkfifo(secret, 0o600)
    elif kind == "symlink":
        target = repo.parent / "elsewhere"
        target.write_bytes(os.urandom(32))
        target.chmod(0o600)
        secret.symlink_to(target)
    elif kind == "folder":
        secret.mkdir()


@pytest.mark.parametrize(
    ("kind", "problem"),
    [
        ("empty", "is only 0 bytes long (at least 32 needed)"),
        ("short", "is only 31 bytes long (at least 32 needed)"),
        ("world-readable", "is readable or writable by others (mode 0644, expected 0600)"),
        pytest.param("other-owner", "is owned by another user", marks=pytest.mark.skipif(
            not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to chown")),
        ("fifo", "is not a regular file"),
        ("symlink", "is a symbolic link"),
        ("folder", "is not a regular file"),
    ],
)
def test_an_untrustworthy_secret_disables_the_cache_with_one_warning(repo: Path, kind: str, problem: str) -> None:
    _prepare_secret(repo, kind)
    result = _run(repo, ".", "--format", "json")
    assert result.returncode == 1
    assert result.stderr == (
        f"mlprodlint: warning: result cache disabled: its secret {_secret(repo)} {problem}; "
        "delete the file and the next run creates a new one\n"
    )
    assert {(f["path"].split("/")[0]) for f in json.loads(result.stdout)["findings"]} == {"failing"}
    assert not (_home(repo) / "mlprodlint" / "results").exists()  # nothing written without a secret
