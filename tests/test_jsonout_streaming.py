"""The JSON report is rendered item by item; it must equal json.dumps(indent=2) of the document."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from conftest import EXAMPLES, TODAY, write

from mlprodlint.rules.core import CORE_RULES
from mlprodlint.engine.lint import EngineOptions
from mlprodlint.results.findings import RunResult, Severity
from mlprodlint.rules.packs import PackRequest, load
from mlprodlint.engine.run import lint_many
from mlprodlint.report import ReportContext
from mlprodlint.report.jsonout import document, render


def _both(result: RunResult, rules: dict[str, object]) -> tuple[str, str]:
    context = ReportContext(tool_version="0", fail_on=Severity.WARNING, rules=rules)  # type: ignore[arg-type]
    expected = json.dumps(document(result, context), indent=2, ensure_ascii=False) + "\n"
    return render(result, context), expected


def test_streamed_json_equals_the_plain_dump(tmp_path: Path) -> None:
    # Waivers (nested objects), non-ASCII and escapes in messages, and every example.
    odd = write(tmp_path / "odd" / "mlprodlint.yaml", """
        apiVersion: mlprodlint/v1
        kind: Model
        metadata:
          name: "modèle-\\u00e9\\"quoted\\"\\ttab"
          lifecycle: production
    """)
    rule_set = load(PackRequest())
    rules = {rule.id: rule for rule in (*CORE_RULES, *rule_set.rules)}
    paths = [*sorted(EXAMPLES.glob("*/mlprodlint.yaml")), odd]
    result = lint_many(paths, rule_set, EngineOptions(today=dt.date.fromisoformat(TODAY)), jobs=1)
    assert any(f.waived for f in result.findings) and any(not s.isascii() for f in result.findings for s in (f.message,))
    got, expected = _both(result, rules)
    assert got == expected


def test_streamed_json_of_an_empty_run_equals_the_plain_dump() -> None:
    got, expected = _both(RunResult(manifests=(), results=()), {})
    assert got == expected
