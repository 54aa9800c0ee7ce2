"""Baselines: adopt mlprodlint on an old repository without fixing everything first.

`--write-baseline FILE` records today's findings; `--baseline FILE` then reports only findings
that are not in it. An entry is keyed on (rule id, file, JSON pointer of the finding), never on
a line number, so editing elsewhere in a manifest does not shift it; paths are relative to the
baseline file's folder, so a finding in one file is never absorbed by an entry of another.
Entries carry a count: two identical keys absorb at most two findings.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import ConfigError
from ..results.findings import BaselineSummary, Finding, RuleResult, RunResult, Status
from ..report.output import write_atomic

FORMAT_VERSION = 1


@dataclass(frozen=True, order=True)
class Key:
    path: str
    rule_id: str
    pointer: str


def _relative(finding_path: str, folder: Path) -> str:
    """A finding's path (relative to the working folder, or absolute) relative to `folder`."""
    absolute = Path(finding_path) if os.path.isabs(finding_path) else Path.cwd() / finding_path
    return Path(os.path.relpath(os.path.abspath(absolute), os.path.abspath(folder))).as_posix()


def key_of(finding: Finding, folder: Path) -> Key:
    return Key(_relative(finding.path, folder), finding.rule_id, finding.pointer)


def _counts(findings: Iterable[Finding], folder: Path) -> Counter[Key]:
    return Counter(key_of(f, folder) for f in findings if not f.waived and not f.upcoming)


def render(result: RunResult, path: Path) -> str:
    """The baseline document for a run's active findings (sorted, so diffs stay readable)."""
    counts = _counts(result.findings, path.parent)
    entries = [
        {"path": key.path, "rule_id": key.rule_id, "pointer": key.pointer, "count": count}
        for key, count in sorted(counts.items())
    ]
    document = {"version": FORMAT_VERSION, "tool": "mlprodlint", "findings": entries}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write(result: RunResult, path: Path) -> int:
    """Write the baseline atomically; returns how many findings it records."""
    write_atomic(path, render(result, path))
    return sum(_counts(result.findings, path.parent).values())


MAX_DEPTH = 32  # a baseline is 3 levels deep
_JSON_TOKENS = re.compile(r'"(?:[^"\\\n]|\\.)*"|[\[\]{}\n]')


def _too_deep(text: str) -> tuple[int, int] | None:
    """(line, column) where JSON nesting first exceeds MAX_DEPTH; one linear pass."""
    depth, line, line_start = 0, 1, 0
    for token in _JSON_TOKENS.finditer(text):
        char = token.group()
        if char == "\n":
            line, line_start = line + 1, token.end()
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line, token.start() - line_start + 1
        elif char in "]}":
            depth -= 1
    return None


def read(path: Path) -> Counter[Key]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError("baseline file not found (create it with --write-baseline)", path) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read baseline: {error}", path) from None
    deep = _too_deep(text)
    if deep is not None:  # json.loads would hit the recursion limit: an internal error, exit 3
        raise ConfigError(f"baseline is nested more than {MAX_DEPTH} levels deep", path, *deep)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ConfigError(f"baseline is not valid JSON: {error.msg}", path, error.lineno, error.colno) from None
    if not isinstance(document, dict) or document.get("version") != FORMAT_VERSION:
        found = document.get("version") if isinstance(document, dict) else None
        raise ConfigError(f"unsupported baseline version {found!r} (expected {FORMAT_VERSION}); rewrite it with --write-baseline", path)
    entries = document.get("findings")
    if not isinstance(entries, list):
        raise ConfigError("baseline has no `findings` list", path)
    counts: Counter[Key] = Counter()
    for index, entry in enumerate(entries):
        valid = (
            isinstance(entry, dict)
            and all(isinstance(entry.get(k), str) for k in ("path", "rule_id", "pointer"))
            and isinstance(entry.get("count", 1), int) and not isinstance(entry.get("count", 1), bool)
            and entry.get("count", 1) >= 1
        )
        if not valid:
            raise ConfigError(f"baseline entry {index} needs string path, rule_id, pointer and a positive count", path)
        counts[Key(entry["path"], entry["rule_id"], entry["pointer"])] += entry.get("count", 1)
    return counts


def apply(result: RunResult, path: Path) -> RunResult:
    """The run with the findings the baseline absorbs marked `baselined`, in the rule results
    themselves (the one store of findings), so the run-level list, counts, verdicts, levels and
    scores all see the same thing. A rule whose every finding is absorbed is `baselined`."""
    remaining = read(path)
    marked: dict[int, Finding] = {}
    # In report order: which of two identical findings is absorbed is stable.
    for finding in result.findings:
        key = key_of(finding, path.parent)
        if not finding.waived and not finding.upcoming and remaining[key] > 0:
            remaining[key] -= 1
            marked[id(finding)] = replace(finding, baselined=True)
    results = tuple(_absorbed(r, marked) for r in result.results)
    fixed = sum(n for n in remaining.values() if n > 0)
    return replace(result, results=results, baseline=BaselineSummary(path.as_posix(), fixed))


def _absorbed(result: RuleResult, marked: dict[int, Finding]) -> RuleResult:
    if not any(id(f) in marked for f in result.findings):
        return result
    findings = tuple(marked.get(id(f), f) for f in result.findings)
    status = Status.BASELINED if all(f.baselined for f in findings) else result.status
    return replace(result, findings=findings, status=status)
