"""Check functions over manifest fields: presence, shape, ranges, dates, lists."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from .base import CheckContext, CheckSpec, NothingToCheck, Violation, object_args
from .fieldpath import Match, first, is_empty, parent_of, resolve
from ..dates import parse_date  # re-exported: older plugins imported it from here
from ..redact import shown
from ..regexsafe import MAX_MATCH_CHARS

_PATH_ARG = {"type": "string", "minLength": 1, "description": "dotted field path; [] fans out"}
_PATHS_ARG = {"type": "array", "items": _PATH_ARG, "minItems": 1}


def _present_values(ctx: CheckContext, path: str) -> Iterator[Match]:
    for match in resolve(ctx.manifest, path):
        if match.present and not is_empty(match.value):
            yield match


def nothing_declared(path: str) -> NothingToCheck:
    """"no X declared": the reason a value check did not run (`a.b[].c` names the list a.b)."""
    shown = path.split("[]", 1)[0].rstrip(".") if "[]" in path else path
    return NothingToCheck(f"no {shown} declared")


def _examine(ctx: CheckContext, path: str, check: Any) -> Iterator[Violation | NothingToCheck]:
    """Run `check(match)` over the present values at `path`; nothing present -> NothingToCheck.

    A check over values that are not there examined nothing, so it must not pass (issue 9).
    """
    seen = False
    for match in _present_values(ctx, path):
        seen = True
        yield from check(match)
    if not seen:
        yield nothing_declared(path)


# --- presence -----------------------------------------------------------------------------


def present(
    ctx: CheckContext, /, path: str | None = None, paths: list[str] | None = None
) -> Iterator[Violation | NothingToCheck]:
    examined = False
    field_paths = paths or [path or ""]
    for field_path in field_paths:
        for match in resolve(ctx.manifest, field_path):
            examined = True
            if not match.present:
                yield Violation(match.pointer, f"{match.display} is missing")
            elif is_empty(match.value):
                yield Violation(match.pointer, f"{match.display} is empty")
    if not examined:  # only a `[]` over a missing or empty list names no place at all
        yield nothing_declared(field_paths[0])


PRESENT = CheckSpec(
    "present",
    present,
    {
        "type": "object",
        "properties": {"path": _PATH_ARG, "paths": _PATHS_ARG},
        "oneOf": [{"required": ["path"]}, {"required": ["paths"]}],
        "additionalProperties": False,
    },
    "Every named field exists and is not empty.",
)


def present_any(ctx: CheckContext, /, paths: list[str]) -> Iterator[Violation]:
    for field_path in paths:
        if any(True for _ in _present_values(ctx, field_path)):
            return
    pointer = next(resolve(ctx.manifest, paths[0])).pointer
    yield Violation(pointer, "none of " + ", ".join(paths) + " is set")


PRESENT_ANY = CheckSpec(
    "present_any", present_any, object_args({"paths": _PATHS_ARG}, ["paths"]),
    "At least one of the named fields exists and is not empty.",
)


# --- shape of values ----------------------------------------------------------------------


def matches(
    ctx: CheckContext,
    /,
    path: str,
    pattern: str = "",
    expected: str = "",
    format: str = "",
    each: str = "",
    where: dict[str, Any] | None = None,
) -> Iterator[Violation | NothingToCheck]:
    """Values match `pattern` or a named `format`; with `each: FIELD`, that field of every list
    item (having the `where` values) does."""
    if each:
        yield from each_item_matches(ctx, path=path, field=each, pattern=pattern, where=where, expected=expected)
        return
    if format:
        yield from _formatted(ctx, path, format)
        return
    regex = re.compile(pattern)

    def check(match: Match) -> Iterator[Violation]:
        values = match.value if isinstance(match.value, list) else [match.value]
        for value in values:
            if isinstance(value, str) and len(value) > MAX_MATCH_CHARS:
                yield Violation(match.pointer, _too_long(match.display))
            elif not isinstance(value, str) or not regex.search(value):
                what = expected or f"match {pattern!r}"
                yield Violation(match.pointer, f"{match.display} {_show(value)} does not {what}")

    yield from _examine(ctx, path, check)


FORMATS = ("email_or_channel",)

MATCHES = CheckSpec(
    "matches",
    matches,
    {
        **object_args(
            {"path": _PATH_ARG, "pattern": {"type": "string", "format": "regex"},
             "expected": {"type": "string"}, "format": {"enum": list(FORMATS)},
             "each": {"type": "string", "minLength": 1, "description": "field of every list item to match"},
             "where": {"type": "object", "minProperties": 1, "description": "only items with these values (with each)"}},
            ["path"],
        ),
        "oneOf": [{"required": ["pattern"]}, {"required": ["format"]}],
        "dependentRequired": {"where": ["each"], "each": ["pattern"]},
    },
    "Present values (or each item of a present list) match a regular expression or a named format "
    "(email_or_channel); with `each: FIELD`, that field of every list item (with the `where` values).",
)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_CHANNEL = re.compile(r"^(#[\w.-]+|(slack|teams|mattermost|discord|chat):[#@]?[\w./-]+)$", re.IGNORECASE)


def _formatted(ctx: CheckContext, path: str, format: str) -> Iterator[Violation | NothingToCheck]:
    """Values in a named format; email_or_channel is the only one so far (FORMATS)."""

    def check(match: Match) -> Iterator[Violation]:
        value = match.value
        if not isinstance(value, str) or not (_EMAIL.match(value.strip()) or _CHANNEL.match(value.strip())):
            yield Violation(
                match.pointer,
                f"{match.display} {_show(value)} is neither an email address nor a chat channel",
            )

    yield from _examine(ctx, path, check)


def email_or_channel(ctx: CheckContext, /, path: str) -> Iterator[Violation | NothingToCheck]:
    """Deprecated alias: `matches` with `format: email_or_channel`."""
    return _formatted(ctx, path, "email_or_channel")


EMAIL_OR_CHANNEL = CheckSpec(
    "email_or_channel", email_or_channel, object_args({"path": _PATH_ARG}, ["path"]),
    "Deprecated alias of `matches` with `format: email_or_channel`: present values are an email "
    "address or a chat channel (#channel, slack:#channel).",
)

_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def url_or_path(ctx: CheckContext, /, path: str, https_only: bool = False) -> Iterator[Violation | NothingToCheck]:
    def check(match: Match) -> Iterator[Violation]:
        values = match.value if isinstance(match.value, list) else [match.value]
        for value in values:
            if not isinstance(value, str):
                yield Violation(match.pointer, f"{match.display} is not a URL or path")
                continue
            text = value.strip()
            if _URL.match(text):
                if https_only and text.lower().startswith("http://"):
                    yield Violation(match.pointer, f"{match.display} uses plain http; use https")
                continue
            if _SCHEME.match(text) and not re.match(r"^[a-zA-Z]:[\\/]", text):
                yield Violation(
                    match.pointer,
                    f"{match.display} {_show(text)} uses an unsupported scheme; use https:// or a repo path",
                )

    yield from _examine(ctx, path, check)


URL_OR_PATH = CheckSpec(
    "url_or_path",
    url_or_path,
    object_args({"path": _PATH_ARG, "https_only": {"type": "boolean"}}, ["path"]),
    "Present values are http(s) URLs or repository paths (no javascript:, file:, ...).",
)


def is_in(
    ctx: CheckContext, /, path: str, values: list[Any], negate: bool = False
) -> Iterator[Violation | NothingToCheck]:
    def check(match: Match) -> Iterator[Violation]:
        if negate and match.value in values:
            yield Violation(match.pointer, f"{match.display} is {_show(match.value)}")
        elif not negate and match.value not in values:
            allowed = ", ".join(str(v) for v in values)
            yield Violation(match.pointer, f"{match.display} is {_show(match.value)}, expected one of: {allowed}")

    yield from _examine(ctx, path, check)


IN = CheckSpec(
    "in",
    is_in,
    object_args({"path": _PATH_ARG, "values": {"type": "array", "minItems": 1}, "negate": {"type": "boolean"}},
                ["path", "values"]),
    "A present value is one of the listed values (negate: true - none of them).",
)


def one_of(ctx: CheckContext, /, path: str, values: list[Any]) -> Iterator[Violation | NothingToCheck]:
    """Deprecated alias: `in`."""
    return is_in(ctx, path=path, values=values)


ONE_OF = CheckSpec(
    "one_of", one_of, object_args({"path": _PATH_ARG, "values": {"type": "array", "minItems": 1}}, ["path", "values"]),
    "Deprecated alias of `in`: a present value is one of the listed values.",
)


def none_of(ctx: CheckContext, /, path: str, values: list[Any]) -> Iterator[Violation | NothingToCheck]:
    """Deprecated alias: `in` with `negate: true`."""
    return is_in(ctx, path=path, values=values, negate=True)


NONE_OF = CheckSpec(
    "none_of", none_of, object_args({"path": _PATH_ARG, "values": {"type": "array", "minItems": 1}}, ["path", "values"]),
    "Deprecated alias of `in` with `negate: true`: a present value is none of the listed values.",
)


def is_true(ctx: CheckContext, /, path: str) -> Iterator[Violation]:
    """True, or a mapping with `enabled: true` (e.g. dependency_scanning: {tool: x, enabled: true})."""
    for match in resolve(ctx.manifest, path):
        value = match.value
        if isinstance(value, dict):
            value = value.get("enabled", bool(value))
        if value is not True:
            state = "missing" if not match.present else f"{_show(match.value)}"
            yield Violation(match.pointer, f"{match.display} is {state}, not enabled")


IS_TRUE = CheckSpec(
    "is_true", is_true, object_args({"path": _PATH_ARG}, ["path"]),
    "The field is true (or a mapping whose `enabled` is true).",
)


# --- numbers ------------------------------------------------------------------------------


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _numbers(ctx: CheckContext, path: str) -> tuple[list[tuple[Match, float]], NothingToCheck | None]:
    """The present numbers at `path`, or why there is nothing to compare (values that are not
    numbers are the schema's finding, MPL002)."""
    present = list(_present_values(ctx, path))
    found = [(m, n) for m in present if (n := _number(m.value)) is not None]
    if found:
        return found, None
    return found, NothingToCheck(f"{path} is not a number") if present else nothing_declared(path)


def in_range(
    ctx: CheckContext, /, path: str, min: float | None = None, max: float | None = None
) -> Iterator[Violation | NothingToCheck]:
    found, nothing = _numbers(ctx, path)
    if nothing is not None:
        yield nothing
    for match, number in found:
        if min is not None and number < min:
            yield Violation(match.pointer, f"{match.display} is {_show(match.value)}, below {min:g}")
        elif max is not None and number > max:
            yield Violation(match.pointer, f"{match.display} is {_show(match.value)}, above {max:g}")


RANGE = CheckSpec(
    "range",
    in_range,
    {**object_args({"path": _PATH_ARG, "min": {"type": "number"}, "max": {"type": "number"}}, ["path"]),
     "anyOf": [{"required": ["min"]}, {"required": ["max"]}]},
    "A present number is at least `min` and at most `max` (either may be omitted).",
)


def min_value(ctx: CheckContext, /, path: str, min: float) -> Iterator[Violation | NothingToCheck]:
    """Deprecated alias: `range` with `min`."""
    return in_range(ctx, path=path, min=min)


MIN_VALUE = CheckSpec(
    "min_value", min_value, object_args({"path": _PATH_ARG, "min": {"type": "number"}}, ["path", "min"]),
    "Deprecated alias of `range` with `min`: a present number is at least `min`.",
)


def max_value(ctx: CheckContext, /, path: str, max: float) -> Iterator[Violation | NothingToCheck]:
    """Deprecated alias: `range` with `max`."""
    return in_range(ctx, path=path, max=max)


MAX_VALUE = CheckSpec(
    "max_value", max_value, object_args({"path": _PATH_ARG, "max": {"type": "number"}}, ["path", "max"]),
    "Deprecated alias of `range` with `max`: a present number is at most `max`.",
)


def ordered(ctx: CheckContext, /, paths: list[str]) -> Iterator[Violation | NothingToCheck]:
    present = [p for p in paths if _number(first(ctx.manifest, p)) is not None]
    if len(present) < 2:  # one number is in order with nothing: there is nothing to compare
        yield NothingToCheck(f"fewer than two of {', '.join(paths)} set")
        return
    previous: tuple[str, float] | None = None
    for field_path in paths:
        value = _number(first(ctx.manifest, field_path))
        if value is None:
            continue
        if previous is not None and value < previous[1]:
            pointer = next(resolve(ctx.manifest, field_path)).pointer
            yield Violation(pointer, f"{field_path} ({value:g}) is below {previous[0]} ({previous[1]:g})")
        previous = (field_path, value)


ORDERED = CheckSpec(
    "ordered", ordered, object_args({"paths": _PATHS_ARG}, ["paths"]),
    "The present numbers among the fields never decrease in the order given (p50 <= p95 <= p99).",
)


# --- lists --------------------------------------------------------------------------------


def min_items(ctx: CheckContext, /, path: str, count: int) -> Iterator[Violation]:
    for match in resolve(ctx.manifest, path):
        have = len(match.value) if match.present and isinstance(match.value, list) else 0
        if have < count:
            yield Violation(match.pointer, f"{match.display} has {have} item(s), needs at least {count}")


MIN_ITEMS = CheckSpec(
    "min_items", min_items, object_args({"path": _PATH_ARG, "count": {"type": "integer", "minimum": 1}}, ["path", "count"]),
    "The field is a list with at least `count` items.",
)


def any_item(ctx: CheckContext, /, path: str, where: dict[str, Any]) -> Iterator[Violation]:
    for match in resolve(ctx.manifest, path):
        items = match.value if match.present and isinstance(match.value, list) else []
        if not any(isinstance(item, dict) and all(item.get(k) == v for k, v in where.items()) for item in items):
            wanted = ", ".join(f"{k}: {v}" for k, v in where.items())
            yield Violation(match.pointer, f"no item of {match.display} has {wanted}")


ANY_ITEM = CheckSpec(
    "any_item",
    any_item,
    object_args({"path": _PATH_ARG, "where": {"type": "object", "minProperties": 1}}, ["path", "where"]),
    "At least one item of the list has all the given field values.",
)


def contains_any(ctx: CheckContext, /, path: str, values: list[Any]) -> Iterator[Violation]:
    for match in resolve(ctx.manifest, path):
        items = match.value if match.present and isinstance(match.value, list) else []
        if not any(value in items for value in values):
            yield Violation(match.pointer, f"{match.display} lists none of: " + ", ".join(map(str, values)))


CONTAINS_ANY = CheckSpec(
    "contains_any",
    contains_any,
    object_args({"path": _PATH_ARG, "values": {"type": "array", "minItems": 1}}, ["path", "values"]),
    "The list contains at least one of the given values.",
)


def _items(
    ctx: CheckContext, path: str, where: dict[str, Any] | None
) -> Iterator[tuple[Match, int, dict[str, Any]]]:
    """(list match, index, item) for every mapping item of the list(s) at `path` matching `where`."""
    for match in _present_values(ctx, path):
        if not isinstance(match.value, list):
            continue
        for index, item in enumerate(match.value):
            if isinstance(item, dict) and all(item.get(k) == v for k, v in (where or {}).items()):
                yield match, index, item


def _item_label(match: Match, index: int, item: dict[str, Any]) -> str:
    name = item.get("name")
    return f"{match.display}[{index}]" + (f" ({name})" if isinstance(name, str) and name else "")


def each_item_matches(
    ctx: CheckContext,
    /,
    path: str,
    field: str,
    pattern: str,
    where: dict[str, Any] | None = None,
    expected: str = "",
) -> Iterator[Violation | NothingToCheck]:
    """Every item of the list (that has all the `where` values) has `field` matching `pattern`."""
    regex = re.compile(pattern)
    examined = False
    for match, index, item in _items(ctx, path, where):
        examined = True
        value = item.get(field)
        pointer = f"{match.pointer}/{index}/{field}"
        label = _item_label(match, index, item)
        if is_empty(value):
            yield Violation(pointer, f"{label} has no {field}")
        elif isinstance(value, str) and len(value) > MAX_MATCH_CHARS:
            yield Violation(pointer, _too_long(f"{label} {field}"))
        elif not isinstance(value, str) or not regex.search(value):
            what = expected or f"match {pattern!r}"
            yield Violation(pointer, f"{label} {field} {_show(value)} does not {what}")
    if not examined:
        wanted = ", ".join(f"{k}: {v}" for k, v in (where or {}).items())
        yield NothingToCheck(f"no item of {path} has {wanted}" if wanted else f"no {path} declared")


EACH_ITEM_MATCHES = CheckSpec(
    "each_item_matches",
    each_item_matches,
    object_args(
        {"path": _PATH_ARG, "field": {"type": "string", "minLength": 1},
         "pattern": {"type": "string", "format": "regex"},
         "where": {"type": "object", "minProperties": 1}, "expected": {"type": "string"}},
        ["path", "field", "pattern"],
    ),
    "Deprecated alias of `matches` with `each: FIELD`: every list item with the `where` values has a "
    "`field` matching a regular expression.",
)


def distinct(ctx: CheckContext, /, path: str, ignore_case: bool = True) -> Iterator[Violation | NothingToCheck]:
    """No value repeats among the values `path` names (e.g. `governance.approvals[].by`)."""
    seen: dict[Any, str] = {}
    values = [m for m in _present_values(ctx, path) if not isinstance(m.value, (list, dict))]
    if len(values) < 2:  # one value cannot repeat: "all different" was not examined
        yield NothingToCheck(f"fewer than two {path} values to compare")
        return
    for match in values:
        value = match.value
        key = value.strip().lower() if ignore_case and isinstance(value, str) else value
        if key in seen:
            yield Violation(match.pointer, f"{match.display} repeats {_show(value)} (also at {seen[key]})")
        else:
            seen[key] = match.display


DISTINCT = CheckSpec(
    "distinct",
    distinct,
    object_args({"path": _PATH_ARG, "ignore_case": {"type": "boolean"}}, ["path"]),
    "The values a fanned-out path names are pairwise different (case-insensitive by default).",
)


# --- dates --------------------------------------------------------------------------------


def date_within(
    ctx: CheckContext,
    /,
    path: str | None = None,
    paths: list[str] | None = None,
    max_age_days: int | None = None,
    option: str | None = None,
) -> Iterator[Violation | NothingToCheck]:
    """A present date is not older than the limit, nor in the future.

    `paths` lists alternative spellings of one date (e.g. `access_review` as a bare date or as
    `access_review.date`); values that are not dates are left to the schema. A record that is
    declared without its date (`fairness_review: {by: ...}`, or a plain string) cannot be shown
    recent: that is a finding, never a pass. Nothing declared at all is nothing to check.
    """
    limit = max_age_days
    if option is not None and isinstance(ctx.options.get(option), int):
        limit = int(ctx.options[option])
    field_paths = paths or [path or ""]
    dated = undated = False
    undated_violations: list[Violation] = []
    # The record a date belongs to is the parent of the longest spelling (`access_review` of
    # `access_review.date`); a shorter spelling being absent says nothing.
    record_path = max(field_paths, key=len)
    for field_path in field_paths:
        for match in resolve(ctx.manifest, field_path):
            if not match.present or is_empty(match.value):
                parent = _parent_record(ctx, match) if field_path == record_path else None
                if parent is not None:
                    undated_violations.append(parent)
                continue
            date = parse_date(match.value)
            if date is None:
                undated = True
                continue  # the schema reports malformed dates
            dated = True
            if date > ctx.today:
                yield Violation(match.pointer, f"{match.display} {date.isoformat()} is in the future")
            elif limit is not None and (ctx.today - date).days > limit:
                age = (ctx.today - date).days
                yield Violation(
                    match.pointer, f"{match.display} {date.isoformat()} is {age} days old (limit {limit})"
                )
    if dated and len(field_paths) > 1:
        return  # one spelling held the date (e.g. `access_review: 2026-01-01`)
    if undated_violations:
        yield from undated_violations
    elif not dated:
        yield NothingToCheck(
            f"{field_paths[0]} is not a date (MPL002 reports it)" if undated
            else f"no {field_paths[0] if len(field_paths) > 1 else _parent_path(field_paths[0])} declared"
        )


def _parent_path(path: str) -> str:
    return path.rsplit(".", 1)[0].replace("[]", "") if "." in path else path


def _parent_record(ctx: CheckContext, match: Match) -> Violation | None:
    """A Violation when the date's record is declared but carries no date; else None."""
    parent_pointer = match.pointer.rsplit("/", 1)[0]
    node = parent_of(ctx.manifest, match.pointer)
    if not parent_pointer or is_empty(node) or isinstance(node, list):
        return None
    if isinstance(node, (dict, str)):
        owner = match.display.rsplit(".", 1)[0]
        return Violation(
            match.pointer if isinstance(node, dict) else parent_pointer,
            f"{owner} has no date, so it cannot be shown to be recent",
        )
    return None


DATE_WITHIN = CheckSpec(
    "date_within",
    date_within,
    {
        "type": "object",
        "properties": {
            "path": _PATH_ARG,
            "paths": _PATHS_ARG,
            "max_age_days": {"type": "integer", "minimum": 0},
            "option": {"type": "string", "description": "config option that overrides max_age_days"},
        },
        "oneOf": [{"required": ["path"]}, {"required": ["paths"]}],
        "additionalProperties": False,
    },
    "A present date is not in the future and not older than max_age_days (or the named option); "
    "a record declared without its date fails.",
)


def _too_long(display: str) -> str:
    # A pack's pattern may backtrack: over this length it is not run, and a value that was not
    # examined cannot pass.
    return f"{display} is longer than {MAX_MATCH_CHARS} characters, too long to match against the pattern"


def _show(value: Any) -> str:
    return shown(value, 60)


BUILTIN = (
    PRESENT, PRESENT_ANY, MATCHES, EMAIL_OR_CHANNEL, URL_OR_PATH, IN, ONE_OF, NONE_OF, IS_TRUE,
    RANGE, MIN_VALUE, MAX_VALUE, ORDERED, MIN_ITEMS, ANY_ITEM, CONTAINS_ANY, DATE_WITHIN,
    EACH_ITEM_MATCHES, DISTINCT,
)
