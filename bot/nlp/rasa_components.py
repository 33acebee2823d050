"""Rasa NLU graph components that connect the clinic core to Rasa (referenced from config.yml)."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlp.urgent import mentions_urgent_symptom

EMERGENCY_INTENT = "report_emergency"


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


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class UrgentSymptomGuard(_Stateless):
    """Overrides the predicted intent with the emergency intent when a message mentions an urgent symptom."""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if mentions_urgent_symptom(message.get(TEXT) or ""):
                urgent = {"name": EMERGENCY_INTENT, "confidence": 1.0}
                ranking = [urgent] + [r for r in message.get(INTENT_RANKING_KEY, []) if r["name"] != EMERGENCY_INTENT]
                message.set(INTENT, urgent, add_to_output=True)
                message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
