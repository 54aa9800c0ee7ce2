"""Rule documentation from the rule packs: `explain`, `rules` listings, docs/rules.md, README.

Everything here is a pure function of the rules, so the generated documents can be compared
with the committed ones (tests/test_platform_docs.py fails when they drift).
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .core import CORE_RULES
from .definitions import Rule, RuleSet


def all_rules(rule_set: RuleSet) -> list[Rule]:
    """Engine rules (MPL, WVR) and pack rules, by id."""
    return sorted((*CORE_RULES, *rule_set.rules), key=lambda r: r.id)


def pack_versions(rule_set: RuleSet) -> dict[str, str]:
    return {"core": "", **{pack.name: pack.version for pack in rule_set.packs}}


def find_rule(rules: Sequence[Rule], ref: str) -> Rule | None:
    """A rule by id (any case) or by kebab-case name."""
    wanted = ref.strip()
    for rule in rules:
        if rule.id == wanted.upper() or rule.name == wanted.lower():
            return rule
    return None


def close_matches(rules: Sequence[Rule], ref: str) -> list[str]:
    ids = [r.id for r in rules]
    names = {r.name: r.id for r in rules}
    found = difflib.get_close_matches(ref.upper(), ids, n=3, cutoff=0.6)
    found += [names[n] for n in difflib.get_close_matches(ref.lower(), list(names), n=3, cutoff=0.6)]
    if not found:  # an id prefix like "OWN" or a typo in the number: same area prefix
        prefix = "".join(ch for ch in ref.upper() if ch.isalpha())
        found = [i for i in ids if prefix and i.startswith(prefix)][:5]
    return list(dict.fromkeys(found))


def _ml_test_score_titles() -> Mapping[str, str]:
    from ..report.mltestscore import TESTS

    return dict(TESTS)


def _check_description(rule: Rule) -> str:
    if rule.check == "engine":
        return "enforced by the mlprodlint engine itself (no options)"
    from ..checks.registry import lookup

    spec = lookup(rule.check)
    return spec.description if spec is not None and spec.description else ""


def _yaml_value(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def explain(rule: Rule, versions: Mapping[str, str]) -> str:
    """One rule's documentation (Markdown, readable as plain text), ruff-style."""
    pack = rule.pack + (f" {versions[rule.pack]}" if versions.get(rule.pack) else "")
    facts = [f"Pack: {pack}", f"Area: {rule.area}", f"Severity: {rule.severity.label}", f"Level: {rule.level}"]
    if rule.since:
        facts.append(f"Since: {rule.since}")
    if rule.enforced:
        facts.append("Enforced: its severity cannot be overridden and it cannot be waived")
    out = [f"# {rule.id} ({rule.name})", "", rule.title + ".", "", " · ".join(facts), ""]
    out += ["## What it does", "", f"{rule.title}. A finding reads: \"{rule.message}\"", ""]
    out += ["## Why is this bad?", "", rule.rationale, ""]
    if rule.example:
        out += ["## Example", "", "A manifest fragment that satisfies the rule:", "", "```yaml", rule.example, "```", ""]
    out += ["## How to fix", "", rule.fix, ""]
    out += ["## Applies when", "", rule.applies_when.describe(), ""]
    if rule.blocked_by:
        blockers = " or ".join(rule.blocked_by)
        out += [f"Not applicable (\"blocked by ...\") on a manifest where {blockers} fails: that finding is the root cause.", ""]
    out += ["## Options", ""]
    description = _check_description(rule)
    if rule.check == "engine":
        out += [f"Check function: {description}.", ""]
    else:
        out += [f"Check function: `{rule.check}`" + (f" ({description})" if description else ""), ""]
        out += [f"- `{name}`: `{_yaml_value(value)}`" for name, value in sorted(rule.args.items())]
        out += [""] if rule.args else []
    if rule.framework:
        out += ["## Framework pack", "",
                f"Part of the {rule.framework} pack: it runs for a manifest that lists "
                + " or ".join(f"`{name}`" for name in sorted(rule.activated_by()))
                + " in `compliance.frameworks`, or with `--framework` / `frameworks = [...]` in the configuration.", ""]
    if rule.effective_from:
        out += ["## Effective from", "",
                f"{rule.describe_effective()}. Before that day a violation is reported as upcoming "
                "(\"fails from ...\") and does not fail the run.", ""]
    other = [(name, ids) for name, ids in rule.controls if name != "ml-test-score"]
    if other:
        from .frameworks import framework

        out += ["## Controls", ""]
        for name, ids in other:
            known = framework(name)
            out += [f"- {known.title}: " + "; ".join(
                f"{ref} ({known.title_of(ref)})" if known.title_of(ref) else ref for ref in ids
            )]
        out.append("")
    out += ["## ML Test Score", ""]
    if rule.ml_test_score:
        titles = _ml_test_score_titles()
        out += [f"- {ref}: {titles.get(ref, '')}".rstrip(": ") for ref in rule.ml_test_score]
    else:
        out += ["No ML Test Score test (Breck et al., 2017) maps to this rule."]
    out.append("")
    if rule.references:
        out += ["## References", "", *(f"- {ref}" for ref in rule.references), ""]
    return "\n".join(out).rstrip() + "\n"


def filter_rules(rules: Iterable[Rule], areas: Sequence[str] = (), level: str = "", framework: str = "") -> list[Rule]:
    """Rules of these areas, at or below a level, and (with `framework`) citing that framework's
    controls or belonging to its pack."""
    from ..results.readiness import level_rank

    chosen = [r for r in rules if not areas or r.area in areas]
    if framework:
        chosen = [r for r in chosen if r.framework == framework or r.controls_for(framework)]
    if level:
        chosen = [r for r in chosen if level_rank(r.level) <= level_rank(level)]
    return chosen


def rules_table(rules: Sequence[Rule], framework: str = "") -> str:
    """The rule listing; with `framework`, a CONTROLS column shows the rule's references to it."""
    if framework:
        header = ("ID", "SEVERITY", "LEVEL", "FROM", "CONTROLS", "TITLE")
        rows = [header] + [
            (r.id, r.severity.label, r.level, r.describe_effective() or "-", ", ".join(r.controls_for(framework)) or "-", r.title)
            for r in rules
        ]
    else:
        header = ("ID", "NAME", "AREA", "SEVERITY", "LEVEL", "PACK", "TITLE")
        rows = [header] + [(r.id, r.name, r.area, r.severity.label, r.level, r.pack, r.title) for r in rules]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
    lines = ["  ".join([*(cell.ljust(w) for cell, w in zip(row, widths)), row[-1]]) for row in rows]
    return "\n".join(lines) + f"\n\n{len(rules)} rule(s)\n"


def rule_data(rule: Rule, versions: Mapping[str, str]) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": rule.name,
        "title": rule.title,
        "area": rule.area,
        "severity": rule.severity.label,
        "level": rule.level,
        "pack": rule.pack,
        "pack_version": versions.get(rule.pack, ""),
        "check": rule.check,
        "args": dict(rule.args),
        "applies_when": rule.applies_when.describe(),
        "blocked_by": list(rule.blocked_by),
        "message": rule.message,
        "rationale": rule.rationale,
        "fix": rule.fix,
        "example": rule.example,
        "ml_test_score": list(rule.ml_test_score),
        "controls": {name: list(ids) for name, ids in rule.controls},
        "framework": rule.framework,
        "effective_from": rule.describe_effective(),
        "references": list(rule.references),
        "since": rule.since,
    }


def rules_json(rules: Sequence[Rule], versions: Mapping[str, str]) -> str:
    document = {"version": "1.0", "rules": [rule_data(r, versions) for r in rules]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def summary_table(rules: Sequence[Rule]) -> str:
    lines = ["| ID | Name | Area | Severity | Level | What it asks for |", "|---|---|---|---|---|---|"]
    lines += [
        f"| [{r.id}](docs/rules.md#{r.id.lower()}) | {r.name} | {r.area} | {r.severity.label} | {r.level} | {_cell(r.title)} |"
        for r in rules
    ]
    return "\n".join(lines) + "\n"


GENERATED_NOTE = "<!-- Generated from the rule packs by `python -m mlprodlint.rules.docs`; do not edit by hand. -->"


def rules_markdown(rules: Sequence[Rule], versions: Mapping[str, str]) -> str:
    """docs/rules.md: a summary table, then every rule's `explain` text."""
    table = summary_table(rules).replace("](docs/rules.md#", "](#")
    out = [
        "# Rules",
        "",
        GENERATED_NOTE,
        "",
        f"{len(rules)} rules. `mlprodlint explain ID` prints any of them in the terminal; "
        "`mlprodlint rules` lists them. Severity is the default (configurable per rule); level is "
        "the readiness level the rule belongs to (profiles select rules by level).",
        "",
        table,
    ]
    for rule in rules:
        text = explain(rule, versions)
        # Demote headings one step so that every rule is a section of this page; the anchor is the id.
        body = "\n".join(("#" + line) if line.startswith("#") else line for line in text.splitlines()[1:])
        out += [f"## {rule.id}", "", f"**{rule.name}**", body.rstrip(), ""]
    return "\n".join(out).rstrip() + "\n"


README_START = "<!-- RULES:start -->"
README_END = "<!-- RULES:end -->"


def readme_block(rules: Sequence[Rule]) -> str:
    return f"{README_START}\n{GENERATED_NOTE}\n\n{summary_table(rules)}{README_END}"


def replace_block(readme: str, block: str) -> str:
    start, end = readme.find(README_START), readme.find(README_END)
    if start == -1 or end == -1 or end < start:
        raise ValueError(f"README.md has no {README_START} ... {README_END} markers")
    return readme[:start] + block + readme[end + len(README_END):]
