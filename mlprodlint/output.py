"""Write reports atomically: a failure (or Ctrl-C) never leaves half a file behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import OutputError


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def check_writable(path: Path) -> Path:
    """The folder a report at `path` goes to; fails early when it cannot be written there."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"cannot write report: folder {folder.as_posix()} does not exist", path)
    if path.is_dir():
        raise OutputError("cannot write report: the path is a directory", path)
    return folder


def write_atomic(path: Path, text: str) -> None:
    folder = check_writable(path)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise OutputError(f"cannot write report: {error.strerror or error}", path) from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        # mkstemp creates 0600; a report is an ordinary file and follows the umask like one.
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except BaseException as error:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        if isinstance(error, OSError):
            raise OutputError(f"cannot write report: {error.strerror or error}", path) from None
        raise
