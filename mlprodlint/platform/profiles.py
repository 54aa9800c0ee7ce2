"""Profiles: which rules a run requires, and which readiness level CI must reach.

A profile names a level (only rules at or below it run), optionally its own select/ignore and
fail_on, and a `require_level` gate. `bronze`, `silver` and `gold` are built in; teams define
more under [tool.mlprodlint.profiles.NAME]. Levels come from results/readiness.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..config import Config
from ..rules.core import CORE_RULES
from ..engine.lint import Selection
from ..errors import UsageError
from ..results.findings import RunResult, Severity
from ..results.readiness import LEVELS, level_rank
from ..rules.definitions import RuleSet
from ..textsafe import printable


@dataclass(frozen=True)
class Profile:
    name: str
    level: str = ""  # run rules at or below this level; "" runs every level
    select: tuple[str, ...] | None = None  # None: keep the configuration's
    ignore: tuple[str, ...] | None = None
    require_level: str = ""
    fail_on: Severity | None = None


BUILTIN_PROFILES: Mapping[str, Profile] = {level: Profile(level, level=level) for level in LEVELS}


def _from_config(name: str, data: Mapping[str, Any]) -> Profile:
    return Profile(
        name=name,
        level=data.get("level", ""),
        select=tuple(data["select"]) if "select" in data else None,
        ignore=tuple(data["ignore"]) if "ignore" in data else None,
        require_level=data.get("require_level", ""),
        fail_on=Severity.parse(data["fail_on"]) if "fail_on" in data else None,
    )


def resolve(name: str | None, config: Config) -> Profile | None:
    """The profile asked for (--profile, else the config's `profile`), or None."""
    chosen = name or config.profile
    if not chosen:
        return None
    if chosen in config.profiles:
        return _from_config(chosen, config.profiles[chosen])
    if chosen in BUILTIN_PROFILES:
        return BUILTIN_PROFILES[chosen]
    known = ", ".join([*LEVELS, *sorted(config.profiles)])
    raise UsageError(f"--profile: unknown profile {chosen!r} (known: {known})")


def effective_level(profile: Profile | None, require_level: str) -> str:
    """The highest level that runs; a gate above it could never be judged, so it is refused."""
    level = profile.level if profile is not None else ""
    if require_level and level and level_rank(require_level) > level_rank(level):
        raise UsageError(
            f"--require-level {require_level} needs the {require_level} rules, but profile "
            f"{profile.name if profile else ''} only runs rules up to {level}"
        )
    return level


def narrow(selection: Selection, rule_set: RuleSet, level: str) -> Selection:
    """Keep only rules at or below `level` (engine rules always stay: they guard the file)."""
    if not level:
        return selection
    kept = [
        rule.id for rule in rule_set.rules
        if level_rank(rule.level) <= level_rank(level) and selection.includes(rule.id)
    ]
    core = [rule.id for rule in CORE_RULES if selection.includes(rule.id)]
    return Selection(select=tuple(sorted({*kept, *core})), ignore=selection.ignore, severity=selection.severity)


@dataclass(frozen=True)
class LevelOutcome:
    path: str
    reached: str  # "" when not even bronze
    required: str

    @property
    def ok(self) -> bool:
        return level_rank(self.reached) >= level_rank(self.required)


def gate(result: RunResult, required: str, fail_on: Severity) -> list[LevelOutcome]:
    """The level each manifest reached (readiness never claims beyond the rules that ran)."""
    return [LevelOutcome(r.path, r.level, required) for r in result.summary(fail_on).readiness]


def gate_report(outcomes: Sequence[LevelOutcome]) -> str:
    failing = [o for o in outcomes if not o.ok]
    required = outcomes[0].required if outcomes else ""
    head = (
        f"level gate FAILED: {len(failing)} of {len(outcomes)} manifest(s) below {required}"
        if failing else f"level gate passed: every manifest reaches {required}"
    )
    lines = [head]
    for outcome in outcomes:
        reached = outcome.reached or "no level"
        verdict = "ok" if outcome.ok else f"below {outcome.required}"
        lines.append(f"  {printable(outcome.path)}: reached {reached} ({verdict})")
    return "\n".join(lines) + "\n"
