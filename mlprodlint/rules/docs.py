"""Regenerate docs/rules.md, the README rule list and rules/_snapshot.json from the rule packs.

    python -m mlprodlint.rules.docs          # rewrite both files
    python -m mlprodlint.rules.docs --check  # exit 1 (and say which) when they are out of date

Only the built-in packs and the engine rules are documented: organisation packs document
themselves with `mlprodlint rules --format markdown`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from .explain import all_rules, pack_versions, readme_block, replace_block, rules_markdown
from ..report.output import write_atomic
from .snapshot import SNAPSHOT_NAME, build
from .packs import PackRequest, load

REGENERATE = "python -m mlprodlint.rules.docs"


def generated(repo: Path) -> dict[Path, str]:
    """The expected content of every generated file under `repo`."""
    rule_set = load(PackRequest())
    rules = all_rules(rule_set)
    versions = pack_versions(rule_set)
    readme = repo / "README.md"
    return {
        repo / "docs" / "rules.md": rules_markdown(rules, versions),
        readme: replace_block(readme.read_text(encoding="utf-8"), readme_block(rules)),
        repo / "rules" / SNAPSHOT_NAME: snapshot_text(repo / "rules"),
    }


def snapshot_text(folder: Path) -> str:
    """rules/_snapshot.json from the packs parsed and validated in full (never from itself)."""
    from ..errors import RulePackError
    from ..load.manifest import Limits, load_manifest
    from .definitions import check_pack, pack_files

    files = pack_files(folder)
    for path in files:
        _, problems = check_pack(path, use_snapshot=False)
        if problems:
            raise RulePackError("; ".join(str(p) for p in problems))
    loaded = [load_manifest(path, path.as_posix(), Limits()) for path in files]
    return build(files, loaded)


def stale(repo: Path) -> list[Path]:
    out = []
    for path, text in generated(repo).items():
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current != text:
            out.append(path)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    repo = Path(__file__).resolve().parents[2]
    if args == ["--check"]:
        outdated = stale(repo)
        for path in outdated:
            print(f"{path.relative_to(repo).as_posix()} is out of date; run `{REGENERATE}`", file=sys.stderr)
        return 1 if outdated else 0
    if args:
        print(f"usage: {REGENERATE} [--check]", file=sys.stderr)
        return 2
    for path, text in generated(repo).items():
        write_atomic(path, text)
        print(f"wrote {path.relative_to(repo).as_posix()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
