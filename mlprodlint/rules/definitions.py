"""Rules as data: load rule packs (YAML), validate them, resolve their check functions.

A broken pack stops the run with every problem listed by file and line: a malformed custom rule
must never be skipped silently.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import snapshot as pack_snapshot
from ..checks import registry
from ..checks.fieldpath import first, is_empty
from ..errors import RulePackError
from ..results.findings import Severity
from ..load.manifest import Limits, LoadedManifest, load_manifest
from ..load.schema import validate

if TYPE_CHECKING:  # imported when first used: built-in packs from the snapshot never need it
    from jsonschema import Draft202012Validator

UNDECLARED_TIER = 1  # an undeclared tier never relaxes the rules
ML_TEST_SCORE = "ml-test-score"  # the controls key `ml_test_score` is an alias of


# Named conditions every pack may use as `applies_when: {condition: NAME}`; a pack adds its own
# in a top-level `conditions:` map. The repeated "production, tier N or more critical" pair.
BUILTIN_CONDITIONS: Mapping[str, Mapping[str, Any]] = {
    "production-tier1": {"lifecycle": ["production"], "tier_at_most": 1},
    "production-tier1-2": {"lifecycle": ["production"], "tier_at_most": 2},
    "production-tier1-3": {"lifecycle": ["production"], "tier_at_most": 3},
}


def expand_condition(data: Mapping[str, Any], conditions: Mapping[str, Mapping[str, Any]]) -> Mapping[str, Any]:
    """`data` with its `condition: NAME` replaced by the named condition's keys.

    Expanded as data, so a rule written with a name is the same AppliesWhen (same verdicts, same
    words in the docs) as one written out. Unknown names and clashing keys are reported by
    `condition_problems` before this runs."""
    name = data.get("condition")
    if name is None:
        return data
    named = conditions.get(name, BUILTIN_CONDITIONS.get(name, {}))
    return {**named, **{key: value for key, value in data.items() if key != "condition"}}


@dataclass(frozen=True)
class AppliesWhen:
    lifecycle: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    tier_at_most: int | None = None
    fields: tuple[tuple[str, Any], ...] = ()
    present: tuple[str, ...] = ()
    contains: tuple[tuple[str, Any], ...] = ()
    any: tuple["AppliesWhen", ...] = ()  # at least one holds
    not_: "AppliesWhen | None" = None  # does not hold

    @classmethod
    def from_data(
        cls, data: Mapping[str, Any] | None, conditions: Mapping[str, Mapping[str, Any]] = BUILTIN_CONDITIONS
    ) -> "AppliesWhen":
        data = expand_condition(data or {}, conditions)
        negated = data.get("not")
        return cls(
            lifecycle=tuple(data.get("lifecycle", ())),
            kind=tuple(data.get("kind", ())),
            tier_at_most=data.get("tier_at_most"),
            fields=tuple(sorted(data.get("fields", {}).items())),
            present=tuple(data.get("present", ())),
            contains=tuple(sorted(data.get("contains", {}).items())),
            any=tuple(cls.from_data(arm, conditions) for arm in data.get("any", ())),
            not_=None if negated is None else cls.from_data(negated, conditions),
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
        if self.any and not any(arm.holds_for(manifest) for arm in self.any):
            return False
        if self.not_ is not None and self.not_.holds_for(manifest):
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
        if self.any:
            parts.append("any of: " + " or ".join(f"({arm.describe()})" for arm in self.any))
        if self.not_ is not None:
            parts.append(f"not ({self.not_.describe()})")
        return "; ".join(parts) or "always"


def condition_problems(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(JSON pointer, message) for every bad use of named conditions in a pack's data: an unknown
    name, a key given both by the name and beside it, a pack condition redefining a built-in one or
    naming another condition. Nothing is dropped silently: a rule with a bad condition is an error."""
    own = data.get("conditions") if isinstance(data.get("conditions"), dict) else {}
    problems: list[tuple[str, str]] = []
    for name, body in own.items():
        if name in BUILTIN_CONDITIONS:
            problems.append((f"/conditions/{name}", f"condition {name!r} is built in and cannot be redefined"))
        if isinstance(body, dict) and _names_condition(body):
            problems.append((f"/conditions/{name}", f"condition {name!r} names another condition; write its keys out"))

    def visit(node: Any, pointer: str) -> None:
        if not isinstance(node, dict):
            return
        name = node.get("condition")
        if isinstance(name, str):
            named = own.get(name, BUILTIN_CONDITIONS.get(name))
            if named is None:
                known = ", ".join(sorted({*BUILTIN_CONDITIONS, *own}))
                problems.append((f"{pointer}/condition", f"unknown condition {name!r} (known: {known})"))
            elif isinstance(named, dict):
                problems.extend(
                    (f"{pointer}/{key}", f"{key} is also set by condition {name!r}; give it in one place")
                    for key in sorted(set(named) & set(node) - {"condition"})
                )
        for index, arm in enumerate(node.get("any", ()) if isinstance(node.get("any"), list) else ()):
            visit(arm, f"{pointer}/any/{index}")
        visit(node.get("not"), f"{pointer}/not")

    for section in ("rules", "overrides"):
        for index, item in enumerate(data.get(section) or () if isinstance(data.get(section), list) else ()):
            if isinstance(item, dict):
                visit(item.get("applies_when"), f"/{section}/{index}/applies_when")
                _visit_effective(item.get("effective_from"), f"/{section}/{index}/effective_from", visit)
    pack = data.get("pack")
    if isinstance(pack, dict):
        _visit_effective(pack.get("effective_from"), "/pack/effective_from", visit)
    return problems


def _names_condition(node: Any) -> bool:
    if not isinstance(node, dict):
        return False
    arms = node.get("any") if isinstance(node.get("any"), list) else []
    return "condition" in node or any(_names_condition(arm) for arm in arms) or _names_condition(node.get("not"))


def _visit_effective(raw: Any, pointer: str, visit: Any) -> None:
    if isinstance(raw, list):
        for index, entry in enumerate(raw):
            if isinstance(entry, dict):
                visit(entry.get("when"), f"{pointer}/{index}/when")


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
    # Rules whose failure makes this one moot: it is then not applicable, "blocked by ID", so one
    # root cause is reported once (no alerts at all: ALR001, not every alerting rule after it).
    blocked_by: tuple[str, ...] = ()
    since: str = ""
    pack: str = ""
    source: str = ""  # file:line where the rule is defined
    # Framework -> control ids this rule evidences, sorted by framework (ml-test-score included).
    controls: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # The framework pack the rule belongs to ("" for rules that always run).
    framework: str = ""
    # (ISO date, condition or None): the first entry whose condition holds gives the day the
    # obligation applies; before it a violation is "upcoming" and never fails the run.
    effective_from: tuple[tuple[str, AppliesWhen | None], ...] = ()
    automated: bool = False  # a pass shows an automated practice (ML Test Score: 1 point, not 0.5)
    enforced: bool = False  # severity cannot be overridden, findings cannot be waived

    def activated_by(self) -> frozenset[str]:
        """Frameworks that switch this rule on (empty: a rule that always runs).

        A framework pack's rule runs when its pack's framework or any framework it names in
        `controls` is active, so one rule serves every framework it evidences (one finding,
        not one per framework)."""
        if not self.framework:
            return frozenset()
        return frozenset((self.framework, *(name for name, _ in self.controls)))

    def controls_for(self, framework: str) -> tuple[str, ...]:
        return dict(self.controls).get(framework, ())

    def effective_date(self, manifest: Mapping[str, Any]) -> dt.date | None:
        for day, condition in self.effective_from:
            if condition is None or condition.holds_for(manifest):
                return dt.date.fromisoformat(day)
        return None

    def describe_effective(self) -> str:
        """"2027-12-02", or "2028-08-02 when ...; otherwise 2027-12-02" ("" when always in force)."""
        parts = [
            day if condition is None else f"{day} when {condition.describe()}"
            for day, condition in self.effective_from
        ]
        return "; otherwise ".join(parts)

    def format_message(self, detail: str) -> str:
        if "{detail}" in self.message:
            return self.message.replace("{detail}", detail)
        return self.message


@dataclass(frozen=True)
class Override:
    """A pack's change to a rule defined by itself or by a pack it extends."""

    id: str
    path: str
    line: int
    column: int
    severity: Severity | None = None
    level: str | None = None
    applies_when: AppliesWhen | None = None
    enabled: bool | None = None


@dataclass(frozen=True)
class RulePack:
    name: str
    version: str
    description: str
    path: Path
    extends: str = ""
    rules: tuple[Rule, ...] = ()
    overrides: tuple[Override, ...] = ()
    extends_at: tuple[int, int] = (1, 1)  # line, column of pack.extends (for error messages)


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
    return load_manifest(path, path.as_posix(), Limits(), noun="rule pack")


def check_pack(path: Path, use_snapshot: bool = True) -> tuple[RulePack | None, list[PackProblem]]:
    """Load and validate one pack file, returning every problem found (never raising).

    Schema problems do not hide the others: rules whose check function is named are still
    resolved and their arguments validated, so an author sees every error in one run.

    A built-in pack whose bytes match rules/_snapshot.json (rules/snapshot.py) was parsed and
    validated when the snapshot was written: it is read from there and not validated again.
    """
    trusted = pack_snapshot.lookup(path) if use_snapshot else None
    loaded = trusted or _load_yaml(path)
    shown = path.as_posix()
    if loaded.data is None or loaded.problems:
        return None, [PackProblem(shown, p.line, p.column, p.message) for p in loaded.problems]
    problems: list[PackProblem] = []
    if trusted is None:
        for violation in validate(loaded.data, "rule.schema.json"):
            line, column = loaded.position(violation.pointer)
            problems.append(PackProblem(shown, line, column, violation.message))
        for pointer, message in condition_problems(loaded.data):
            problems.append(PackProblem(shown, *loaded.position(pointer), message))
    data = loaded.data
    conditions = _pack_conditions(data)
    raw_rules = data.get("rules") if isinstance(data.get("rules"), list) else []
    rules: list[Rule] = []
    for index, raw in enumerate(raw_rules):
        rule, found = _check_rule(raw, f"/rules/{index}", loaded, data, conditions, validate_args=trusted is None)
        problems.extend(found)
        if rule is not None:
            rules.append(rule)
    if problems:
        return None, problems
    seen: dict[str, int] = {}
    for index, rule in enumerate(rules):
        if rule.id in seen:
            problems.append(PackProblem(shown, *loaded.position(f"/rules/{index}/id"), f"duplicate rule id {rule.id}"))
        seen[rule.id] = index
    pack_meta = data["pack"]
    overrides = []
    for index, raw in enumerate(data.get("overrides", ())):
        line, column = loaded.position(f"/overrides/{index}")
        overrides.append(
            Override(
                id=raw["id"],
                path=shown,
                line=line,
                column=column,
                severity=Severity.parse(raw["severity"]) if "severity" in raw else None,
                level=raw.get("level"),
                applies_when=AppliesWhen.from_data(raw["applies_when"], conditions) if "applies_when" in raw else None,
                enabled=raw.get("enabled"),
            )
        )
    pack = RulePack(
        name=pack_meta["name"],
        version=pack_meta["version"],
        description=pack_meta.get("description", ""),
        path=path,
        extends=pack_meta.get("extends", ""),
        rules=tuple(rules),
        overrides=tuple(overrides),
        extends_at=loaded.position("/pack/extends"),
    )
    return (None if problems else pack), problems


def _pack_conditions(data: Mapping[str, Any]) -> Mapping[str, Mapping[str, Any]]:
    own = data.get("conditions")
    return {**BUILTIN_CONDITIONS, **(own if isinstance(own, dict) else {})}


def _check_rule(
    raw: Any,
    pointer: str,
    loaded: LoadedManifest,
    data: Mapping[str, Any],
    conditions: Mapping[str, Mapping[str, Any]] = BUILTIN_CONDITIONS,
    validate_args: bool = True,
) -> tuple[Rule | None, list[PackProblem]]:
    """Resolve one rule's check function and validate its arguments."""
    shown = loaded.display_path
    check = raw.get("check") if isinstance(raw, dict) else None
    function = check.get("function") if isinstance(check, dict) else None
    if not isinstance(function, str):
        return None, []  # the schema violation already says what is missing
    rule_id = raw.get("id", "?")
    spec = registry.lookup(function)
    if spec is None:
        fline, fcol = loaded.position(f"{pointer}/check/function")
        known = ", ".join(sorted(registry.BUILTIN_CHECKS))
        return None, [
            PackProblem(
                shown, fline, fcol,
                f"rule {rule_id}: unknown check function {function!r} (known: {known}, or install a plugin)",
            )
        ]
    args = check.get("args", {})
    if not isinstance(args, dict):
        return None, []
    problems: list[PackProblem] = []
    errors = _args_validator(spec).iter_errors(args) if validate_args else ()
    for error in sorted(errors, key=str):
        arg_pointer = f"{pointer}/check/args" + "".join(f"/{p}" for p in error.absolute_path)
        aline, acol = loaded.position(arg_pointer)
        problems.append(
            PackProblem(shown, aline, acol, f"rule {rule_id}: bad arguments for {spec.name}: {error.message}")
        )
    for field, text in _control_characters(raw) if validate_args else ():
        fline, fcol = loaded.position(f"{pointer}/{field}")
        problems.append(PackProblem(shown, fline, fcol, f"rule {rule_id}: {field} contains the control character "
                                                        f"{text}; pack texts are printed in CI logs and terminals"))
    for name, why in _unsafe_patterns(spec, args) if validate_args else ():
        aline, acol = loaded.position(f"{pointer}/check/args/{name}")
        problems.append(PackProblem(shown, aline, acol, f"rule {rule_id}: {name} {args[name]!r}: {why}"))
    try:
        line, _ = loaded.position(pointer)
        pack_meta = data["pack"]
        controls = {str(k): tuple(v) for k, v in (raw.get("controls") or {}).items()}
        # `ml_test_score` is kept as an alias of controls["ml-test-score"]: both are merged.
        tests = tuple(dict.fromkeys((*raw.get("ml_test_score", ()), *controls.get(ML_TEST_SCORE, ()))))
        if tests:
            controls[ML_TEST_SCORE] = tests
        rule = Rule(
            id=raw["id"],
            name=raw["name"],
            title=raw["title"],
            area=raw["area"],
            severity=Severity.parse(raw["severity"]),
            check=function,
            args=dict(args),
            message=raw["message"],
            rationale=raw["rationale"].strip(),
            fix=raw["fix"].strip(),
            applies_when=AppliesWhen.from_data(raw.get("applies_when"), conditions),
            level=raw.get("level", "bronze"),
            example=raw.get("example", "").rstrip(),
            ml_test_score=tests,
            references=tuple(raw.get("references", ())),
            blocked_by=tuple(raw.get("blocked_by", ())),
            since=raw.get("since", ""),
            pack=pack_meta["name"],
            source=f"{shown}:{line}",
            controls=tuple(sorted(controls.items())),
            framework=pack_meta.get("framework", ""),
            effective_from=_effective(raw.get("effective_from", pack_meta.get("effective_from")), conditions),
            automated=bool(raw.get("automated", False)),
            enforced=bool(raw.get("enforced", False)),
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        return None, problems  # schema-invalid rule: its violations are already reported
    return (None if problems else rule), problems


_ONE_LINE_FIELDS = ("id", "name", "title", "area", "message")
_TEXT_FIELDS = ("rationale", "fix", "example")


def _control_characters(raw: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(field, the first control character, escaped) for pack texts that could forge output
    lines or drive a terminal; multi-line texts may hold newlines and tabs."""
    from ..textsafe import printable

    found = []
    for field in (*_ONE_LINE_FIELDS, *_TEXT_FIELDS):
        value = raw.get(field)
        if not isinstance(value, str):
            continue
        keep = "\n\t" if field in _TEXT_FIELDS else ""
        escaped = printable(value, keep=keep)
        if escaped != value:
            first = next(c for c in value if printable(c, keep=keep) != c)
            found.append((field, printable(first)))
    return found


def _unsafe_patterns(spec: registry.CheckSpec, args: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Arguments the check's schema declares as regular expressions that could backtrack
    exponentially (Python's `re` has no timeout): rejected at load, see regexsafe.py."""
    from ..regexsafe import catastrophic

    properties = spec.args_schema.get("properties", {})
    found = []
    for name, schema in properties.items() if isinstance(properties, Mapping) else ():
        value = args.get(name)
        if isinstance(schema, Mapping) and schema.get("format") == "regex" and isinstance(value, str):
            why = catastrophic(value)
            if why:
                found.append((name, why))
    return found


def _effective(
    raw: Any, conditions: Mapping[str, Mapping[str, Any]] = BUILTIN_CONDITIONS
) -> tuple[tuple[str, AppliesWhen | None], ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        return ((dt.date.fromisoformat(raw).isoformat(), None),)
    return tuple(
        (dt.date.fromisoformat(entry["date"]).isoformat(),
         AppliesWhen.from_data(entry["when"], conditions) if "when" in entry else None)
        for entry in raw
    )


def _args_validator(spec: registry.CheckSpec) -> Draft202012Validator:
    from jsonschema import Draft202012Validator  # only custom packs are validated at run time

    # One validator per check function, not per rule: building one costs more than using it.
    # Keyed by identity: a spec's schema is a (mutable) mapping, and specs live for the process.
    found = _ARGS_VALIDATORS.get(id(spec))
    if found is None or found[0] is not spec:
        validator = Draft202012Validator(dict(spec.args_schema), format_checker=Draft202012Validator.FORMAT_CHECKER)
        found = _ARGS_VALIDATORS[id(spec)] = (spec, validator)
    return found[1]


_ARGS_VALIDATORS: dict[int, tuple[Any, "Draft202012Validator"]] = {}


def pack_files(directory: Path) -> list[Path]:
    if directory.is_file():
        return [directory]
    if not directory.is_dir():
        raise RulePackError(f"rule directory {directory.as_posix()} does not exist")
    return sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])


@dataclass(frozen=True)
class PackSource:
    """Packs that arrived together: the built-in folder, an installed pack, a --rules-dir folder.

    `name` is what `pack.extends` may name besides a pack's own name (e.g. `builtin`).
    """

    name: str
    packs: tuple[RulePack, ...]


def read_source(name: str, directory: Path, seen: set[Path] | None = None) -> tuple[PackSource, list[PackProblem]]:
    """Every pack file in a folder (or one file); files already in `seen` are skipped."""
    files = pack_files(directory)
    if not files:
        raise RulePackError(f"rule directory {directory.as_posix()} holds no .yaml rule pack")
    packs: list[RulePack] = []
    problems: list[PackProblem] = []
    for path in files:
        key = path.resolve()
        if seen is not None:
            if key in seen:
                continue  # the same folder given twice (config and --rules-dir) loads once
            seen.add(key)
        pack, found = check_pack(path)
        problems.extend(found)
        if pack is not None:
            packs.append(pack)
    return PackSource(name, tuple(packs)), problems


def missing_extends(sources: Sequence[PackSource]) -> list[tuple[RulePack, str]]:
    """(pack, name) for every `extends` that names no loaded source or pack."""
    names = _names(sources)
    return [
        (pack, pack.extends)
        for source in sources
        for pack in source.packs
        if pack.extends and pack.extends not in names
    ]


def _names(sources: Sequence[PackSource]) -> dict[str, list[RulePack]]:
    names: dict[str, list[RulePack]] = {}
    for source in sources:
        names.setdefault(source.name, []).extend(source.packs)
        for pack in source.packs:
            names.setdefault(pack.name, [])
            if pack not in names[pack.name]:
                names[pack.name].append(pack)
    return names


def assemble(sources: Sequence[PackSource]) -> tuple[RuleSet, list[PackProblem]]:
    """Combine packs: base packs before the packs extending them, then apply overrides.

    An override may only change a rule of its own pack or of a pack it (transitively) extends,
    so that a pack's meaning never depends on what else happens to be installed.
    """
    names = _names(sources)
    problems: list[PackProblem] = []
    first_of_name: dict[str, RulePack] = {}
    for source in sources:
        for pack in source.packs:
            other = first_of_name.setdefault(pack.name, pack)
            if other is not pack and other.path != pack.path:
                # `extends` and report provenance name packs: two packs may not share a name.
                problems.append(
                    PackProblem(pack.path.as_posix(), 1, 1,
                                f"pack name {pack.name!r} is already used by {other.path.as_posix()}; "
                                "give each pack its own name")
                )
    ordered: list[RulePack] = []
    state: dict[int, str] = {}

    def visit(pack: RulePack, chain: tuple[str, ...]) -> None:
        key = id(pack)
        if state.get(key) == "done":
            return
        if state.get(key) == "active":
            line, column = pack.extends_at
            problems.append(
                PackProblem(pack.path.as_posix(), line, column,
                            f"pack {pack.name}: extends cycle {' -> '.join((*chain, pack.name))}")
            )
            return
        state[key] = "active"
        if pack.extends and (pack.extends == pack.name or all(o is pack for o in names.get(pack.extends, (None,)))):
            line, column = pack.extends_at
            problems.append(PackProblem(pack.path.as_posix(), line, column,
                                        f"pack {pack.name} extends itself; name the pack it builds on"))
        elif pack.extends:
            base = names.get(pack.extends)
            if base is None:
                line, column = pack.extends_at
                problems.append(
                    PackProblem(pack.path.as_posix(), line, column,
                                f"pack {pack.name} extends {pack.extends!r}, which is not loaded or installed "
                                f"(known: {', '.join(sorted(names))})")
                )
            else:
                for other in base:
                    if other is not pack:
                        visit(other, (*chain, pack.name))
        state[key] = "done"
        ordered.append(pack)

    for source in sources:
        for pack in source.packs:
            visit(pack, ())

    rules: dict[str, Rule] = {}
    for pack in ordered:
        for rule in pack.rules:
            if rule.id in rules:
                path, _, line = rule.source.rpartition(":")
                problems.append(
                    PackProblem(path, int(line or 1), 1,
                                f"rule id {rule.id} is defined twice: {rules[rule.id].source} and {rule.source}")
                )
                continue
            rules[rule.id] = rule

    disabled: set[str] = set()
    for pack in ordered:
        scope = {rule.id for other in _ancestors(pack, names) for rule in other.rules}
        for override in pack.overrides:
            if override.id not in rules:
                problems.append(PackProblem(override.path, override.line, override.column,
                                            f"pack {pack.name} overrides unknown rule {override.id}"))
                continue
            if override.id not in scope:
                problems.append(
                    PackProblem(override.path, override.line, override.column,
                                f"pack {pack.name} overrides {override.id} of pack {rules[override.id].pack}, "
                                f"which it does not extend (add `extends: {rules[override.id].pack}` "
                                "or extend a pack that does)")
                )
                continue
            if override.enabled is False:
                disabled.add(override.id)
            elif override.enabled is True:
                disabled.discard(override.id)  # a later pack may turn a rule back on
            changes: dict[str, Any] = {}
            if override.severity is not None:
                changes["severity"] = override.severity
            if override.level is not None:
                changes["level"] = override.level
            if override.applies_when is not None:
                changes["applies_when"] = override.applies_when
            rules[override.id] = replace(rules[override.id], **changes)
    problems.extend(_blocked_by_problems(rules))
    kept = tuple(sorted((r for r in rules.values() if r.id not in disabled), key=lambda r: r.id))
    return RuleSet(kept, tuple(ordered)), problems


def _blocked_by_problems(rules: Mapping[str, Rule]) -> list[PackProblem]:
    """`blocked_by` names known rules (a disabled rule is known: it then blocks nothing) and has no
    cycle (two rules blocking each other would both be moot whenever either fails)."""
    problems: list[PackProblem] = []

    def where(rule: Rule) -> tuple[str, int]:
        path, _, line = rule.source.rpartition(":")
        return path, int(line) if line.isdigit() else 1

    for rule in rules.values():
        for blocker in rule.blocked_by:
            if blocker not in rules:
                problems.append(PackProblem(*where(rule), 1, f"rule {rule.id}: blocked_by names unknown rule {blocker}"))
    state: dict[str, str] = {}

    def visit(rule_id: str, chain: tuple[str, ...]) -> None:
        if state.get(rule_id) == "done" or rule_id not in rules:
            return
        if state.get(rule_id) == "active":
            cycle = chain[chain.index(rule_id):]
            rule = rules[rule_id]
            problems.append(PackProblem(*where(rule), 1, f"rule {rule_id}: blocked_by cycle {' -> '.join((*cycle, rule_id))}"))
            return
        state[rule_id] = "active"
        for blocker in rules[rule_id].blocked_by:
            visit(blocker, (*chain, rule_id))
        state[rule_id] = "done"

    for rule_id in sorted(rules):
        visit(rule_id, ())
    return problems


def _ancestors(pack: RulePack, names: Mapping[str, list[RulePack]]) -> list[RulePack]:
    found: list[RulePack] = []
    stack = [pack]
    while stack:
        current = stack.pop()
        if any(current is seen for seen in found):
            continue
        found.append(current)
        if current.extends:
            stack.extend(names.get(current.extends, ()))
    return found


def problems_text(problems: Iterable[PackProblem]) -> list[str]:
    return [str(p) for p in sorted(set(problems), key=lambda p: (p.path, p.line, p.column, p.message))]


def pack_error(problems: Iterable[PackProblem]) -> RulePackError:
    """One error for every problem, a line each (values in them cannot add lines of their own)."""
    return RulePackError("broken rule pack:", details=tuple(problems_text(problems)))
