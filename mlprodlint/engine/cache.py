"""The result cache: each manifest's lint outcome, stored as signed plain data.

Correctness first. An outcome is keyed on everything that can change it: the tool's own code and
bundled data, the rule set, the options (today's date included), the manifest's path and bytes,
and a snapshot of its repository (`repo_snapshot`: a walk of a small tree, git's own view of a
large repository, and git's refs), because evidence rules read other files and git history. When
the snapshot cannot be taken cheaply (huge trees outside git), the manifest is not cached.

It can never execute or mislead (threat model: a cache folder shared between CI jobs of
different trust, a hostile file planted where the secret should be):

- entries are JSON of plain types, decoded by `outcome_codec` into the result classes with every
  field's type checked; nothing is unpickled, imported or called by name;
- each entry is signed with HMAC-SHA256 over its kind, its key and its body, and carries its key:
  an entry copied under another key (a clean manifest's outcome over a failing one's) fails;
- the secret (`~/.cache/mlprodlint/secret`, outside the results folder so that caching the
  results between jobs never shares it) is created by us, 0600, with O_EXCL|O_NOFOLLOW, and used
  only when it is a regular file owned by this user, readable by nobody else and at least 32
  bytes long; otherwise the cache is off for the run, with one warning on stderr. A FIFO or a
  device there is never opened blocking;
- every failure to read, verify, decode or write an entry is a miss, never an error or a result.
"""

from __future__ import annotations

import errno
import hashlib
import hmac
import json
import os
import stat
import sys
import tempfile
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from .. import __version__
from ..repo import git

CACHE_DIR_NAME = ".mlprodlint_cache"
MAX_SNAPSHOT_ENTRIES = 50_000
SMALL_TREE = 2_000  # walked; a larger git repository is described by `git status` instead
GIT_TIMEOUT_SECONDS = 20.0
MAX_ENTRY_BYTES = 64 * 1024 * 1024
SECRET_BYTES = 32
FORMAT = b"mlprodlint-cache 2"
_SKIP_IN_SNAPSHOT = frozenset({".git", CACHE_DIR_NAME, "__pycache__"})
_TAG = b"Signature: 8a477f597d28d172789f06886806bc55\n# mlprodlint cache; safe to delete.\n"
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def _sha(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """The tool's own code and bundled data: an edited install never reuses stale results."""
    package = Path(__file__).resolve().parent.parent
    parts: list[bytes] = [__version__.encode()]
    from ..resources import builtin_rules_dir, schemas_dir

    for root in (package, builtin_rules_dir(), schemas_dir()):
        for path in sorted(root.rglob("*")):
            if path.suffix in {".py", ".json", ".yaml", ".yml", ".j2", ".html", ".css"} and path.is_file():
                parts += [path.as_posix().encode(), path.read_bytes()]
    return _sha(*parts)


# --- the secret ---------------------------------------------------------------------------------


def _read_regular(path: Path, limit: int) -> tuple[bytes | None, str]:
    """The bytes of `path` if it is a regular file owned by us and private; else why not.

    Opened without following a symlink and without blocking (a FIFO opens at once and is then
    refused by its type), so no file planted there can hang the run.
    """
    try:
        fd = os.open(path, _READ_FLAGS)
    except FileNotFoundError:
        return None, ""
    except OSError as error:
        return None, "a symbolic link" if error.errno == errno.ELOOP else f"unreadable ({error.strerror})"
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None, "not a regular file"
        if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
            return None, "owned by another user"
        if info.st_mode & 0o077:
            return None, f"readable or writable by others (mode {stat.S_IMODE(info.st_mode):04o}, expected 0600)"
        data = os.read(fd, limit)
    except OSError as error:
        return None, f"unreadable ({error.strerror})"
    finally:
        os.close(fd)
    return data, ""


def _create_secret(path: Path) -> None:
    """Write a fresh secret atomically: a concurrent run sees no file or the whole file."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".secret-", suffix=".tmp")  # 0600, O_EXCL
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(os.urandom(SECRET_BYTES))
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)  # fails if the name exists (another run won, or a planted file)
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links: create in place, still O_EXCL
            _create_in_place(path)
    finally:
        os.unlink(temporary)


def _create_in_place(path: Path) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as handle:
        handle.write(os.urandom(SECRET_BYTES))


def _secret() -> bytes | None:
    """The per-user signing secret, or None (cache off) after one warning on stderr."""
    return _secret_at(user_cache_home() / "secret")


@lru_cache(maxsize=8)
def _secret_at(path: Path) -> bytes | None:
    data, problem = _read_regular(path, 4096)
    if data is None and not problem:
        try:
            _create_secret(path)
        except OSError as error:
            return _refuse(path, f"could not be created ({error.strerror})")
        data, problem = _read_regular(path, 4096)
    if data is None:
        return _refuse(path, problem or "missing")
    if len(data) < SECRET_BYTES:
        return _refuse(path, f"only {len(data)} bytes long (at least {SECRET_BYTES} needed)")
    return data


def _refuse(path: Path, problem: str) -> None:
    sys.stderr.write(
        f"mlprodlint: warning: result cache disabled: its secret {path} is {problem}; "
        "delete the file and the next run creates a new one\n"
    )
    return None


# --- the store ----------------------------------------------------------------------------------


class Cache:
    """A folder of signed JSON entries; every failure to read or write is a miss, never an error."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        secret = _secret()
        self.enabled = secret is not None
        self.secret = secret or b""

    def _path(self, kind: str, key: str) -> Path:
        return self.folder / kind / key[:2] / f"{key}.json"

    def _signature(self, kind: str, key: str, body: bytes) -> bytes:
        message = b"\0".join((FORMAT, kind.encode(), key.encode(), body))
        return hmac.new(self.secret, message, "sha256").hexdigest().encode()

    def get(self, kind: str, key: str) -> Any | None:
        """The plain data stored under (kind, key), or None. The caller validates its shape."""
        if not self.enabled:
            return None
        blob, _ = _read_regular(self._path(kind, key), MAX_ENTRY_BYTES + 1)
        if blob is None or len(blob) > MAX_ENTRY_BYTES:
            return None
        header, _, body = blob.partition(b"\n")
        magic, _, signature = header.rpartition(b" ")
        if magic != FORMAT or not hmac.compare_digest(signature, self._signature(kind, key, body)):
            return None
        try:
            entry = json.loads(body)
        except ValueError:
            return None
        if not isinstance(entry, dict) or entry.get("kind") != kind or entry.get("key") != key:
            return None  # signed for another key: never reuse it here
        return entry.get("value")

    def put(self, kind: str, key: str, value: Any) -> None:
        if not self.enabled:
            return
        try:
            body = json.dumps({"kind": kind, "key": key, "value": value}, ensure_ascii=False,
                              separators=(",", ":"), allow_nan=False).encode("utf-8", errors="surrogatepass")
        except (TypeError, ValueError):
            return  # not plain data: not cached
        blob = FORMAT + b" " + self._signature(kind, key, body) + b"\n" + body
        target = self._path(kind, key)
        try:
            if not self.folder.exists():
                self.folder.mkdir(parents=True, mode=0o700)
                (self.folder / "CACHEDIR.TAG").write_bytes(_TAG)
                (self.folder / ".gitignore").write_text("*\n", encoding="utf-8")
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                handle.write(blob)
            os.replace(temporary, target)
        except OSError:
            self.enabled = False  # read-only checkout, full disk: run on without a cache


# --- per-manifest outcome keys ------------------------------------------------------------------


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
        for name in ("HEAD", "packed-refs", "index", "FETCH_HEAD", "ORIG_HEAD", "shallow"):
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
    """A digest of everything under the repository a rule could read, or None (not cached).

    A small tree is walked (path, size, mtime of every file). A larger git repository is
    described by git instead of a walk: HEAD, `git status` (every modified, untracked and
    ignored file, listed one by one) and the stat of each file it lists, plus files git is told
    not to look at (assume-unchanged, skip-worktree); every other file is, by git's own index
    check, exactly as committed at HEAD. Submodules or nested repositories fall back to the walk.
    """
    parts = _walk(root, SMALL_TREE)
    if parts is None and git.repo_root(root) == Path(os.path.abspath(root)):
        parts = _git_worktree_state(root)
    if parts is None:
        parts = _walk(root, MAX_SNAPSHOT_ENTRIES)
    if parts is None:
        return None
    return _sha(*parts, *_git_state(root))


def _walk(root: Path, limit: int) -> list[bytes] | None:
    parts: list[bytes] = [b"walk"]
    count = 0
    for folder, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_IN_SNAPSHOT)
        for name in sorted(filenames):
            count += 1
            if count > limit:
                return None
            parts.append(_stat_line(os.path.join(folder, name)))
    return parts


def _stat_line(path: str | bytes) -> bytes:
    try:
        info = os.lstat(path)
    except OSError:
        return os.fsencode(path) + b"\0missing"
    return os.fsencode(path) + f"\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_mode}\0{info.st_ino}".encode()


def _git_worktree_state(root: Path) -> list[bytes] | None:
    try:
        status = git.run(root, ["status", "--porcelain=v2", "-z", "--branch", "--untracked-files=all",
                                "--ignored=traditional", "--no-renames", "--ignore-submodules=none"],
                         timeout=GIT_TIMEOUT_SECONDS, worktree=True)
        flagged = git.run(root, ["ls-files", "-z", "-v"], timeout=GIT_TIMEOUT_SECONDS)
    except git.GitError:
        return None
    parts: list[bytes] = [b"git", status]
    listed: list[bytes] = []
    for record in status.split(b"\0"):
        kind = record[:2]
        if kind in (b"1 ", b"u "):
            fields = record.split(b" ", 8 if kind == b"1 " else 10)
            if fields[2].startswith(b"S"):
                return None  # a submodule: git does not say which of its files changed
            listed.append(fields[-1])
        elif kind in (b"? ", b"! "):
            listed.append(record[2:])
    for record in flagged.split(b"\0"):
        tag = record[:1]
        if tag == b"S" or tag.islower():  # skip-worktree, assume-unchanged: git does not look
            listed.append(record[2:])
    if len(listed) > MAX_SNAPSHOT_ENTRIES or any(path.endswith(b"/") for path in listed):
        return None  # too many to stat, or a nested repository git does not descend into
    base = os.fsencode(root)
    parts += [_stat_line(os.path.join(base, path)) for path in listed]
    return parts


def outcome_key(path: Path, repo_root: Path, rule_set_fp: str, options_fp: str) -> str | None:
    snapshot = repo_snapshot(repo_root)
    if snapshot is None:
        return None
    raw, _ = read_plain_file(path)
    if raw is None:  # symlinks, unreadable files, FIFOs: cheap to lint, subtle to key
        return None
    return _sha(
        code_fingerprint().encode(), rule_set_fp.encode(), options_fp.encode(),
        str(path).encode(), raw, snapshot.encode(),
    )


def read_plain_file(path: Path) -> tuple[bytes | None, str]:
    """A manifest's bytes for a key: a regular file (not a link, FIFO or device), any owner."""
    try:
        fd = os.open(path, _READ_FLAGS)
    except OSError:
        return None, "unreadable"
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_ENTRY_BYTES:
            return None, "not a regular file"
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks), ""
    except OSError:
        return None, "unreadable"
    finally:
        os.close(fd)


def content_key(kind: str, *parts: bytes) -> str:
    """A key over the tool's code and `parts` (for entries derived from one file's bytes)."""
    return _sha(code_fingerprint().encode(), kind.encode(), *parts)


def options_fingerprint(options: Any, cwd: Path) -> str:
    """Every engine option (today's date included) plus the folder paths are shown relative to."""
    return _sha(repr(options).encode(), str(cwd).encode())


def rule_set_fingerprint(rule_set: Any) -> str:
    """The loaded rule set, field by field (its dataclasses' repr is complete and deterministic)."""
    return _sha(code_fingerprint().encode(), repr(rule_set).encode())


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
