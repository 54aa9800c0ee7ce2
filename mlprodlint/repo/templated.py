"""Recognise a file that is a template (Helm, Jinja), not the text a tool will finally read.

A Helm chart's `templates/prometheusrule.yaml` or an Ansible `alerts.yml.j2` is not what
Prometheus loads: values are substituted first. Such a file must be reported as unverifiable, not
as a YAML error and not as evidence.

Prometheus rules legitimately hold Go templates in annotations (`{{ $labels.instance }}`,
`{{ $value | humanize }}`, `{{ if gt $value 0.5 }}`), so `{{` alone proves nothing. A template is
recognised by what Prometheus never writes:

- a Jinja statement or comment, `{% ... %}` / `{# ... #}`;
- a Helm value or built-in object (`.Values`, `.Release`, `.Chart`, `.Capabilities`, `.Files`,
  `.Template`) or a Helm/Sprig function (`include`, `toYaml`, `tpl`, `nindent`, ...), or Helm's
  escape of a Prometheus template (`{{ "{{" }}`, ``{{`...`}}``);
- a bare variable (`{{ threshold }}`, `{{ item.name }}`): Prometheus templates start with `$` or
  `.`, a keyword (`if`, `range`, `end`, ...) or one of its template functions.

Scanning is one left-to-right pass with `str.find`: linear in the file size, whatever it holds.
"""

from __future__ import annotations

from dataclasses import dataclass

_HELM_OBJECTS = (".Values", ".Release", ".Chart", ".Capabilities", ".Files", ".Template", "$.Values")
_HELM_FUNCTIONS = frozenset({
    "include", "toYaml", "toJson", "fromYaml", "tpl", "nindent", "indent", "required", "default",
    "quote", "squote", "lookup", "trimSuffix", "trimPrefix", "trunc", "include", "toString",
    "b64enc", "b64dec", "dict", "list", "merge", "ternary", "coalesce", "empty", "hasKey",
})
# Go template keywords and the functions Prometheus offers in alert templates.
_PROMETHEUS_WORDS = frozenset({
    "if", "else", "end", "range", "with", "define", "block", "break", "continue", "nil",
    "and", "or", "not", "eq", "ne", "lt", "le", "gt", "ge", "len", "index", "slice", "print",
    "printf", "println", "html", "js", "urlquery", "call", "humanize", "humanize1024",
    "humanizeDuration", "humanizePercentage", "humanizeTimestamp", "query", "first", "label",
    "value", "title", "toUpper", "toLower", "reReplaceAll", "args", "tmpl", "safeHtml",
    "pathPrefix", "externalURL", "strvalue", "graphLink", "tableLink", "match", "sortByLabel",
    "stripPort", "stripDomain", "parseDuration", "toTime", "urlQueryEscape", "template",
})
MAX_EXPRESSIONS = 10_000  # `{{` occurrences looked at; a real file has far fewer


@dataclass(frozen=True)
class TemplateMarker:
    line: int
    kind: str  # "Helm", "Jinja" or "Helm/Jinja" (an escape both use)
    snippet: str  # the construct as written, shortened

    def describe(self) -> str:
        return f"a {self.kind} template (`{self.snippet}` at line {self.line})"


def _first_word(inner: str) -> str:
    word = []
    for char in inner:
        if char.isalnum() or char == "_":
            word.append(char)
        else:
            break
    return "".join(word)


def _classify(inner: str) -> str | None:
    """'Helm', 'Jinja', 'Helm/Jinja' or None (a Prometheus template) for the text between `{{` and `}}`."""
    text = inner.strip().lstrip("-").rstrip("-").strip()
    if not text:
        return None
    if any(obj in text for obj in _HELM_OBJECTS):
        return "Helm"
    if text[0] in "\"`'":
        # {{ "{{" }}, {{`{{ $labels.x }}`}} or {{ '{{' }}: Helm or Jinja printing Prometheus braces
        return "Helm" if text[0] == "`" else "Helm/Jinja"
    if text[0] in "$.(":
        return None
    word = _first_word(text)
    if word in _HELM_FUNCTIONS:
        return "Helm"
    if word in _PROMETHEUS_WORDS or not word or word[0].isdigit():
        return None
    return "Jinja"


def _snippet(text: str) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= 60 else one_line[:57] + "..."


def find_template_marker(text: str) -> TemplateMarker | None:
    """The first construct showing that `text` is a template, or None."""
    found: list[tuple[int, str, str]] = []  # (offset, kind, snippet)
    for opener, closer in (("{%", "%}"), ("{#", "#}")):
        start = text.find(opener)
        if start >= 0 and text.find(closer, start + 2) >= 0:
            end = text.find(closer, start + 2)
            found.append((start, "Jinja", text[start:end + 2]))
            break
    position, seen = 0, 0
    while seen < MAX_EXPRESSIONS:
        start = text.find("{{", position)
        if start < 0:
            break
        end = text.find("}}", start + 2)
        if end < 0:
            break
        seen += 1
        kind = _classify(text[start + 2:end])
        if kind is not None:
            found.append((start, kind, text[start:end + 2]))
            break
        position = end + 2
    if not found:
        return None
    offset, kind, snippet = min(found)
    return TemplateMarker(text.count("\n", 0, offset) + 1, kind, _snippet(snippet))
