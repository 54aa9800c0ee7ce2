"""Referenced evidence exists: files inside the repo, real heading anchors, not empty templates."""

from __future__ import annotations

from collections.abc import Iterator
from .base import CheckContext, NothingToCheck, Violation
from .evidence_markdown import anchors, has_anchor, is_lorem, prose_words
from .evidence_paths import RefKind, Reference, read_doc, relative_display, resolve_reference
from .fieldpath import Match, is_empty, resolve
from ..repo_walk import is_glob

def references(ctx: CheckContext, paths: list[str]) -> Iterator[tuple[Match, Reference]]:
    """Every present string reference at the named paths, resolved against the manifest folder."""
    for field_path in paths:
        for match in resolve(ctx.manifest, field_path):
            if match.present and isinstance(match.value, str) and not is_empty(match.value):
                yield match, resolve_reference(match.value, ctx.manifest_dir, ctx.repo_root)


def references_exist(ctx: CheckContext, /, paths: list[str], check_anchors: bool = True) -> Iterator[Violation | NothingToCheck]:
    found = list(references(ctx, paths))
    if not found:  # nothing referenced: nothing examined, never a pass
        yield NothingToCheck(f"none of {', '.join(paths)} is declared")
        return
    for match, ref in found:
        if ref.kind is RefKind.URL:
            continue  # no network: a URL is taken on trust
        if is_glob(ref.text):
            continue  # a glob is expanded by the rule that reads the files (ALR042: "matches no file")
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
        if check_anchors and ref.anchor and ref.is_markdown:
            text = read_doc(ref.path)
            if text is not None and not has_anchor(text, ref.anchor):
                offered = ", ".join(f"#{a}" for a in anchors(text)[:8]) or "none"
                yield Violation(
                    match.pointer,
                    f"{match.display}: {shown} has no heading for #{ref.anchor} (anchors: {offered})",
                )



def documents_not_templates(ctx: CheckContext, /, paths: list[str], min_words: int = 25) -> Iterator[Violation | NothingToCheck]:
    seen: set[str] = set()
    found = list(references(ctx, paths))
    if not any(ref.kind is RefKind.INSIDE and ref.is_markdown and ref.exists for _, ref in found):
        # No Markdown document in the repository to read (none declared, URLs, missing files).
        yield NothingToCheck(f"no Markdown document in the repository at {', '.join(paths)}")
        return
    for match, ref in found:
        if ref.kind is not RefKind.INSIDE or not ref.is_markdown or not ref.exists:
            continue  # missing or escaping references are another rule's finding
        assert ref.path is not None
        text = read_doc(ref.path)
        if text is None:
            continue
        shown = relative_display(ref.path, ctx.repo_root)
        key = f"{match.pointer}\0{shown}"
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
