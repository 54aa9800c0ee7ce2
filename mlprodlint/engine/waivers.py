"""Waivers: time-boxed, justified, approved exceptions to a rule, declared in the manifest."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..rules.core import WAIVER_EXPIRED, WAIVER_UNJUSTIFIED, WAIVER_UNKNOWN_RULE, WAIVER_UNUSED
from ..dates import parse_date

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


@dataclass(frozen=True)
class WaiverProblem:
    """A waiver that is itself a finding: `rule_id` is one of the WVR rules."""

    rule_id: str
    waiver: Waiver
    detail: str


@dataclass(frozen=True)
class Resolution:
    active: Mapping[str, Waiver]  # rule id -> the waiver that suppresses its findings
    problems: tuple[WaiverProblem, ...]


def resolve(
    waivers: Sequence[Waiver],
    today: dt.date,
    waivable: Collection[str],
    engine_rules: Collection[str],
    moot: Collection[str],
    enforced: Collection[str] = (),
) -> Resolution:
    """Which waivers are active, and which are findings themselves.

    `waivable`: the pack rules (engine rules guard the waiver mechanism and are never waived);
    `moot`: rules that passed or did not apply for their own reasons, so that a waiver of them
    suppresses nothing. A rule blocked by another's failure is not moot: its waiver will matter
    again once the root cause is fixed.
    """
    active: dict[str, Waiver] = {}
    problems: list[WaiverProblem] = []
    for waiver in waivers:
        state = state_of(waiver, today, waivable)
        if state is WaiverState.UNKNOWN_RULE:
            detail = (f"{waiver.rule}, an engine rule that cannot be waived" if waiver.rule in engine_rules
                      else f"{waiver.rule}, an enforced rule that cannot be waived" if waiver.rule in enforced
                      else f"unknown rule {waiver.rule}")
            problems.append(WaiverProblem(WAIVER_UNKNOWN_RULE.id, waiver, detail))
        elif state is WaiverState.UNJUSTIFIED:
            problems.append(WaiverProblem(WAIVER_UNJUSTIFIED.id, waiver, unjustified_detail(waiver)))
        elif state is WaiverState.EXPIRED:
            problems.append(WaiverProblem(WAIVER_EXPIRED.id, waiver, f"{waiver.rule} expired on {waiver.expires_text}"))
        else:
            active.setdefault(waiver.rule, waiver)
    for rule_id, waiver in sorted(active.items()):
        if rule_id in moot:
            problems.append(WaiverProblem(
                WAIVER_UNUSED.id, waiver, f"{rule_id} suppresses nothing: the rule passes or does not apply"
            ))
    return Resolution(active, tuple(problems))
