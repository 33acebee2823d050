"""The blend of the sentence encoder's intent probabilities with DIET's (bot/nlp/sentence_intents.py): the English-only
encoder leads on English, DIET leads on a message in another language."""

from __future__ import annotations

import numpy as np
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
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


# A booking request beside a question: the parts of the message read one by one, here as the encoder is scripted to.
PARTS_READ_AS = {
    "How much is it?": "ask_cost", "I'd like to book a consultation.": "book_consultation",
    "What if I have to cancel?": "cancel_booking", "Is it safe while pregnant?": "ask_pregnancy",
    "I run a bakery.": "book_consultation", "Do I need to book a consultation first?": "book_consultation",
    "Quiero reservar una consulta.": "book_consultation", "¿Cuánto cuesta?": "ask_cost",
}
INTENTS = ["ask_cost", "ask_pregnancy", "book_consultation", "cancel_booking"]


def _read_as_scripted(texts):
    return np.array([[0.9 if intent == PARTS_READ_AS[text] else 0.1 / 3 for intent in INTENTS] for text in texts])


def _with_second_question(text: str, ranking: list, monkeypatch) -> Message:
    weights = {"coef": np.zeros((4, 3)), "intercept": np.zeros(4), "intents": np.array(INTENTS)}
    classifier = SentenceEncoderIntentClassifier({}, model_storage=None, resource=None, weights=weights)
    monkeypatch.setattr(classifier, "_read", _read_as_scripted)
    ranking = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    message = Message({TEXT: text, INTENT: ranking[0], INTENT_RANKING_KEY: ranking})
    classifier._add_second_question(message)
    return message


def _also(message: Message):
    return [(e["value"], e["role"]) for e in message.get(ENTITIES, []) if e["entity"] == "also_asked"]


def test_a_booking_request_after_a_question_becomes_the_intent_and_the_question_is_answered_first(monkeypatch):
    ranking = [("ask_cost", 0.6), ("cancel_booking", 0.3), ("book_consultation", 0.1)]
    message = _with_second_question("How much is it? I'd like to book a consultation.", ranking, monkeypatch)
    assert message.get(INTENT)["name"] == "book_consultation"
    assert _also(message) == [("ask_cost", "before")]


def test_a_question_after_a_booking_request_is_answered_after_the_booking_starts(monkeypatch):
    message = _with_second_question("I'd like to book a consultation. How much is it?",
                                    [("book_consultation", 0.7), ("ask_cost", 0.3)], monkeypatch)
    assert message.get(INTENT)["name"] == "book_consultation"
    assert _also(message) == [("ask_cost", "after")]


def test_a_question_about_cancelling_does_not_start_a_cancellation(monkeypatch):
    message = _with_second_question("What if I have to cancel? How much is it?",
                                    [("ask_cost", 0.6), ("cancel_booking", 0.4)], monkeypatch)
    assert message.get(INTENT)["name"] == "ask_cost" and _also(message) == []


def test_a_safety_question_is_not_turned_into_a_booking(monkeypatch):
    message = _with_second_question("Is it safe while pregnant? I'd like to book a consultation.",
                                    [("ask_pregnancy", 0.6), ("book_consultation", 0.4)], monkeypatch)
    assert message.get(INTENT)["name"] == "ask_pregnancy"


def test_without_a_request_in_view_the_story_around_a_question_is_not_read(monkeypatch):
    message = _with_second_question("I run a bakery. How much is it?", [("ask_cost", 0.9), ("ask_pregnancy", 0.1)],
                                    monkeypatch)
    assert message.get(INTENT)["name"] == "ask_cost" and _also(message) == []


def test_a_safety_question_beside_a_booking_and_another_question_keeps_the_message_as_it_was(monkeypatch):
    message = _with_second_question("How much is it? Is it safe while pregnant? I'd like to book a consultation.",
                                    [("ask_cost", 0.6), ("book_consultation", 0.4)], monkeypatch)
    assert message.get(INTENT)["name"] == "ask_cost"


def test_a_question_about_booking_does_not_outrank_the_question_read_first(monkeypatch):
    message = _with_second_question("Do I need to book a consultation first? How much is it?",
                                    [("ask_cost", 0.6), ("book_consultation", 0.4)], monkeypatch)
    assert message.get(INTENT)["name"] == "ask_cost"


def test_a_spanish_message_keeps_its_question_which_has_a_spanish_answer(monkeypatch):
    message = _with_second_question("Quiero reservar una consulta. ¿Cuánto cuesta?",
                                    [("ask_cost", 0.6), ("book_consultation", 0.4)], monkeypatch)
    assert message.get(INTENT)["name"] == "ask_cost" and _also(message) == []
