"""Render a RunResult in one output format. Formatters are pure: data in, text out."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

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


Formatter = Callable[[RunResult, ReportContext], str]


def _text(result: RunResult, context: ReportContext) -> str:
    from .text import render

    return render(result, context)


def _json(result: RunResult, context: ReportContext) -> str:
    from .jsonout import render

    return render(result, context)


# Formatters import lazily so that a run only pays for the format it prints.
FORMATS: dict[str, Formatter] = {
    "text": _text,
    "json": _json,
}


def render(result: RunResult, fmt: str, context: ReportContext) -> str:
    return FORMATS[fmt](result, context)
