"""The assistant's side of scheduled messages: uttering one (once), and the patient's replies to it.

A reply acts on a booking only when it comes from the conversation and channel the message went to, after the
message was delivered there: the conversation id is the verified channel address (a Twilio-signed number, a
Messenger page-scoped id...), so "YES" or "R" from another number or channel finds nothing and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Optional

from sqlalchemy.orm import Session, sessionmaker

from bot.booking import BookingResult, NotChangeable, describe
from bot.clinic import clinic
from bot.db.models import BOOKED, AuditEvent
from bot.db.reminder_models import SENDING, ScheduledMessage
from bot.db.session import write_session
from bot.reminders.schedule import delivery_of
from bot.reminders.timing import REMINDER, TOUCH_UP
from bot.reminders.touch_up import open_times_text


class ReplyNotVerified(Exception):
    """The reply does not answer a message delivered to this conversation on this channel."""


@dataclass(frozen=True)
class Delivered:
    message_id: int
    kind: str
    booking: BookingResult
    open_times: str = ""  # a touch-up invitation's offer of open times (touch_up.py)
    language: str = "en"  # the patient's, as they agreed to the messages (schedule.Delivery)


@dataclass(frozen=True)
class RescheduleTarget:
    reference: str
    contact: str  # the phone (else e-mail) the booking was made with, for the reschedule form's own look-up


def _addressed(message: Optional[ScheduledMessage], conversation_id: str, channel: str) -> bool:
    return message is not None and message.recipient == conversation_id and message.channel == channel


def start_delivery(sessions: sessionmaker, message_id: int, conversation_id: str, channel: str,
                   now: datetime) -> Optional[Delivered]:
    """Marks a claimed message delivered and returns what to say, or None: it is not for this conversation, not
    claimed by the worker, or already delivered (a retried trigger never repeats a message)."""
    with write_session(sessions) as session:
        message = session.get(ScheduledMessage, message_id, with_for_update=True)
        if not _addressed(message, conversation_id, channel) or message.status != SENDING or message.delivered_at:
            return None
        message.delivered_at = now
        delivery = delivery_of(session, message.appointment_id)
        language = delivery.language if delivery else "en"
        offer = (open_times_text(session, clinic(), message.appointment, now, language) if message.kind == TOUCH_UP
                 else "")
        return Delivered(message.id, message.kind, describe(message.appointment), offer, language)


def _answered(session: Session, message_id: Optional[int], conversation_id: str, channel: str,
              kind: str) -> ScheduledMessage:
    message = session.get(ScheduledMessage, message_id, with_for_update=True) if message_id else None
    if not _addressed(message, conversation_id, channel) or message.kind != kind or message.delivered_at is None:
        raise ReplyNotVerified("no such message in this conversation")
    return message


def _upcoming(message: ScheduledMessage, now: datetime):
    appointment = message.appointment
    if appointment.status != BOOKED or appointment.start_utc <= now:
        raise NotChangeable(f"the appointment is {appointment.status}")
    return appointment


def confirm_visit(sessions: sessionmaker, message_id: Optional[int], conversation_id: str, channel: str,
                  now: datetime) -> BookingResult:
    """YES to a reminder: the visit is confirmed (appointments.confirmed_at, audited). Raises ReplyNotVerified or
    NotChangeable (cancelled, moved or already started)."""
    with write_session(sessions) as session:
        message = _answered(session, message_id, conversation_id, channel, REMINDER)
        appointment = _upcoming(message, now)
        message.replied_at = now
        if appointment.confirmed_at is None:
            appointment.confirmed_at = now
            session.add(AuditEvent(appointment_id=appointment.id, actor=f"patient:{channel}", action="confirm",
                                   before={"confirmed_at": None}, after={"confirmed_at": now.isoformat()}))
        return describe(appointment)


def reschedule_target(sessions: sessionmaker, message_id: Optional[int], conversation_id: str, channel: str,
                      now: datetime) -> RescheduleTarget:
    """R to a reminder: the booking to move, found without asking the patient for the reference."""
    with write_session(sessions) as session:
        message = _answered(session, message_id, conversation_id, channel, REMINDER)
        appointment = _upcoming(message, now)
        message.replied_at = now
        patient = appointment.patient
        return RescheduleTarget(appointment.reference, patient.phone or patient.email or "")


def record_reply(sessions: sessionmaker, message_id: Optional[int], conversation_id: str, channel: str,
                 kind: str, now: datetime) -> None:
    """A reply to a check-in or touch-up invitation (the conversation carries the rest). Raises ReplyNotVerified."""
    with write_session(sessions) as session:
        _answered(session, message_id, conversation_id, channel, kind).replied_at = now


def undo_delivery(sessions: sessionmaker, message_id: int) -> None:
    """The message did not go out after all (e.g. the mail server refused it): its retry may send it."""
    with write_session(sessions) as session:
        message = session.get(ScheduledMessage, message_id, with_for_update=True)
        if message is not None and message.status == SENDING:
            message.delivered_at = None
