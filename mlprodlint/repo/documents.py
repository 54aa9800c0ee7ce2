"""Each file read and each derived fact computed once per run (per process).

Several rules of one manifest, and neighbouring manifests, read the same catalog, rules file,
model card, runbook or CODEOWNERS: without this, one manifest read ~19 documents and resolved
~58 real paths for ~6 distinct files. Entries are keyed by the file's real path; the facts derived
from a file (its text, parsed YAML, prose word count, heading anchors) are stored with it.

The store is bounded (least recently used files are forgotten), so memory stays flat however many
manifests a run has, and `begin_run()` empties it: files may change between two runs of one
process (the test suite, an editor integration), never during one.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

MAX_FILES = 256  # files whose facts are kept; a manifest reads about six
MAX_MEMOS = 4096  # other memoised answers (path resolutions)

_files: OrderedDict[str, dict[Hashable, Any]] = OrderedDict()
_memos: OrderedDict[Hashable, Any] = OrderedDict()
_MISSING = object()


def begin_run() -> None:
    """Forget everything: called when a run starts (and in each worker process it starts)."""
    _files.clear()
    _memos.clear()


def real_path(path: Path | str) -> str:
    """`Path.resolve()` as text, memoised for the run (a symlink loop raises RuntimeError, every
    time: errors are not memoised)."""
    return memo(("realpath", str(path)), lambda: str(Path(path).resolve()))


def memo(key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()` once per run for `key` (a filesystem question, e.g. how a reference resolves)."""
    found = _memos.get(key, _MISSING)
    if found is not _MISSING:
        _memos.move_to_end(key)
        return found  # type: ignore[no-any-return]
    value = compute()
    _memos[key] = value
    if len(_memos) > MAX_MEMOS:
        _memos.popitem(last=False)
    return value


def fact(path: Path, name: Hashable, compute: Callable[[], T]) -> T:
    """The fact `name` about the file at `path` (its text, its parse, ...), computed once per run.

    `compute` reads the file itself; it runs at most once per real path and name while the file
    stays in the store.
    """
    key = real_path(path)
    facts = _files.get(key)
    if facts is None:
        facts = _files[key] = {}
        if len(_files) > MAX_FILES:
            _files.popitem(last=False)
    else:
        _files.move_to_end(key)
    found = facts.get(name, _MISSING)
    if found is _MISSING:
        found = facts[name] = compute()
    return found  # type: ignore[no-any-return]
