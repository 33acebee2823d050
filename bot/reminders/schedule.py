"""An appointment's messages, kept in step with the booking inside the booking's own transaction.

bot/booking.py calls `on_booked`, `on_cancelled` and `on_rescheduled` in the write transaction that books, cancels
or moves the appointment, so a booking never exists without its messages, nor a cancelled one with live messages.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Collection, Mapping, Optional

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Appointment
from bot.db.reminder_models import (
    CANCELLED,
    MARKETING,
    PENDING,
    TRANSACTIONAL,
    MessageConsent,
    ScheduledMessage,
)
from bot.db.session import write_session
from bot.reminders.email_links import email_is_on
from bot.reminders.settings import ReminderSettings
from bot.reminders.timing import TOUCH_UP, plan_messages
from bot.reminders.windows import EMAIL_CHANNEL, PUSHABLE


@dataclass(frozen=True)
class Delivery:
    """Where a patient booked and can be answered (Rasa's channel name and conversation id), and what they agreed
    to there: the reminder notice they were shown, and their own yes or no to touch-up invitations (None: not
    asked, which counts as no)."""

    channel: str
    conversation_id: str
    agreed_at: datetime
    consent_text: str
    marketing: Optional[bool] = None
    marketing_text: str = ""
    language: str = "en"  # of the notice they agreed to: their messages are written in it


def delivery_for_booking(channel: str, conversation_id: str, email: Optional[str], agreed_at: datetime,
                         settings: ReminderSettings, env: Mapping[str, str] = os.environ,
                         language: str = "en") -> Optional[Delivery]:
    """Where a new booking's messages go: the chat it was made in, when that channel can send first; else the
    e-mail address the patient gave (the website widget and REST cannot), when e-mail is set up; else nowhere.
    `settings` carry the notices in `language`, the conversation's."""
    if channel in PUSHABLE:
        return Delivery(channel, conversation_id, agreed_at, settings.consent_text, language=language)
    if email and email_is_on(env):
        return Delivery(EMAIL_CHANNEL, email, agreed_at, settings.email_consent_text, language=language)
    return None


def _settings(settings: Optional[ReminderSettings]) -> ReminderSettings:
    if settings is not None:
        return settings
    from bot.clinic import clinic

    return ReminderSettings.of(clinic())


def _record_consents(session: Session, appointment: Appointment, delivery: Delivery) -> None:
    common = dict(patient_id=appointment.patient_id, appointment_id=appointment.id, channel=delivery.channel,
                  recipient=delivery.conversation_id, at=delivery.agreed_at, language=delivery.language)
    session.add(MessageConsent(purpose=TRANSACTIONAL, granted=True, text=delivery.consent_text, **common))
    if delivery.marketing is not None:
        session.add(MessageConsent(purpose=MARKETING, granted=delivery.marketing, text=delivery.marketing_text,
                                   **common))


def _add_messages(session: Session, appointment: Appointment, delivery: Delivery, now: datetime,
                  settings: ReminderSettings, kinds: Optional[Collection[str]] = None) -> None:
    planned = plan_messages(appointment.start_utc, appointment.location.timezone, now, settings,
                            marketing=delivery.marketing is True)
    for message in planned:
        if kinds is not None and message.kind not in kinds:
            continue
        session.add(ScheduledMessage(
            appointment_id=appointment.id, kind=message.kind, due_at=message.due_at, next_try_at=message.due_at,
            channel=delivery.channel, recipient=delivery.conversation_id, status=PENDING, attempts=0,
            idempotency_key=f"{appointment.id}:{message.kind}:{message.label}",
        ))


def on_booked(session: Session, appointment: Appointment, delivery: Optional[Delivery], now: datetime,
              settings: Optional[ReminderSettings] = None) -> None:
    """Records the consents and plans the messages of a new booking (nothing without a conversation to use)."""
    if delivery is None:
        return
    _record_consents(session, appointment, delivery)
    _add_messages(session, appointment, delivery, now, _settings(settings))
    session.flush()


def on_cancelled(session: Session, appointment_id: int, reason: str = "appointment_cancelled") -> int:
    """Cancels the appointment's messages not sent yet; returns how many."""
    result = session.execute(
        update(ScheduledMessage)
        .where(ScheduledMessage.appointment_id == appointment_id, ScheduledMessage.status == PENDING)
        .values(status=CANCELLED, last_error=reason)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def delivery_of(session: Session, appointment_id: int) -> Optional[Delivery]:
    """The channel, conversation and consents an appointment's messages use (its consent records), if any."""
    consents = session.execute(
        select(MessageConsent).where(MessageConsent.appointment_id == appointment_id).order_by(MessageConsent.id)
    ).scalars().all()
    reminders = next((c for c in consents if c.purpose == TRANSACTIONAL), None)
    if reminders is None:
        return None
    marketing = next((c for c in reversed(consents) if c.purpose == MARKETING), None)
    return Delivery(reminders.channel, reminders.recipient, reminders.at, reminders.text,
                    marketing.granted if marketing else None, marketing.text if marketing else "", reminders.language)


def on_rescheduled(session: Session, old: Appointment, new: Appointment, now: datetime,
                   settings: Optional[ReminderSettings] = None) -> None:
    """The old visit's unsent messages are cancelled; the new visit gets its own, to the same conversation, under
    the consents given at booking (carried over to the new appointment)."""
    on_cancelled(session, old.id, reason="appointment_rescheduled")
    delivery = delivery_of(session, old.id)
    if delivery is None:
        return
    on_booked(session, new, delivery, now, settings)



def answer_touch_up_invitation(sessions: sessionmaker, reference: str, granted: bool, now: datetime,
                               settings: Optional[ReminderSettings] = None) -> bool:
    """The patient's own yes or no to touch-up invitations, asked right after booking: recorded as marketing
    consent where the booking's reminders go, and a yes plans the invitation. False when the booking has no
    reminders to go with (nowhere to send an invitation either)."""
    settings = _settings(settings)
    with write_session(sessions) as session:
        appointment = session.execute(
            select(Appointment).where(Appointment.reference == reference)
        ).scalar_one_or_none()
        delivery = delivery_of(session, appointment.id) if appointment is not None else None
        if delivery is None:
            return False
        answered = replace(delivery, agreed_at=now, marketing=granted, marketing_text=settings.marketing_consent_text)
        session.add(MessageConsent(purpose=MARKETING, granted=granted, text=answered.marketing_text,
                                   patient_id=appointment.patient_id, appointment_id=appointment.id,
                                   channel=delivery.channel, recipient=delivery.conversation_id, at=now,
                                   language=delivery.language))
        already = session.execute(select(ScheduledMessage.id).where(
            ScheduledMessage.appointment_id == appointment.id, ScheduledMessage.kind == TOUCH_UP)).first()
        if granted and already is None:
            _add_messages(session, appointment, answered, now, settings, kinds={TOUCH_UP})
        return True
