"""Validate plain manifest data against the manifest JSON Schema; errors become findings."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..redact import shown
from .manifest import escape_pointer_token, json_type_name
from ..resources import load_schema

if TYPE_CHECKING:  # imported when first used: a run served from the cache never needs jsonschema
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

_YAML11_BOOLEANS = {"yes", "no", "on", "off", "y", "n"}
_MAX_SHOWN = 80


@dataclass(frozen=True)
class SchemaViolation:
    pointer: str
    message: str


@lru_cache(maxsize=None)
def validator_for(schema_name: str) -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    schema = load_schema(schema_name)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def pointer_of(path: Any) -> str:
    return "".join(f"/{escape_pointer_token(str(part))}" for part in path)


def _short(value: Any) -> str:
    return shown(value, _MAX_SHOWN)


def _message(error: ValidationError) -> str:
    """jsonschema's own message, with the instance it quotes replaced by its safe form."""
    message = error.message.replace(repr(error.instance), _short(error.instance))
    return message if len(message) <= 200 else message[:197] + "..."


def _describe(error: ValidationError) -> str:
    where = ".".join(str(p) for p in error.absolute_path) or "manifest"
    validator = error.validator
    if validator == "type":
        expected = error.validator_value
        expected_text = " or ".join(expected) if isinstance(expected, list) else str(expected)
        instance = error.instance
        hint = ""
        if (
            isinstance(instance, str)
            and instance.lower() in _YAML11_BOOLEANS
            and "boolean" in expected_text
        ):
            hint = " (YAML 1.2 reads yes/no/on/off as text: write true or false)"
        return f"{where}: expected {expected_text}, got {json_type_name(instance)} {_short(instance)}{hint}"
    if validator == "required":
        return f"{where}: {_message(error)}"
    if validator == "enum":
        allowed = ", ".join(str(v) for v in error.validator_value)
        return f"{where}: {_short(error.instance)} is not one of: {allowed}"
    if validator == "const":
        return f"{where}: must be {error.validator_value!r}, got {_short(error.instance)}"
    if validator == "pattern":
        # jsonschema's own message shows the pattern's repr (doubled backslashes).
        return f"{where}: {_short(error.instance)} does not match '{error.validator_value}'"
    if validator == "format":
        return f"{where}: {_short(error.instance)} is not a valid {error.validator_value}"
    return f"{where}: {_message(error)}"


def _expand(error: ValidationError) -> Iterator[SchemaViolation]:
    pointer = pointer_of(error.absolute_path)
    if error.validator in {"additionalProperties", "unevaluatedProperties"} and isinstance(
        error.instance, dict
    ):
        allowed = set(error.schema.get("properties", {}))
        patterns = error.schema.get("patternProperties", {})
        for key in sorted(error.instance):
            if key in allowed or any(re.search(p, key) for p in patterns):
                continue
            where = ".".join(str(p) for p in error.absolute_path) or "top level"
            known = ", ".join(sorted(allowed))
            yield SchemaViolation(
                f"{pointer}/{escape_pointer_token(key)}",
                f"unknown key {key!r} in {where} (known keys: {known})",
            )
        return
    if error.validator in {"anyOf", "oneOf"} and error.context:
        # Report the most specific alternative's complaint rather than the generic one.
        best = min(error.context, key=lambda e: (-len(e.absolute_path), len(e.message)))
        if len(best.absolute_path) > len(error.absolute_path):
            yield from _expand(best)
            return
    yield SchemaViolation(pointer, _describe(error))


def validate(data: Any, schema_name: str = "manifest.schema.json") -> list[SchemaViolation]:
    violations: list[SchemaViolation] = []
    for error in validator_for(schema_name).iter_errors(data):
        violations.extend(_expand(error))
    unique = {(v.pointer, v.message): v for v in violations}
    return sorted(unique.values(), key=lambda v: (v.pointer, v.message))
