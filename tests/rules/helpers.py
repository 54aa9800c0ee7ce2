"""Table-driven rule tests: a manifest, the rule under test, the exact findings expected.

Each case writes its manifest as real YAML text, runs the real CLI with `--select RULE`, and
compares the exact set of (rule id, line) of active findings, plus the exit code.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from conftest import lint_json, write


@dataclass(frozen=True)
class RuleCase:
    rule_id: str
    manifest_yaml: str
    expected: frozenset[tuple[str, int]] = field(default_factory=frozenset)
    name: str = ""
    # Optional .mlprodlint.toml text (e.g. check options).
    config: str = ""
    # Other files of the case's repository, (relative path, text), e.g. a runbook the manifest cites.
    files: tuple[tuple[str, str], ...] = ()
    # Judge dates as of this day (default conftest.TODAY), e.g. on either side of effective_from.
    today: str = ""
    # (rule id, line) of upcoming findings: violations of a rule not yet in force (never failing).
    upcoming: frozenset[tuple[str, int]] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        object.__setattr__(self, "expected", frozenset(self.expected))
        object.__setattr__(self, "upcoming", frozenset(self.upcoming))

    @property
    def fails(self) -> bool:
        return bool(self.expected)

    @property
    def id(self) -> str:
        verdict = "fail" if self.fails else ("upcoming" if self.upcoming else "pass")
        return f"{self.rule_id}-{verdict}" + (f"-{self.name}" if self.name else "")


def case(
    rule_id: str,
    manifest_yaml: str,
    *expected_lines: int,
    name: str = "",
    config: str = "",
    files: dict[str, str] | None = None,
    today: str = "",
    upcoming: tuple[int, ...] = (),
) -> RuleCase:
    """Shorthand: findings of `rule_id` expected at these lines (none = the rule passes);
    `upcoming` lines are findings of a rule whose effective_from is after `today`."""
    expected = frozenset((rule_id, line) for line in expected_lines)
    return RuleCase(rule_id, manifest_yaml, expected, name, config, tuple(sorted((files or {}).items())),
                    today, frozenset((rule_id, line) for line in upcoming))


def head(kind: str = "Model", lifecycle: str = "production", tier: int = 1) -> str:
    """The first six lines of every case manifest, so that sections start at line 7."""
    return (
        "apiVersion: mlprodlint/v1\n"
        f"kind: {kind}\n"
        "metadata:\n"
        "  name: svc\n"
        f"  lifecycle: {lifecycle}\n"
        f"  tier: {tier}\n"
    )


def case_ids(cases: Iterable[RuleCase]) -> list[str]:
    seen: dict[str, int] = {}
    ids = []
    for item in cases:
        seen[item.id] = seen.get(item.id, 0) + 1
        ids.append(item.id if seen[item.id] == 1 else f"{item.id}-{seen[item.id]}")
    return ids


def run_case(item: RuleCase, tmp_path: Path) -> None:
    manifest = write(tmp_path / "mlprodlint.yaml", textwrap.dedent(item.manifest_yaml))
    if item.config:
        write(tmp_path / ".mlprodlint.toml", item.config)
    for relative, text in item.files:
        write(tmp_path / relative, text)
    # Run from tmp_path so that no configuration of the surrounding checkout applies.
    # --fail-on info: any finding of the rule, whatever its severity, must fail the run.
    today = ("--today", item.today) if item.today else ()
    result = lint_json(manifest, "--select", item.rule_id, "--fail-on", "info", *today, cwd=tmp_path)
    assert result.exit_code in (0, 1), result.stderr
    found = [f for f in result.json()["findings"] if not f["waived"]]
    assert {(f["rule_id"], f["line"]) for f in found if not f.get("upcoming")} == set(item.expected), "\n" + result.stdout
    assert {(f["rule_id"], f["line"]) for f in found if f.get("upcoming")} == set(item.upcoming), "\n" + result.stdout
    assert result.exit_code == (1 if item.expected else 0), result.stdout
