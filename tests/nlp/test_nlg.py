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
