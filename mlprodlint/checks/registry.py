"""The one explicit table of check functions, plus third-party ones from entry points."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING

from ..errors import PluginError, RulePackError, describe
from . import evidence_registry, fields
from .base import CheckSpec

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

ENTRY_POINT_GROUP = "mlprodlint.checks"

BUILTIN_CHECKS: Mapping[str, CheckSpec] = {spec.name: spec for spec in (*fields.BUILTIN, *evidence_registry.BUILTIN)}


@lru_cache(maxsize=1)
def plugin_entry_points() -> Mapping[str, "EntryPoint"]:
    """Installed check plugins by name, not yet imported (metadata is read only when needed)."""
    from importlib.metadata import entry_points

    return {entry.name: entry for entry in entry_points(group=ENTRY_POINT_GROUP)}


def plugin_label(entry: "EntryPoint") -> str:
    dist = getattr(entry, "dist", None)
    return f"check plugin {entry.name!r} ({entry.value}" + (f", from {dist.name} {dist.version})" if dist else ")")


def describe_plugin(name: str) -> str:
    entry = plugin_entry_points().get(name)
    return plugin_label(entry) if entry is not None else f"check plugin {name!r}"


@lru_cache(maxsize=None)
def load_plugin(name: str) -> CheckSpec | None:
    """The check function a plugin registers under `name` in the `mlprodlint.checks` group.

    Plugins are imported one by one, only when a rule names them: a broken plugin that no rule
    uses costs nothing. One that a rule needs and that fails to load stops the run with its
    name: a policy that silently loses a check is worse than no policy.

    The entry point names a CheckSpec (preferred: its argument schema validates the rule's
    arguments) or a plain callable of the CheckFunction type.
    """
    entry = plugin_entry_points().get(name)
    if entry is None:
        return None
    label = plugin_label(entry)
    if entry.name in BUILTIN_CHECKS:
        raise RulePackError(f"{label} shadows a built-in check function; give it a namespaced name like 'acme.{entry.name}'")
    try:
        loaded = entry.load()
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # third-party code: SystemExit, GeneratorExit... name the plugin
        raise PluginError(f"{label} failed to load: {describe(error)}") from None
    if isinstance(loaded, CheckSpec):
        spec = loaded
        if spec.name != entry.name:
            raise RulePackError(f"{label} is a CheckSpec named {spec.name!r}; the entry point must use the same name")
        from jsonschema import Draft202012Validator
        from jsonschema.exceptions import SchemaError

        try:
            Draft202012Validator.check_schema(dict(spec.args_schema))
        except SchemaError as error:
            raise RulePackError(f"{label} has an invalid args_schema: {error.message}") from None
    elif callable(loaded):
        spec = CheckSpec(entry.name, loaded, {"type": "object"}, (loaded.__doc__ or "").strip().split("\n")[0])
    else:
        raise RulePackError(f"{label} is neither a CheckSpec nor callable")
    return spec


def lookup(name: str) -> CheckSpec | None:
    spec = BUILTIN_CHECKS.get(name)
    if spec is not None:
        return spec
    return load_plugin(name)
