"""Paths relative to the repository root, for the machine formats.

Findings carry paths relative to the working directory (what a terminal user can open). Code
scanning, pull-request annotations and GitLab's merge-request widget resolve paths against the
checkout instead, so `mlprodlint check .` run from `services/pricing/` must still say
`services/pricing/mlprodlint.yaml`. One source root per run: the CI workspace
(`GITHUB_WORKSPACE`, `CI_PROJECT_DIR`) when the linted path is inside it, else the nearest folder
holding `.git` above the first linted path, else the working directory (paths stay as they are).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from ..results.findings import RunResult
from ..repo.git import repo_root

# The CI systems' names for the checkout folder, in the order they are trusted.
WORKSPACE_VARIABLES = ("GITHUB_WORKSPACE", "CI_PROJECT_DIR")
# Formats read by machines that resolve paths against the checkout.
ROOT_RELATIVE_FORMATS = frozenset({"json", "sarif", "github", "gitlab", "junit", "comment"})


@dataclass(frozen=True)
class SourceRoot:
    """Where report paths are relative to (`root`), and where finding paths are relative to today (`cwd`)."""

    root: str  # absolute, symlinks resolved
    cwd: str  # absolute, symlinks resolved

    def relative(self, path: str) -> str:
        """PATH (relative to cwd, or absolute) relative to the root; absolute when outside it."""
        absolute = os.path.realpath(os.path.join(self.cwd, path))
        try:
            relative = os.path.relpath(absolute, self.root)
        except ValueError:  # another drive (Windows)
            return PurePosixPath(Path(absolute).as_posix()).as_posix()
        if relative == os.pardir or relative.startswith(os.pardir + os.sep):
            # Outside the root: an absolute path is unambiguous, unless the root is simply the
            # working directory (no repository found), where the path as given is what users know.
            return path if self.root == self.cwd else Path(absolute).as_posix()
        return Path(relative).as_posix()

    @property
    def uri(self) -> str:
        """The root as a file URI ending in '/' (SARIF originalUriBaseIds)."""
        return Path(self.root).as_uri().rstrip("/") + "/"


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def find_root(target: Path, environ: Mapping[str, str], cwd: Path | None = None) -> SourceRoot:
    """The source root of a run over TARGET (its first linted path)."""
    here = Path(os.path.realpath(cwd or Path.cwd()))
    start = Path(os.path.realpath(here / target))
    if not start.is_dir():
        start = start.parent
    for variable in WORKSPACE_VARIABLES:
        value = environ.get(variable, "").strip()
        if value:
            workspace = Path(os.path.realpath(here / value))
            if _inside(start, workspace):
                return SourceRoot(str(workspace), str(here))
    found = repo_root(start)
    root = Path(os.path.realpath(found)) if found is not None else here
    return SourceRoot(str(root), str(here))


def rebase(result: RunResult, root: SourceRoot) -> RunResult:
    """The same run with every path relative to the root (the run itself when nothing changes)."""
    paths = {m.path for m in result.manifests} | {r.path for r in result.results} | {
        f.path for r in result.results for f in r.findings
    }
    mapping = {path: root.relative(path) for path in paths}
    if all(old == new for old, new in mapping.items()):
        return result
    return replace(
        result,
        manifests=tuple(replace(m, path=mapping[m.path]) for m in result.manifests),
        results=tuple(
            replace(r, path=mapping[r.path], findings=tuple(replace(f, path=mapping[f.path]) for f in r.findings))
            for r in result.results
        ),
    )
