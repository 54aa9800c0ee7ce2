"""Evidence rules (040-079 of each area): exact findings with the files around the manifest.

Cases named `git-...` run in a real git repository whose single commit (manifest and files) is
dated GIT_DATES[name]; every other case runs through the shared `run_case`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
from conftest import findings_of, lint_json, write
from helpers import RuleCase, case, case_ids, head, run_case, run_case_cli, cli_samples

PROSE = (
    "Check the dashboards first, split the errors by pod and status code, and roll back when a "
    "deploy started it. Call the feature platform on-call engineer when the errors come from the "
    "feature store client, and post in the incident channel within fifteen minutes.\n"
)
DOC = f"# Document\n\n## Rollback\n\n{PROSE}"
TEMPLATE = "# Document\n\n## Purpose\n\nTODO\n\n## Details\n\nTBD\n"
H = head()
RULES_OK = """\
groups:
  - name: svc
    rules:
      - alert: SvcHighErrorRate
        expr: sum(rate(http_requests_total{code=~"5.."}[5m])) > 1
        labels: {severity: page}
        annotations: {runbook_url: "https://runbooks.example.com/svc"}
"""
CARD_OK = "---\nlicense: mit\ndatasets: [acme/tx]\nmetrics: [roc_auc]\n---\n# Card\n"
SIGNED = H + "  paths: [src/]\nsecurity:\n  signoff:\n    by: a@acme.com\n    date: 2026-03-01\n"
APPROVED = H + "  paths: [src/]\ngovernance:\n  approvals:\n    - {role: product, by: a@acme.com, date: 2026-03-01}\n"
TEAM = H + 'ownership:\n  team: "@acme/svc"\n'
GIT_DATES = {"git-code-changed-after": "2026-04-02T10:00:00+00:00", "git-code-changed-before": "2026-02-01T10:00:00+00:00"}

CASES: list[RuleCase] = [
    # GOV040 governance-docs-exist
    case("GOV040", H + "governance:\n  model_card: docs/card.md\n", files={"docs/card.md": DOC}),
    case("GOV040", H + "governance:\n  model_card: https://wiki.example.com/card\n", name="url-not-fetched"),
    case("GOV040", H + "governance:\n  model_card: docs/card.md\n", 8, name="missing"),
    case("GOV040", H + "governance:\n  rollback_plan: docs/card.md#roll-back\n", 8, name="anchor",
         files={"docs/card.md": DOC}),
    case("GOV040", H + "governance:\n  lineage: ../lineage.md\n", 8, name="leaves-repo"),
    # GOV045 code-paths-exist (metadata.paths is line 7, its entries from line 8)
    case("GOV045", H + "  paths:\n    - src/\n    - \"lib/**/*.py\"\n",
         files={"src/a.py": "x = 1\n", "lib/deep/er/f.py": "y = 2\n"}),
    case("GOV045", H + "  paths:\n    - src/\n    - pipeline/*.py\n    - gone/\n", 9, 10, name="no-file",
         files={"src/a.py": "x = 1\n", "pipeline/README.md": "# p\n"}),
    case("GOV045", H + "  paths: [/srv/code]\n", 7, name="absolute"),
    # GOV041 governance-docs-not-templates
    case("GOV041", H + "governance:\n  datasheet: docs/d.md\n", files={"docs/d.md": DOC}),
    case("GOV041", H + "governance:\n  datasheet: docs/d.md\n", 8, name="template", files={"docs/d.md": TEMPLATE}),
    # CMP040 dpia-exists
    case("CMP040", H + "compliance:\n  dpia: docs/dpia.md\n", files={"docs/dpia.md": DOC}),
    case("CMP040", H + "compliance:\n  dpia: /srv/dpia.md\n", 8, name="absolute"),
    # CMP041 dpia-not-template
    case("CMP041", H + "compliance:\n  dpia: docs/dpia.md\n", files={"docs/dpia.md": DOC}),
    case("CMP041", H + "compliance:\n  dpia: docs/dpia.md\n", 8, name="template", files={"docs/dpia.md": TEMPLATE}),
    # SEC040 threat-model-exists
    case("SEC040", H + "security:\n  threat_model: docs/tm.md\n", files={"docs/tm.md": DOC}),
    case("SEC040", H + "security:\n  threat_model: docs/tm.md\n", 8, name="missing"),
    # SEC041 threat-model-not-template
    case("SEC041", H + "security:\n  threat_model: docs/tm.md\n", files={"docs/tm.md": DOC}),
    case("SEC041", H + "security:\n  threat_model: docs/tm.md\n", 8, name="template", files={"docs/tm.md": TEMPLATE}),
    # ALR040 alerting-evidence-exists
    case("ALR040", H + "alerting:\n  rules_file: monitoring/alerts.yaml\n", files={"monitoring/alerts.yaml": RULES_OK}),
    case("ALR040", H + "alerting:\n  rules_file: monitoring/alerts.yaml\n", 8, name="missing"),
    # MON040 dashboard-files-exist
    case("MON040", H + "monitoring:\n  dashboards: [monitoring/dashboards/svc.json]\n",
         files={"monitoring/dashboards/svc.json": "{}\n"}),
    case("MON040", H + "monitoring:\n  dashboards: [https://grafana.example.com/d/svc]\n", name="url-not-fetched"),
    case("MON040", H + "monitoring:\n  dashboards:\n    - https://grafana.example.com/d/svc\n"
         "    - monitoring/dashboards/svc.json\n", 10, name="missing"),
    case("MON040", H + "monitoring:\n  dashboards: [../shared/svc.json]\n", 8, name="leaves-repo"),
    # ALR041 runbooks-not-templates
    case("ALR041", H + "alerting:\n  alerts:\n    - {name: A, severity: ticket, signal: x, runbook: docs/rb.md}\n",
         files={"docs/rb.md": DOC}),
    case("ALR041", H + "alerting:\n  alerts:\n    - {name: A, severity: ticket, signal: x, runbook: docs/rb.md}\n", 9,
         name="template", files={"docs/rb.md": TEMPLATE}),
    # ALR042 rules-file-valid
    case("ALR042", H + "alerting:\n  rules_file: alerts.yaml\n", files={"alerts.yaml": RULES_OK}),
    case("ALR042", H + "alerting:\n  rules_file: alerts.yaml\n", 4, name="no-expr",
         files={"alerts.yaml": "groups:\n  - name: svc\n    rules:\n      - alert: A\n        for: 5m\n"}),
    # ALR043 slo-alert-coverage
    case("ALR043", H + "sla:\n  availability: 99.9\nalerting:\n  rules_file: alerts.yaml\n", files={"alerts.yaml": RULES_OK}),
    case("ALR043", H + "sla:\n  availability: 99.9\n  latency_p99_ms: 80\nalerting:\n  rules_file: alerts.yaml\n", 9,
         name="latency-uncovered", files={"alerts.yaml": RULES_OK}),
    case("ALR043", H + "sla:\n  freshness_hours: 24\n", 8, name="no-alerts"),
    # ALR044 paging-alert-runbook
    case("ALR044", H + "alerting:\n  rules_file: alerts.yaml\n", files={"alerts.yaml": RULES_OK}),
    case("ALR044", H + "alerting:\n  rules_file: alerts.yaml\n", 4, name="pager-without-runbook",
         files={"alerts.yaml": RULES_OK.replace('        annotations: {runbook_url: "https://runbooks.example.com/svc"}\n', "")}),
    # ALR045 rules-file-not-template
    case("ALR045", H + "alerting:\n  rules_file: alerts.yaml\n", files={"alerts.yaml": RULES_OK}),
    case("ALR045", H + "alerting:\n  rules_file: alerts.yaml\n", 5, name="helm",
         files={"alerts.yaml": RULES_OK.replace("> 1", "> {{ .Values.errorRate }}")}),
    # OWN040 team-in-codeowners
    case("OWN040", TEAM, files={"CODEOWNERS": "* @acme/svc\n"}),
    case("OWN040", TEAM, 8, name="other-owner", files={"CODEOWNERS": "* @acme/svc\n/mlprodlint.yaml @acme/platform\n"}),
    case("OWN040", TEAM, 8, name="no-codeowners"),
    # OWN041 catalog-owner-agrees
    case("OWN041", TEAM, files={"catalog-info.yaml": "kind: Component\nspec: {owner: group:default/svc}\n"}),
    case("OWN041", TEAM, 8, name="other-owner", files={"catalog-info.yaml": "kind: Component\nspec: {owner: payments}\n"}),
    # OWN042 catalog-lifecycle-agrees
    case("OWN042", TEAM, files={"catalog-info.yaml": "kind: Component\nspec: {lifecycle: production}\n"}),
    case("OWN042", TEAM, 5, name="experimental",
         files={"catalog-info.yaml": "kind: Component\nspec: {lifecycle: experimental}\n"}),
    # SEC042 signoff-after-code-change (git- cases run in a real repository)
    case("SEC042", SIGNED, name="no-git", files={"src/a.py": "A = 1\n"}),
    case("SEC042", SIGNED, name="git-code-changed-before", files={"src/a.py": "A = 1\n"}),
    case("SEC042", SIGNED, 11, name="git-code-changed-after", files={"src/a.py": "A = 1\n"}),
    # GOV042 approvals-after-code-change
    case("GOV042", APPROVED, name="git-code-changed-before", files={"src/a.py": "A = 1\n"}),
    case("GOV042", APPROVED, 10, name="git-code-changed-after", files={"src/a.py": "A = 1\n"}),
    # GOV043 model-card-metadata
    case("GOV043", H + "governance:\n  model_card: card.md\n", files={"card.md": CARD_OK}),
    case("GOV043", H + "governance:\n  model_card: card.md\n", 1, name="no-license",
         files={"card.md": CARD_OK.replace("license: mit\n", "")}),
    # GOV044 monitored-metrics-in-card
    case("GOV044", H + "monitoring:\n  model_metrics: [roc_auc]\n", files={"README.md": CARD_OK}),
    case("GOV044", H + "monitoring:\n  model_metrics: [roc_auc, lift]\n", 8, name="unreported",
         files={"README.md": CARD_OK}),
    # SEC043 no-secrets-in-manifest
    case("SEC043", H + "x-runtime:\n  db_password: vault:secret/svc/db\n"),
    case("SEC043", H + "x-runtime:\n  db_password: correct-horse-battery\n", 8, name="literal-password"),
    case("SEC043", H + "# slack: https://hooks.slack.com/services/" + "T000/B000/abcdefXYZ\n", 7, name="webhook-in-comment"),
]


def _git(repo: Path, *args: str, date: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update({"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(repo)})
    subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", *args],
        cwd=repo, env=env, check=True, capture_output=True,
    )


def run_git_case(item: RuleCase, tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    manifest = write(tmp_path / "mlprodlint.yaml", textwrap.dedent(item.manifest_yaml))
    for relative, text in item.files:
        write(tmp_path / relative, text)
    date = GIT_DATES[item.name]
    _git(tmp_path, "init", "-q", date=date)
    _git(tmp_path, "add", "-A", date=date)
    _git(tmp_path, "commit", "-q", "-m", "code", date=date)
    result = lint_json(manifest, "--select", item.rule_id, "--fail-on", "info", cwd=tmp_path)
    assert findings_of(result) == set(item.expected), "\n" + result.stdout
    assert result.exit_code == (1 if item.expected else 0), result.stdout


@pytest.mark.parametrize("item", CASES, ids=case_ids(CASES))
def test_evidence_rule(item: RuleCase, tmp_path: Path) -> None:
    if item.name.startswith("git-"):
        run_git_case(item, tmp_path)
    else:
        run_case(item, tmp_path)


CLI_SAMPLES = cli_samples(c for c in CASES if not c.name.startswith("git-"))


@pytest.mark.parametrize("item", CLI_SAMPLES, ids=case_ids(CLI_SAMPLES))
def test_evidence_rule_through_the_cli(item: RuleCase, tmp_path: Path) -> None:
    run_case_cli(item, tmp_path)


def test_gov045_code_paths_climbing_to_shared_code_symlinks_out_and_none(tmp_path: Path) -> None:
    repo, outside = tmp_path / "repo", tmp_path / "outside"
    (repo / ".git").mkdir(parents=True)
    write(outside / "secret.py", "x = 1\n")
    write(repo / "shared/features/deep/f.py", "y = 2\n")
    (repo / "linked").symlink_to(outside, target_is_directory=True)
    manifest = write(repo / "models/m/mlprodlint.yaml",
                     H + '  paths:\n    - "../../shared/**/*.py"\n    - ../../linked/\n')
    result = lint_json(manifest, "--select", "GOV045", cwd=repo)
    assert findings_of(result) == {("GOV045", 9)}
    (outcome,) = [r for r in result.json()["results"] if r["rule_id"] == "GOV045"]
    assert (outcome["status"], outcome["examined"]) == ("fail", "../../shared/**/*.py")
    bare = write(repo / "models/n/mlprodlint.yaml", H)
    (outcome,) = [r for r in lint_json(bare, "--select", "GOV045", cwd=repo).json()["results"] if r["rule_id"] == "GOV045"]
    assert (outcome["status"], outcome["reason"]) == ("not_applicable", "no metadata.paths declared")
