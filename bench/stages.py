"""CPU per manifest by stage, in one process: `python bench/stages.py DIR` (called by run.py).

Runs the real `check DIR --format json --no-cache --jobs 1` in-process with timers (CPU time of
this process) around the engine's stages:

  parse     reading and parsing the manifest (yamlsafe via engine.load_manifest)
  schema    the JSON Schema validation
  rules     field rules (checks that only read the manifest)
  evidence  evidence rules (checks that read the repository: files, YAML side files, git)
  render    the JSON report, written to a file
  other     start-up, discovery, rule packs, waivers, merging

Side-file YAML parsing (rules files, catalogs, model cards) happens inside evidence checks; it is
also shown on its own line ("of which side-file YAML").
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

START = time.process_time()
spent: dict[str, float] = defaultdict(float)


def timed(stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            spent[stage] += time.process_time() - started

    return wrapper


def main(directory: str) -> None:
    from mlprodlint.engine import lint as engine
    from mlprodlint import report
    from mlprodlint.load import yamlsafe
    from mlprodlint.checks import registry
    from mlprodlint.cli.main import main as cli_main

    evidence = {spec.name for spec in registry.EVIDENCE}
    engine.load_manifest = timed("parse", engine.load_manifest)
    engine.validate = timed("schema", engine.validate)
    run_check = engine._run_check

    def classified(rule: Any, *args: Any) -> Any:
        return timed("evidence" if rule.check in evidence else "rules", run_check)(rule, *args)

    engine._run_check = classified
    original_parse = yamlsafe.parse_documents

    def side_parse(*args: Any, **kwargs: Any) -> Any:
        return timed("side-yaml", original_parse)(*args, **kwargs)

    yamlsafe.parse_documents = side_parse
    report.render_all = timed("render", report.render_all)
    if hasattr(report, "write_all"):
        report.write_all = timed("render", report.write_all)
    import mlprodlint.cli.main as cli

    report.write_report = timed("render", report.write_report)
    for name in ("render_all", "write_all", "write_report"):
        if hasattr(cli, name):
            setattr(cli, name, getattr(report, name))
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "report.json"
        code = cli_main(["check", directory, "--format", "json", "--no-cache", "--jobs", "1", "-o", str(out), "--today", "2026-11-26"])
    total = time.process_time() - START
    count = sum(1 for _ in Path(directory).rglob("mlprodlint.yaml"))
    # The manifest's own parse goes through parse_documents too: count it under parse only.
    side = max(0.0, spent.pop("side-yaml", 0.0) - spent["parse"])
    staged = sum(spent.values())
    spent["other"] = total - staged
    print(f"  CPU per manifest by stage ({count} manifests, one process, exit {code}):")
    for stage in ("parse", "schema", "rules", "evidence", "render", "other"):
        print(f"    {stage:<9} {spent[stage] * 1000 / count:7.2f} ms")
    print(f"    {'total':<9} {total * 1000 / count:7.2f} ms   (of which side-file YAML inside evidence: {side * 1000 / count:.2f} ms)")


if __name__ == "__main__":
    main(sys.argv[1])
