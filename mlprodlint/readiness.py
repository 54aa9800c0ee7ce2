"""Readiness per manifest: area scores, the level reached and a verdict for reviewers.

Scoring (documented in README, shown in reports):
- Each applicable rule weighs by its severity: error 3, warning 2, info 1. A rule that passes or
  is waived earns its weight; a failing rule earns nothing; not-applicable rules do not count.
  An area's score is earned / possible, as a percentage (100 when nothing applies).
- Levels are cumulative: a manifest reaches bronze when no applicable bronze rule fails, silver
  when no bronze or silver rule fails, gold when no rule fails at all. Waived rules do not block
  a level (the waiver is the accepted exception) but the verdict says so.
- Verdict: "not ready" when any finding fails the run (at or above --fail-on), "ready with
  waivers" when the manifest passes only thanks to active waivers, otherwise "ready".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .findings import SCORED_AREAS, RuleResult, RunResult, Severity, Status
from .rules import Rule

AREAS = SCORED_AREAS
LEVELS = ("bronze", "silver", "gold")
WEIGHTS = {Severity.ERROR: 3, Severity.WARNING: 2, Severity.INFO: 1}

READY = "ready"
READY_WITH_WAIVERS = "ready with waivers"
NOT_READY = "not ready"


@dataclass(frozen=True)
class AreaScore:
    area: str
    earned: int
    possible: int
    passed: int
    failed: int
    waived: int
    not_applicable: int

    @property
    def percent(self) -> int:
        return 100 if self.possible == 0 else round(100 * self.earned / self.possible)


@dataclass(frozen=True)
class Readiness:
    path: str
    verdict: str
    level: str  # "" when not even bronze is reached
    areas: tuple[AreaScore, ...]

    @property
    def score(self) -> int:
        earned = sum(a.earned for a in self.areas)
        possible = sum(a.possible for a in self.areas)
        return 100 if possible == 0 else round(100 * earned / possible)


def level_rank(level: str) -> int:
    """0 for no level, 1 bronze, 2 silver, 3 gold."""
    return LEVELS.index(level) + 1 if level in LEVELS else 0


def _area_score(area: str, results: Sequence[RuleResult]) -> AreaScore:
    earned = possible = passed = failed = waived = not_applicable = 0
    for result in results:
        if result.status is Status.NOT_APPLICABLE:
            not_applicable += 1
            continue
        if result.status is Status.UPCOMING:
            continue  # an obligation not yet in force neither earns nor costs anything

        weight = WEIGHTS[result.severity]
        possible += weight
        if result.status is Status.FAIL:
            failed += 1
        else:
            earned += weight
            if result.status is Status.WAIVED:
                waived += 1
            else:
                passed += 1
    return AreaScore(area, earned, possible, passed, failed, waived, not_applicable)


def _level(results: Sequence[RuleResult], rules: Mapping[str, Rule]) -> str:
    failing_ranks = {
        level_rank(rules[r.rule_id].level if r.rule_id in rules else "bronze")
        for r in results
        if r.status is Status.FAIL
    }
    reached = ""
    for level in LEVELS:
        if level_rank(level) in failing_ranks:
            break
        reached = level
    return reached


def assess(result: RunResult, rules: Mapping[str, Rule], fail_on: Severity) -> tuple[Readiness, ...]:
    """Readiness of every manifest in the run, in the run's (path) order."""
    by_path: dict[str, list[RuleResult]] = {}
    for rule_result in result.results:
        by_path.setdefault(rule_result.path, []).append(rule_result)
    failing_paths = {f.path for f in result.failing(fail_on)}
    assessed: list[Readiness] = []
    for manifest in result.manifests:
        results = by_path.get(manifest.path, [])
        # Only rules that score an area count; manifest/waiver bookkeeping rules block levels.
        areas = tuple(_area_score(area, [r for r in results if r.area == area]) for area in AREAS)
        if manifest.path in failing_paths or not manifest.parsed:
            verdict = NOT_READY
        elif any(r.status is Status.WAIVED for r in results):
            verdict = READY_WITH_WAIVERS
        else:
            verdict = READY
        assessed.append(Readiness(manifest.path, verdict, _level(results, rules) if manifest.parsed else "", areas))
    return tuple(assessed)
