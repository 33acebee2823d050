"""The blend of the sentence encoder's intent probabilities with DIET's (bot/nlp/sentence_intents.py): the English-only
encoder leads on English, DIET leads on a message in another language."""

from __future__ import annotations

import numpy as np
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlp.sentence_intents import SentenceEncoderIntentClassifier

WEIGHTS = {"coef": np.zeros((2, 3)), "intercept": np.zeros(2), "intents": np.array(["ask_hours", "ask_locations"])}
ENCODER_SAYS_HOURS = np.array([0.9, 0.1])
DIET_SAYS_LOCATIONS = [{"name": "ask_locations", "confidence": 0.8}, {"name": "ask_hours", "confidence": 0.2}]


def _blended(text: str) -> str:
    classifier = SentenceEncoderIntentClassifier(
        {"weight": 0.7, "weight_other_languages": 0.3}, model_storage=None, resource=None, weights=WEIGHTS)
    message = Message({TEXT: text, INTENT_RANKING_KEY: DIET_SAYS_LOCATIONS})
    classifier._blend(message, ENCODER_SAYS_HOURS)
    return message.get(INTENT)["name"]


def test_the_encoder_leads_on_an_english_message():
    assert _blended("where exactly are your clinics located these days?") == "ask_hours"


def test_diet_leads_on_a_spanish_message_the_english_encoder_cannot_read():
    assert _blended("¿en qué parte de la ciudad están ubicadas sus clínicas?") == "ask_locations"


def test_a_message_too_short_to_tell_counts_as_english():
    assert _blended("donde estan") == "ask_hours"
