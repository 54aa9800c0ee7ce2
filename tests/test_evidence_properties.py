"""Issue 10.5, as properties: repository text (CODEOWNERS patterns, Markdown, model cards) is read
in bounded time and never crashes, whatever it holds."""

from __future__ import annotations

import re
import time
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from mlprodlint.repo.codeowners import parse_codeowners, pattern_matches
from mlprodlint.checks.evidence_markdown import anchors, placeholder_sections, prose_words, strip_links
from mlprodlint.checks.evidence_modelcard import card_terms, metric_forms, parse_card

PATTERN_CHARS = st.sampled_from(["a", "b", "*", "**", "?", "/", "\\*", "\\", ".", "!", "[", "]", " "])
PATH_SEGMENTS = st.lists(st.text(alphabet="ab*?.[]", min_size=1, max_size=4), min_size=1, max_size=5)
MARKDOWN = st.lists(
    st.sampled_from(list("[]()<>!-#|=`~ \t\n*{}:_a1") + ["<!--", "-->", "<a ", 'name="x"', "TODO", "```", "---\n"]),
    max_size=200,
).map("".join)


def _reference(pattern: str, path: str) -> bool:
    """GitHub's CODEOWNERS semantics written as the regular expression the matcher replaced
    (exponential on hostile patterns, exact on small ones): the oracle for small inputs."""
    if pattern.startswith("!"):
        return False
    anchored = pattern.startswith("/") or "/" in pattern.rstrip("/")
    body = pattern.strip("/")
    if not body:
        return False
    segments = body.split("/")
    parts = ["^"] + ([] if anchored else ["(?:.*/)?"])
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == "**":
            parts.append(".*" if last else "(?:.*/)?")
            continue
        out, i = [], 0
        while i < len(segment):
            if segment[i] == "\\" and i + 1 < len(segment):
                out.append(re.escape(segment[i + 1]))
                i += 2
                continue
            out.append("[^/]*" if segment[i] == "*" else "[^/]" if segment[i] == "?" else re.escape(segment[i]))
            i += 1
        parts.append("".join(out) + ("" if last else "/"))
    if segments[-1] == "**":
        parts.append("$")
    elif pattern.endswith("/"):
        parts.append("/.*$")
    elif re.search(r"(?<!\\)[*?]", segments[-1]):
        parts.append("$")
    else:
        parts.append("(?:/.*)?$")
    return re.match("".join(parts), path) is not None


@settings(max_examples=400, deadline=None)
@given(st.lists(PATTERN_CHARS, min_size=1, max_size=8).map("".join), PATH_SEGMENTS.map("/".join))
def test_codeowners_matcher_agrees_with_github_semantics(pattern: str, path: str) -> None:
    assert pattern_matches(pattern, path) is _reference(pattern, path)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["*", "a", "*a", "?", "**/", "b"]), min_size=10, max_size=40).map("".join),
       st.integers(min_value=20, max_value=200))
def test_codeowners_matcher_is_never_slow(pattern: str, length: int) -> None:
    started = time.monotonic()
    pattern_matches(pattern, "/".join(["a" * length] * 3))
    pattern_matches(pattern + "b", "a" * length * 3)
    assert time.monotonic() - started < 1.0
    assert parse_codeowners(pattern + " @team\n")[0].owners == ("@team",)


@settings(max_examples=200, deadline=None)
@given(MARKDOWN)
def test_markdown_scanning_is_total_and_linear(text: str) -> None:
    long = text * max(1, 20_000 // max(1, len(text)))  # the same shape, ~20k characters on few lines
    started = time.monotonic()
    for document in (text, long):
        assert isinstance(anchors(document), list)
        assert prose_words(document) >= 0
        for section, what in placeholder_sections(document):
            assert section.line >= 1 and what
        strip_links(document)
        terms = card_terms(parse_card(Path("card.md"), document))
        any(terms.mentions(form) for form in metric_forms("roc_auc"))
    assert time.monotonic() - started < 5.0
