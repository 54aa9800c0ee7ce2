"""Render a RunResult in one output format. Formatters are pure: data in, text out.

Every format renders the same RunResult; the human formats (HTML, Markdown, user templates) go
through jinja templates fed the plain-data view model of `report.model`, the machine formats
(JSON, SARIF, JUnit, GitHub) are serialised.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..findings import RunResult, Severity
from ..rules import Rule


@dataclass(frozen=True)
class ReportContext:
    """Everything a formatter may show besides the findings themselves."""

    tool_version: str
    fail_on: Severity = Severity.ERROR
    color: bool = False
    rules: Mapping[str, Rule] = field(default_factory=dict)
    generated_at: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)
    provenance: Any = None  # a provenance.Provenance when a format needs one (see NEEDS_PROVENANCE)


Formatter = Callable[[RunResult, ReportContext], str]


def _text(result: RunResult, context: ReportContext) -> str:
    from .text import render

    return render(result, context)


def _json(result: RunResult, context: ReportContext) -> str:
    from .jsonout import render

    return render(result, context)


def _html(result: RunResult, context: ReportContext) -> str:
    from .human import render_html

    return render_html(result, context)


def _markdown(result: RunResult, context: ReportContext) -> str:
    from .human import render_markdown

    return render_markdown(result, context)


def _sarif(result: RunResult, context: ReportContext) -> str:
    from .sarif import render

    return render(result, context)


def _junit(result: RunResult, context: ReportContext) -> str:
    from .junit import render

    return render(result, context)


def _github(result: RunResult, context: ReportContext) -> str:
    from .github import render

    return render(result, context)


# Formatters import lazily so that a run only pays for the format it prints.
FORMATS: dict[str, Formatter] = {
    "text": _text,
    "json": _json,
    "html": _html,
    "markdown": _markdown,
    "sarif": _sarif,
    "junit": _junit,
    "github": _github,
}
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


def check_destinations(requests: Sequence[OutputRequest]) -> None:
    """Refuse two reports to the same place before anything is rendered or written."""
    seen: set[str] = set()
    for request in requests:
        key = "-" if request.path is None else str(request.path.resolve())
        if key in seen:
            where = "stdout" if request.path is None else request.path.as_posix()
            raise UsageError(f"two reports would be written to {where}; give each its own file")
        seen.add(key)


def check_writable(path: Path) -> None:
    """Fail before the first report is written when a later one could not be."""
    from ..errors import OutputError

    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"cannot write report: folder {folder.as_posix()} does not exist", path)
    if path.is_dir():
        raise OutputError("cannot write report: the path is a directory", path)


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
