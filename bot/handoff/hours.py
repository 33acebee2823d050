"""Staff hours (`staff_hours` in data/clinic.yml, in the clinic's default time zone): is someone there to answer a
handed-off chat now, and if not, when are they back."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import List, Optional, Tuple
from zoneinfo import ZoneInfo

from bot.clinic import WEEKDAY_NAMES, Clinic
from bot.clinic import clinic as current_clinic

SPANISH_WEEKDAY_NAMES = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")
SPANISH_MONTH_NAMES = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
                       "octubre", "noviembre", "diciembre")


def staff_zone(clinic: Optional[Clinic] = None) -> ZoneInfo:
    return ZoneInfo((clinic or current_clinic()).default_timezone)


def _local(now: Optional[datetime], clinic: Clinic) -> datetime:
    now = now or datetime.now(timezone.utc)
    if now.tzinfo is None:
        raise ValueError("naive datetime: give an aware time")
    return now.astimezone(staff_zone(clinic))


def is_staffed(now: Optional[datetime] = None, clinic: Optional[Clinic] = None) -> bool:
    """True when `now` falls within the staff hours of its local weekday (opening inclusive, closing exclusive)."""
    clinic = clinic or current_clinic()
    local = _local(now, clinic)
    hours = clinic.staff_hours.get(local.weekday())
    return hours is not None and hours[0] <= local.time().replace(tzinfo=None) < hours[1]


def next_opening(now: Optional[datetime] = None, clinic: Optional[Clinic] = None) -> Optional[datetime]:
    """The next time staff hours start after `now` (aware, clinic time zone); None when there are no staff hours."""
    clinic = clinic or current_clinic()
    local = _local(now, clinic)
    zone = staff_zone(clinic)
    for days_ahead in range(0, 8):
        day = (local + timedelta(days=days_ahead)).date()
        hours = clinic.staff_hours.get(day.weekday())
        if hours is None:
            continue
        opening = datetime.combine(day, hours[0], tzinfo=zone)
        if opening > local:
            return opening
    return None


def _clock(moment: datetime, language: str = "en") -> str:
    """'9:00 AM'; in Spanish '9:00' or '18:00', as the clinic writes its hours in Spanish."""
    if language == "es":
        return f"{moment.hour}:{moment.minute:02d}"
    hour = moment.hour % 12 or 12
    suffix = "AM" if moment.hour < 12 else "PM"
    return f"{hour}:{moment.minute:02d} {suffix}"


def describe_opening(
    opening: Optional[datetime], now: Optional[datetime] = None, clinic: Optional[Clinic] = None,
    language: str = "en",
) -> str:
    """'today at 9:00 AM CST', 'tomorrow at 10:00 AM CDT', 'Monday at 9:00 AM CST' or 'Monday, March 9 at ...';
    in Spanish ("es") 'hoy a las 9:00 (CST)', 'el lunes 9 de marzo a las 9:00 (CST)'."""
    clinic = clinic or current_clinic()
    spanish = language == "es"
    if opening is None:
        return (f"en cuanto alguien pueda (llame al {clinic.phone})" if spanish
                else f"as soon as someone can (call {clinic.phone})")
    opening = opening.astimezone(staff_zone(clinic))
    days = (opening.date() - _local(now, clinic).date()).days
    if spanish:
        at = "a la" if opening.hour == 1 else "a las"
        return f"{_spanish_day(opening, days)} {at} {_clock(opening, 'es')} ({opening.tzname()})"
    return f"{_english_day(opening, days)} at {_clock(opening)} {opening.tzname()}"


def _english_day(opening: datetime, days: int) -> str:
    if days <= 1:
        return ("today", "tomorrow")[days]
    name = WEEKDAY_NAMES[opening.weekday()]
    return name if days < 7 else f"{name}, {opening.strftime('%B')} {opening.day}"


def _spanish_day(opening: datetime, days: int) -> str:
    if days <= 1:
        return ("hoy", "mañana")[days]
    name = SPANISH_WEEKDAY_NAMES[opening.weekday()]
    return f"el {name}" if days < 7 else f"el {name} {opening.day} de {SPANISH_MONTH_NAMES[opening.month - 1]}"


def describe_staff_hours(clinic: Optional[Clinic] = None, language: str = "en") -> str:
    """'Monday-Thursday 9:00 AM-6:00 PM, Friday 9:00 AM-5:00 PM, Saturday 10:00 AM-2:00 PM (CST)'; in Spanish
    'de lunes a jueves, de 9:00 a 18:00; los viernes, de 9:00 a 17:00; los sábados, de 10:00 a 14:00 (CST)'."""
    clinic = clinic or current_clinic()
    zone = datetime.now(staff_zone(clinic)).tzname()
    groups = _days_with_the_same_hours(clinic)
    if language == "es":
        parts = [f"{_spanish_days(first, last)}, de {_clock(start, 'es')} a {_clock(end, 'es')}"
                 for first, last, (start, end) in groups]
        return f"{'; '.join(parts)} ({zone})"
    parts = [f"{WEEKDAY_NAMES[first] if first == last else f'{WEEKDAY_NAMES[first]}-{WEEKDAY_NAMES[last]}'} "
             f"{_clock(start)}-{_clock(end)}" for first, last, (start, end) in groups]
    return f"{', '.join(parts)} ({zone})"


def _days_with_the_same_hours(clinic: Clinic) -> List[Tuple[int, int, Tuple[datetime, datetime]]]:
    """(first weekday, last weekday, (opening, closing)) for each run of days with the same staff hours."""
    groups: list = []
    for weekday in range(7):
        hours = clinic.staff_hours.get(weekday)
        if hours is None:
            continue
        if groups and groups[-1][2] == hours and groups[-1][1] == weekday - 1:
            groups[-1][1] = weekday
        else:
            groups.append([weekday, weekday, hours])
    today = datetime.now().date()
    return [(first, last, (datetime.combine(today, start), datetime.combine(today, end)))
            for first, last, (start, end) in groups]


def _spanish_days(first: int, last: int) -> str:
    """'de lunes a jueves', or 'los viernes' ('el sábado' would be one Saturday; 'los sábados' is every one)."""
    if first != last:
        return f"de {SPANISH_WEEKDAY_NAMES[first]} a {SPANISH_WEEKDAY_NAMES[last]}"
    name = SPANISH_WEEKDAY_NAMES[first]
    return f"los {name}s" if name.endswith("o") else f"los {name}"
