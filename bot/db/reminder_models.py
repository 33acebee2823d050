"""Messages after booking and the consents behind them. Migration: `bot/db/migrations/versions/0003_reminders.py`.

`scheduled_messages`: one row per message of an appointment (kind reminder, check_in or touch_up), with its due time,
channel and recipient (the Rasa conversation id the message goes to), status, attempts, last error and a unique
idempotency key (appointment id, kind and offset: never the patient's contact). Status moves only forward:

    pending -> sending -> sent                          (the worker claimed it, Rasa took it)
    pending -> sending -> pending (next_try_at later)   (a failed try, retried with backoff)
    pending -> sending -> failed                        (max attempts reached)
    pending -> cancelled | skipped                      (booking changed; opted out; not reachable; ...)

`delivered_at` is set once, by the assistant's action that actually utters the message, so a retried trigger can
never make the patient read it twice.

`message_consents`: what the patient agreed to at booking, on which channel and conversation, and when: purpose
"reminders" (transactional) or "marketing" (touch-up invitations, only with their own yes).
"""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import Boolean, CheckConstraint, Column, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, relationship

from bot.db.models import Appointment, Base
from bot.db.types import UTCDateTime, utcnow

PENDING = "pending"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"
CANCELLED = "cancelled"
SKIPPED = "skipped"
MESSAGE_STATUSES = (PENDING, SENDING, SENT, FAILED, CANCELLED, SKIPPED)
OPEN_MESSAGE_STATUSES = (PENDING, SENDING)

TRANSACTIONAL = "reminders"
MARKETING = "marketing"
CONSENT_PURPOSES = (TRANSACTIONAL, MARKETING)


class ScheduledMessage(Base):
    __tablename__ = "scheduled_messages"
    __table_args__ = (
        CheckConstraint("kind IN ('reminder', 'check_in', 'touch_up')", name="kind"),
        CheckConstraint(
            "status IN ('pending', 'sending', 'sent', 'failed', 'cancelled', 'skipped')", name="status"
        ),
        Index("ix_scheduled_messages_due", "status", "next_try_at"),
        Index("ix_scheduled_messages_recipient", "recipient", "channel"),
    )

    id: Mapped[int] = Column(Integer, primary_key=True)
    appointment_id: Mapped[int] = Column(ForeignKey("appointments.id"), nullable=False, index=True)
    kind: Mapped[str] = Column(String(16), nullable=False)
    due_at: Mapped[datetime] = Column(UTCDateTime, nullable=False)  # as planned (quiet hours applied)
    next_try_at: Mapped[datetime] = Column(UTCDateTime, nullable=False)  # due_at, later after a failed try
    channel: Mapped[str] = Column(String(32), nullable=False)  # Rasa input channel name: twilio, facebook, ...
    recipient: Mapped[str] = Column(String(255), nullable=False)  # the conversation id
    status: Mapped[str] = Column(String(16), nullable=False, default=PENDING)
    attempts: Mapped[int] = Column(Integer, nullable=False, default=0)
    last_error: Mapped[Optional[str]] = Column(String(200))  # a reason code, never message text or contact data
    delivery: Mapped[Optional[str]] = Column(String(64))  # "template:...", "tag:..." outside a channel's window
    idempotency_key: Mapped[str] = Column(String(128), nullable=False, unique=True)
    claimed_at: Mapped[Optional[datetime]] = Column(UTCDateTime)
    delivered_at: Mapped[Optional[datetime]] = Column(UTCDateTime)  # set by the action that utters it
    sent_at: Mapped[Optional[datetime]] = Column(UTCDateTime)
    replied_at: Mapped[Optional[datetime]] = Column(UTCDateTime)  # the patient's YES / R / check-in answer
    created_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    appointment: Mapped[Appointment] = relationship(Appointment)


class MessageConsent(Base):
    __tablename__ = "message_consents"
    __table_args__ = (CheckConstraint("purpose IN ('reminders', 'marketing')", name="purpose"),)

    id: Mapped[int] = Column(Integer, primary_key=True)
    patient_id: Mapped[int] = Column(ForeignKey("patients.id"), nullable=False, index=True)
    appointment_id: Mapped[Optional[int]] = Column(ForeignKey("appointments.id"), index=True)
    purpose: Mapped[str] = Column(String(16), nullable=False)
    granted: Mapped[bool] = Column(Boolean, nullable=False)
    channel: Mapped[str] = Column(String(32), nullable=False)
    recipient: Mapped[str] = Column(String(255), nullable=False)  # the conversation id it was given in
    text: Mapped[str] = Column(Text, nullable=False)  # exactly what the patient agreed to (or declined)
    language: Mapped[str] = Column(String(8), nullable=False, default="en", server_default="en")  # of the text
    at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)
