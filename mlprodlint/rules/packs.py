"""Where rule packs come from: the built-in folder, installed packages, folders named in config.

An installed pack is registered in the entry-point group `mlprodlint.rule_packs`:

    [project.entry-points."mlprodlint.rule_packs"]
    acme-policy = "acme_mlprodlint.rules"          # a package: its folder holds *.yaml packs
    acme-strict = "acme_mlprodlint.paths:STRICT"   # an attribute: a path (or a function returning one)

The entry-point name is what configuration (`packs = ["acme-policy"]`) and `pack.extends` use.
A plain package value is located without importing the module itself (only its parents), so a
pack costs nothing but reading YAML.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..errors import PluginError, RulePackError, describe
from ..resources import builtin_rules_dir
from .definitions import PackProblem, PackSource, RuleSet, assemble, missing_extends, pack_error, read_source
from .definitions import problems_text as problems_text  # re-exported: cli_rules lists problems with it

if TYPE_CHECKING:
    from ..config import Config
    from importlib.metadata import EntryPoint

ENTRY_POINT_GROUP = "mlprodlint.rule_packs"
BUILTIN = "builtin"


@lru_cache(maxsize=1)
def installed() -> dict[str, "EntryPoint"]:
    """Installed rule packs by entry-point name."""
    from importlib.metadata import entry_points

    return {entry.name: entry for entry in entry_points(group=ENTRY_POINT_GROUP)}


def _describe(entry: "EntryPoint") -> str:
    dist = getattr(entry, "dist", None)
    origin = f", from {dist.name} {dist.version}" if dist is not None else ""
    return f"rule pack {entry.name!r} ({entry.value}{origin})"


def folder_of(entry: "EntryPoint") -> Path:
    """The folder (or file) an installed pack's entry point names; a clear error if it cannot."""
    import importlib.util

    module, _, attribute = entry.value.partition(":")
    module = module.strip()
    try:
        if attribute:
            target = entry.load()
            if callable(target):
                target = target()
            path = Path(os.fspath(target))  # type: ignore[arg-type]
        else:
            spec = importlib.util.find_spec(module)
            if spec is None:
                raise ModuleNotFoundError(f"no module named {module!r}")
            locations = list(spec.submodule_search_locations or ())
            if locations:
                path = Path(locations[0])
            elif spec.origin:
                path = Path(spec.origin).parent
            else:
                raise ModuleNotFoundError(f"module {module!r} has no folder")
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # third-party code, SystemExit included: any failure names the plugin
        raise PluginError(f"{_describe(entry)} failed to load: {describe(error)}") from None
    if not path.exists():
        raise RulePackError(f"{_describe(entry)} names {path.as_posix()}, which does not exist")
    return path


class UnknownPack(RulePackError):
    def __init__(self, message: str, name: str) -> None:
        super().__init__(message)
        self.name = name


def configured(config: "Config", extra_dirs: Sequence[Path] = ()) -> RuleSet:
    """The rule set a configuration asks for: built-in packs, installed packs named in `packs`,
    then rule folders (the config's, then `extra_dirs` from --rules-dir). A pack the config
    names that is not installed is reported at the config's file and line."""
    request = PackRequest(names=config.packs, folders=(*config.rules_dirs, *extra_dirs), builtin=config.builtin)
    try:
        return load(request)
    except UnknownPack as error:
        if error.name in config.packs and config.path is not None:
            raise config.error("packs", error.message) from None
        raise


def locate(name: str) -> Path:
    """The folder of a pack selected by name: `builtin` or an installed pack."""
    if name == BUILTIN:
        return builtin_rules_dir()
    entry = installed().get(name)
    if entry is None:
        known = ", ".join(sorted({BUILTIN, *installed()}))
        raise UnknownPack(f"unknown rule pack {name!r}: not installed (known: {known})", name)
    return folder_of(entry)


@dataclass(frozen=True)
class PackRequest:
    """Which packs a run uses: built-in ones, installed ones by name, and folders."""

    names: tuple[str, ...] = ()
    folders: tuple[Path, ...] = ()
    builtin: bool = True


def load_sources(request: PackRequest) -> tuple[list[PackSource], list[PackProblem]]:
    """Read the requested packs, then whatever `extends` names until nothing is missing."""
    seen: set[Path] = set()
    sources: list[PackSource] = []
    problems: list[PackProblem] = []
    wanted = [*([BUILTIN] if request.builtin else []), *request.names]
    loaded_names: set[str] = set()
    for name in dict.fromkeys(wanted):
        source, found = read_source(name, locate(name), seen)
        sources.append(source)
        problems.extend(found)
        loaded_names.add(name)
    for folder in request.folders:
        source, found = read_source(folder.as_posix(), folder, seen)
        sources.append(source)
        problems.extend(found)
    # `extends: builtin` (or an installed pack's name) pulls that pack in even if the
    # configuration did not ask for it; an unknown name is reported by assemble() with its line.
    while True:
        pending = [
            name for _, name in missing_extends(sources)
            if name not in loaded_names and (name == BUILTIN or name in installed())
        ]
        if not pending:
            break
        for name in dict.fromkeys(pending):
            source, found = read_source(name, locate(name), seen)
            sources.append(source)
            problems.extend(found)
            loaded_names.add(name)
    return sources, problems


def load(request: PackRequest) -> RuleSet:
    """The rule set of a run; every problem of every pack in one error."""
    sources, problems = load_sources(request)
    if not problems:
        rule_set, problems = assemble(sources)
        if not problems:
            return rule_set
    raise pack_error(problems)


def validate_folder(folder: Path) -> tuple[RuleSet | None, list[PackProblem], int]:
    """Check the packs in a folder the way a run would load them next to the built-in packs.

    Returns (rule set or None, every problem, number of pack files). Problems in the folder's
    own files and cross-pack problems (unknown `extends`, overrides outside the extended packs,
    duplicate rule ids) are all reported together.
    """
    from .definitions import pack_files

    files = pack_files(folder)
    if not files:
        raise RulePackError(f"rule directory {folder.as_posix()} holds no .yaml rule pack")
    sources, problems = load_sources(PackRequest(folders=(folder,)))
    # Assemble what did load, so that cross-pack problems show up next to the per-file ones.
    rule_set, cross = assemble(sources)
    problems = [*problems, *cross]
    return (None if problems else rule_set), problems, len(files)
