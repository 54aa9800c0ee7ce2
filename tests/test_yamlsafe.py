"""The one YAML loader: the C path and the pure-Python path give the same documents and problems,
and every hostile-input limit holds on the C path too (without ever composing a hostile stream)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES, REPO_ROOT, TODAY
from mlprodlint.load import yamlsafe
from mlprodlint.load.yamlsafe import Limits, parse_document, parse_documents

HOSTILE = Path(__file__).resolve().parent / "hostile"
needs_c = pytest.mark.skipif(not yamlsafe.c_parser_available(), reason="ruamel.yaml.clib is not installed")


def _parse(text: str, mode: str, monkeypatch: pytest.MonkeyPatch, several: bool = False) -> object:
    monkeypatch.setenv(yamlsafe.PURE_ENV, "1" if mode == "pure" else "0")
    documents = parse_documents(text, several=several)
    return [(d.data, dict(d.positions), d.problems, d.start) for d in documents]


def _same_both_ways(text: str, monkeypatch: pytest.MonkeyPatch, several: bool = False) -> None:
    assert _parse(text, "c", monkeypatch, several) == _parse(text, "pure", monkeypatch, several)


def _corpus() -> list[Path]:
    files = [*HOSTILE.iterdir(), *sorted((REPO_ROOT / "rules").glob("*.yaml"))]
    files += sorted(p for p in EXAMPLES.rglob("*") if p.suffix in {".yaml", ".yml", ".md"})
    return sorted(p for p in files if yamlsafe.decode(p.read_bytes())[0] is not None)  # text only


@needs_c
@pytest.mark.parametrize("path", _corpus(), ids=lambda p: p.relative_to(REPO_ROOT).as_posix())
def test_c_and_pure_agree_on_the_corpus(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text, _ = yamlsafe.decode(path.read_bytes())
    assert text is not None
    _same_both_ways(text, monkeypatch)
    _same_both_ways(text, monkeypatch, several=True)


# Valid YAML 1.2 that libyaml refuses: the pure parser's reading must win.
LIBYAML_REFUSES = ["links: [https://wiki.example/x]\n", "x: {owner: group:default/svc}\n", "a: {route: slack:#svc}\n"]


@needs_c
@pytest.mark.parametrize("text", LIBYAML_REFUSES)
def test_valid_yaml_libyaml_refuses_reads_the_same(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(yamlsafe.PURE_ENV, "0")
    document = parse_document(text)
    assert document.problems == () and document.data is not None
    _same_both_ways(text, monkeypatch)


_YAMLISH = st.text(alphabet="ab1:- []{},&*!#'\"\n\t|>?%.@`\\~", max_size=80)
_DATA = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet="ab :#-[]{}'\"&*!,\n", max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(alphabet="ab :-", min_size=1, max_size=4), inner, max_size=4),
    max_leaves=12,
)


@needs_c
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_YAMLISH)
def test_c_and_pure_agree_on_fuzzed_text(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _same_both_ways(text, monkeypatch)
    _same_both_ways(text, monkeypatch, several=True)


_ATOMS = ["a", "1", "x y", "'q'", '"d\\n"', "https://x/y", "group:default/svc", "slack:#c", "a #c", "", "-1.5", "~",
          "yes", "2024-01-01", "[a, b]", "{a: b}", "[]", "|", ">-", "|+", "'it''s'", "@x", "%p", "`x`", "? c", "- z", ":"]
_LINE = st.builds(
    lambda indent, form, a, b: " " * indent + form.format(a=a, b=b),
    st.sampled_from([0, 0, 1, 2, 2, 4, 6]),
    st.sampled_from(["{a}: {b}", "{a}: {b}", "- {a}", "{a}", "# {a}", "{a}:", "---", "...", ""]),
    st.sampled_from(_ATOMS),
    st.sampled_from(_ATOMS),
)


@needs_c
@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(_LINE, min_size=1, max_size=8), newline=st.booleans())
def test_c_and_pure_agree_on_fuzzed_block_yaml(lines: list[str], newline: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "\n".join(lines) + ("\n" if newline else "")
    _same_both_ways(text, monkeypatch)
    _same_both_ways(text, monkeypatch, several=True)


@needs_c
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=_DATA, flow=st.sampled_from([None, True, False]))
def test_c_and_pure_agree_on_fuzzed_documents(data: object, flow: bool | None, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from ruamel.yaml import YAML

    dumper = YAML(typ="safe", pure=True)
    dumper.default_flow_style = flow
    out = io.StringIO()
    dumper.dump({"root": data}, out)
    _same_both_ways(out.getvalue(), monkeypatch)


DEEP = {
    "flow": "apiVersion: mlprodlint/v1\nextra: " + "[" * 100_000 + "]" * 100_000 + "\n",
    "block": "apiVersion: mlprodlint/v1\nextra:\n" + "".join("  " * i + "-\n" for i in range(600)) + "- " * 100_000 + "x\n",
    "block-one-line": "apiVersion: mlprodlint/v1\nextra:\n  " + "- " * 100_000 + "x\n",
    "mapping": "apiVersion: mlprodlint/v1\nextra: " + "{a: " * 100_000 + "1" + "}" * 100_000 + "\n",
}


@needs_c
@pytest.mark.parametrize("name", sorted(DEEP))
def test_deep_nesting_stops_the_c_stream_early(name: str) -> None:
    # The guard refuses the 65th level as soon as the C parser emits it: a few dozen events, no
    # node composed (ruamel's C composer would crash the interpreter on this input).
    assert yamlsafe.c_event_count(DEEP[name]) <= 2 * Limits().max_depth + 10  # a start and a key per level


@needs_c
@pytest.mark.parametrize("name", sorted(DEEP))
def test_deep_nesting_is_a_clean_mpl003_with_the_c_parser(name: str, tmp_path: Path) -> None:
    # A subprocess, so that a crash of the interpreter (SIGSEGV) fails this test instead of
    # killing pytest.
    manifest = tmp_path / "mlprodlint.yaml"
    manifest.write_text(DEEP[name], encoding="utf-8")
    completed = subprocess.run(
        [sys.executable, "-m", "mlprodlint", "check", str(manifest), "--format", "json", "--no-cache", "--today", TODAY],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
        env={**__import__("os").environ, yamlsafe.PURE_ENV: "0"},
    )
    assert completed.returncode == 1, (completed.returncode, completed.stderr[-2000:])
    assert completed.stderr == ""
    findings = [f for f in json.loads(completed.stdout)["findings"] if f["rule_id"].startswith("MPL")]
    assert [(f["rule_id"], "nested deeper than 64 levels" in f["message"]) for f in findings] == [("MPL003", True)]


@needs_c
def test_every_limit_holds_on_the_c_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(yamlsafe.PURE_ENV, "0")
    limits = Limits(max_bytes=10_000, max_depth=5, max_nodes=100, max_events=50)
    # Events and documents: the C stream is cut at the limit.
    many = "[" + "1," * 200 + "1]\n"
    assert yamlsafe.c_event_count(many, limits) == limits.max_events
    assert parse_document(many, limits).problems[0].message("manifest") == (
        "manifest has more than 50 YAML events (scalars, aliases, list and mapping starts and ends)"
    )
    two = "a: 1\n---\nb: 2\n" + "c: [" * 1000
    assert yamlsafe.c_event_count(two, limits) == 7  # stream, document, mapping, a, 1, two ends
    assert parse_document(two, limits).problems[0].code == "multi_document"
    assert parse_document("a: [[[[[[1]]]]]]\n", limits).problems[0].code == "too_deep"
    # Nodes after alias expansion: composed from the C events, refused while copying.
    bomb = "a: &a [1, 1, 1, 1]\nb: &b [*a, *a, *a, *a]\nc: &c [*b, *b, *b, *b]\nd: [*c, *c, *c, *c]\n"

    def no_pure(*_: object) -> None:
        raise AssertionError("the pure parser was used")

    monkeypatch.setattr(yamlsafe, "_pure_events", no_pure)
    (problem,) = parse_document(bomb, limits).problems
    assert (problem.code, problem.line) == ("too_many_nodes", 3)
    assert parse_document("a: 1\n", limits).data == {"a": 1}


def test_size_is_bounded_before_parsing(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("a: 1\n" * 100, encoding="utf-8")
    document = yamlsafe.load_document(big, Limits(max_bytes=99))
    assert [p.message("rule pack") for p in document.problems] == ["rule pack is 500 bytes, over the limit of 99 bytes"]


def test_problems_are_worded_by_the_caller() -> None:
    (problem,) = parse_documents("a: &a [1, 1]\nb: [*a, *a, *a]\n", Limits(max_nodes=5))[0].problems
    assert problem.kind == "limit"
    assert problem.message("rule pack") == (
        "rule pack expands to more than 5 nodes (an alias/anchor bomb or a far too large document)"
    )
    (multi,) = parse_document("a: 1\n---\nb: 2\n").problems
    assert (multi.kind, multi.line) == ("invalid", 2)
    assert multi.message("catalog file") == "catalog file holds more than one YAML document; keep one catalog file per file"


def test_one_budget_per_file_not_per_document() -> None:
    text = "---\n" + "a: [1, 2, 3]\n---\n" * 10
    limits = Limits(max_events=40)
    assert parse_documents("a: [1, 2, 3]\n", limits)[0].data == {"a": [1, 2, 3]}  # one is well within
    (refused,) = parse_documents(text, limits)
    assert refused.data is None and refused.problems[0].code == "too_many_events"
