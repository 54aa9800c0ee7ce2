"""Render a portfolio (mlprodlint.portfolio.build's plain data) as HTML, Markdown or JSON."""

from __future__ import annotations

import json
import re
from typing import Any

FORMATS = ("html", "markdown", "json")


def render(data: dict[str, Any], fmt: str, generated_at: str, tool_version: str) -> str:
    if fmt == "json":
        return json.dumps({**data, "generated_at": generated_at, "tool": {"name": "mlprodlint", "version": tool_version}},
                          indent=2, ensure_ascii=False) + "\n"
    from .human import _environment

    name, autoescape = ("portfolio.html.j2", True) if fmt == "html" else ("portfolio.md.j2", False)
    text: str = _environment(autoescape).get_template(name).render(
        portfolio=data, generated_at=generated_at, tool_version=tool_version
    )
    return text if fmt == "html" else re.sub(r"\n{3,}", "\n\n", text)
