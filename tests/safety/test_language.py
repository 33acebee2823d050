"""Which language a message is in (bot/safety/language.py), and whether it shows which language the conversation
is in: a name, a number or a short reply keeps the language the conversation had."""

from __future__ import annotations

import pytest

from bot.safety import Decision, analyse
from bot.safety.language import detect_language, shown_language, spanish_courtesy


@pytest.mark.parametrize("text, language", [
    ("hola, quisiera saber cuánto cuesta el botox para la frente", "es"),
    ("how long does botox last for a gummy smile?", "en"),
    ("¿duele mucho?", "en"),  # too short for the detector: English, as a wrong "not English" would hide the answer
    ("ok thanks", "en"),
])
def test_the_language_of_a_message(text, language):
    assert detect_language(text) == language


@pytest.mark.parametrize("text", [
    "María López", "Juan Carlos Ramírez", "Mary Ann Smith", "512-555-0199", "+1 512 555 0199", "ok", "sí",
    "ana.torres@example.com", "jose.luis.perez@hotmail.com",
    "Hi Dr Smith, cuanto cuesta el botox",  # a mix the detector is unsure of
])
def test_a_name_a_number_or_a_short_reply_does_not_show_the_language(text):
    assert shown_language(text) is None


@pytest.mark.parametrize("text, language", [
    ("hola, quisiera saber cuánto cuesta el botox para la frente", "es"),
    ("how long does botox last for a gummy smile?", "en"),
    ("can i book a consultation for next week", "en"),  # though the detector is only 47% sure
    ("Can I book Saturday?", "en"),
    ("mi correo es ana.torres@example.com, y quiero saber el precio", "es"),
])
def test_a_sentence_shows_it(text, language):
    assert shown_language(text) == language


@pytest.mark.parametrize("text", [
    "¡ayuda! cant breathe", "¿normal? cant swallow", "¡help! cant swalow", "¿es normal? i cant swalow since the botox",
])
def test_a_spanish_mark_in_an_english_report_does_not_hide_the_emergency(text):
    assert analyse(text).decision == Decision.EMERGENCY


@pytest.mark.parametrize("text", ["hola", "Hola!", "buenas tardes", "buenos días 👋", "muchas gracias!!", "adiós",
                                  "hasta luego", "hola buenas"])
def test_spanish_courtesies(text):
    assert spanish_courtesy(text)


@pytest.mark.parametrize("text", ["hi", "thanks", "hola I have a question", "gracias but can you help", "que tal",
                                  "mañana", "", "🙂", "tardes"])
def test_not_a_spanish_courtesy(text):
    assert not spanish_courtesy(text)
