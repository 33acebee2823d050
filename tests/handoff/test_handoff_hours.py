"""Staff hours (data/clinic.yml staff_hours, America/Chicago): open or not, and the next opening."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.clinic import load_clinic
from bot.handoff.hours import describe_opening, describe_staff_hours, is_staffed, next_opening

CHICAGO = ZoneInfo("America/Chicago")
CLINIC = load_clinic()


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHICAGO)


@pytest.mark.parametrize(
    "moment, staffed",
    [
        ("2026-03-02T09:00", True),  # Monday opening, inclusive
        ("2026-03-02T17:59", True),
        ("2026-03-02T18:00", False),  # closing, exclusive
        ("2026-03-02T08:59", False),
        ("2026-03-06T17:30", False),  # Friday closes at 17:00
        ("2026-03-07T13:59", True),  # Saturday 10-14
        ("2026-03-07T14:00", False),
        ("2026-03-08T12:00", False),  # Sunday closed
    ],
)
def test_is_staffed_in_the_clinics_time_zone(moment, staffed):
    assert is_staffed(at(moment), CLINIC) is staffed


def test_is_staffed_converts_other_time_zones():
    utc = datetime(2026, 3, 2, 15, 0, tzinfo=ZoneInfo("UTC"))  # 09:00 in Chicago (CST, UTC-6)
    assert is_staffed(utc, CLINIC)
    with pytest.raises(ValueError):
        is_staffed(datetime(2026, 3, 2, 10, 0), CLINIC)


@pytest.mark.parametrize(
    "moment, expected, text",
    [
        ("2026-03-02T07:00", "2026-03-02T09:00", "today at 9:00 AM CST"),
        ("2026-03-02T19:00", "2026-03-03T09:00", "tomorrow at 9:00 AM CST"),
        ("2026-03-06T17:30", "2026-03-07T10:00", "tomorrow at 10:00 AM CST"),
        ("2026-03-07T14:00", "2026-03-09T09:00", "Monday at 9:00 AM CDT"),  # DST starts on Sunday March 8
        ("2026-03-07T15:00", "2026-03-09T09:00", "Monday at 9:00 AM CDT"),
        ("2026-03-02T10:00", "2026-03-03T09:00", "tomorrow at 9:00 AM CST"),  # open now: the next opening
    ],
)
def test_next_opening_is_named_honestly(moment, expected, text):
    opening = next_opening(at(moment), CLINIC)
    assert opening == at(expected)
    assert describe_opening(opening, at(moment), CLINIC) == text


@pytest.mark.parametrize(
    "moment, text",
    [
        ("2026-03-02T07:00", "hoy a las 9:00 (CST)"),
        ("2026-03-06T17:30", "mañana a las 10:00 (CST)"),
        ("2026-03-07T14:00", "el lunes a las 9:00 (CDT)"),
    ],
)
def test_next_opening_in_spanish(moment, text):
    assert describe_opening(next_opening(at(moment), CLINIC), at(moment), CLINIC, language="es") == text


def test_an_opening_a_week_away_names_its_date_in_spanish():
    assert describe_opening(at("2026-03-16T09:00"), at("2026-03-07T14:00"), CLINIC, language="es") == (
        "el lunes 16 de marzo a las 9:00 (CDT)")


def test_staff_hours_in_spanish_words():
    assert describe_staff_hours(CLINIC, language="es").startswith(
        "de lunes a jueves, de 9:00 a 18:00; los viernes, de 9:00 a 17:00; los sábados, de 10:00 a 14:00 (")


def test_staff_hours_in_words():
    text = describe_staff_hours(CLINIC)
    assert text.startswith("Monday-Thursday 9:00 AM-6:00 PM, Friday 9:00 AM-5:00 PM, Saturday 10:00 AM-2:00 PM")
