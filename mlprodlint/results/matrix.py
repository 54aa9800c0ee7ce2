"""Per-framework evidence matrices and the ML Test Score's own scoring, from rule results.

A control is
- `met` when at least one rule citing it examined the manifest (pass, fail, waived or upcoming)
  and every such rule passed;
- `not_met` when any rule citing it failed, is waived or baselined (an accepted exception is
  not evidence) or is upcoming (violated, not yet in force);
- `not_assessed` when no rule citing it examined anything: not run for this manifest, not
  applicable, or nothing to check. Never `met` on nothing.

The ML Test Score (Breck et al., 2017) gives each of its 28 tests half a point when it is done
manually (documented) and a full point when it is automated; a section scores the sum of its
tests and the final score is the lowest of the four sections. Here a met test counts 1 when a
passing rule citing it is marked `automated` (it saw a CI step, an alert rule, a monitor), else 0.5.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .findings import RuleResult, Status
from ..rules.frameworks import ML_TEST_SCORE, framework
from ..rules.definitions import Rule

MET, NOT_MET, NOT_ASSESSED = "met", "not_met", "not_assessed"  # as in report/model.py
_EXAMINED = frozenset(s.value for s in (Status.PASS, Status.FAIL, Status.WAIVED, Status.BASELINED, Status.UPCOMING))
_PASS = Status.PASS.value

# The paper's reading of the final score (Table III of Breck et al., 2017), lowest bound first.
ML_TEST_SCORE_MEANING = (
    (0.0, "More of a research project than a productionized system."),
    (1.0, "Not totally untested, but it is worth considering the possibility of serious holes in reliability."),
    (2.0, "There has been a first pass at basic productionization, but additional investment may be needed."),
    (3.0, "Reasonably tested, but more of those tests and procedures may be automated."),
    (5.0, "Strong levels of automated testing and monitoring, appropriate for mission-critical systems."),
    (float("inf"), "Exceptional levels of automated testing and monitoring."),
)


@dataclass(frozen=True)
class RuleEvidence:
    rule_id: str
    status: str  # a Status value, or "not run" when the rule produced no result for the manifest
    automated: bool = False
    fails_from: str = ""


@dataclass(frozen=True)
class ControlOutcome:
    id: str
    title: str
    outcome: str  # MET, NOT_MET or NOT_ASSESSED
    rules: tuple[RuleEvidence, ...]

    @property
    def points(self) -> float:
        """ML Test Score points: 1 automated, 0.5 manual, 0 not met or not assessed."""
        if self.outcome != MET:
            return 0.0
        return 1.0 if any(r.automated and r.status == Status.PASS.value for r in self.rules) else 0.5


def _outcome(evidence: Sequence[RuleEvidence]) -> str:
    examined = [e for e in evidence if e.status in _EXAMINED]
    if not examined:
        return NOT_ASSESSED
    return MET if all(e.status == _PASS for e in examined) else NOT_MET


def cited_controls(rules: Iterable[Rule], name: str) -> dict[str, list[Rule]]:
    """Control id -> the rules citing it, for one framework."""
    cited: dict[str, list[Rule]] = {}
    for rule in sorted(rules, key=lambda r: r.id):
        for control in rule.controls_for(name):
            cited.setdefault(control, []).append(rule)
    return cited


# (id of the rules mapping, framework, all_controls) -> (the mapping, ordered controls and citing
# rules): a report computes a matrix per manifest against one rule set, so the index is built once.
_INDEX: dict[tuple[int, str, bool], tuple[Mapping[str, Rule], list[tuple[str, list[Rule]]]]] = {}


def _index(name: str, rules: Mapping[str, Rule], all_controls: bool) -> list[tuple[str, list[Rule]]]:
    key = (id(rules), name, all_controls)
    found = _INDEX.get(key)
    if found is None or found[0] is not rules:
        known = framework(name)
        cited = cited_controls(rules.values(), name)
        wanted = set(cited) | ({c for c, _ in known.controls} if all_controls else set())
        if len(_INDEX) > 64:
            _INDEX.clear()
        found = _INDEX[key] = (rules, [(control, cited.get(control, [])) for control in known.order(wanted)])
    return found[1]


def control_outcomes(name: str, results: Sequence[RuleResult], rules: Mapping[str, Rule],
                     all_controls: bool = False) -> tuple[ControlOutcome, ...]:
    """One framework's matrix for one manifest's results; every control a rule in the rule set
    cites (with `all_controls`, every control of the framework's catalogue too)."""
    known = framework(name)
    by_rule = {r.rule_id: r for r in results}
    outcomes = []
    for control, citing in _index(name, rules, all_controls):
        evidence = []
        for rule in citing:
            result = by_rule.get(rule.id)
            status = result.status.value if result is not None else "not run"
            fails_from = result.findings[0].upcoming if result is not None and result.status is Status.UPCOMING and result.findings else ""
            evidence.append(RuleEvidence(rule.id, status, rule.automated, fails_from))
        outcomes.append(ControlOutcome(control, known.title_of(control), _outcome(evidence), tuple(evidence)))
    return tuple(outcomes)


def frameworks_shown(active: Iterable[str], rules: Mapping[str, Rule]) -> list[str]:
    """The active frameworks that some rule cites (a framework no rule cites has no matrix)."""
    cited = {name for rule in rules.values() for name, _ in rule.controls}
    return sorted(set(active) & cited)


@dataclass(frozen=True)
class MlTestScore:
    sections: tuple[tuple[str, float], ...]  # (section id, points), data/model/infra/monitor
    tests: tuple[ControlOutcome, ...]

    @property
    def final(self) -> float:
        return min(points for _, points in self.sections)

    @property
    def meaning(self) -> str:
        for bound, text in ML_TEST_SCORE_MEANING:
            if self.final <= bound:
                return text
        return ML_TEST_SCORE_MEANING[-1][1]


def ml_test_score(results: Sequence[RuleResult], rules: Mapping[str, Rule]) -> MlTestScore:
    tests = control_outcomes(ML_TEST_SCORE.id, results, rules, all_controls=True)
    sections = tuple(
        (section, sum(t.points for t in tests if t.id.startswith(section + "-")))
        for section in ("data", "model", "infra", "monitor")
    )
    return MlTestScore(sections, tests)
