"""The worker's side of `scheduled_messages`: claim due messages, then record how each try ended.

A claim is one short write transaction: due rows are locked with `FOR UPDATE SKIP LOCKED` on PostgreSQL, so
concurrent workers take disjoint rows without waiting; on SQLite `BEGIN IMMEDIATE` (bot.db.session.write_session)
makes the claim the only writer. A claimed row is `sending` with attempts + 1. Rows whose booking no longer calls
for them are skipped in the same transaction. A row left `sending` by a worker that died is claimed again after
LEASE: safe, because the assistant's action utters a message only once (`delivered_at`, see conversation.py).
A due row that has already had max_attempts tries (e.g. abandoned `sending` on its last one) is not claimed: it
becomes `failed` ("max_attempts"). A failed try is retried after the backoff, moved forward out of quiet hours
(timing.retry_due).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import List, Optional

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import BOOKED, Appointment
from bot.db.reminder_models import (
    FAILED,
    MARKETING,
    PENDING,
    SENDING,
    SENT,
    SKIPPED,
    TRANSACTIONAL,
    MessageConsent,
    ScheduledMessage,
)
from bot.db.session import write_session
from bot.reminders.settings import ReminderSettings
from bot.reminders.timing import REMINDER, TOUCH_UP, retry_due
from bot.reminders.windows import EMAIL_CHANNEL

LEASE = timedelta(minutes=10)


@dataclass(frozen=True)
class Claim:
    id: int
    kind: str
    channel: str
    recipient: str
    attempts: int
    last_inbound: datetime  # the latest moment the patient is known to have written in this conversation


def _due(now: datetime):
    waiting = (ScheduledMessage.status == PENDING) & (ScheduledMessage.next_try_at <= now)
    abandoned = (ScheduledMessage.status == SENDING) & (ScheduledMessage.claimed_at < now - LEASE)
    return or_(waiting, abandoned)


def _has_future_visit(session: Session, appointment: Appointment, now: datetime) -> bool:
    query = select(Appointment.id).where(
        Appointment.patient_id == appointment.patient_id, Appointment.status == BOOKED, Appointment.start_utc > now
    )
    return session.execute(query.limit(1)).first() is not None


def _marketing_yes(session: Session, patient_id: int) -> bool:
    latest = session.execute(
        select(MessageConsent.granted)
        .where(MessageConsent.patient_id == patient_id, MessageConsent.purpose == MARKETING)
        .order_by(MessageConsent.at.desc(), MessageConsent.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    return latest is True


def _email_stopped(session: Session, address: str) -> bool:
    """The latest word about reminders to this e-mail address is a no (its stop link)."""
    latest = session.execute(
        select(MessageConsent.granted)
        .where(MessageConsent.recipient == address, MessageConsent.channel == EMAIL_CHANNEL,
               MessageConsent.purpose == TRANSACTIONAL)
        .order_by(MessageConsent.at.desc(), MessageConsent.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    return latest is False


def skip_reason(session: Session, message: ScheduledMessage, now: datetime) -> Optional[str]:
    """Why the booking (or the patient) no longer calls for this message, or None."""
    if message.channel == EMAIL_CHANNEL and _email_stopped(session, message.recipient):
        return "unsubscribed"
    appointment = message.appointment
    if message.kind == REMINDER:
        if appointment.status != BOOKED:
            return "appointment_not_booked"
        return "visit_started" if appointment.start_utc <= now else None
    if appointment.status not in (BOOKED, "completed"):
        return "visit_not_held"
    if message.kind == TOUCH_UP:
        if not _marketing_yes(session, appointment.patient_id):
            return "no_marketing_consent"
        if _has_future_visit(session, appointment, now):
            return "future_appointment"
    return None


def _last_inbound(session: Session, message: ScheduledMessage) -> datetime:
    """The patient's latest known message in this conversation: a consent given there (at booking) or a reply
    to one of our messages. Conservative: a later chat only widens a window we then treat as closed."""
    consented = select(func.max(MessageConsent.at)).where(MessageConsent.recipient == message.recipient)
    replied = select(func.max(ScheduledMessage.replied_at)).where(ScheduledMessage.recipient == message.recipient)
    moments = [session.execute(query).scalar_one_or_none() for query in (consented, replied)]
    return max(filter(None, moments), default=message.created_at)


def _take(session: Session, message: ScheduledMessage, now: datetime, max_attempts: int) -> Optional[Claim]:
    if message.delivered_at is not None:  # the assistant uttered it; the worker died before recording that
        message.status, message.sent_at = SENT, message.delivered_at
        return None
    if message.attempts >= max_attempts:  # its last try was abandoned (the worker died), or the limit was lowered
        message.status, message.last_error = FAILED, "max_attempts"
        return None
    reason = skip_reason(session, message, now)
    if reason:
        message.status, message.last_error = SKIPPED, reason
        return None
    message.status, message.claimed_at, message.attempts = SENDING, now, message.attempts + 1
    return Claim(message.id, message.kind, message.channel, message.recipient, message.attempts,
                 _last_inbound(session, message))


def claim_due(sessions: sessionmaker, now: datetime, limit: int = 50,
              max_attempts: int = ReminderSettings.max_attempts) -> List[Claim]:
    """Up to `limit` due messages, now `sending` and this worker's (rows other workers hold are skipped); due rows
    that have had `max_attempts` tries become `failed` instead."""
    query = (
        select(ScheduledMessage)
        .where(_due(now))
        .order_by(ScheduledMessage.next_try_at, ScheduledMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    with write_session(sessions) as session:
        rows = session.execute(query).scalars().all()
        claims = (_take(session, row, now, max_attempts) for row in rows)
        return [claim for claim in claims if claim is not None]


def _finish(sessions: sessionmaker, claim: Claim, **values: object) -> None:
    with write_session(sessions) as session:
        message = session.get(ScheduledMessage, claim.id, with_for_update=True)
        if message is not None and message.status == SENDING:
            for name, value in values.items():
                setattr(message, name, value)


def mark_sent(sessions: sessionmaker, claim: Claim, now: datetime, delivery: Optional[str]) -> None:
    """Rasa took the trigger. Sent if the assistant uttered it (delivered_at), else skipped: it declined (e.g. the
    chat is paused for staff, or the conversation does not match)."""
    with write_session(sessions) as session:
        message = session.get(ScheduledMessage, claim.id, with_for_update=True)
        if message is None or message.status != SENDING:
            return
        message.delivery = delivery
        if message.delivered_at is not None:
            message.status, message.sent_at = SENT, now
        else:
            message.status, message.last_error = SKIPPED, "not_uttered"


def mark_skipped(sessions: sessionmaker, claim: Claim, reason: str) -> None:
    _finish(sessions, claim, status=SKIPPED, last_error=reason)


def mark_failed_try(sessions: sessionmaker, claim: Claim, now: datetime, error: str,
                    settings: ReminderSettings) -> None:
    """A try that failed: retried after the backoff (out of quiet hours), or failed for good after max_attempts."""
    with write_session(sessions) as session:
        message = session.get(ScheduledMessage, claim.id, with_for_update=True)
        if message is None or message.status != SENDING:
            return
        message.last_error = error[:200]
        if claim.attempts >= settings.max_attempts:
            message.status = FAILED
        else:
            message.status, message.next_try_at = PENDING, _next_try_at(message, claim, now, settings)


def _next_try_at(message: ScheduledMessage, claim: Claim, now: datetime, settings: ReminderSettings) -> datetime:
    appointment = message.appointment
    return retry_due(now + settings.retry_delay(claim.attempts), message.kind, appointment.start_utc,
                     appointment.location.timezone, settings)
