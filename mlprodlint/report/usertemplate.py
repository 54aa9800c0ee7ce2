"""Render the run with a user's jinja template, sandboxed, fed the plain-data view model only.

The sandbox is immutable (templates cannot modify the data) and the data holds no objects of
ours, so a template cannot reach internals; autoescape is on for .html, .htm and .xml templates.
"""

from __future__ import annotations

import traceback
from pathlib import Path

from ..errors import TemplateError
from ..findings import RunResult
from ..textsafe import jinja_finalize
from . import ReportContext
from .human import md_code, md_escape, md_spans
from .model import build

AUTOESCAPE_SUFFIXES = (".html", ".htm", ".xml")
# A template is untrusted input: `{{ 'x' * 10**10 }}` or `{{ 9**9**9 }}` must not exhaust the
# machine. Results larger than this (characters or items) and huge powers are refused.
MAX_REPEAT = 1_000_000
MAX_POWER_BITS = 4096


def _bounded_binop(operator: str, left: object, right: object) -> object:
    from jinja2.exceptions import SecurityError

    if operator == "**":
        if isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1:
            if right * abs(left).bit_length() > MAX_POWER_BITS:
                raise SecurityError("power too large for a template")
        return left ** right  # type: ignore[operator]
    # operator == "*"
    for sequence, count in ((left, right), (right, left)):
        if isinstance(sequence, (str, list, tuple)) and isinstance(count, int):
            if len(sequence) * count > MAX_REPEAT:
                raise SecurityError("repetition too large for a template")
    return left * right  # type: ignore[operator]


def _autoescape(name: str | None) -> bool:
    stem = (name or "").lower().removesuffix(".j2").removesuffix(".jinja").removesuffix(".jinja2")
    return stem.endswith(AUTOESCAPE_SUFFIXES)


def _line_in(error: BaseException, folder: Path) -> tuple[str | None, int | None]:
    """The template file and line a render error happened at (jinja rewrites the traceback so
    that template frames carry the template's own file name and line)."""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        try:
            if Path(frame.filename).resolve().is_relative_to(folder):
                return frame.filename, frame.lineno
        except (OSError, ValueError):
            continue
    return None, None


def render_template(path: Path, result: RunResult, context: ReportContext) -> str:
    import jinja2
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    class BoundedSandbox(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**"})

        def call_binop(self, context: object, operator: str, left: object, right: object) -> object:
            if operator in self.intercepted_binops:
                return _bounded_binop(operator, left, right)
            return super().call_binop(context, operator, left, right)  # type: ignore[arg-type]

    if not path.is_file():
        raise TemplateError("template file does not exist", path)
    folder = path.resolve().parent
    environment = BoundedSandbox(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=_autoescape,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        finalize=jinja_finalize(),  # values from the repository cannot forge lines in a CI log
    )
    environment.filters.update(md=md_escape, mdcode=md_code, mdspans=md_spans)
    try:
        template = environment.get_template(path.name)
    except jinja2.TemplateSyntaxError as error:
        raise TemplateError(f"template syntax error: {error.message}", error.filename or path, error.lineno) from None
    except UnicodeDecodeError:
        raise TemplateError("template is not UTF-8 text", path) from None
    except (OSError, jinja2.TemplateError) as error:
        raise TemplateError(f"cannot load template: {error}", path) from None
    data = build(result, context)
    try:
        return template.render(report=data)
    except jinja2.TemplateSyntaxError as error:  # an {% include %}d template with bad syntax
        raise TemplateError(f"template syntax error: {error.message}", error.filename or path, error.lineno) from None
    except (jinja2.TemplateError, TypeError, ValueError, ArithmeticError, LookupError, AttributeError, RecursionError, MemoryError) as error:
        filename, line = _line_in(error, folder)
        message = getattr(error, "message", None) or str(error)
        raise TemplateError(f"template error: {type(error).__name__}: {message}", filename or path, line) from None
