"""Property test through the real CLI: random CODEOWNERS, Markdown (runbook, model card),
Prometheus rules and manifest text in a real service folder. Whatever they hold, `check` ends
with 0, 1 or 2, prints no traceback and finishes promptly (a generous hang detector, not a
benchmark)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES, TODAY, run_cli

HANG_SECONDS = 3.0


def _texts(tokens: list[str]) -> st.SearchStrategy[str]:
    piece = st.sampled_from(tokens) | st.text(max_size=4)
    return st.lists(piece, max_size=40).map("".join) | st.lists(st.sampled_from(tokens), max_size=4).map(
        lambda parts: "".join(parts) * 200  # one long line of a repeated construct
    )


CODEOWNERS = _texts(["*", "**", "/", "@acme/fraud-ml", "@", "#", "\\", "[", "]", "!", " ", "\n", "docs/", "a", "?",
                     "\x00", "\u2028"])
MARKDOWN = _texts(["#", "## ", "|", "[", "]", "(", ")", "<!--", "-->", "`", "```", "\n", " ", "a", "-", "*", "_",
                   "{#", "}", "---\n", "<a name=", ">", "\r", "\x1b", "high-error-rate"])
PROMETHEUS = _texts(["groups:\n", "- name: g\n", "  rules:\n", "  - alert: FraudScoringHighErrorRate\n",
                     "    expr: ", "up == 0\n", "    for: 5m\n", "    labels: {severity: page}\n", "record: r\n",
                     "{", "}", "[", "]", "&a ", "*a", "\t", ": ", "- ", "\n", "'", '"', "~"])
MANIFEST_TAIL = _texts(["\n", "  ", "- ", ": ", "runbook: ", "docs/runbook.md#", "../", "\x00", "a" * 300, "{", "[",
                        "model_card: ", "rules_file: ", "*", "#"])


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz-repo") / "svc"
    shutil.copytree(EXAMPLES / "fraud-scoring", folder)
    return folder


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(codeowners=CODEOWNERS, runbook=MARKDOWN, card=MARKDOWN, alerts=PROMETHEUS, tail=MANIFEST_TAIL)
def test_random_repository_files_never_crash_or_hang(
    service: Path, codeowners: str, runbook: str, card: str, alerts: str, tail: str
) -> None:
    manifest = (EXAMPLES / "fraud-scoring" / "mlprodlint.yaml").read_text(encoding="utf-8")
    for name, text in (("CODEOWNERS", codeowners), ("docs/runbook.md", runbook), ("docs/model_card.md", card),
                       ("monitoring/alerts.yaml", alerts), ("mlprodlint.yaml", manifest + tail)):
        (service / name).write_bytes(text.encode("utf-8", "surrogatepass"))
    started = time.monotonic()
    result = run_cli(["check", str(service), "--format", "text", "--today", TODAY, "--no-cache"])
    elapsed = time.monotonic() - started
    assert result.exit_code in (0, 1, 2), result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    assert elapsed < HANG_SECONDS, elapsed
