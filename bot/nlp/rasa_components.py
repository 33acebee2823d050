"""Rasa NLU graph components that connect the clinic core to Rasa (referenced from config.yml)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.follow_ups import SAME_QUESTION_INTENT, asks_the_same_about
from bot.nlp import (
    action_reply_validation,
    action_server_down,
    event_types,
    graph_plan,
    paused_safety,
    reminder_context,
    rule_lookup,
    rules_before_ted,
)
from bot.nlp.paused_safety import EMERGENCY_INTENT, FINDING_ENTITY
from bot.nlp.question_parts import ALSO_ASKED
from bot.nlp.treatment_concern import CONCERN_INTENT, reports_a_treatment_problem
from bot.references import is_only_a_reference
from bot.responses import intents_answered_in, speaks
from bot.safety import Decision, SafetyReport, analyse, warm_up
from bot.safety.findings import PREGNANCY_RELATED
from bot.safety.language import shown_language

LANGUAGE_ENTITY = "patient_language"
ANSWER_INTENT = "inform"
FALLBACK_INTENT = "nlu_fallback"
DECISION_INTENTS = {
    Decision.EMERGENCY: EMERGENCY_INTENT,
    Decision.DOSE: "ask_dose",
    Decision.WARNING_SIGNS: "ask_side_effects",
    # A language the assistant does not answer in yet: the misunderstanding action gives the notice in it.
    Decision.LANGUAGE_NOTICE: "out_of_scope",
}
# Languages besides English that questions are answered in, where the domain has the answer in them.
ANSWER_LANGUAGES = {"es"}
# Decisions that leave the classifier's answer, and a second question's, in place.
QUIET_DECISIONS = {Decision.NONE, Decision.CHECKIN}
# An ordinary check-in (a small bruise, a headache that has passed) gets the facts, not an escalation.
ESCALATING_INTENTS = {EMERGENCY_INTENT, CONCERN_INTENT}
# The intents whose rules give a deferral (actions/booking_support.DEFERRAL_ANSWERS says the same for the forms).
PREGNANCY_INTENT = "ask_pregnancy"
CONDITIONS_INTENT = "ask_medical_conditions"
# Unsure, but most likely asking who should not be treated: the cautious answer (a provider decides first) serves the
# patient better than "Sorry, I didn't get that".
CAUTIOUS_ANSWER_INTENTS = {PREGNANCY_INTENT, CONDITIONS_INTENT}
CAUTIOUS_MIN_CONFIDENCE = 0.1
# Questions about an area that, said after a treatment with a problem, report the result instead.
AREA_QUESTIONS = {
    "ask_gummy_smile", "ask_uneven_brows", "ask_mouth_asymmetry", "ask_eye_asymmetry", "ask_nose_asymmetry",
    "ask_chin", "ask_jawline", "ask_how_botox_balances", "ask_candidate",
}

paused_safety.install()
action_server_down.install()
action_reply_validation.install()
rule_lookup.install()
reminder_context.install()
rules_before_ted.install()
graph_plan.install()
event_types.install()


class _Stateless(GraphComponent):
    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        return cls()


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class ClinicEntityExtractor(_Stateless, EntityExtractorMixin):
    """Entities from the spaCy entity ruler, with the canonical value (location id, provider id, area name)."""

    @staticmethod
    def required_components() -> List[type]:
        from rasa.nlu.utils.spacy_utils import SpacyNLP

        return [SpacyNLP]

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            doc = message.get(f"{TEXT}_spacy_doc")
            if doc is None:
                continue
            found = [
                {
                    "entity": ent.label_,
                    "value": ent.ent_id_ or ent.text.lower(),
                    "start": ent.start_char,
                    "end": ent.end_char,
                    "confidence": 1.0,
                }
                for ent in doc.ents
            ]
            message.set(ENTITIES, message.get(ENTITIES, []) + self.add_extractor_name(found), add_to_output=True)
        return messages


def choose_intent(message: Message, name: str) -> None:
    chosen = {"name": name, "confidence": 1.0}
    ranking = message.get(INTENT_RANKING_KEY) or []
    message.set(INTENT, chosen, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [chosen] + [r for r in ranking if r["name"] != name], add_to_output=True)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class BookingReferenceDetector(_Stateless):
    """A message that is only a booking reference answers a question: a random code like "TBQS2SKC" must not be
    read as "bye" or "no", which would end the booking form that asked for it."""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if is_only_a_reference(message.get(TEXT) or ""):
                choose_intent(message, ANSWER_INTENT)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class FollowUpDetector(_Stateless):
    """"and for the brows?" asks the previous question about another area: the intent that answers it in context
    (bot/follow_ups.py), whatever the classifier made of so few words."""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if asks_the_same_about(message.get(TEXT) or "", message.get(ENTITIES, [])):
                choose_intent(message, SAME_QUESTION_INTENT)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyGuard(_Stateless):
    """Acts on the safety analyser (bot/safety) before any intent decision: its decision overrides the classifier.

    Emergency, deferral, dose and warning-sign decisions replace the predicted intent with the intent whose rule
    gives that answer; a predicted emergency that the analyser does not confirm falls back to the next intent. With
    nothing for safety, a problem reported after a treatment goes to the concern path (bot/nlp/treatment_concern.py).
    Every message also carries its language and the contraindication found, as entities the responses' variations
    read.
    """

    @classmethod
    def create(cls, *args: Any, **kwargs: Any) -> GraphComponent:
        warm_up()  # builds the pipelines now, not on a patient's first message
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text and not text.startswith("/"):
                self._guard(message, analyse(text))
        return messages

    @staticmethod
    def _guard(message: Message, report: SafetyReport) -> None:
        ranking = message.get(INTENT_RANKING_KEY) or []
        predicted = (message.get(INTENT) or {}).get("name")
        decision = report.decision
        if decision == Decision.LANGUAGE_NOTICE and answered_in_its_language(report.language, predicted):
            decision = Decision.NONE
        text = message.get(TEXT) or ""
        intent = (concern_in_its_language(report.decision, report.language, text)
                  or safety_intent(report, decision, predicted)
                  or concern_intent(text, ranking) or cautious_intent(predicted, ranking))
        if intent is None and predicted == EMERGENCY_INTENT:  # only the analyser may confirm an emergency
            intent = next((r["name"] for r in ranking if r["name"] != EMERGENCY_INTENT), "out_of_scope")
        if intent is not None and intent != predicted:
            chosen = {"name": intent, "confidence": 1.0}
            message.set(INTENT, chosen, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [chosen] + [r for r in ranking if r["name"] != intent], add_to_output=True)
        finding = next(iter(report.contraindications), None)
        entities = message.get(ENTITIES, [])
        # Safety's answer stands alone; in another language, so does the one answer (the second question's
        # threshold was chosen on English messages).
        if decision not in QUIET_DECISIONS or intent not in (None, predicted) or report.language != "en":
            entities = [entity for entity in entities if entity["entity"] != ALSO_ASKED]
        context = [_entity(FINDING_ENTITY, finding.name if finding else "none")]
        language = report.language if report.language != "en" else shown_language(text)
        if language:  # else the conversation keeps its language (a name, a number, "ok")
            context.append(_entity(LANGUAGE_ENTITY, language))
        message.set(ENTITIES, entities + context, add_to_output=True)


def _entity(name: str, value: str) -> Dict[str, Any]:
    """An entity about the whole message (no span in the text)."""
    return {"entity": name, "value": value, "start": 0, "end": 0, "confidence": 1.0}


def cautious_intent(predicted: Optional[str], ranking: List[Dict[str, Any]]) -> Optional[str]:
    """Below the confidence threshold, a contraindication question that ranks first still gets its answer."""
    best = next((r for r in ranking if r["name"] != FALLBACK_INTENT), None)
    if predicted != FALLBACK_INTENT or best is None or best["confidence"] < CAUTIOUS_MIN_CONFIDENCE:
        return None
    return best["name"] if best["name"] in CAUTIOUS_ANSWER_INTENTS else None


def concern_intent(text: str, ranking: List[Dict[str, Any]]) -> Optional[str]:
    """A question about an area (or a concern the classifier was unsure of) that says a treatment has happened and
    went wrong is a concern."""
    best = next((r["name"] for r in ranking if r["name"] != FALLBACK_INTENT), None)
    if (best in AREA_QUESTIONS or best == CONCERN_INTENT) and reports_a_treatment_problem(text):
        return CONCERN_INTENT
    return None


def concern_in_its_language(decision: Decision, language: str, text: str) -> Optional[str]:
    """A problem after a treatment told in another language the concern answer has (Spanish) goes to the concern
    path, the answer and then a person, whatever the classifier made of its topic: it reads Spanish less well than
    English."""
    if (decision == Decision.LANGUAGE_NOTICE and answered_in_its_language(language, CONCERN_INTENT)
            and reports_a_treatment_problem(text)):
        return CONCERN_INTENT
    return None


def answered_in_its_language(language: str, intent: Optional[str]) -> bool:
    """A message in a language whose answer exists in it. Spanish, which every response has, is read like English
    (below the fallback threshold too: nlu_fallback then takes the English path, the out-of-scope reply in Spanish,
    and a form still reads the answer). Other languages have variations of the safety replies only, which the
    analyser's decisions give."""
    return language in ANSWER_LANGUAGES and (speaks(language) or intent in intents_answered_in(language))


def safety_intent(report: SafetyReport, decision: Decision, predicted: Optional[str]) -> Optional[str]:
    """The intent whose rule answers the analyser's decision, or None to keep the classifier's."""
    if decision == Decision.DEFERRAL:
        pregnancy = any(f.name in PREGNANCY_RELATED for f in report.contraindications)
        return PREGNANCY_INTENT if pregnancy else CONDITIONS_INTENT
    if decision == Decision.CHECKIN:
        return "ask_side_effects" if predicted in ESCALATING_INTENTS else None
    return DECISION_INTENTS.get(decision)
