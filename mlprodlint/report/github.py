"""GitHub Actions workflow commands: each active finding becomes an annotation on the pull request.

Escaping follows the Actions runner (ActionCommand.cs): in the message `%`, `\r` and `\n` are
percent-encoded; in properties `:` and `,` are too. A manifest value therefore cannot end the
command early or inject a second one.
"""

from __future__ import annotations

from ..results.findings import Finding, RunResult, Severity
from ..textsafe import printable
from . import ReportContext

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    # Other control characters (ESC, C1, U+2028...) are shown escaped, as in the text format.
    text = printable(text, keep="\r\n\t")
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding, command: str | None = None) -> str:
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
    return f"::{command or _COMMANDS[finding.severity]} {properties}::{escape_data(body)}"


def render(result: RunResult, context: ReportContext) -> str:
    lines = [annotation(f) for f in result.findings if not f.waived and not f.upcoming]
    # Upcoming obligations (effective_from later than today) are notices: they never fail the run.
    lines += [annotation(f, "notice") for f in result.findings if f.upcoming and not f.waived]
    summary = result.summary(context.fail_on)
    per_severity = ", ".join(f"{n} {label}" for label, n in summary.by_severity.items())
    # A plain log line (not a command): never starts with "::".
    lines.append(
        f"mlprodlint: {summary.manifests} manifest(s) checked, {summary.findings} finding(s) "
        f"({per_severity}), {summary.waived} waived. {escape_data(summary.verdict_text)}."
    )
    return "\n".join(lines) + "\n"
