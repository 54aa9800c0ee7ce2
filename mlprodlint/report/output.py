"""Write reports atomically: a failure (or Ctrl-C) never leaves half a file behind."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from ..errors import OutputError


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


class PendingFile:
    """A report being written to a temporary file next to `path`: `commit()` renames it into
    place, `discard()` removes it, so a failure (or Ctrl-C) never leaves half a file behind."""

    def __init__(self, path: Path) -> None:
        self.path = path
        folder = check_writable(path)
        try:
            handle, self.temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        except OSError as error:
            raise OutputError(f"cannot write report: {error.strerror or error}", path) from None
        self.stream = os.fdopen(handle, "w", encoding="utf-8", newline="\n")

    def write(self, text: str) -> None:
        try:
            self.stream.write(text)
        except OSError as error:
            raise OutputError(f"cannot write report: {error.strerror or error}", self.path) from None

    def commit(self) -> None:
        try:
            self.stream.close()
            # mkstemp creates 0600; a report is an ordinary file and follows the umask like one.
            os.chmod(self.temporary, 0o666 & ~_umask())
            os.replace(self.temporary, self.path)
        except OSError as error:
            self.discard()
            raise OutputError(f"cannot write report: {error.strerror or error}", self.path) from None

    def discard(self) -> None:
        try:
            self.stream.close()
        except OSError:
            pass
        try:
            os.unlink(self.temporary)
        except OSError:
            pass


def write_atomic(path: Path, text: str) -> None:
    pending = PendingFile(path)
    try:
        pending.write(text)
    except BaseException:
        pending.discard()
        raise
    pending.commit()


def write_stdout(text: str) -> None:
    """Print a report on standard output; a closed or full stdout is an OutputError (exit 2),
    not a traceback at interpreter exit."""
    import click

    if sys.stdout is None:  # started with stdout closed (`>&-`)
        raise OutputError("cannot write the report: standard output is closed")
    try:
        click.echo(text, nl=False)  # flushes: a full disk or a closed pipe shows up here
    except (OSError, ValueError) as error:  # ValueError: I/O on a closed file
        _discard_stdout()
        reason = getattr(error, "strerror", None) or str(error)
        raise OutputError(f"cannot write the report to standard output: {reason}") from None


def _discard_stdout() -> None:
    # What could not be written is still buffered: point fd 1 at /dev/null so that the flush at
    # interpreter exit succeeds instead of printing "Exception ignored" and exiting 120.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
