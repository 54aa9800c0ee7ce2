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

from .evidence_paths import inside_repo, read_doc

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


def _segment_regex(segment: str) -> str:
    out: list[str] = []
    index = 0
    while index < len(segment):
        char = segment[index]
        if char == "\\" and index + 1 < len(segment):
            out.append(re.escape(segment[index + 1]))
            index += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        else:
            out.append(re.escape(char))
        index += 1
    return "".join(out)


@lru_cache(maxsize=1024)
def compile_pattern(pattern: str) -> re.Pattern[str] | None:
    if pattern.startswith("!"):
        return None  # negation is not supported by GitHub: such a line owns nothing
    anchored = pattern.startswith("/") or "/" in pattern.rstrip("/")
    body = pattern.strip("/")
    if not body:
        return None
    directory_only = pattern.endswith("/")
    segments = body.split("/")
    parts: list[str] = ["^"]
    if not anchored:
        parts.append("(?:.*/)?")
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == "**":
            parts.append(".*" if last else "(?:.*/)?")
            continue
        parts.append(_segment_regex(segment))
        if not last:
            parts.append("/")
    last_segment = segments[-1]
    if last_segment == "**":
        parts.append("$")
    elif directory_only:
        parts.append("/.*$")  # a folder pattern owns what is below it, not a file of that name
    elif re.search(r"(?<!\\)[*?]", last_segment):
        parts.append("$")  # GitHub: `docs/*` does not descend into docs/x/
    else:
        parts.append("(?:/.*)?$")  # a plain name owns the file, or the folder and all below it
    return re.compile("".join(parts))


def pattern_matches(pattern: str, relative_path: str) -> bool:
    compiled = compile_pattern(pattern)
    return compiled is not None and compiled.match(relative_path) is not None


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
