"""Which language a message is in (bot/safety/language.py), and whether it says so clearly enough to set the
conversation's language."""

from __future__ import annotations

import pytest

from bot.safety.language import detect_language, language_is_clear


@pytest.mark.parametrize("text, language", [
    ("hola, quisiera saber cuánto cuesta el botox para la frente", "es"),
    ("how long does botox last for a gummy smile?", "en"),
    ("¿duele mucho?", "es"),  # too short for the detector, but only Spanish opens a question with ¿
    ("¡gracias!", "es"),
    ("ok thanks", "en"),
    ("María López", "en"),
])
def test_the_language_of_a_message(text, language):
    assert detect_language(text) == language


@pytest.mark.parametrize("text", [
    "María López", "Juan Carlos Ramírez", "Mary Ann Smith", "512-555-0199", "+1 512 555 0199", "ok", "sí",
    "ana.torres@example.com", "jose.luis.perez@hotmail.com",
])
def test_a_name_a_number_or_a_word_does_not_say_which_language(text):
    assert not language_is_clear(text)


@pytest.mark.parametrize("text", [
    "hola, quisiera saber cuánto cuesta el botox para la frente", "how long does botox last for a gummy smile?",
    "¿duele mucho?", "can i book a consultation for next week",  # English, though the detector is only 47% sure
])
def test_a_sentence_does(text):
    assert language_is_clear(text)
