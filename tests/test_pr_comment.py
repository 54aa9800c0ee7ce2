"""`check --format comment`: a PR comment that lists what fails by service with fixes, counts the
rest, and always stays under 60,000 characters."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from conftest import EXAMPLES, TODAY, run_cli


def _repo(root: Path, services: int) -> Path:
    (root / ".git").mkdir(parents=True)
    for index in range(services):
        target = root / "services" / f"svc{index:02d}"
        shutil.copytree(EXAMPLES / "churn-batch", target)
        manifest = target / "mlprodlint.yaml"
        manifest.write_text(
            manifest.read_text(encoding="utf-8").replace("name: churn-batch", f"name: churn-{index:02d}"), encoding="utf-8"
        )
    shutil.copytree(EXAMPLES / "fraud-scoring", root / "services" / "zz-fraud")
    return root


def _run(repo: Path, fmt: str, cwd: Path | None = None) -> tuple[int, str]:
    target = "." if cwd is not None else "services"
    result = run_cli(["check", target, "--format", fmt, "--today", TODAY, "--no-cache"], cwd=cwd or repo)
    return result.exit_code, result.stdout


def test_one_failing_service_lists_every_failure_with_its_fix_and_counts_the_rest(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "repo", 1)
    code, comment = _run(repo, "comment")
    assert code == 1
    document = run_cli(["check", "services", "--format", "json", "--today", TODAY, "--no-cache"], cwd=repo).json()
    churn = [r for r in document["results"] if r["path"] == "services/svc00/mlprodlint.yaml"]
    count = {status: sum(1 for r in churn if r["status"] == status) for status in ("fail", "pass", "waived", "not_applicable")}
    assert comment.startswith("## ❌ mlprodlint: FAILED (10 finding(s) at or above error)\n")
    assert "2 service(s): 1 not ready, 0 ready with waivers, 1 ready." in comment
    assert "### ❌ churn-00 `services/svc00/mlprodlint.yaml`" in comment
    assert "Not ready · no level reached · team @acme/customer-ml · tier 2 · production" in comment
    lines = re.findall(r"^- \*\*([A-Z]+\d+)\*\* (\w+) at `([^`]+)`", comment, flags=re.M)
    assert len(lines) == 15
    assert lines[0] == ("OWN004", "error", "services/svc00/mlprodlint.yaml:21")
    assert [severity for _, severity, _ in lines] == ["error"] * 10 + ["warning"] * 4 + ["info"]
    assert comment.count("  \n  Fix: ") == 15
    assert (f"{count['fail']} failing · {count['pass']} passed · {count['waived']} waived · "
            f"{count['not_applicable']} not applicable") in comment
    assert "more finding" not in comment
    assert comment.rstrip().endswith("✅ 1 service(s) with nothing to fix: fraud-scoring.")
    # No pass or not-applicable row is listed: the comment is a fraction of the review document.
    _, review = _run(repo, "markdown")
    assert len(comment) < len(review) / 4


def test_thirty_failing_services_stay_under_60000_characters(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "repo", 30)
    code, comment = _run(repo, "comment", cwd=repo / "services")  # from a subfolder: paths stay repo-relative
    assert code == 1
    assert len(comment) < 60_000
    assert comment.startswith("## ❌ mlprodlint: FAILED (300 finding(s) at or above error)\n")
    shown = len(re.findall(r"^- \*\*[A-Z]+\d+\*\* ", comment, flags=re.M))
    more = re.search(r"^\*\*(\d+) more findings: see the full report\*\* \(`mlprodlint report`", comment, flags=re.M)
    assert more is not None
    assert shown + int(more.group(1)) == 30 * 15
    assert shown > 100
    assert "`services/svc00/mlprodlint.yaml:21`" in comment
    assert comment.rstrip().endswith("✅ 1 service(s) with nothing to fix: fraud-scoring.")


def test_a_passing_run_is_one_short_paragraph(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    shutil.copytree(EXAMPLES / "fraud-scoring", tmp_path / "services" / "fraud")
    code, comment = _run(tmp_path, "comment")
    assert code == 0
    assert comment == (
        "## ✅ mlprodlint: PASSED (0 finding(s) at or above error)\n\n"
        "1 service(s): 0 not ready, 0 ready with waivers, 1 ready. Findings: 0 error, 0 warning, 0 info; 0 waived.\n"
        "\n✅ 1 service(s) with nothing to fix: fraud-scoring.\n"
    )
