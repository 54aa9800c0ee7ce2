"""One RunRequest: every option applies in every mode (normal and changed-files)."""

from __future__ import annotations

from pathlib import Path

from conftest import TODAY, run_cli, write

PADDED = """
apiVersion: mlprodlint/v1
kind: Model
metadata:
  name: fraud
  lifecycle: production
  tier: 1
ownership:
  team: "@acme/fraud"
alerting:
  alerts:
    - name: high-error-rate
      runbook: shared/runbook.md#errors
""" + "# padding\n" * 150


def _repo(tmp_path: Path) -> Path:
    write(tmp_path / "services" / "fraud" / "mlprodlint.yaml", PADDED)
    write(tmp_path / "shared" / "runbook.md", "# Runbook\n\n## Errors\n\nRestart it.\n")
    write(tmp_path / ".mlprodlint.toml", "max_file_size = 1024\n")
    (tmp_path / ".git").mkdir()  # the config search stops here
    return tmp_path


def test_max_file_size_flag_applies_in_changed_files_mode(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    args = ["check", "--changed-files", "shared/runbook.md", "--format", "json", "--today", TODAY, "--select", "OWN001"]
    # The config's limit (1024 bytes) hides the manifest's reference to the runbook ...
    narrow = run_cli(args, cwd=repo)
    assert [m["path"] for m in narrow.json()["manifests"]] == []
    # ... the flag raises it for the changed-files selection too, not only for the lint.
    wide = run_cli([*args, "--max-file-size", "100000"], cwd=repo)
    assert wide.exit_code == 0, wide.stderr
    assert [m["path"] for m in wide.json()["manifests"]] == ["services/fraud/mlprodlint.yaml"]


def test_config_and_rules_dir_are_declared_once_with_one_help() -> None:
    import click

    from mlprodlint.cli.main import cli

    context = click.Context(cli)
    helps: dict[str, set[str | None]] = {"config_path": set(), "rules_dir": set()}
    for name in ("check", "report", "rules", "explain"):
        command = cli.get_command(context, name)
        assert command is not None
        for param in command.params:
            if param.name in helps:
                helps[param.name].add(getattr(param, "help", None))
    assert all(len(texts) == 1 for texts in helps.values()), helps


def test_usage_errors_come_before_the_configuration_is_read(tmp_path: Path) -> None:
    write(tmp_path / ".mlprodlint.toml", "this is not toml\n")
    result = run_cli(["check", ".", "--max-file-size", "0"], cwd=tmp_path)
    assert result.exit_code == 2
    assert "--max-file-size: must be a positive number of bytes" in result.stderr
