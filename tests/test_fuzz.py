"""Property-based fuzzing of the whole engine: loader, schema, every rule's check function, waivers
and the JSON and text reports.

Whatever the bytes of a manifest, linting it yields findings (exit 0/1) or a documented error
(MlprodlintError, exit 2) within a bounded time: never an exception that would be exit 3, never a
hang. The time bound is a generous hang detector, not a benchmark.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES, TODAY, run_cli
from mlprodlint.engine.lint import EngineOptions, lint_loaded
from mlprodlint.errors import MlprodlintError
from mlprodlint.results.findings import RunResult
from mlprodlint.load.manifest import LoadedManifest, load_manifest
from mlprodlint.rules.packs import PackRequest, load
from mlprodlint.engine.run import lint_many
from mlprodlint.report import FORMATS, ReportContext, render
from mlprodlint.rules.definitions import RuleSet

HANG_SECONDS = 2.0
FUZZ = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SEEDS = [
    (EXAMPLES / name / "mlprodlint.yaml").read_text(encoding="utf-8")
    for name in ("fraud-scoring", "churn-batch", "recsys-experiment")
]
SEED_DATA = [load_manifest(EXAMPLES / n / "mlprodlint.yaml", "seed").data for n in ("fraud-scoring", "churn-batch")]
TOKENS = [
    "&a ", "*a", "<<: *a\n", "!!python/object:os.system ", "!!set ", "!!binary ", "!x ", "{", "}", "[", "]",
    "- ", ": ", "? ", "\t", "---\n", "...\n", "%YAML 1.1\n", "'", '"', "|\n", ">-\n", "#", "~", "yes", "1e999",
    ".nan", "2026-02-30", "\x00", "\ufeff", "\u2028", "\x85", "@", "`", "%", "\\", "\n  ", "\n- ", "null",
]
WRONG_VALUES: list[Any] = [None, True, 0, -1, 1.5, "", "x", "yes", [], {}, [None], [{}], {"a": []}, [[1]], "2026-13-01"]


@pytest.fixture(scope="module")
def rule_set() -> RuleSet:
    return load(PackRequest())  # the built-in packs, loaded the way a run loads them


OPTIONS = EngineOptions(today=dt.date.fromisoformat(TODAY))


def _lint_bytes(raw: bytes, rule_set: RuleSet) -> RunResult | None:
    """Lint raw bytes as a manifest in a fresh folder; None if a documented error stopped it."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mlprodlint.yaml"
        path.write_bytes(raw)
        started = time.perf_counter()
        try:
            result = lint_many([path], rule_set, OPTIONS, jobs=1)  # the run's path, without the cache
            _render_all(result, rule_set)
        except MlprodlintError as error:
            assert error.exit_code == 2, f"exit {error.exit_code}: {error}"
            return None
        elapsed = time.perf_counter() - started
    assert elapsed < HANG_SECONDS, f"took {elapsed:.2f}s"
    return result


def _render_all(result: RunResult, rule_set: RuleSet) -> None:
    from mlprodlint.rules.core import CORE_RULES

    context = ReportContext(
        tool_version="fuzz", fail_on=__import__("mlprodlint.results.findings").results.findings.Severity.ERROR, color=False,
        rules={rule.id: rule for rule in (*CORE_RULES, *rule_set.rules)},
    )
    for fmt in ("json", "text"):
        if fmt in FORMATS:
            text = render(result, fmt, context)
            if fmt == "json":
                json.loads(text)


def _assert_located(result: RunResult) -> None:
    for finding in result.findings:
        assert finding.line >= 1 and finding.column >= 1
        assert finding.rule_id and finding.message


# --- 1. mutated example text --------------------------------------------------------------

@st.composite
def mutated_text(draw: st.DrawFn) -> bytes:
    lines = draw(st.sampled_from(SEEDS)).splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 6))):
        if not lines:
            lines = ["\n"]
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "swap", "indent", "dedent", "token", "truncate", "chars"]))
        line = lines[index]
        if action == "delete":
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, line)
        elif action == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
        elif action == "indent":
            lines[index] = "  " + line
        elif action == "dedent":
            lines[index] = line.lstrip(" ")
        elif action == "token":
            at = draw(st.integers(0, len(line)))
            lines[index] = line[:at] + draw(st.sampled_from(TOKENS)) + line[at:]
        elif action == "truncate":
            lines[index] = line[: draw(st.integers(0, len(line)))]
        else:
            lines[index] = draw(st.text(max_size=20)) + "\n"
    raw = "".join(lines).encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.binary(max_size=4)) + raw[at:]
    return raw


@FUZZ
@given(raw=mutated_text())
def test_mutated_examples_never_crash_or_hang(rule_set: RuleSet, raw: bytes) -> None:
    result = _lint_bytes(raw, rule_set)
    if result is not None:
        _assert_located(result)


# --- 2. random YAML-ish structures at real paths -------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=15) | st.sampled_from(["production", "@acme/x", "#chan", "a@b.co", "https://x.io", "../../etc/passwd", "2026-01-01", "/", ""]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


def _pointers(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _pointers(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _pointers(child, (*prefix, index))


def _replace(data: Any, pointer: tuple[Any, ...], value: Any) -> Any:
    if not pointer:
        return value
    parent = data
    for part in pointer[:-1]:
        parent = parent[part]
    parent[pointer[-1]] = value
    return data


@st.composite
def retyped_manifest(draw: st.DrawFn) -> dict[str, Any]:
    data = copy.deepcopy(draw(st.sampled_from(SEED_DATA)))
    for _ in range(draw(st.integers(1, 4))):
        pointers = [p for p in _pointers(data) if p]
        pointer = draw(st.sampled_from(pointers))
        data = _replace(data, pointer, draw(json_values))
    return data


@FUZZ
@given(data=retyped_manifest())
def test_wrong_types_at_real_paths_never_crash(rule_set: RuleSet, data: dict[str, Any]) -> None:
    # JSON text is YAML: this goes through the real loader, positions and all.
    result = _lint_bytes(json.dumps(data, indent=1).encode(), rule_set)
    assert result is not None
    _assert_located(result)


def _at_depth(value: Any, depth: int, replacement: Any) -> Any:
    if depth == 0:
        return copy.deepcopy(replacement)
    if isinstance(value, dict):
        return {k: _at_depth(v, depth - 1, replacement) for k, v in value.items()}
    if isinstance(value, list):
        return [_at_depth(v, depth - 1, replacement) for v in value]
    return value


@pytest.mark.parametrize("depth", [1, 2, 3, 4])
def test_every_check_survives_one_wrong_type_everywhere(rule_set: RuleSet, depth: int) -> None:
    """Every value at one depth replaced by the same wrong type: every rule sees every kind of
    value at every path it reads (deterministic sweep; hypothesis explores mixes above)."""
    for seed in SEED_DATA:
        for wrong in WRONG_VALUES:
            data = _at_depth(seed, depth, wrong)
            loaded = LoadedManifest(EXAMPLES / "fraud-scoring" / "mlprodlint.yaml", "sweep.yaml", data, {"": (1, 1)})
            results = lint_loaded(loaded, rule_set, OPTIONS)
            assert all(f.line >= 1 for r in results for f in r.findings)


# --- 3. random bytes and text --------------------------------------------------------------

@settings(max_examples=60, deadline=None, derandomize=True)
@given(raw=st.binary(max_size=300) | st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_random_bytes_never_crash(rule_set: RuleSet, raw: bytes) -> None:
    _lint_bytes(raw, rule_set)


# --- 4. a few through the real CLI, exit codes included --------------------------------------

@settings(max_examples=8, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(raw=mutated_text())
def test_mutated_examples_through_the_cli(tmp_path_factory: pytest.TempPathFactory, raw: bytes) -> None:
    folder = tmp_path_factory.mktemp("cli")
    (folder / "mlprodlint.yaml").write_bytes(raw)
    result = run_cli(["check", str(folder), "--format", "json", "--today", TODAY])
    assert result.exit_code in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    document = result.json()
    assert len(document["manifests"]) == 1
