"""`--format annex-iv`: a Markdown skeleton of the EU AI Act technical documentation (Art. 11,
Annex IV), one chapter per manifest, its nine sections filled from the manifest's facts
(facts.py) and marked TODO, with the rule that detects the gap, where the manifest says nothing.

A skeleton to complete, not a conformity document: it says so at the top. Serialised here rather
than templated because every line depends on a lookup table, not on layout.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..textsafe import printable
from ..results.findings import ManifestSummary, RuleResult, RunResult, Status
from . import ReportContext

# (fact path, label, rule that detects its absence or "" when no rule does)
Item = tuple[str, str, str]

SECTIONS: tuple[tuple[str, str, tuple[Item, ...], str], ...] = (
    ("1", "General description of the AI system", (
        ("governance.intended_use", "Intended purpose", "AIA008"),
        ("ownership.team", "Provider (owning team)", "OWN001"),
        ("ownership.contact", "Contact", "OWN002"),
        ("metadata.description", "Description", ""),
        ("metadata.repository", "Source repository and version", ""),
        ("governance.instructions_for_use", "Instructions for use", "AIA008"),
        ("compliance.ai_act_risk", "Risk category", "CMP010"),
        ("compliance.ai_act_annex", "High-risk basis (Annex I or III)", "AIA001"),
    ), "Annex IV(1): how the system interacts with other hardware and software, the versions of "
       "software, the forms in which it is placed on the market, the hardware it runs on, and the "
       "user interface for deployers."),
    ("2", "Elements of the AI system and its development process", (
        ("governance.model_card", "Model card (design, logic, key choices)", "GOV001"),
        ("training.config", "Training configuration and hyperparameters", "MTS005"),
        ("governance.datasheet", "Datasheet of the training data", "GOV002"),
        ("governance.lineage", "Data and model lineage (provenance)", "GOV003"),
        ("governance.data_governance", "Data governance (Art. 10(2)(a)-(h))", "AIA003"),
        ("compliance.human_oversight", "Human oversight measures (Art. 14)", "AIA009"),
        ("governance.validation", "Validation and testing (who, when, findings)", "SRM002"),
        ("security.threat_model", "Cybersecurity: threat model", "AIA011"),
        ("security.robustness_testing", "Robustness and adversarial testing", "AIA011"),
        ("governance.approvals", "Approvals", "GOV004"),
    ), "Annex IV(2): system architecture, computational resources, pre-determined changes, test "
       "logs and reports dated and signed."),
    ("3", "Monitoring, functioning and control", (
        ("governance.limitations", "Capabilities and limitations", "SRM006"),
        ("monitoring.model_metrics", "Expected accuracy (metrics)", "AIA010"),
        ("monitoring.drift", "Drift monitoring", "MON005"),
        ("monitoring.data_quality", "Input data specifications and quality checks", "MON007"),
        ("monitoring.prediction_logging", "Automatic logging (Art. 12)", "CMP013"),
    ), "Annex IV(3): accuracy for the specific persons or groups the system is intended for, "
       "foreseeable unintended outcomes and sources of risk."),
    ("4", "Appropriateness of the performance metrics", (
        ("monitoring.model_metrics", "Metrics", "AIA010"),
        ("governance.fairness_review", "Fairness review across groups", "GOV011"),
    ), "Annex IV(4): why these metrics suit this system."),
    ("5", "Risk management system (Art. 9)", (
        ("governance.risk_register", "Risk register", "AIA002"),
    ), ""),
    ("6", "Relevant changes through the life cycle", (
        ("governance.retraining", "Retraining policy", "GOV009"),
        ("training.last_trained", "Last training", "MTS014"),
        ("governance.rollback_plan", "Rollback plan", "GOV008"),
    ), "Annex IV(6): the changes made to the system; link the change log or release history."),
    ("7", "Harmonised standards applied", (
        ("governance.quality_management", "Quality management system (Art. 17)", "AIA012"),
    ), "Annex IV(7): the harmonised standards or common specifications applied, or the solutions "
       "adopted to meet the requirements of Chapter III, Section 2."),
    ("8", "EU declaration of conformity", (), "Annex IV(8): a copy of the EU declaration of conformity (Art. 47)."),
    ("9", "Post-market monitoring (Art. 72)", (
        ("governance.post_market_monitoring", "Post-market monitoring plan", "AIA013"),
        ("monitoring.dashboards", "Dashboards", "MON001"),
        ("alerting.rules_file", "Alert rules", "ALR042"),
    ), ""),
)

NOT_CHECKED = "not checked by mlprodlint"


def _line(label: str, value: str | None, rule_id: str, results: Mapping[str, RuleResult]) -> str:
    if value:
        note = ""
        result = results.get(rule_id)
        if result is not None and result.status in (Status.FAIL, Status.UPCOMING, Status.WAIVED):
            note = f" — {rule_id} {result.status.value}: {_md(result.findings[0].message)}" if result.findings else f" — {rule_id} {result.status.value}"
        return f"- **{label}:** {_md(value)}{note}"
    detected = f"detected by {rule_id}" if rule_id else NOT_CHECKED
    return f"- **{label}:** TODO ({detected})"


_MARKDOWN_SPECIALS = str.maketrans({ch: "\\" + ch for ch in "\\`*_[]<>|#!"})


def _md(text: str) -> str:
    # Manifest text is data: backslash-escaped, so it can open no link, image, HTML or heading.
    # Control characters (CR, ESC, U+2028...) are shown escaped: no line of its own in a CI log.
    return printable(text.replace("\n", " ")).translate(_MARKDOWN_SPECIALS)


def _chapter(summary: ManifestSummary, results: Sequence[RuleResult]) -> list[str]:
    facts = dict(summary.facts)
    by_rule = {r.rule_id: r for r in results}
    title = summary.name or summary.path
    out = [f"## {_md(title)}", "", f"Manifest: `{printable(summary.path)}` · kind {_md(summary.kind or '?')} · lifecycle "
           f"{_md(summary.lifecycle or '?')} · tier {summary.tier if summary.tier is not None else 'undeclared'}. "
           "Paths below are relative to the manifest's folder.", ""]
    todo = 0
    for number, heading, items, note in SECTIONS:
        out += [f"### {number}. {heading}", ""]
        for path, label, rule_id in items:
            line = _line(label, facts.get(path), rule_id, by_rule)
            todo += "TODO (" in line
            out.append(line)
        if note:
            out.append(f"- TODO ({NOT_CHECKED}): {note}")
            todo += 1
        out.append("")
    open_findings = [f for r in results if r.status in (Status.FAIL, Status.UPCOMING) for f in r.findings]
    if open_findings:
        out += ["### Open findings", "", "What mlprodlint found that this documentation must resolve:", ""]
        out += [f"- {f.rule_id} ({f.severity.label}{', upcoming' if f.upcoming else ''}) "
                f"`{printable(f.path)}:{f.line}`: {_md(f.message)}" for f in sorted(open_findings, key=lambda f: f.sort_key())]
        out.append("")
    out.insert(4, f"{todo} TODO(s) to complete.")
    out.insert(5, "")
    return out


def render(result: RunResult, context: ReportContext) -> str:
    by_path: dict[str, list[RuleResult]] = {}
    for rule_result in result.results:
        by_path.setdefault(rule_result.path, []).append(rule_result)
    out = [
        "# Technical documentation (EU AI Act, Article 11 and Annex IV)",
        "",
        f"Skeleton generated by mlprodlint {context.tool_version} from the manifests and their evidence. "
        "Each TODO names the rule that detects the gap, or says that mlprodlint does not check it. "
        "Complete it with the provider's legal and quality functions; it is not legal advice and not a "
        "conformity assessment.",
        "",
    ]
    for summary in result.manifests:
        out += _chapter(summary, by_path.get(summary.path, []))
    return "\n".join(out).rstrip() + "\n"
