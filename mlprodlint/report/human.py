"""The human formats: the readiness report as one self-contained HTML page or as Markdown.

Both are jinja templates in mlprodlint/templates/ fed the plain-data view model. HTML is
autoescaped; Markdown escapes through the `md` filter (no raw HTML, tables cannot break).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ..results.findings import RunResult
from ..textsafe import jinja_finalize
from . import ReportContext
from .model import build

# Characters with a meaning in CommonMark/GFM inline text or tables. A backslash escape makes
# them literal on GitHub and GitLab alike, without any raw HTML.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#!|~&$])")
# At the start of a block these open a list, heading or setext underline.
_MD_BLOCK_START = re.compile(r"^([-+=]|\d+(?=[.)]))")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")  # C0, DEL, C1, bidi


def md_escape(value: Any) -> str:
    """Inline Markdown text: one line, every special character literal."""
    return _block_safe(_md_inner(_one_line(value)))


def _one_line(value: Any) -> str:
    # Newlines (and tabs) would end a table row or a list item.
    return " ".join(_CONTROL.sub("", "" if value is None else str(value)).split())


def _md_inner(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def _block_safe(text: str) -> str:
    """Escape what would open a list, heading or setext underline at the start of a block."""
    match = _MD_BLOCK_START.match(text)
    if not match:
        return text
    end = match.end()
    return f"{text[:end]}\\{text[end:]}" if match.group(1)[0].isdigit() else f"\\{text}"


def md_code(value: Any) -> str:
    """Inline code span that survives backticks and pipes in the value."""
    text = " ".join(_CONTROL.sub("", "" if value is None else str(value)).split())
    text = text.replace("|", "\\|")  # GFM splits table cells before parsing code spans
    fence = "`"
    while fence in text:
        fence += "`"
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{padding}{text}{padding}{fence}" if text else ""


_CODE_SPAN = re.compile(r"`([^`]+)`")


def code_spans(value: Any) -> Any:
    """Escape, then show `backticked` parts (rule fix texts use them) as <code>."""
    from markupsafe import Markup, escape

    escaped = str(escape("" if value is None else value))
    return Markup(_CODE_SPAN.sub(r"<code>\1</code>", escaped))


def md_spans(value: Any) -> str:
    """Like md_escape, but `backticked` parts stay code spans (rule texts use them)."""
    parts = _CODE_SPAN.split(_one_line(value))  # odd indexes are the code parts
    return _block_safe("".join(md_code(p) if i % 2 else _md_inner(p) for i, p in enumerate(parts)))


@lru_cache(maxsize=None)
def _environment(autoescape: bool) -> Any:
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("mlprodlint", "templates"),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,  # a typo in our own template must fail loudly in tests
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=jinja_finalize(),  # every value shown: control characters escaped (reports go to CI logs too)
    )
    environment.filters["md"] = md_escape
    environment.filters["mdcode"] = md_code
    environment.filters["codespans"] = code_spans
    environment.filters["mdspans"] = md_spans
    return environment


def _render(name: str, autoescape: bool, result: RunResult, context: ReportContext) -> str:
    template = _environment(autoescape).get_template(name)
    return template.render(report=build(result, context))


def render_html(result: RunResult, context: ReportContext) -> str:
    return _render("report.html.j2", True, result, context)


def render_markdown(result: RunResult, context: ReportContext) -> str:
    text = _render("report.md.j2", False, result, context)
    # Templates with loops leave runs of blank lines; Markdown needs at most one.
    return re.sub(r"\n{3,}", "\n\n", text)
