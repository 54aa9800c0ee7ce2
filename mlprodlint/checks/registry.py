"""The one explicit table of check functions, plus third-party ones from entry points."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from importlib.metadata import entry_points

from ..errors import RulePackError
from . import evidence_registry, fields
from .base import CheckSpec

ENTRY_POINT_GROUP = "mlprodlint.checks"

BUILTIN_CHECKS: Mapping[str, CheckSpec] = {spec.name: spec for spec in (*fields.BUILTIN, *evidence_registry.BUILTIN)}


@lru_cache(maxsize=1)
def plugin_checks() -> Mapping[str, CheckSpec]:
    """Check functions that installed packages register in the `mlprodlint.checks` group.

    An entry point names a CheckSpec, or a plain callable (then its arguments are not validated
    beyond being a mapping). A plugin that fails to load stops the run with its name: a policy
    that silently loses a check is worse than no policy.
    """
    found: dict[str, CheckSpec] = {}
    for entry in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        try:
            loaded = entry.load()
        except Exception as error:  # any import-time failure of third-party code
            raise RulePackError(
                f"check plugin {entry.name!r} ({entry.value}) failed to load: "
                f"{type(error).__name__}: {error}"
            ) from None
        if isinstance(loaded, CheckSpec):
            spec = loaded
        elif callable(loaded):
            spec = CheckSpec(entry.name, loaded, {"type": "object"}, (loaded.__doc__ or "").strip())
        else:
            raise RulePackError(
                f"check plugin {entry.name!r} ({entry.value}) is neither a CheckSpec nor callable"
            )
        if entry.name in BUILTIN_CHECKS:
            raise RulePackError(
                f"check plugin {entry.name!r} ({entry.value}) shadows a built-in check function"
            )
        found[entry.name] = spec
    return found


def lookup(name: str) -> CheckSpec | None:
    spec = BUILTIN_CHECKS.get(name)
    if spec is not None:
        return spec
    return plugin_checks().get(name)
