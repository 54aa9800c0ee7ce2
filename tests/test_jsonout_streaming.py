"""The JSON report is rendered item by item; it must equal json.dumps(indent=2) of the document."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES, TODAY, write

from mlprodlint.rules.core import CORE_RULES
from mlprodlint.engine.lint import EngineOptions
from mlprodlint.results.findings import RunResult, Severity
from mlprodlint.rules.packs import PackRequest, load
from mlprodlint.engine.run import lint_many
from mlprodlint.report import ReportContext
from mlprodlint.report.jsonout import _BATCH, _ITEM, _indented, _list_chunks, document, render


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


# The C encoder writes runs of scalar entries with the indentation in its item separator; any
# shape of data must still come out as json.dumps(indent=2) writes it, at every depth.
_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text())
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=5), inner, max_size=5)),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(_values)
def test_indented_equals_json_dumps_for_any_shape(value: object) -> None:
    assert _indented(value, "\n") == json.dumps(value, indent=2, ensure_ascii=False)


@pytest.mark.parametrize("count", [0, 1, _BATCH - 1, _BATCH, _BATCH + 1, 2 * _BATCH + 3])
def test_list_chunks_equal_json_dumps_across_batch_boundaries(count: int) -> None:
    items = [{"i": i, "s": "é\u2028\"", "nested": {"a": [i, {"b": []}]}, "after": None} for i in range(count)]
    text = '{\n  "items": ' + "".join(_list_chunks(_indented(item, _ITEM) for item in items)) + "\n}"
    assert text == json.dumps({"items": items}, indent=2, ensure_ascii=False)
