"""The booking tables. The initial migration (`bot/db/migrations/versions/0001_booking.py`) creates these; 0003 adds
appointments.confirmed_at, 0004 the front desk's appointments.cancelled_at, late_cancel and appointment_outcomes.

Times are stored as UTC (`UTCDateTime`); working hours are local wall-clock times of the location. An appointment
also stores its *hold*: start minus the type's buffer_before to end plus buffer_after. Two booked appointments of one
provider may not have overlapping holds; on PostgreSQL an exclusion constraint (created by the migration only, as
SQLite has no equivalent) enforces that, on SQLite booking re-checks inside a `BEGIN IMMEDIATE` transaction and a
partial unique index on (provider_id, start_utc) backs it up.

Later tables (handoff queue, staff) go in their own modules importing `Base` from here, and get their own migration.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import List, Optional

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    Time,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, declarative_base, relationship

from bot.db.types import UTCDateTime, utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Base = declarative_base(metadata=MetaData(naming_convention=NAMING_CONVENTION))

BOOKED = "booked"
CANCELLED = "cancelled"
RESCHEDULED = "rescheduled"
COMPLETED = "completed"
APPOINTMENT_STATUSES = (BOOKED, CANCELLED, RESCHEDULED, COMPLETED)
ATTENDED = "attended"
NO_SHOW = "no_show"
OUTCOMES = (ATTENDED, NO_SHOW)
EXCEPTION_KINDS = ("closed", "extra")
NO_OVERLAP_CONSTRAINT = "ex_appointments_provider_hold_no_overlap"
ONE_BOOKING_PER_START_INDEX = "ux_appointments_provider_start_booked"


class Location(Base):
    __tablename__ = "locations"

    id: Mapped[str] = Column(String(64), primary_key=True)
    name: Mapped[str] = Column(String(200), nullable=False)
    address: Mapped[str] = Column(Text, nullable=False)
    phone: Mapped[Optional[str]] = Column(String(32))
    timezone: Mapped[str] = Column(String(64), nullable=False)
    active: Mapped[bool] = Column(Boolean, nullable=False, default=True, server_default=text("true"))


class Provider(Base):
    __tablename__ = "providers"

    id: Mapped[str] = Column(String(64), primary_key=True)
    name: Mapped[str] = Column(String(200), nullable=False)
    credentials: Mapped[str] = Column(Text, nullable=False, default="")
    active: Mapped[bool] = Column(Boolean, nullable=False, default=True, server_default=text("true"))

    working_hours: Mapped[List["WorkingHours"]] = relationship("WorkingHours", back_populates="provider")


class WorkingHours(Base):
    """One weekly working period of a provider at a location (this is also the provider-location link)."""

    __tablename__ = "working_hours"
    __table_args__ = (
        UniqueConstraint("provider_id", "location_id", "weekday", "start_local", name="uq_working_hours_period"),
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("end_local > start_local", name="ends_after_start"),
    )

    id: Mapped[int] = Column(Integer, primary_key=True)
    provider_id: Mapped[str] = Column(ForeignKey("providers.id", ondelete="CASCADE"), nullable=False, index=True)
    location_id: Mapped[str] = Column(ForeignKey("locations.id", ondelete="CASCADE"), nullable=False, index=True)
    weekday: Mapped[int] = Column(SmallInteger, nullable=False)  # Monday = 0
    start_local: Mapped[time] = Column(Time, nullable=False)
    end_local: Mapped[time] = Column(Time, nullable=False)

    provider: Mapped[Provider] = relationship(Provider, back_populates="working_hours")
    location: Mapped[Location] = relationship(Location)


class AppointmentType(Base):
    __tablename__ = "appointment_types"
    __table_args__ = (
        CheckConstraint("minutes > 0", name="positive_minutes"),
        CheckConstraint("buffer_before >= 0 AND buffer_after >= 0", name="buffers"),
    )

    name: Mapped[str] = Column(String(64), primary_key=True)
    minutes: Mapped[int] = Column(Integer, nullable=False)
    buffer_before: Mapped[int] = Column(Integer, nullable=False, default=0)
    buffer_after: Mapped[int] = Column(Integer, nullable=False, default=0)


class ScheduleException(Base):
    """A closure ("closed") or extra opening ("extra"); no provider means everyone, no location means everywhere."""

    __tablename__ = "schedule_exceptions"
    __table_args__ = (
        CheckConstraint("kind IN ('closed', 'extra')", name="kind"),
        CheckConstraint("end_utc > start_utc", name="ends_after_start"),
        Index("ix_schedule_exceptions_span", "start_utc", "end_utc"),
    )

    id: Mapped[int] = Column(Integer, primary_key=True)
    provider_id: Mapped[Optional[str]] = Column(ForeignKey("providers.id", ondelete="CASCADE"))
    location_id: Mapped[Optional[str]] = Column(ForeignKey("locations.id", ondelete="CASCADE"))
    start_utc: Mapped[datetime] = Column(UTCDateTime, nullable=False)
    end_utc: Mapped[datetime] = Column(UTCDateTime, nullable=False)
    kind: Mapped[str] = Column(String(16), nullable=False)
    reason: Mapped[Optional[str]] = Column(Text)
    created_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)


class Patient(Base):
    __tablename__ = "patients"

    id: Mapped[int] = Column(Integer, primary_key=True)
    name: Mapped[str] = Column(String(200), nullable=False)
    phone: Mapped[Optional[str]] = Column(String(20), index=True)  # E.164
    email: Mapped[Optional[str]] = Column(String(320), index=True)  # lower case
    is_returning: Mapped[bool] = Column(Boolean, nullable=False, default=False, server_default=text("false"))
    created_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)


class Appointment(Base):
    __tablename__ = "appointments"
    __table_args__ = (
        CheckConstraint("status IN ('booked', 'cancelled', 'rescheduled', 'completed')", name="status"),
        CheckConstraint("end_utc > start_utc", name="ends_after_start"),
        CheckConstraint("hold_start_utc <= start_utc AND hold_end_utc >= end_utc", name="hold_covers_visit"),
        Index(
            ONE_BOOKING_PER_START_INDEX,
            "provider_id",
            "start_utc",
            unique=True,
            sqlite_where=text("status = 'booked'"),
            postgresql_where=text("status = 'booked'"),
        ),
        Index("ix_appointments_provider_hold", "provider_id", "hold_start_utc", "hold_end_utc"),
        Index("ix_appointments_start_utc", "start_utc"),
    )

    id: Mapped[int] = Column(Integer, primary_key=True)
    reference: Mapped[str] = Column(String(16), nullable=False, unique=True)
    status: Mapped[str] = Column(String(16), nullable=False, default=BOOKED)
    patient_id: Mapped[int] = Column(ForeignKey("patients.id"), nullable=False, index=True)
    provider_id: Mapped[str] = Column(ForeignKey("providers.id"), nullable=False)
    location_id: Mapped[str] = Column(ForeignKey("locations.id"), nullable=False)
    appointment_type: Mapped[str] = Column(ForeignKey("appointment_types.name"), nullable=False)
    start_utc: Mapped[datetime] = Column(UTCDateTime, nullable=False)
    end_utc: Mapped[datetime] = Column(UTCDateTime, nullable=False)
    hold_start_utc: Mapped[datetime] = Column(UTCDateTime, nullable=False)
    hold_end_utc: Mapped[datetime] = Column(UTCDateTime, nullable=False)
    source_channel: Mapped[str] = Column(String(32), nullable=False)
    idempotency_key: Mapped[Optional[str]] = Column(String(128), unique=True)
    policy_version: Mapped[Optional[str]] = Column(String(32))
    policy_accepted_at: Mapped[Optional[datetime]] = Column(UTCDateTime)
    cancel_reason: Mapped[Optional[str]] = Column(Text)
    rescheduled_from_id: Mapped[Optional[int]] = Column(ForeignKey("appointments.id"))
    # When the patient confirmed the visit (YES to a reminder, bot/reminders/replies.py). A confirmed visit stays
    # "booked": that status is what holds the provider's time (exclusion constraint, partial unique index).
    confirmed_at: Mapped[Optional[datetime]] = Column(UTCDateTime)
    # When the slot was given up (cancelled, or moved by a reschedule), and whether that was inside the cancellation
    # window before the start (`booking.cancellation_window_hours`): a late reschedule loses the slot late too.
    cancelled_at: Mapped[Optional[datetime]] = Column(UTCDateTime)
    late_cancel: Mapped[bool] = Column(Boolean, nullable=False, default=False, server_default=text("false"))
    created_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    patient: Mapped[Patient] = relationship(Patient)
    provider: Mapped[Provider] = relationship(Provider)
    location: Mapped[Location] = relationship(Location)
    type: Mapped[AppointmentType] = relationship(AppointmentType)
    outcome: Mapped[Optional["AppointmentOutcome"]] = relationship(
        "AppointmentOutcome", uselist=False, back_populates="appointment"
    )


class AppointmentOutcome(Base):
    """Whether the patient came (attended) or not (no_show), as the front desk recorded it (bot/front_desk). One row
    per appointment: a correction replaces it, and the audit log keeps the earlier value."""

    __tablename__ = "appointment_outcomes"
    __table_args__ = (CheckConstraint("outcome IN ('attended', 'no_show')", name="outcome"),)

    id: Mapped[int] = Column(Integer, primary_key=True)
    appointment_id: Mapped[int] = Column(
        ForeignKey("appointments.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    outcome: Mapped[str] = Column(String(16), nullable=False)
    staff_username: Mapped[str] = Column(String(64), nullable=False)
    recorded_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)

    appointment: Mapped[Appointment] = relationship(Appointment, back_populates="outcome")


class AuditEvent(Base):
    """Who changed an appointment and how. `before`/`after` hold ids, status and times only, never contact data."""

    __tablename__ = "audit_events"

    id: Mapped[int] = Column(Integer, primary_key=True)
    appointment_id: Mapped[Optional[int]] = Column(ForeignKey("appointments.id"), index=True)
    actor: Mapped[str] = Column(String(64), nullable=False)  # "assistant:web", "staff:alice", "cli"
    action: Mapped[str] = Column(String(32), nullable=False)  # "book", "cancel", "reschedule", ...
    at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)
    before: Mapped[Optional[dict]] = Column(JSON)
    after: Mapped[Optional[dict]] = Column(JSON)


class LookupFailure(Base):
    """A failed booking look-up; `requester` is a keyed pseudonym (`bot.privacy`) of the conversation/sender id,
    never the id itself."""

    __tablename__ = "lookup_failures"
    __table_args__ = (Index("ix_lookup_failures_requester_at", "requester", "at"),)

    id: Mapped[int] = Column(Integer, primary_key=True)
    requester: Mapped[str] = Column(String(64), nullable=False)
    at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)
