"""CODEOWNERS: find the file, parse it, and answer "who owns this path?" (last match wins).

Patterns follow GitHub's documented CODEOWNERS semantics (a subset of gitignore):
- a leading `/` anchors to the CODEOWNERS root; a `/` inside the pattern anchors it too; a pattern
  without a `/` (except a trailing one) matches at any depth (`*.py`, `apps/`, `docs`);
- `*` and `?` never cross `/`; `**` crosses folders (`**/logs`, `/build/**`, `a/**/b`);
- a pattern naming a folder owns everything below it (`/docs/`, `apps`), but a last segment with
  a wildcard matches one level only (`docs/*` owns `docs/a.md`, not `docs/x/b.md`);
- `\\#` and `\\ ` escape; `!negation` and `[ranges]` are not supported by GitHub, so a `!` line
  never matches and brackets are literal;
- a pattern with no owners un-assigns the path; matching is case-sensitive.
GitLab `[Section]` headers are read as comments (all rules form one list).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..checks.evidence_paths import inside_repo, read_doc

# GitHub's search order, then GitLab's extra location.
LOCATIONS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS")
_SECTION = re.compile(r"^\^?\[[^\]]+\](\[\d+\])?")


@dataclass(frozen=True)
class OwnerRule:
    pattern: str
    owners: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class Codeowners:
    path: Path
    root: Path  # patterns are relative to this folder
    rules: tuple[OwnerRule, ...]

    def owner_rule(self, relative_path: str) -> OwnerRule | None:
        """The last rule whose pattern matches the '/'-separated path, or None."""
        for rule in reversed(self.rules):
            if pattern_matches(rule.pattern, relative_path):
                return rule
        return None


def find_codeowners(start: Path, repo_root: Path) -> Path | None:
    """The nearest CODEOWNERS from `start` up to the repository root (GitHub's order per folder).

    Nearest first, so a vendored or example sub-project with its own CODEOWNERS is judged by it.
    """
    folder = start
    while True:
        for location in LOCATIONS:
            candidate = folder / location
            if candidate.is_file() and inside_repo(candidate, repo_root):
                return candidate
        if folder == repo_root or folder.parent == folder:
            return None
        folder = folder.parent


def _split_unescaped(line: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    index = 0
    while index < len(line):
        char = line[index]
        if char == "\\" and index + 1 < len(line):
            current.append("\\" + line[index + 1])
            index += 2
            continue
        if char in " \t":
            if current:
                parts.append("".join(current))
                current = []
        elif char == "#" and not current:
            break  # an inline comment starts a new token with '#'
        else:
            current.append(char)
        index += 1
    if current:
        parts.append("".join(current))
    return parts


def parse_codeowners(text: str) -> tuple[OwnerRule, ...]:
    rules: list[OwnerRule] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#") or _SECTION.match(line):
            continue
        tokens = _split_unescaped(line)
        if not tokens:
            continue
        rules.append(OwnerRule(tokens[0], tuple(tokens[1:]), number))
    return tuple(rules)


def load_codeowners(path: Path, root: Path) -> Codeowners | None:
    text = read_doc(path)
    if text is None:
        return None
    # GitHub reads CODEOWNERS relative to the repository (the folder holding .github/ or docs/).
    return Codeowners(path, root, parse_codeowners(text))


_ANY_DEPTH = "**"  # a segment standing for zero or more whole path segments


@dataclass(frozen=True)
class CompiledPattern:
    """A CODEOWNERS pattern as path segments, matched without regular expressions.

    Segments are globs (`*`, `?`, escapes) or `**`; the matcher below runs in time
    O(pattern segments x path segments x segment length), so no pattern can make it backtrack
    exponentially (a 34-byte line of `*a*a*...` used to hang a regex engine; issue 10).
    """

    segments: tuple[tuple[str, ...] | str, ...]  # each a glob as tokens, or "**"


def _glob_tokens(segment: str) -> tuple[str, ...]:
    """A segment glob as tokens: "*" (any run), "?" (one character) or a literal character.
    Runs of `*` collapse into one: `a**b` inside a segment means the same as `a*b`."""
    tokens: list[str] = []
    index = 0
    while index < len(segment):
        char = segment[index]
        if char == "\\" and index + 1 < len(segment):
            tokens.append("\\" + segment[index + 1])
            index += 2
            continue
        if char == "*":
            if not tokens or tokens[-1] != "*":
                tokens.append("*")
        elif char == "?":
            tokens.append("?")
        else:
            tokens.append("\\" + char)
        index += 1
    return tuple(tokens)


def _segment_matches(tokens: tuple[str, ...], name: str) -> bool:
    """Classic wildcard matching with one backtrack point (the last `*`): O(len(tokens) * len(name))."""
    t = n = 0
    star_t, star_n = -1, 0
    while n < len(name):
        if t < len(tokens) and (tokens[t] == "?" or (tokens[t] != "*" and tokens[t][1] == name[n])):
            t += 1
            n += 1
        elif t < len(tokens) and tokens[t] == "*":
            star_t, star_n = t, n
            t += 1
        elif star_t >= 0:
            t = star_t + 1
            star_n += 1
            n = star_n
        else:
            return False
    while t < len(tokens) and tokens[t] == "*":
        t += 1
    return t == len(tokens)


def _segments_match(pattern: tuple[tuple[str, ...] | str, ...], path: list[str]) -> bool:
    """Whether the path segments match the pattern segments; `**` spans zero or more segments.
    Dynamic programming over (pattern index, path index): polynomial whatever the pattern."""
    # reachable[j]: the first i pattern segments can match the first j path segments.
    reachable = [True] + [False] * len(path)
    for segment in pattern:
        if segment == _ANY_DEPTH:
            for j in range(1, len(path) + 1):
                reachable[j] = reachable[j] or reachable[j - 1]
            continue
        following = [False] * (len(path) + 1)
        for j in range(1, len(path) + 1):
            following[j] = reachable[j - 1] and _segment_matches(segment, path[j - 1])  # type: ignore[arg-type]
        reachable = following
    return reachable[len(path)]


@lru_cache(maxsize=1024)
def compile_pattern(pattern: str) -> CompiledPattern | None:
    if pattern.startswith("!"):
        return None  # negation is not supported by GitHub: such a line owns nothing
    anchored = pattern.startswith("/") or "/" in pattern.rstrip("/")
    body = pattern.strip("/")
    if not body:
        return None
    directory_only = pattern.endswith("/")
    raw_segments = body.split("/")  # an empty segment (`a//b`) matches no real path, as before
    segments: list[tuple[str, ...] | str] = []
    if not anchored:
        segments.append(_ANY_DEPTH)  # no slash: matches at any depth
    for segment in raw_segments:
        if segment == _ANY_DEPTH:
            if not segments or segments[-1] != _ANY_DEPTH:
                segments.append(_ANY_DEPTH)
        else:
            segments.append(_glob_tokens(segment))
    last_segment = raw_segments[-1]
    if last_segment == _ANY_DEPTH:
        segments.append(("*",))  # `/build/**` owns what is below build/, at least one segment
        segments.append(_ANY_DEPTH)
    elif directory_only:
        segments.append(("*",))  # a folder pattern owns what is below it, not a file of that name
        segments.append(_ANY_DEPTH)
    elif re.search(r"(?<!\\)[*?]", last_segment):
        pass  # GitHub: `docs/*` does not descend into docs/x/
    else:
        segments.append(_ANY_DEPTH)  # a plain name owns the file, or the folder and all below it
    return CompiledPattern(tuple(segments))


def pattern_matches(pattern: str, relative_path: str) -> bool:
    compiled = compile_pattern(pattern)
    return compiled is not None and _segments_match(compiled.segments, relative_path.split("/"))


def normalise_team(name: str) -> str:
    """Compare team handles loosely: `@acme/fraud-ml`, `acme/fraud-ml`, `group:default/fraud-ml`,
    `group:fraud-ml` and `fraud-ml` are the same team (case-insensitive, last path segment)."""
    text = name.strip().lower()
    text = text.removeprefix("@")
    if ":" in text and "@" not in text:
        kind, _, rest = text.partition(":")
        if kind in {"group", "user", "team"}:
            text = rest
    return text.rsplit("/", 1)[-1]


def same_team(a: str, b: str) -> bool:
    return bool(a.strip()) and normalise_team(a) == normalise_team(b)


def owners_include(owners: Sequence[str], team: str) -> bool:
    return any(same_team(owner, team) for owner in owners)
