"""Just enough Markdown: front matter, heading anchors (GitHub slug rules), empty templates."""

from __future__ import annotations

from functools import lru_cache

import re
import unicodedata
from dataclasses import dataclass

# Every pattern here sees repository content, so each runs in linear time (issue 10): matches are
# anchored at the line start with bounded or unambiguous repetition, and the constructs whose
# natural regex backtracks (links, tags, comments, closing hashes, table rules) are scanned by hand.
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]|$)")
_SETEXT = re.compile(r"^ {0,3}(?:=+|-+)$")
_HTML_ANCHOR_ATTR = re.compile(r"\b(?:name|id)[ \t]*=[ \t]*[\"']([^\"'<>]{1,200})[\"']", re.IGNORECASE)
_ATTR_ID = re.compile(r"\{#([\w:.-]{1,200})\}$")
_PLACEHOLDER_LINE = re.compile(
    r"\b(TODO|TBD|TBC|FIXME|XXX)\b|lorem ipsum|\bplaceholder\b"
    r"|\bmore\s{1,3}info(?:rmation)?\s{1,3}(?:is\s{1,3})?needed\b|\bneeds?\s{1,3}more\s{1,3}info(?:rmation)?\b",
    re.IGNORECASE,
)
_PLACEHOLDER_TOKEN = re.compile(
    r"<[^<>\n]{1,60}>|\{\{[^{}\n]{0,200}\}\}|\[(?:insert|describe|add|your)[^\[\]\n]{0,200}\]", re.IGNORECASE
)
# `<team name>`, `{{ owner }}`, `[insert ...]`: but not an autolink (`<https://...>`), an address
# or an HTML tag with attributes, which are content.
_FILL_ME = re.compile(
    r"<[^<>\n:/@=]{1,60}>|\{\{[^{}\n]{0,200}\}\}|\[(?:insert|describe|add|your)[^\[\]\n]{0,200}\]", re.IGNORECASE
)
_LEADING_MARKER = re.compile(r"^[\s>*_`\[(|-]{0,8}(?:TODO|TBD|TBC|FIXME|XXX)\b", re.IGNORECASE)
_GENERATED_PLACEHOLDER = re.compile(
    r"lorem ipsum|\bmore\s{1,3}info(?:rmation)?\s{1,3}(?:is\s{1,3})?needed\b|\bneeds?\s{1,3}more\s{1,3}info(?:rmation)?\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_][\w'-]*")
_TABLE_CELL = re.compile(r":?-{2,}:?")


def _atx(line: str) -> str | None:
    """The text of an ATX heading line (`## Title ##` -> "Title"), or None if it is not one."""
    found = _ATX.match(line)
    if not found:
        return None
    text = line[found.end() :].strip(" \t")
    # A closing run of '#' is dropped when it stands alone or follows a space (CommonMark).
    stripped = text.rstrip("#")
    if stripped != text and (not stripped or stripped[-1] in " \t"):
        text = stripped.rstrip(" \t")
    return text


def _is_setext(line: str) -> bool:
    return _SETEXT.match(line.rstrip()) is not None


def _is_table_rule(line: str) -> bool:
    """`| --- | :---: |` style separator rows (hand-split: the one-regex form backtracks)."""
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|"):
        text = text[:-1]
    cells = text.split("|")
    return bool(text) and all(_TABLE_CELL.fullmatch(cell.strip()) for cell in cells)


def strip_links(text: str) -> str:
    """`[label](target)` and `![alt](src)` -> label / alt, scanned left to right once."""
    out: list[str] = []
    index, length = 0, len(text)
    while index < length:
        open_at = text.find("[", index)
        if open_at < 0:
            break
        close = text.find("]", open_at + 1)
        if close < 0:
            break
        inner_open = text.rfind("[", open_at + 1, close)
        if inner_open >= 0:  # `[a [b](c)`: the link starts at the innermost bracket
            open_at = inner_open
        if close + 1 < length and text[close + 1] == "(":
            end = text.find(")", close + 2)
            if end < 0:
                break
            start = open_at - 1 if open_at > 0 and text[open_at - 1] == "!" and open_at - 1 >= index else open_at
            out.append(text[index:start])
            out.append(text[open_at + 1 : close])
            index = end + 1
        else:
            out.append(text[index : close + 1])
            index = close + 1
    out.append(text[index:])
    return "".join(out)


def strip_tags(text: str) -> str:
    """Text without `<...>` HTML tags (a `<` with no `>` after it is kept as text)."""
    out: list[str] = []
    index = 0
    while True:
        open_at = text.find("<", index)
        if open_at < 0:
            break
        close = text.find(">", open_at + 1)
        if close < 0:
            break
        if close == open_at + 1:  # "<>" is not a tag
            out.append(text[index : close + 1])
        else:
            out.append(text[index:open_at])
        index = close + 1
    out.append(text[index:])
    return "".join(out)


def strip_comments(text: str) -> str:
    """Text without `<!-- ... -->` comments; an unterminated comment runs to the end."""
    out: list[str] = []
    index = 0
    while True:
        open_at = text.find("<!--", index)
        if open_at < 0:
            break
        out.append(text[index:open_at])
        close = text.find("-->", open_at + 4)
        if close < 0:
            return "".join(out)
        # Keep the comment's line breaks so that line numbers after it stay right.
        out.append("\n" * text.count("\n", open_at, close))
        index = close + 3
    out.append(text[index:])
    return "".join(out)


def html_anchors(line: str) -> list[str]:
    """`name`/`id` values of `<a ...>` tags in a line; each tag is scanned once."""
    found: list[str] = []
    index = 0
    lower = line.lower()
    while True:
        open_at = lower.find("<a", index)
        if open_at < 0:
            return found
        close = line.find(">", open_at + 2)
        if close < 0:
            return found
        tag = line[open_at + 2 : close]
        if tag[:1] in (" ", "\t", "\n"):
            found.extend(_HTML_ANCHOR_ATTR.findall(tag[:2000]))
        index = close + 1


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
    text = strip_tags(strip_links(heading)).strip().lower()
    kept = []
    for char in text:
        if char in " -_" or unicodedata.category(char)[0] in "LNM":
            kept.append(char)
    return "".join(kept).replace(" ", "-")


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
        heading = heading.rstrip()
        explicit = _ATTR_ID.search(heading[-210:])
        if explicit:
            found.append(explicit.group(1))
            heading = heading[: len(heading) - len(heading[-210:]) + explicit.start()]
        slug = github_slug(heading)
        if slug in counts:
            counts[slug] += 1
            found.append(f"{slug}-{counts[slug]}")
        else:
            counts[slug] = 0
            found.append(slug)

    for block in _blocks(text):
        if block.kind in ("heading", "text"):
            found.extend(html_anchors(block.text))
        if block.kind == "heading":
            add_heading(block.text)
    return tuple(found)


@dataclass(frozen=True)
class Block:
    kind: str  # "heading" (text = the heading's text), "text", "fence" (in or around a fence), "blank"
    text: str
    line: int
    level: int = 0  # heading level (setext: 1 for ===, 2 for ---)


def _blocks(text: str) -> list[Block]:
    """One Block per body line (front matter skipped), code fences recognised.

    Setext headings (`Title` over `===`) turn the previous text line into a heading.
    """
    front = split_front_matter(text)
    body = front.body if front is not None else text
    offset = front.body_first_line if front is not None else 1
    blocks: list[Block] = []
    fence: str | None = None
    for number, line in enumerate(body.splitlines(), start=offset):
        opening = _FENCE.match(line)
        if fence is not None:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
            blocks.append(Block("fence", line, number))
            continue
        if opening:
            fence = opening.group(1)
            blocks.append(Block("fence", line, number))
            continue
        heading = _atx(line)
        if heading is not None:
            level = len(_ATX.match(line).group(1))  # type: ignore[union-attr]  # _atx matched it
            blocks.append(Block("heading", heading, number, level))
            continue
        previous = blocks[-1] if blocks else None
        if (
            previous is not None and previous.kind == "text" and _is_setext(line)
            and not _is_table_rule(previous.text)
        ):
            level = 1 if line.strip().startswith("=") else 2
            blocks[-1] = Block("heading", previous.text.strip(), previous.line, level)
            continue
        blocks.append(Block("text" if line.strip() else "blank", line, number))
    return blocks


def has_anchor(text: str, anchor: str) -> bool:
    from urllib.parse import unquote

    wanted = unquote(anchor).strip().lower()
    return any(candidate.lower() == wanted for candidate in anchors(text))


@lru_cache(maxsize=256)  # a pure function of the text; several rules count the same document
def prose_words(text: str) -> int:
    """Words of real prose: headings, placeholder lines (TODO, TBD, lorem ipsum), `<fill me>`
    tokens, HTML comments, table rules and front matter do not count."""
    count = 0
    for block in _blocks(strip_comments(text)):
        line = block.text
        if block.kind not in ("text", "fence") or _is_setext(line) or _is_table_rule(line):
            continue
        if _PLACEHOLDER_LINE.search(line):
            continue
        count += len(_WORD.findall(_PLACEHOLDER_TOKEN.sub(" ", strip_links(line))))
    return count


def is_placeholder(line: str) -> bool:
    """A line that only stands in for text: one that starts with TODO/TBD/TBC/FIXME/XXX, says
    "More information needed" or lorem ipsum, or has at most three words besides placeholder
    markers and `<fill me>` / `[insert ...]` tokens. ("The placeholder values are replaced at
    deploy time." is prose.)"""
    text = _FILL_ME.sub(" ", line)
    if _LEADING_MARKER.match(text) or _GENERATED_PLACEHOLDER.search(text):
        return True
    marked = text != line or _PLACEHOLDER_LINE.search(text) is not None  # a token or marker was there
    return (marked and len(_WORD.findall(_PLACEHOLDER_LINE.sub(" ", text))) <= 3) or not text.strip(" \t-*_.:>|")


@dataclass(frozen=True)
class Section:
    heading: str
    line: int
    level: int
    body: tuple[str, ...]  # non-blank lines up to the next heading, HTML comments removed
    anchors: tuple[str, ...] = ()  # the heading's slug (and explicit {#id}), as anchors() gives them


def sections(text: str) -> list[Section]:
    return list(_sections(text))


@lru_cache(maxsize=256)  # a pure function of the text; several rules read the same document
def _sections(text: str) -> tuple[Section, ...]:
    found: list[tuple[Block, list[str]]] = []
    for block in _blocks(strip_comments(text)):
        if block.kind == "heading":
            found.append((block, []))
        elif block.kind in ("text", "fence") and found and block.text.strip():
            found[-1][1].append(block.text.strip())
    counts: dict[str, int] = {}
    listed: list[Section] = []
    for block, body in found:
        heading = block.text.rstrip()
        names: list[str] = []
        explicit = _ATTR_ID.search(heading[-210:])
        if explicit:
            names.append(explicit.group(1))
            heading = heading[: len(heading) - len(heading[-210:]) + explicit.start()]
        slug = github_slug(heading)
        counts[slug] = counts.get(slug, -1) + 1
        names.append(f"{slug}-{counts[slug]}" if counts[slug] else slug)
        listed.append(Section(block.text, block.line, block.level, tuple(body), tuple(names)))
    return tuple(listed)


def placeholder_sections(text: str, anchor: str = "") -> list[tuple[Section, str]]:
    """Sections that are still a template, with what they hold: only placeholder lines ("More
    information needed", TODO, TBD, lorem ipsum), or a heading with no text and no sub-section.

    With an `anchor`, only the section it names and its sub-sections are judged (a runbook link
    to `#high-error-rate` is about that section); an anchor with no heading judges nothing.
    """
    listed = sections(text)
    chosen = range(len(listed))
    if anchor:
        from urllib.parse import unquote

        wanted = unquote(anchor).strip().lower()
        start = next((i for i, sec in enumerate(listed) if wanted in (a.lower() for a in sec.anchors)), None)
        if start is None:
            return []
        end = start + 1
        while end < len(listed) and listed[end].level > listed[start].level:
            end += 1
        chosen = range(start, end)
    found: list[tuple[Section, str]] = []
    for index in chosen:
        section = listed[index]
        if section.body:
            if all(is_placeholder(line) for line in section.body):
                found.append((section, f"'{section.body[0][:60]}'"))
            continue
        following = listed[index + 1] if index + 1 < len(listed) else None
        if following is None or following.level <= section.level:
            found.append((section, "no text"))
    return found


def is_lorem(text: str) -> bool:
    return "lorem ipsum" in text.lower()
