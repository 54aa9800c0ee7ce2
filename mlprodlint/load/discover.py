"""Find manifests under the given paths (monorepo-aware), honouring excludes."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..errors import NoManifestError, UsageError

MANIFEST_NAMES = ("mlprodlint.yaml", "mlprodlint.yml")
SKIPPED_DIRS = frozenset(
    {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox", ".nox",
     ".mypy_cache", ".pytest_cache", ".ruff_cache", ".mlprodlint_cache", "site-packages", ".eggs"}
)


def _is_virtualenv(folder: Path) -> bool:
    return (folder / "pyvenv.cfg").is_file()


def _excluded(path: Path, patterns: Sequence[str], root: Path) -> bool:
    if not patterns:
        return False
    try:
        relative = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        relative = path.as_posix()
    return any(
        fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(relative, pattern.rstrip("/") + "/*")
        for pattern in patterns
    )


def discover(paths: Iterable[Path], exclude: Sequence[str] = (), exclude_root: Path | None = None) -> list[Path]:
    """Manifests named by or found under `paths`, absolute, de-duplicated and sorted.

    A file named explicitly is linted whatever its name; folders are walked without following
    symlinked folders (no loops, no escaping the tree).
    """
    root = exclude_root or Path.cwd()
    found: set[Path] = set()
    for given in paths:
        if not given.exists() and not given.is_symlink():
            raise UsageError(f"path does not exist: {given.as_posix()}")
        if given.is_dir():
            found.update(_walk(given, exclude, root))
        else:
            found.add(given.absolute())
    return sorted(found, key=lambda p: p.as_posix())


def _walk(top: Path, exclude: Sequence[str], root: Path) -> Iterable[Path]:
    for folder, dirnames, filenames in os.walk(top, followlinks=False, onerror=None):
        here = Path(folder)
        dirnames[:] = sorted(
            d for d in dirnames
            if d not in SKIPPED_DIRS
            and not _is_virtualenv(here / d)
            and not _excluded(here / d, exclude, root)
        )
        for name in MANIFEST_NAMES:
            if name in filenames:
                candidate = here / name
                if not _excluded(candidate, exclude, root):
                    yield candidate.absolute()


def require_some(manifests: Sequence[Path], paths: Sequence[Path]) -> None:
    if not manifests:
        shown = ", ".join(p.as_posix() for p in paths)
        raise NoManifestError(
            f"no manifest (mlprodlint.yaml or mlprodlint.yml) found under {shown}; "
            "create one with `mlprodlint init`"
        )
