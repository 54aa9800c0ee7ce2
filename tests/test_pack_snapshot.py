"""rules/_snapshot.json: the built-in packs' parse, used only when it matches the pack bytes exactly."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import REPO_ROOT

from mlprodlint.rules import snapshot as pack_snapshot
from mlprodlint.rules.packs import PackRequest, load
from mlprodlint.rules.definitions import check_pack, pack_files
from mlprodlint.resources import builtin_rules_dir


@pytest.fixture
def fresh_snapshot() -> object:
    pack_snapshot._entries.cache_clear()
    yield
    pack_snapshot._entries.cache_clear()


def test_every_builtin_pack_is_in_the_snapshot_and_loads_identically(fresh_snapshot: object) -> None:
    for path in pack_files(builtin_rules_dir()):
        assert pack_snapshot.lookup(path) is not None, f"{path.name} misses the snapshot"
        assert check_pack(path) == check_pack(path, use_snapshot=False)


def test_a_copy_outside_the_builtin_folder_is_validated_in_full(tmp_path: Path, fresh_snapshot: object) -> None:
    copy = tmp_path / "ownership.yaml"
    shutil.copy(REPO_ROOT / "rules" / "ownership.yaml", copy)
    assert pack_snapshot.lookup(copy) is None


def test_an_edited_builtin_pack_misses_the_snapshot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_snapshot: object) -> None:
    folder = tmp_path / "rules"
    shutil.copytree(REPO_ROOT / "rules", folder)
    monkeypatch.setattr(pack_snapshot, "builtin_rules_dir", lambda: folder)
    pack = folder / "ownership.yaml"
    assert pack_snapshot.lookup(pack) is not None
    text = pack.read_text(encoding="utf-8")
    pack.write_text(text.replace("severity: error", "severity: bogus", 1), encoding="utf-8")
    assert pack_snapshot.lookup(pack) is None
    loaded, problems = check_pack(pack)  # the edit is seen, and validated
    assert loaded is None and any("bogus" in p.message for p in problems)


def test_a_snapshot_of_another_format_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_snapshot: object) -> None:
    folder = tmp_path / "rules"
    shutil.copytree(REPO_ROOT / "rules", folder)
    (folder / pack_snapshot.SNAPSHOT_NAME).write_text('{"format": 0, "packs": {}}', encoding="utf-8")
    monkeypatch.setattr(pack_snapshot, "builtin_rules_dir", lambda: folder)
    assert pack_snapshot.lookup(folder / "ownership.yaml") is None
    def without_source(folder: Path) -> list[object]:
        return [replace(rule, source=rule.source.rpartition(":")[2]) for rule in load(PackRequest(folders=(folder,), builtin=False)).rules]

    assert without_source(folder) == without_source(builtin_rules_dir())
