"""Readiness per manifest and the run summary, derived once from the per-rule results.

Scoring (documented in README, shown in reports):
- Only evaluated rules count. A rule that passes or is waived earns its weight (error 3, warning
  2, info 1); a failing or baselined rule earns nothing; a not-applicable rule does not count.
  An area's score is earned / possible, as a percentage; an area with no evaluated rule has no
  score ("n/a", JSON null), never 100. The overall score pools the areas the same way.
- Levels are cumulative: a manifest reaches bronze when no applicable bronze rule fails, silver
  when no bronze or silver rule fails, gold when no rule fails at all. Waived rules do not block a
  level (the waiver is the accepted, justified exception); baselined rules do (a baseline hides
  known debt from the CI gate, never from readiness). No level when no rule of a scored area was
  evaluated, and none above the highest level of the rules that ran (a bronze profile reaches at
  most bronze): nothing is claimed that was not examined.
- Verdict: "not ready" when an active finding fails the run (at or above --fail-on) or the
  manifest does not parse; "not assessed" when no rule of a scored area was evaluated (nothing
  was examined, so readiness is not claimed); "ready with baseline" when it passes only because the baseline absorbs
  findings; "ready with waivers" when it passes thanks to active waivers; otherwise "ready".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .findings import SCORED_AREAS, Finding, RuleResult, RunResult, Severity, Status

AREAS = SCORED_AREAS
LEVELS = ("bronze", "silver", "gold")
WEIGHTS = {Severity.ERROR: 3, Severity.WARNING: 2, Severity.INFO: 1}

READY = "ready"
READY_WITH_WAIVERS = "ready with waivers"
READY_WITH_BASELINE = "ready with baseline"
NOT_ASSESSED = "not assessed"
NOT_READY = "not ready"
VERDICTS = (NOT_READY, NOT_ASSESSED, READY_WITH_BASELINE, READY_WITH_WAIVERS, READY)  # worst first
# A failed rule the team accepted still failed: it earns nothing (waived ones excepted, below).
_FAILED = (Status.FAIL, Status.BASELINED)


def score_text(score: int | None) -> str:
    return "n/a" if score is None else str(score)


def percent(earned: int, possible: int) -> int | None:
    """earned / possible in percent; None ("n/a") when nothing was evaluated."""
    return None if possible == 0 else round(100 * earned / possible)


@dataclass(frozen=True)
class AreaScore:
    area: str
    earned: int
    possible: int
    passed: int
    failed: int
    waived: int
    not_applicable: int
    baselined: int = 0

    @property
    def percent(self) -> int | None:
        return percent(self.earned, self.possible)


@dataclass(frozen=True)
class Readiness:
    path: str
    verdict: str
    level: str  # "" when not even bronze is reached
    areas: tuple[AreaScore, ...]

    @property
    def score(self) -> int | None:
        return percent(sum(a.earned for a in self.areas), sum(a.possible for a in self.areas))


def level_rank(level: str) -> int:
    """0 for no level, 1 bronze, 2 silver, 3 gold."""
    return LEVELS.index(level) + 1 if level in LEVELS else 0


def _area_score(area: str, results: Sequence[RuleResult]) -> AreaScore:
    counts = {status: 0 for status in Status}
    earned = possible = 0
    for result in results:
        counts[result.status] += 1
        if result.status is Status.NOT_APPLICABLE:
            continue
        if result.status is Status.UPCOMING:
            continue  # an obligation not yet in force neither earns nor costs anything

        weight = WEIGHTS[result.severity]
        possible += weight
        if result.status not in _FAILED:
            earned += weight
    return AreaScore(
        area, earned, possible, counts[Status.PASS], counts[Status.FAIL], counts[Status.WAIVED],
        counts[Status.NOT_APPLICABLE], counts[Status.BASELINED],
    )


def _level(results: Sequence[RuleResult], areas: Sequence[AreaScore]) -> str:
    if not any(a.possible for a in areas):
        return ""
    failing_ranks = {level_rank(r.level) for r in results if r.status in _FAILED}
    # No claim beyond the rules that ran: with a bronze profile or `--select` of bronze and silver
    # rules, gold is never reached (its rules were not run, not found good).
    ceiling = max((level_rank(r.level) for r in results if r.area in AREAS), default=0)
    reached = ""
    for level in LEVELS[:ceiling]:
        if level_rank(level) in failing_ranks:
            break
        reached = level
    return reached


def _verdict(results: Sequence[RuleResult], areas: Sequence[AreaScore], failing: bool) -> str:
    statuses = {r.status for r in results}
    if failing:
        return NOT_READY
    if not any(a.possible for a in areas):
        return NOT_ASSESSED
    if Status.BASELINED in statuses or any(f.baselined for r in results for f in r.findings):
        return READY_WITH_BASELINE
    if Status.WAIVED in statuses:
        return READY_WITH_WAIVERS
    return READY


def assess_manifest(path: str, parsed: bool, results: Sequence[RuleResult], failing: bool) -> Readiness:
    """One manifest's readiness from its rule results; `failing`: an active finding fails the run."""
    # Only rules that score an area count; manifest/waiver bookkeeping rules block levels.
    areas = tuple(_area_score(area, [r for r in results if r.area == area]) for area in AREAS)
    if not parsed:
        return Readiness(path, NOT_READY, "", areas)
    return Readiness(path, _verdict(results, areas, failing), _level(results, areas), areas)


@dataclass(frozen=True)
class RunSummary:
    """Everything every report says about the run as a whole, at one --fail-on threshold."""

    fail_on: Severity
    manifests: int
    by_severity: dict[str, int]  # active findings (not waived, not baselined)
    waived: int
    baselined: int
    failing: tuple[Finding, ...]  # active findings at or above fail_on
    readiness: tuple[Readiness, ...]  # in the run's (path) order
    by_path: Mapping[str, Readiness] = field(default_factory=dict, compare=False, repr=False)
    upcoming: int = 0  # findings of rules not yet in force (effective_from later than today)

    @property
    def findings(self) -> int:
        return sum(self.by_severity.values())

    @property
    def passed(self) -> bool:
        return not self.failing

    @property
    def verdicts(self) -> dict[str, int]:
        return {v: sum(1 for r in self.readiness if r.verdict == v) for v in reversed(VERDICTS)}

    def readiness_of(self, path: str) -> Readiness:
        return self.by_path[path]

    @property
    def verdict_text(self) -> str:
        label = self.fail_on.label
        if not self.readiness:  # --staged/--changed-files affecting no manifest: nothing was judged
            return "NOTHING CHECKED: no manifest was affected"
        return (f"FAILED: {len(self.failing)} finding(s) at or above {label}" if self.failing
                else f"PASSED: nothing at or above {label}")


def summarize(result: RunResult, fail_on: Severity) -> RunSummary:
    """Use `RunResult.summary(fail_on)`, which computes this once per run."""
    by_severity = {s.label: 0 for s in sorted(Severity, reverse=True)}
    waived = baselined = upcoming = 0
    failing: list[Finding] = []
    failing_paths: set[str] = set()  # manifests, by result: a finding may sit in an evidence file
    by_path: dict[str, list[RuleResult]] = {}
    for rule_result in result.results:
        by_path.setdefault(rule_result.path, []).append(rule_result)
        for finding in rule_result.findings:
            if finding.baselined:
                baselined += 1
            elif finding.waived:
                waived += 1
            elif finding.upcoming:
                upcoming += 1  # not yet in force: listed, never failing
            else:
                by_severity[finding.severity.label] += 1
                if finding.severity >= fail_on:
                    failing.append(finding)
                    failing_paths.add(rule_result.path)
    readiness = tuple(
        assess_manifest(m.path, m.parsed, by_path.get(m.path, []), m.path in failing_paths)
        for m in result.manifests
    )
    return RunSummary(fail_on, len(result.manifests), by_severity, waived, baselined,
                      tuple(sorted(failing, key=Finding.sort_key)), readiness, {r.path: r for r in readiness},
                      upcoming)
