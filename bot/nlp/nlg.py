"""Domain responses with the clinic's facts (data/clinic.yml) filled in by the Rasa server itself.

Responses quote facts as `{clinic_phone}`, `{price_per_unit}` and so on. They are not slots: this generator adds
them to the slot values of every response, so the emergency, deferral and dose answers carry the clinic's phone
number even when the action server is down. Configured in endpoints.yml (`nlg: type: ...`).

It also answers a second question asked in the same message (the `also_asked` entity, bot/nlp/sentence_intents.py):
the answer to the main question, or the reply that starts a booking asked for beside it, carries the other answer
too, in the order the patient asked them. Here, because every answer to a question is a response rendered by this
server, whichever rule or action chose it.
"""

from __future__ import annotations

import random
import re
from typing import Any, Dict, Optional, Text

from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.core.nlg.response import ResponseVariationFilter
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.answers import answer_facts
from bot.clinic import clinic
from bot.nlp.question_parts import ALSO_ASKED, REQUESTS
from bot.nlp.sentence_intents import QUESTION_PREFIX
from bot.responses import answer_response
from bot.safety.language import spanish_courtesy

COURTESIES = {"utter_greet", "utter_thank", "utter_goodbye"}
_PLACEHOLDER = re.compile(r"{([^\n{}]+?)}")  # as Rasa's interpolator reads them


class ClinicFactsNLG(TemplatedNaturalLanguageGenerator):
    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, domain: Optional[Domain] = None) -> None:
        super().__init__((domain or Domain.empty()).responses)
        self.facts = answer_facts(clinic())

    async def generate(
        self, utter_action: Text, tracker: DialogueStateTracker, output_channel: Text, **kwargs: Any
    ) -> Optional[Dict[Text, Any]]:
        if _returns_a_spanish_courtesy(tracker, utter_action):
            slots = {**tracker.current_slot_values(), "patient_language": "es"}
            return self.generate_from_slots(utter_action, slots, output_channel, **kwargs)
        answer = await super().generate(utter_action, tracker, output_channel, **kwargs)
        also = _also_asked(tracker, utter_action)
        if not answer or not also or not answer.get("text"):
            return answer
        other = await super().generate(self._answer_to(also["value"], utter_action), tracker, output_channel, **kwargs)
        if not other or not other.get("text"):
            return answer
        texts = [other["text"], answer["text"]] if also.get("role") == "before" else [answer["text"], other["text"]]
        return {**answer, "text": "\n\n".join(texts)}

    def _answer_to(self, intent: Text, main_answer: Text) -> Text:
        """utter_cost, or its variant for the topic the main answer is about (utter_cost__gummy_smile)."""
        answer = answer_response(intent)
        topic = main_answer.removeprefix("utter_").split("__")[-1]
        return f"{answer}__{topic}" if f"{answer}__{topic}" in self.responses else answer

    def _random_response_for(
        self, utter_action: Text, output_channel: Text, filled_slots: Dict[Text, Any]
    ) -> Optional[Dict[Text, Any]]:
        """Rasa picks at random among the variations whose conditions all hold; here the most specific of them wins,
        so a Spanish emergency answer with a toxin allergy (two conditions) always carries the allergy's deferral,
        not only when the draw skips the plain Spanish one (one condition)."""
        if utter_action not in self.responses:
            return None
        suitable = ResponseVariationFilter(self.responses).responses_for_utter_action(
            utter_action, output_channel, filled_slots)
        if not suitable:
            return None
        most = max(len(variation.get("condition") or ()) for variation in suitable)
        return random.choice([variation for variation in suitable if len(variation.get("condition") or ()) == most])

    def _fill_response(self, response: Dict[Text, Any], filled_slots: Optional[Dict[Text, Any]] = None,
                       **kwargs: Any) -> Dict[Text, Any]:
        """Rasa fills placeholders in button payloads too, and `/inform{"patient_type": "new"}` reads as one: it logs
        an error, with the slot values beside it, for every such button. Payloads are intents, never text to fill.
        Texts and button titles are filled here too: Rasa's interpolator gives up, and sends every placeholder
        unfilled, when a value contains "0[" (a concern typed as "10[ish] units")."""
        buttons = response.pop("buttons", None)
        text = response.pop("text", None)
        filled = super()._fill_response(response, filled_slots, **kwargs)
        values = self._response_variables(filled_slots, kwargs)
        if text is not None:
            filled["text"] = fill_text(text, values)
        if buttons is not None:
            filled["buttons"] = [{**button, "title": fill_text(button["title"], values)} if "title" in button
                                 else button for button in buttons]
        return filled

    def generate_from_slots(
        self, utter_action: Text, filled_slots: Dict[Text, Any], output_channel: Text, **kwargs: Any
    ) -> Optional[Dict[Text, Any]]:
        # A conversation whose messages have not yet said which language it is in (bot/safety/language.py) is in
        # English: the variations written for English ("en") apply to it.
        language = {"patient_language": filled_slots.get("patient_language") or "en"}
        return super().generate_from_slots(
            utter_action, {**filled_slots, **self.facts, **language}, output_channel, **kwargs)


def fill_text(text: Text, values: Dict[Text, Any]) -> Text:
    """Each {placeholder} with a value replaced by it, in one pass (a value's own braces stay as typed)."""
    return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), text)


def _returns_a_spanish_courtesy(tracker: DialogueStateTracker, utter_action: Text) -> bool:
    """A "hola" or "muchas gracias" before the conversation has shown its language is returned in Spanish, in that
    reply only: the conversation's language stays unset, so a later short English message (or an emergency) is not
    answered in Spanish because of one courtesy."""
    if utter_action not in COURTESIES or tracker.get_slot("patient_language"):
        return False
    message = tracker.latest_message
    return bool(message and message.text and spanish_courtesy(message.text))


def _also_asked(tracker: DialogueStateTracker, utter_action: Text) -> Optional[Dict[Text, Any]]:
    """The second question of the patient's latest message, when this response answers its main question or starts
    what it asks for (a booking)."""
    message = tracker.latest_message
    main = ((message.intent if message else None) or {}).get("name") or ""
    if not main.startswith(QUESTION_PREFIX) and main not in REQUESTS:
        return None
    main_answer = answer_response(main)
    if utter_action != main_answer and not utter_action.startswith(main_answer + "__"):
        return None
    return next((entity for entity in message.entities if entity.get("entity") == ALSO_ASKED), None)
