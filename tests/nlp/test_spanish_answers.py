"""Spanish: every response has its Spanish variation, so questions, booking, cancelling and rescheduling are held in
Spanish (bot/responses.py: speaks, intents_answered_in); other languages get the honest notice in their language, and
safety answers stay first in any language."""

from __future__ import annotations

import re
import string
import uuid

import pytest

from bot.answers import answer_facts
from bot.clinic import clinic
from bot.handoff.conversation import people_ahead
from bot.handoff.hours import describe_opening, describe_staff_hours
from bot.responses import answer_responses, intents_answered_in, speaks
from tests.actions.driver import DOMAIN

SPANISH = {"type": "slot", "name": "patient_language", "value": "es"}
SPANISH_RESPONSES = sorted(
    name for name, variations in DOMAIN["responses"].items()
    if any(SPANISH in v.get("condition", []) for v in variations)
)
# The safety layer's replies, written for every language it reads: they give the essentials and the phone number
# (the dose reply leaves out the English one's price list on purpose).
SAFETY_REPLIES = {
    "utter_emergency", "utter_other_language", "utter_action_server_down", "utter_side_effects", "utter_pregnancy",
    "utter_medical_conditions", "utter_dose",
}


def _variation(name: str, spanish: bool) -> str:
    return next(
        v["text"] for v in DOMAIN["responses"][name]
        if (SPANISH in v.get("condition", [])) == spanish and "channel" not in v
        and (spanish or "condition" not in v)
    )


def _fields(text: str) -> set:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


# What actions fill in besides the clinic's facts, as they fill it in Spanish.
ACTION_VALUES = {
    "people_ahead": people_ahead(1, "es"), "staff_hours": describe_staff_hours(language="es"),
    "next_opening": describe_opening(None, language="es"),
}


class _Sample(dict):
    """Values an action fills in (a booking's time, a reference): the field's own name stands in for it."""

    def __missing__(self, key: str) -> str:
        return f"<{key}>"


def _rendered(name: str) -> str:
    return _variation(name, spanish=True).format_map(_Sample({**answer_facts(clinic()), **ACTION_VALUES}))


def test_every_response_has_its_spanish_variation():
    missing = [name for name, variations in DOMAIN["responses"].items()
               if not any(SPANISH in v.get("condition", []) for v in variations)]
    assert missing == [] and speaks("es")
    assert not speaks("fr")


def test_questions_and_requests_are_answered_in_spanish():
    answered = intents_answered_in("es")
    assert {"ask_cost", "ask_gummy_smile", "ask_hours", "ask_results_duration", "ask_aftercare_exercise",
            "ask_pain", "greet", "thank", "request_human", "book_consultation", "cancel_booking", "inform",
            "affirm", "choose_slot"} <= answered
    assert "book_consultation" not in intents_answered_in("fr")


@pytest.mark.parametrize("name", sorted(set(SPANISH_RESPONSES) - SAFETY_REPLIES))
def test_a_spanish_answer_quotes_the_same_facts_in_their_spanish_form(name):
    """The Spanish text says what the English does: the same clinic facts, each word fact in the clinic's Spanish
    (`spanish:` in data/clinic.yml)."""
    facts = answer_facts(clinic())
    english = _fields(_variation(name, spanish=False))
    expected = {f"{field}_es" if f"{field}_es" in facts else field for field in english}
    assert _fields(_variation(name, spanish=True)) == expected


@pytest.mark.parametrize("name", SPANISH_RESPONSES)
def test_every_spanish_answer_is_filled_in(name):
    assert "{" not in _rendered(name) and "None" not in _rendered(name)


def test_the_spanish_facts_are_the_clinics_own_words_in_spanish():
    facts = answer_facts(clinic())
    assert facts["clinic_hours_es"].startswith("Austin: lun-mié 9:00-18:00, jue 9:00-19:00")
    assert facts["clinic_hours_es"].endswith("San Diego: lun-vie 9:00-18:00, cerrado sáb y dom")
    assert "$150" in facts["area_prices_es"] and "gummy" not in facts["area_prices_es"].lower()


def test_the_spanish_facts_have_the_same_numbers_as_the_english_ones():
    """Durations, prices and limits are written out in both languages in data/clinic.yml: they must not drift."""
    facts = answer_facts(clinic())
    for key in (k for k in facts if k.endswith("_es") and k != "clinic_hours_es"):  # hours: 9am-6pm, 9:00-18:00
        assert sorted(re.findall(r"\d+", facts[key])) == sorted(re.findall(r"\d+", facts[key[:-3]])), key


def test_a_spanish_question_gets_the_spanish_answer(assistant):
    reply = assistant.reply("hola buenas, cuánto me sale ponerme botox en la frente? y el precio por unidad?")
    assert reply in {_rendered(name) for name in answer_responses("ask_cost")}, reply


@pytest.mark.xfail(strict=True, reason=(
    "Since the second round of Spanish examples (2026-12-06) DIET reads 'mejor' and 'verdad' as the full-results "
    "question (0.38) and the patient gets that answer, not the notice; the same round took Spanish questions on one "
    "fold of data/nlu from 32 to 55 of 78 answered (docs/nlu-evaluation.md)"))
def test_an_unclear_spanish_message_gets_the_honest_reply_not_a_guess(assistant):
    reply = assistant.reply("mi prima dice que el tuyo es el mejor, verdad?")
    assert reply == _rendered("utter_out_of_scope")


def test_an_emergency_in_spanish_still_comes_first_in_spanish(assistant):
    reply = assistant.reply("desde el botox no puedo tragar bien y me cuesta respirar, qué precio tiene la consulta?")
    assert reply.startswith(_rendered("utter_emergency")[:60]), reply


def test_a_problem_after_a_treatment_told_in_spanish_goes_to_the_concern_path(assistant):
    sender = f"es-concern-{uuid.uuid4().hex}"
    assistant.messages("desde la inyección de la semana pasada la sonrisa se me quedó chueca de un lado", sender)
    answers = [name for name, _ in assistant.bot_messages(sender)]
    assert answers[0] == "utter_treatment_concern", answers
    assert assistant.bot_messages(sender)[0][1] == _rendered("utter_treatment_concern")


def test_only_spanish_is_answered_in_its_own_language(assistant):
    """French has variations of the safety replies only: a French question still gets the notice."""
    sender = f"fr-{uuid.uuid4().hex}"
    assistant.messages("Bonjour, quels sont les effets secondaires les plus fréquents du botox ?", sender)
    assert [name for name, _ in assistant.bot_messages(sender)] == ["utter_other_language"]


@pytest.mark.parametrize("text, reported", [
    ("después del tratamiento la sonrisa me quedó chueca", True),
    ("desde que me inyecté las cejas no quedaron iguales", True),
    ("¿con el bótox se corrige una ceja caída?", False),
    ("me hice un tatuaje y quedó chueco", False),
])
def test_a_problem_after_a_treatment_is_read_in_spanish_too(text, reported):
    from bot.nlp.treatment_concern import reports_a_treatment_problem

    assert reports_a_treatment_problem(text) is reported


def test_a_spanish_patient_who_asks_for_a_person_is_handed_over_in_spanish(assistant):
    """Queued for a person within staff hours, a message taken outside them: in Spanish either way."""
    sender = f"es-person-{uuid.uuid4().hex}"
    assistant.messages("hola, quisiera hablar con una persona de su equipo por favor", sender)
    (first, first_text), *_ = assistant.bot_messages(sender)
    assert first in {"utter_handoff_queued", "utter_handoff_after_hours"}, first
    assert first_text.startswith("Soy el asistente automático"), first_text


def test_a_name_or_a_number_keeps_the_conversation_in_spanish(assistant):
    sender = f"es-sticky-{uuid.uuid4().hex}"
    assistant.messages("hola, quisiera saber cuánto cuesta el botox para la frente", sender)
    for text in ("María López", "512-555-0199", "ok"):
        assistant.messages(text, sender)
        assert assistant.tracker(sender).get_slot("patient_language") == "es", text


def test_an_english_message_after_a_spanish_one_is_answered_in_english(assistant):
    sender = f"es-then-en-{uuid.uuid4().hex}"
    assistant.messages("hola, cuánto cuesta el botox para la sonrisa gingival?", sender)
    reply = assistant.reply("sorry, can you tell me in English how long the results last?", sender)
    english = {_variation(name, spanish=False).format_map(answer_facts(clinic()))
               for name in answer_responses("ask_results_duration")}
    assert reply in english, reply  # the gummy smile's own answer: the area asked about in Spanish is the context
