"""Dates, times, offered slots and places as a patient reads them, in English or Spanish (the conversation's
`patient_language`). Whole sentences are domain responses; these are the fragments code fills into them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Optional, Sequence
from zoneinfo import ZoneInfo

from babel.dates import format_date

from bot.answers import format_time, listed

ZONE_NAMES = {
    "America/New_York": ("Eastern Time", "hora del Este"),
    "America/Chicago": ("Central Time", "hora del Centro"),
    "America/Denver": ("Mountain Time", "hora de la Montaña"),
    "America/Phoenix": ("Mountain Time", "hora de la Montaña"),
    "America/Los_Angeles": ("Pacific Time", "hora del Pacífico"),
    "America/Anchorage": ("Alaska Time", "hora de Alaska"),
    "Pacific/Honolulu": ("Hawaii Time", "hora de Hawái"),
}
# How a set of days was named ("this weekend"), and the names of day parts, in each language.
DAY_NAMES = {
    "today": ("today", "hoy"),
    "tomorrow": ("tomorrow", "mañana"),
    "this weekend": ("this weekend", "este fin de semana"),
    "next weekend": ("next weekend", "el próximo fin de semana"),
    "this week": ("this week", "esta semana"),
    "next week": ("next week", "la próxima semana"),
}
DAY_PARTS = {
    "morning": ("in the morning", "por la mañana"),
    "afternoon": ("in the afternoon", "por la tarde"),
    "evening": ("in the evening", "por la noche"),
}
CLOCK_PHRASES = {  # kind -> (English, Spanish), filled with the clock labels
    "after": ("after {0}", "después de las {0}"),
    "before": ("before {0}", "antes de las {0}"),
    "around": ("around {0}", "alrededor de las {0}"),
    "at": ("at {0}", "a las {0}"),
    "between": ("between {0} and {1}", "entre las {0} y las {1}"),
}
EARLIEST = ("the earliest available time", "el primer horario disponible")
FIELD_NAMES = {  # a booking's details, as "let's fix your ..." names them
    "concern": ("what the visit is about", "el motivo de la visita"),
    "booking_location": ("location", "la clínica"),
    "time_preference": ("time", "la hora"),
    "appointment": ("time", "la hora"),
    "patient_name": ("name", "el nombre"),
    "phone": ("phone number", "el teléfono"),
    "email": ("email address", "el correo electrónico"),
    "patient_status": ("new or returning", "si es su primera visita"),
}
STATUSES = {  # a booking's status, as "that booking is already ..." says it
    "booked": ("booked", "reservada"), "cancelled": ("cancelled", "cancelada"),
    "rescheduled": ("rescheduled", "reprogramada"), "completed": ("completed", "completada"),
}
ANY_DAY = ("any day", "cualquier día")


def spanish(language: Optional[str]) -> bool:
    return language == "es"


def _pick(pair: Sequence[str], language: Optional[str]) -> str:
    return pair[1] if spanish(language) else pair[0]


def day_label(day: date, language: Optional[str] = None) -> str:
    """'Tuesday, Dec 1'; 'martes 1 de dic'."""
    if spanish(language):
        return format_date(day, "EEEE d 'de' MMM", locale="es")
    return f"{day:%A}, {day:%b} {day.day}"


def weekday_name(weekday: int, language: Optional[str] = None) -> str:
    """0 -> 'Monday'; 'lunes'."""
    monday = date(2024, 1, 1)
    day = monday.replace(day=1 + weekday)
    return format_date(day, "EEEE", locale="es") if spanish(language) else f"{day:%A}"


def date_words(day: date, language: Optional[str] = None) -> str:
    """'December 3'; 'el 3 de diciembre'."""
    if spanish(language):
        return format_date(day, "'el' d 'de' MMMM", locale="es")
    return f"{day:%B} {day.day}"


def weekdays_label(day: date, language: Optional[str] = None) -> str:
    """'Tuesdays'; 'los martes'."""
    if spanish(language):
        return "los " + format_date(day, "EEEE", locale="es")
    return f"{day:%A}s"


def clock_label(minutes: int, language: Optional[str] = None) -> str:
    """Minutes after midnight: '2:15 PM', 'noon'; '14:15'."""
    h, m = divmod(minutes % (24 * 60), 60)
    if spanish(language):
        return f"{h}:{m:02d}"
    if (h, m) == (12, 0):
        return "noon"
    if (h, m) == (0, 0):
        return "midnight"
    return f"{h % 12 or 12}{f':{m:02d}' if m else ''} {'AM' if h < 12 else 'PM'}"


def clock_phrase(kind: str, moments: Sequence[int], language: Optional[str] = None) -> str:
    """'after 5 PM', 'between 2 PM and 4 PM'; 'después de las 17:00'."""
    return _pick(CLOCK_PHRASES[kind], language).format(*(clock_label(m, language) for m in moments))


def day_part_phrase(part: str, language: Optional[str] = None) -> str:
    return _pick(DAY_PARTS[part], language)


def days_name(name: str, language: Optional[str] = None) -> str:
    return _pick(DAY_NAMES[name], language)


def earliest(language: Optional[str] = None) -> str:
    return _pick(EARLIEST, language)


def any_day(language: Optional[str] = None) -> str:
    return _pick(ANY_DAY, language)


def joined(items: Sequence[str], language: Optional[str] = None) -> str:
    """'a or b'; 'a o b'."""
    return f" {'o' if spanish(language) else 'or'} ".join(items)


def span(first: str, last: str, language: Optional[str] = None) -> str:
    """'Tuesday, Dec 1 to Friday, Dec 4'; 'del martes 1 de dic al viernes 4 de dic'."""
    return f"del {first} al {last}" if spanish(language) else f"{first} to {last}"


def on_day(said: str, language: Optional[str] = None) -> str:
    """A single day as the object of a sentence: 'Tuesday, Dec 1'; 'el martes 1 de dic'."""
    return f"el {said}" if spanish(language) else said


def zone_name(timezone: str, language: Optional[str] = None) -> str:
    names = ZONE_NAMES.get(timezone)
    if names:
        return _pick(names, language)
    city = timezone.split("/")[-1].replace("_", " ")
    return f"hora de {city}" if spanish(language) else f"{city} time"


def clock_text(moment: datetime, language: Optional[str] = None) -> str:
    """'2:15pm'; '14:15'."""
    return f"{moment.hour}:{moment.minute:02d}" if spanish(language) else format_time(moment.time())


def when_text(start_utc: datetime, timezone: str, language: Optional[str] = None) -> str:
    """'Tuesday, December 1 at 2:15pm CST (Central Time)'; 'martes 1 de diciembre a las 14:15 CST (hora del
    Centro)'."""
    local = start_utc.astimezone(ZoneInfo(timezone))
    zone = f"{local.tzname()} ({zone_name(timezone, language)})"
    at = "a las" if spanish(language) else "at"
    return f"{last_day(local.date(), language)} {at} {clock_text(local, language)} {zone}"


def slot_title(local: datetime, provider_name: Optional[str], location_name: Optional[str],
               language: Optional[str] = None) -> str:
    """'Tue Dec 1, 2:15pm CST with Maya Chen, Austin'; 'mar 1 dic, 14:15 CST con Maya Chen, Austin'."""
    title = f"{_short_day(local, language)}, {clock_text(local, language)} {local.tzname()}"
    if provider_name:
        title += f" {_with(language)} {provider_name}"
    if location_name:
        title += f", {location_name}"
    return title


def place(location_name: Optional[str], provider_name: Optional[str] = None,
          language: Optional[str] = None) -> str:
    """' in Austin with Maya Chen', ' at any of our locations'; ' en Austin con Maya Chen'."""
    if spanish(language):
        said = f" en {location_name}" if location_name else " en cualquiera de nuestras clínicas"
        return said + (f" con {provider_name}" if provider_name else "")
    said = f" in {location_name}" if location_name else " at any of our locations"
    return said + (f" with {provider_name}" if provider_name else "")


def last_day(day: date, language: Optional[str] = None) -> str:
    """A day in full: 'Monday, February 1'; 'lunes 1 de febrero'."""
    if spanish(language):
        return format_date(day, "EEEE d 'de' MMMM", locale="es")
    return f"{day:%A, %B} {day.day}"


def consultation(when: str, where: str, provider_name: str, language: Optional[str] = None) -> str:
    """'your consultation on <when> at <where> with <provider>'; 'su consulta del <when> en <where> con ...'."""
    if spanish(language):
        return f"su consulta del {when} en {where} con {provider_name}"
    return f"your consultation on {when} at {where} with {provider_name}"


# The areas a consultation can be about (actions/booking_support.AREA_INTENTS), as a Spanish read-back names them.
SPANISH_AREAS = {
    "gummy smile": "sonrisa gingival", "brows": "cejas", "mouth corners": "comisuras de la boca", "eyes": "ojos",
    "nose": "nariz", "chin": "mentón", "jawline": "mandíbula", "forehead": "frente", "lips": "labios",
}  # fmt: skip


def concern(value: Optional[str], language: Optional[str] = None) -> str:
    """The consultation's subject as the patient reads it: a known area in their language, else their own words."""
    text = value or ""
    return SPANISH_AREAS.get(text, text) if spanish(language) else text


def offered_time(local: datetime, provider_name: str, language: Optional[str] = None) -> str:
    """An invitation's open time, without its zone: 'Tue Mar 3, 10am with Dr. Rivera'; 'mar 3 mar, 10:00 con ...'."""
    return f"{_short_day(local, language)}, {clock_text(local, language)} {_with(language)} {provider_name}"


def _short_day(local: datetime, language: Optional[str]) -> str:
    """'Tue Dec 1'; 'mar 1 dic'."""
    return format_date(local.date(), "EEE d MMM", locale="es") if spanish(language) else f"{local:%a %b} {local.day}"


def _with(language: Optional[str]) -> str:
    return "con" if spanish(language) else "with"


def open_times_in(location_name: str, language: Optional[str] = None) -> str:
    return f"Horarios disponibles en {location_name}" if spanish(language) else f"Open times in {location_name}"


def field_names(slots: Sequence[str], language: Optional[str] = None) -> str:
    """'phone number and email address'; 'el teléfono y el correo electrónico' (each once, in order)."""
    names = dict.fromkeys(_pick(FIELD_NAMES[slot], language) for slot in slots)
    return listed(names, "y" if spanish(language) else "and")


def status(value: str, language: Optional[str] = None) -> str:
    return _pick(STATUSES[value], language) if value in STATUSES else value
