"""What the assistant needs to hand a conversation over, read from Rasa tracker events (plain dicts): the reason,
the patient's contact details if known, the transcript so far, and the phrases the patient is told."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from bot.channels.conversation_ids import WHATSAPP, address_of, twilio_address
from bot.handoff.contact import parse_contact, parse_name
from bot.handoff.summary import transcript

REASON_BY_INTENT = {
    "request_human": "patient_asked",
    "report_treatment_concern": "treatment_concern",
    "report_emergency": "emergency",
}
MISUNDERSTANDING_ACTION = "action_handle_misunderstanding"
OFFER_RESPONSE = "utter_offer_human"

# Slots other parts of the assistant may have filled (the booking form's and the handoff form's).
NAME_SLOTS = ("handoff_name", "patient_name", "booking_name", "name", "full_name")
PHONE_SLOTS = ("patient_phone", "booking_phone", "phone", "phone_number")
EMAIL_SLOTS = ("patient_email", "booking_email", "email")
CONTACT_SLOTS = ("handoff_contact", "patient_contact", "booking_contact", "contact")


def latest_user_event(events: List[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    return next((event for event in reversed(events) if event.get("event") == "user"), None)


def intent_of(event: Optional[Dict[str, Any]]) -> Optional[str]:
    return (((event or {}).get("parse_data") or {}).get("intent") or {}).get("name")


def handoff_reason(events: List[Dict[str, Any]]) -> str:
    """Why the patient is handed over, from their latest message (and what the assistant said before it)."""
    index = next((i for i in range(len(events) - 1, -1, -1) if events[i].get("event") == "user"), None)
    if index is None:
        return "patient_asked"
    reason = REASON_BY_INTENT.get(intent_of(events[index]) or "", "patient_asked")
    if reason == "patient_asked":
        # "Yes, a person please" after the assistant offered a person because it did not understand twice
        for event in reversed(events[:index]):
            if event.get("event") == "user":
                break
            if event.get("event") == "action" and event.get("name") == MISUNDERSTANDING_ACTION:
                return "not_understood"
            if event.get("event") == "bot" and (event.get("metadata") or {}).get("utter_action") == OFFER_RESPONSE:
                return "not_understood"
    return reason


def known_contact(slots: Dict[str, Any], channel: Optional[str], sender_id: str,
                  metadata: Optional[Dict[str, Any]] = None) -> Dict[str, Optional[str]]:
    """{"name", "phone", "email"} from filled slots, and the phone number of an SMS/WhatsApp conversation."""
    def first(names: Tuple[str, ...]) -> Optional[str]:
        return next((str(slots[n]).strip() for n in names if slots.get(n) not in (None, "")), None)

    found: Dict[str, Optional[str]] = {"name": None, "phone": None, "email": None}
    name = first(NAME_SLOTS)
    found["name"] = parse_name(name) if name else None
    for value in filter(None, (first(PHONE_SLOTS), first(EMAIL_SLOTS), first(CONTACT_SLOTS))):
        for key, parsed in (parse_contact(value) or {}).items():
            found[key] = found[key] or parsed
    if channel == "twilio" and not found["phone"]:
        phone = (metadata or {}).get("phone") or address_of(WHATSAPP, twilio_address(sender_id))
        parsed = parse_contact(phone or "")
        found["phone"] = (parsed or {}).get("phone")
    return found


def transcript_rows(events: List[Dict[str, Any]]) -> List[Tuple[str, str, Optional[str], Optional[float]]]:
    """(kind, text, external id, timestamp) of every message so far, for the queue's copy of the conversation."""
    rows = []
    for line in transcript(events):
        timestamp = line["timestamp"]
        if line["who"] == "patient":
            external_id = line["id"] or f"user:{timestamp!r}"
        else:
            external_id = f"bot:{timestamp!r}"
        rows.append((line["who"], line["text"], external_id, timestamp))
    return rows


def last_timestamp(events: List[Dict[str, Any]]) -> float:
    return max((float(event.get("timestamp") or 0) for event in events), default=0.0)


def people_ahead(count: int, language: str = "en") -> str:
    if language == "es":
        return _people_ahead_in_spanish(count)
    if count <= 0:
        return "You're next in line"
    if count == 1:
        return "There is 1 person ahead of you"
    return f"There are {count} people ahead of you"


def _people_ahead_in_spanish(count: int) -> str:
    if count <= 0:
        return "Usted es la siguiente persona en la fila"
    if count == 1:
        return "Hay 1 persona antes que usted"
    return f"Hay {count} personas antes que usted"
