"""Acme's check functions. The contract (mlprodlint.checks.base):

- a check is a function `(ctx: CheckContext, /, **args) -> Iterable[Violation]`;
- it is pure: it reads `ctx.manifest` (plain data) and maybe files under `ctx.repo_root`, never
  the network, never code from the scanned repository;
- each Violation carries the JSON pointer of the offending value (reports turn it into a line)
  and a detail that fills `{detail}` in the rule's message;
- it is registered as a CheckSpec whose `args_schema` validates the rule's `check.args` when the
  pack loads, so a typo in a pack is an error with file and line, not a crash in CI.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from mlprodlint.checks.base import CheckContext, CheckSpec, Violation
from mlprodlint.checks.fieldpath import resolve


def allowed_hosts(ctx: CheckContext, /, path: str, hosts: list[str]) -> Iterator[Violation]:
    """Every URL at `path` is served by one of `hosts` (or a subdomain of one)."""
    for match in resolve(ctx.manifest, path):
        if not match.present or not isinstance(match.value, str):
            continue
        host = (urlsplit(match.value).hostname or "").lower()
        if not any(host == allowed or host.endswith("." + allowed) for allowed in hosts):
            shown = host or match.value
            yield Violation(match.pointer, f"{match.display} is on {shown}, not on {', '.join(hosts)}")


ARGS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["path", "hosts"],
    "properties": {
        "path": {"type": "string", "minLength": 1, "description": "dotted field path; [] fans out"},
        "hosts": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1},
    },
}

ALLOWED_HOSTS = CheckSpec(
    name="acme.allowed_hosts",
    function=allowed_hosts,
    args_schema=ARGS_SCHEMA,
    description="URLs at a field are served by approved hosts.",
)
