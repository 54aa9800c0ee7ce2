"""Referenced evidence exists: files inside the repo, real heading anchors, not empty templates."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from .base import CheckContext, Examined, NothingToCheck, Violation
from .evidence_markdown import anchors, has_anchor, is_lorem, placeholder_sections, prose_words
from .evidence_paths import RefKind, Reference, read_doc, relative_display, resolve_reference
from .fieldpath import Match, is_empty, resolve
from ..repo import documents as doccache
from ..repo.walk import is_glob

def references(ctx: CheckContext, paths: list[str]) -> Iterator[tuple[Match, Reference]]:
    """Every present string reference at the named paths, resolved against the manifest folder."""
    for field_path in paths:
        for match in resolve(ctx.manifest, field_path):
            if match.present and isinstance(match.value, str) and not is_empty(match.value):
                yield match, resolve_reference(match.value, ctx.manifest_dir, ctx.repo_root)


def _blank(path: Path) -> bool:
    """True for a file with nothing but white space in its first 4 KiB (and no more after)."""
    return doccache.fact(path, "blank", lambda: _read_blank(path))


def _read_blank(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
            return not head.strip() and not handle.read(1)
    except OSError:
        return False


def _listed(names: list[str], limit: int = 5) -> str:
    unique = list(dict.fromkeys(names))
    return ", ".join(unique[:limit]) + (f" and {len(unique) - limit} more" if len(unique) > limit else "")


def _declared(paths: list[str]) -> str:
    """The field paths for a reason: `a.b[]` is named `a.b`, each once."""
    names = [p[:-2] if p.endswith("[]") else p for p in paths]
    return ", ".join(dict.fromkeys(names))


def references_exist(
    ctx: CheckContext, /, paths: list[str], check_anchors: bool = True
) -> Iterator[Violation | NothingToCheck]:
    urls = files = 0
    read: list[str] = []
    for match, ref in references(ctx, paths):
        if ref.kind is RefKind.URL:
            urls += 1
            continue  # no network: a URL is taken on trust
        if is_glob(ref.text):
            continue  # a glob is expanded by the rule that reads the files (ALR042: "matches no file")
        files += 1
        if ref.kind is RefKind.OUTSIDE:
            yield Violation(match.pointer, f"{match.display} '{ref.text}' {ref.why_outside}; it was not read")
            continue
        assert ref.path is not None
        shown = relative_display(ref.path, ctx.repo_root)
        if ref.path.is_dir():
            yield Violation(match.pointer, f"{match.display} points at the folder {shown}/, not a file")
            continue
        if not ref.path.is_file():
            yield Violation(match.pointer, f"{match.display} points at {shown}, which does not exist")
            continue
        read.append(shown + (f"#{ref.anchor}" if ref.anchor else ""))
        if _blank(ref.path):
            # An emptied file (a commit that truncates the model card) is no evidence either.
            yield Violation(match.pointer, f"{match.display} points at {shown}, which is empty")
            continue
        if check_anchors and ref.anchor and ref.is_markdown:
            text = read_doc(ref.path)
            if text is not None and not has_anchor(text, ref.anchor):
                offered = ", ".join(f"#{a}" for a in anchors(text)[:8]) or "none"
                yield Violation(
                    match.pointer,
                    f"{match.display}: {shown} has no heading for #{ref.anchor} (anchors: {offered})",
                )
    if read:
        yield Examined(_listed(read))
    if not files:  # only URLs (never fetched) or nothing at all: nothing was examined
        yield NothingToCheck(f"only URLs, which are not fetched, in {_declared(paths)}" if urls
                             else f"no {_declared(paths)} declared")



def documents_not_templates(
    ctx: CheckContext, /, paths: list[str], min_words: int = 25
) -> Iterator[Violation | NothingToCheck]:
    seen: set[str] = set()
    examined = 0
    read: list[str] = []
    for match, ref in references(ctx, paths):
        if ref.kind is not RefKind.INSIDE or not ref.is_markdown or not ref.exists:
            continue  # missing or escaping references are another rule's finding
        assert ref.path is not None
        text = read_doc(ref.path)
        if text is None:
            continue
        examined += 1
        shown = relative_display(ref.path, ctx.repo_root)
        read.append(shown + (f"#{ref.anchor}" if ref.anchor else ""))
        key = f"{match.pointer}\0{shown}#{ref.anchor}"
        if key in seen:
            continue
        seen.add(key)
        if is_lorem(text):
            yield Violation(match.pointer, f"{match.display}: {shown} still contains lorem ipsum filler")
            continue
        words = prose_words(text)
        if words < min_words:
            yield Violation(
                match.pointer,
                f"{match.display}: {shown} is an empty template ({words} words of prose besides "
                f"headings and TODO/TBD placeholders; needs at least {min_words})",
            )
            continue
        unfinished = placeholder_sections(text, ref.anchor)
        if unfinished:
            # A generated card ("More information needed" under each heading) has enough words
            # elsewhere (hyperparameters, framework versions) to pass a word count.
            listed = "; ".join(
                f"'{section.heading[:60]}' (line {section.line}): {what}" for section, what in unfinished[:3]
            )
            more = f" and {len(unfinished) - 3} more" if len(unfinished) > 3 else ""
            yield Violation(
                match.pointer,
                f"{match.display}: {shown} is still a template: {len(unfinished)} section(s) hold only a "
                f"placeholder or no text: {listed}{more}",
            )
    if read:
        yield Examined(_listed(read))
    if not examined:
        yield NothingToCheck(f"no Markdown document in the repository is referenced by {_declared(paths)}")
