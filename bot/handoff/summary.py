"""A short summary of a conversation for the staff member who takes it over: why it was handed off, the topic, a
booking in progress and the last messages. Built from Rasa tracker events (plain dicts) and slot values."""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional

from bot.clinic import Clinic
from bot.clinic import clinic as current_clinic
from bot.nlp.question_parts import ALSO_ASKED
from bot.safety.language import language_names

LAST_MESSAGES = 6
MAX_MESSAGE_CHARS = 300

REASON_LABELS = {
    "patient_asked": "Patient asked for a person",
    "not_understood": "The assistant did not understand the patient",
    "treatment_concern": "Concern after a treatment",
    "emergency": "Possible emergency (911 advice given)",
}

# Intents that are conversation mechanics, not a topic.
NOT_TOPICS = {
    "greet", "thank", "goodbye", "affirm", "deny", "ask_bot", "request_human", "out_of_scope", "nlu_fallback",
    "session_start", "restart",
}
# Intent names whose wording reads badly when derived from the name.
TOPIC_LABELS = {
    "report_emergency": "urgent symptoms after a treatment",
    "report_treatment_concern": "a concern after a treatment",
    "ask_how_botox_balances": "how Botox balances the face",
    "ask_cost": "prices",
}
HANDOFF_FORM = "handoff_message_form"
# Slots that mean a booking is under way (data/booking_domain_snippet.yml), never contact details.
BOOKING_SLOTS = ("concern", "booking_location", "time_preference", "preferred_provider", "appointment",
                 "patient_status", "booking_reference", "manage_reference")
BOOKING_SLOT_PREFIXES = ("booking_", "appointment_", "preferred_")
NOT_BOOKING_DETAILS = ("booking_failures", "booking_change_requested", "booking_confirmed")
MAX_DETAIL_CHARS = 120
# The patient's language when it is not English (the patient_language slot): staff reply or call back in it.
LANGUAGE_NAMES = {code: name for code, name in language_names().items() if code != "en"}


def reason_label(reason: str) -> str:
    return REASON_LABELS.get(reason, reason.replace("_", " ").capitalize())


def is_urgent(reason: str, clinic: Optional[Clinic] = None) -> bool:
    return bool((clinic or current_clinic()).handoff_reasons.get(reason, {}).get("urgent", False))


def topic_of(intent: Optional[str]) -> Optional[str]:
    if not intent or intent in NOT_TOPICS:
        return None
    if intent in TOPIC_LABELS:
        return TOPIC_LABELS[intent]
    return intent.removeprefix("ask_").replace("_", " ")


def transcript(events: Iterable[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The patient's and the assistant's messages, oldest first: {who, text, timestamp, id, intent}."""
    lines = []
    for event in events:
        kind = event.get("event")
        text = (event.get("text") or "").strip()
        if kind not in ("user", "bot") or not text:
            continue
        lines.append(
            {
                "who": "patient" if kind == "user" else "bot",
                "text": text,
                "timestamp": event.get("timestamp"),
                "id": event.get("message_id") if kind == "user" else None,
                "intent": ((event.get("parse_data") or {}).get("intent") or {}).get("name") if kind == "user" else None,
                "also_asked": _also_asked(event) if kind == "user" else None,
            }
        )
    return lines


def _also_asked(event: Dict[str, Any]) -> Optional[str]:
    """The second question answered beside a message's main intent (bot/nlp/sentence_intents.py), if any."""
    entities = (event.get("parse_data") or {}).get("entities") or []
    return next((e.get("value") for e in entities if e.get("entity") == ALSO_ASKED), None)


def current_topic(events: Iterable[Dict[str, Any]]) -> Optional[str]:
    """The latest topic the patient asked about, from the intents of their messages; with the second question
    asked beside it ("book consultation, and prices")."""
    topic = None
    for line in transcript(events):
        if line["who"] != "patient" or not topic_of(line["intent"]):
            continue
        topic = topic_of(line["intent"])
        if topic_of(line["also_asked"]):
            topic += f", and {topic_of(line['also_asked'])}"
    return topic


def booking_in_progress(slots: Dict[str, Any], active_loop: Optional[str]) -> Optional[str]:
    """'booking_form: location=Austin, provider=...' when a booking form is active or booking slots are filled."""
    filled = {
        name: str(value)[:MAX_DETAIL_CHARS]
        for name, value in (slots or {}).items()
        if value not in (None, "", [], {}, False)
        and (name in BOOKING_SLOTS or name.startswith(BOOKING_SLOT_PREFIXES))
        and name not in NOT_BOOKING_DETAILS
        and not any(word in name for word in ("phone", "email", "name", "contact"))
    }
    loop = active_loop if active_loop and active_loop != HANDOFF_FORM else None
    if not loop and not filled:
        return None
    details = ", ".join(f"{name}={value}" for name, value in sorted(filled.items()))
    head = f"{loop} in progress" if loop else "booking details given"
    return f"{head}: {details}" if details else head


def summarize(
    events: List[Dict[str, Any]],
    reason: str,
    slots: Optional[Dict[str, Any]] = None,
    active_loop: Optional[str] = None,
    question: Optional[str] = None,
) -> Dict[str, Any]:
    lines = transcript(events)
    return {
        "reason": reason,
        "reason_label": reason_label(reason),
        "topic": current_topic(events),
        "booking": booking_in_progress(slots or {}, active_loop),
        "question": question,
        "language": LANGUAGE_NAMES.get((slots or {}).get("patient_language")),
        "last_messages": [
            {"who": line["who"], "text": line["text"][:MAX_MESSAGE_CHARS]} for line in lines[-LAST_MESSAGES:]
        ],
    }


def summary_lines(summary: Dict[str, Any]) -> List[str]:
    """The summary as plain-text lines, for notifications."""
    lines = [f"Reason: {summary.get('reason_label') or reason_label(summary.get('reason', ''))}"]
    if summary.get("topic"):
        lines.append(f"Topic: {summary['topic']}")
    if summary.get("booking"):
        lines.append(f"Booking: {summary['booking']}")
    if summary.get("question"):
        lines.append(f"Question: {summary['question']}")
    if summary.get("language"):
        lines.append(f"Writes in: {summary['language']}")
    if summary.get("last_messages"):
        lines.append("Last messages:")
        for message in summary["last_messages"]:
            who = "Patient" if message["who"] == "patient" else "Assistant"
            lines.append(f"  {who}: {message['text']}")
    return lines
