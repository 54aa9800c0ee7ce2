"""Render the run with a user's jinja template, sandboxed, fed the plain-data view model only.

A template may come from the repository being linted, so it is untrusted in both directions:
- it cannot reach internals: the sandbox is immutable and the data holds no objects of ours;
- it cannot read outside its own folder: the loader refuses symbolic links (anywhere on the
  way), `..`, absolute names and anything but regular files (`{% include %}` of a link to
  /proc/self/environ fails with the template's file and line, printing nothing of the target);
- it cannot run without bound: `range()` is capped by the sandbox, every `{% for %}` draws on one
  iteration budget per render, repetition and powers are capped, and the output is capped.
Autoescape is on for .html, .htm and .xml templates.
"""

from __future__ import annotations

import os
import stat
import traceback
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from ..errors import TemplateError
from ..results.findings import RunResult
from ..textsafe import jinja_finalize
from . import ReportContext
from .human import md_code, md_escape, md_spans
from .model import build

AUTOESCAPE_SUFFIXES = (".html", ".htm", ".xml")
# A template is untrusted input: `{{ 'x' * 10**10 }}` or `{{ 9**9**9 }}` must not exhaust the
# machine. Results larger than this (characters or items) and huge powers are refused.
MAX_REPEAT = 1_000_000
MAX_POWER_BITS = 4096
# Every loop iteration of one render, nested or not (range() alone is capped at 100,000 by the
# sandbox, but three nested ranges would be 10**15); a portfolio of thousands of manifests with
# dozens of rules each stays far below.
MAX_ITERATIONS = 5_000_000
MAX_OUTPUT_CHARS = 64 * 1024 * 1024
MAX_TEMPLATE_BYTES = 1024 * 1024
_BUDGET_FILTER = "mlprodlint_loop_budget"


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


def read_confined(folder: Path, name: str) -> tuple[str, Path]:
    """The text of template `name` inside `folder`; ValueError says why it may not be read."""
    parts = name.split("/")
    if name.startswith("/") or "\\" in name or "\0" in name or any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"{name!r} is not a file name inside the template's folder")
    path = folder
    for part in parts:
        path = path / part
        if path.is_symlink():
            raise ValueError(f"{name!r} is a symbolic link; a template may only read regular files in its own folder")
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise ValueError(f"{name!r} does not exist in the template's folder") from None
    except OSError as error:
        raise ValueError(f"{name!r} cannot be read: {error.strerror or error}") from None
    with os.fdopen(descriptor, "rb") as stream:
        info = os.fstat(stream.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise ValueError(f"{name!r} is not a regular file")
        data = stream.read(MAX_TEMPLATE_BYTES + 1)
    if len(data) > MAX_TEMPLATE_BYTES:
        raise ValueError(f"{name!r} is larger than {MAX_TEMPLATE_BYTES} bytes")
    try:
        return data.decode("utf-8"), path
    except UnicodeDecodeError:
        raise ValueError(f"{name!r} is not UTF-8 text") from None


def _loop_budget() -> Callable[[Iterable[Any]], Iterator[Any]]:
    from jinja2.exceptions import SecurityError

    spent = [0]

    def budgeted(iterable: Iterable[Any]) -> Iterator[Any]:
        for item in iterable:
            spent[0] += 1
            if spent[0] > MAX_ITERATIONS:
                raise SecurityError(f"template loops ran more than {MAX_ITERATIONS} iterations")
            yield item

    return budgeted


def render_template(path: Path, result: RunResult, context: ReportContext) -> str:
    import jinja2
    from jinja2 import nodes
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    class ConfinedLoader(jinja2.BaseLoader):
        def __init__(self, folder: Path) -> None:
            self.folder = folder

        def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
            try:
                text, found = read_confined(self.folder, template)
            except ValueError as error:
                raise jinja2.TemplateNotFound(template, str(error)) from None
            return text, str(found), lambda: False

    class BoundedSandbox(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**"})

        def call_binop(self, context: object, operator: str, left: object, right: object) -> object:
            if operator in self.intercepted_binops:
                return _bounded_binop(operator, left, right)
            return super().call_binop(context, operator, left, right)  # type: ignore[arg-type]

        def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
            # Every {% for %} (in macros and included templates too) iterates through the budget.
            tree = super()._parse(source, name, filename)
            for loop in tree.find_all(nodes.For):
                loop.iter = nodes.Filter(loop.iter, _BUDGET_FILTER, [], [], None, None, lineno=loop.lineno)
            return tree

    if path.is_symlink():
        raise TemplateError("template file is a symbolic link; give the file itself", path)
    if not path.is_file():
        raise TemplateError("template file does not exist", path)
    folder = path.resolve().parent
    environment = BoundedSandbox(
        loader=ConfinedLoader(folder),
        autoescape=_autoescape,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        finalize=jinja_finalize(),  # values from the repository cannot forge lines in a CI log
    )
    environment.filters.update(md=md_escape, mdcode=md_code, mdspans=md_spans)
    environment.filters[_BUDGET_FILTER] = _loop_budget()
    try:
        template = environment.get_template(path.name)
    except jinja2.TemplateSyntaxError as error:
        raise TemplateError(f"template syntax error: {error.message}", error.filename or path, error.lineno) from None
    except jinja2.TemplateNotFound as error:
        raise TemplateError(f"cannot load template: {error.message}", path) from None
    except (OSError, jinja2.TemplateError) as error:
        raise TemplateError(f"cannot load template: {error}", path) from None
    data = build(result, context)
    try:
        chunks: list[str] = []
        size = 0
        for chunk in template.generate(report=data):
            size += len(chunk)
            if size > MAX_OUTPUT_CHARS:
                raise jinja2.exceptions.SecurityError(f"template output larger than {MAX_OUTPUT_CHARS} characters")
            chunks.append(chunk)
        return "".join(chunks)
    except jinja2.TemplateSyntaxError as error:  # an {% include %}d template with bad syntax
        raise TemplateError(f"template syntax error: {error.message}", error.filename or path, error.lineno) from None
    except (jinja2.TemplateError, TypeError, ValueError, ArithmeticError, LookupError, AttributeError, RecursionError, MemoryError) as error:
        filename, line = _line_in(error, folder)
        message = getattr(error, "message", None) or str(error)
        raise TemplateError(f"template error: {type(error).__name__}: {message}", filename or path, line) from None
