"""Run the selected rules over manifests and produce the result model."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .checks.base import CheckContext, NothingToCheck, Violation
from .checks.registry import BUILTIN_CHECKS, describe_plugin, lookup
from .checks.secrets import redact
from .core_rules import (
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
from .errors import MlprodlintError, PluginError, describe
from .findings import Finding, ManifestSummary, RuleResult, RunResult, Severity, Status
from .manifest import Limits, LoadedManifest, display_path_for, load_manifest
from .repo_facts import RepoFactsCache
from .rules import Rule, RuleSet
from .schema import validate
from .waivers import Waiver, WaiverState, parse_waivers, state_of, unjustified_detail


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
        if rule.id in NEVER_IGNORED:
            return rule.severity
        return self.severity.get(rule.id, rule.severity)


@dataclass(frozen=True)
class EngineOptions:
    today: dt.date
    selection: Selection = Selection()
    limits: Limits = Limits()
    check_options: Mapping[str, Any] = field(default_factory=dict)
    base_dir: Path | None = None  # paths in reports are relative to this (default: cwd)


def find_repo_root(start: Path) -> Path:
    """The nearest folder with a .git entry; the manifest's own folder when there is none."""
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start


def _summary(loaded: LoadedManifest) -> ManifestSummary:
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
    )


def _section(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    # Reports show these verbatim: a credential pasted into e.g. the contact must not leak there.
    return redact(value) if isinstance(value, str) else ""


class _ManifestRun:
    """Collects findings and results for one manifest."""

    def __init__(self, loaded: LoadedManifest, options: EngineOptions) -> None:
        self.loaded = loaded
        self.options = options
        self.findings: list[Finding] = []
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

    def from_violation(self, rule: Rule, violation: Violation) -> Finding:
        if violation.path is not None:
            shown = display_path_for(violation.path, self.options.base_dir)
            return self.finding(
                rule, violation.line or 1, violation.column or 1, violation.detail, violation.pointer, shown
            )
        line, column = self.loaded.position(violation.pointer)
        return self.finding(rule, line, column, violation.detail, violation.pointer)

    def record(self, rule: Rule, status: Status, findings: Sequence[Finding] = (), reason: str = "") -> None:
        self.findings.extend(findings)
        self.results.append(
            RuleResult(
                path=self.loaded.display_path,
                rule_id=rule.id,
                rule_name=rule.name,
                area=rule.area,
                severity=self.options.selection.severity_of(rule),
                status=status,
                findings=tuple(findings),
                reason=reason,
            )
        )


def lint_loaded(loaded: LoadedManifest, rule_set: RuleSet, options: EngineOptions, repo_facts: Any = None) -> tuple[list[Finding], list[RuleResult]]:
    run = _ManifestRun(loaded, options)
    selection = options.selection
    problems_by_rule: dict[str, list[Finding]] = {}
    for problem in loaded.problems:
        rule = MANIFEST_UNREADABLE if problem.rule_id == MANIFEST_UNREADABLE.id else LIMIT_EXCEEDED
        problems_by_rule.setdefault(rule.id, []).append(
            run.finding(rule, problem.line, problem.column, problem.message, problem.pointer)
        )
    for rule in (MANIFEST_UNREADABLE, LIMIT_EXCEEDED):
        found = problems_by_rule.get(rule.id, [])
        run.record(rule, Status.FAIL if found else Status.PASS, found)
    if loaded.data is None:
        return run.findings, run.results
    data = loaded.data

    if selection.includes(SCHEMA_VIOLATION.id):
        schema_findings = []
        for violation in validate(data):
            line, column = loaded.position(violation.pointer)
            schema_findings.append(run.finding(SCHEMA_VIOLATION, line, column, violation.message, violation.pointer))
        run.record(SCHEMA_VIOLATION, Status.FAIL if schema_findings else Status.PASS, schema_findings)

    context = CheckContext(
        manifest=data,
        manifest_path=loaded.path,
        repo_root=find_repo_root(loaded.path.parent),
        today=options.today,
        options=options.check_options,
        repo_facts=repo_facts,
    )
    rule_findings: dict[str, list[Finding]] = {}
    applicable: dict[str, bool] = {}
    nothing_reason: dict[str, str] = {}
    pack_rules = [rule for rule in rule_set.rules if selection.includes(rule.id)]
    for rule in pack_rules:
        if not rule.applies_when.holds_for(data):
            applicable[rule.id] = False
            continue
        outcome = _run_check(rule, context, loaded)
        violations = [item for item in outcome if isinstance(item, Violation)]
        if not violations and outcome:  # only NothingToCheck: the rule examined nothing
            applicable[rule.id] = False
            nothing_reason[rule.id] = redact(outcome[0].reason)
            continue
        applicable[rule.id] = True
        rule_findings[rule.id] = [run.from_violation(rule, v) for v in violations]

    # Only pack rules can be waived: the engine's own rules (an unreadable or invalid manifest,
    # the waiver bookkeeping itself) guard the waiver mechanism and are never suppressed.
    waivable_ids = {rule.id for rule in rule_set.rules}
    engine_ids = {rule.id for rule in CORE_RULES}
    waiver_findings: dict[str, list[Finding]] = {r.id: [] for r in (WAIVER_EXPIRED, WAIVER_UNJUSTIFIED, WAIVER_UNKNOWN_RULE, WAIVER_UNUSED)}
    active: dict[str, Waiver] = {}
    waivers = parse_waivers(data)
    for waiver in waivers:
        state = state_of(waiver, options.today, waivable_ids)
        line, column = loaded.position(waiver.pointer)
        if state is WaiverState.UNKNOWN_RULE:
            waiver_findings[WAIVER_UNKNOWN_RULE.id].append(
                run.finding(
                    WAIVER_UNKNOWN_RULE, line, column,
                    f"{waiver.rule}, an engine rule that cannot be waived" if waiver.rule in engine_ids
                    else f"unknown rule {waiver.rule}",
                    waiver.pointer,
                )
            )
        elif state is WaiverState.UNJUSTIFIED:
            waiver_findings[WAIVER_UNJUSTIFIED.id].append(
                run.finding(WAIVER_UNJUSTIFIED, line, column, unjustified_detail(waiver), waiver.pointer)
            )
        elif state is WaiverState.EXPIRED:
            waiver_findings[WAIVER_EXPIRED.id].append(
                run.finding(WAIVER_EXPIRED, line, column, f"{waiver.rule} expired on {waiver.expires_text}", waiver.pointer)
            )
        else:
            active.setdefault(waiver.rule, waiver)

    for rule in pack_rules:
        if not applicable[rule.id]:
            run.record(rule, Status.NOT_APPLICABLE, reason=nothing_reason.get(rule.id) or f"applies only when {rule.applies_when.describe()}")
            continue
        found = rule_findings[rule.id]
        active_waiver = active.get(rule.id)
        if found and active_waiver is not None:
            waiver_fields = {  # reports show these verbatim: never echo a pasted credential
                "waiver_reason": redact(active_waiver.reason),
                "waiver_approved_by": redact(active_waiver.approved_by),
                "waiver_expires": active_waiver.expires_text,
            }
            waived = tuple(replace(f, waived=True, **waiver_fields) for f in found)
            run.findings.extend(waived)
            run.results.append(
                RuleResult(
                    path=loaded.display_path, rule_id=rule.id, rule_name=rule.name, area=rule.area,
                    severity=selection.severity_of(rule), status=Status.WAIVED, findings=waived,
                    **waiver_fields,
                )
            )
        else:
            run.record(rule, Status.FAIL if found else Status.PASS, found)

    for rule_id, waiver in sorted(active.items()):
        passes = rule_id in rule_findings and not rule_findings[rule_id]
        not_applicable = rule_id in applicable and not applicable[rule_id]
        if passes or not_applicable:
            line, column = loaded.position(waiver.pointer)
            waiver_findings[WAIVER_UNUSED.id].append(
                run.finding(WAIVER_UNUSED, line, column, f"{rule_id} suppresses nothing: the rule passes or does not apply", waiver.pointer)
            )
    for rule in (WAIVER_EXPIRED, WAIVER_UNJUSTIFIED, WAIVER_UNKNOWN_RULE, WAIVER_UNUSED):
        if not selection.includes(rule.id):
            continue
        found = waiver_findings[rule.id]
        status = Status.FAIL if found else (Status.PASS if waivers else Status.NOT_APPLICABLE)
        run.record(rule, status, found)
    return run.findings, run.results


def _run_check(rule: Rule, context: CheckContext, loaded: LoadedManifest) -> list[Violation | NothingToCheck]:
    spec = lookup(rule.check)
    if spec is None:  # the loader resolves every function; this only guards plugin removal
        raise CheckCrashed(f"rule {rule.id}: check function {rule.check!r} is not registered")
    try:
        violations = list(spec.function(context, **rule.args))
        for item in violations:  # plugins are typed by convention only; check the contract here
            if not isinstance(item, (Violation, NothingToCheck)):
                raise TypeError(f"returned {type(item).__name__}, not a Violation or NothingToCheck")
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


def lint_one(
    path: Path, rule_set: RuleSet, options: EngineOptions, repo_facts: RepoFactsCache
) -> tuple[ManifestSummary, list[Finding], list[RuleResult]]:
    """Load and lint one manifest (the unit that parallel.py spreads over processes and caches)."""
    repo_root = find_repo_root(path.parent)
    loaded = load_manifest(path, display_path_for(path, options.base_dir), options.limits, repo_root)
    manifest_findings, manifest_results = lint_loaded(loaded, rule_set, options, repo_facts.for_root(repo_root))
    return _summary(loaded), manifest_findings, manifest_results


def merge_results(
    outcomes: Iterable[tuple[ManifestSummary, Sequence[Finding], Sequence[RuleResult]]], rule_set: RuleSet
) -> RunResult:
    summaries: list[ManifestSummary] = []
    findings: list[Finding] = []
    results: list[RuleResult] = []
    for summary, manifest_findings, manifest_results in outcomes:
        summaries.append(summary)
        findings.extend(manifest_findings)
        results.extend(manifest_results)
    return RunResult(
        manifests=tuple(sorted(summaries, key=lambda m: m.path)),
        findings=tuple(sorted(findings, key=Finding.sort_key)),
        results=tuple(sorted(results, key=lambda r: (r.path, r.rule_id))),
        rule_packs=tuple((pack.name, pack.version) for pack in rule_set.packs),
    )


def lint_paths(manifest_paths: Iterable[Path], rule_set: RuleSet, options: EngineOptions) -> RunResult:
    repo_facts = RepoFactsCache()  # git and CODEOWNERS are read once per repository, lazily
    return merge_results((lint_one(path, rule_set, options, repo_facts) for path in manifest_paths), rule_set)
