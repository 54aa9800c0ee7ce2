"""Unit tests of check functions in mlprodlint.checks.fields (pure: data in, violations out)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from mlprodlint.checks import fields
from mlprodlint.checks.base import CheckContext, NothingToCheck
from mlprodlint.checks.registry import BUILTIN_CHECKS

TODAY = dt.date(2026, 11, 26)


def ctx(data: dict[str, Any], **options: Any) -> CheckContext:
    return CheckContext(data, Path("mlprodlint.yaml"), Path("."), TODAY, options)


def found(function: Any, data: dict[str, Any], options: dict[str, Any] | None = None, **args: Any) -> list[tuple[str, str]]:
    """The violations, or [("n/a", reason)] when the check examined nothing."""
    out = list(function(ctx(data, **(options or {})), **args))
    violations = [(v.pointer, v.detail) for v in out if not isinstance(v, NothingToCheck)]
    return violations or [("n/a", v.reason) for v in out if isinstance(v, NothingToCheck)]


def valid_args(name: str, args: dict[str, Any]) -> bool:
    return Draft202012Validator(dict(BUILTIN_CHECKS[name].args_schema)).is_valid(args)


ALERTS = {
    "alerting": {
        "alerts": [
            {"name": "HighErrors", "severity": "page", "route": "pagerduty:ml"},
            {"name": "Drift", "severity": "ticket", "route": "jira:ML"},
            {"name": "Latency", "severity": "page", "route": "slack:#ml"},
            {"name": "Quality", "severity": "page"},
        ]
    }
}


def test_each_item_matches_checks_only_items_matching_where() -> None:
    assert found(
        fields.each_item_matches, ALERTS, path="alerting.alerts", field="route",
        pattern="^pagerduty:", where={"severity": "page"}, expected="go to a pager",
    ) == [
        ("/alerting/alerts/2/route", "alerting.alerts[2] (Latency) route 'slack:#ml' does not go to a pager"),
        ("/alerting/alerts/3/route", "alerting.alerts[3] (Quality) has no route"),
    ]


def test_each_item_matches_without_where_checks_every_item() -> None:
    result = found(fields.each_item_matches, ALERTS, path="alerting.alerts", field="route", pattern=":")
    assert [pointer for pointer, _ in result] == ["/alerting/alerts/3/route"]


def test_each_item_matches_without_a_list_has_nothing_to_check() -> None:
    assert found(fields.each_item_matches, {}, path="alerting.alerts", field="route", pattern="x") == [
        ("n/a", "no alerting.alerts declared")]
    assert found(fields.each_item_matches, {"alerting": {"alerts": "oops"}}, path="alerting.alerts",
                 field="route", pattern="x") == [("n/a", "no alerting.alerts declared")]
    assert found(fields.each_item_matches, ALERTS, path="alerting.alerts", field="route", pattern="x",
                 where={"severity": "info"}) == [("n/a", "no item of alerting.alerts has severity: info")]


def test_each_item_matches_rejects_non_string_values() -> None:
    data = {"a": [{"route": 5}]}
    assert found(fields.each_item_matches, data, path="a", field="route", pattern=".") == [
        ("/a/0/route", "a[0] route 5 does not match '.'"),
    ]


def test_each_item_matches_args_schema() -> None:
    assert valid_args("each_item_matches", {"path": "a", "field": "b", "pattern": "^x", "where": {"k": 1}})
    assert not valid_args("each_item_matches", {"path": "a", "field": "b"})
    assert not valid_args("each_item_matches", {"path": "a", "field": "b", "pattern": "x", "where": {}})


def test_distinct_reports_each_repeat_at_its_place() -> None:
    data = {"approvals": [{"by": "Ann@acme.com"}, {"by": "bob@acme.com"}, {"by": "ann@acme.com"}, {"by": "bob@acme.com"}]}
    assert found(fields.distinct, data, path="approvals[].by") == [
        ("/approvals/2/by", "approvals[2].by repeats 'ann@acme.com' (also at approvals[0].by)"),
        ("/approvals/3/by", "approvals[3].by repeats 'bob@acme.com' (also at approvals[1].by)"),
    ]


def test_distinct_can_be_case_sensitive_and_ignores_missing_values() -> None:
    data = {"alerts": [{"name": "A"}, {"name": "a"}, {}, {"name": ""}]}
    assert found(fields.distinct, data, path="alerts[].name", ignore_case=False) == []
    assert len(found(fields.distinct, data, path="alerts[].name")) == 1
    assert found(fields.distinct, {}, path="alerts[].name") == [("n/a", "fewer than two alerts[].name values to compare")]
    assert found(fields.distinct, {"alerts": [{"name": "a"}]}, path="alerts[].name") == [
        ("n/a", "fewer than two alerts[].name values to compare")]


def test_distinct_args_schema() -> None:
    assert valid_args("distinct", {"path": "a[].b"})
    assert not valid_args("distinct", {"path": "a", "other": 1})


def test_date_within_paths_accepts_either_spelling() -> None:
    bare = {"security": {"access_review": "2024-01-10"}}
    nested = {"security": {"access_review": {"date": "2024-01-10", "by": "x"}}}
    paths = ["security.access_review", "security.access_review.date"]
    assert found(fields.date_within, bare, paths=paths, max_age_days=365) == [
        ("/security/access_review", "security.access_review 2024-01-10 is 1051 days old (limit 365)"),
    ]
    assert found(fields.date_within, nested, paths=paths, max_age_days=365) == [
        ("/security/access_review/date", "security.access_review.date 2024-01-10 is 1051 days old (limit 365)"),
    ]
    assert found(fields.date_within, {"security": {"access_review": "2026-01-10"}}, paths=paths, max_age_days=365) == []


def test_date_within_option_overrides_default_and_future_dates_fail() -> None:
    data = {"signoff": {"date": dt.date(2026, 1, 1)}}
    assert found(fields.date_within, data, path="signoff.date", max_age_days=365) == []
    assert found(fields.date_within, data, {"signoff_max_age_days": 90}, path="signoff.date",
                 max_age_days=365, option="signoff_max_age_days") == [
        ("/signoff/date", "signoff.date 2026-01-01 is 329 days old (limit 90)"),
    ]
    assert found(fields.date_within, {"d": "2026-12-01"}, path="d") == [("/d", "d 2026-12-01 is in the future")]


def test_date_within_args_schema_needs_exactly_one_of_path_or_paths() -> None:
    assert valid_args("date_within", {"path": "a", "max_age_days": 3})
    assert valid_args("date_within", {"paths": ["a", "a.date"], "option": "x"})
    assert not valid_args("date_within", {"path": "a", "paths": ["a"]})
    assert not valid_args("date_within", {"max_age_days": 3})


def test_fan_out_under_a_missing_parent_is_vacuous() -> None:
    from mlprodlint.checks.fieldpath import resolve

    assert list(resolve({"metadata": {}}, "alerting.alerts[].runbook")) == []
    assert [m.display for m in resolve({}, "alerting.rules_file")] == ["alerting.rules_file"]


def test_value_checks_with_no_value_have_nothing_to_check() -> None:
    """Issue 9: a check over values that are not there examined nothing; it must not pass."""
    assert found(fields.one_of, {}, path="sla.support_hours", values=["24x7"]) == [("n/a", "no sla.support_hours declared")]
    assert found(fields.none_of, {}, path="compliance.ai_act_risk", values=["x"]) == [
        ("n/a", "no compliance.ai_act_risk declared")]
    assert found(fields.min_value, {}, path="sla.availability", min=99) == [("n/a", "no sla.availability declared")]
    assert found(fields.max_value, {"sla": {"availability": "high"}}, path="sla.availability", max=99) == [
        ("n/a", "sla.availability is not a number")]
    assert found(fields.email_or_channel, {}, path="ownership.contact") == [("n/a", "no ownership.contact declared")]
    assert found(fields.url_or_path, {}, path="monitoring.dashboards[]") == [("n/a", "no monitoring.dashboards declared")]
    assert found(fields.matches, {}, path="a", pattern="x") == [("n/a", "no a declared")]
    assert found(fields.present, {}, path="alerting.alerts[].route") == [("n/a", "no alerting.alerts declared")]
    assert found(fields.ordered, {"sla": {"p50": 10}}, paths=["sla.p50", "sla.p95"]) == [
        ("n/a", "fewer than two of sla.p50, sla.p95 set")]
    assert found(fields.date_within, {}, path="governance.fairness_review.date") == [
        ("n/a", "no governance.fairness_review declared")]
    assert found(fields.date_within, {}, paths=["security.access_review", "security.access_review.date"]) == [
        ("n/a", "no security.access_review declared")]
    assert found(fields.date_within, {"security": {"other": 1}},
                 paths=["security.access_review", "security.access_review.date"]) == [
        ("n/a", "no security.access_review declared")]


def test_a_review_without_a_date_cannot_be_recent() -> None:
    """Issue 9.6: a fairness review with no date does not pass "recent"; it is a finding."""
    path = "governance.fairness_review.date"
    assert found(fields.date_within, {"governance": {"fairness_review": {"by": "ann"}}}, path=path, max_age_days=365) == [
        ("/governance/fairness_review/date", "governance.fairness_review has no date, so it cannot be shown to be recent")]
    assert found(fields.date_within, {"governance": {"fairness_review": "docs/fairness.md"}}, path=path) == [
        ("/governance/fairness_review", "governance.fairness_review has no date, so it cannot be shown to be recent")]
    paths = ["security.access_review", "security.access_review.date"]
    assert found(fields.date_within, {"security": {"access_review": {"by": "x"}}}, paths=paths) == [
        ("/security/access_review/date", "security.access_review has no date, so it cannot be shown to be recent")]
    approvals = {"governance": {"approvals": [{"by": "a", "date": "2026-10-01"}, {"by": "b"}]}}
    assert found(fields.date_within, approvals, path="governance.approvals[].date", max_age_days=365) == [
        ("/governance/approvals/1/date", "governance.approvals[1] has no date, so it cannot be shown to be recent")]
