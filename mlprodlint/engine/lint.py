"""Run the selected rules over manifests and produce the result model."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..checks.base import CheckContext, Examined, NothingToCheck, Violation
from ..checks.registry import BUILTIN_CHECKS, describe_plugin, lookup
from ..rules.core import (
    CORE_RULES,
    LIMIT_EXCEEDED,
    MANIFEST_UNREADABLE,
    NEVER_IGNORED,
    SCHEMA_VIOLATION,
    WAIVER_EXPIRED,
    WAIVER_UNJUSTIFIED,
    WAIVER_UNKNOWN_RULE,
    WAIVER_UNUSED,
)
from ..errors import MlprodlintError, PluginError, describe
from ..results.facts import collect as collect_facts
from ..results.findings import Finding, ManifestSummary, RuleResult, RunResult, Severity, Status, WaiverNote
from ..repo.git import root_or_self
from ..load.manifest import Limits, LoadedManifest, display_path_for, load_manifest
from ..redact import redact
from ..repo.facts import RepoFactsCache
from ..rules.definitions import Rule, RuleSet
from ..load.schema import validate
from .waivers import parse_waivers, resolve


class CheckCrashed(MlprodlintError):
    """A check function raised: a bug in it, reported with the rule and manifest."""

    exit_code = 3


@dataclass(frozen=True)
class Selection:
    """--select/--ignore by id or prefix, and per-rule severity overrides."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)

    def includes(self, rule_id: str) -> bool:
        if rule_id in NEVER_IGNORED:
            return True
        if self.select and not any(rule_id.startswith(prefix) for prefix in self.select):
            return False
        return not any(rule_id.startswith(prefix) for prefix in self.ignore)

    def severity_of(self, rule: Rule) -> Severity:
        if rule.id in NEVER_IGNORED or rule.enforced:
            return rule.severity
        return self.severity.get(rule.id, rule.severity)


@dataclass(frozen=True)
class EngineOptions:
    today: dt.date
    selection: Selection = Selection()
    limits: Limits = Limits()
    check_options: Mapping[str, Any] = field(default_factory=dict)
    base_dir: Path | None = None  # paths in reports are relative to this (default: cwd)
    # Framework packs enabled for every manifest (config `frameworks`, --framework), on top of
    # those a manifest lists in compliance.frameworks.
    frameworks: tuple[str, ...] = ()


def active_frameworks(manifest: Mapping[str, Any], enabled: Sequence[str]) -> frozenset[str]:
    """The frameworks whose packs run for this manifest: its compliance.frameworks plus `enabled`."""
    compliance = manifest.get("compliance")
    listed = compliance.get("frameworks") if isinstance(compliance, dict) else None
    named = [item for item in listed if isinstance(item, str)] if isinstance(listed, list) else []
    return frozenset((*named, *enabled))


def _summary(loaded: LoadedManifest, enabled: Sequence[str] = ()) -> ManifestSummary:
    data = loaded.data or {}
    metadata = _section(data, "metadata")
    ownership = _section(data, "ownership")
    tier = metadata.get("tier")
    return ManifestSummary(
        path=loaded.display_path,
        name=_text(metadata.get("name")),
        kind=_text(data.get("kind")),
        lifecycle=_text(metadata.get("lifecycle")),
        tier=tier if isinstance(tier, int) and not isinstance(tier, bool) else None,
        team=_text(ownership.get("team")),
        parsed=loaded.data is not None,
        description=_text(metadata.get("description")),
        contact=_text(ownership.get("contact")),
        repository=_text(metadata.get("repository")),
        frameworks=tuple(sorted(active_frameworks(data, enabled))),
        facts=collect_facts(data),
    )


def _section(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    # Reports show these verbatim: a credential pasted into e.g. the contact must not leak there.
    return redact(value) if isinstance(value, str) else ""


@dataclass(frozen=True)
class _Outcome:
    """A pack rule's outcome on one manifest before waivers are applied."""

    status: Status  # PASS, FAIL or NOT_APPLICABLE
    findings: tuple[Finding, ...] = ()
    reason: str = ""  # why it is not applicable
    blocked: bool = False  # not applicable because a rule in its `blocked_by` failed
    examined: str = ""  # what a passing (or failing) check compared, when it says


class _ManifestRun:
    """Turns violations into findings and collects the rule results of one manifest."""

    def __init__(self, loaded: LoadedManifest, options: EngineOptions) -> None:
        self.loaded = loaded
        self.options = options
        self.results: list[RuleResult] = []

    def finding(self, rule: Rule, line: int, column: int, detail: str, pointer: str = "", path: str | None = None) -> Finding:
        return Finding(
            path=path or self.loaded.display_path,
            line=line,
            column=column,
            rule_id=rule.id,
            rule_name=rule.name,
            area=rule.area,
            severity=self.options.selection.severity_of(rule),
            # Never echo a credential, whichever rule (schema, plugin) put the value in its detail.
            message=redact(rule.format_message(detail)),
            fix=rule.fix,
            pointer=redact(pointer),  # a key can be a pasted credential too
        )

    def at_pointer(self, rule: Rule, detail: str, pointer: str) -> Finding:
        line, column = self.loaded.position(pointer)
        return self.finding(rule, line, column, detail, pointer)

    def from_violation(self, rule: Rule, violation: Violation) -> Finding:
        if violation.path is not None:
            shown = display_path_for(violation.path, self.options.base_dir)
            return self.finding(
                rule, violation.line or 1, violation.column or 1, violation.detail, violation.pointer, shown
            )
        return self.at_pointer(rule, violation.detail, violation.pointer)

    def record(
        self, rule: Rule, status: Status, findings: Sequence[Finding] = (), reason: str = "", examined: str = ""
    ) -> None:
        self.results.append(
            RuleResult(
                path=self.loaded.display_path,
                rule_id=rule.id,
                rule_name=rule.name,
                area=rule.area,
                severity=self.options.selection.severity_of(rule),
                status=status,
                findings=tuple(findings),
                level=rule.level,
                reason=reason,
                examined=examined,
            )
        )

    def record_found(self, rule: Rule, findings: Sequence[Finding], reason: str = "") -> None:
        """FAIL with findings; PASS without, or NOT_APPLICABLE when given a reason."""
        status = Status.FAIL if findings else (Status.NOT_APPLICABLE if reason else Status.PASS)
        self.record(rule, status, findings, "" if findings else reason)


def lint_loaded(
    loaded: LoadedManifest, rule_set: RuleSet, options: EngineOptions, repo_facts: Any = None, repo_root: Path | None = None
) -> list[RuleResult]:
    """Every selected rule's result on one loaded manifest (`repo_root` when the caller found it already)."""
    run = _ManifestRun(loaded, options)
    _record_load_problems(run)
    if loaded.data is None:
        return run.results
    if options.selection.includes(SCHEMA_VIOLATION.id):
        run.record_found(SCHEMA_VIOLATION, [run.at_pointer(SCHEMA_VIOLATION, v.message, v.pointer) for v in validate(loaded.data)])
    context = CheckContext(
        manifest=loaded.data,
        manifest_path=loaded.path,
        repo_root=repo_root or root_or_self(loaded.path.parent),
        today=options.today,
        options=options.check_options,
        repo_facts=repo_facts,
    )
    # A framework pack's rules exist for a manifest only when a framework they cite is active:
    # a service outside a regulation's scope gets no results (not even not_applicable) from it.
    frameworks = active_frameworks(loaded.data, options.frameworks)
    pack_rules = [
        rule for rule in rule_set.rules
        if options.selection.includes(rule.id) and (not rule.framework or rule.activated_by() & frameworks)
    ]
    outcomes = _evaluate(run, pack_rules, context)
    _record_with_waivers(run, rule_set, pack_rules, outcomes)
    return run.results


def _record_load_problems(run: _ManifestRun) -> None:
    by_rule: dict[str, list[Finding]] = {MANIFEST_UNREADABLE.id: [], LIMIT_EXCEEDED.id: []}
    for problem in run.loaded.problems:
        rule = MANIFEST_UNREADABLE if problem.rule_id == MANIFEST_UNREADABLE.id else LIMIT_EXCEEDED
        by_rule[rule.id].append(run.finding(rule, problem.line, problem.column, problem.message, problem.pointer))
    for rule in (MANIFEST_UNREADABLE, LIMIT_EXCEEDED):
        run.record_found(rule, by_rule[rule.id])


def _evaluate(run: _ManifestRun, rules: Sequence[Rule], context: CheckContext) -> dict[str, _Outcome]:
    """Each rule's outcome; a rule's blockers are evaluated before it (packs have no cycles)."""
    by_id = {rule.id: rule for rule in rules}
    outcomes: dict[str, _Outcome] = {}

    def blocks(rule_id: str) -> bool:
        # An unselected blocker blocks nothing; a failing one blocks even when waived (the root
        # cause is known and accepted: its consequences are still moot).
        if rule_id not in by_id:
            return False
        outcome = outcome_of(by_id[rule_id])
        return outcome.status is Status.FAIL or outcome.blocked

    def outcome_of(rule: Rule) -> _Outcome:
        if rule.id not in outcomes:
            blocker = next((b for b in rule.blocked_by if blocks(b)), None)
            outcomes[rule.id] = _evaluate_rule(run, rule, context, blocker)
        return outcomes[rule.id]

    for rule in rules:
        outcome_of(rule)
    return outcomes


def _evaluate_rule(run: _ManifestRun, rule: Rule, context: CheckContext, blocker: str | None) -> _Outcome:
    if not rule.applies_when.holds_for(context.manifest):
        return _Outcome(Status.NOT_APPLICABLE, reason=f"applies only when {rule.applies_when.describe()}")
    if blocker is not None:  # the root cause is reported once, by the blocking rule
        return _Outcome(Status.NOT_APPLICABLE, reason=f"blocked by {blocker}", blocked=True)
    outcome = _run_check(rule, context, run.loaded)
    violations = [item for item in outcome if isinstance(item, Violation)]
    examined = "; ".join(dict.fromkeys(redact(item.what) for item in outcome if isinstance(item, Examined)))
    nothing = [item for item in outcome if isinstance(item, NothingToCheck)]
    if not violations and not examined and nothing:  # the rule examined nothing
        return _Outcome(Status.NOT_APPLICABLE, reason=redact(nothing[0].reason))
    findings = tuple(run.from_violation(rule, v) for v in violations)
    return _Outcome(Status.FAIL if findings else Status.PASS, findings, examined=examined)


def _record_with_waivers(run: _ManifestRun, rule_set: RuleSet, rules: Sequence[Rule], outcomes: Mapping[str, _Outcome]) -> None:
    """Record the pack rules' results with active waivers applied, then the waiver rules' own."""
    assert run.loaded.data is not None
    declared = parse_waivers(run.loaded.data)
    moot = {
        rule_id for rule_id, o in outcomes.items()
        if o.status is Status.PASS or (o.status is Status.NOT_APPLICABLE and not o.blocked)
    }
    # Only pack rules can be waived: the engine's own rules (an unreadable or invalid manifest,
    # the waiver bookkeeping itself) guard the waiver mechanism and are never suppressed.
    enforced = {r.id for r in rule_set.rules if r.enforced}
    resolution = resolve(declared, run.options.today, {r.id for r in rule_set.rules} - enforced,
                         {r.id for r in CORE_RULES}, moot, enforced)
    for rule in rules:
        outcome = outcomes[rule.id]
        waiver = resolution.active.get(rule.id)
        if outcome.findings and waiver is not None:
            # Reports show these verbatim: never echo a pasted credential.
            note = WaiverNote(redact(waiver.reason), redact(waiver.approved_by), waiver.expires_text)
            run.record(rule, Status.WAIVED, [replace(f, waiver=note) for f in outcome.findings])
        elif outcome.findings and (day := rule.effective_date(run.loaded.data)) is not None and run.options.today < day:
            # The obligation is not in force yet: reported as upcoming, never failing the run.
            upcoming = [
                replace(f, upcoming=day.isoformat(), message=f"{f.message} (fails from {day.isoformat()})")
                for f in outcome.findings
            ]
            run.record(rule, Status.UPCOMING, upcoming)
        else:
            run.record(rule, outcome.status, outcome.findings, outcome.reason, outcome.examined)
    for rule in (WAIVER_EXPIRED, WAIVER_UNJUSTIFIED, WAIVER_UNKNOWN_RULE, WAIVER_UNUSED):
        if run.options.selection.includes(rule.id):
            found = [run.at_pointer(rule, p.detail, p.waiver.pointer) for p in resolution.problems if p.rule_id == rule.id]
            run.record_found(rule, found, "" if declared else "no waivers declared")


def _run_check(rule: Rule, context: CheckContext, loaded: LoadedManifest) -> list[Violation | NothingToCheck | Examined]:
    spec = lookup(rule.check)
    if spec is None:  # the loader resolves every function; this only guards plugin removal
        raise CheckCrashed(f"rule {rule.id}: check function {rule.check!r} is not registered")
    try:
        violations = list(spec.function(context, **rule.args))
        for item in violations:  # plugins are typed by convention only; check the contract here
            if not isinstance(item, (Violation, NothingToCheck, Examined)):
                raise TypeError(f"returned {type(item).__name__}, not a Violation, NothingToCheck or Examined")
        return violations
    except KeyboardInterrupt:  # a real Ctrl-C: exit 130
        raise
    except BaseException as error:  # SystemExit from a plugin must never end the run with 0
        if isinstance(error, MlprodlintError) and rule.check in BUILTIN_CHECKS:
            raise
        if rule.check not in BUILTIN_CHECKS:  # whatever it raised, even one of our errors
            raise PluginError(
                f"{describe_plugin(rule.check)} raised {describe(error)} in rule {rule.id} on {loaded.display_path}"
            ) from None
        raise CheckCrashed(
            f"check {rule.check!r} of rule {rule.id} crashed on {loaded.display_path}: "
            f"{type(error).__name__}: {error}"
        ) from error


def lint_one(path: Path, rule_set: RuleSet, options: EngineOptions, repo_facts: RepoFactsCache) -> tuple[ManifestSummary, list[RuleResult]]:
    """Load and lint one manifest (the unit that engine/run.py spreads over processes and caches)."""
    repo_root = root_or_self(path.parent)
    loaded = load_manifest(path, display_path_for(path, options.base_dir), options.limits, repo_root)
    return _summary(loaded, options.frameworks), lint_loaded(loaded, rule_set, options, repo_facts.for_root(repo_root), repo_root)


def merge_results(outcomes: Iterable[tuple[ManifestSummary, Sequence[RuleResult]]], rule_set: RuleSet) -> RunResult:
    summaries: list[ManifestSummary] = []
    results: list[RuleResult] = []
    for summary, manifest_results in outcomes:
        summaries.append(summary)
        results.extend(manifest_results)
    return RunResult(
        manifests=tuple(sorted(summaries, key=lambda m: m.path)),
        results=tuple(sorted(results, key=lambda r: (r.path, r.rule_id))),
        rule_packs=tuple((pack.name, pack.version) for pack in rule_set.packs),
    )
