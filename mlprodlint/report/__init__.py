"""Render a RunResult in one output format. Formatters are pure: data in, text out.

Every format renders the same RunResult; the human formats (HTML, Markdown, user templates) go
through jinja templates fed the plain-data view model of `report.model`, the machine formats
(JSON, SARIF, JUnit, GitHub) are serialised.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import OutputError, UsageError
from ..output import check_writable as check_writable  # re-exported for the CLI
from ..output import write_atomic
from ..findings import RunResult, Severity
from ..rules import Rule


@dataclass(frozen=True)
class ReportContext:
    """Everything a formatter may show besides the findings themselves."""

    tool_version: str
    fail_on: Severity = Severity.ERROR
    color: bool = False
    rules: Mapping[str, Rule] = field(default_factory=dict)
    provenance: Any = None  # a provenance.Provenance when a format needs one (see NEEDS_PROVENANCE)


Formatter = Callable[[RunResult, ReportContext], str]

# format -> (module in this package, function). Formatters import lazily so that a run only pays
# for the formats it prints (jinja2 and xml stay unimported for a text run).
_FORMATTERS: dict[str, tuple[str, str]] = {
    "text": ("text", "render"),
    "json": ("jsonout", "render"),
    "html": ("human", "render_html"),
    "markdown": ("human", "render_markdown"),
    "sarif": ("sarif", "render"),
    "junit": ("junit", "render"),
    "github": ("github", "render"),
}


def _lazy(module: str, function: str) -> Formatter:
    def formatter(result: RunResult, context: ReportContext) -> str:
        from importlib import import_module

        rendered: str = getattr(import_module(f".{module}", __name__), function)(result, context)
        return rendered

    return formatter


FORMATS: dict[str, Formatter] = {name: _lazy(*target) for name, target in _FORMATTERS.items()}
# Formats that show the generation time, git commit or hostname (collecting them costs a git call).
NEEDS_PROVENANCE = frozenset({"html", "markdown", "junit", "template"})


def render(result: RunResult, fmt: str, context: ReportContext) -> str:
    return FORMATS[fmt](result, context)


@dataclass(frozen=True)
class OutputRequest:
    """One report of a run: a format (or a user template) and where it goes (None: stdout)."""

    fmt: str
    path: Path | None = None
    template: Path | None = None


def parse_output_spec(spec: str) -> OutputRequest:
    """`FORMAT:FILE` as given to --output-format (FILE may itself contain colons)."""
    fmt, sep, target = spec.partition(":")
    fmt = fmt.strip().lower()
    if not sep or not target:
        raise UsageError(f"--output-format: {spec!r} is not FORMAT:FILE (e.g. sarif:results.sarif)")
    if fmt not in FORMATS:
        raise UsageError(f"--output-format: unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    return OutputRequest(fmt, None if target == "-" else Path(target))


def _real(path: Path) -> str:
    # os.path.realpath, unlike Path.resolve() on Python 3.11, does not raise on a symlink loop.
    return os.path.realpath(path)


def check_destinations(requests: Sequence[OutputRequest]) -> None:
    """Refuse two reports to the same place before anything is rendered or written."""
    seen: set[str] = set()
    for request in requests:
        key = "-" if request.path is None else _real(request.path)
        if key in seen:
            where = "stdout" if request.path is None else request.path.as_posix()
            raise UsageError(f"two reports would be written to {where}; give each its own file")
        seen.add(key)


def check_not_inputs(requests: Sequence[OutputRequest], inputs: Sequence[Path]) -> None:
    """Refuse a report that would replace a file the run reads (a linted manifest, the template)."""
    read = {_real(path) for path in inputs}
    for request in requests:
        if request.path is not None and _real(request.path) in read:
            raise UsageError(
                f"{request.path.as_posix()}: refusing to write a {'baseline' if request.fmt == 'baseline' else 'report'} "
                "over a file this run reads; choose another output file"
            )


def _is_stream(path: Path) -> bool:
    """/dev/stdout, /dev/null, /dev/fd/63 (a shell's >(...)), a FIFO: not a file to replace."""
    if str(path.absolute()).startswith(("/dev/", "/proc/")):
        return True
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def write_report(path: Path, text: str) -> None:
    """Atomically into a file; straight into a stream or device, where renaming a temporary
    file over the path would replace the device node itself (and, as root, break /dev/stdout)."""
    if not _is_stream(path):
        # Through a symlink to its target: the link stays a link.
        write_atomic(Path(os.path.realpath(path)) if path.is_symlink() else path, text)
        return
    try:
        with open(path, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
    except OSError as error:
        raise OutputError(f"cannot write report: {error.strerror or error}", path) from None


def render_request(result: RunResult, request: OutputRequest, context: ReportContext) -> str:
    if request.template is not None:
        from .usertemplate import render_template

        return render_template(request.template, result, context)
    return render(result, request.fmt, context)


def render_all(
    result: RunResult, requests: Sequence[OutputRequest], context: ReportContext
) -> list[tuple[OutputRequest, str]]:
    """Render every report first: a failure in any of them must leave no file written."""
    rendered = []
    for request in requests:
        # Colour codes belong on a terminal only, never in a file.
        own = replace(context, color=context.color and request.path is None)
        rendered.append((request, render_request(result, request, own)))
    return rendered
