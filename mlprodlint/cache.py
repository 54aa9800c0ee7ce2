"""Content-hash caches: the loaded rule set, and each manifest's lint outcome.

Correctness first. A manifest's outcome is keyed on everything that can change it: the tool's own
code, the rule set, the options (today's date included), the manifest's path and bytes, and a
snapshot of its repository (path, size and mtime of every file, and git's refs), because evidence
rules read other files and git history. When the snapshot cannot be taken cheaply (huge trees),
the manifest is not cached.

Entries are pickles signed with HMAC-SHA256 under a per-user secret kept outside the repository
(~/.cache/mlprodlint/secret): a cache folder written by anyone else (or copied from another
machine) fails verification and is ignored, so loading it can never execute foreign code.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import tempfile
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import __version__

CACHE_DIR_NAME = ".mlprodlint_cache"
MAX_SNAPSHOT_ENTRIES = 50_000
_SKIP_IN_SNAPSHOT = frozenset({".git", CACHE_DIR_NAME, "__pycache__"})
_TAG = b"Signature: 8a477f597d28d172789f06886806bc55\n# mlprodlint cache; safe to delete.\n"


def _sha(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """The tool's own code and bundled data: an edited install never reuses stale results."""
    package = Path(__file__).resolve().parent
    parts: list[bytes] = [__version__.encode()]
    from .resources import builtin_rules_dir, schemas_dir

    for root in (package, builtin_rules_dir(), schemas_dir()):
        for path in sorted(root.rglob("*")):
            if path.suffix in {".py", ".json", ".yaml", ".yml", ".j2", ".html", ".css"} and path.is_file():
                parts += [path.as_posix().encode(), path.read_bytes()]
    return _sha(*parts)


@lru_cache(maxsize=1)
def _secret() -> bytes:
    base = user_cache_home()
    path = base / "secret"
    try:
        return path.read_bytes()
    except OSError:
        pass
    base.mkdir(parents=True, exist_ok=True)
    secret = os.urandom(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(secret)
    return secret


class Cache:
    """A folder of signed pickles; every failure to read or write is a miss, never an error."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.enabled = True
        try:
            self.secret = _secret()
        except OSError:
            self.enabled = False

    def _path(self, kind: str, key: str) -> Path:
        return self.folder / kind / key[:2] / f"{key}.pickle"

    def get(self, kind: str, key: str) -> Any | None:
        if not self.enabled:
            return None
        try:
            blob = self._path(kind, key).read_bytes()
        except OSError:
            return None
        signature, payload = blob[:32], blob[32:]
        if not hmac.compare_digest(signature, hmac.new(self.secret, payload, "sha256").digest()):
            return None
        try:
            return pickle.loads(payload)
        except Exception:  # a stale entry from another version of the classes: a miss
            return None

    def put(self, kind: str, key: str, value: Any) -> None:
        if not self.enabled:
            return
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        blob = hmac.new(self.secret, payload, "sha256").digest() + payload
        target = self._path(kind, key)
        try:
            if not self.folder.exists():
                self.folder.mkdir(parents=True)
                (self.folder / "CACHEDIR.TAG").write_bytes(_TAG)
                (self.folder / ".gitignore").write_text("*\n", encoding="utf-8")
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                handle.write(blob)
            os.replace(temporary, target)
        except OSError:
            self.enabled = False  # read-only checkout, full disk: run on without a cache


# --- rule sets ---------------------------------------------------------------------------------


def rule_set_key(folders: Sequence[Path], request_repr: str) -> str | None:
    """A key over every pack file's path and bytes; None when a folder cannot be listed."""
    from .resources import builtin_rules_dir
    from .rules import pack_files

    parts: list[bytes] = [code_fingerprint().encode(), request_repr.encode()]
    try:
        for directory in (builtin_rules_dir(), *folders):
            parts.append(directory.resolve().as_posix().encode())
            for path in pack_files(directory):
                parts += [path.resolve().as_posix().encode(), path.read_bytes()]
    except Exception:  # missing folder, unreadable pack: let the real loader report it
        return None
    return _sha(*parts)


def load_rule_set_cached(request: Any, cache: Cache | None, load: Any) -> Any:
    """`load(request)` (packs.load), skipping the parse and validation of unchanged packs.

    Only rule sets made of the built-in packs and plain folders are cached: installed packs and
    plugin check functions live in other distributions whose code the key does not cover.
    """
    from .checks.registry import BUILTIN_CHECKS
    from .resources import builtin_rules_dir

    key = None
    if cache is not None and not request.names:
        key = rule_set_key(request.folders, repr(request))
    if key is not None and cache is not None:
        found = cache.get("rules", key)
        if found is not None:
            return found
    rule_set = load(request)
    if key is None or cache is None:
        return rule_set
    allowed = [builtin_rules_dir().resolve(), *(f.resolve() for f in request.folders)]
    from_known_files = all(
        any(pack.path.resolve() == root or pack.path.resolve().is_relative_to(root) for root in allowed)
        for pack in rule_set.packs
    )
    if from_known_files and all(r.check in BUILTIN_CHECKS for r in rule_set.rules):
        cache.put("rules", key, rule_set)
    return rule_set


# --- per-manifest outcomes -------------------------------------------------------------------


def _git_state(root: Path) -> list[bytes]:
    git = root / ".git"
    parts: list[bytes] = []
    if git.is_file():  # a worktree or submodule: .git names the real folder
        try:
            text = git.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            return [b"unreadable-git"]
        if text.startswith("gitdir:"):
            git = (root / text[7:].strip()).resolve()
    folders = [git]
    try:  # a worktree's branch refs live in the main repository (its `commondir`)
        common = (git / "commondir").read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        common = ""
    if common:
        folders.append((git / common).resolve())
    for git in folders:
        for name in ("HEAD", "packed-refs", "index", "FETCH_HEAD", "ORIG_HEAD"):
            try:
                parts.append(name.encode() + (git / name).read_bytes()[:4096])
            except OSError:
                parts.append(name.encode())
        for folder, _dirs, files in os.walk(git / "refs"):
            for name in sorted(files):
                try:
                    parts.append((Path(folder) / name).read_bytes())
                except OSError:
                    parts.append(b"?")
    return parts


@lru_cache(maxsize=64)
def repo_snapshot(root: Path) -> str | None:
    """Path, size and mtime of every file under the repository (and git's refs), or None."""
    parts: list[bytes] = []
    count = 0
    for folder, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_IN_SNAPSHOT)
        for name in sorted(filenames):
            count += 1
            if count > MAX_SNAPSHOT_ENTRIES:
                return None
            path = os.path.join(folder, name)
            try:
                info = os.lstat(path)
            except OSError:
                continue
            parts.append(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_mode}".encode())
    parts += _git_state(root)
    return _sha(*parts)


def outcome_key(path: Path, repo_root: Path, rule_set_fingerprint: str, options_fingerprint: str) -> str | None:
    snapshot = repo_snapshot(repo_root)
    if snapshot is None:
        return None
    try:
        raw = path.read_bytes() if path.is_file() and not path.is_symlink() else None
    except OSError:
        raw = None
    if raw is None:  # symlinks, unreadable files, FIFOs: cheap to lint, subtle to key
        return None
    return _sha(
        code_fingerprint().encode(), rule_set_fingerprint.encode(), options_fingerprint.encode(),
        str(path).encode(), raw, snapshot.encode(),
    )


def options_fingerprint(options: Any, cwd: Path) -> str:
    """Every engine option (today's date included) plus the folder paths are shown relative to."""
    return _sha(repr(options).encode(), str(cwd).encode())


def rule_set_fingerprint(rule_set: Any) -> str:
    return _sha(pickle.dumps(rule_set, protocol=pickle.HIGHEST_PROTOCOL))


def user_cache_home() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "mlprodlint"


def default_folder(config_root: Path) -> Path:
    """MLPRODLINT_CACHE_DIR, else ~/.cache/mlprodlint/results (XDG_CACHE_HOME honoured).

    Outside the repository on purpose: a run never adds files to the tree it lints (reports
    and hooks rely on that), and a cache can never be committed. `config_root` is kept in the
    signature for callers that want a per-project folder later.
    """
    configured = os.environ.get("MLPRODLINT_CACHE_DIR")
    return Path(configured) if configured else user_cache_home() / "results"


def keys_for(
    paths: Iterable[Path], repo_root_of: Any, rule_set_fp: str, options_fp: str
) -> list[str | None]:
    return [outcome_key(p, repo_root_of(p.parent), rule_set_fp, options_fp) for p in paths]
