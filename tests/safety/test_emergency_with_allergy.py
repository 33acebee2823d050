"""An urgent report that also tells an allergy to a toxin product gets the emergency answer first, and the deferral
in it (domain.yml, utter_emergency's variations by safety_finding)."""

from __future__ import annotations

import uuid

import pytest

DEFERRAL = {"en": "we won't treat you with any of them", "es": "no le aplicaremos ninguno"}


def _replies(assistant, text: str):
    sender = f"allergy-{uuid.uuid4().hex}"
    assistant.messages(text, sender)
    return assistant.bot_messages(sender)


@pytest.mark.parametrize("text, language", [
    ("i had a bad reaction to dysport a couple years ago, hives and swelling, botox should be fine right?", "en"),
    ("I'm allergic to Xeomin and since my botox today my throat is closing", "en"),
    ("Hace dos años tuve una reacción alérgica con Dysport, se me hinchó la cara y ahora tengo ronchas", "es"),
])
def test_the_emergency_answer_carries_the_toxin_allergy_deferral(assistant, text, language):
    replies = _replies(assistant, text)
    assert replies[0][0] == "utter_emergency"
    assert "911" in replies[0][1] and DEFERRAL[language] in replies[0][1]


def test_an_emergency_without_an_allergy_does_not_mention_one(assistant):
    replies = _replies(assistant, "since my botox yesterday I can't swallow")
    assert replies[0][0] == "utter_emergency"
    assert DEFERRAL["en"] not in replies[0][1]
