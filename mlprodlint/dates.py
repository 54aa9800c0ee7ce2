"""Dates as manifests write them: the one lenient reader the checks, waivers and reports share."""

from __future__ import annotations

import datetime as dt
from typing import Any


def parse_date(value: Any) -> dt.date | None:
    """A date from a YAML date, a datetime or an ISO string (`2026-01-31`, `2026-01-31T10:00Z`);
    None for anything else (the schema reports malformed dates, callers decide what None means)."""
    if isinstance(value, dt.date):
        return value if not isinstance(value, dt.datetime) else value.date()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None
