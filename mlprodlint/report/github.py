"""GitHub Actions workflow commands: each active finding becomes an annotation on the pull request.

Escaping follows the Actions runner (ActionCommand.cs): in the message `%`, `\r` and `\n` are
percent-encoded; in properties `:` and `,` are too. A manifest value therefore cannot end the
command early or inject a second one.
"""

from __future__ import annotations

from ..findings import Finding, RunResult, Severity
from ..textsafe import printable
from . import ReportContext

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    # Other control characters (ESC, C1, U+2028...) are shown escaped, as in the text format.
    text = printable(text, keep="\r\n\t")
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str:
    properties = ",".join(
        f"{key}={escape_property(value)}"
        for key, value in (
            ("file", finding.path),
            ("line", str(finding.line)),
            ("col", str(finding.column)),
            ("title", f"{finding.rule_id} {finding.rule_name}"),
        )
    )
    body = f"{finding.message}\nfix: {finding.fix}" if finding.fix else finding.message
    return f"::{_COMMANDS[finding.severity]} {properties}::{escape_data(body)}"


def render(result: RunResult, context: ReportContext) -> str:
    lines = [annotation(f) for f in result.active_findings()]
    counts = result.count_by_severity()
    waived = sum(1 for f in result.findings if f.waived)
    failing = result.failing(context.fail_on)
    verdict = (
        f"FAILED: {len(failing)} finding(s) at or above {context.fail_on.label}"
        if failing
        else f"PASSED: nothing at or above {context.fail_on.label}"
    )
    per_severity = ", ".join(f"{n} {label}" for label, n in counts.items())
    # A plain log line (not a command): never starts with "::".
    lines.append(
        f"mlprodlint: {len(result.manifests)} manifest(s) checked, {sum(counts.values())} finding(s) "
        f"({per_severity}), {waived} waived. {escape_data(verdict)}."
    )
    return "\n".join(lines) + "\n"
