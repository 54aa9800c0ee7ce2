"""Redaction: no secret is ever echoed in a finding, a report or an error message.

`redact()` is applied by the engine to every finding message, and `shown()` is how any manifest
value is quoted in text, so a schema error or a plugin that prints a value cannot leak one either.
The secret-detection check (`no_secrets`, in `checks.secrets`) finds tokens with the same patterns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

REDACTED = "[REDACTED]"

# (kind, pattern). Anchored on distinctive prefixes so that ordinary text does not match.
TOKEN_PATTERNS: tuple[tuple[str, str], ...] = (
    ("AWS access key id", r"(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])"),
    ("GitHub token", r"(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36,255}"),
    ("GitHub token", r"(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{22,255}"),
    ("Slack token", r"(?<![A-Za-z0-9])xox[abeoprs]-[A-Za-z0-9-]{10,}"),
    ("Slack webhook URL", r"https?://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9/_-]+"),
    ("Discord webhook URL", r"https?://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/[0-9]+/[A-Za-z0-9_-]+"),
    ("Google API key", r"(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}"),
    ("Stripe live key", r"(?<![A-Za-z0-9])[sr]k_live_[0-9A-Za-z]{16,}"),
    ("private key", r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"),
)
# For redaction, a private key block is removed whole (to END, or to the end of the text).
_PRIVATE_KEY_BLOCK = r"(?s)-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----(?:.*?-----END [A-Z0-9 ]*-----|.*)"
# Linear time: a scheme starts only where no scheme character precedes it (not at every `\b`
# of `a-a-a-...`, which made this quadratic) and is at most 32 characters long.
_URL_CREDENTIALS = r"(?<![a-zA-Z0-9+.-])([a-zA-Z][a-zA-Z0-9+.-]{0,31}://[^\s/:@'\"]+:)([^\s/@'\"]+)(@)"
PLACEHOLDER = (
    r"(?i)^(\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*|<[^<>]*>|\{\{.*\}\}|%\([^)]*\)s|\*+|x+|\.\.\.|"
    r"redacted|changeme|change-me|none|null|n/a|tbd|todo|-)$"
)


@lru_cache(maxsize=None)
def compiled(pattern: str) -> re.Pattern[str]:
    # Compiled on first use: the engine imports redact() on every run, most runs find nothing.
    return re.compile(pattern)


@dataclass(frozen=True)
class Hit:
    kind: str
    start: int
    end: int


def _credential_in_url(match: re.Match[str]) -> bool:
    return not compiled(PLACEHOLDER).match(match.group(2))


def find_tokens(text: str) -> list[Hit]:
    """Well-known credential formats in `text`, by position (overlaps removed)."""
    hits = [Hit(kind, m.start(), m.end()) for kind, pattern in TOKEN_PATTERNS for m in compiled(pattern).finditer(text)]
    hits += [
        Hit("URL with a password", m.start(2), m.end(2)) for m in compiled(_URL_CREDENTIALS).finditer(text) if _credential_in_url(m)
    ]
    hits.sort(key=lambda h: (h.start, -h.end))
    kept: list[Hit] = []
    for hit in hits:
        if not kept or hit.start >= kept[-1].end:
            kept.append(hit)
    return kept


def redact(text: str) -> str:
    """`text` with every recognisable credential replaced by [REDACTED]."""
    if not text:
        return text
    text = compiled(_PRIVATE_KEY_BLOCK).sub(REDACTED, text)
    text = compiled(_URL_CREDENTIALS).sub(lambda m: m.group(1) + REDACTED + m.group(3) if _credential_in_url(m) else m.group(0), text)
    for _, pattern in TOKEN_PATTERNS:
        text = compiled(pattern).sub(REDACTED, text)
    return text


def shown(value: Any, limit: int = 80) -> str:
    """How a manifest value is quoted in any message: the one place values reach text.

    Mappings and lists show their shape, never their contents (`tier: {db_password: hunter2}`
    is quoted `{'db_password': ...}`: no detector knows that hunter2 is a password); scalars are
    redacted, then shortened (a cut-off token would no longer be recognisable as one).
    """
    if isinstance(value, dict):
        keys = [redact(repr(str(key))) for key in list(value)[:5]]
        text = "{" + ", ".join(f"{key}: ..." for key in keys) + (", ..." if len(value) > 5 else "") + "}"
    elif isinstance(value, (list, tuple)):
        text = f"[{len(value)} item(s)]"
    elif isinstance(value, str):
        text = f"'{redact(value)}'"
    else:
        text = redact(repr(value))
    if len(text) <= limit:
        return text
    return text[: limit - 4] + "...'" if text.startswith("'") else text[: limit - 3] + "..."
