"""Table-driven rule tests: a manifest, the rule under test, the exact findings expected.

Each case writes its manifest as real YAML text and lints it in memory (`lint_case`) through
the engine path the CLI takes (`packs.configured` rule set, `engine.lint_one`, `merge_results`,
the run summary that decides the exit code), with the built-in rule set loaded once per session
instead of once per case, and no option parsing or report rendering. It compares the exact set
of (rule id, line) of active findings, plus whether `check --fail-on info` would fail. The first
failing and first passing case of every table also run through the whole CLI (`run_case_cli`:
`check --format json --select RULE`), so that both paths are kept in agreement.
"""

from __future__ import annotations

import datetime as dt
import functools
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from conftest import TODAY, lint_json, write
from mlprodlint.config import Config, find_config, load_config
from mlprodlint.engine.lint import EngineOptions, Selection, lint_one, merge_results
from mlprodlint.results.findings import Finding, Severity
from mlprodlint.load.manifest import Limits
from mlprodlint.rules.packs import configured
from mlprodlint.repo.facts import RepoFactsCache
from mlprodlint.rules.definitions import RuleSet


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


def _write_case(item: RuleCase, tmp_path: Path) -> Path:
    manifest = write(tmp_path / "mlprodlint.yaml", textwrap.dedent(item.manifest_yaml))
    if item.config:
        write(tmp_path / ".mlprodlint.toml", item.config)
    for relative, text in item.files:
        write(tmp_path / relative, text)
    return manifest


@functools.cache
def _default_rule_set() -> RuleSet:
    """The rule set of a run without configuration, loaded once per test session."""
    return configured(Config())


def lint_case(manifest: Path, rule_id: str, today: str, root: Path) -> tuple[list[Finding], bool]:
    """Findings (waived ones included) of `rule_id` on one manifest, and whether
    `check --select RULE --fail-on info` would fail, without the CLI's parsing and rendering."""
    found = find_config(root)
    config = load_config(found) if found is not None else Config()
    default = Config()
    same_packs = (config.packs, config.rules_dirs, config.builtin) == (default.packs, default.rules_dirs, default.builtin)
    rule_set = _default_rule_set() if same_packs else configured(config)
    options = EngineOptions(
        today=dt.date.fromisoformat(today),
        selection=Selection(select=(rule_id,), severity=config.severity),
        limits=Limits(max_bytes=config.max_file_size),
        check_options=config.options,
        base_dir=root,
        frameworks=tuple(sorted(set(config.frameworks))),
    )
    result = merge_results([lint_one(manifest, rule_set, options, RepoFactsCache())], rule_set)
    return list(result.findings), not result.summary(Severity.INFO).passed


def _assert_findings(item: RuleCase, found: list[tuple[int, str, int, str]], fails: bool, shown: str) -> None:
    """`found`: (waived, rule id, line, upcoming) of every reported finding."""
    active = [(rule_id, line, upcoming) for waived, rule_id, line, upcoming in found if not waived]
    assert {(r, line) for r, line, upcoming in active if not upcoming} == set(item.expected), "\n" + shown
    assert {(r, line) for r, line, upcoming in active if upcoming} == set(item.upcoming), "\n" + shown
    assert fails == bool(item.expected), shown


def run_case(item: RuleCase, tmp_path: Path) -> None:
    """One case in memory (see the module docstring)."""
    manifest = _write_case(item, tmp_path)
    findings, fails = lint_case(manifest, item.rule_id, item.today or TODAY, tmp_path)
    _assert_findings(item, [(int(f.waived), f.rule_id, f.line, f.upcoming) for f in findings], fails,
                     "\n".join(map(repr, findings)))


def run_case_cli(item: RuleCase, tmp_path: Path) -> None:
    """One case through the whole CLI, as a user runs it."""
    manifest = _write_case(item, tmp_path)
    # Run from tmp_path so that no configuration of the surrounding checkout applies.
    # --fail-on info: any finding of the rule, whatever its severity, must fail the run.
    today = ("--today", item.today) if item.today else ()
    result = lint_json(manifest, "--select", item.rule_id, "--fail-on", "info", *today, cwd=tmp_path)
    assert result.exit_code in (0, 1), result.stderr
    found = [(int(f["waived"]), f["rule_id"], f["line"], f.get("upcoming", "")) for f in result.json()["findings"]]
    _assert_findings(item, found, result.exit_code == 1, result.stdout)


def cli_samples(cases: Iterable[RuleCase]) -> list[RuleCase]:
    """The first failing and the first passing case of a table, for the end-to-end CLI run."""
    cases = list(cases)
    return [c for c in (next((c for c in cases if c.fails), None), next((c for c in cases if not c.fails), None)) if c]
