"""An appointment's messages, kept in step with the booking inside the booking's own transaction.

bot/booking.py calls `on_booked`, `on_cancelled` and `on_rescheduled` in the write transaction that books, cancels
or moves the appointment, so a booking never exists without its messages, nor a cancelled one with live messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Optional

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.db.models import Appointment
from bot.db.reminder_models import (
    CANCELLED,
    MARKETING,
    PENDING,
    TRANSACTIONAL,
    MessageConsent,
    ScheduledMessage,
)
from bot.reminders.settings import ReminderSettings
from bot.reminders.timing import plan_messages


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


def _settings(settings: Optional[ReminderSettings]) -> ReminderSettings:
    if settings is not None:
        return settings
    from bot.clinic import clinic

    return ReminderSettings.of(clinic())


def _record_consents(session: Session, appointment: Appointment, delivery: Delivery) -> None:
    common = dict(patient_id=appointment.patient_id, appointment_id=appointment.id, channel=delivery.channel,
                  recipient=delivery.conversation_id, at=delivery.agreed_at)
    session.add(MessageConsent(purpose=TRANSACTIONAL, granted=True, text=delivery.consent_text, **common))
    if delivery.marketing is not None:
        session.add(MessageConsent(purpose=MARKETING, granted=delivery.marketing, text=delivery.marketing_text,
                                   **common))


def _add_messages(session: Session, appointment: Appointment, delivery: Delivery, now: datetime,
                  settings: ReminderSettings) -> None:
    planned = plan_messages(appointment.start_utc, appointment.location.timezone, now, settings,
                            marketing=delivery.marketing is True)
    for message in planned:
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
                    marketing.granted if marketing else None, marketing.text if marketing else "")


def on_rescheduled(session: Session, old: Appointment, new: Appointment, now: datetime,
                   settings: Optional[ReminderSettings] = None) -> None:
    """The old visit's unsent messages are cancelled; the new visit gets its own, to the same conversation, under
    the consents given at booking (carried over to the new appointment)."""
    on_cancelled(session, old.id, reason="appointment_rescheduled")
    delivery = delivery_of(session, old.id)
    if delivery is None:
        return
    on_booked(session, new, delivery, now, settings)

