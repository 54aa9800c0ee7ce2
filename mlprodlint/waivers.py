"""Waivers: time-boxed, justified, approved exceptions to a rule, declared in the manifest."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from .checks.fields import parse_date

MIN_REASON_LENGTH = 15
_PLACEHOLDER_REASONS = {"tbd", "todo", "n/a", "na", "none", "-", "temp", "temporary", "later", "wip", "fixme"}


class WaiverState(enum.Enum):
    ACTIVE = "active"
    EXPIRED = "expired"
    UNJUSTIFIED = "unjustified"
    UNKNOWN_RULE = "unknown_rule"


@dataclass(frozen=True)
class Waiver:
    pointer: str
    rule: str
    reason: str
    approved_by: str
    expires: dt.date | None

    @property
    def expires_text(self) -> str:
        return self.expires.isoformat() if self.expires else ""


def parse_waivers(manifest: Mapping[str, Any]) -> list[Waiver]:
    """Waivers as declared; tolerant of wrong types, which the schema reports separately."""
    raw = manifest.get("waivers")
    if not isinstance(raw, list):
        return []
    waivers: list[Waiver] = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict) or not isinstance(item.get("rule"), str):
            continue
        waivers.append(
            Waiver(
                pointer=f"/waivers/{index}",
                rule=item["rule"],
                reason=str(item.get("reason") or "").strip(),
                approved_by=str(item.get("approved_by") or "").strip(),
                expires=parse_date(item.get("expires")),
            )
        )
    return waivers


def is_justified(waiver: Waiver) -> bool:
    reason = waiver.reason.lower().strip(" .!")
    return (
        len(waiver.reason) >= MIN_REASON_LENGTH
        and reason not in _PLACEHOLDER_REASONS
        and bool(waiver.approved_by)
        and waiver.expires is not None
    )


def state_of(waiver: Waiver, today: dt.date, known_rule_ids: Collection[str]) -> WaiverState:
    if waiver.rule not in known_rule_ids:
        return WaiverState.UNKNOWN_RULE
    if not is_justified(waiver):
        return WaiverState.UNJUSTIFIED
    assert waiver.expires is not None
    if waiver.expires < today:
        return WaiverState.EXPIRED
    return WaiverState.ACTIVE


def unjustified_detail(waiver: Waiver) -> str:
    missing: list[str] = []
    if len(waiver.reason) < MIN_REASON_LENGTH or waiver.reason.lower().strip(" .!") in _PLACEHOLDER_REASONS:
        missing.append(f"a real reason (at least {MIN_REASON_LENGTH} characters)")
    if not waiver.approved_by:
        missing.append("an approver")
    if waiver.expires is None:
        missing.append("a valid expiry date")
    return f"{waiver.rule} lacks " + " and ".join(missing)
