"""Benchmark `mlprodlint portfolio` on N synthetic JSON reports (default 5,000), run by hand:

    .venv/bin/python bench/portfolio.py [--services 5000] [--repeat 3]

Writes the reports to bench/.corpus/portfolio-N/ (gitignored; delete it to rebuild): real
`check --format json` reports of the three examples, each copied N/3 times with its own
repository, commit and commit date. Then times, as whole processes, (1) the floor: a Python
process that only `json.load`s every report once, and (2) `mlprodlint portfolio` (JSON output),
and (3) the same with `--previous` over the same folder (trend: finding keys kept), and prints
wall time (median) and peak RSS (the child's getrusage high-water mark).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "bench" / ".corpus"
EXAMPLES = ("fraud-scoring", "churn-batch", "recsys-experiment")
FLOOR = "import json,pathlib,sys\nfor p in sorted(pathlib.Path(sys.argv[1]).glob('*.json')): json.loads(p.read_text())\n"


def build(count: int) -> Path:
    target = CORPUS / f"portfolio-{count}"
    if (target / ".done").exists():
        return target
    target.mkdir(parents=True, exist_ok=True)
    templates = []
    for example in EXAMPLES:
        completed = subprocess.run(
            [sys.executable, "-m", "mlprodlint", "check", str(ROOT / "examples" / example), "--format", "json",
             "--today", "2026-11-26", "--no-cache"], capture_output=True, text=True, cwd=ROOT, check=False,
        )
        templates.append(json.loads(completed.stdout))
    for index in range(count):
        document = json.loads(json.dumps(templates[index % len(templates)]))
        document["source"] = {
            "repository": f"https://git.example.com/org/repo-{index:05d}",
            "commit": f"{index:040x}",
            "commit_date": f"2026-{1 + index % 12:02d}-{1 + index % 28:02d}T10:00:00+00:00",
            "judged_on": "2026-11-26",
        }
        for manifest in document["manifests"]:
            manifest["team"] = f"team-{index % 40:02d}"
        (target / f"report-{index:05d}.json").write_text(json.dumps(document), encoding="utf-8")
    (target / ".done").write_text("", encoding="utf-8")
    return target


def timed(command: list[str]) -> tuple[float, float]:
    """(seconds, peak RSS MiB) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if completed.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({completed.returncode}): {completed.stderr[-2000:]}")
    # ru_maxrss of RUSAGE_CHILDREN is the largest child so far; run the lighter commands first.
    peak = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before) / 1024
    return seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--services", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    folder = build(args.services)
    size = sum(p.stat().st_size for p in folder.glob("*.json")) / 2**20
    print(f"{args.services} reports, {size:.0f} MiB of JSON in {folder}")
    with tempfile.TemporaryDirectory() as out:
        cases = [
            ("floor: json.load every report", [sys.executable, "-c", FLOOR, str(folder)]),
            ("portfolio --format json", [sys.executable, "-m", "mlprodlint", "portfolio", str(folder), "--format", "json",
                                         "-o", f"{out}/p.json"]),
            ("portfolio --previous (trend)", [sys.executable, "-m", "mlprodlint", "portfolio", str(folder), "--previous",
                                              str(folder), "--format", "json", "-o", f"{out}/t.json"]),
            ("portfolio --format html", [sys.executable, "-m", "mlprodlint", "portfolio", str(folder), "-o", f"{out}/p.html"]),
        ]
        for label, command in cases:
            runs = [timed(command) for _ in range(args.repeat)]
            seconds = statistics.median(r[0] for r in runs)
            print(f"{label:34s} {seconds:7.2f} s   peak RSS {max(r[1] for r in runs):6.0f} MiB")


if __name__ == "__main__":
    main()
