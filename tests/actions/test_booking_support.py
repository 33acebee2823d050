"""Reading what patients type during booking: contact details, names, picks, yes/no, corrections, bad input."""

import pytest

from actions.booking_support import (
    Turn,
    correction_fields,
    input_problem,
    parse_person_name,
    patient_status,
    pick_number,
    resolve_pick,
    slot_title,
    wants_to_stop,
    when_text,
    yes_or_no,
)
from bot.clinic import clinic
from bot.contact import find_email, find_phone
from tests.actions.driver import read


def turn(text: str, intent: str = "inform", **entities: str) -> Turn:
    return Turn(raw=text, text=text, intent=intent, entities={k: [v] for k, v in entities.items()})


@pytest.mark.parametrize("text, expected", [
    ("512-555-0199", "+15125550199"),
    ("(512) 555-0134", "+15125550134"),
    ("5125550199", "+15125550199"),
    ("+1 303 555 0148", "+13035550148"),
    ("my number is 619.555.0123 thanks", "+16195550123"),
    ("1-512-555-0199", "+15125550199"),
])
def test_us_phone_numbers_are_normalised_to_e164(text, expected):
    assert find_phone(text) == expected


@pytest.mark.parametrize("text", ["12345", "555-0199", "000-000-0000", "+44 20 7946 0958", "call me maybe", ""])
def test_what_is_not_a_us_phone_number_is_refused(text):
    assert find_phone(text) is None


def test_email_addresses_are_validated_without_a_network_lookup():
    assert find_email("it's Jane.Doe@Example.com") == "jane.doe@example.com"
    assert find_email("jane@example") is None
    assert find_email("jane at example dot com") is None
    assert find_email("jane@@example.com") is None


@pytest.mark.parametrize("text, expected", [
    ("Jane Doe", "Jane Doe"),
    ("my name is jane doe", "Jane Doe"),
    ("I'm María José O'Neil-Smith", "María José O'Neil-Smith"),
    ("hi, I'm Carlos Ruiz.", "Carlos Ruiz"),
])
def test_names(text, expected):
    assert parse_person_name(text) == expected


@pytest.mark.parametrize("text", ["yes", "<script>alert(1)</script>", "jane@example.com", "R2D2", "🙂🙂", "",
                                  "a b c d e f g h"])
def test_what_is_not_a_name(text):
    assert parse_person_name(text) is None


@pytest.mark.parametrize("raw, problem", [
    ("", "didn't get any text"),
    ("   ", "didn't get any text"),
    ("🙂👍", "not emoji"),
    ("<b></b>", "didn't get any text"),
    ("x" * 600, "longer than I can handle"),
    ("Хочу записаться на пятницу", "only read English"),
    ("予約したいです", "only read English"),
])
def test_unreadable_input_gets_a_reason(raw, problem):
    from actions.booking_support import clean_text

    assert problem in read({"response": input_problem(Turn(raw=raw, text=clean_text(raw), intent="nlu_fallback"))})


def test_ordinary_input_and_button_payloads_are_readable():
    assert input_problem(turn("next tuesday afternoon")) is None
    assert input_problem(Turn(raw='/choose_slot{"slot_key": "x"}', text="", intent="choose_slot")) is None
    assert input_problem(turn("café crème, mañana")) is None


@pytest.mark.parametrize("text, expected", [
    ("2", 2), ("#3", 3), ("option 1", 1), ("the second one", 2), ("the last one", 5), ("number 4 please", 4),
    ("first", 1), ("the earliest", 1),
])
def test_picks_by_number(text, expected):
    assert pick_number(text, 5) == expected


@pytest.mark.parametrize("text", ["7", "tuesday at 2pm", "dec 2nd", "the 2nd of december", "10:30", "two people"])
def test_what_is_not_a_pick_by_number(text):
    assert pick_number(text, 5) is None


OFFERS = [
    {"provider_id": "np-chen", "location_id": "austin", "start": "2030-12-03T20:15:00+00:00",
     "end": "2030-12-03T20:45:00+00:00"},  # Tue Dec 3 2030, 2:15pm CST
    {"provider_id": "dr-rivera", "location_id": "austin", "start": "2030-12-05T16:00:00+00:00",
     "end": "2030-12-05T16:30:00+00:00"},  # Thu Dec 5, 10am CST
]


def test_picks_by_words_and_by_button():
    the_clinic = clinic()
    assert resolve_pick(turn("the 2:15 one"), OFFERS, the_clinic) == 0
    assert resolve_pick(turn("thursday please"), OFFERS, the_clinic) == 1
    assert resolve_pick(turn("with dr rivera"), OFFERS, the_clinic) == 1
    assert resolve_pick(turn("10am"), OFFERS, the_clinic) == 1
    assert resolve_pick(turn("2"), OFFERS, the_clinic) == 1
    key = f"{OFFERS[0]['start']}|np-chen|austin"
    assert resolve_pick(Turn(raw="/choose_slot", text="", intent="choose_slot", entities={"slot_key": [key]}),
                        OFFERS, the_clinic) == 0
    assert resolve_pick(turn("monday"), OFFERS, the_clinic) is None
    assert resolve_pick(turn("3"), OFFERS, the_clinic) is None


def test_slot_titles_name_the_time_zone_and_provider():
    the_clinic = clinic()
    assert slot_title(OFFERS[0], the_clinic) == "Tue Dec 3, 2:15pm CST with Maya Chen"
    assert slot_title(OFFERS[1], the_clinic, with_location=True) == "Thu Dec 5, 10am CST with Dr. Elena Rivera, Austin"
    from datetime import datetime

    assert when_text(datetime.fromisoformat(OFFERS[0]["start"]), "America/Chicago") == (
        "Tuesday, December 3 at 2:15pm CST (Central Time)"
    )


def test_slot_titles_and_times_in_spanish():
    from datetime import datetime

    the_clinic = clinic()
    assert slot_title(OFFERS[0], the_clinic, language="es") == "mar 3 dic, 14:15 CST con Maya Chen"
    assert slot_title(OFFERS[1], the_clinic, True, "es") == "jue 5 dic, 10:00 CST con la Dra. Elena Rivera, Austin"
    assert when_text(datetime.fromisoformat(OFFERS[0]["start"]), "America/Chicago", "es") == (
        "martes 3 de diciembre a las 14:15 CST (hora del Centro)"
    )


def test_yes_no_and_new_or_returning():
    assert yes_or_no(turn("yes please")) is True
    assert yes_or_no(turn("I agree")) is True
    assert yes_or_no(turn("no thanks")) is False
    assert yes_or_no(turn("whatever", intent="affirm")) is True
    assert yes_or_no(turn("maybe later")) is None
    assert patient_status(turn("this is my first visit")) == "new"
    assert patient_status(turn("I've been there before")) == "returning"
    assert patient_status(turn("never been")) == "new"
    assert patient_status(turn("yes", intent="affirm")) == "returning"
    assert patient_status(turn("no", intent="deny")) == "new"
    assert patient_status(Turn(raw="/inform", text="", intent="inform", entities={"patient_type": ["new"]})) == "new"


def test_corrections_name_the_detail():
    assert correction_fields(turn("my number is wrong", "correction"), has_time=False) == ["phone"]
    assert correction_fields(turn("wrong email", "correction"), has_time=False) == ["email"]
    assert correction_fields(turn("actually make it friday", "correction"), has_time=True) == ["time"]
    assert correction_fields(turn("change the location to denver", "correction", location="denver"),
                             has_time=False) == ["location"]
    assert correction_fields(turn("I spelled my name wrong", "correction"), has_time=False) == ["name"]
    assert correction_fields(turn("oops", "correction"), has_time=False) == []


def test_stopping():
    assert wants_to_stop(turn("stop", "stop"))
    assert wants_to_stop(turn("never mind", "deny"))
    assert not wants_to_stop(turn("no", "deny"))


@pytest.mark.parametrize("raw", ["je voudrais un rendez-vous demain", "ich möchte einen Termin"])
def test_other_languages_are_named(raw):
    assert input_problem(turn(raw)) == "utter_input_not_english"


@pytest.mark.parametrize("raw", ["quiero una cita el viernes por la tarde", "mi nombre es María López",
                                 "la primera opción por favor"])
def test_spanish_is_read(raw):
    assert input_problem(turn(raw)) is None


def test_spanish_answers_to_the_forms_questions():
    assert yes_or_no(turn("sí, está bien")) is True
    assert yes_or_no(turn("Claro que sí")) is True
    assert yes_or_no(turn("no, gracias")) is False
    assert yes_or_no(turn("para nada")) is False
    assert patient_status(turn("es mi primera vez")) == "new"
    assert patient_status(turn("nunca he ido")) == "new"
    assert patient_status(turn("no es mi primera vez")) == "returning"
    assert patient_status(turn("ya he ido antes")) == "returning"
    assert parse_person_name("me llamo maría lópez") == "María López"
    assert parse_person_name("Mi nombre es Ana Ruiz") == "Ana Ruiz"
    assert parse_person_name("sí") is None
    assert wants_to_stop(turn("olvídalo", "deny"))
    assert wants_to_stop(turn("cancelar", "deny"))
    assert wants_to_stop(turn("parar", "deny"))
    assert yes_or_no(turn("Claro que no", "affirm")) is False
    assert yes_or_no(turn("Claro que no, no la cancele", "cancel_booking")) is False
    assert yes_or_no(turn("Sí, pero mejor el jueves", "affirm")) is None
    assert yes_or_no(turn("Si es posible, otro día", "nlu_fallback")) is None
    assert yes_or_no(turn("Reserve a different time", "nlu_fallback")) is None
    assert yes_or_no(turn("Estoy de acuerdo")) is True
    assert patient_status(turn("No he venido antes")) == "new"
    assert patient_status(turn("Soy paciente nueva")) == "new"
    assert parse_person_name("Hola soy Ana López") == "Ana López"
    assert parse_person_name("Buenas tardes, me llamo Ana López") == "Ana López"
    assert parse_person_name("Soy Nguyen") == "Soy Nguyen"  # a surname, not "I am"
    assert parse_person_name("Por favor") is None
    assert correction_fields(turn("Mi teléfono está mal"), has_time=False) == ["phone"]


@pytest.mark.parametrize("text, count, expected", [
    ("la primera", 3, 1), ("la segunda por favor", 3, 2), ("opción 3", 3, 3), ("la última", 3, 3),
    ("el primero", 3, 1), ("la más temprano", 3, 1), ("dos", 3, None), ("a las 3 y cuarto", 3, None),
    ("dame un segundo", 3, None),
])
def test_spanish_picks_among_offered_times(text, count, expected):
    assert pick_number(text, count) == expected


def test_a_spanish_weekday_and_hour_pick_the_offered_time():
    the_clinic = clinic()
    assert resolve_pick(turn("el jueves a las 10"), OFFERS, the_clinic) == 1
    assert resolve_pick(turn("martes a las 2:15"), OFFERS, the_clinic) == 0
    assert resolve_pick(turn("la de las 14:15"), OFFERS, the_clinic) == 0
    assert resolve_pick(turn("la 2"), OFFERS, the_clinic) == 1


@pytest.mark.parametrize("raw", ["Maria Es Lopez", "el paso is far", "con"])
def test_english_with_a_stray_foreign_word_is_fine(raw):
    assert input_problem(turn(raw)) is None


def test_every_area_a_booking_can_be_about_has_its_spanish_name():
    from actions.booking_support import known_areas
    from bot.scheduling.wording import SPANISH_AREAS, concern

    assert known_areas() <= set(SPANISH_AREAS)
    assert concern("gummy smile", "es") == "sonrisa gingival"
    assert concern("my left brow sits higher", "es") == "my left brow sits higher"  # the patient's own words
    assert concern("gummy smile", "en") == "gummy smile"
