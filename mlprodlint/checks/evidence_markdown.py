"""Just enough Markdown: front matter, heading anchors (GitHub slug rules), empty templates."""

from __future__ import annotations

from functools import lru_cache

import re
import unicodedata
from dataclasses import dataclass

_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^\s{0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
_CLOSING_HASHES = re.compile(r"(?:^|[ \t]+)#+[ \t]*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_HTML_ANCHOR = re.compile(r"<a\s[^>]*?\b(?:name|id)\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)
_ATTR_ID = re.compile(r"\{#([\w:.-]+)\}\s*$")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_HTML_TAG = re.compile(r"<[^>]+>")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_PLACEHOLDER_LINE = re.compile(r"\b(TODO|TBD|TBC|FIXME|XXX)\b|lorem ipsum|\bplaceholder\b", re.IGNORECASE)
_PLACEHOLDER_TOKEN = re.compile(r"<[^<>\n]{1,60}>|\{\{[^{}\n]*\}\}|\[(?:insert|describe|add|your)[^\]\n]*\]", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_][\w'-]*")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


@dataclass(frozen=True)
class FrontMatter:
    text: str  # the YAML between the markers
    first_line: int  # file line of the first YAML line
    body: str
    body_first_line: int


def split_front_matter(text: str) -> FrontMatter | None:
    """YAML front matter between a leading `---` line and the next `---` (or `...`) line."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return FrontMatter("".join(lines[1:index]), 2, "".join(lines[index + 1 :]), index + 2)
    return None


def github_slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = _LINK.sub(r"\1", heading)
    text = _HTML_TAG.sub("", text).strip().lower()
    kept = []
    for char in text:
        if char in " -_" or unicodedata.category(char)[0] in "LNM":
            kept.append(char)
    return "".join(kept).replace(" ", "-")


def _body_lines(text: str) -> list[str]:
    front = split_front_matter(text)
    body = front.body if front is not None else text
    return body.splitlines()


def anchors(text: str) -> list[str]:
    return list(_anchors(text))


@lru_cache(maxsize=256)  # several rules ask about the same document (a file's text is read once per run)
def _anchors(text: str) -> tuple[str, ...]:
    """Every anchor a rendered Markdown document offers, in document order (GitHub semantics).

    Headings get slugs, repeated slugs get -1, -2, ... suffixes; explicit `<a name|id=...>` and
    `{#id}` anchors count too. Headings inside fenced code blocks are not headings.
    """
    found: list[str] = []
    counts: dict[str, int] = {}

    def add_heading(heading: str) -> None:
        explicit = _ATTR_ID.search(heading)
        if explicit:
            found.append(explicit.group(1))
            heading = heading[: explicit.start()]
        slug = github_slug(heading)
        if slug in counts:
            counts[slug] += 1
            found.append(f"{slug}-{counts[slug]}")
        else:
            counts[slug] = 0
            found.append(slug)

    fence: str | None = None
    previous = ""
    for line in _body_lines(text):
        opening = _FENCE.match(line)
        if fence is not None:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
            previous = ""
            continue
        if opening:
            fence = opening.group(1)
            previous = ""
            continue
        found.extend(_HTML_ANCHOR.findall(line))
        atx = _ATX.match(line)
        if atx:
            add_heading(_CLOSING_HASHES.sub("", atx.group(2) or ""))
            previous = ""
            continue
        if previous.strip() and _SETEXT.match(line) and not _TABLE_RULE.match(previous):
            add_heading(previous.strip())
            previous = ""
            continue
        previous = line
    return tuple(found)


def has_anchor(text: str, anchor: str) -> bool:
    from urllib.parse import unquote

    wanted = unquote(anchor).strip().lower()
    return any(candidate.lower() == wanted for candidate in anchors(text))


@lru_cache(maxsize=256)  # a pure function of the text; several rules count the same document
def prose_words(text: str) -> int:
    """Words of real prose: headings, placeholder lines (TODO, TBD, lorem ipsum), `<fill me>`
    tokens, HTML comments, table rules and front matter do not count."""
    body = _HTML_COMMENT.sub("", "\n".join(_body_lines(text)))
    count = 0
    for line in body.splitlines():
        if _ATX.match(line) or _SETEXT.match(line) or _TABLE_RULE.match(line):
            continue
        if _PLACEHOLDER_LINE.search(line):
            continue
        line = _PLACEHOLDER_TOKEN.sub(" ", _LINK.sub(r"\1", line))
        count += len(_WORD.findall(line))
    return count


def is_lorem(text: str) -> bool:
    return "lorem ipsum" in text.lower()
