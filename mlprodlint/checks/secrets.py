"""No secrets in the manifest, and no secret ever echoed in a finding.

Two detectors:
- well-known credential formats, searched in the manifest's raw text (so comments count too):
  AWS access key ids, GitHub tokens, Slack tokens and webhooks, Discord webhooks, Google API
  keys, Stripe live keys, private key blocks, and URLs with `user:password@`;
- keys named like a credential (`password`, `secret`, `token`, `api_key`, `client_secret`, ...)
  whose value is a literal rather than a reference (`vault:...`, `${VAR}`, `<placeholder>`).

Messages name the kind and the key, never the value. `redact()` is applied by the engine to every
finding message, so a schema error or a plugin that prints a value cannot leak one either.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .base import CheckContext, Violation

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
_PLACEHOLDER = (
    r"(?i)^(\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*|<[^<>]*>|\{\{.*\}\}|%\([^)]*\)s|\*+|x+|\.\.\.|"
    r"redacted|changeme|change-me|none|null|n/a|tbd|todo|-)$"
)
_REFERENCE = (
    r"(?i)^(vault|env|secret|secrets|ssm|awssm|aws-secrets-manager|secretsmanager|gcp-secret-manager|gsm|"
    r"azure-key-vault|akv|keyvault|k8s|kubernetes|file|op|1password|doppler|sops)(:|://)|"
    r"^arn:aws:(secretsmanager|ssm):|^projects/[^/]+/secrets/"
)
_CAMEL = r"(?<=[a-z0-9])(?=[A-Z])"
SECRET_WORDS = frozenset({"password", "passwd", "pwd", "passphrase", "secret", "token", "apikey", "credential", "credentials"})
SECRET_PAIRS = frozenset({("api", "key"), ("access", "key"), ("private", "key"), ("secret", "key"), ("signing", "key"), ("client", "secret")})
_KEY_LINE = r"^\s*(?:-\s+)?([A-Za-z0-9_.-]+)\s*:"


@lru_cache(maxsize=None)
def _rx(pattern: str) -> re.Pattern[str]:
    # Compiled on first use: the engine imports redact() on every run, most runs find nothing.
    return re.compile(pattern)


@dataclass(frozen=True)
class Hit:
    kind: str
    start: int
    end: int


def _credential_in_url(match: re.Match[str]) -> bool:
    return not _rx(_PLACEHOLDER).match(match.group(2))


def find_tokens(text: str) -> list[Hit]:
    """Well-known credential formats in `text`, by position (overlaps removed)."""
    hits = [Hit(kind, m.start(), m.end()) for kind, pattern in TOKEN_PATTERNS for m in _rx(pattern).finditer(text)]
    hits += [
        Hit("URL with a password", m.start(2), m.end(2)) for m in _rx(_URL_CREDENTIALS).finditer(text) if _credential_in_url(m)
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
    text = _rx(_PRIVATE_KEY_BLOCK).sub(REDACTED, text)
    text = _rx(_URL_CREDENTIALS).sub(lambda m: m.group(1) + REDACTED + m.group(3) if _credential_in_url(m) else m.group(0), text)
    for _, pattern in TOKEN_PATTERNS:
        text = _rx(pattern).sub(REDACTED, text)
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


def secret_key(key: str) -> bool:
    words = [w for w in re.split(r"[^a-z0-9]+", _rx(_CAMEL).sub("_", key).lower()) if w]
    if not words:
        return False
    return words[-1] in SECRET_WORDS or tuple(words[-2:]) in SECRET_PAIRS


def literal_value(value: Any) -> bool:
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, (int, float)):
        return True
    if not isinstance(value, str):
        return False
    text = value.strip()
    return bool(text) and not _rx(_PLACEHOLDER).match(text) and not _rx(_REFERENCE).match(text)


def _walk(value: Any, pointer: str, display: str) -> Iterator[tuple[str, str, str, Any]]:
    if isinstance(value, dict):
        for key, child in value.items():
            token = key.replace("~", "~0").replace("/", "~1")
            yield from _walk(child, f"{pointer}/{token}", f"{display}.{key}" if display else key)
            yield pointer + "/" + token, key, f"{display}.{key}" if display else key, child
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _walk(child, f"{pointer}/{index}", f"{display}[{index}]")


def no_secrets(ctx: CheckContext, /) -> Iterator[Violation]:
    from .evidence_paths import read_doc

    text = read_doc(ctx.manifest_path) or ""
    for number, line in enumerate(text.splitlines(), start=1):
        for hit in find_tokens(line):
            key = _rx(_KEY_LINE).match(line)
            where = f" under key `{key.group(1)}`" if key and key.end(1) <= hit.start and not find_tokens(key.group(1)) else ""
            yield Violation("", f"a {hit.kind} is written in the manifest{where}", path=ctx.manifest_path, line=number, column=hit.start + 1)
    for pointer, key, display, value in _walk(ctx.manifest, "", ""):
        if not secret_key(key) or not literal_value(value):
            continue
        if isinstance(value, str) and find_tokens(value):
            continue  # already reported above, with its kind
        yield Violation(pointer, f"{display} holds a literal credential; reference it from a secret store instead")
