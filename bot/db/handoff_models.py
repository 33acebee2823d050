"""Handoff tables: the queue of conversations handed to staff, their messages, staff accounts, sessions, login failures.

The migration `bot/db/migrations/versions/0002_handoff.py` creates exactly these. A conversation has at most one open
(waiting or with_staff) request; a partial unique index backs that up on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime
from typing import List, Optional

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import (
    text as sql_text,
)
from sqlalchemy.orm import Mapped, relationship

from bot.db.models import Base
from bot.db.types import UTCDateTime, utcnow

WAITING = "waiting"
WITH_STAFF = "with_staff"
CLOSED = "closed"
REQUEST_STATUSES = (WAITING, WITH_STAFF, CLOSED)
OPEN_STATUSES = (WAITING, WITH_STAFF)

# Who wrote a message: the patient, a staff member (sent to the patient), a private staff note, the assistant (the
# transcript before the handoff), or the system (e.g. "the assistant is back", sent to the patient).
PATIENT = "patient"
STAFF = "staff"
NOTE = "note"
BOT = "bot"
SYSTEM = "system"
MESSAGE_KINDS = (PATIENT, STAFF, NOTE, BOT, SYSTEM)

URGENT_PRIORITY = 10
NORMAL_PRIORITY = 0

ONE_OPEN_REQUEST_INDEX = "ux_handoff_requests_open_conversation"
OPEN_ONLY = "status IN ('waiting', 'with_staff')"


class StaffAccount(Base):
    __tablename__ = "staff_accounts"

    id: Mapped[int] = Column(Integer, primary_key=True)
    username: Mapped[str] = Column(String(64), nullable=False, unique=True)  # lower case
    password_hash: Mapped[str] = Column(String(255), nullable=False)  # argon2id
    display_name: Mapped[str] = Column(String(200), nullable=False, default="")
    active: Mapped[bool] = Column(Boolean, nullable=False, default=True, server_default=sql_text("true"))
    created_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)


class StaffSession(Base):
    """A logged-in browser. The cookie holds a random token; only its SHA-256 is stored."""

    __tablename__ = "staff_sessions"

    id: Mapped[int] = Column(Integer, primary_key=True)
    token_hash: Mapped[str] = Column(String(64), nullable=False, unique=True)
    csrf_token: Mapped[str] = Column(String(64), nullable=False)
    staff_id: Mapped[int] = Column(ForeignKey("staff_accounts.id", ondelete="CASCADE"), nullable=False, index=True)
    created_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)
    expires_at: Mapped[datetime] = Column(UTCDateTime, nullable=False)

    staff: Mapped[StaffAccount] = relationship(StaffAccount)


class LoginFailure(Base):
    """A failed staff login; `key` is a SHA-256 of the lower-cased username and the client address."""

    __tablename__ = "staff_login_failures"
    __table_args__ = (Index("ix_staff_login_failures_key_at", "key", "at"),)

    id: Mapped[int] = Column(Integer, primary_key=True)
    key: Mapped[str] = Column(String(64), nullable=False)
    at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)


class HandoffRequest(Base):
    __tablename__ = "handoff_requests"
    __table_args__ = (
        CheckConstraint("status IN ('waiting', 'with_staff', 'closed')", name="status"),
        Index(
            ONE_OPEN_REQUEST_INDEX,
            "conversation_id",
            unique=True,
            sqlite_where=sql_text(OPEN_ONLY),
            postgresql_where=sql_text(OPEN_ONLY),
        ),
        Index("ix_handoff_requests_queue", "status", "priority", "created_at"),
    )

    id: Mapped[int] = Column(Integer, primary_key=True)
    conversation_id: Mapped[str] = Column(String(255), nullable=False, index=True)
    channel: Mapped[str] = Column(String(64), nullable=False, default="unknown")
    reason: Mapped[str] = Column(String(64), nullable=False)
    urgent: Mapped[bool] = Column(Boolean, nullable=False, default=False, server_default=sql_text("false"))
    priority: Mapped[int] = Column(Integer, nullable=False, default=NORMAL_PRIORITY)  # higher first
    status: Mapped[str] = Column(String(16), nullable=False, default=WAITING)
    # True when the request came in within staff hours (the conversation was paused for a person to answer live);
    # False when a message was taken for the next opening.
    live: Mapped[bool] = Column(Boolean, nullable=False, default=True, server_default=sql_text("true"))
    contact_name: Mapped[Optional[str]] = Column(String(200))
    contact_phone: Mapped[Optional[str]] = Column(String(32))
    contact_email: Mapped[Optional[str]] = Column(String(320))
    question: Mapped[Optional[str]] = Column(Text)
    summary: Mapped[dict] = Column(JSON, nullable=False, default=dict)
    staff_id: Mapped[Optional[int]] = Column(ForeignKey("staff_accounts.id", ondelete="SET NULL"))
    # Rasa event timestamp (seconds) of the tracker's last event when the request was made: patient messages after
    # it are copied in from Rasa's tracker by the inbox.
    since_ts: Mapped[float] = Column(Float, nullable=False, default=0.0)
    reply_by: Mapped[Optional[datetime]] = Column(UTCDateTime)  # the next opening, for messages taken after hours
    created_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)
    taken_at: Mapped[Optional[datetime]] = Column(UTCDateTime)
    closed_at: Mapped[Optional[datetime]] = Column(UTCDateTime)
    last_patient_message_at: Mapped[Optional[datetime]] = Column(UTCDateTime)
    updated_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    staff: Mapped[Optional[StaffAccount]] = relationship(StaffAccount)
    messages: Mapped[List["HandoffMessage"]] = relationship(
        "HandoffMessage", back_populates="request", order_by="HandoffMessage.id"
    )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class HandoffMessage(Base):
    __tablename__ = "handoff_messages"
    __table_args__ = (
        CheckConstraint("kind IN ('patient', 'staff', 'note', 'bot', 'system')", name="kind"),
        UniqueConstraint("request_id", "external_id", name="uq_handoff_messages_request_external"),
        Index("ix_handoff_messages_request_id", "request_id", "id"),
    )

    id: Mapped[int] = Column(Integer, primary_key=True)
    request_id: Mapped[int] = Column(ForeignKey("handoff_requests.id", ondelete="CASCADE"), nullable=False)
    kind: Mapped[str] = Column(String(16), nullable=False)
    text: Mapped[str] = Column(Text, nullable=False)
    staff_id: Mapped[Optional[int]] = Column(ForeignKey("staff_accounts.id", ondelete="SET NULL"))
    # Rasa's message id (or event timestamp) of a message copied from the tracker, so it is stored once.
    external_id: Mapped[Optional[str]] = Column(String(128))
    before_handoff: Mapped[bool] = Column(Boolean, nullable=False, default=False, server_default=sql_text("false"))
    created_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)
    # Staff and system messages: when the relay action handed it to Rasa, and whether the channel could push it.
    relayed_at: Mapped[Optional[datetime]] = Column(UTCDateTime)
    delivery: Mapped[Optional[str]] = Column(String(32))  # "pushed", "not_pushable", "failed"

    request: Mapped[HandoffRequest] = relationship(HandoffRequest, back_populates="messages")
    staff: Mapped[Optional[StaffAccount]] = relationship(StaffAccount)
