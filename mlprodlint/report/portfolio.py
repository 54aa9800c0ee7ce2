"""Merge JSON reports from many repositories' CI runs into one portfolio, with a trend.

Each report is read, validated against schemas/report.schema.json and reduced to one small
`Service` per manifest before the next file is opened: a portfolio of 5,000 services holds
5,000 summaries and per-rule counts, never every finding. Duplicate services (same repository
and manifest path) keep the newest report (commit date, then the judging day, then input order).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import UsageError

MAX_REPORT_BYTES = 512 * 1024 * 1024
_VERDICT_RANK = {"not ready": 0, "ready with baseline": 1, "ready with waivers": 2, "ready": 3}
_VERDICT_KEY = {"not ready": "not_ready", "ready with baseline": "ready_with_baseline",
                "ready with waivers": "ready_with_waivers", "ready": "ready"}
_LEVEL_RANK = {"none": 0, "bronze": 1, "silver": 2, "gold": 3}
UNKNOWN_REPOSITORY = "(unknown repository)"
PORTFOLIO_KIND = "mlprodlint-portfolio"


class PortfolioInputError(UsageError):
    """A results file that is not a readable mlprodlint JSON report (exit 2)."""


@dataclass(frozen=True)
class Service:
    """One manifest's row in the portfolio: everything the portfolio shows, nothing more."""

    repository: str
    path: str
    name: str
    team: str
    contact: str
    tier: int | None
    lifecycle: str
    kind: str
    verdict: str
    level: str  # none, bronze, silver, gold
    score: int | None
    errors: int
    warnings: int
    infos: int
    waived: int
    commit: str
    commit_date: str
    judged_on: str
    report: str  # the results file it came from
    failing_rules: tuple[str, ...]  # rule ids with status fail, sorted
    findings: frozenset[str] = field(default=frozenset(), repr=False)  # finding keys, for the trend

    @property
    def key(self) -> tuple[str, str]:
        return (self.repository, self.path)

    @property
    def owner(self) -> str:
        return self.team or self.contact

    def newness(self, order: int) -> tuple[dt.datetime, str, int]:
        return (_parse_date(self.commit_date), self.judged_on, order)


def _parse_date(text: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return dt.datetime.min.replace(tzinfo=dt.timezone.utc)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def worst_first(service: Service) -> tuple[Any, ...]:
    return (
        _VERDICT_RANK.get(service.verdict, 0), _LEVEL_RANK.get(service.level, 0), -service.errors, -service.warnings,
        service.score if service.score is not None else 101, service.repository, service.path,
    )


# --- reading ---------------------------------------------------------------------------------


def report_files(paths: Sequence[Path]) -> Iterator[tuple[Path, bool]]:
    """(file, named explicitly) for each results path: files as given, folders searched for *.json."""
    for given in paths:
        if given.is_dir():
            found = []
            for folder, dirnames, filenames in os.walk(given, followlinks=False):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                found += [Path(folder) / name for name in filenames if name.endswith(".json")]
            yield from ((path, False) for path in sorted(found, key=lambda p: p.as_posix()))
        elif given.exists():
            yield given, True
        else:
            raise PortfolioInputError(f"{given.as_posix()}: no such file or folder")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def load_json(path: Path) -> Any:
    """The parsed file, or PortfolioInputError naming the file (and line for syntax errors)."""
    shown = path.as_posix()
    try:
        size = path.stat().st_size
        if size > MAX_REPORT_BYTES:
            raise PortfolioInputError(f"{shown}: {size} bytes, over the {MAX_REPORT_BYTES}-byte limit for a report")
        with open(path, "rb") as stream:
            data = stream.read()
    except OSError as error:
        raise PortfolioInputError(f"{shown}: cannot read: {error.strerror or error}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise PortfolioInputError(f"{shown}:{line}: not UTF-8 text") from None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise PortfolioInputError(f"{shown}:{error.lineno}:{error.colno}: not valid JSON: {error.msg}") from None
    except ValueError as error:  # NaN, Infinity
        raise PortfolioInputError(f"{shown}: not valid JSON: {error}") from None
    except RecursionError:
        raise PortfolioInputError(f"{shown}: not valid JSON: nested too deeply") from None


class ReportValidator:
    """schemas/report.schema.json, applied fast enough for thousands of reports.

    The document without its two long lists is validated whole; each item of `findings` and
    `results` against the item schema, remembering the *shapes* already found valid: a value
    whose schema is a plain string (a path, a message) or an integer with a minimum only
    matters by its type (and whether it reaches the minimum), so 5,000 reports with the same
    rules are not validated 5,000 times over. Every item is still checked against the schema.
    """

    LISTS = ("findings", "results", "manifests", "readiness", "rule_packs")
    MEMORY = 200_000  # shapes remembered per list, at most

    def __init__(self) -> None:
        import jsonschema

        from ..resources import load_schema

        schema = load_schema("report.schema.json")
        self.shell = jsonschema.Draft202012Validator(schema)
        self.items: dict[str, Any] = {}
        self.loose: dict[str, dict[str, Any]] = {}
        self.valid: dict[str, set[Any]] = {}
        for name in self.LISTS:
            item = schema["properties"][name]["items"]
            self.items[name] = jsonschema.Draft202012Validator({"$defs": schema.get("$defs", {}), **item})
            self.loose[name] = {key: _loose(sub) for key, sub in item.get("properties", {}).items() if _loose(sub)}
            self.valid[name] = set()

    def first_error(self, document: Any) -> Any:
        lists = {}
        if isinstance(document, dict):
            lists = {name: document[name] for name in self.LISTS if isinstance(document.get(name), list)}
            shell = {key: ([] if key in lists else value) for key, value in document.items()}
        else:
            shell = document
        error = _first(self.shell.iter_errors(shell))
        if error is not None:
            return error
        for name, items in lists.items():
            for index, item in enumerate(items):
                shape = self._shape(name, item)
                if shape in self.valid[name]:
                    continue
                error = _first(self.items[name].iter_errors(item))
                if error is not None:
                    error.path.appendleft(index)  # relative to the item: make it absolute
                    error.path.appendleft(name)
                    return error
                if len(self.valid[name]) < self.MEMORY:
                    self.valid[name].add(shape)
        return None

    def _shape(self, name: str, item: Any) -> Any:
        if not isinstance(item, dict):
            return (type(item).__name__, _freeze(item))
        loose = self.loose[name]
        shape = []
        for key, value in item.items():  # a loop, not a generator: this runs for every item
            judge = loose.get(key)
            if judge is not None:
                shape.append((key, value.__class__, judge(value)))
            elif value.__class__ is dict or value.__class__ is list:
                shape.append((key, value.__class__, _freeze(value)))
            else:
                shape.append((key, value.__class__, value))
        return tuple(shape)


def _loose(schema: Any) -> Any:
    """How much of a value its schema looks at: a plain string only its type; an integer with a
    minimum whether it reaches it. None: the value itself matters."""
    if not isinstance(schema, dict):
        return None
    keys = set(schema) - {"description", "title"}
    if keys == {"type"} and schema["type"] == "string":
        return lambda value: None
    if keys == {"type", "minimum"} and schema["type"] == "integer":
        minimum = schema["minimum"]
        return lambda value: isinstance(value, (int, float)) and value >= minimum
    return None


def _freeze(value: Any) -> Any:
    # The type goes with every value: True == 1 and 1 == 1.0 in Python, not in JSON Schema.
    if isinstance(value, dict):
        return tuple((key, type(item).__name__, _freeze(item)) for key, item in value.items())
    if isinstance(value, list):
        return tuple((type(item).__name__, _freeze(item)) for item in value)
    return value


def _first(errors: Iterable[Any]) -> Any:
    return min(errors, key=lambda e: [str(part) for part in e.absolute_path], default=None)


def is_mlprodlint_report(document: Any) -> bool:
    tool = document.get("tool") if isinstance(document, dict) else None
    return isinstance(tool, dict) and tool.get("name") == "mlprodlint"


def validate(document: Any, path: Path, validator: ReportValidator) -> None:
    error = validator.first_error(document)
    if error is not None:
        where = "/" + "/".join(str(part) for part in error.absolute_path)
        raise PortfolioInputError(
            f"{path.as_posix()}: not an mlprodlint JSON report (schemas/report.schema.json) at {where}: "
            f"{_short(error.message)}"
        )


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _finding_key(rule_id: str, path: str, pointer: str, occurrence: int) -> str:
    raw = "\x00".join((rule_id, path, pointer, str(occurrence)))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:20]


def services_of(document: Mapping[str, Any], report: str) -> list[Service]:
    """The services of one validated report, each with its counts and finding keys."""
    source = document.get("source") or {}
    repository = source.get("repository") or UNKNOWN_REPOSITORY
    readiness = {r["path"]: r for r in document["readiness"]}
    manifests = {m["path"]: m for m in document["manifests"]}
    counts: dict[str, Counter[str]] = {path: Counter() for path in manifests}
    failing: dict[str, set[str]] = {path: set() for path in manifests}
    for result in document["results"]:
        path = result["path"]
        if path not in counts:
            continue
        if result["status"] == "fail":
            counts[path][result["severity"]] += result["findings"]
            failing[path].add(result["rule_id"])
        elif result["status"] == "waived":
            counts[path]["waived"] += 1
    keys = _finding_keys(document["findings"], failing)
    services = []
    for path, manifest in manifests.items():
        ready = readiness.get(path, {})
        services.append(Service(
            repository=repository, path=path, name=manifest["name"], team=manifest["team"],
            contact=manifest.get("contact", ""), tier=manifest["tier"], lifecycle=manifest["lifecycle"],
            kind=manifest["kind"], verdict=ready.get("verdict", "not ready"), level=ready.get("level") or "none",
            score=ready.get("score"), errors=counts[path]["error"], warnings=counts[path]["warning"],
            infos=counts[path]["info"], waived=counts[path]["waived"], commit=source.get("commit") or "",
            commit_date=source.get("commit_date") or "", judged_on=source.get("judged_on") or "", report=report,
            failing_rules=tuple(sorted(failing[path])), findings=frozenset(keys.get(path, ())),
        ))
    return services


def _owner_of(finding_path: str, rule_id: str, failing: Mapping[str, set[str]]) -> str | None:
    """The manifest a finding belongs to: its own path, else the nearest manifest folder above
    it whose rule failed (an evidence finding in a rules file next to the manifest)."""
    if finding_path in failing:
        return finding_path
    best, depth = None, -1
    for manifest, rules in failing.items():
        if rule_id not in rules:
            continue
        folder = str(PurePosixPath(manifest).parent)
        if folder in ("", ".") or finding_path.startswith(folder + "/"):
            length = 0 if folder in ("", ".") else len(folder)
            if length > depth:
                best, depth = manifest, length
    return best


def _finding_keys(findings: Iterable[Mapping[str, Any]], failing: Mapping[str, set[str]]) -> dict[str, list[str]]:
    seen: Counter[tuple[str, str, str]] = Counter()
    keys: dict[str, list[str]] = {}
    for finding in findings:
        if finding["waived"]:
            continue
        owner = _owner_of(finding["path"], finding["rule_id"], failing)
        if owner is None:
            continue
        identity = (finding["rule_id"], finding["path"], finding["pointer"])
        keys.setdefault(owner, []).append(_finding_key(*identity, seen[identity]))
        seen[identity] += 1
    return keys


@dataclass
class Loaded:
    services: dict[tuple[str, str], Service]
    reports: int
    skipped: list[str]
    rules: dict[str, tuple[str, str]] = field(default_factory=dict)  # rule id -> (name, severity)


def load(paths: Sequence[Path], *, keep_findings: bool = True) -> Loaded:
    """Every service from the results under PATHS, the newest report winning per (repository, path)."""
    validator = ReportValidator()
    chosen: dict[tuple[str, str], tuple[tuple[dt.datetime, str, int], Service]] = {}
    reports = 0
    skipped: list[str] = []
    rules: dict[str, tuple[str, str]] = {}
    for order, (path, explicit) in enumerate(report_files(paths)):
        document = load_json(path)
        if isinstance(document, dict) and document.get("kind") == PORTFOLIO_KIND:
            # A portfolio written into a results folder by an earlier run: never an input.
            if explicit:
                raise PortfolioInputError(f"{path.as_posix()}: a portfolio, not a report; give the reports it was made from")
            skipped.append(path.as_posix())
            continue
        if not is_mlprodlint_report(document):
            if explicit:
                raise PortfolioInputError(f"{path.as_posix()}: not an mlprodlint JSON report (no tool.name \"mlprodlint\")")
            skipped.append(path.as_posix())
            continue
        validate(document, path, validator)
        reports += 1
        for result in document["results"]:
            if result["status"] == "fail":
                rules.setdefault(result["rule_id"], (result["rule_name"], result["severity"]))
        for service in services_of(document, path.as_posix()):
            if not keep_findings:
                service = _without_findings(service)
            rank = service.newness(order)
            if service.key not in chosen or chosen[service.key][0] < rank:
                chosen[service.key] = (rank, service)
        del document  # one report in memory at a time
    if reports == 0:
        shown = ", ".join(p.as_posix() for p in paths)
        raise PortfolioInputError(f"no mlprodlint JSON report found in {shown}")
    return Loaded({key: service for key, (_, service) in chosen.items()}, reports, skipped, rules)


def _without_findings(service: Service) -> Service:
    from dataclasses import replace

    return replace(service, findings=frozenset())


# --- the portfolio ---------------------------------------------------------------------------


def team_rollup(services: Iterable[Service]) -> list[dict[str, Any]]:
    teams: dict[str, dict[str, Any]] = {}
    for service in services:
        team = teams.setdefault(service.owner or "(no team)", {
            "team": service.owner or "(no team)", "services": 0, "not_ready": 0, "ready_with_baseline": 0,
            "ready_with_waivers": 0, "ready": 0, "levels": {"none": 0, "bronze": 0, "silver": 0, "gold": 0}, "errors": 0, "warnings": 0,
        })
        team["services"] += 1
        team[_VERDICT_KEY.get(service.verdict, "not_ready")] += 1
        team["levels"][service.level if service.level in team["levels"] else "none"] += 1
        team["errors"] += service.errors
        team["warnings"] += service.warnings
    return sorted(teams.values(), key=lambda t: (-t["not_ready"], -t["errors"], -t["warnings"], t["team"]))


_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


def top_rules(services: Iterable[Service], rules: Mapping[str, tuple[str, str]], limit: int = 20) -> list[dict[str, Any]]:
    """The rules failing in most services (ties: errors first, then by rule id)."""
    counts: Counter[str] = Counter()
    for service in services:
        counts.update(service.failing_rules)
    info = {rule_id: rules.get(rule_id, ("", "error")) for rule_id in counts}
    ranked = sorted(counts.items(), key=lambda item: (-item[1], _SEVERITY_RANK.get(info[item[0]][1], 0), item[0]))
    return [
        {"rule_id": rule_id, "rule_name": info[rule_id][0], "severity": info[rule_id][1], "services": count}
        for rule_id, count in ranked[:limit]
    ]


def trend(current: Mapping[tuple[str, str], Service], previous: Mapping[tuple[str, str], Service]) -> dict[str, Any]:
    """What changed since the previous review, per service, plus services added and retired."""
    changes = []
    for key in sorted(current.keys() & previous.keys()):
        now, before = current[key], previous[key]
        new, fixed = len(now.findings - before.findings), len(before.findings - now.findings)
        if new or fixed or now.level != before.level or now.verdict != before.verdict:
            changes.append({
                "repository": now.repository, "path": now.path, "name": now.name, "new": new, "fixed": fixed,
                "level_before": before.level, "level": now.level, "verdict_before": before.verdict,
                "verdict": now.verdict,
            })
    changes.sort(key=lambda c: (-c["new"], c["fixed"], c["repository"], c["path"]))
    added = sorted(current.keys() - previous.keys())
    retired = sorted(previous.keys() - current.keys())
    return {
        "changed": changes,
        "new_findings": sum(c["new"] for c in changes),
        "fixed_findings": sum(c["fixed"] for c in changes),
        "level_up": sum(1 for c in changes if _LEVEL_RANK[c["level"]] > _LEVEL_RANK[c["level_before"]]),
        "level_down": sum(1 for c in changes if _LEVEL_RANK[c["level"]] < _LEVEL_RANK[c["level_before"]]),
        "added": [_ref(current[key]) for key in added],
        "retired": [_ref(previous[key]) for key in retired],
    }


def _ref(service: Service) -> dict[str, str]:
    return {"repository": service.repository, "path": service.path, "name": service.name}


def row(service: Service) -> dict[str, Any]:
    return {
        "repository": service.repository, "path": service.path, "name": service.name, "team": service.owner,
        "tier": service.tier, "lifecycle": service.lifecycle, "kind": service.kind, "verdict": service.verdict,
        "level": service.level, "score": service.score, "errors": service.errors, "warnings": service.warnings,
        "infos": service.infos, "waived": service.waived, "commit": service.commit,
        "commit_date": service.commit_date, "judged_on": service.judged_on, "report": service.report,
        "failing_rules": list(service.failing_rules),
    }


def build(current: Loaded, previous: Loaded | None) -> dict[str, Any]:
    """The portfolio as plain data (the json format, and what the templates render)."""
    services = sorted(current.services.values(), key=worst_first)
    verdicts = Counter(s.verdict for s in services)
    levels = Counter(s.level for s in services)
    return {
        "kind": PORTFOLIO_KIND,
        "version": "1.0",
        "summary": {
            "services": len(services),
            "repositories": len({s.repository for s in services}),
            "reports": current.reports,
            "not_ready": verdicts["not ready"],
            "ready_with_baseline": verdicts["ready with baseline"],
            "ready_with_waivers": verdicts["ready with waivers"],
            "ready": verdicts["ready"],
            "levels": {level: levels[level] for level in ("none", "bronze", "silver", "gold")},
            "errors": sum(s.errors for s in services),
            "warnings": sum(s.warnings for s in services),
        },
        "services": [row(s) for s in services],
        "teams": team_rollup(services),
        "top_rules": top_rules(services, current.rules),
        "trend": trend(current.services, previous.services) if previous is not None else None,
        "skipped": current.skipped + (previous.skipped if previous else []),
    }
