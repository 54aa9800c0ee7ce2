"""Machine formats (SARIF, JUnit, GitHub, JSON) and several outputs in one run, end to end through
the real CLI; SARIF and JUnit are validated against the official schemas in tests/data/spec/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import xmlschema

from conftest import EXAMPLES, REPO_ROOT, TODAY, run_cli, write

SPEC = Path(__file__).resolve().parent / "data" / "spec"

# One manifest that exercises every outcome and every escaping path: hostile text in free-text
# fields, a javascript: URL, a pipe and a newline; with the test pack below: a pass (RPT001), a
# waived failure (RPT002), a plain failure (RPT003) and a rule that does not apply (RPT004).
HOSTILE = """
apiVersion: mlprodlint/v1
kind: Model
metadata:
  name: pricing
  description: "<script>document.body.appendChild(document.createElement('aside')).id = 'pwned'</script> | a\\nb"
  lifecycle: production
  tier: 1
  repository: "javascript:alert(document.domain)"
ownership:
  team: "<img src=x onerror=alert(1)>|team"
  contact: pricing@acme.example
waivers:
  - rule: RPT002
    reason: On-call rotation | being set up by SRE this quarter.
    approved_by: cto@acme.example
    expires: 2027-01-31
"""
# A rule pack of the tests' own, so that expectations do not move when built-in rules change.
PACK = """
pack: {name: report-tests, version: 2.0.1, description: Rules for the report tests.}
rules:
  - id: RPT001
    name: team-declared
    title: An owning team is declared
    area: ownership
    severity: error
    check: {function: present, args: {path: ownership.team}}
    message: "No owning team: {detail}"
    rationale: A model nobody owns is a model nobody fixes.
    fix: Set `ownership.team`.
    ml_test_score: [infra-7]
  - id: RPT002
    name: oncall-declared
    title: An on-call rotation is declared
    area: ownership
    severity: error
    applies_when: {lifecycle: [production]}
    check: {function: present, args: {path: ownership.oncall}}
    message: "No on-call rotation: {detail}"
    rationale: Alerts that route to no rotation page nobody.
    fix: Set `ownership.oncall` to the paging rotation.
    ml_test_score: [monitor-7]
  - id: RPT003
    name: business-owner-declared
    title: A business owner is declared
    area: ownership
    severity: warning
    level: silver
    check: {function: present, args: {path: ownership.business_owner}}
    message: "No business owner: {detail}"
    rationale: Someone must decide whether the model is still worth running.
    fix: Set `ownership.business_owner`.
    example: |
      ownership:
        business_owner: maria@acme.example
  - id: RPT004
    name: deprecation-plan
    title: Deprecated models name a sunset date
    area: governance
    severity: error
    applies_when: {lifecycle: [deprecated]}
    check: {function: present, args: {path: governance.sunset}}
    message: "No sunset date: {detail}"
    rationale: A deprecated model without a date is never turned off.
    fix: Set `governance.sunset`.
"""
SELECT = ("--select", "RPT", "--rules-dir", "report-pack", "--today", TODAY)


def hostile_repo(root: Path, folder: str = "svc") -> Path:
    write(root / folder / "mlprodlint.yaml", HOSTILE)
    write(root / "report-pack" / "report.yaml", PACK)
    return root


def run_format(root: Path, fmt: str, *extra: str) -> Any:
    return run_cli(["check", "svc", "--format", fmt, *SELECT, *extra], cwd=hostile_repo(root))


# --- SARIF -----------------------------------------------------------------------------------


def test_sarif_validates_against_the_official_schema_with_exact_results(tmp_path: Path) -> None:
    result = run_format(tmp_path, "sarif")
    assert result.exit_code == 0  # RPT003 is a warning, RPT002 is waived
    document = json.loads(result.stdout)
    schema = json.loads((SPEC / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(document)
    run = document["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["MPL001", "MPL003", "RPT001", "RPT002", "RPT003", "RPT004"]
    own005 = next(r for r in rules if r["id"] == "RPT003")
    assert own005["shortDescription"]["text"] == "A business owner is declared"
    assert own005["defaultConfiguration"]["level"] == "warning"
    assert own005["help"]["text"].startswith("Set `ownership.business_owner`.\n\nWhy: Someone must decide")
    assert own005["help"]["markdown"].endswith("```yaml\nownership:\n  business_owner: maria@acme.example\n```")
    assert own005["properties"]["area"] == "ownership"
    located = [
        (
            r["ruleId"],
            r["level"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["locations"][0]["physicalLocation"]["region"]["startColumn"],
            "suppressions" in r,
        )
        for r in run["results"]
    ]
    assert located == [
        ("RPT002", "error", "svc/mlprodlint.yaml", "%SRCROOT%", 9, 1, True),
        ("RPT003", "warning", "svc/mlprodlint.yaml", "%SRCROOT%", 9, 1, False),
    ]
    for r in run["results"]:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
    assert run["results"][0]["suppressions"] == [
        {
            "kind": "external",
            "status": "accepted",
            "justification": "On-call rotation | being set up by SRE this quarter. (approved by cto@acme.example, expires 2027-01-31)",
        }
    ]


def test_sarif_of_the_examples_validates(tmp_path: Path) -> None:
    result = run_cli(["check", str(EXAMPLES), "--format", "sarif", "--today", TODAY], cwd=REPO_ROOT)
    assert result.exit_code == 1
    schema = json.loads((SPEC / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    document = json.loads(result.stdout)
    jsonschema.Draft4Validator(schema).validate(document)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in document["runs"][0]["results"]}
    assert "examples/churn-batch/mlprodlint.yaml" in uris


def test_sarif_uri_is_percent_encoded(tmp_path: Path) -> None:
    hostile_repo(tmp_path, "my svc")
    result = run_cli(["check", "my svc", "--format", "sarif", *SELECT], cwd=tmp_path)
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in json.loads(result.stdout)["runs"][0]["results"]]
    assert uris == ["my%20svc/mlprodlint.yaml", "my%20svc/mlprodlint.yaml"]


# --- JUnit -----------------------------------------------------------------------------------


@pytest.mark.parametrize("xsd", ["junit.xsd", "junit-jenkins-xunit-10.xsd"])
def test_junit_validates_against_strict_and_jenkins_schemas(tmp_path: Path, xsd: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    result = run_format(tmp_path, "junit")
    assert result.exit_code == 0
    xmlschema.XMLSchema(str(SPEC / xsd)).validate(result.stdout)


def test_junit_testcases_per_rule_and_manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from xml.etree import ElementTree as ET

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    result = run_format(tmp_path, "junit")
    root = ET.fromstring(result.stdout)
    (suite,) = root.findall("testsuite")
    assert suite.attrib == {
        "name": "svc/mlprodlint.yaml", "package": "mlprodlint", "id": "0", "timestamp": "2023-11-14T22:13:20",
        "hostname": "localhost", "tests": "6", "failures": "1", "errors": "0", "skipped": "2", "time": "0",
    }
    cases = {c.attrib["name"]: c for c in suite.findall("testcase")}
    assert sorted(cases) == [
        "MPL001 manifest-unreadable", "MPL003 manifest-limit-exceeded", "RPT001 team-declared",
        "RPT002 oncall-declared", "RPT003 business-owner-declared", "RPT004 deprecation-plan",
    ]
    failure = cases["RPT003 business-owner-declared"].find("failure")
    assert failure is not None and failure.attrib["type"] == "warning"
    assert failure.text.splitlines()[0] == "svc/mlprodlint.yaml:9:1: No business owner: ownership.business_owner is missing"
    waived = cases["RPT002 oncall-declared"].find("skipped")
    assert waived is not None and waived.attrib["message"] == (
        "waived: On-call rotation | being set up by SRE this quarter. (approved by cto@acme.example, expires 2027-01-31)"
    )
    not_applicable = cases["RPT004 deprecation-plan"].find("skipped")
    assert not_applicable is not None and not_applicable.attrib["message"] == "not applicable: applies only when lifecycle in deprecated"
    assert list(cases["RPT001 team-declared"]) == []
    assert cases["RPT001 team-declared"].attrib["classname"] == "pricing.ownership"
    properties = {p.attrib["name"]: p.attrib["value"] for p in suite.find("properties")}
    assert properties["readiness.verdict"] == "ready with waivers"
    assert properties["readiness.level"] == "bronze"


def test_junit_strips_characters_xml_cannot_carry(tmp_path: Path) -> None:
    hostile_repo(tmp_path)
    write(tmp_path / "svc" / "mlprodlint.yaml", HOSTILE.replace("name: pricing", 'name: "pri\\x01cing"'))
    result = run_cli(["check", "svc", "--format", "junit", *SELECT], cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    xmlschema.XMLSchema(str(SPEC / "junit.xsd")).validate(result.stdout)
    assert "pri\ufffdcing.ownership" in result.stdout


# --- GitHub ----------------------------------------------------------------------------------


def test_github_annotations_exact(tmp_path: Path) -> None:
    result = run_format(tmp_path, "github")
    assert result.stdout.splitlines() == [
        "::warning file=svc/mlprodlint.yaml,line=9,col=1,title=RPT003 business-owner-declared::"
        "No business owner: ownership.business_owner is missing%0Afix: Set `ownership.business_owner`.",
        "mlprodlint: 1 manifest(s) checked, 1 finding(s) (0 error, 1 warning, 0 info), 1 waived. "
        "PASSED: nothing at or above error.",
    ]


def test_github_is_the_default_inside_github_actions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result = run_cli(["check", "svc", *SELECT], cwd=hostile_repo(tmp_path))
    assert result.stdout.startswith("::warning file=svc/mlprodlint.yaml,line=9,col=1,")
    explicit = run_cli(["check", "svc", "--format", "text", "--no-color", *SELECT], cwd=tmp_path)
    assert explicit.stdout.startswith("svc/mlprodlint.yaml:9:1: RPT003 [warning]")


def test_github_escaping_cannot_inject_commands() -> None:
    from mlprodlint.results.findings import Finding, Severity
    from mlprodlint.report.github import annotation, escape_data, escape_property

    assert escape_data("100%\r\n::error::x") == "100%25%0D%0A::error::x"
    assert escape_property("a,b:c%\n") == "a%2Cb%3Ac%25%0A"
    finding = Finding(
        path="dir,x/a:b.yaml", line=3, column=5, rule_id="OWN001", rule_name="team-declared", area="ownership",
        severity=Severity.INFO, message="bad\n::error file=x::injected", fix="",
    )
    assert annotation(finding) == (
        "::notice file=dir%2Cx/a%3Ab.yaml,line=3,col=5,title=OWN001 team-declared::bad%0A::error file=x::injected"
    )


# --- JSON ------------------------------------------------------------------------------------


def test_json_output_follows_its_documented_schema(tmp_path: Path) -> None:
    schema = json.loads((REPO_ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    for result in (
        run_cli(["check", str(EXAMPLES), "--format", "json", "--today", TODAY], cwd=REPO_ROOT),
        run_format(tmp_path, "json"),
    ):
        document = json.loads(result.stdout)
        jsonschema.Draft202012Validator(schema).validate(document)
    assert document["readiness"] == [
        {
            "path": "svc/mlprodlint.yaml",
            "verdict": "ready with waivers",
            "level": "bronze",
            "score": 75,
            "areas": document["readiness"][0]["areas"],
            # the built-in GOV040 (infra-7) passes: half a point; the lowest section decides
            "ml_test_score": {"sections": {"data": 0.0, "model": 0.0, "infra": 0.5, "monitor": 0.0}, "final": 0.0, "met": ["infra-7"]},
        }
    ]
    assert document["readiness"][0]["areas"]["ownership"] == {
        "score": 75, "earned": 6, "possible": 8, "passed": 1, "failed": 1, "waived": 1, "baselined": 0, "not_applicable": 0,
    }


# --- several outputs in one run, atomic writes -----------------------------------------------


def test_several_outputs_from_one_run(tmp_path: Path) -> None:
    hostile_repo(tmp_path)
    result = run_cli(
        ["check", "svc", "--format", "text", "--no-color", *SELECT,
         "--output-format", "sarif:out/results.sarif", "--output-format", "junit:out/junit.xml",
         "--output-format", "html:out/report.html", "--output-format", "markdown:out/report.md",
         "--output-format", "json:out/report.json", "--output-format", "github:out/annotations.txt"],
        cwd=(tmp_path / "out").mkdir() or tmp_path,
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("svc/mlprodlint.yaml:9:1: RPT003 [warning]")
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == [
        "annotations.txt", "junit.xml", "report.html", "report.json", "report.md", "results.sarif",
    ]
    assert json.loads((out / "results.sarif").read_text(encoding="utf-8"))["version"] == "2.1.0"
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))["summary"]["findings"] == 1
    assert "\x1b[" not in (out / "annotations.txt").read_text(encoding="utf-8")


def test_main_output_to_file_and_extra_output(tmp_path: Path) -> None:
    hostile_repo(tmp_path)
    result = run_cli(["check", "svc", "--format", "json", "-o", "main.json", "--output-format", "sarif:x.sarif", *SELECT], cwd=tmp_path)
    assert (result.exit_code, result.stdout) == (0, "")
    assert json.loads((tmp_path / "main.json").read_text(encoding="utf-8"))["version"] == "1.1"
    assert (tmp_path / "x.sarif").is_file()


def test_a_render_failure_writes_nothing(tmp_path: Path) -> None:
    hostile_repo(tmp_path)
    (tmp_path / "broken.md.j2").write_text("ok\n{{ report.manifests[0].nope }}\n", encoding="utf-8")
    result = run_cli(
        ["check", "svc", *SELECT, "--template", "broken.md.j2", "-o", "main.md", "--output-format", "sarif:x.sarif"],
        cwd=tmp_path,
    )
    assert result.exit_code == 2
    assert "broken.md.j2:2: template error: UndefinedError" in result.stderr
    assert not (tmp_path / "main.md").exists() and not (tmp_path / "x.sarif").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.md.j2", "report-pack", "svc"]


def test_an_unwritable_later_output_writes_nothing(tmp_path: Path) -> None:
    hostile_repo(tmp_path)
    result = run_cli(["check", "svc", *SELECT, "-o", "a.txt", "--output-format", "sarif:missing/x.sarif"], cwd=tmp_path)
    assert result.exit_code == 2
    assert "folder missing does not exist" in result.stderr
    assert not (tmp_path / "a.txt").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--output-format", "sarif"], "is not FORMAT:FILE"),
        (["--output-format", "pdf:x.pdf"], "unknown format 'pdf'"),
        (["--format", "pdf"], "unknown format 'pdf'"),
        (["-o", "x.sarif", "--output-format", "sarif:x.sarif"], "two reports would be written to x.sarif"),
        (["--template", "t.j2", "--format", "json"], "--template replaces --format"),
    ],
)
def test_bad_output_options_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    hostile_repo(tmp_path)
    result = run_cli(["check", "svc", *SELECT, *args], cwd=tmp_path)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
