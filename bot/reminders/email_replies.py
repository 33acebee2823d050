"""What the signed links in patients' e-mails do (bot/web/email_pages.py serves them): stop e-mails, and confirm a
visit. The link's signature (email_links.py) already proves which message it came with; these act only on e-mail
messages, so a link can never reach a booking through another channel.

Stopping is recorded as consent withdrawn, at the address the message went to: from a touch-up invitation it stops
touch-up invitations; from a reminder or check-in it stops every e-mail about visits (reminders and invitations).
Messages to that address not sent yet are cancelled. A later booking that gives the address again asks again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Optional, Tuple

from sqlalchemy import update
from sqlalchemy.orm import sessionmaker

from bot.booking import BookingResult, describe
from bot.db.reminder_models import CANCELLED, MARKETING, PENDING, TRANSACTIONAL, MessageConsent, ScheduledMessage
from bot.db.session import write_session
from bot.reminders.conversation import confirm_visit
from bot.reminders.schedule import delivery_of
from bot.reminders.timing import KINDS, MARKETING_KINDS
from bot.reminders.windows import EMAIL_CHANNEL

STOPPED_BY_LINK = "Stopped with the link in an e-mail."


@dataclass(frozen=True)
class LinkedMessage:
    kind: str
    booking: BookingResult
    language: str = "en"  # the e-mail's, as the patient agreed to their messages


def _purposes(kind: str) -> Tuple[str, ...]:
    return (MARKETING,) if kind in MARKETING_KINDS else (TRANSACTIONAL, MARKETING)


def _kinds(purposes: Tuple[str, ...]) -> Tuple[str, ...]:
    return tuple(k for k in KINDS if (MARKETING if k in MARKETING_KINDS else TRANSACTIONAL) in purposes)


def linked_message(sessions: sessionmaker, message_id: int) -> Optional[LinkedMessage]:
    """The e-mailed message a link came with, or None."""
    with sessions() as session:
        message = session.get(ScheduledMessage, message_id)
        if message is None or message.channel != EMAIL_CHANNEL:
            return None
        delivery = delivery_of(session, message.appointment_id)
        return LinkedMessage(message.kind, describe(message.appointment), delivery.language if delivery else "en")


def stop_emails(sessions: sessionmaker, message_id: int, now: datetime) -> Optional[str]:
    """Withdraws consent for what this message's kind belongs to; returns the kind, or None (no such e-mail)."""
    with write_session(sessions) as session:
        message = session.get(ScheduledMessage, message_id)
        if message is None or message.channel != EMAIL_CHANNEL:
            return None
        purposes = _purposes(message.kind)
        for purpose in purposes:
            session.add(MessageConsent(
                patient_id=message.appointment.patient_id, appointment_id=message.appointment_id, purpose=purpose,
                granted=False, channel=EMAIL_CHANNEL, recipient=message.recipient, text=STOPPED_BY_LINK, at=now))
        session.execute(
            update(ScheduledMessage)
            .where(ScheduledMessage.channel == EMAIL_CHANNEL, ScheduledMessage.recipient == message.recipient,
                   ScheduledMessage.status == PENDING, ScheduledMessage.kind.in_(_kinds(purposes)))
            .values(status=CANCELLED, last_error="unsubscribed")
            .execution_options(synchronize_session=False)
        )
        return message.kind


def confirm_by_link(sessions: sessionmaker, message_id: int, now: datetime) -> BookingResult:
    """The confirm link of a reminder e-mail: as YES in a chat. Raises ReplyNotVerified (not a delivered e-mail
    reminder) or NotChangeable (cancelled, moved or started)."""
    with sessions() as session:
        message = session.get(ScheduledMessage, message_id)
        recipient = message.recipient if message is not None else ""
    return confirm_visit(sessions, message_id, recipient, EMAIL_CHANNEL, now)
