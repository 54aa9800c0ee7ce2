"""Issue 4.6: secrets in the manifest are error findings, located, and never echoed anywhere."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import TODAY, lint_json, run_cli, write

from mlprodlint.checks.secrets import find_tokens, literal_value, redact, secret_key
from mlprodlint.report import FORMATS

# Fake credentials, assembled at run time so that this file holds no token-shaped literal.
AWS = "AKIA" + "Q3EXAMPLE7KEYID9"
GITHUB = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
GITHUB_PAT = "github_pat_" + "11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz"
SLACK = "xoxb-" + "123456789012-abcdefABCDEF"
HOOK = "https://hooks.slack.com/services/" + "T0001/B0002/AbCdEfGhIjKlMnOp"
PASSWORD = "hunter2-correct-horse"
KEY_BODY = "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun"
SECRETS = (AWS, GITHUB, GITHUB_PAT, SLACK, HOOK, PASSWORD, KEY_BODY, "s3cr3tpw")


def _manifest() -> str:
    return f"""\
apiVersion: mlprodlint/v1
kind: Model
metadata: {{name: demo, lifecycle: production}}
ownership:
  team: "@acme/demo"
  contact: "{HOOK}"
# deploy token: {GITHUB}
x-deploy:
  aws_access_key_id: {AWS}
  db_password: {PASSWORD}
  apiToken: "{GITHUB_PAT}"
  notify: {SLACK}
  database_url: postgres://svc:s3cr3tpw@db.internal:5432/demo
  tls_private_key: |
    -----BEGIN RSA PRIVATE KEY-----
    {KEY_BODY}
    -----END RSA PRIVATE KEY-----
  client_secret: vault:secret/demo/client
  api_key: "${{DEMO_API_KEY}}"
  token_ttl: 3600
  password_policy: strict
security:
  secrets_management: vault
"""


def test_each_secret_is_found_where_it_is(tmp_path: Path) -> None:
    manifest = write(tmp_path / "mlprodlint.yaml", _manifest())
    result = lint_json(manifest, "--select", "SEC043", cwd=tmp_path)
    assert result.exit_code == 1
    found = {(f["line"], f["column"]): f["message"] for f in result.json()["findings"]}
    prefix = "Secret in the manifest: "
    assert found == {
        (6, 13): prefix + "a Slack webhook URL is written in the manifest under key `contact`",
        (7, 17): prefix + "a GitHub token is written in the manifest",
        (9, 22): prefix + "a AWS access key id is written in the manifest under key `aws_access_key_id`",
        (10, 3): prefix + "x-deploy.db_password holds a literal credential; reference it from a secret store instead",
        (11, 14): prefix + "a GitHub token is written in the manifest under key `apiToken`",
        (12, 11): prefix + "a Slack token is written in the manifest under key `notify`",
        (13, 32): prefix + "a URL with a password is written in the manifest under key `database_url`",
        (15, 5): prefix + "a private key is written in the manifest",
    }


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_no_output_format_echoes_a_secret(tmp_path: Path, fmt: str) -> None:
    # Also a schema error on a secret value (lifecycle must be one of the enum), and a secret in
    # the contact, which reports show in their summary of the manifest.
    text = _manifest().replace("lifecycle: production", f"lifecycle: {SLACK}")
    manifest = write(tmp_path / "mlprodlint.yaml", text)
    out = tmp_path / f"report.{fmt}"
    result = run_cli(["check", str(manifest), "--format", fmt, "--today", TODAY, "-o", str(out)], cwd=tmp_path)
    assert result.exit_code == 1, result.stderr
    rendered = out.read_text(encoding="utf-8") + result.stdout + result.stderr
    assert "SEC043" in rendered or "no-secrets-in-manifest" in rendered
    for secret in SECRETS:
        assert secret not in rendered, f"{fmt} output echoes a secret"


def test_schema_messages_are_redacted(tmp_path: Path) -> None:
    manifest = write(
        tmp_path / "mlprodlint.yaml",
        f"apiVersion: mlprodlint/v1\nkind: {GITHUB}\nmetadata: {{name: demo, lifecycle: {AWS}}}\n",
    )
    result = lint_json(manifest, "--select", "MPL", cwd=tmp_path)
    messages = [f["message"] for f in result.json()["findings"] if f["rule_id"] == "MPL002"]
    assert len(messages) == 2 and all("[REDACTED]" in m for m in messages)
    assert GITHUB not in result.stdout and AWS not in result.stdout


def test_clean_manifest_passes(tmp_path: Path) -> None:
    manifest = write(
        tmp_path / "mlprodlint.yaml",
        """\
        apiVersion: mlprodlint/v1
        kind: Model
        metadata: {name: demo, lifecycle: production}
        monitoring:
          dashboards: ["https://grafana.example.com/d/demo?token_id=panel"]
        x-runtime:
          password: "<set in vault>"
          api_token: env:DEMO_TOKEN
          db_url: postgres://svc:${DB_PASSWORD}@db:5432/demo
          secret_ref: arn:aws:secretsmanager:eu-west-1:123:secret:demo
        security: {secrets_management: vault}
        """,
    )
    result = lint_json(manifest, "--select", "SEC043", cwd=tmp_path)
    assert result.exit_code == 0 and result.json()["findings"] == []


@pytest.mark.parametrize(
    ("key", "is_secret"),
    [("password", True), ("dbPassword", True), ("api_key", True), ("x-api-key", True), ("client_secret", True),
     ("aws_secret_access_key", True), ("secrets_management", False), ("token_ttl", False), ("keyboard", False),
     ("password_policy", False), ("monkey", False)],
)
def test_secret_key_names(key: str, is_secret: bool) -> None:
    assert secret_key(key) is is_secret


@pytest.mark.parametrize(
    ("value", "literal"),
    [("hunter2", True), (1234, True), (True, False), ("${X}", False), ("<fill me>", False),
     ("vault:secret/x", False), ("***", False), ("", False)],
)
def test_literal_values(value: object, literal: bool) -> None:
    assert literal_value(value) is literal


def test_redact_keeps_the_rest_of_the_text() -> None:
    text = f"got '{GITHUB}' and https://u:pw@h/x and -----BEGIN PRIVATE KEY-----\n{KEY_BODY}"
    assert redact(text) == "got '[REDACTED]' and https://u:[REDACTED]@h/x and [REDACTED]"
    assert find_tokens("https://u:${PW}@h/ and AKIA-not-a-key") == []


def test_a_credential_used_as_a_key_is_not_echoed_in_the_pointer(tmp_path: Path) -> None:
    write(tmp_path / "mlprodlint.yaml", f"apiVersion: mlprodlint/v1\nkind: Model\nmetadata: {{name: d, lifecycle: experimental}}\n{GITHUB}: 1\n")
    result = lint_json(tmp_path, "--select", "MPL002", cwd=tmp_path)
    assert [(f["rule_id"], f["line"], f["pointer"]) for f in result.json()["findings"]] == [("MPL002", 4, "/[REDACTED]")]
    assert GITHUB not in result.stdout
