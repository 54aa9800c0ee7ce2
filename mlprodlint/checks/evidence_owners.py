"""Owner consistency: the manifest's team owns its folder in CODEOWNERS and agrees with the
Backstage catalog entry (`catalog-info.yaml`) next to the manifest."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..manifest import Limits, LoadedManifest, parse_text
from .base import CheckContext, Violation
from .evidence_codeowners import Codeowners, find_codeowners, load_codeowners, owners_include, same_team
from .evidence_paths import inside_repo, read_doc, relative_display
from .fieldpath import first

CATALOG_NAMES = ("catalog-info.yaml", "catalog-info.yml")
_DOCUMENT_MARKER = re.compile(r"^---(?:\s|$)")

# Manifest lifecycle -> Backstage lifecycles that agree with it. Backstage's well-known values are
# experimental, production and deprecated; organisations add their own, compared literally.
LIFECYCLE_AGREES: Mapping[str, frozenset[str]] = {
    "experimental": frozenset({"experimental"}),
    "development": frozenset({"development", "experimental"}),
    "staging": frozenset({"staging", "beta", "experimental"}),
    "production": frozenset({"production"}),
    "deprecated": frozenset({"deprecated"}),
}


def _cached(ctx: CheckContext, key: tuple[Any, ...], compute: Any) -> Any:
    cache = getattr(ctx.repo_facts, "cache", None)
    if isinstance(cache, dict):
        if key not in cache:
            cache[key] = compute()
        return cache[key]
    return compute()


def codeowners_root(path: Path) -> Path:
    parent = path.parent
    return parent.parent if parent.name in {".github", "docs", ".gitlab"} else parent


def codeowners_for(ctx: CheckContext) -> Codeowners | None:
    found = find_codeowners(ctx.manifest_dir, Path(os.path.abspath(ctx.repo_root)))
    if found is None:
        return None
    return _cached(ctx, ("codeowners", str(found)), lambda: load_codeowners(found, codeowners_root(found)))


def team_in_codeowners(ctx: CheckContext, /) -> Iterator[Violation]:
    team = first(ctx.manifest, "ownership.team")
    if not isinstance(team, str) or not team.strip():
        return  # OWN001 asks for a team
    codeowners = codeowners_for(ctx)
    if codeowners is None:
        yield Violation(
            "/ownership/team",
            "no CODEOWNERS file in .github/, the root, docs/ or .gitlab/ of the repository, so "
            f"nobody is required to review changes to {relative_display(ctx.manifest_path, ctx.repo_root)}",
        )
        return
    try:
        target = Path(os.path.abspath(ctx.manifest_path)).relative_to(codeowners.root).as_posix()
    except ValueError:  # the CODEOWNERS root is always an ancestor; guard against odd paths
        return
    shown = relative_display(codeowners.path, ctx.repo_root)
    rule = codeowners.owner_rule(target)
    if rule is None:
        yield Violation("/ownership/team", f"no rule in {shown} matches {target}, so it has no code owner")
    elif not rule.owners:
        yield Violation("/ownership/team", f"{shown}:{rule.line} ({rule.pattern}) leaves {target} without owners")
    elif not owners_include(rule.owners, team):
        yield Violation(
            "/ownership/team",
            f"{shown}:{rule.line} gives {target} to {' '.join(rule.owners)}, not to {team}",
        )



@dataclass(frozen=True)
class CatalogEntity:
    path: Path
    data: Mapping[str, Any]
    loaded: LoadedManifest
    line_offset: int

    def line_of(self, pointer: str) -> int:
        return self.loaded.position(pointer)[0] + self.line_offset


@dataclass(frozen=True)
class Catalog:
    path: Path
    entity: CatalogEntity | None
    problem: tuple[int, str] | None  # (line, message) when it does not parse


def _documents(text: str) -> Iterator[tuple[int, str]]:
    """(line offset, text) of each YAML document; Backstage files often hold several."""
    start, chunk = 0, []
    for number, line in enumerate(text.splitlines(keepends=True)):
        if _DOCUMENT_MARKER.match(line):
            if "".join(chunk).strip():
                yield start, "".join(chunk)
            start, chunk = number + 1, []
            continue
        chunk.append(line)
    if "".join(chunk).strip():
        yield start, "".join(chunk)


def load_catalog(path: Path, name: str | None) -> Catalog:
    text = read_doc(path)
    if text is None:
        return Catalog(path, None, (1, "cannot be read"))
    entities: list[CatalogEntity] = []
    for offset, chunk in _documents(text):
        loaded = parse_text(chunk, path, path.name, Limits())
        if loaded.data is None or loaded.problems:
            problem = loaded.problems[0]
            return Catalog(path, None, (problem.line + offset, problem.message.replace("manifest", "catalog file")))
        entities.append(CatalogEntity(path, loaded.data, loaded, offset))
    components = [e for e in entities if isinstance(e.data.get("spec"), dict) and e.data.get("kind") in {"Component", "Resource", "API", "System"}]
    named = [e for e in components if isinstance(e.data.get("metadata"), dict) and e.data["metadata"].get("name") == name]
    chosen = (named or components or entities or [None])[0]
    return Catalog(path, chosen, None)


def catalog_for(ctx: CheckContext) -> Catalog | None:
    for file_name in CATALOG_NAMES:
        candidate = ctx.manifest_dir / file_name
        if candidate.is_file():
            if not inside_repo(candidate, ctx.repo_root):
                return Catalog(candidate, None, (1, "is a symlink that leaves the repository; it was not read"))
            value = first(ctx.manifest, "metadata.name")
            name = value if isinstance(value, str) else None  # also keeps the cache key hashable
            return _cached(ctx, ("catalog", str(candidate), name), lambda: load_catalog(candidate, name))
    return None


def catalog_agrees(ctx: CheckContext, /, field: str) -> Iterator[Violation]:
    manifest_field = {"owner": "ownership.team", "lifecycle": "metadata.lifecycle"}[field]
    ours = first(ctx.manifest, manifest_field)
    if not isinstance(ours, str) or not ours.strip():
        return
    catalog = catalog_for(ctx)
    if catalog is None:
        return
    shown = relative_display(catalog.path, ctx.repo_root)
    pointer = "/" + manifest_field.replace(".", "/")
    if catalog.problem is not None:
        line, message = catalog.problem
        yield Violation(pointer, f"{shown}:{line} {message}", path=catalog.path, line=line)
        return
    entity = catalog.entity
    spec = entity.data.get("spec") if entity is not None else None
    theirs = spec.get(field) if isinstance(spec, dict) else None
    if not isinstance(theirs, str) or not theirs.strip():
        yield Violation(pointer, f"{shown} has no spec.{field} to compare with {manifest_field} {ours!r}")
        return
    assert entity is not None
    where = f"{shown}:{entity.line_of('/spec/' + field)}"
    if field == "owner" and not same_team(ours, theirs):
        yield Violation(pointer, f"{manifest_field} {ours!r} is not the catalog owner {theirs!r} ({where})")
    if field == "lifecycle":
        agreeing = LIFECYCLE_AGREES.get(ours, frozenset({ours}))
        if theirs.strip().lower() not in agreeing:
            yield Violation(pointer, f"{manifest_field} {ours!r} disagrees with the catalog lifecycle {theirs!r} ({where})")
