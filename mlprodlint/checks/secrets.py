"""No secrets in the manifest, and no secret ever echoed in a finding.

Two detectors:
- well-known credential formats, searched in the manifest's raw text (so comments count too):
  AWS access key ids, GitHub tokens, Slack tokens and webhooks, Discord webhooks, Google API
  keys, Stripe live keys, private key blocks, and URLs with `user:password@`;
- keys named like a credential (`password`, `secret`, `token`, `api_key`, `client_secret`, ...)
  whose value is a literal rather than a reference (`vault:...`, `${VAR}`, `<placeholder>`).

Messages name the kind and the key, never the value. Redaction of every message (`redact`,
`shown`) lives in `mlprodlint.redact`; the names are re-exported here for older imports.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

# redact/shown/find_tokens are re-exported: custom packs and plugins imported them from here.
from ..redact import PLACEHOLDER, REDACTED, TOKEN_PATTERNS, Hit, compiled, find_tokens, redact, shown
from .base import CheckContext, Violation

__all__ = ["REDACTED", "TOKEN_PATTERNS", "Hit", "find_tokens", "literal_value", "no_secrets", "redact", "secret_key", "shown"]

_REFERENCE = (
    r"(?i)^(vault|env|secret|secrets|ssm|awssm|aws-secrets-manager|secretsmanager|gcp-secret-manager|gsm|"
    r"azure-key-vault|akv|keyvault|k8s|kubernetes|file|op|1password|doppler|sops)(:|://)|"
    r"^arn:aws:(secretsmanager|ssm):|^projects/[^/]+/secrets/"
)
_CAMEL = r"(?<=[a-z0-9])(?=[A-Z])"
SECRET_WORDS = frozenset({"password", "passwd", "pwd", "passphrase", "secret", "token", "apikey", "credential", "credentials"})
SECRET_PAIRS = frozenset({("api", "key"), ("access", "key"), ("private", "key"), ("secret", "key"), ("signing", "key"), ("client", "secret")})
_KEY_LINE = r"^\s*(?:-\s+)?([A-Za-z0-9_.-]+)\s*:"


def secret_key(key: str) -> bool:
    words = [w for w in re.split(r"[^a-z0-9]+", compiled(_CAMEL).sub("_", key).lower()) if w]
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
    return bool(text) and not compiled(PLACEHOLDER).match(text) and not compiled(_REFERENCE).match(text)


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
            key = compiled(_KEY_LINE).match(line)
            where = f" under key `{key.group(1)}`" if key and key.end(1) <= hit.start and not find_tokens(key.group(1)) else ""
            yield Violation("", f"a {hit.kind} is written in the manifest{where}", path=ctx.manifest_path, line=number, column=hit.start + 1)
    for pointer, key, display, value in _walk(ctx.manifest, "", ""):
        if not secret_key(key) or not literal_value(value):
            continue
        if isinstance(value, str) and find_tokens(value):
            continue  # already reported above, with its kind
        yield Violation(pointer, f"{display} holds a literal credential; reference it from a secret store instead")
