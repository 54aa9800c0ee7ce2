"""GitLab Code Quality report (`artifacts:reports:codequality`): a JSON array of issues.

Each active finding is one issue with the fields GitLab requires: `description`, `check_name`,
`fingerprint`, `severity`, `location.path` (relative to the repository root) and
`location.lines.begin`. Waived findings are left out: GitLab has no notion of a suppressed issue.

Severity mapping (GitLab's scale is info < minor < major < critical < blocker):

| mlprodlint | GitLab |
| --- | --- |
| unreadable manifest (MPL001, MPL003: nothing else could be checked) | blocker |
| error | critical |
| warning | major |
| info | info |

The fingerprint hashes the rule id, the repository-relative path, the JSON pointer and the
finding's index among findings with the same three: stable when lines move, unique in a report.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ..results.findings import Finding, RunResult, Severity
from . import ReportContext

_SEVERITY = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.INFO: "info"}
# The manifest could not be read at all: everything else about it is unknown.
_BLOCKERS = frozenset({"MPL001", "MPL003"})


def severity(finding: Finding) -> str:
    return "blocker" if finding.rule_id in _BLOCKERS else _SEVERITY[finding.severity]


def fingerprint(finding: Finding, occurrence: int) -> str:
    key = "\x00".join((finding.rule_id, finding.path, finding.pointer, str(occurrence)))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def issues(result: RunResult) -> list[dict[str, Any]]:
    seen: dict[tuple[str, str, str], int] = {}
    out = []
    for finding in (f for f in result.findings if not f.waived and not f.upcoming):
        key = (finding.rule_id, finding.path, finding.pointer)
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        description = f"{finding.rule_id} {finding.message}"
        if finding.fix:
            description += f" Fix: {finding.fix}"
        out.append({
            "description": description,
            "check_name": finding.rule_id,
            "fingerprint": fingerprint(finding, occurrence),
            "severity": severity(finding),
            "location": {"path": finding.path, "lines": {"begin": max(finding.line, 1)}},
        })
    return out


def render(result: RunResult, context: ReportContext) -> str:
    return json.dumps(issues(result), indent=2, ensure_ascii=False) + "\n"
