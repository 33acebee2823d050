"""Domain responses with the clinic's facts (data/clinic.yml) filled in by the Rasa server itself.

The fact slots are set by the action server at session start; when it is down, "call us at {clinic_phone}" would
read "call us at None". This generator fills any fact slot that is still empty, so the emergency, deferral and
dose answers always carry the clinic's phone number. Configured in endpoints.yml (`nlg: type: ...`).
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
        missing = {name: value for name, value in self.facts.items() if filled_slots.get(name) is None}
        slots = {**filled_slots, **missing}
        return super().generate_from_slots(utter_action, slots, output_channel, **kwargs)
