"""Reading what a patient typed during booking, and writing times and slots the way patients read them.

Pure functions (no database, no Rasa server): the latest turn of a tracker, input that cannot be used (empty,
emoji, HTML, huge, another script), phone numbers (E.164, US default), e-mail addresses, names, picks among offered
slots ("2", "the second one", "Tuesday at 2:15", a button), yes/no, new or returning, and which detail a
correction ("my number is wrong", "actually make it Friday") is about.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Dict, Iterable, List, Optional, Sequence, Set
from zoneinfo import ZoneInfo

from bot.clinic import Clinic
from bot.nlp.question_parts import ALSO_ASKED, REQUESTS
from bot.scheduling import wording
from bot.scheduling.preferences import words_read
from bot.scheduling.wording import when_text

MAX_INPUT_CHARS = 500
ANY_LOCATION = "any"

# Treatment-topic intents whose subject is a concern the consultation can be about.
AREA_INTENTS = {
    "ask_gummy_smile": "gummy smile",
    "ask_uneven_brows": "brows",
    "ask_mouth_asymmetry": "mouth corners",
    "ask_eye_asymmetry": "eyes",
    "ask_nose_asymmetry": "nose",
    "ask_chin": "chin",
    "ask_jawline": "jawline",
}
# Messages answered in passing while a form waits (the rule in data/rules/booking.yml), unless they answer the
# question the form asked.
SMALL_TALK_INTENTS = {"greet", "thank", "out_of_scope"}
# Messages that always leave the form to the rules: urgent symptoms, a problem after a treatment, stopping, asking
# for a person, and the reminders worker's trigger (a scheduled message ends a form left unanswered).
INTERRUPT_INTENTS = {"report_emergency", "report_treatment_concern", "stop", "goodbye", "request_human",
                     "EXTERNAL_scheduled_message"}
# The safety analyser's deferral for a contraindication (bot/nlp/rasa_components.py sets the intent and the
# `safety_finding` entity): the answer that defers treatment.
DEFERRAL_ANSWERS = {"ask_pregnancy": "utter_pregnancy", "ask_medical_conditions": "utter_medical_conditions"}
SAFETY_FINDING = "safety_finding"
STOP_WORDS = re.compile(
    r"^\W*(exit|abort|cancel( (it|that|this))?|cancelar?(lo)?)\b"
    r"|\b(stop|quit|never ?mind|nvm|forget (it|about it|that)"
    r"|olv[ií]d[ae]lo|d[ée]jalo|ya no quiero|basta|parar|detener)\b",
    re.I,
)

# Common words of languages the forms cannot read yet (two of them in a message mean it is in one); the forms read
# English and Spanish.
FOREIGN_WORDS = {
    "je", "voudrais", "rendez", "vous", "demain", "merci", "bonjour", "ich", "möchte", "einen", "termin", "bitte",
    "morgen", "eu", "quero", "uma", "consulta", "amanhã", "obrigado", "obrigada",
}  # fmt: skip

# --- the latest turn ----------------------------------------------------------------------------------------------


@dataclass
class Turn:
    """The patient's latest message as the form sees it."""

    raw: str
    text: str  # HTML stripped, whitespace collapsed; "" for a button payload ("/intent{...}")
    intent: str
    entities: Dict[str, List[str]] = field(default_factory=dict)
    fresh: bool = True  # nothing but the form has answered it yet

    def entity(self, name: str) -> Optional[str]:
        values = self.entities.get(name)
        return values[-1] if values else None

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def is_payload(self) -> bool:
        return self.raw.lstrip().startswith("/")

    @property
    def asks(self) -> bool:
        """A question rather than an answer: a question mark, or a question intent."""
        return "?" in self.text or self.intent.startswith("ask_")


def clean_text(raw: str) -> str:
    text = html.unescape(raw or "")
    text = re.sub(r"<[^>]{0,200}>", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def read_turn(tracker: Any, answered_by: Iterable[str] = ()) -> Turn:
    """The latest message. `fresh` is False once another action (a digression's answer, a booking attempt) ran
    after it: the form then only asks again and must not read the message a second time."""
    latest = tracker.latest_message or {}
    raw = str(latest.get("text") or "")
    intent = str((latest.get("intent") or {}).get("name") or "")
    entities: Dict[str, List[str]] = {}
    for entity in latest.get("entities") or []:
        if entity.get("value") is not None:
            entities.setdefault(str(entity.get("entity")), []).append(str(entity["value"]))
    allowed = {"action_listen", *answered_by}
    fresh = False
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            fresh = True
            break
        if kind == "action" and event.get("name") not in allowed:
            break
    text = "" if raw.lstrip().startswith("/") else clean_text(_without_question_beside(raw, intent, latest))
    return Turn(raw=raw, text=text, intent=intent, entities=entities, fresh=fresh)


def _without_question_beside(raw: str, intent: str, latest: Dict[str, Any]) -> str:
    """A request asked beside a question ("can I work out the next day? I'd like to book"): the question's words are
    not details for the form (bot/nlp/nlg.py answers the question)."""
    if intent not in REQUESTS:
        return raw
    span = next(((e.get("start"), e.get("end")) for e in latest.get("entities") or []
                 if e.get("entity") == ALSO_ASKED), None)
    if span is None or not isinstance(span[0], int) or not isinstance(span[1], int):
        return raw
    return raw[:span[0]] + " " + raw[span[1]:]


def input_problem(turn: Turn) -> Optional[str]:
    """The response that says why a message cannot be read at all; None when it can."""
    if turn.is_payload:
        return None
    if len(turn.raw) > MAX_INPUT_CHARS:
        return "utter_input_too_long"
    if not turn.text:
        return "utter_input_empty"
    if not any(ch.isalnum() for ch in turn.text):
        return "utter_input_symbols_only"
    letters = [ch for ch in turn.text if ch.isalpha()]
    foreign = [ch for ch in letters if not unicodedata.name(ch, "").startswith("LATIN")]
    words = set(re.findall(r"[^\W\d_]+", turn.lower))
    if (letters and len(foreign) * 2 > len(letters)) or len(words & FOREIGN_WORDS) >= 2:
        return "utter_input_not_english"
    return None


def wants_to_stop(turn: Turn) -> bool:
    return turn.intent == "stop" or (turn.intent == "deny" and bool(STOP_WORDS.match(turn.text)))


# --- contact details ----------------------------------------------------------------------------------------------


_NAME_PREFIX = re.compile(
    r"^(?:(?:hi|hello|hey|sure|ok|okay|yes|hola|buenas(?: tardes| noches)?|buenos d[ií]as|s[ií]|claro)\b[\s,!.]*)*"
    r"(?:(?:my\s+)?(?:full\s+)?name(?:\s+is|'s|\s*:)?|i\s+am|i'm|im|it's|its|it\s+is|this\s+is|call\s+me"
    r"|me\s+llamo|mi\s+nombre(?:\s+completo)?(?:\s+es|\s*:)?|soy(?=(?:\s+\S+){2,}\s*$))\s+",
    re.I,
)
_NAME_WORD = re.compile(r"^[^\W\d_](?:[^\W\d_]|['’.\-])*$")
NOT_NAMES = {
    "yes", "no", "yeah", "nope", "ok", "okay", "hi", "hello", "hey", "thanks", "thank", "stop", "help", "none",
    "nothing", "idk", "test", "what", "why", "sure", "maybe", "asap", "anonymous", "na", "n/a", "me",
    "si", "sí", "hola", "gracias", "nada", "claro", "vale", "ninguno",
}  # fmt: skip
NOT_NAME_PHRASES = {"por favor", "no se", "no sé", "si claro", "sí claro", "claro que si", "claro que sí"}  # fmt: skip


def parse_person_name(text: str) -> Optional[str]:
    """'my name is jane doe' -> 'Jane Doe'; None for what is not a plausible name."""
    if "<" in text or ">" in text or "@" in text:
        return None
    name = _NAME_PREFIX.sub("", text.strip()).strip(" .!,")
    words = name.split()
    if not 1 <= len(words) <= 6 or len(name) > 100:
        return None
    if not all(_NAME_WORD.match(word) for word in words):
        return None
    if sum(ch.isalpha() for ch in name) < 2 or (len(words) == 1 and name.lower() in NOT_NAMES):
        return None
    if name.lower().strip(" .!,") in NOT_NAME_PHRASES:
        return None
    if name.islower() or name.isupper():
        name = " ".join(word[:1].upper() + word[1:].lower() for word in words)
    return name


# --- yes or no, new or returning ----------------------------------------------------------------------------------

_YES = re.compile(
    r"^\W*(yes|yeah|yea|yep|yup|y|sure|ok|okay|correct|right|agree|agreed|i agree|i accept|accept|confirm|confirmed"
    r"|book it|go ahead|sounds good|that's right|thats right|please do|absolutely|definitely|of course|do it"
    r"|perfect|great|fine|looks good|all good|that works"
    r"|sí|si(?=\W*$|\W+(?:por favor|claro|gracias)\b)|claro|correcto|(?:estoy )?de acuerdo|vale|est[aá] bien|dale"
    r"|perfecto|acepto|confirmo|reserv[ae](?:la)?(?=\W*$)|adelante|por supuesto|as[ií] es|exacto)\b",
    re.I,
)
_NO = re.compile(
    r"^\W*(no|nope|nah|n|not really|don't|do not|i don't|i do not|disagree|decline|wrong|incorrect"
    r"|para nada|negativo|incorrecto|est[aá] mal)\b", re.I
)


# "Claro que no" is a no, whatever the classifier made of "claro"; "sí, pero mejor el jueves" is not yet a yes.
_NO_AFTER_ALL = re.compile(r"\b(?:claro|por supuesto|obvio|desde luego)\s+que\s+no\b|^\W*mejor no\b", re.I)
_YES_BUT = re.compile(r"^\W*(?:s[ií]|claro|vale|ok|okay)\b\W*(?:pero|aunque|mejor)\b", re.I)


def yes_or_no(turn: Turn) -> Optional[bool]:
    if _NO_AFTER_ALL.search(turn.text):
        return False
    if _YES_BUT.search(turn.text):
        return None
    if turn.intent == "affirm":
        return True
    if turn.intent == "deny":
        return False
    if _NO.match(turn.text):
        return False
    if _YES.match(turn.text):
        return True
    return None


def patient_status(turn: Turn, asked_if_visited: bool = True) -> Optional[str]:
    """'new' or 'returning' from a button, words, or yes/no to "Have you visited us before?"."""
    chosen = turn.entity("patient_type")
    if chosen in ("new", "returning"):
        return chosen
    text = turn.lower
    if re.search(r"\b(?:no|nunca|a[uú]n no|todav[ií]a no) (?:he|hab[ií]a|hemos) (?:ido|venido|estado)\b"
                 r"|\bsoy (?:paciente )?nuev[oa]\b|\bpaciente nuev[oa]\b", text):
        return "new"
    if re.search(r"\b(not (my |the )?first|not new|been (here|there|in|to you|before)|returning|existing|before"
                 r"|again|regular|visited|came in"
                 r"|no (es )?(mi |la )?primera|ya (he|hab[ií]a|fui|vine|estuve)|he (ido|venido|estado)|antes"
                 r"|otra vez|de nuevo|soy paciente|ya soy)\b", text) and not re.search(r"\b(never|nunca)\b", text):
        return "returning"
    if re.search(r"\b(first|new|never|haven'?t|have not|not yet|primera|nuev[oa]|nunca|todav[ií]a no|a[uú]n no)\b",
                 text):
        return "new"
    answer = yes_or_no(turn) if asked_if_visited else None
    if answer is None:
        return None
    return "returning" if answer else "new"


# --- slot picks -----------------------------------------------------------------------------------------------

_ORDINALS = {
    "first": 1, "1st": 1, "one": 1, "second": 2, "2nd": 2, "two": 2, "third": 3, "3rd": 3, "three": 3,
    "fourth": 4, "4th": 4, "four": 4, "fifth": 5, "5th": 5, "five": 5, "sixth": 6, "6th": 6, "six": 6,
    "primera": 1, "el primero": 1, "segunda": 2, "el segundo": 2, "tercera": 3, "el tercero": 3, "cuarta": 4,
    "el cuarto": 4, "quinta": 5, "el quinto": 5, "sexta": 6, "el sexto": 6, "uno": 1, "dos": 2, "tres": 3,
}  # fmt: skip
_NUMBER_WORDS = {"one", "two", "three", "four", "five", "six", "uno", "dos", "tres"}
_MONTHS = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"


def pick_number(text: str, count: int) -> Optional[int]:
    """The 1-based choice in "2", "#2", "option 2", "the second one", "the last one"; None otherwise."""
    lower = text.lower().strip(" .!")
    if re.search(_MONTHS, lower) or re.search(r"\d\s*(am|pm)\b|\d:\d", lower) or len(lower.split()) > 6:
        return None
    match = re.fullmatch(r"(?:(?:el|la)\s+)?(?:(?:option|number|no\.?|choice|slot|opci[oó]n|n[uú]mero|#)\s*)?(\d{1,2})"
                         r"(?:\s*(?:please|por favor))?", lower)
    match = match or re.search(r"\b(?:option|number|choice|slot|opci[oó]n|n[uú]mero|#)\s*(\d{1,2})\b", lower)
    if match:
        number = int(match.group(1))
        return number if 1 <= number <= count else None
    if re.search(r"\b(last|latest|[uú]ltim[oa])\b", lower):
        return count
    if re.search(r"\b(earliest|soonest|m[aá]s temprano|m[aá]s pronto)\b", lower):
        return 1
    for word, number in _ORDINALS.items():
        if re.search(rf"\b{word}\b", lower) and (word not in _NUMBER_WORDS
                                                 or re.search(r"\b(number|option|opci[oó]n|n[uú]mero)\b", lower)):
            return number if number <= count else None
    return None


def _local(value: Dict[str, str], the_clinic: Clinic) -> datetime:
    tz = ZoneInfo(location_timezone(the_clinic, value["location_id"]))
    return datetime.fromisoformat(value["start"]).astimezone(tz)


def _score(text: str, value: Dict[str, str], the_clinic: Clinic) -> int:
    local = _local(value, the_clinic)
    score = 0
    weekday = local.strftime("%A").lower()
    if re.search(rf"\b({weekday}|{weekday[:3]})\b", text):
        score += 1
    if re.search(rf"\b{local.strftime('%b').lower()}[a-z]*\.?\s+{local.day}(st|nd|rd|th)?\b", text):
        score += 1
    hour, minute = local.hour % 12 or 12, local.minute
    meridiem = "am" if local.hour < 12 else "pm"
    if minute and re.search(rf"\b{hour}:{minute:02d}\s*({meridiem})?\b", text):
        score += 2
    elif local.hour > 12 and re.search(rf"\b{local.hour}:{minute:02d}\b", text):  # "15:00", as Spanish titles say it
        score += 2
    elif not minute and re.search(rf"\b{hour}(:00)?\s*{meridiem}\b|\bat {hour}(:00)?\b|\b{hour}:00\b", text):
        score += 2
    provider = provider_of(the_clinic, value["provider_id"])
    names = [w.lower() for w in (provider.name if provider else "").replace("Dr.", "").split() if len(w) > 2]
    if any(re.search(rf"\b{re.escape(name)}\b", text) for name in names):
        score += 1
    return score


def resolve_pick(turn: Turn, offers: Sequence[Dict[str, str]], the_clinic: Clinic) -> Optional[int]:
    """The index of the offered slot the patient chose, or None when the message picks none (or several)."""
    from bot.offers import slot_key

    if not offers:
        return None
    key = turn.entity("slot_key")
    if key:
        keys = [slot_key(value) for value in offers]
        return keys.index(key) if key in keys else None
    number = turn.entity("slot_number") or (pick_number(turn.text, len(offers)) if turn.text else None)
    if number is not None:
        number = int(number)
        return number - 1 if 1 <= number <= len(offers) else None
    said = f"{turn.lower} {words_read(turn.text)}"  # "el martes a las 3" is also read as "tuesday at 3"
    scores = [_score(said, value, the_clinic) for value in offers]
    best = max(scores)
    if best > 0 and scores.count(best) == 1:
        return scores.index(best)
    return None


# --- which detail a correction is about ---------------------------------------------------------------------------

_FIELD_WORDS = [
    ("email", r"\b(e-?mail|mail address|emial|gmail|correo)\b|@"),
    ("phone", r"\b(phone|number|cell|mobile|digits|tel[eé]fono|n[uú]mero|celular)\b"),
    ("name", r"\b(name|spell(ed|ing)?|surname|nombre|apellido)\b"),
    ("location", r"\b(location|clinic|office|city|branch|cl[ií]nica|sucursal|ciudad)\b"),
    ("concern", r"\b(concern|area|treatment|reason|motivo|zona|tratamiento)\b"),
    ("patient_status", r"\b(new patient|returning|first (time|visit)|been (here|there|before)|existing patient"
                       r"|primera (vez|visita)|paciente nuev[oa])\b"),
    ("time", r"\b(time|times|day|date|slot|earlier|later|sooner|week|morning|afternoon|evening|when"
             r"|hora|horario|d[ií]a|fecha|semana|m[aá]s temprano|m[aá]s tarde)\b"),
]
CORRECTION_MARKERS = re.compile(
    r"\b(actually|wrong|change|changed|instead|typo|mistake|meant|incorrect|not right|fix|update|different|oops"
    r"|make it|switch|rather"
    r"|en realidad|cambi(?:ar|e|a|en)|mejor|en (?:vez|lugar)|correg\w*|corrij\w*|est[aá] mal|me equivoqu[eé]|error)\b",
    re.I,
)


def correction_fields(turn: Turn, has_time: bool) -> List[str]:
    """The details a correction names, most specific first ("my number is wrong" -> ["phone"])."""
    chosen = turn.entity("booking_field")
    if chosen:
        return [chosen]
    found: List[str] = []
    for name, pattern in _FIELD_WORDS:
        if re.search(pattern, turn.lower):
            found.append(name)
    if turn.entity("location") and "location" not in found:
        found.append("location")
    if turn.entity("area") and "concern" not in found:
        found.append("concern")
    if has_time and "time" not in found:
        found.append("time")
    if "phone" in found and "email" in found and "@" not in turn.text:
        found.remove("phone")  # "the email I gave you has the wrong number in it" is still about the e-mail
    if "time" in found and len(found) > 1 and not has_time:
        found.remove("time")  # "change my phone number" mentions no time, "the time" is just a word then
    return found


# --- the clinic, written for patients -----------------------------------------------------------------------------


def location_timezone(the_clinic: Clinic, location_id: Optional[str]) -> str:
    for location in the_clinic.locations:
        if location.id == location_id:
            return location.timezone
    return the_clinic.default_timezone


def provider_of(the_clinic: Clinic, provider_id: str) -> Any:
    return next((p for p in the_clinic.providers if p.id == provider_id), None)


def location_of(the_clinic: Clinic, location_id: str) -> Any:
    return next((loc for loc in the_clinic.locations if loc.id == location_id), None)


def provider_label(the_clinic: Clinic, provider_id: str, name: str, credentials: str,
                   language: Optional[str] = None) -> str:
    """'Dr. Elena Rivera, MD, board-certified dermatologist', with the name and credentials in Spanish when the clinic
    words them so (`spanish: providers:` in data/clinic.yml): 'la Dra. Elena Rivera, MD, dermatóloga ...'."""
    if wording.spanish(language):
        credentials = the_clinic.spanish.get("providers", {}).get(provider_id, {}).get("credentials", credentials)
    return f"{the_clinic.provider_called(provider_id, name, language)}, {credentials}"


def patient_language(tracker: Any) -> str:
    """The language the patient writes in, for the words an action fills in ("en" unless the slot says otherwise)."""
    return tracker.get_slot("patient_language") or "en"


def slot_title(value: Dict[str, str], the_clinic: Clinic, with_location: bool = False,
               language: Optional[str] = None) -> str:
    """'Tue Dec 1, 2:15pm CST with Maya Chen' (and ', Austin' when the patient chose any location)."""
    provider = provider_of(the_clinic, value["provider_id"])
    location = location_of(the_clinic, value["location_id"]) if with_location else None
    named = the_clinic.provider_called(provider.id, provider.name, language) if provider else None
    return wording.slot_title(_local(value, the_clinic), named, location.name if location else None, language)


def numbered(titles: Sequence[str]) -> str:
    """The offered times as a numbered list, one per line, for patients who reply with a number."""
    return "\n".join(f"{number}. {title}" for number, title in enumerate(titles, start=1))


def slot_when(value: Dict[str, str], the_clinic: Clinic, language: Optional[str] = None) -> str:
    return when_text(datetime.fromisoformat(value["start"]), location_timezone(the_clinic, value["location_id"]),
                     language)


def known_areas() -> Set[str]:
    return set(AREA_INTENTS.values()) | {"forehead", "lips"}
