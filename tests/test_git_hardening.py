"""Nothing a scanned repository configures runs when mlprodlint reads git (installed CLI, real repos).

Each planted program first proves it is live (plain git runs it and the marker appears), so
these tests fail if mlprodlint ever reaches the same code path without the hardening.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

CLI = str(Path(sys.executable).with_name("mlprodlint"))
TODAY = "2026-12-01"
MANIFEST = """\
apiVersion: mlprodlint/v1
kind: Model
metadata:
  name: fraud
  lifecycle: production
  tier: 2
  paths: [src/]
ownership:
  team: "@acme/fraud"
security:
  signoff:
    by: sec@acme.com
    date: 2026-03-01
"""


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update({"HOME": str(home), "XDG_CACHE_HOME": str(home / "cache"), "GIT_CONFIG_NOSYSTEM": "1", **extra})
    return env


def _git(cwd: Path, *args: str, date: str = "2026-01-10T09:00:00+00:00") -> str:
    env = _env(cwd.parent, GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false",
         "-c", "init.defaultBranch=main", "-c", "protocol.file.allow=always", *args],
        cwd=cwd, env=env, check=True, capture_output=True, text=True,
    )
    return done.stdout.strip()


def _commit(repo: Path, files: dict[str, str], date: str) -> None:
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text, encoding="utf-8")
    _git(repo, "add", "-A", date=date)
    _git(repo, "commit", "-q", "-m", f"change {date}", date=date)


def _mlprodlint(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, *args], cwd=cwd, env=_env(cwd.parent, **env), capture_output=True, text=True, timeout=60)


@pytest.fixture
def partial_clone(tmp_path: Path) -> tuple[Path, Path]:
    """A `--filter=tree:0` clone whose promisor remote is an ssh URL run by a planted sshCommand."""
    origin = tmp_path / "origin"
    origin.mkdir()
    _git(origin, "init", "-q")
    _git(origin, "config", "uploadpack.allowFilter", "true")
    _git(origin, "config", "uploadpack.allowAnySHA1InWant", "true")
    _commit(origin, {"mlprodlint.yaml": MANIFEST, "src/model.py": "A = 1\n"}, "2026-01-10T09:00:00+00:00")
    _commit(origin, {"src/model.py": "A = 2\n"}, "2026-02-10T09:00:00+00:00")
    _commit(origin, {"src/model.py": "A = 3\n"}, "2026-04-10T09:00:00+00:00")
    _commit(origin, {"README.md": "# fraud\n"}, "2026-05-10T09:00:00+00:00")
    clone = tmp_path / "clone"
    _git(tmp_path, "clone", "-q", "--filter=tree:0", "--no-local", f"file://{origin}", str(clone))
    marker = tmp_path / "PWNED"
    _git(clone, "config", "remote.origin.url", "ssh://attacker.invalid/repo.git")
    _git(clone, "config", "core.sshCommand", f"touch {marker}; false")
    return clone, marker


def _prove_live(clone: Path, marker: Path) -> None:
    # Plain git fetches the missing trees through the planted ssh command.
    subprocess.run(["git", "log", "--name-only", "--format=%H"], cwd=clone, env=_env(clone.parent),
                   capture_output=True, check=False)
    assert marker.exists(), "the planted sshCommand did not run: the test proves nothing"
    marker.unlink()


def test_partial_clone_never_fetches_or_runs_the_planted_ssh_command(partial_clone: tuple[Path, Path]) -> None:
    clone, marker = partial_clone
    _prove_live(clone, marker)
    _git(clone, "config", "core.sshCommand", f"touch {marker}; false")  # the probe left it as is

    check = _mlprodlint(clone, "check", ".", "--format", "json", "--today", TODAY, "--select", "SEC042")
    assert not marker.exists()
    assert check.returncode == 0, check.stderr  # SEC042 is a warning
    findings = json.loads(check.stdout)["findings"]
    assert [(f["rule_id"], f["line"], f["severity"]) for f in findings] == [("SEC042", 13, "warning")]
    assert findings[0]["message"].startswith("Security sign-off older than the code: cannot tell (git log failed: ")
    results = {r["rule_id"]: r["status"] for r in json.loads(check.stdout)["results"]}
    assert results["SEC042"] == "fail"  # "could not check" is never a pass

    report = _mlprodlint(clone, "report", ".", "--format", "markdown", "--today", TODAY)
    assert report.returncode in (0, 1), report.stderr
    assert not marker.exists()

    diff = _mlprodlint(clone, "check", "--diff", "HEAD~3", "--format", "json", "--today", TODAY)
    assert not marker.exists()
    assert diff.returncode == 2 and "--diff HEAD~3: git diff failed" in diff.stderr

    changed = _mlprodlint(clone, "check", "--changed-files", "src/model.py", "--format", "json", "--today", TODAY)
    assert not marker.exists()
    assert changed.returncode in (0, 1), changed.stderr
    assert [m["path"] for m in json.loads(changed.stdout)["manifests"]] == ["mlprodlint.yaml"]


def test_diff_never_runs_fsmonitor_or_filter_drivers(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    _commit(repo, {"mlprodlint.yaml": MANIFEST, "src/model.py": "A = 1\n", ".gitattributes": "*.py filter=evil\n"},
            "2026-01-10T09:00:00+00:00")
    fsmonitor, filtered = tmp_path / "FSMONITOR", tmp_path / "FILTER"
    _git(repo, "config", "core.fsmonitor", f"touch {fsmonitor}; false")
    _git(repo, "config", "filter.evil.clean", f"touch {filtered}; cat")
    _git(repo, "config", "filter.evil.process", f"touch {filtered}; false")
    (repo / "src" / "model.py").write_text("A = 2\n", encoding="utf-8")
    subprocess.run(["git", "diff", "--name-only", "HEAD", "--"], cwd=repo, env=_env(tmp_path), capture_output=True, check=False)
    assert fsmonitor.exists() and filtered.exists(), "the planted hooks did not run: the test proves nothing"
    fsmonitor.unlink()
    filtered.unlink()

    result = _mlprodlint(repo, "check", "--diff", "HEAD", "--format", "json", "--today", TODAY, "--select", "OWN")
    assert result.returncode in (0, 1) and result.stderr == ""
    assert [m["path"] for m in json.loads(result.stdout)["manifests"]] == ["mlprodlint.yaml"]
    assert not fsmonitor.exists() and not filtered.exists()


def test_git_dir_in_the_environment_does_not_change_provenance_or_history(tmp_path: Path) -> None:
    repo, elsewhere = tmp_path / "repo", tmp_path / "elsewhere"
    repo.mkdir()
    elsewhere.mkdir()
    _git(repo, "init", "-q")
    _commit(repo, {"mlprodlint.yaml": MANIFEST, "src/model.py": "A = 1\n"}, "2026-01-10T09:00:00+00:00")
    _commit(repo, {"src/model.py": "A = 2\n"}, "2026-04-02T10:00:00+00:00")
    _git(elsewhere, "init", "-q")
    _commit(elsewhere, {"x.txt": "x\n"}, "2025-01-01T00:00:00+00:00")
    ours, theirs = _git(repo, "rev-parse", "HEAD"), _git(elsewhere, "rev-parse", "HEAD")
    hostile = {"GIT_DIR": str(elsewhere / ".git"), "GIT_WORK_TREE": str(elsewhere), "GIT_INDEX_FILE": str(elsewhere / "x")}
    report = _mlprodlint(repo, "report", ".", "--format", "markdown", "--today", TODAY, **hostile)
    assert report.returncode in (0, 1), report.stderr
    assert f"commit `{ours}`" in report.stdout and theirs not in report.stdout
    check = _mlprodlint(repo, "check", ".", "--format", "json", "--today", TODAY, "--select", "SEC042", **hostile)
    messages = [f["message"] for f in json.loads(check.stdout)["findings"]]
    assert len(messages) == 1 and "predates commit" in messages[0] and ours[:7] in messages[0]


def test_history_read_is_bounded_and_a_timeout_is_announced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mlprodlint.repo import facts as repo_facts

    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    _commit(repo, {"src/model.py": "A = 1\n"}, "2026-01-10T09:00:00+00:00")
    _commit(repo, {"README.md": "x\n"}, "2026-02-10T09:00:00+00:00")
    monkeypatch.setattr(repo_facts, "MAX_COMMITS", 1)
    history = repo_facts.read_history(repo)
    assert len(history.commits) == 1 and history.incomplete == "history cut at 1 commits"
    # The newest commit is known even from a cut history; an older path is "cannot tell".
    assert history.last_change(["README.md"]).commit is not None
    assert history.last_change(["src/"]) == repo_facts.LastChange(unknown="history cut at 1 commits")
    # A git that prints the newest commit, then hangs: what arrived before the timeout is kept.
    fake = tmp_path / "bin" / "git"
    fake.parent.mkdir()
    fake.write_text(
        "#!/bin/sh\n"
        "printf '\\036%s\\000%s\\n\\nREADME.md\\n' " + "a" * 40 + " 2026-02-10T09:00:00+00:00\n"
        "printf '\\036%s\\000%s\\n\\nsrc/model.py\\n' " + "b" * 40 + " 2026-01-10T09:00:00+00:00\n"
        f"exec {shutil.which('sleep')} 30\n",
        encoding="utf-8",
    )
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(fake.parent))
    monkeypatch.setattr(repo_facts, "GIT_TIMEOUT_SECONDS", 1.0)
    monkeypatch.setattr(repo_facts, "MAX_COMMITS", 1000)
    timed_out = repo_facts.read_history(repo)
    assert timed_out.incomplete == "git log timed out after 1 s"
    assert [c.sha for c in timed_out.commits] == ["a" * 40]  # the last, perhaps partial, record is dropped
    assert timed_out.last_change(["README.md"]).file == "README.md"
    assert timed_out.last_change(["src/"]) == repo_facts.LastChange(unknown="git log timed out after 1 s")
