"""ML Test Score pack (MTS001-MTS014): exact findings, with repository evidence (test files,
lockfiles, CI configuration) written next to the manifest."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import RuleCase, case, case_ids, head, run_case, run_case_cli, cli_samples

ON = "compliance:\n  frameworks: [ml-test-score]\n"  # lines 7-8


MODEL = head().replace("  tier: 1\n", "  tier: 1\n  paths: [src/model]\n") + ON + """\
training:
  config: configs/train.yaml
  seed: 7
  data_version: tx@2026-10-31
  feature_review: docs/features.md
  hyperparameter_search: https://mlflow.acme.com/exp/12
  baseline: docs/baseline.md
  last_trained: 2026-11-20
deployment:
  validation: python -m model.validate
  rollout: canary
monitoring:
  skew: {features: [amount], method: serving-log join}
  numerical_stability: Alert when more than 0.1% of scores are NaN.
governance:
  retraining: weekly
"""
# metadata.paths at line 7, compliance 8-9, training 10-17, deployment 18-20, monitoring 21-23,
# governance 24-25.
CI = {".github/workflows/ci.yml": "jobs:\n  test:\n    steps:\n      - run: pytest -q\n      - run: python -m model.validate\n"}
REPO = {**CI, "src/model/train.py": "x = 1\n", "src/model/test_train.py": "def test_x(): pass\n", "uv.lock": "version = 1\n"}

CASES: list[RuleCase] = [
    # MTS001 feature-review-recorded
    case("MTS001", MODEL),
    case("MTS001", MODEL.replace("  feature_review: docs/features.md\n", ""), 10, name="missing"),
    case("MTS001", head() + "compliance:\n  frameworks: [gdpr]\n", name="pack-off"),
    # MTS002 tests-for-model-code
    case("MTS002", MODEL, files=REPO),
    case("MTS002", MODEL, files={"tests/test_model.py": "def test(): pass\n"}, name="tests-folder"),
    case("MTS002", MODEL, 7, files={"src/model/train.py": "x = 1\n"}, name="no-tests"),
    case("MTS002", head() + ON, name="no-paths-nothing-to-check"),
    # MTS003 hyperparameter-search-recorded
    case("MTS003", MODEL),
    case("MTS003", MODEL.replace("  hyperparameter_search: https://mlflow.acme.com/exp/12\n", ""), 10, name="missing"),
    # MTS004 simpler-baseline-compared
    case("MTS004", MODEL),
    case("MTS004", head() + ON, 1, name="missing"),
    # MTS005 training-reproducible
    case("MTS005", MODEL),
    case("MTS005", MODEL.replace("  seed: 7\n", ""), 10, name="no-seed"),
    # MTS006 dependencies-pinned
    case("MTS006", MODEL, files={"uv.lock": "version = 1\n"}),
    case("MTS006", MODEL, files={"requirements.txt": "numpy==1.26.4\nscikit-learn==1.5.0  # model\n"}, name="pinned-requirements"),
    case("MTS006", MODEL, 1, files={"requirements.txt": "numpy==1.26.4\nscikit-learn>=1.2\n"}, name="unpinned"),
    case("MTS006", MODEL, 1, name="nothing"),
    case("MTS006", MODEL.replace("  last_trained:", "  lockfile: env/missing.lock\n  last_trained:"), 17,
         files={"uv.lock": "version = 1\n"}, name="declared-lockfile-missing"),
    # MTS007 pipeline-tested-in-ci
    case("MTS007", MODEL, files=CI),
    case("MTS007", MODEL, 1, files={".github/workflows/ci.yml": "jobs:\n  lint:\n    steps:\n      - run: ruff .\n"}, name="no-tests"),
    case("MTS007", MODEL, 1, name="no-ci"),
    # MTS008 pre-serving-validation-declared
    case("MTS008", MODEL),
    case("MTS008", head() + ON, 1, name="missing"),
    # MTS009 pre-serving-validation-in-ci
    case("MTS009", MODEL, files=CI),
    case("MTS009", MODEL, 19, files={".gitlab-ci.yml": "test:\n  script: pytest\n"}, name="not-in-ci"),
    case("MTS009", head() + ON, name="undeclared-nothing-to-check"),
    # MTS010 gradual-rollout
    case("MTS010", MODEL),
    case("MTS010", head() + ON, 1, name="missing"),
    case("MTS010", head(tier=3) + ON, name="tier-3-exempt"),
    # MTS011 rollout-not-all-at-once
    case("MTS011", MODEL),
    case("MTS011", MODEL.replace("rollout: canary", "rollout: all-at-once"), 20, name="all-at-once"),
    # MTS012 training-serving-skew-monitored
    case("MTS012", MODEL),
    case("MTS012", MODEL.replace("  skew: {features: [amount], method: serving-log join}\n", ""), 21, name="missing"),
    # MTS013 numerical-stability-monitored
    case("MTS013", MODEL),
    case("MTS013", head() + ON, 1, name="missing"),
    # MTS014 model-not-stale (conftest TODAY is 2026-11-26)
    case("MTS014", MODEL),
    case("MTS014", MODEL.replace("last_trained: 2026-11-20", "last_trained: 2026-09-01"), 17, name="stale"),
    case("MTS014", MODEL.replace("  last_trained: 2026-11-20\n", ""), 10, name="undeclared"),
    case("MTS014", MODEL.replace("retraining: weekly", "retraining: on-drift"), name="no-period-nothing-to-check"),
    case("MTS014", MODEL.replace("retraining: weekly", "retraining: every 120 days").replace("2026-11-20", "2026-09-01"),
         name="every-120-days"),
]


@pytest.mark.parametrize("item", CASES, ids=case_ids(CASES))
def test_ml_test_score_rule(item: RuleCase, tmp_path: Path) -> None:
    run_case(item, tmp_path)


@pytest.mark.parametrize("item", cli_samples(CASES), ids=case_ids(cli_samples(CASES)))
def test_ml_test_score_rule_through_the_cli(item: RuleCase, tmp_path: Path) -> None:
    run_case_cli(item, tmp_path)
