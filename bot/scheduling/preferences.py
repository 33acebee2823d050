"""What a patient means by "tmrw after 5", "next tuesday afternoon" or "asap", as UTC windows to search.

Weekday names, "next X", weekends, weeks, ordinals ("the 14th"), day parts and "after/before/at N" are read
here, because dateparser is weak at them ("next tuesday" -> None, "the 14th" -> a past date). dateparser reads
only the explicit calendar dates ("Dec 3", "12/3", "in 2 weeks") that the patterns below cut out of the text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Callable, Dict, List, Optional, Tuple
from zoneinfo import ZoneInfo

from bot.scheduling import wording
from bot.scheduling.availability import UTC, Interval

ANY_DAY_DAYS = 14  # how far ahead an undated preference ("mornings", "after 5") looks
AT_TIME_MINUTES = 30  # "at 2" accepts starts from 2:00 up to 2:30
AROUND_MINUTES = 30  # "around 2" accepts starts from 1:30 up to 2:30
WHOLE_DAY = (0, 24 * 60)

MinuteRange = Tuple[int, int]  # minutes after local midnight, half-open; 1440 is the next midnight


class PastDateError(ValueError):
    """The patient asked for a time that has already passed."""

    def __init__(self, description: str):
        super().__init__(f"{description} has already passed")
        self.description = description


class WeekdayMismatchError(ValueError):
    """The patient named a date and a weekday that disagree ("Monday the 3rd" when the 3rd is a Thursday)."""

    def __init__(self, day: date, said_weekday: int):
        super().__init__(f"{day} is not weekday {said_weekday}")
        self.day = day
        self.said_weekday = said_weekday


class BeyondHorizonError(ValueError):
    """The patient asked for a time further ahead than the clinic books."""

    def __init__(self, description: str, horizon_days: int):
        super().__init__(f"{description} is more than {horizon_days} days away")
        self.description = description
        self.horizon_days = horizon_days


@dataclass(frozen=True)
class TimePreference:
    windows: List[Interval]  # UTC windows of acceptable start times, sorted
    description: str  # how we understood it, e.g. "Tuesday, Dec 1 in the afternoon"
    asap: bool = False


@dataclass(frozen=True)
class _Days:
    dates: List[date]
    name: str = ""  # "today", "this weekend", ... (wording.DAY_NAMES): said before the dates in the description
    every: bool = False  # "tuesdays": the next few of a weekday
    rolls: bool = False  # a bare weekday ("friday"): if today's is already over, the patient means next week's


@dataclass(frozen=True)
class _Clock:
    minutes: MinuteRange
    kind: str  # "after", "before", "around", "at", "between" (bot/scheduling/wording.py says it)
    moments: Tuple[int, ...]  # the times said, minutes after midnight


# --- normalising --------------------------------------------------------------------------------------------

_SPELLINGS = [
    (r"\b(tmrw|tmr|tmw|tmrow|tmro|2morrow|2moro|2mrw|tomorow|tommorow|tommorrow|tomorrw|tmorrow)\b", "tomorrow"),
    (r"\btonite\b", "tonight"),
    (r"\b(wknd|wkend)\b", "weekend"),
    (r"\bnxt\b", "next"),
    (r"\ba\.s\.a\.p\b\.?", "asap"),
    (r"\ba\.m\.?", "am"),
    (r"\bp\.m\.?", "pm"),
    (r"\bo'?clock\b", ""),
    (r"\b(noon|midday)\b", "12pm"),
    (r"\bmidnight\b", "12am"),
    (r"\bafter (?:my |the )?lunch\b", "afternoon"),
    (r"\bbefore (?:my |the )?lunch\b|\bfirst thing\b", "morning"),
    (r"\b(?:(?:at|over|during|on my) )?lunch ?(?:time|break|hour)\b|\b(?:over|during) lunch\b", "around 12pm"),
]
_ASAP = re.compile(
    r"\b(asap|as soon as (possible|you can|i can)|soonest|earliest|first available|next available"
    r"|first opening|next opening|right away|any ?time|whenever)\b"
)


_WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tues": 1, "tue": 1, "wednesday": 2, "weds": 2, "wed": 2,
    "thursday": 3, "thurs": 3, "thur": 3, "thu": 3, "friday": 4, "fri": 4, "saturday": 5, "sat": 5,
    "sunday": 6, "sun": 6,
}  # fmt: skip
_DAY_NAMES_EN = "|".join(name for name in _WEEKDAYS if name.endswith("day"))
# Spanish said the English way the patterns below read (after accents are folded: "mañana" -> "manana"). Order
# matters: "por la mañana" is a day part before a bare "mañana" is tomorrow.
_SPANISH = [
    (r"^\W*(?:hola\W+)?buen[oa]s? (?:dias|tardes|noches)\b", " "),  # a greeting, not a time
    (r"\ba las? (una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce)\b",
     lambda m: f"a las {_SPANISH_HOURS[m.group(1)]}"),
    (r"(?<![/.-])\b(\d{1,2}(?::\d{2})?) (?:de|en|por) la (?:manana|madrugada)\b", r"\1am"),
    (r"(?<![/.-])\b(\d{1,2}(?::\d{2})?) (?:de|en|por) la (?:tarde|noche)\b", r"\1pm"),
    (r"\bpasado manana\b", "day after tomorrow"),
    (r"\b(?:a la|la|toda la|cualquier) manana\b", "morning"),
    (r"\b(?:por|en|de) las (mananas|tardes|noches)\b", r"\1"),
    (r"\besta manana\b", "this morning"),
    (r"\besta tarde\b", "this afternoon"),
    (r"\besta noche\b", "tonight"),
    (r"\b(?:por|en|de) la manana\b", "morning"),
    (r"\b(?:por|en|de) la tarde\b", "afternoon"),
    (r"\b(?:por|en|de) la noche\b", "evening"),
    (r"\bmananas\b", "mornings"),
    (r"\btardes\b", "afternoons"),
    (r"\bnoches\b", "evenings"),
    (r"\bmanana\b", "tomorrow"),
    (r"\bhoy\b", "today"),
    (r"\bayer\b", "yesterday"),
    (r"\b(?:el |este )?(?:proximo )?fin(?:de| de semana)(?: que viene| proximo)?\b",
     lambda m: "next weekend" if re.search(r"proximo|que viene", m.group(0)) else "this weekend"),
    (r"\b(?:la )?(?:proxima semana|semana (?:que viene|proxima|entrante))\b", "next week"),
    (r"\besta semana\b", "this week"),
    (r"\b(lunes|martes|miercoles|jueves|viernes|sabado|domingo) (\d{1,2})\b(?!\s*(?::|am|pm|y media|y cuarto))",
     r"\1 el \2"),  # "el martes 15" is the 15th
    (r"\blunes\b", "monday"), (r"\bmartes\b", "tuesday"), (r"\bmiercoles\b", "wednesday"),
    (r"\bjueves\b", "thursday"), (r"\bviernes\b", "friday"), (r"\bsabados?\b", "saturday"),
    (r"\bdomingos?\b", "sunday"),
    (rf"\b(?:el |los )?({_DAY_NAMES_EN}) (?:que viene|proximo|entrante)\b", r"next \1"),
    (rf"\b(?:el )?proximo ({_DAY_NAMES_EN})\b", r"next \1"),
    (rf"\beste ({_DAY_NAMES_EN})\b", r"this \1"),
    (rf"\blos ({_DAY_NAMES_EN})\b", r"\1s"),
    (r"\b(enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre)\b",
     lambda m: _SPANISH_MONTHS[m.group(1)]),
    (r"\b(\d{1,2}) de (ene|feb|mar|abr|may|jun|jul|ago|sept?|oct|nov|dic)\b\.?",
     lambda m: f"{m.group(1)} de {_SPANISH_MONTHS[next(k for k in _SPANISH_MONTHS if k.startswith(m.group(2)))]}"),
    (r"\b(?:el )?(?:dia )?(\d{1,2}) de (?=[a-z]+ber\b|january|february|march|april|may|june|july|august)", r"\1 "),
    (r"\b(?:el|dia) (\d{1,2})\b(?!\s*(?::|am|pm|y media|y cuarto)|/)", r"the \1th"),
    (r"\ben (una|un|dos|tres|cuatro|\d{1,2}) (semanas?|dias?)\b",
     lambda m: f"in {_SPANISH_NUMBERS.get(m.group(1), m.group(1))} {'week' if m.group(2).startswith('s') else 'day'}s"),
    (r"\b(\d{1,2}(?::\d{2})?)\s*([ap])\.\s?m\b\.?", r"\1\2m"),  # "2 p. m."
    (r"\b(\d{1,2}) y media\b", r"\1:30"),
    (r"\b(\d{1,2}) y cuarto\b", r"\1:15"),
    (r"\b(?:al |a )?mediodia\b", "at 12pm"),
    (r"\bentre (?:las |la )?(\d[\d:]*) y (?:las |la )?(\d[\d:]*)", r"between \1 and \2"),
    (r"\bde (?:las |la )?(\d[\d:]*) a (?:las |la )?(\d[\d:]*)", r"from \1 to \2"),
    (r"\b(?:despues de|a partir de|pasadas) (?:las |la )?(?=\d)", "after "),
    (r"\bantes de (?:las |la )?(?=\d)", "before "),
    (r"\b(?:alrededor de|como a|a eso de|tipo|sobre) (?:las |la )?(?=\d)", "around "),
    (r"\ba (?:las|la) (?=\d)", "at "),
    (r"\b(?:lo (?:antes|mas pronto) posible|cuanto antes|lo mas pronto|cuando sea|a la hora que sea"
     r"|lo mas temprano posible|cualquier (?:dia|hora|momento)"
     r"|el primer(?:o)? (?:horario|hueco|espacio|turno)? ?disponible)\b", "asap"),
    (r"\bdespues (?:del almuerzo|de (?:la )?comida|de comer)\b", "afternoon"),
    (r"\bantes (?:del almuerzo|de (?:la )?comida|de comer)\b|\btemprano\b", "morning"),
    (r"\b(?:a|en|durante) la hora (?:del almuerzo|de (?:la )?comida|de comer)\b", "around 12pm"),
]
_SPANISH_MONTHS = {
    "enero": "january", "febrero": "february", "marzo": "march", "abril": "april", "mayo": "may", "junio": "june",
    "julio": "july", "agosto": "august", "septiembre": "september", "setiembre": "september",
    "octubre": "october", "noviembre": "november", "diciembre": "december",
}  # fmt: skip
_SPANISH_NUMBERS = {"una": "one", "un": "one", "dos": "two", "tres": "three", "cuatro": "four"}
_SPANISH_HOURS = {
    "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8, "nueve": 9, "diez": 10,
    "once": 11, "doce": 12,
}  # fmt: skip


def _folded(text: str) -> str:
    """Lower case without accents: "Miércoles" -> "miercoles"."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("’", "'"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words_read(text: str) -> str:
    """The text as the patterns read it: lower case, typos and Spanish said the English way, no punctuation."""
    text = _folded(text)
    for pattern, replacement in _SPELLINGS + _SPANISH:
        text = re.sub(pattern, replacement, text)
    text = re.sub(r"[^a-z0-9:/@\-' ]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


# --- dates --------------------------------------------------------------------------------------------------

_DAY_NAMES = "|".join(sorted(_WEEKDAYS, key=len, reverse=True))
# "sat" and "sun" are ordinary words too, so they count as days only with a qualifier or a time after them.
_WEEKDAY = re.compile(rf"\b(?:(next|this|coming|last|on)\s+)?({_DAY_NAMES})(s?)\b")
_AMBIGUOUS_DAYS = {"sat", "sun"}
_MONTHS = (
    r"(?:january|jan|february|feb|march|mar|april|apr|may|june|jun|july|jul|august|aug|september|sept|sep"
    r"|october|oct|november|nov|december|dec)"
)
_NOT_A_TIME = r"(?!\s*(?:am|pm|:\d))"
_EXPLICIT_DATES = [
    rf"\b{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:\s+\d{{4}})?\b{_NOT_A_TIME}",
    rf"\b(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS}(?:\s+\d{{4}})?\b",
    r"\b\d{4}-\d{1,2}-\d{1,2}\b",
    r"\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b",
    r"\bin\s+(?:a|an|one|two|three|four|five|six|\d{1,2})\s+(?:days?|weeks?)\b",
]
_ORDINAL = re.compile(r"\b(?:on\s+)?(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)\b")


def _relative_days(text: str, today: date) -> Optional[Tuple[_Days, re.Match]]:
    patterns = [
        (r"\b(?:the\s+)?day after tomorrow\b", 2, ""),
        (r"\btomorrow\b", 1, "tomorrow"),
        (r"\btoday\b|\b(?=tonight\b)|\bthis\s+(?=(?:morning|afternoon|evening|tonight)\b)", 0, "today"),
        (r"\byesterday\b", -1, "yesterday"),
    ]
    for pattern, offset, name in patterns:
        match = re.search(pattern, text)
        if match:
            return _Days([today + timedelta(days=offset)], name), match
    return None


def _week_days(text: str, today: date) -> Optional[Tuple[_Days, re.Match]]:
    monday = today - timedelta(days=today.weekday())
    match = re.search(r"\b(?:(this|next|coming|the)\s+)?weekend\b", text)
    if match:
        saturday = monday + timedelta(days=5 + (7 if match.group(1) == "next" else 0))
        name = "next weekend" if match.group(1) == "next" else "this weekend"
        return _Days([d for d in _date_range(saturday, 2) if d >= today], name), match
    match = re.search(r"\b(later this|rest of (?:the|this)|this|next|coming) week\b", text)
    if not match:
        return None
    if match.group(1) == "next":
        return _Days(_date_range(monday + timedelta(days=7), 7), "next week"), match
    first = today if match.group(1) in ("this", "coming") else today + timedelta(days=1)
    return _Days([d for d in _date_range(monday, 7) if d >= first], "this week"), match


def _explicit_date(text: str, today: date, timezone: str, day_first: bool) -> Optional[Tuple[_Days, re.Match]]:
    for pattern in _EXPLICIT_DATES:
        match = re.search(pattern, text)
        if match:
            day = _dateparser_day(match.group(0), today, timezone, day_first)
            if day:
                return _Days([_nearer_year(day, today, match.group(0))]), match
    return None


def _dateparser_day(phrase: str, today: date, timezone: str, day_first: bool) -> Optional[date]:
    import dateparser  # slow to import; only needed for explicit dates

    settings = {
        "PREFER_DATES_FROM": "future",
        "RELATIVE_BASE": datetime.combine(today, time(12)),
        "TIMEZONE": timezone,
        "RETURN_AS_TIMEZONE_AWARE": False,
        "DATE_ORDER": "DMY" if day_first else "MDY",  # "12/3" is 12 March in Spanish
    }
    parsed = dateparser.parse(phrase, languages=["en"], settings=settings)
    return parsed.date() if parsed else None


def _nearer_year(day: date, today: date, phrase: str) -> date:
    """For a date said without a year, last year's reading when that is nearer: "Nov 2" said on Nov 30 is past,
    not eleven months away (dateparser, preferring the future, reads it as next year's)."""
    if re.search(r"\d{4}|/\d{2,4}/|\d/\d+/\d|\bin\s", phrase):
        return day
    try:
        earlier = day.replace(year=day.year - 1)
    except ValueError:  # Feb 29
        return day
    return earlier if earlier < today and today - earlier < day - today else day


def _ordinal_day(text: str, today: date) -> Optional[Tuple[_Days, re.Match]]:
    match = _ORDINAL.search(text)
    if not match:
        return None
    wanted = int(match.group(1))
    candidates = []
    for months_ahead in (-1, 0, 1, 2):
        year, month = divmod(today.month - 1 + months_ahead, 12)
        try:
            candidates.append(date(today.year + year, month + 1, wanted))
        except ValueError:
            continue
    if not candidates:
        return None
    upcoming = [d for d in candidates if d >= today]
    past = [d for d in candidates if d < today]
    day = upcoming[0] if upcoming else past[-1]
    if past and upcoming and today - past[-1] < upcoming[0] - today:
        day = past[-1]
    return _Days([day]), match


def _weekday_days(text: str, today: date) -> Optional[Tuple[_Days, List[re.Match]]]:
    matches = [m for m in _WEEKDAY.finditer(text) if _is_weekday(m, text)]
    if not matches:
        return None
    dates: List[date] = []
    rolls, every = False, False
    for match in matches:
        qualifier, weekday, plural = match.group(1), _WEEKDAYS[match.group(2)], match.group(3)
        ahead = (weekday - today.weekday()) % 7
        if qualifier in ("next", "coming") and ahead == 0:
            ahead = 7
        if qualifier == "last":
            ahead = ahead - 7 if ahead else -7
        if plural:  # "tuesdays": the next few of them
            dates += [today + timedelta(days=ahead + 7 * week) for week in range(ANY_DAY_DAYS // 7 + 1)]
            every = len(matches) == 1
        else:
            dates.append(today + timedelta(days=ahead))
            rolls = rolls or qualifier in (None, "on", "this")
    return _Days(sorted(set(dates)), every=every, rolls=rolls and len(matches) == 1), matches


def _is_weekday(match: re.Match, text: str) -> bool:
    if match.group(2) not in _AMBIGUOUS_DAYS or match.group(1):
        return True
    after = text[match.end() :]
    return bool(re.match(r"\s*(morning|afternoon|evening|night|at|after|before|around|\d)", after))


def _date_range(first: date, days: int) -> List[date]:
    return [first + timedelta(days=n) for n in range(days)]


def _find_days(text: str, today: date, timezone: str, day_first: bool) -> Tuple[Optional[_Days], str]:
    """The days the patient means, and the text with those words cut out."""
    finders: List[Callable[[str, date], object]] = [
        _relative_days,
        _week_days,
        lambda t, d: _explicit_date(t, d, timezone, day_first),
        _ordinal_day,
        _weekday_days,
    ]
    for finder in finders:
        found = finder(text, today)
        if found:
            days, matches = found
            for match in reversed(matches if isinstance(matches, list) else [matches]):
                text = text[: match.start()] + " " + text[match.end() :]
            _check_weekday_said(days, text)
            return days, text
    return None, text


def _check_weekday_said(days: _Days, rest: str) -> None:
    """A weekday said beside a single date must be that date's ("Monday the 3rd"); raises WeekdayMismatchError."""
    if _ORDINAL.search(rest):  # a second date ("the 3rd or friday the 4th"): the weekday may be that one's
        return
    said = {_WEEKDAYS[m.group(2)] for m in _WEEKDAY.finditer(rest) if _is_weekday(m, rest)}
    if len(days.dates) == 1 and len(said) == 1 and days.dates[0].weekday() not in said:
        raise WeekdayMismatchError(days.dates[0], said.pop())


# --- times of day -------------------------------------------------------------------------------------------

_TIME = r"(\d{1,2})(?::(\d{2}))?\s*(am|pm)?"
_CLOCK_PATTERNS = [
    ("around", rf"\b{_TIME}\s*-?ish\b"),
    ("between", rf"\b(?:between|from)\s+{_TIME}\s*(?:and|to|-|until|till)\s*{_TIME}\b"),
    ("between", rf"\b{_TIME}\s*(?:-|to|until|till)\s*{_TIME}\b"),
    ("after", rf"\b(?:after|from|past|later than|no earlier than|starting(?: at| from)?)\s+{_TIME}\b"),
    ("before", rf"\b(?:before|by|until|till|til|no later than|earlier than)\s+{_TIME}\b"),
    ("around", rf"\b(?:around|about|roughly|approximately)\s+{_TIME}\b"),
    ("at", rf"(?:\bat\s+|@\s*){_TIME}\b"),
    ("at", r"\b(\d{1,2})(?::(\d{2}))?\s*(am|pm)\b"),
    ("at", r"\b(\d{1,2}):(\d{2})()\b"),
]
_DAY_PART = re.compile(r"\b(morning|afternoon|evening|tonight|night)s?\b")


def _find_day_part(text: str, day_parts: Dict[str, str]) -> Optional[str]:
    match = _DAY_PART.search(text)
    if not match:
        return None
    part = {"tonight": "evening", "night": "evening"}.get(match.group(1), match.group(1))
    return part if part in day_parts else None


def _find_clock(text: str, part: Optional[str], part_range: Optional[MinuteRange]) -> Optional[_Clock]:
    for kind, pattern in _CLOCK_PATTERNS:
        match = re.search(pattern, text)
        if not match:
            continue
        groups = match.groups()
        if kind == "between":
            last = _minutes(groups[3], groups[4], groups[5], part)
            first = _minutes(groups[0], groups[1], groups[2] or groups[5], part)
            if first is not None and last is not None and first >= last and not groups[2]:
                first = _minutes(groups[0], groups[1], None, part)  # "11-1pm": 11 a.m., not 11 p.m.
            if first is None or last is None or last <= first:
                continue
            return _Clock((first, last), "between", (first, last))
        moment = _minutes(*groups[:3], part)
        if moment is None:
            continue
        return _single_clock(kind, moment, part_range)
    return None


def _single_clock(kind: str, moment: int, part_range: Optional[MinuteRange]) -> _Clock:
    if kind == "after":
        return _Clock(_within((moment, WHOLE_DAY[1]), part_range), kind, (moment,))
    if kind == "before":
        return _Clock(_within((WHOLE_DAY[0], moment), part_range), kind, (moment,))
    if kind == "around":
        return _Clock((max(moment - AROUND_MINUTES, 0), moment + AROUND_MINUTES), kind, (moment,))
    return _Clock((moment, moment + AT_TIME_MINUTES), "at", (moment,))


def _within(wanted: MinuteRange, part_range: Optional[MinuteRange]) -> MinuteRange:
    """The wanted range narrowed to the day part ("evening after 6"), unless they don't meet."""
    if part_range:
        narrowed = (max(wanted[0], part_range[0]), min(wanted[1], part_range[1]))
        if narrowed[0] < narrowed[1]:
            return narrowed
    return wanted


def _minutes(hour: str, minute: Optional[str], meridiem: Optional[str], part: Optional[str]) -> Optional[int]:
    """Minutes after midnight. Without am/pm, 1-7 is afternoon (no one books 3 a.m.), as is any hour said with
    "afternoon" or "evening"."""
    h, m = int(hour), int(minute or 0)
    if h > 23 or m > 59 or (meridiem and not 1 <= h <= 12):
        return None
    if meridiem == "am":
        h %= 12
    elif meridiem == "pm":
        h = h % 12 + 12
    elif h < 12 and (part in ("afternoon", "evening") or (part != "morning" and 1 <= h <= 7)):
        h += 12
    return h * 60 + m


def _part_range(text: str) -> MinuteRange:
    start, end = (time.fromisoformat(part.strip()) for part in text.split("-"))
    return start.hour * 60 + start.minute, end.hour * 60 + end.minute or 24 * 60


# --- putting it together ------------------------------------------------------------------------------------


def parse_time_preference(
    text: str, now: datetime, timezone: str, day_parts: Dict[str, str], horizon_days: int = 60,
    language: Optional[str] = None, described_in: Optional[str] = None,
) -> Optional[TimePreference]:
    """The times a patient would accept, or None when nothing date- or time-like is in `text` (English or Spanish).
    `language` is the conversation's patient_language; the description is in it, or in `described_in` when given
    (the team reads a Spanish patient's wish in English).

    Raises PastDateError for a time that has passed, BeyondHorizonError for one past the booking horizon and
    WeekdayMismatchError for a weekday that is not the date's.
    """
    if now.tzinfo is None:
        raise ValueError("now must be time-zone aware")
    tz = ZoneInfo(timezone)
    today = now.astimezone(tz).date()
    words = words_read(text)
    asap = bool(_ASAP.search(words))
    words = _ASAP.sub(" ", words)
    days, words = _find_days(words, today, timezone, day_first=wording.spanish(language))
    language = described_in or language
    part = _find_day_part(words, day_parts)
    part_range = _part_range(day_parts[part]) if part else None
    clock = _find_clock(words, part, part_range)
    if not (days or part or clock or asap):
        return None
    minutes = clock.minutes if clock else part_range or WHOLE_DAY
    time_label = " ".join(x for x in (wording.day_part_phrase(part, language) if part else "",
                                      wording.clock_phrase(clock.kind, clock.moments, language) if clock else "")
                          if x)
    horizon = now + timedelta(days=horizon_days)
    if days is None:
        return _undated(now, today, tz, horizon, horizon_days, minutes, time_label, asap, language)
    windows = _windows(days.dates, minutes, tz)
    if days.rolls and windows and all(w.end <= now for w in windows):
        days = replace(days, dates=[d + timedelta(days=7) for d in days.dates])
        windows = _windows(days.dates, minutes, tz)
    description = _describe(days, time_label, asap, language)
    return TimePreference(_clip(windows, now, horizon, description, horizon_days), description, asap)


def _undated(
    now: datetime, today: date, tz: ZoneInfo, horizon: datetime, horizon_days: int,
    minutes: MinuteRange, time_label: str, asap: bool, language: Optional[str],
) -> TimePreference:  # fmt: skip
    """'asap', 'mornings', 'after 5': every day from today, over the horizon for asap, else ANY_DAY_DAYS."""
    if not time_label:
        return TimePreference([Interval(now, horizon)], wording.earliest(language), asap=True)
    span = horizon_days + 1 if asap else ANY_DAY_DAYS
    windows = _windows(_date_range(today, span), minutes, tz)
    description = f"{wording.earliest(language) if asap else wording.any_day(language)} {time_label}"
    return TimePreference(_clip(windows, now, horizon, description, horizon_days), description, asap)


def _windows(dates: List[date], minutes: MinuteRange, tz: ZoneInfo) -> List[Interval]:
    return [Interval(_at(day, minutes[0], tz), _at(day, minutes[1], tz)) for day in sorted(dates)]


def _at(day: date, minutes: int, tz: ZoneInfo) -> datetime:
    """A local wall-clock time (minutes after midnight, 1440 = the next midnight) in UTC."""
    day += timedelta(days=minutes // (24 * 60))
    minutes %= 24 * 60
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=tz).astimezone(UTC)


def _clip(
    windows: List[Interval], now: datetime, horizon: datetime, description: str, horizon_days: int
) -> List[Interval]:
    clipped = [Interval(max(w.start, now), min(w.end, horizon)) for w in windows if w.end > now and w.start < horizon]
    if clipped:
        return clipped
    if all(w.end <= now for w in windows):
        raise PastDateError(description)
    raise BeyondHorizonError(description, horizon_days)


def _describe(days: _Days, time_label: str, asap: bool, language: Optional[str]) -> str:
    dates = sorted(days.dates)
    first, last = (wording.day_label(d, language) for d in (dates[0], dates[-1]))
    if len(dates) == 1:
        said = wording.on_day(first, language)
        if days.name in ("today", "tomorrow"):
            said = f"{wording.days_name(days.name, language)}, {first}"
    elif days.name or days.every:
        name = wording.days_name(days.name, language) if days.name else wording.weekdays_label(dates[0], language)
        said = f"{name} ({wording.span(first, last, language)})"
    elif len(dates) <= 3:
        said = wording.joined([wording.on_day(wording.day_label(d, language), language) for d in dates], language)
    else:
        said = wording.span(first, last, language)
    said = " ".join(x for x in (said, time_label) if x)
    if not asap:
        return said
    on = "" if days.name or wording.spanish(language) else "on "  # "next week", "today"; but "on Tuesdays"
    return f"{wording.earliest(language)} {on}{said}"
