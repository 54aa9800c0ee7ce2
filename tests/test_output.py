"""Atomic report writing: whole file or nothing, with ordinary permissions."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from mlprodlint.errors import OutputError
from mlprodlint.report.output import write_atomic


def test_written_file_follows_the_umask(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        write_atomic(tmp_path / "report.html", "<p>ok</p>")
    finally:
        os.umask(previous)
    assert (tmp_path / "report.html").read_text() == "<p>ok</p>"
    assert stat.S_IMODE((tmp_path / "report.html").stat().st_mode) == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_missing_folder_is_an_error_and_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="folder .* does not exist"):
        write_atomic(tmp_path / "nope" / "report.html", "x")
    assert list(tmp_path.iterdir()) == []


def test_directory_target_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "report.html").mkdir()
    with pytest.raises(OutputError, match="is a directory"):
        write_atomic(tmp_path / "report.html", "x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_failure_while_writing_leaves_old_file_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old")


    with pytest.raises(TypeError):
        write_atomic(target, 42)  # type: ignore[arg-type]  # write() of a non-str raises mid-way
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]
