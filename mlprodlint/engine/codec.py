"""Lint outcomes to plain JSON data and back, with every value checked against its declared type.

Only the frozen dataclasses and enums of the result model (`mlprodlint.results.findings`) can be built;
a class is named by a tag and its fields are positional, checked one by one against the
dataclass's type hints (str, int, bool, None, unions, tuples, enums, nested result classes).
Anything else raises `CodecError`, which the cache treats as a miss. Nothing is imported,
looked up by an arbitrary name or called beyond these constructors.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from ..results import findings

RESULT_MODULES = (findings,)
_TAG = "@"


class CodecError(ValueError):
    """The data is not an outcome this version of mlprodlint wrote."""


@lru_cache(maxsize=1)
def _registry() -> dict[str, type]:
    found: dict[str, type] = {}
    for module in RESULT_MODULES:
        for name, value in vars(module).items():
            if isinstance(value, type) and value.__module__ == module.__name__ and (
                dataclasses.is_dataclass(value) or issubclass(value, enum.Enum)
            ):
                found[name] = value
    return found


def encode(value: Any) -> Any:
    """Plain JSON data for an outcome (tuples and lists of result objects and scalars)."""
    if value is None or isinstance(value, (str, bool, int, float)) and not isinstance(value, enum.Enum):
        return value
    if isinstance(value, (tuple, list)):
        return [encode(item) for item in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _codec(_result_class(type(value).__name__, type(value))).encode(value)
    raise CodecError(f"cannot store a {type(value).__name__}")


def decode(data: Any) -> Any:
    """The outcome `encode` was given (top-level lists come back as tuples)."""
    if isinstance(data, list):
        return tuple(_untyped(item) for item in data)
    return _untyped(data)


def _untyped(data: Any) -> Any:
    if isinstance(data, list):
        return [_untyped(item) for item in data]
    if isinstance(data, dict):
        tag = data.get(_TAG)
        return _codec(_result_class(tag if isinstance(tag, str) else "", None)).decode(data)
    if data is None or isinstance(data, (str, bool, int, float)):
        return data
    raise CodecError("unexpected value")


def _result_class(name: str, expected: type | None) -> type:
    cls = _registry().get(name)
    if cls is None or not dataclasses.is_dataclass(cls) or (expected is not None and cls is not expected):
        raise CodecError(f"{name or 'value'} is not a result class")
    return cls


class _ClassCodec:
    """Positional fields of one result class: plain-typed ones checked by exact type in a loop,
    the others (enums, unions, tuples, nested classes) through a converter each."""

    def __init__(self, cls: type) -> None:
        hints = typing.get_type_hints(cls)
        self.cls = cls
        self.name = cls.__name__
        self.names = tuple(f.name for f in dataclasses.fields(cls))
        self.plain: list[tuple[int, type]] = []
        self.converted: list[tuple[int, Callable[[Any], Any], Callable[[Any], Any]]] = []
        for index, name in enumerate(self.names):
            hint = hints[name]
            if hint in (str, bool, float, int, type(None)):
                self.plain.append((index, hint))
            else:
                self.converted.append((index, *_converter(hint)))

    def encode(self, value: Any) -> dict[str, Any]:
        fields = [getattr(value, name) for name in self.names]
        for index, kind in self.plain:
            if type(fields[index]) is not kind:
                raise CodecError(f"{self.name}.{self.names[index]} is not a {kind.__name__}")
        for index, encode_one, _ in self.converted:
            fields[index] = encode_one(fields[index])
        return {_TAG: self.name, "f": fields}

    def decode(self, data: Any) -> Any:
        if type(data) is not dict or data.get(_TAG) != self.name or len(data) != 2:
            raise CodecError(f"not a {self.name}")
        fields = data.get("f")
        if type(fields) is not list or len(fields) != len(self.names):
            raise CodecError(f"{self.name} fields do not match")
        fields = list(fields)
        for index, kind in self.plain:
            if type(fields[index]) is not kind:
                raise CodecError(f"{self.name}.{self.names[index]} is not a {kind.__name__}")
        for index, _, decode_one in self.converted:
            fields[index] = decode_one(fields[index])
        return self.cls(*fields)


@lru_cache(maxsize=None)
def _codec(cls: type) -> _ClassCodec:
    return _ClassCodec(cls)


Converter = tuple[Callable[[Any], Any], Callable[[Any], Any]]  # (encode, decode)


def _converter(hint: Any) -> Converter:
    origin = typing.get_origin(hint)
    if hint in (str, bool, float, type(None)):
        check = _exact(hint)
        return check, check
    if hint is int:
        check = _exact(int)
        return check, check
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return _enum(hint)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        _result_class(hint.__name__, hint)
        return (lambda value: _codec(hint).encode(value) if type(value) is hint else _fail(),
                lambda value: _codec(hint).decode(value))
    if origin in (typing.Union, types.UnionType):
        arms = [_converter(arm) for arm in typing.get_args(hint)]
        return (lambda value: _first_fitting([a[0] for a in arms], value),
                lambda value: _first_fitting([a[1] for a in arms], value))
    if origin is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            item_encode, item_decode = _converter(args[0])
            return (lambda value: [item_encode(v) for v in value] if type(value) is tuple else _fail(),
                    lambda value: tuple([item_decode(v) for v in value]) if type(value) is list else _fail())
        fixed = [_converter(arg) for arg in args]
        return (
            lambda value: [c[0](v) for c, v in zip(fixed, value)]
            if type(value) is tuple and len(value) == len(fixed) else _fail(),
            lambda value: tuple([c[1](v) for c, v in zip(fixed, value)])
            if type(value) is list and len(value) == len(fixed) else _fail(),
        )
    raise CodecError(f"cannot store a field of type {hint!r}")


def _enum(kind: type[enum.Enum]) -> Converter:
    if _registry().get(kind.__name__) is not kind:
        raise CodecError(f"{kind.__name__} is not a result enum")
    members = {member.value: member for member in kind}
    raw = {type(member.value) for member in kind}

    def decode_one(value: Any) -> Any:
        member = members.get(value) if type(value) in raw else None
        return member if member is not None else _fail()

    return (lambda value: value.value if type(value) is kind else _fail()), decode_one


def _exact(kind: type) -> Callable[[Any], Any]:
    return lambda value: value if type(value) is kind else _fail()


def _first_fitting(arms: list[Callable[[Any], Any]], value: Any) -> Any:
    for arm in arms:
        try:
            return arm(value)
        except CodecError:
            continue
    return _fail()


def _fail() -> Any:
    raise CodecError("a field has the wrong type")
