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
