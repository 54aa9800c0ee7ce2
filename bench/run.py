"""Speed benchmark, run by hand (never in CI): `.venv/bin/python bench/run.py`.

mlprodlint against check-jsonschema in its best configuration (ruamel.yaml with its C extension),
interleaved in one run: each repetition runs both tools back to back, alternating which goes
first, so that load from other processes on a shared machine hits both alike. Prints wall and CPU
time (user + sys of the process and its workers) and the ratios the speed issue sets targets for:

  one manifest, cold                 mlprodlint / check-jsonschema      target <= 0.6
  1,000 manifests, cold              mlprodlint / check-jsonschema      target <= 1.0 (stretch 0.7)
  1,000 manifests, warm cache        second run / first run             target <= 0.1
  peak RSS, 5,000 vs 100 manifests   largest process                    target <= 1.5
  per-manifest CPU by stage          parse, schema, rules, evidence, render (bench/stages.py)

The corpus is N copies of examples/fraud-scoring (unique names) in one git repository under
bench/.corpus (gitignored; delete it to rebuild). check-jsonschema is installed from the registry
into its own venv, bench/.corpus/peer-venv, with `ruamel.yaml[oldlibyaml]` (libyaml).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "bench" / ".corpus"
PEER_VENV = CORPUS / "peer-venv"
SCHEMA = ROOT / "schemas" / "manifest.schema.json"
TODAY = "2026-11-26"
MLPRODLINT = [sys.executable, "-m", "mlprodlint", "check", "--format", "json", "--today", TODAY]


def corpus(count: int) -> Path:
    """`count` copies of examples/fraud-scoring with unique names, committed in one git repo."""
    target = CORPUS / f"repo-{count}"
    if (target / ".done").exists():
        return target
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for index in range(count):
        service = target / "services" / f"svc-{index:05d}"
        shutil.copytree(ROOT / "examples" / "fraud-scoring", service)
        manifest = service / "mlprodlint.yaml"
        text = manifest.read_text(encoding="utf-8")
        manifest.write_text(text.replace("name: ", f"name: s{index:05d}-", 1), encoding="utf-8")
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q", "."], cwd=target, check=True)
    subprocess.run([*git, "add", "-A"], cwd=target, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "corpus"], cwd=target, check=True)
    (target / ".done").touch()
    return target


def peer() -> list[str]:
    """check-jsonschema with libyaml, in its own venv (installed once from the registry)."""
    binary = PEER_VENV / "bin" / "check-jsonschema"
    if not binary.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
        subprocess.run([str(PEER_VENV / "bin" / "pip"), "install", "-q", "check-jsonschema", "ruamel.yaml[oldlibyaml]"], check=True)
        # pip compiles the installed modules, so both tools start from byte code.
    probe = "from ruamel.yaml import YAML; import _ruamel_yaml; print(YAML(typ='safe').Parser.__name__)"
    parser = subprocess.run([str(PEER_VENV / "bin" / "python"), "-c", probe], capture_output=True, text=True)
    if parser.stdout.strip() != "CParser":
        raise SystemExit(f"check-jsonschema's ruamel.yaml does not use libyaml: {parser.stdout}{parser.stderr}")
    return [str(binary), "--schemafile", str(SCHEMA)]


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float


def run(command: list[str], cwd: Path) -> Timing:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{command[:4]} failed ({done.returncode}): {done.stderr[-800:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timing(wall, cpu)


def pairs(ours: list[str], theirs: list[str], cwd: Path, repeat: int) -> tuple[list[Timing], list[Timing]]:
    mine: list[Timing] = []
    peers: list[Timing] = []
    for index in range(repeat):
        if index % 2 == 0:
            mine.append(run(ours, cwd))
            peers.append(run(theirs, cwd))
        else:
            peers.append(run(theirs, cwd))
            mine.append(run(ours, cwd))
    return mine, peers


def median(timings: list[Timing], what: str) -> float:
    return statistics.median(getattr(t, what) for t in timings)


def report(name: str, mine: list[Timing], peers: list[Timing], target: str) -> None:
    for what in ("wall", "cpu"):
        ours, theirs = median(mine, what), median(peers, what)
        # The ratio of each interleaved pair, then its median: robust to a slow moment.
        ratio = statistics.median(getattr(a, what) / getattr(b, what) for a, b in zip(mine, peers))
        print(f"  {name:<26} {what:<4} mlprodlint {ours:7.3f}s  check-jsonschema {theirs:7.3f}s  "
              f"ratio {ratio:5.2f}  (target {target}, n={len(mine)})")


def peak_rss_mib(command: list[str], cwd: Path) -> float:
    """Peak RSS of the largest process of one run (getrusage of a fresh parent)."""
    probe = (
        "import resource, subprocess, sys; "
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", probe, *command], cwd=cwd, capture_output=True, text=True, check=True)
    return int(out.stdout.strip()) / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7, help="interleaved pairs for one manifest")
    parser.add_argument("--repeat-large", type=int, default=3, help="interleaved pairs for the large corpus")
    parser.add_argument("--large", type=int, default=1000)
    parser.add_argument("--huge", type=int, default=5000, help="manifests for the peak-RSS case")
    parser.add_argument("--skip", default="", help="comma-separated cases to skip: one,large,warm,rss,stages")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    peer_command = peer()
    # As `pip install` does for a wheel: an editable checkout run with PYTHONDONTWRITEBYTECODE=1
    # would recompile mlprodlint on every start, which users never pay.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "mlprodlint")], check=True)
    env_note = os.environ.get("BENCH_NOTE", "")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs {env_note}".rstrip())
    cache = CORPUS / "cache"
    os.environ["MLPRODLINT_CACHE_DIR"] = str(cache)  # never the user's own cache

    small = corpus(100)
    one = small / "services" / "svc-00000" / "mlprodlint.yaml"
    if "one" not in skip:
        mine, theirs = pairs([*MLPRODLINT, "--no-cache", str(one)], [*peer_command, str(one)], small, args.repeat)
        report("one manifest, cold", mine, theirs, "<= 0.6")
    large = corpus(args.large)
    files = sorted(str(p) for p in (large / "services").glob("*/mlprodlint.yaml"))
    if "large" not in skip:
        mine, theirs = pairs([*MLPRODLINT, "--no-cache", "."], [*peer_command, *files], large, args.repeat_large)
        report(f"{len(files)} manifests, cold", mine, theirs, "<= 1.0, stretch 0.7")
    if "warm" not in skip:
        colds, warms = [], []
        for _ in range(args.repeat_large):
            shutil.rmtree(cache, ignore_errors=True)
            colds.append(run([*MLPRODLINT, "."], large))
            warms.append(run([*MLPRODLINT, "."], large))
        for what in ("wall", "cpu"):
            ratio = statistics.median(getattr(w, what) / getattr(c, what) for c, w in zip(colds, warms))
            print(f"  {len(files)} manifests, warm/cold  {what:<4} cold {median(colds, what):7.3f}s  warm "
                  f"{median(warms, what):7.3f}s  ratio {ratio:5.2f}  (target <= 0.1)")
        one_cold = run([*MLPRODLINT, str(one)], small)
        one_warm = run([*MLPRODLINT, str(one)], small)
        print(f"  one manifest, warm/cold    wall cold {one_cold.wall:7.3f}s  warm {one_warm.wall:7.3f}s")
    if "rss" not in skip:
        huge = corpus(args.huge)
        low = peak_rss_mib([*MLPRODLINT, "--no-cache", "-o", str(CORPUS / "out-100.json"), "."], small)
        high = peak_rss_mib([*MLPRODLINT, "--no-cache", "-o", str(CORPUS / f"out-{args.huge}.json"), "."], huge)
        print(f"  peak RSS                   100 manifests {low:6.1f} MiB, {args.huge} manifests {high:6.1f} MiB, "
              f"ratio {high / low:5.2f}  (target <= 1.5)")
    if "stages" not in skip:
        subprocess.run([sys.executable, str(ROOT / "bench" / "stages.py"), str(small)], check=True)


if __name__ == "__main__":
    main()
