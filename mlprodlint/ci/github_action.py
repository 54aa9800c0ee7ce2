"""The run step of the GitHub Action (action.yml): check, annotate, summarise, set outputs, gate.

`python -m mlprodlint.ci.github_action` reads the action's inputs from `MLPRODLINT_*` variables
(action.yml maps them; inputs are never pasted into a shell script), runs `mlprodlint check`
once with annotations on stdout and the JSON, PR-comment and (when asked) SARIF reports written
from the same run, then

- appends the compact summary to `$GITHUB_STEP_SUMMARY` (at most 1 MiB, GitHub's limit per step;
  cut with a clear line when longer): annotations show only 10 of each kind per step;
- writes the outputs `verdict`, `level`, `manifests`, `errors`, `warnings`, `infos`, `waived`,
  `failing`, `not-ready` and `sarif` to `$GITHUB_OUTPUT`;
- exits with check's own exit code, so the step fails per the gate (--fail-on, --require-level).
"""

from __future__ import annotations

import json
import os
import shlex
import sys
import tempfile
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SUMMARY_LIMIT = 1024 * 1024  # bytes: GitHub rejects a larger step summary
_TRUNCATED = "\n\n**Summary cut at GitHub's 1 MiB step-summary limit: see the full report (SARIF or JSON artifact).**\n"
_LEVEL_ORDER = ("none", "bronze", "silver", "gold")


@dataclass(frozen=True)
class Inputs:
    paths: tuple[str, ...]
    fail_on: str
    require_level: str
    config: str
    extra_args: tuple[str, ...]
    sarif: str

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> "Inputs":
        def get(name: str) -> str:
            return environ.get(f"MLPRODLINT_{name}", "").strip()

        try:
            paths = tuple(shlex.split(get("PATHS"))) or (".",)
            extra = tuple(shlex.split(get("EXTRA_ARGS")))
        except ValueError as error:  # an unclosed quote
            raise SystemExit(f"mlprodlint action: paths/extra-args: {error}") from None
        return cls(paths, get("FAIL_ON"), get("REQUIRE_LEVEL"), get("CONFIG"), extra, get("SARIF"))

    def argv(self, json_path: Path, summary_path: Path) -> list[str]:
        argv = ["check", *self.paths, "--format", "github",
                "--output-format", f"json:{json_path}", "--output-format", f"comment:{summary_path}"]
        if self.sarif:
            argv += ["--output-format", f"sarif:{self.sarif}"]
        if self.fail_on:
            argv += ["--fail-on", self.fail_on]
        if self.require_level:
            argv += ["--require-level", self.require_level]
        if self.config:
            argv += ["--config", self.config]
        return [*argv, *self.extra_args]


def outputs_of(exit_code: int, report: Mapping[str, Any] | None, sarif: str) -> dict[str, str]:
    verdict = {0: "pass", 1: "fail"}.get(exit_code, "error")
    if report is None:
        return {"verdict": "error" if exit_code not in (0, 1) else verdict, "level": "", "manifests": "0",
                "errors": "0", "warnings": "0", "infos": "0", "waived": "0", "failing": "0", "not-ready": "0",
                "sarif": ""}
    summary = report["summary"]
    levels = [r["level"] or "none" for r in report["readiness"]]
    lowest = min(levels, key=_LEVEL_ORDER.index) if levels else "none"
    return {
        "verdict": verdict,
        "level": lowest,
        "manifests": str(summary["manifests"]),
        "errors": str(summary["by_severity"]["error"]),
        "warnings": str(summary["by_severity"]["warning"]),
        "infos": str(summary["by_severity"]["info"]),
        "waived": str(summary["waived"]),
        "failing": str(summary["failing"]),
        "not-ready": str(sum(1 for r in report["readiness"] if r["verdict"] == "not ready")),
        "sarif": sarif,
    }


def cap(text: str, limit: int = SUMMARY_LIMIT) -> str:
    """TEXT cut to at most LIMIT UTF-8 bytes, at a line break, with a line saying so."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    room = limit - len(_TRUNCATED.encode("utf-8"))
    head = data[:room].decode("utf-8", errors="ignore")
    return head[: head.rfind("\n") + 1] + _TRUNCATED


def _append(path: str, text: str) -> None:
    with open(path, "a", encoding="utf-8", newline="\n") as stream:
        stream.write(text)


def write_outputs(path: str, outputs: Mapping[str, str]) -> None:
    """name<<DELIMITER blocks (GitHub's multi-line form): a value can never start another output."""
    lines = []
    for name, value in outputs.items():
        delimiter = f"ghadelimiter_{uuid.uuid4()}"
        lines += [f"{name}<<{delimiter}", value, delimiter]
    _append(path, "\n".join(lines) + "\n")


def run(environ: Mapping[str, str], argv_extra: Sequence[str] = ()) -> int:
    from ..cli.main import main as cli_main

    inputs = Inputs.from_environ(environ)
    with tempfile.TemporaryDirectory(prefix="mlprodlint-action-") as folder:
        json_path, summary_path = Path(folder) / "report.json", Path(folder) / "summary.md"
        sys.stdout.flush()
        code = cli_main([*inputs.argv(json_path, summary_path), *argv_extra])
        report = json.loads(json_path.read_text(encoding="utf-8")) if json_path.exists() else None
        summary = summary_path.read_text(encoding="utf-8") if summary_path.exists() else (
            f"## mlprodlint could not run (exit {code})\n\nThe step log shows the error.\n"
        )
    if environ.get("GITHUB_STEP_SUMMARY"):
        _append(environ["GITHUB_STEP_SUMMARY"], cap(summary))
    if environ.get("GITHUB_OUTPUT"):
        write_outputs(environ["GITHUB_OUTPUT"], outputs_of(code, report, inputs.sarif if report else ""))
    return code


def main() -> None:
    sys.exit(run(os.environ))


if __name__ == "__main__":
    main()
