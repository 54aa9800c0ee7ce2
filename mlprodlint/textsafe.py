"""Values from a scanned repository shown on one line: control characters escaped.

A manifest value or folder name holding a newline, carriage return, terminal escape (ESC, OSC,
CSI), any other C0/C1 control, a Unicode line/paragraph separator or a bidi override must not
start a new output line (a forged `::error` workflow command, a fake PASSED summary) or drive
the terminal. Every human-readable output passes such values through `printable`.
"""

from __future__ import annotations

import re

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# C0 (tab kept by default), DEL, C1, line/paragraph separators, bidi embeddings/overrides/isolates.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(value: object, keep: str = "\t") -> str:
    """`value` as text with every unsafe character escaped (`\\n`, `\\x1b`), except those in `keep`."""
    text = "" if value is None else str(value)
    if not keep:
        return _UNSAFE.sub(_escape, text)
    return _UNSAFE.sub(lambda m: m.group() if m.group() in keep else _escape(m), text)


def finalize(value: object, html: bool = False) -> object:
    """What a template prints: every string escaped (markup stays markup). In HTML a newline is
    written as `&#10;`: it renders as before, yet the file holds no raw line break to forge with."""
    if not isinstance(value, str):
        return value
    if html:
        from markupsafe import Markup, escape

        text = str(value) if isinstance(value, Markup) else str(escape(value))
        text = text.replace("\r", "&#13;").replace("\n", "&#10;")
        return Markup(printable(text, keep="\t"))
    escaped = printable(value, keep="\t")
    return value if escaped == value else escaped


def jinja_finalize() -> object:
    """`finalize` for a jinja Environment: HTML or plain, as the template's autoescape says."""
    from jinja2 import pass_eval_context

    @pass_eval_context
    def hook(eval_context: object, value: object) -> object:
        return finalize(value, html=bool(getattr(eval_context, "autoescape", False)))

    return hook
