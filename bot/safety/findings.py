"""What the safety analyser finds in a message, and the one decision the assistant takes from it.

The decision table is docs/safety.md; `decide` is that table in code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Tuple

URGENT = "urgent"
CONTRAINDICATION = "contraindication"
DOSE = "dose"
CHECKIN = "checkin"
URGENT_LIKELIHOOD = 0.9  # chosen on a development part the urgency net was not trained on (docs/safety.md)

PREGNANCY_RELATED = {"pregnant", "trying_to_conceive", "breastfeeding"}
# Conditions that do not go away: an allergy to a toxin product or a neuromuscular disorder "last time" still counts.
LASTING_CONTRAINDICATIONS = {"toxin_allergy", "neuromuscular"}


class Assertion(str, Enum):
    """Who has the finding and whether it holds now (the ConText categories, for patients' words)."""

    REPORTED = "reported"  # the patient, now
    OTHER_PERSON = "other_person"  # someone else (often with the patient), now
    NEGATED = "negated"
    HYPOTHETICAL = "hypothetical"  # a question about it, a worry, "what if"
    PAST = "past"  # happened before and resolved, or a long time ago

    @property
    def holds_now(self) -> bool:
        return self in (Assertion.REPORTED, Assertion.OTHER_PERSON)


class Decision(str, Enum):
    EMERGENCY = "emergency"  # 911 first, then the urgent handoff
    DEFERRAL = "deferral"  # do not treat now; speak with a provider; move or cancel a booking
    DOSE = "dose"  # the provider decides the dose; no number for the person
    WARNING_SIGNS = "warning_signs"  # name the warning signs and when to call 911; no page, no pause
    CHECKIN = "checkin"  # an ordinary after-treatment check-in: the factual answer
    LANGUAGE_NOTICE = "language_notice"  # a language the assistant cannot answer in yet
    NONE = "none"  # nothing for safety: the normal answer


@dataclass(frozen=True)
class Finding:
    kind: str  # URGENT, CONTRAINDICATION, DOSE or CHECKIN
    name: str  # the part after the colon of a lexicon label: "swallowing", "pregnant", "dose", "checkin"...
    assertion: Assertion
    # Said of another person ("he's wheezing"), whatever the assertion (analyser._said_of_someone_else): the urgency
    # net cannot tell whose symptom it is.
    about_someone_else: bool = False


@dataclass(frozen=True)
class SafetyReport:
    language: str  # ISO 639-1 code of the message ("en" when unsure)
    findings: Tuple[Finding, ...] = field(default_factory=tuple)
    # The urgency net's reading (urgency_net.py), for English messages in which the rules found no urgent symptom
    # reported now (analyser._unread_by_the_rules).
    urgent_likelihood: float = 0.0

    def of(self, kind: str, *assertions: Assertion) -> Tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.kind == kind and (not assertions or f.assertion in assertions))

    def now(self, kind: str) -> Tuple[Finding, ...]:
        return tuple(f for f in self.of(kind) if f.assertion.holds_now)

    @property
    def contraindications(self) -> Tuple[Finding, ...]:
        """Every contraindication that is not denied or over: asked about, about someone else or present."""
        return tuple(
            f for f in self.of(CONTRAINDICATION)
            if f.assertion != Assertion.NEGATED
            and (f.assertion != Assertion.PAST or f.name in LASTING_CONTRAINDICATIONS)
        )

    @property
    def decision(self) -> Decision:
        return decide(self)


def decide(report: SafetyReport) -> Decision:
    if report.now(URGENT) or report.urgent_likelihood >= URGENT_LIKELIHOOD:
        return Decision.EMERGENCY
    if report.contraindications:
        return Decision.DEFERRAL
    if any(f.assertion != Assertion.NEGATED for f in report.of(DOSE)):
        return Decision.DOSE
    if report.of(URGENT, Assertion.HYPOTHETICAL):
        return Decision.WARNING_SIGNS
    if report.now(CHECKIN):
        return Decision.CHECKIN
    if report.language != "en":
        return Decision.LANGUAGE_NOTICE
    return Decision.NONE
