"""Owner consistency: the manifest's team owns its folder in CODEOWNERS and agrees with the
Backstage catalog entry (the nearest `catalog-info.yaml` from the manifest up to the repository
root, the entity named like the manifest)."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..load.manifest import Limits, LoadedManifest, parse_documents
from .base import CheckContext, Examined, NothingToCheck, Violation
from ..repo.codeowners import Codeowners, find_codeowners, load_codeowners, owners_include, same_team
from .evidence_paths import inside_repo, read_doc, relative_display
from .fieldpath import first

CATALOG_NAMES = ("catalog-info.yaml", "catalog-info.yml")

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


def team_in_codeowners(ctx: CheckContext, /) -> Iterator[Violation | NothingToCheck]:
    team = first(ctx.manifest, "ownership.team")
    if not isinstance(team, str) or not team.strip():
        yield NothingToCheck("no ownership.team declared")  # OWN001 asks for a team
        return
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
        yield NothingToCheck(f"{relative_display(codeowners.path, ctx.repo_root)} does not cover the manifest's folder")
        return
    shown = relative_display(codeowners.path, ctx.repo_root)
    rule = codeowners.owner_rule(target)
    if rule is not None:
        yield Examined(f"{shown}:{rule.line} ({rule.pattern} {' '.join(rule.owners)})".rstrip())
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

    @property
    def kind(self) -> str:
        kind = self.data.get("kind")
        return kind if isinstance(kind, str) else "entity"

    @property
    def name(self) -> str:
        metadata = self.data.get("metadata")
        name = metadata.get("name") if isinstance(metadata, dict) else None
        return name if isinstance(name, str) else ""

    @property
    def label(self) -> str:
        return f"{self.kind} {self.name}".strip() if self.name else f"unnamed {self.kind}"


@dataclass(frozen=True)
class Catalog:
    path: Path
    entity: CatalogEntity | None
    problem: tuple[int, str] | None  # (line, message) when it does not parse
    # Why no entity was chosen, when the file parses but describes nothing to compare with.
    no_entity: str = ""


# Entities that describe a deployable thing with an owner and lifecycle (not Location, Group...).
_DESCRIBED_KINDS = frozenset({"Component", "Resource", "API", "System"})


def choose_entity(entities: list[CatalogEntity], name: str | None) -> tuple[CatalogEntity | None, str]:
    """The entity a reviewer would compare: the one named like the manifest (case-insensitive),
    else the only Component or Resource; otherwise none, with the reason."""
    described = [e for e in entities if e.kind in _DESCRIBED_KINDS and isinstance(e.data.get("spec"), dict)]
    if name:
        named = [e for e in described if e.name.lower() == name.strip().lower()]
        if named:
            return named[0], ""
    sole = [e for e in described if e.kind in {"Component", "Resource"}]
    if len(sole) == 1:
        return sole[0], ""
    if not described:
        return None, "describes no Component or Resource"
    listed = ", ".join(e.label for e in described[:5]) + (", ..." if len(described) > 5 else "")
    return None, f"has no entity named {name!r} among {listed}" if name else f"describes several entities ({listed})"


def load_catalog(path: Path, name: str | None) -> Catalog:
    text = read_doc(path)
    if text is None:
        return Catalog(path, None, (1, "cannot be read"))
    # Every document of the file, with one parse budget for the whole file (not one per
    # document: a catalog of a hundred documents must not cost a hundred manifests; issue 10).
    entities: list[CatalogEntity] = []
    for loaded in parse_documents(text, path, path.name, Limits(), "catalog file"):
        if loaded.data is None or loaded.problems:
            problem = loaded.problems[0]
            return Catalog(path, None, (problem.line, problem.message))
        entities.append(CatalogEntity(path, loaded.data, loaded, 0))
    chosen, why = choose_entity(entities, name)
    return Catalog(path, chosen, None, why)


def find_catalog(start: Path, repo_root: Path) -> Path | None:
    """The nearest catalog-info.yaml from the manifest's folder up to the repository root: a
    monorepo often keeps one at the service root describing every model below it."""
    root = Path(os.path.abspath(repo_root))
    folder = Path(os.path.abspath(start))
    while True:
        for file_name in CATALOG_NAMES:
            candidate = folder / file_name
            if candidate.is_file():
                return candidate
        if folder == root or folder.parent == folder or not folder.is_relative_to(root):
            return None
        folder = folder.parent


def catalog_for(ctx: CheckContext) -> Catalog | None:
    candidate = find_catalog(ctx.manifest_dir, ctx.repo_root)
    if candidate is None:
        return None
    if not inside_repo(candidate, ctx.repo_root):
        return Catalog(candidate, None, (1, "is a symlink that leaves the repository; it was not read"))
    value = first(ctx.manifest, "metadata.name")
    name = value if isinstance(value, str) else None  # also keeps the cache key hashable
    return _cached(ctx, ("catalog", str(candidate), name), lambda: load_catalog(candidate, name))  # type: ignore[no-any-return]


def catalog_agrees(ctx: CheckContext, /, field: str) -> Iterator[Violation | NothingToCheck]:
    manifest_field = {"owner": "ownership.team", "lifecycle": "metadata.lifecycle"}[field]
    ours = first(ctx.manifest, manifest_field)
    if not isinstance(ours, str) or not ours.strip():
        yield NothingToCheck(f"no {manifest_field} declared")
        return
    catalog = catalog_for(ctx)
    if catalog is None:
        yield NothingToCheck("no catalog-info.yaml found from the manifest's folder up to the repository root")
        return
    shown = relative_display(catalog.path, ctx.repo_root)
    pointer = "/" + manifest_field.replace(".", "/")
    if catalog.problem is not None:
        line, message = catalog.problem
        yield Violation(pointer, f"{shown}:{line} {message}", path=catalog.path, line=line)
        return
    entity = catalog.entity
    if entity is None:
        yield NothingToCheck(f"{shown} {catalog.no_entity}")
        return
    spec = entity.data.get("spec")
    theirs = spec.get(field) if isinstance(spec, dict) else None
    if not isinstance(theirs, str) or not theirs.strip():
        yield Violation(pointer, f"{shown} ({entity.label}) has no spec.{field} to compare with {manifest_field} {ours!r}")
        return
    where = f"{shown}:{entity.line_of('/spec/' + field)}, {entity.label}"
    yield Examined(f"spec.{field} {theirs!r} of {entity.label} ({shown}:{entity.line_of('/spec/' + field)})")
    if field == "owner" and not same_team(ours, theirs):
        yield Violation(pointer, f"{manifest_field} {ours!r} is not the catalog owner {theirs!r} ({where})")
    if field == "lifecycle":
        agreeing = LIFECYCLE_AGREES.get(ours, frozenset({ours}))
        if theirs.strip().lower() not in agreeing:
            yield Violation(pointer, f"{manifest_field} {ours!r} disagrees with the catalog lifecycle {theirs!r} ({where})")
