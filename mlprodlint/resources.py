"""Locate the built-in rule packs and schemas, installed or in a source checkout."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

_PACKAGE_DIR = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    # A wheel carries them under mlprodlint/_bundled/ (see pyproject.toml); a source checkout or
    # an editable install reads them from the top of the repository.
    bundled = _PACKAGE_DIR / "_bundled" / name
    if bundled.is_dir():
        return bundled
    return _PACKAGE_DIR.parent / name


def builtin_rules_dir() -> Path:
    return _data_dir("rules")


def schemas_dir() -> Path:
    return _data_dir("schemas")


@lru_cache(maxsize=None)
def load_schema(name: str) -> dict[str, Any]:
    with (schemas_dir() / name).open(encoding="utf-8") as handle:
        schema: dict[str, Any] = json.load(handle)
    return schema
