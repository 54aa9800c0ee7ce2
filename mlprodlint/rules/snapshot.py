"""A parsed snapshot of the built-in rule packs (rules/_snapshot.json), to skip YAML parsing.

Parsing the eight built-in packs with ruamel's pure-Python scanner and validating them costs about
0.4 s per cold run; a `json.load` of the same parse result costs a few milliseconds.

Trust, and how it stays honest:
- Only files inside the built-in rules folder are ever looked up; packs from `--rules-dir`,
  configured folders or installed packages are always parsed and fully validated.
- Each entry is keyed on a SHA-256 of the pack's bytes together with everything that decides
  whether a pack is valid (rule.schema.json, every built-in check's argument schema, the loader
  limits). An edited pack or schema simply misses and takes the full path: never stale results.
- The snapshot is written by `python -m mlprodlint.rules.docs` from packs that passed full validation,
  and the docs drift test (tests/test_platform_docs.py) fails when it is out of date.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..load.manifest import Limits, LoadedManifest
from ..resources import builtin_rules_dir, schemas_dir

SNAPSHOT_NAME = "_snapshot.json"
FORMAT = 1


@lru_cache(maxsize=1)
def _validation_inputs() -> bytes:
    """Everything besides a pack's bytes that decides whether it loads and what it means."""
    from ..checks.registry import BUILTIN_CHECKS

    args = {name: spec.args_schema for name, spec in sorted(BUILTIN_CHECKS.items())}
    return b"\0".join((
        str(FORMAT).encode(),
        (schemas_dir() / "rule.schema.json").read_bytes(),
        json.dumps(args, sort_keys=True, default=repr).encode(),
        repr(Limits()).encode(),
    ))


def key_of(raw: bytes) -> str:
    return hashlib.sha256(_validation_inputs() + b"\0" + raw).hexdigest()


@lru_cache(maxsize=1)
def _entries() -> dict[str, Any]:
    try:
        with (builtin_rules_dir() / SNAPSHOT_NAME).open(encoding="utf-8") as handle:
            snapshot = json.load(handle)
    except (OSError, ValueError):
        return {}
    if not isinstance(snapshot, dict) or snapshot.get("format") != FORMAT:
        return {}
    packs = snapshot.get("packs")
    return packs if isinstance(packs, dict) else {}


def lookup(path: Path) -> LoadedManifest | None:
    """The validated parse of a built-in pack file, or None (then parse and validate it)."""
    try:
        if path.parent.resolve() != builtin_rules_dir().resolve():
            return None
        entry = _entries().get(path.name)
        if entry is None or entry.get("key") != key_of(path.read_bytes()):
            return None
    except OSError:
        return None
    positions = {pointer: (line, column) for pointer, (line, column) in entry["positions"].items()}
    shown = path.as_posix()
    return LoadedManifest(path, shown, entry["data"], positions)


def build(files: list[Path], loaded: list[LoadedManifest]) -> str:
    """The snapshot text for packs that were parsed and validated in full (docs.py writes it)."""
    packs: dict[str, Any] = {}
    for path, pack in zip(files, loaded):
        if pack.data is None or pack.problems:
            raise ValueError(f"{path.name} does not load cleanly; fix it before writing the snapshot")
        if json.loads(json.dumps(pack.data)) != pack.data:  # dates, tuples: not representable
            raise ValueError(f"{path.name} holds values JSON cannot represent exactly")
        packs[path.name] = {
            "key": key_of(path.read_bytes()),
            "data": pack.data,
            "positions": {pointer: list(position) for pointer, position in pack.positions.items()},
        }
    body = {"format": FORMAT, "generated_by": "python -m mlprodlint.rules.docs", "packs": packs}
    # Key order is kept as parsed (rule arguments, options in docs): never sort_keys here.
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")) + "\n"
