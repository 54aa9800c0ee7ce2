"""The human formats: the readiness report as one self-contained HTML page or as Markdown.

Both are jinja templates in mlprodlint/templates/ fed the plain-data view model. HTML is
autoescaped; Markdown escapes through the `md` filter (no raw HTML, tables cannot break).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ..findings import RunResult
from . import ReportContext
from .model import build

# Characters with a meaning in CommonMark/GFM inline text or tables. A backslash escape makes
# them literal on GitHub and GitLab alike, without any raw HTML.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#!|~&$])")
# At the start of a block these open a list, heading or setext underline.
_MD_BLOCK_START = re.compile(r"^([-+=]|\d+(?=[.)]))")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def md_escape(value: Any) -> str:
    """Inline Markdown text: one line, every special character literal."""
    text = "" if value is None else str(value)
    text = _CONTROL.sub("", text)
    text = " ".join(text.split())  # newlines (and tabs) would end a table row
    text = _MD_SPECIAL.sub(r"\\\1", text)
    match = _MD_BLOCK_START.match(text)
    if match:
        end = match.end()
        text = (f"\\{text}" if not match.group(1)[0].isdigit() else f"{text[:end]}\\{text[end:]}")
    return text


def md_code(value: Any) -> str:
    """Inline code span that survives backticks and pipes in the value."""
    text = " ".join(_CONTROL.sub("", "" if value is None else str(value)).split())
    text = text.replace("|", "\\|")  # GFM splits table cells before parsing code spans
    fence = "`"
    while fence in text:
        fence += "`"
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{padding}{text}{padding}{fence}" if text else ""


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
    )
    environment.filters["md"] = md_escape
    environment.filters["mdcode"] = md_code
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
