"""Render a RunResult in one output format. Formatters are pure: data in, text out.

Every format renders the same RunResult; the human formats (HTML, Markdown, user templates) go
through jinja templates fed the plain-data view model of `report.model`, the machine formats
(JSON, SARIF, JUnit, GitHub) are serialised.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import OutputError, UsageError
from .output import check_writable as check_writable  # re-exported for the CLI
from .output import PendingFile, write_atomic
from ..results.findings import RunResult, Severity
from ..rules.definitions import Rule


@dataclass(frozen=True)
class ReportContext:
    """Everything a formatter may show besides the findings themselves."""

    tool_version: str
    fail_on: Severity = Severity.ERROR
    color: bool = False
    rules: Mapping[str, Rule] = field(default_factory=dict)
    provenance: Any = None  # a provenance.Provenance when a format needs one (see NEEDS_PROVENANCE)
    # A roots.SourceRoot: the machine formats (roots.ROOT_RELATIVE_FORMATS) show paths relative
    # to it; None leaves every path relative to the working directory.
    source_root: Any = None


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
    "gitlab": ("gitlab", "render"),
    "comment": ("comment", "render"),
    "annex-iv": ("annexiv", "render"),
}


def _lazy(module: str, function: str) -> Formatter:
    def formatter(result: RunResult, context: ReportContext) -> str:
        from importlib import import_module

        rendered: str = getattr(import_module(f".{module}", __name__), function)(result, context)
        return rendered

    return formatter


FORMATS: dict[str, Formatter] = {name: _lazy(*target) for name, target in _FORMATTERS.items()}
# Formats that show the generation time, git commit or hostname (collecting them costs a git call).
NEEDS_PROVENANCE = frozenset({"html", "markdown", "junit", "template", "json"})


def render(result: RunResult, fmt: str, context: ReportContext) -> str:
    return FORMATS[fmt](result, context)


# Formats rendered a piece at a time (`chunks(result, context)` in their module): their reports
# stream to the destination instead of being held whole in memory. The others are one string.
_STREAMED: dict[str, str] = {"json": "jsonout", "text": "text"}


def chunks(result: RunResult, fmt: str, context: ReportContext) -> Iterable[str]:
    if fmt in _STREAMED:
        from importlib import import_module

        streamed: Iterable[str] = import_module(f".{_STREAMED[fmt]}", __name__).chunks(result, context)
        return streamed
    return (render(result, fmt, context),)


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
    return "".join(_request_chunks(result, request, context))


def _request_chunks(result: RunResult, request: OutputRequest, context: ReportContext) -> Iterable[str]:
    if request.template is not None:
        from .usertemplate import render_template

        return (render_template(request.template, result, context),)
    return chunks(result, request.fmt, context)


def _prepared(
    result: RunResult, requests: Sequence[OutputRequest], context: ReportContext
) -> list[tuple[OutputRequest, RunResult, ReportContext]]:
    """Each request with the result and context it renders (paths rebased, colour for a terminal)."""
    from .roots import ROOT_RELATIVE_FORMATS, rebase

    prepared = []
    rebased: RunResult | None = None
    for request in requests:
        # Colour codes belong on a terminal only, never in a file.
        own = replace(context, color=context.color and request.path is None)
        source = result
        if context.source_root is not None and request.fmt in ROOT_RELATIVE_FORMATS:
            rebased = rebased or rebase(result, context.source_root)
            source = rebased
        prepared.append((request, source, own))
    return prepared


def render_all(
    result: RunResult, requests: Sequence[OutputRequest], context: ReportContext
) -> list[tuple[OutputRequest, str]]:
    """Render every report to text (for callers that need the text itself)."""
    return [(request, render_request(source, request, own)) for request, source, own in _prepared(result, requests, context)]


def write_all(
    result: RunResult, requests: Sequence[OutputRequest], context: ReportContext, echo: Callable[[str], None]
) -> None:
    """Stream every report to its destination; a failure in any of them leaves no file written.

    File reports stream into temporary files next to their paths; the report for stdout (or a
    device, FIFO or /dev/fd path) streams through `echo` once every file report is complete; the
    temporary files are renamed into place last. Memory holds one finding's text at a time, not
    the report.
    """
    from ..engine.gcpolicy import batch

    with batch():
        _write_all(result, requests, context, echo)


def _write_all(
    result: RunResult, requests: Sequence[OutputRequest], context: ReportContext, echo: Callable[[str], None]
) -> None:
    prepared = _prepared(result, requests, context)
    for request, _, _ in prepared:
        if request.path is not None:
            check_writable(request.path)
    pending: list[PendingFile] = []
    try:
        for request, source, own in prepared:
            if request.path is None or _is_stream(request.path):
                continue
            # Through a symlink to its target: the link stays a link.
            target = Path(os.path.realpath(request.path)) if request.path.is_symlink() else request.path
            pending.append(PendingFile(target))
            for piece in _request_chunks(source, request, own):
                pending[-1].write(piece)
        for request, source, own in prepared:
            if request.path is None:
                for piece in _request_chunks(source, request, own):
                    echo(piece)
            elif _is_stream(request.path):
                write_report(request.path, render_request(source, request, own))
    except BaseException:
        for file in pending:
            file.discard()
        raise
    for file in pending:
        file.commit()
