"""The exception hierarchy that the CLI maps to messages and exit codes.

Problems *in a manifest* are findings, never exceptions. Exceptions are for problems that stop a
run: bad usage, broken configuration, a broken rule pack, nothing to lint.
"""

from __future__ import annotations

from pathlib import Path

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130


class MlprodlintError(Exception):
    """A problem that stops the run; carries where it was found."""

    exit_code = EXIT_ERROR

    def __init__(
        self,
        message: str,
        path: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
        details: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details = details  # further lines (e.g. one per problem), each shown escaped
        self.path = str(path) if path is not None else None
        self.line = line
        self.column = column

    def location(self) -> str:
        if self.path is None:
            return ""
        parts = [self.path]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        from .textsafe import printable  # paths and values quoted in a message stay on one line

        where = self.location()
        head = printable(f"{where}: {self.message}" if where else self.message)
        return head + "".join(f"\n  {printable(detail)}" for detail in self.details)


class UsageError(MlprodlintError):
    """The command line asks for something impossible."""


class ConfigError(MlprodlintError):
    """A configuration file is broken or has unknown keys."""


class RulePackError(MlprodlintError):
    """A rule pack does not load; a broken rule is never skipped silently."""


class NoManifestError(MlprodlintError):
    """The given paths hold no manifest at all."""


class TemplateError(MlprodlintError):
    """A report template fails to load or render."""


class OutputError(MlprodlintError):
    """A report cannot be written."""


class PluginError(MlprodlintError):
    """Third-party code (a check plugin or an installed pack) raised: named, exit 2, never exit 0."""


def describe(error: BaseException) -> str:
    """`Type: message` of an exception raised by code we do not control (its __str__ may raise too)."""
    try:
        text = str(error)
    except Exception:  # noqa: BLE001 - a hostile __str__ must not replace the real error
        text = "<unprintable>"
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
