"""The frameworks rules reference (`controls`), with the controls a repository can evidence.

Titles are short paraphrases for reports (SARIF taxonomies, the evidence matrix), not the legal
or normative text; each framework names its source. A rule may cite a control that is not listed
here (an organisation's own pack): it is shown with its id only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

from ..report.mltestscore import TESTS


@dataclass(frozen=True)
class Framework:
    id: str
    title: str
    version: str
    source: str
    controls: tuple[tuple[str, str], ...]  # (control id, short title), in the framework's order

    @cached_property
    def _titles(self) -> dict[str, str]:
        return dict(self.controls)

    def title_of(self, control: str) -> str:
        return self._titles.get(control, "")

    def order(self, controls: Iterable[str]) -> list[str]:
        """Controls in the framework's own order; unknown ids after them, sorted."""
        known = [c for c, _ in self.controls]
        wanted = set(controls)
        return [c for c in known if c in wanted] + sorted(wanted - set(known))


EU_AI_ACT = Framework(
    "eu-ai-act", "EU AI Act (Regulation (EU) 2024/1689)", "2024/1689 as amended by the Digital Omnibus",
    "https://eur-lex.europa.eu/eli/reg/2024/1689/oj",
    (
        ("Art.5", "Prohibited AI practices"),
        ("Art.6", "Classification of high-risk AI systems (Annex I or Annex III)"),
        ("Art.9", "Risk management system"),
        ("Art.10(2)(a)", "Data governance: relevant design choices"),
        ("Art.10(2)(b)", "Data governance: collection processes and origin of data"),
        ("Art.10(2)(c)", "Data governance: data-preparation operations"),
        ("Art.10(2)(d)", "Data governance: assumptions about what the data represent"),
        ("Art.10(2)(e)", "Data governance: availability, quantity and suitability of data sets"),
        ("Art.10(2)(f)", "Data governance: examination of possible biases"),
        ("Art.10(2)(g)", "Data governance: measures against the biases identified"),
        ("Art.10(2)(h)", "Data governance: data gaps and shortcomings"),
        ("Art.10(3)", "Training, validation and test data relevant, representative, complete"),
        ("Art.10(5)", "Processing of special categories of personal data for bias correction"),
        ("Art.11", "Technical documentation"),
        ("Annex IV", "Content of the technical documentation (nine sections)"),
        ("Annex IV(9)", "Technical documentation: post-market monitoring plan"),
        ("Art.12(1)", "Record-keeping: automatic logging of events"),
        ("Art.13(1)", "Transparency: instructions for use for deployers"),
        ("Art.13(3)(b)", "Instructions for use: characteristics, capabilities and limitations"),
        ("Art.13(3)(b)(i)", "Instructions for use: intended purpose"),
        ("Art.14", "Human oversight"),
        ("Art.14(4)(a)", "Oversight: understand capacities and limitations, monitor operation"),
        ("Art.14(4)(b)", "Oversight: awareness of automation bias"),
        ("Art.14(4)(c)", "Oversight: correct interpretation of the output"),
        ("Art.14(4)(d)", "Oversight: decide not to use, override or reverse the output"),
        ("Art.14(4)(e)", "Oversight: intervene or interrupt the system"),
        ("Art.15(1)", "Appropriate accuracy, robustness and cybersecurity"),
        ("Art.15(3)", "Accuracy levels and metrics declared"),
        ("Art.15(4)", "Robustness: resilience to errors, faults, inconsistencies"),
        ("Art.15(5)", "Cybersecurity: resilience to poisoning, adversarial examples, attacks"),
        ("Art.17", "Quality management system"),
        ("Art.18", "Documentation keeping"),
        ("Art.19(1)", "Automatically generated logs kept at least six months"),
        ("Art.50(1)", "Transparency: people informed they interact with an AI system"),
        ("Art.50(2)", "Transparency: synthetic content marked as artificially generated"),
        ("Art.72", "Post-market monitoring by providers"),
    ),
)

NIST_AI_RMF = Framework(
    "nist-ai-rmf", "NIST AI Risk Management Framework 1.0 (NIST AI 100-1)", "1.0",
    "https://doi.org/10.6028/NIST.AI.100-1",
    (
        ("GOVERN 1.1", "Legal and regulatory requirements involving AI are understood, managed and documented"),
        ("GOVERN 1.6", "Mechanisms are in place to inventory AI systems"),
        ("GOVERN 1.7", "Processes exist for decommissioning and phasing out AI systems safely"),
        ("GOVERN 2.1", "Roles, responsibilities and lines of communication for AI risks are documented"),
        ("GOVERN 4.3", "Practices enable AI testing, identification of incidents and information sharing"),
        ("GOVERN 6.1", "Policies address AI risks of third-party entities (software, data, models)"),
        ("MAP 1.1", "Intended purposes, uses, laws, norms and deployment settings are documented"),
        ("MAP 2.2", "The system's knowledge limits and how its output is overseen are documented"),
        ("MAP 3.5", "Processes for human oversight are defined, assessed and documented"),
        ("MAP 4.1", "Legal and technology risks of components, including third-party data and software, are mapped"),
        ("MAP 5.1", "Likelihood and magnitude of identified impacts are documented"),
        ("MEASURE 2.1", "Test sets, metrics and TEVV tools are documented"),
        ("MEASURE 2.4", "Functionality and behaviour of the system are monitored in production"),
        ("MEASURE 2.5", "The system is shown valid and reliable; limits of generalisation documented"),
        ("MEASURE 2.7", "Security and resilience are evaluated and documented"),
        ("MEASURE 2.10", "Privacy risk is examined and documented"),
        ("MEASURE 2.11", "Fairness and bias are evaluated and results documented"),
        ("MEASURE 3.1", "Existing, unanticipated and emergent risks are tracked in deployment"),
        ("MANAGE 2.4", "Mechanisms exist to supersede, disengage or deactivate the system"),
        ("MANAGE 4.1", "Post-deployment monitoring plans are implemented (incl. incident response, recovery, change)"),
        ("MANAGE 4.3", "Incidents and errors are communicated and tracked"),
    ),
)

ISO_42001 = Framework(
    "iso-42001", "ISO/IEC 42001:2023 AI management system, Annex A", "2023",
    "https://www.iso.org/standard/81230.html",
    (
        ("A.3.2", "AI roles and responsibilities"),
        ("A.5.2", "AI system impact assessment process"),
        ("A.6.2.2", "AI system requirements and specification"),
        ("A.6.2.3", "Documentation of AI system design and development"),
        ("A.6.2.4", "AI system verification and validation"),
        ("A.6.2.5", "AI system deployment"),
        ("A.6.2.6", "AI system operation and monitoring"),
        ("A.6.2.7", "AI system technical documentation"),
        ("A.6.2.8", "AI system recording of event logs"),
        ("A.7.2", "Data for development and enhancement of AI systems"),
        ("A.7.3", "Acquisition of data"),
        ("A.7.4", "Quality of data for AI systems"),
        ("A.7.5", "Data provenance"),
        ("A.7.6", "Data preparation"),
        ("A.8.2", "System documentation and information for users"),
        ("A.8.4", "Communication of incidents"),
        ("A.9.2", "Processes for responsible use of AI systems"),
        ("A.9.4", "Intended use of the AI system"),
        ("A.10.3", "Suppliers"),
    ),
)

SR_11_7 = Framework(
    "sr-11-7", "SR 11-7 / OCC 2011-12 Supervisory Guidance on Model Risk Management", "2011",
    "https://www.federalreserve.gov/supervisionreg/srletters/sr1107.htm",
    (
        ("IV.use", "Model development, implementation and use: purpose and intended use stated"),
        ("IV.limitations", "Model limitations and assumptions understood and documented"),
        ("V.conceptual-soundness", "Validation: evaluation of conceptual soundness"),
        ("V.independence", "Validation independent of model development (effective challenge)"),
        ("V.ongoing-monitoring", "Validation: ongoing monitoring"),
        ("V.outcomes-analysis", "Validation: outcomes analysis, including back-testing"),
        ("V.vendor-models", "Vendor and third-party models are validated too"),
        ("VI.inventory", "Model inventory: tier, owner, status of every model"),
        ("VI.roles", "Roles and responsibilities: model owners, developers, validators"),
        ("VI.documentation", "Documentation detailed enough for others to understand the model"),
    ),
)

ML_TEST_SCORE = Framework(
    "ml-test-score", "The ML Test Score (Breck et al., IEEE Big Data 2017)", "2017",
    "https://research.google/pubs/the-ml-test-score-a-rubric-for-ml-production-readiness-and-technical-debt-reduction/",
    TESTS,
)

FRAMEWORKS: Mapping[str, Framework] = {f.id: f for f in (EU_AI_ACT, NIST_AI_RMF, ISO_42001, SR_11_7, ML_TEST_SCORE)}


def framework(name: str) -> Framework:
    """A known framework, or a bare one (an organisation's own) with no catalogue."""
    return FRAMEWORKS.get(name) or Framework(name, name, "", "", ())
