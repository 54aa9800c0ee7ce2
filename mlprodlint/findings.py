"""The result model: severities, findings, per-rule outcomes. Immutable data only."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Severity(enum.IntEnum):
    """Ordered so that `severity >= threshold` reads naturally."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> "Severity":
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (use error, warning or info)") from None


# The readiness areas a manifest is scored in, in report order; rule packs may also use "evidence"
# and "custom", and the engine's own rules report under "manifest" and "waivers".
SCORED_AREAS = ("ownership", "sla", "monitoring", "alerting", "governance", "compliance", "security")
RULE_AREAS = (*SCORED_AREAS, "evidence", "custom")
ALL_AREAS = (*RULE_AREAS, "manifest", "waivers")


class Status(str, enum.Enum):
    PASS = "pass"
    FAIL = "fail"
    WAIVED = "waived"
    NOT_APPLICABLE = "not_applicable"
    # The rule is violated but its obligation applies only from a later day (rule effective_from):
    # reported, never failing the run, never counted against verdict, level or score.
    UPCOMING = "upcoming"


# slots: a run over a monorepo keeps ~90 results per manifest until the report is rendered.
@dataclass(frozen=True, order=True, slots=True)
class Finding:
    """One problem at one place. Field order is the sort order of reports."""

    path: str
    line: int
    column: int
    rule_id: str
    rule_name: str
    area: str
    severity: Severity
    message: str
    fix: str
    pointer: str = ""
    waived: bool = False
    waiver_reason: str = ""
    waiver_approved_by: str = ""
    waiver_expires: str = ""
    # ISO date from which this finding fails the run ("" for findings in force today).
    upcoming: str = ""

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.column, self.rule_id, self.message)


@dataclass(frozen=True, slots=True)
class RuleResult:
    """The outcome of one rule on one manifest (reports need the passes too)."""

    path: str
    rule_id: str
    rule_name: str
    area: str
    severity: Severity
    status: Status
    findings: tuple[Finding, ...] = ()
    # Why a rule is not_applicable ("no DPIA declared", "blocked by ALR001"); empty otherwise.
    reason: str = ""
    waiver_reason: str = ""
    waiver_approved_by: str = ""
    waiver_expires: str = ""


@dataclass(frozen=True, slots=True)
class ManifestSummary:
    """What reports need to know about one linted manifest besides its findings."""

    path: str
    name: str
    kind: str
    lifecycle: str
    tier: int | None
    team: str
    parsed: bool
    # Shown by readiness reports; free text from the manifest, escaped by every renderer.
    description: str = ""
    contact: str = ""
    repository: str = ""
    # Frameworks active for this manifest (its compliance.frameworks plus those enabled for every
    # manifest), sorted: the report's evidence matrices are drawn for these.
    frameworks: tuple[str, ...] = ()
    # (dotted path, value as one line) for documentation skeletons (facts.py; annex-iv format).
    facts: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class BaselineSummary:
    path: str
    baselined: int  # findings absorbed by the baseline (not reported, not failing)
    fixed: int  # baseline entries that matched no finding: the debt was paid


@dataclass(frozen=True)
class RunResult:
    manifests: tuple[ManifestSummary, ...]
    findings: tuple[Finding, ...]
    results: tuple[RuleResult, ...]
    rule_packs: tuple[tuple[str, str], ...] = field(default=())
    # With --baseline: findings already in the baseline are left out of `findings` and counted
    # here, with the baseline entries that no longer match anything (fixed).
    baseline: "BaselineSummary | None" = None

    def active_findings(self) -> tuple[Finding, ...]:
        """Findings in force: neither waived nor upcoming (those never fail a run)."""
        return tuple(f for f in self.findings if not f.waived and not f.upcoming)

    def upcoming_findings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.upcoming and not f.waived)

    def count_by_severity(self) -> dict[str, int]:
        counts = {s.label: 0 for s in sorted(Severity, reverse=True)}
        for finding in self.active_findings():
            counts[finding.severity.label] += 1
        return counts

    def failing(self, threshold: Severity) -> tuple[Finding, ...]:
        return tuple(f for f in self.active_findings() if f.severity >= threshold)
