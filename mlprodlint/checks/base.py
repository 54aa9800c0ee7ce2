"""The contract between rules and check functions.

A check function is small, pure and typed: it receives a read-only context and the rule's
arguments, and returns the violations it sees (none means the rule passes). It never executes
anything from the scanned repository and never touches the network.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Concatenate, TypeAlias


@dataclass(frozen=True)
class Violation:
    """Where in the manifest (JSON pointer) the rule is broken, and a detail for the message."""

    pointer: str
    detail: str = ""
    # For findings outside the manifest (e.g. a line in a referenced rules file).
    path: Path | None = None
    line: int | None = None
    column: int | None = None


@dataclass(frozen=True)
class NothingToCheck:
    """Yielded by a check that found nothing to examine (no DPIA declared, no catalog found).

    The rule is then `not_applicable` with this reason instead of a vacuous `pass`; a check that
    yields any Violation fails whatever else it yields.
    """

    reason: str


@dataclass(frozen=True)
class Examined:
    """Yielded by a check to say what it compared ("services/fraud/catalog-info.yaml:14,
    Resource fraud-gbm"): a passing result shows it, so a reader can see what the pass rests on.
    It also marks the rule as evaluated: with it, a NothingToCheck does not make the rule
    not_applicable."""

    what: str


@dataclass(frozen=True)
class CheckContext:
    manifest: Mapping[str, Any]
    manifest_path: Path
    repo_root: Path
    today: dt.date
    options: Mapping[str, Any] = field(default_factory=dict)
    # Repository facts computed once per repo and shared by all rules (git history, CODEOWNERS).
    repo_facts: Any = None

    @property
    def manifest_dir(self) -> Path:
        return self.manifest_path.parent


# A check takes the context positionally and the rule's `args` as keyword arguments (validated
# against CheckSpec.args_schema before the first call), and yields Violations (or NothingToCheck
# when there was nothing to examine; Examined to name what a pass rests on).
CheckFunction: TypeAlias = Callable[Concatenate[CheckContext, ...], Iterable["Violation | NothingToCheck | Examined"]]


def object_args(properties: Mapping[str, Any], required: Iterable[str] = ()) -> dict[str, Any]:
    """The JSON Schema of a check's arguments: these properties, these required, nothing else.

    The one helper the built-in specs use; plugins may use it too."""
    return {"type": "object", "properties": dict(properties), "required": list(required), "additionalProperties": False}


@dataclass(frozen=True)
class CheckSpec:
    """A registered check: the function, a JSON Schema for its arguments, one line of docs."""

    name: str
    function: CheckFunction
    args_schema: Mapping[str, Any]
    description: str
