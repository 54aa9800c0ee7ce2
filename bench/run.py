"""Benchmarks for issue 6, run by hand (never in CI): `/work/venv/bin/python bench/run.py`.

Builds a synthetic monorepo in bench/.corpus (gitignored) from the example manifests and prints
ratios measured in this one run:

  (a) one manifest, whole process: mlprodlint check (all rules) vs check-jsonschema
  (b) 1,000 manifests: mlprodlint --jobs auto vs check-jsonschema on the same files
  (c) second run with nothing changed (cache) vs first run
  (d) peak RSS for 100 vs 1,000 manifests

check-jsonschema is not a dependency: `pip install check-jsonschema` into the same venv first.
Each timing is the median of REPEAT runs of the real executables (wall clock).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "bench" / ".corpus"
BIN = Path(sys.executable).parent
MLPRODLINT = [sys.executable, "-m", "mlprodlint"]
CHECK_JSONSCHEMA = [str(BIN / "check-jsonschema"), "--schemafile", str(ROOT / "schemas" / "manifest.schema.json")]
TODAY = "2026-11-26"
CACHE = CORPUS / "cache"
os.environ["MLPRODLINT_CACHE_DIR"] = str(CACHE)  # keep the user's own cache out of the numbers
EXAMPLES = ("fraud-scoring", "churn-batch", "recsys-experiment")


def build(count: int) -> Path:
    """`count` services, cycling through the examples with unique names, in one git-less repo."""
    target = CORPUS / f"repo-{count}"
    if (target / ".done").exists():
        return target
    shutil.rmtree(target, ignore_errors=True)
    (target / ".git").mkdir(parents=True)
    for index in range(count):
        example = EXAMPLES[index % len(EXAMPLES)]
        service = target / "services" / f"svc-{index:04d}"
        shutil.copytree(ROOT / "examples" / example, service)
        manifest = service / "mlprodlint.yaml"
        text = manifest.read_text(encoding="utf-8")
        manifest.write_text(text.replace("name: ", f"name: svc{index:04d}-", 1), encoding="utf-8")
    (target / ".done").touch()
    return target


def byte_compile() -> None:
    """Compile mlprodlint's modules the way `pip install` does for a wheel.

    An editable checkout run with PYTHONDONTWRITEBYTECODE=1 (as on the dev machines) recompiles
    every module of the package on every start (~60 ms); users and check-jsonschema (whose own
    modules pip compiled) never pay that, so neither does this benchmark.
    """
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "mlprodlint")], check=True)


def manifests(repo: Path) -> list[str]:
    return sorted(str(p) for p in repo.rglob("mlprodlint.yaml"))


def timed(command: list[str], cwd: Path, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        done = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        times.append(time.perf_counter() - started)
        if done.returncode not in (0, 1):
            raise SystemExit(f"{command[:4]} failed ({done.returncode}): {done.stderr[-500:]}")
    return statistics.median(times)


def peak_rss_kib(command: list[str], cwd: Path) -> int:
    """Peak RSS of the largest process of the run (the child's own getrusage high-water mark)."""
    probe = (
        "import resource, subprocess, sys; "
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", probe, *command], cwd=cwd, capture_output=True, text=True)
    return int(out.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--large", type=int, default=1000)
    args = parser.parse_args()
    if not (BIN / "check-jsonschema").exists():
        raise SystemExit("install check-jsonschema into this venv first (pip install check-jsonschema)")
    byte_compile()
    small, large = build(100), build(args.large)
    common = ["check", "--today", TODAY, "--format", "json"]
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, repeat={args.repeat} (median wall time)")

    one = Path(manifests(small)[0])
    mine = timed([*MLPRODLINT, *common, "--no-cache", str(one)], small, args.repeat)
    theirs = timed([*CHECK_JSONSCHEMA, str(one)], small, args.repeat)
    print(f"(a) one manifest, no cache:    mlprodlint {mine:.3f}s  check-jsonschema {theirs:.3f}s  ratio {mine / theirs:.2f} (target <= 0.8)")
    warm = timed([*MLPRODLINT, *common, str(one)], small, args.repeat)  # first call fills the cache
    print(f"    one manifest, warm cache:  mlprodlint {warm:.3f}s  ratio {warm / theirs:.2f}")

    files = manifests(large)
    serial = timed([*MLPRODLINT, *common, "--no-cache", "--jobs", "1", "."], large, 1)
    mine = timed([*MLPRODLINT, *common, "--no-cache", "."], large, 1)
    theirs = timed([*CHECK_JSONSCHEMA, *files], large, 1)
    print(f"(b) {len(files)} manifests, no cache: mlprodlint --jobs auto {mine:.2f}s (serial {serial:.2f}s)  "
          f"check-jsonschema {theirs:.2f}s  ratio {mine / theirs:.2f} (target <= 0.5)")

    shutil.rmtree(CACHE, ignore_errors=True)
    first = timed([*MLPRODLINT, *common, "."], large, 1)
    second = timed([*MLPRODLINT, *common, "."], large, 1)
    print(f"(c) {len(files)} manifests, cache: first {first:.2f}s  second {second:.2f}s  speed-up {first / second:.1f}x (target >= 5)")

    rss_small = peak_rss_kib([*MLPRODLINT, *common, "--no-cache", "--jobs", "1", "."], small)
    rss_large = peak_rss_kib([*MLPRODLINT, *common, "--no-cache", "--jobs", "1", "."], large)
    print(f"(d) peak RSS (serial, --no-cache): 100 manifests {rss_small / 1024:.1f} MiB, "
          f"{len(files)} manifests {rss_large / 1024:.1f} MiB, ratio {rss_large / rss_small:.2f}")


if __name__ == "__main__":
    main()
