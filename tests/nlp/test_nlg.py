"""The Rasa server's response generator (bot/nlp/nlg.py): clinic facts filled in, button payloads left alone."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from bot.answers import answer_facts
from bot.clinic import clinic
from bot.nlp.nlg import ClinicFactsNLG

DOMAIN = Domain.load(str(Path(__file__).resolve().parents[2] / "domain.yml"))


def generate(response: str, caplog) -> dict:
    tracker = DialogueStateTracker.from_events("nlg-test", [], slots=DOMAIN.slots)
    with caplog.at_level(logging.DEBUG):
        return asyncio.run(ClinicFactsNLG(domain=DOMAIN).generate(response, tracker, "rest"))


def test_button_payloads_are_not_filled_in_and_log_nothing(caplog):
    answer = generate("utter_ask_patient_status", caplog)
    assert clinic().name in answer["text"]
    payloads = [button["payload"] for button in answer["buttons"]]
    assert payloads == ['/inform{"patient_type": "new"}', '/inform{"patient_type": "returning"}']
    assert "placeholder" not in caplog.text and "interpolat" not in caplog.text


def test_texts_get_the_clinics_facts(caplog):
    answer = generate("utter_action_server_down", caplog)
    assert answer_facts(clinic())["clinic_phone"] in answer["text"]


def test_the_most_specific_variation_wins():
    """Both the Spanish emergency answer and its variation with a toxin allergy hold for a Spanish patient with the
    allergy; Rasa would draw one at random, and half the time leave the allergy's deferral out."""
    slots = {"patient_language": "es", "safety_finding": "toxin_allergy"}
    texts = {ClinicFactsNLG(domain=DOMAIN).generate_from_slots("utter_emergency", slots, "rest")["text"]
             for _ in range(20)}
    assert len(texts) == 1 and "toxina botulínica" in texts.pop()


def test_a_conversation_that_has_not_shown_its_language_gets_the_english_variation():
    slots = {"patient_language": None, "safety_finding": "toxin_allergy"}
    text = ClinicFactsNLG(domain=DOMAIN).generate_from_slots("utter_emergency", slots, "rest")["text"]
    assert "botulinum toxin product" in text


def courtesy_reply(response: str, text: str, language=None) -> str:
    from rasa.shared.core.events import SlotSet, UserUttered

    events = [UserUttered(text, {"name": "greet", "confidence": 1.0})]
    if language:
        events.insert(0, SlotSet("patient_language", language))
    tracker = DialogueStateTracker.from_events("courtesy-test", events, slots=DOMAIN.slots)
    return asyncio.run(ClinicFactsNLG(domain=DOMAIN).generate(response, tracker, "rest"))["text"]


def test_a_spanish_courtesy_is_returned_in_spanish_before_the_language_is_known():
    assert courtesy_reply("utter_greet", "hola").startswith("¡Hola!")
    assert courtesy_reply("utter_greet", "Buenas tardes!!").startswith("¡Hola!")
    assert "gusto" in courtesy_reply("utter_thank", "muchas gracias 🙏")


def test_a_spanish_courtesy_leaves_an_english_conversation_and_other_answers_in_english():
    assert courtesy_reply("utter_greet", "hola", language="en").startswith("Hi!")
    assert courtesy_reply("utter_greet", "hi").startswith("Hi!")
    assert courtesy_reply("utter_greet", "hola I have a question").startswith("Hi!")
    assert "911" in courtesy_reply("utter_emergency", "gracias") and "llame" not in courtesy_reply(
        "utter_emergency", "gracias").lower()


def test_a_value_the_patient_typed_is_filled_in_as_typed():
    """Rasa's interpolator sends the whole template unfilled when a value contains "0["."""
    slots = {"concern": "forehead, maybe 10[ish] units {x}", "patient_name": "Jane {Doe}", "email": "j@example.com"}
    values = {"phone_shown": "+1 512-555-0199", "when": "Monday", "location_name": "Austin",
              "location_address": "100 Example Avenue", "provider": "Maya Chen"}
    text = ClinicFactsNLG(domain=DOMAIN).generate_from_slots("utter_check_booking", slots, "rest", **values)["text"]
    assert "• About: forehead, maybe 10[ish] units {x}" in text and "• Name: Jane {Doe}" in text
    assert "• When: Monday" in text and "{" not in text.replace("{x}", "").replace("{Doe}", "")
