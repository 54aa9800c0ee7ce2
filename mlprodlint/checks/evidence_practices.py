"""Repository evidence of engineering practices (ML Test Score, SR 11-7): tests for the model
code, pinned dependencies, a validation step and tests in CI, staleness against the retraining
cadence, an independent validator.

Every check is pure and bounded: it reads a few files as text (never imports, runs or parses them
as code), walks at most repo_walk.MAX_ENTRIES entries, and yields NothingToCheck when there is
nothing to examine (no metadata.paths, no cadence with a period, no validator named).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from ..dates import parse_date
from ..repo.walk import walk_files
from .base import CheckContext, NothingToCheck, Violation
from .evidence_paths import RefKind, read_doc, relative_display, resolve_reference
from .fieldpath import first, is_empty, resolve

Outcome = Iterator["Violation | NothingToCheck"]
MAX_CODE_PATHS = 20  # metadata.paths entries looked at: a hostile list of thousands costs nothing
WALK_BUDGET = 20_000  # directory entries looked at by one check, over all its walks

# File names of tests in the common languages of ML services.
_TEST_FILE = re.compile(
    r"^(test_.+\.py|.+_test\.py|.+_test\.go|.+\.(test|spec)\.(js|ts|jsx|tsx)|.+Test\.(java|kt|scala)|.+_spec\.rb|test_.+\.R)$"
)
_TEST_DIRS = ("tests", "test")
# CI configurations, read as text.
CI_FILES = (".gitlab-ci.yml", "Jenkinsfile", "azure-pipelines.yml", "bitbucket-pipelines.yml", ".circleci/config.yml")
CI_GLOBS = (".github/workflows", ".gitlab/ci")
_TEST_COMMAND = re.compile(r"\b(pytest|tox|nox|unittest|go test|npm (run )?test|yarn test|make test|mvn (-\S+ )*test|gradle\w* test|sbt test|dbt test)\b")
# Lockfiles that pin a whole environment.
LOCKFILES = ("poetry.lock", "uv.lock", "Pipfile.lock", "pdm.lock", "conda-lock.yml", "requirements.lock",
             "requirements-lock.txt", "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "go.sum", "Cargo.lock")
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(.*)$")
_PERIODS = {"hourly": 1, "daily": 1, "nightly": 1, "weekly": 7, "biweekly": 14, "fortnightly": 14,
            "monthly": 31, "quarterly": 92, "semiannually": 183, "yearly": 366, "annually": 366}
_UNITS = {"d": 1, "day": 1, "days": 1, "w": 7, "week": 7, "weeks": 7, "month": 31, "months": 31,
          "m": 31, "year": 366, "years": 366, "y": 366}


def not_equal(ctx: CheckContext, /, path: str, other: str) -> Outcome:
    """The value at `path` differs from the one at `other` (case and spaces ignored)."""
    value, against = first(ctx.manifest, path), first(ctx.manifest, other)
    if not isinstance(value, str) or is_empty(value) or not isinstance(against, str) or is_empty(against):
        yield NothingToCheck(f"{path} or {other} is not declared")
        return
    if _norm(value) == _norm(against):
        match = next(m for m in resolve(ctx.manifest, path) if m.present)
        yield Violation(match.pointer, f"{path} is {value!r}, the same as {other}")


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text).lower().lstrip("@")


def _code_paths(ctx: CheckContext) -> list[tuple[str, Path]]:
    paths = first(ctx.manifest, "metadata.paths")
    found = []
    for index, text in enumerate((paths if isinstance(paths, list) else [])[:MAX_CODE_PATHS]):
        if isinstance(text, str) and text.strip() and not any(ch in text for ch in "*?["):
            ref = resolve_reference(text.rstrip("/"), ctx.manifest_dir, ctx.repo_root)
            if ref.kind is RefKind.INSIDE and ref.path is not None:
                found.append((f"/metadata/paths/{index}", ref.path))
    return found


def tests_for_code(ctx: CheckContext, /) -> Outcome:
    """Test files exist for the model's code: under metadata.paths, or in a tests/ folder next to
    the manifest or a code path."""
    code = _code_paths(ctx)
    if not code:
        yield NothingToCheck("no metadata.paths (folders of the model's code) declared")
        return
    places = [path for _, path in code]
    for base in {ctx.manifest_dir, *(p.parent for p in places)}:
        places += [base / name for name in _TEST_DIRS]
    unique = list(dict.fromkeys(places))
    per_walk = max(1_000, WALK_BUDGET // len(unique))  # the walks share one budget of entries
    for place in unique:
        if place.is_file() and _TEST_FILE.match(place.name):
            return
        if place.is_dir():
            for file in walk_files(place, ctx.repo_root, per_walk):
                if _TEST_FILE.match(file.name):
                    return
    shown = ", ".join(relative_display(p, ctx.repo_root) for _, p in code)
    yield Violation("/metadata/paths", f"no test files (test_*.py, *_test.go, *.test.ts, ...) for {shown} or in a tests/ folder")


def dependencies_pinned(ctx: CheckContext, /) -> Outcome:
    """The environment is pinned: training.lockfile exists, a lockfile sits next to the manifest or
    at the repository root, or every line of requirements.txt pins an exact version (== or a hash)."""
    declared = first(ctx.manifest, "training.lockfile")
    if isinstance(declared, str) and not is_empty(declared):
        ref = resolve_reference(declared, ctx.manifest_dir, ctx.repo_root)
        if ref.kind is RefKind.INSIDE and ref.path is not None and ref.path.is_file():
            return
        yield Violation("/training/lockfile", f"training.lockfile points at {declared}, which is not a file in the repository")
        return
    folders = list(dict.fromkeys((ctx.manifest_dir, ctx.repo_root)))
    for folder in folders:
        if any((folder / name).is_file() for name in LOCKFILES):
            return
    unpinned: list[str] = []
    for folder in folders:
        requirements = folder / "requirements.txt"
        if requirements.is_file():
            text = read_doc(requirements) or ""
            loose = _unpinned(text)
            if not loose and text.strip():
                return
            unpinned += loose
    detail = (f"requirements.txt does not pin {', '.join(unpinned[:5])}" if unpinned
              else f"no lockfile ({', '.join(LOCKFILES[:5])}, ...) or fully pinned requirements.txt")
    yield Violation("", detail + "; set training.lockfile or commit a lockfile")


def _unpinned(text: str) -> list[str]:
    loose = []
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith(("#", "-", "--")):
            continue  # comments, options (-r, --hash continuation lines, -e)
        match = _REQUIREMENT.match(line)
        if match is None or "@" in line:
            continue  # URLs and direct references pin by themselves
        spec = match.group(3)
        if "==" not in spec and "--hash" not in spec:
            loose.append(match.group(1))
    return loose


def _ci_texts(ctx: CheckContext) -> list[tuple[str, str]]:
    files: list[Path] = [ctx.repo_root / name for name in CI_FILES]
    for folder in CI_GLOBS:
        top = ctx.repo_root / folder
        if top.is_dir():
            files += [f for f in walk_files(top, ctx.repo_root, 2_000) if f.suffix in (".yml", ".yaml")]
    texts = []
    for file in files:
        if file.is_file():
            text = read_doc(file)
            if text is not None:
                texts.append((relative_display(file, ctx.repo_root), text))
    return texts


def ci_runs(ctx: CheckContext, /, path: str | None = None, tests: bool = False) -> Outcome:
    """The CI configuration runs the command named at `path` (e.g. deployment.validation), or
    (tests: true) a test command (pytest, tox, go test, npm test, make test, ...)."""
    wanted = first(ctx.manifest, path) if path else None
    if path and (not isinstance(wanted, str) or is_empty(wanted)):
        yield NothingToCheck(f"{path} is not declared")
        return
    texts = _ci_texts(ctx)
    pointer = "/" + path.replace(".", "/") if path else ""
    if not texts:
        yield Violation(pointer, "no CI configuration found (.github/workflows, .gitlab-ci.yml, Jenkinsfile, ...)")
        return
    for _, text in texts:
        if (wanted is not None and wanted.strip() in text) or (tests and _TEST_COMMAND.search(text)):
            return
    shown = ", ".join(name for name, _ in texts[:3])
    what = f"{path} {wanted.strip()!r}" if wanted is not None else "a test command (pytest, tox, go test, ...)"
    yield Violation(pointer, f"{what} does not appear in the CI configuration ({shown})")


def cadence_days(text: str) -> int | None:
    """Days in a retraining cadence: weekly -> 7, "every 2 weeks" -> 14, 30d -> 30; None otherwise."""
    words = text.strip().lower()
    if words in _PERIODS:
        return _PERIODS[words]
    found = re.fullmatch(r"(?:every\s+)?(\d+)\s*([a-z]+)", words)
    if found and found.group(2) in _UNITS:
        return int(found.group(1)) * _UNITS[found.group(2)]
    found = re.fullmatch(r"every\s+([a-z]+)", words)
    if found and found.group(1) in _UNITS:
        return _UNITS[found.group(1)]
    return None


def trained_within_cadence(ctx: CheckContext, /, grace: float = 1.5) -> Outcome:
    """training.last_trained is not older than `grace` times the retraining cadence."""
    retraining = first(ctx.manifest, "governance.retraining")
    cadence = retraining.get("cadence") if isinstance(retraining, dict) else retraining
    period = cadence_days(cadence) if isinstance(cadence, str) else None
    if period is None:
        yield NothingToCheck("no retraining cadence with a period (daily, weekly, monthly, every N days, ...)")
        return
    trained = parse_date(first(ctx.manifest, "training.last_trained"))
    if trained is None:
        yield Violation("/training", f"training.last_trained is not declared; the cadence is {cadence}")
        return
    age = (ctx.today - trained).days
    if age > period * grace:
        yield Violation("/training/last_trained",
                        f"the model was trained {age} days ago ({trained.isoformat()}); the cadence is {cadence} ({period} days)")
