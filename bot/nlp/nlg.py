"""Domain responses with the clinic's facts (data/clinic.yml) filled in by the Rasa server itself.

Responses quote facts as `{clinic_phone}`, `{price_per_unit}` and so on. They are not slots: this generator adds
them to the slot values of every response, so the emergency, deferral and dose answers carry the clinic's phone
number even when the action server is down. Configured in endpoints.yml (`nlg: type: ...`).
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Text

from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import EndpointConfig

from bot.answers import answer_facts
from bot.clinic import clinic


class ClinicFactsNLG(TemplatedNaturalLanguageGenerator):
    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, domain: Optional[Domain] = None) -> None:
        super().__init__((domain or Domain.empty()).responses)
        self.facts = answer_facts(clinic())

    def generate_from_slots(
        self, utter_action: Text, filled_slots: Dict[Text, Any], output_channel: Text, **kwargs: Any
    ) -> Optional[Dict[Text, Any]]:
        return super().generate_from_slots(utter_action, {**filled_slots, **self.facts}, output_channel, **kwargs)
