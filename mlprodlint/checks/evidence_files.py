"""Referenced evidence exists: files inside the repo, real heading anchors, not empty templates."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from .base import CheckContext, Examined, NothingToCheck, Violation
from .evidence_markdown import anchors, has_anchor, is_lorem, placeholder_sections, prose_words
from .evidence_paths import RefKind, Reference, read_doc, relative_display, resolve_reference
from .fieldpath import Match, is_empty, resolve
from ..repo import documents as doccache
from ..repo.walk import glob_files, is_glob, walk_files

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


MAX_CODE_PATHS = 50  # metadata.paths entries looked at: a hostile list of thousands costs nothing
CODE_WALK_BUDGET = 20_000  # directory entries looked at over all entries' walks


def _has_file(folder: Path, repo_root: Path, budget: int) -> bool:
    """A folder counts when it holds a file (git tracks no empty folder); the walk is bounded,
    confined to the repository and never follows a symlinked folder."""
    return next(iter(walk_files(folder, repo_root, budget)), None) is not None


def _glob_matches(ctx: CheckContext, text: str) -> bool | None:
    """Whether a glob entry matches a file: the fixed leading folders are resolved like any path
    (so `../src/**/*.py` from a model folder works), the rest is globbed below them. None when
    it cannot be judged (the glob part climbs with `..`, or the prefix leaves the repository)."""
    segments = [s for s in text.replace("\\", "/").split("/") if s not in ("", ".")]
    fixed: list[str] = []
    while len(segments) > 1 and not is_glob(segments[0]) and segments[0] != "**":
        fixed.append(segments.pop(0))
    if ".." in segments:
        return None
    start = ctx.manifest_dir
    if fixed:
        ref = resolve_reference("/".join(fixed), ctx.manifest_dir, ctx.repo_root)
        if ref.kind is not RefKind.INSIDE or ref.path is None:
            return None
        if not ref.path.is_dir():
            return False
        start = ref.path
    return bool(glob_files(start, "/".join(segments), ctx.repo_root, max_matches=1))


def code_paths_exist(ctx: CheckContext, /) -> Iterator[Violation | NothingToCheck | Examined]:
    """Every metadata.paths entry (a folder, file or glob relative to the manifest's folder)
    matches at least one file in the repository."""
    matches = [m for m in resolve(ctx.manifest, "metadata.paths[]")
               if m.present and isinstance(m.value, str) and not is_empty(m.value)][:MAX_CODE_PATHS]
    if not matches:
        yield NothingToCheck("no metadata.paths declared")
        return
    budget = max(1_000, CODE_WALK_BUDGET // len(matches))  # the walks share one budget
    found: list[str] = []
    for match in matches:
        text = match.value.strip()
        if is_glob(text):
            hit = _glob_matches(ctx, text)
            if hit is None:
                yield Violation(match.pointer, f"{match.display} '{text}' leaves the repository or climbs with '..'; it was not read")
            elif hit:
                found.append(text)
            else:
                yield Violation(match.pointer, f"{match.display} '{text}' matches no file in the repository")
            continue
        ref = resolve_reference(text.rstrip("/") or ".", ctx.manifest_dir, ctx.repo_root)
        if ref.kind is not RefKind.INSIDE or ref.path is None:
            yield Violation(match.pointer, f"{match.display} '{text}' {ref.why_outside or 'is not a repository path'}; it was not read")
            continue
        shown = relative_display(ref.path, ctx.repo_root)
        if ref.path.is_file() or (ref.path.is_dir() and _has_file(ref.path, ctx.repo_root, budget)):
            found.append(shown + ("/" if ref.path.is_dir() else ""))
        elif ref.path.is_dir():
            yield Violation(match.pointer, f"{match.display} points at the folder {shown}/, which holds no file")
        else:
            yield Violation(match.pointer, f"{match.display} points at {shown}, which matches no file in the repository")
    if found:
        yield Examined(_listed(found))
