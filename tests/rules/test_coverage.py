"""Every built-in rule is tested both ways, and the built-in packs are well-formed.

CASES are collected from every `tests/rules/test_*.py` module, so rules added later (e.g. the
evidence rules, numbers 040+) are covered by this test as soon as their module defines CASES.
"""

from __future__ import annotations

import importlib
import sys
from collections import Counter
from pathlib import Path

import pytest
from helpers import RuleCase

from mlprodlint.rules.packs import PackRequest, load
from mlprodlint.resources import builtin_rules_dir
from mlprodlint.rules.definitions import check_pack, pack_files

HERE = Path(__file__).resolve().parent
PREFIX_OF_AREA = {
    "ownership": "OWN",
    "sla": "SLA",
    "monitoring": "MON",
    "alerting": "ALR",
    "governance": "GOV",
    "compliance": "CMP",
    "security": "SEC",
}
# Framework packs number their rules by framework, whatever area they score in.
PREFIX_OF_FRAMEWORK = {
    "eu-ai-act": "AIA",
    "nist-ai-rmf": "RMF",
    "iso-42001": "ISO",
    "sr-11-7": "SRM",
    "ml-test-score": "MTS",
}


def collect_cases() -> dict[str, list[RuleCase]]:
    """CASES of every test module in this folder, by module name."""
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    found: dict[str, list[RuleCase]] = {}
    for path in sorted(HERE.glob("test_*.py")):
        module = importlib.import_module(path.stem)
        cases = getattr(module, "CASES", None)
        if cases is not None:
            found[path.stem] = list(cases)
    return found


ALL_CASES = [item for cases in collect_cases().values() for item in cases]
RULES = load(PackRequest()).rules  # the built-in packs, loaded the way a run loads them
RULE_IDS = [rule.id for rule in RULES]


def test_case_modules_are_found() -> None:
    modules = set(collect_cases())
    assert {f"test_{area}" for area in PREFIX_OF_AREA} <= modules
    assert {"test_eu_ai_act", "test_ml_test_score", "test_risk_frameworks"} <= modules


def test_there_are_enough_rules() -> None:
    assert len(RULES) >= 35


def test_rule_ids_and_names_are_unique() -> None:
    assert [i for i, n in Counter(RULE_IDS).items() if n > 1] == []
    assert [i for i, n in Counter(rule.name for rule in RULES).items() if n > 1] == []


@pytest.mark.parametrize("rule", RULES, ids=RULE_IDS)
def test_rule_is_documented_and_prefixed_by_area(rule) -> None:  # type: ignore[no-untyped-def]
    assert rule.rationale.strip() and rule.fix.strip()
    if rule.framework:
        assert rule.id[:3] == PREFIX_OF_FRAMEWORK[rule.framework], f"{rule.id} is in framework {rule.framework}"
    else:
        assert rule.id[:3] == PREFIX_OF_AREA[rule.area], f"{rule.id} is in area {rule.area}"
    assert "{detail}" in rule.message


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_has_a_failing_and_a_passing_case(rule_id: str) -> None:
    mine = [item for item in ALL_CASES if item.rule_id == rule_id]
    failing = [item for item in mine if rule_id in {found for found, _ in item.expected}]
    passing = [item for item in mine if not item.expected]
    assert failing, f"no case in tests/rules/test_*.py shows {rule_id} failing"
    assert passing, f"no case in tests/rules/test_*.py shows {rule_id} passing"


def test_cases_only_name_known_rules() -> None:
    known = set(RULE_IDS)
    unknown = {item.rule_id for item in ALL_CASES} - known
    assert unknown == set()


@pytest.mark.parametrize("path", pack_files(builtin_rules_dir()), ids=lambda p: p.name)
def test_builtin_pack_validates(path: Path) -> None:
    pack, problems = check_pack(path)
    assert problems == []
    assert pack is not None and pack.rules
