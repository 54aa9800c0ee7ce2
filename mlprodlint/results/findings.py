"""The result model: severities, findings, per-rule outcomes. Immutable data only."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .readiness import RunSummary


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
    """The outcome of one rule on one manifest.

    `pass` only when the rule examined something and found it good; `not_applicable` (with a
    reason) when there was nothing to examine or a root finding makes it moot; `fail`. `waived`
    and `baselined` are failures the team accepted: by a waiver, or by a baseline file.
    """

    PASS = "pass"
    FAIL = "fail"
    WAIVED = "waived"
    BASELINED = "baselined"
    NOT_APPLICABLE = "not_applicable"
    # Violated, but the obligation applies only from a later day (rule effective_from): reported,
    # never failing the run, never counted against verdict, level or score.
    UPCOMING = "upcoming"


@dataclass(frozen=True, order=True, slots=True)
class WaiverNote:
    """The active waiver that suppresses a finding, as reports show it."""

    reason: str
    approved_by: str
    expires: str  # as written in the manifest (YYYY-MM-DD)


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
    # The active waiver suppressing this finding. Not compared: None and a note do not order.
    waiver: WaiverNote | None = field(default=None, compare=False)
    # In the --baseline file: known debt, not reported and not failing the run.
    baselined: bool = False
    # ISO date from which this finding fails the run ("" for findings in force today).
    upcoming: str = ""

    @property
    def waived(self) -> bool:
        return self.waiver is not None

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
    # Every finding of the rule on this manifest: the only place findings are kept (the run's
    # list, counts and verdicts are derived from these).
    findings: tuple[Finding, ...] = ()
    level: str = "bronze"  # the rule's readiness level (after pack overrides)
    # Why a rule is not_applicable ("no DPIA declared", "blocked by ALR001"); empty otherwise.
    reason: str = ""
    # What the check compared, when it says ("services/fraud/catalog-info.yaml:14, Resource
    # fraud-gbm"), so that a pass shows what it rests on; empty otherwise.
    examined: str = ""

    @property
    def waiver(self) -> WaiverNote | None:
        """The waiver of a `waived` result (kept once, on its findings)."""
        return self.findings[0].waiver if self.status is Status.WAIVED and self.findings else None


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
    fixed: int  # baseline entries that matched no finding: the debt was paid


@dataclass(frozen=True)
class RunResult:
    """What a run found. `results` (rule x manifest) is the only store of findings; the run-level
    list and every count, verdict and score are derived from it (see `summary.py`)."""

    manifests: tuple[ManifestSummary, ...]
    results: tuple[RuleResult, ...]
    rule_packs: tuple[tuple[str, str], ...] = field(default=())
    baseline: "BaselineSummary | None" = None  # with --baseline: the file and its fixed entries
    _derived: dict[object, object] = field(default_factory=dict, init=False, compare=False, repr=False)

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Every reported finding (waived ones included, baselined ones not), in report order."""
        found = self._derived.get("findings")
        if found is None:
            found = self._derived["findings"] = tuple(sorted(
                (f for r in self.results for f in r.findings if not f.baselined), key=Finding.sort_key
            ))
        return found  # type: ignore[return-value]

    def summary(self, fail_on: Severity) -> "RunSummary":
        """Counts, failing findings and readiness at this threshold: computed once, read by every
        formatter, the exit code and the level gate, so none of them can disagree."""
        found = self._derived.get(fail_on)
        if found is None:
            from .readiness import summarize  # readiness builds on this module

            found = self._derived[fail_on] = summarize(self, fail_on)
        return found  # type: ignore[return-value]
