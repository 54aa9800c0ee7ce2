"""Rules as data: load rule packs (YAML), validate them, resolve their check functions.

A broken pack stops the run with every problem listed by file and line: a malformed custom rule
must never be skipped silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from .checks import registry
from .checks.fieldpath import first, is_empty
from .errors import RulePackError
from .findings import Severity
from .manifest import Limits, LoadedManifest, load_manifest
from .schema import validate

UNDECLARED_TIER = 1  # an undeclared tier never relaxes the rules


@dataclass(frozen=True)
class AppliesWhen:
    lifecycle: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    tier_at_most: int | None = None
    fields: tuple[tuple[str, Any], ...] = ()
    present: tuple[str, ...] = ()
    contains: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def from_data(cls, data: Mapping[str, Any] | None) -> "AppliesWhen":
        data = data or {}
        return cls(
            lifecycle=tuple(data.get("lifecycle", ())),
            kind=tuple(data.get("kind", ())),
            tier_at_most=data.get("tier_at_most"),
            fields=tuple(sorted(data.get("fields", {}).items())),
            present=tuple(data.get("present", ())),
            contains=tuple(sorted(data.get("contains", {}).items())),
        )

    def holds_for(self, manifest: Mapping[str, Any]) -> bool:
        metadata = manifest.get("metadata")
        metadata = metadata if isinstance(metadata, dict) else {}
        if self.lifecycle and metadata.get("lifecycle") not in self.lifecycle:
            return False
        if self.kind and manifest.get("kind") not in self.kind:
            return False
        if self.tier_at_most is not None:
            tier = metadata.get("tier")
            if isinstance(tier, bool) or not isinstance(tier, int):
                tier = UNDECLARED_TIER
            if tier > self.tier_at_most:
                return False
        for path, expected in self.fields:
            if first(manifest, path) != expected:
                return False
        for path in self.present:
            if is_empty(first(manifest, path)):
                return False
        for path, expected in self.contains:
            values = first(manifest, path)
            if not isinstance(values, list) or expected not in values:
                return False
        return True

    def describe(self) -> str:
        parts: list[str] = []
        if self.lifecycle:
            parts.append("lifecycle in " + ", ".join(self.lifecycle))
        if self.kind:
            parts.append("kind in " + ", ".join(self.kind))
        if self.tier_at_most is not None:
            parts.append(f"tier <= {self.tier_at_most}")
        parts.extend(f"{path} == {value!r}" for path, value in self.fields)
        parts.extend(f"{path} is set" for path in self.present)
        parts.extend(f"{path} contains {value!r}" for path, value in self.contains)
        return "; ".join(parts) or "always"


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    title: str
    area: str
    severity: Severity
    check: str
    args: Mapping[str, Any]
    message: str
    rationale: str
    fix: str
    applies_when: AppliesWhen = AppliesWhen()
    level: str = "bronze"
    example: str = ""
    ml_test_score: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    since: str = ""
    pack: str = ""
    source: str = ""  # file:line where the rule is defined

    def format_message(self, detail: str) -> str:
        if "{detail}" in self.message:
            return self.message.replace("{detail}", detail)
        return self.message


@dataclass(frozen=True)
class RulePack:
    name: str
    version: str
    description: str
    path: Path
    extends: str = ""
    rules: tuple[Rule, ...] = ()
    overrides: tuple[Mapping[str, Any], ...] = ()


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    packs: tuple[RulePack, ...] = field(default=())

    def by_id(self) -> dict[str, Rule]:
        return {rule.id: rule for rule in self.rules}


@dataclass(frozen=True)
class PackProblem:
    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


def _load_yaml(path: Path) -> LoadedManifest:
    # Rule packs get the same hardened loader as manifests (size, depth, alias limits).
    return load_manifest(path, path.as_posix(), Limits())


def check_pack(path: Path) -> tuple[RulePack | None, list[PackProblem]]:
    """Load and validate one pack file, returning every problem found (never raising)."""
    loaded = _load_yaml(path)
    shown = path.as_posix()
    if loaded.data is None or loaded.problems:
        return None, [PackProblem(shown, p.line, p.column, p.message) for p in loaded.problems]
    problems: list[PackProblem] = []
    for violation in validate(loaded.data, "rule.schema.json"):
        line, column = loaded.position(violation.pointer)
        problems.append(PackProblem(shown, line, column, violation.message))
    if problems:
        return None, problems
    data = loaded.data
    rules: list[Rule] = []
    for index, raw in enumerate(data["rules"]):
        pointer = f"/rules/{index}"
        line, _ = loaded.position(pointer)
        spec = registry.lookup(raw["check"]["function"])
        if spec is None:
            fline, fcol = loaded.position(f"{pointer}/check/function")
            problems.append(
                PackProblem(
                    shown, fline, fcol,
                    f"rule {raw['id']}: unknown check function {raw['check']['function']!r} "
                    f"(known: {', '.join(sorted(registry.BUILTIN_CHECKS))}, or install a plugin)",
                )
            )
            continue
        args = raw["check"].get("args", {})
        args_validator = Draft202012Validator(
            dict(spec.args_schema), format_checker=Draft202012Validator.FORMAT_CHECKER
        )
        for error in sorted(args_validator.iter_errors(args), key=str):
            arg_pointer = f"{pointer}/check/args" + "".join(f"/{p}" for p in error.absolute_path)
            aline, acol = loaded.position(arg_pointer)
            problems.append(
                PackProblem(shown, aline, acol, f"rule {raw['id']}: bad arguments for {spec.name}: {error.message}")
            )
        rules.append(
            Rule(
                id=raw["id"],
                name=raw["name"],
                title=raw["title"],
                area=raw["area"],
                severity=Severity.parse(raw["severity"]),
                check=raw["check"]["function"],
                args=dict(args),
                message=raw["message"],
                rationale=raw["rationale"].strip(),
                fix=raw["fix"].strip(),
                applies_when=AppliesWhen.from_data(raw.get("applies_when")),
                level=raw.get("level", "bronze"),
                example=raw.get("example", "").rstrip(),
                ml_test_score=tuple(raw.get("ml_test_score", ())),
                references=tuple(raw.get("references", ())),
                since=raw.get("since", ""),
                pack=data["pack"]["name"],
                source=f"{shown}:{line}",
            )
        )
    seen: dict[str, int] = {}
    for index, rule in enumerate(rules):
        if rule.id in seen:
            problems.append(PackProblem(shown, *loaded.position(f"/rules/{index}/id"), f"duplicate rule id {rule.id}"))
        seen[rule.id] = index
    pack_meta = data["pack"]
    pack = RulePack(
        name=pack_meta["name"],
        version=pack_meta["version"],
        description=pack_meta.get("description", ""),
        path=path,
        extends=pack_meta.get("extends", ""),
        rules=tuple(rules),
        overrides=tuple(data.get("overrides", ())),
    )
    return (None if problems else pack), problems


def pack_files(directory: Path) -> list[Path]:
    if directory.is_file():
        return [directory]
    if not directory.is_dir():
        raise RulePackError(f"rule directory {directory.as_posix()} does not exist")
    return sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])


def load_rule_set(directories: Sequence[Path]) -> RuleSet:
    """Load every pack in the directories (in order); later packs may override earlier rules."""
    packs: list[RulePack] = []
    problems: list[PackProblem] = []
    for directory in directories:
        files = pack_files(directory)
        if not files:
            raise RulePackError(f"rule directory {directory.as_posix()} holds no .yaml rule pack")
        for path in files:
            pack, found = check_pack(path)
            problems.extend(found)
            if pack is not None:
                packs.append(pack)
    if problems:
        raise RulePackError(_problem_text(problems))
    rules: dict[str, Rule] = {}
    for pack in packs:
        for rule in pack.rules:
            if rule.id in rules:
                other = rules[rule.id]
                raise RulePackError(
                    f"rule id {rule.id} is defined twice: {other.source} and {rule.source}"
                )
            rules[rule.id] = rule
    disabled: set[str] = set()
    for pack in packs:
        for override in pack.overrides:
            rule_id = override["id"]
            if rule_id not in rules:
                raise RulePackError(
                    f"pack {pack.name} ({pack.path.as_posix()}) overrides unknown rule {rule_id}"
                )
            if override.get("enabled") is False:
                disabled.add(rule_id)
            changes: dict[str, Any] = {}
            if "severity" in override:
                changes["severity"] = Severity.parse(override["severity"])
            if "applies_when" in override:
                changes["applies_when"] = AppliesWhen.from_data(override["applies_when"])
            rules[rule_id] = replace(rules[rule_id], **changes)
    kept = tuple(sorted((r for r in rules.values() if r.id not in disabled), key=lambda r: r.id))
    return RuleSet(kept, tuple(packs))


def _problem_text(problems: Iterable[PackProblem]) -> str:
    lines = sorted(problems, key=lambda p: (p.path, p.line, p.column, p.message))
    return "broken rule pack:\n" + "\n".join(f"  {p}" for p in lines)
