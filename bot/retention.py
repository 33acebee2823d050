"""Retention: delete what the clinic no longer needs once it is older than a cutoff (`python -m bot retention`).

* Conversations in Rasa's SQL tracker store (table `events`): a whole conversation goes when its last event is older
  than the cutoff, never part of one, never one with an open handoff (staff may still answer it), and never one a
  scheduled message (reminder, check-in, touch-up) is still to go to.
* Closed handoff requests (waitlist requests included) closed before the cutoff, with their messages and notes.
* Patients with no appointment that starts, was booked or changed after the cutoff, created before it. One without
  appointments is deleted. Appointments reference their patient (NOT NULL, no cascade) and are the clinic's
  records, so a patient with past appointments is anonymised instead: name replaced, phone and email cleared, and
  the appointments' idempotency keys (hashes of the conversation id, which holds the phone on SMS) cleared, and the
  conversation ids (`recipient`) of their scheduled messages and message consents replaced. A patient with a
  message still to send (pending or sending) is not inactive; consent rows of a patient who is deleted go with it.
* Rows that only identify someone: booking look-up and staff login failures; SMS consent rows of numbers that opted
  back in. Opt-outs are kept: a STOP must outlive retention.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, List, Optional

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, delete, exists, func, inspect, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.sms_consent import sms_consent
from bot.db.handoff_models import CLOSED, OPEN_STATUSES, HandoffMessage, HandoffRequest, LoginFailure
from bot.db.models import Appointment, LookupFailure, Patient
from bot.db.reminder_models import PENDING, SENDING, MessageConsent, ScheduledMessage
from bot.db.session import database_url, make_engine, tracker_store_url, write_session

REMOVED_NAME = "(removed)"
REMOVED_RECIPIENT = "(removed)"  # recipient is NOT NULL: the row stays as the record of what was sent or agreed
_AGE = re.compile(r"(\d+)([hdw])")
_AGE_UNITS = {"h": "hours", "d": "days", "w": "weeks"}

# The columns of Rasa's SQLTrackerStore table that retention reads; Rasa itself is not imported.
tracker_events = Table(
    "events",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False),
    Column("timestamp", Float),
)


@dataclass(frozen=True)
class RetentionCounts:
    """How many rows were deleted (or, in a dry run, would be)."""

    conversations: int = 0
    conversation_events: int = 0
    handoff_requests: int = 0
    handoff_messages: int = 0
    patients_deleted: int = 0
    patients_anonymised: int = 0
    scheduled_messages_anonymised: int = 0
    message_consents_anonymised: int = 0
    message_consents_deleted: int = 0
    sms_consent_rows: int = 0
    lookup_failures: int = 0
    staff_login_failures: int = 0


def parse_age(text: str) -> timedelta:
    """'30d', '12h', '4w' -> timedelta; ValueError otherwise (zero too, which would delete everything)."""
    match = _AGE.fullmatch(text.strip().lower())
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"not an age like 30d, 12h or 4w: {text!r}")
    return timedelta(**{_AGE_UNITS[match.group(2)]: int(match.group(1))})


def run_retention(
    cutoff: datetime,
    dry_run: bool = False,
    clinic_url: Optional[str] = None,
    tracker_url: Optional[str] = None,
) -> RetentionCounts:
    """Deletes everything older than `cutoff` (aware) as described above; each step is its own transaction."""
    cutoff = cutoff.astimezone(timezone.utc)  # SQLite stores naive UTC and ignores an offset in comparisons
    clinic_engine = make_engine(clinic_url or database_url())
    tracker_engine = make_engine(tracker_url or tracker_store_url())
    try:
        clinic = sessionmaker(bind=clinic_engine, future=True)
        keep = _open_handoff_conversations(clinic) + _conversations_awaiting_messages(clinic)
        conversations, events = _purge_conversations(tracker_engine, cutoff, keep, dry_run)
        requests, messages = _purge_handoffs(clinic, cutoff, dry_run)
        deleted, anonymised, messages_cleared, consents_cleared, consents_deleted = _purge_patients(
            clinic, cutoff, dry_run)
        return RetentionCounts(
            conversations=conversations,
            conversation_events=events,
            handoff_requests=requests,
            handoff_messages=messages,
            patients_deleted=deleted,
            patients_anonymised=anonymised,
            scheduled_messages_anonymised=messages_cleared,
            message_consents_anonymised=consents_cleared,
            message_consents_deleted=consents_deleted,
            sms_consent_rows=_purge_sms_consent(clinic, cutoff, dry_run),
            lookup_failures=_purge(clinic, LookupFailure, dry_run, LookupFailure.at < cutoff),
            staff_login_failures=_purge(clinic, LoginFailure, dry_run, LoginFailure.at < cutoff),
        )
    finally:
        clinic_engine.dispose()
        tracker_engine.dispose()


# --- helpers ----------------------------------------------------------------------------------------------------


def _count(session: Session, table: Any, *conditions: Any) -> int:
    return session.execute(select(func.count()).select_from(table).where(*conditions)).scalar_one()


def _delete(session: Session, table: Any, dry_run: bool, *conditions: Any) -> int:
    if dry_run:
        return _count(session, table, *conditions)
    statement = delete(table).where(*conditions).execution_options(synchronize_session=False)
    return session.execute(statement).rowcount


def _purge(sessions: sessionmaker, table: Any, dry_run: bool, *conditions: Any) -> int:
    with write_session(sessions) as session:
        return _delete(session, table, dry_run, *conditions)


def _has_table(engine: Engine, name: str) -> bool:
    return inspect(engine).has_table(name)


# --- conversations ------------------------------------------------------------------------------------------------


def _open_handoff_conversations(clinic: sessionmaker) -> List[str]:
    with clinic() as session:
        query = select(HandoffRequest.conversation_id).where(HandoffRequest.status.in_(OPEN_STATUSES))
        return list(session.execute(query).scalars())


def _conversations_awaiting_messages(clinic: sessionmaker) -> List[str]:
    """Conversations a scheduled message is still to go to: the assistant delivers it into the conversation, which
    must still be there (its channel is read from it)."""
    with clinic() as session:
        query = select(ScheduledMessage.recipient).where(ScheduledMessage.status.in_((PENDING, SENDING))).distinct()
        return list(session.execute(query).scalars())


def _purge_conversations(engine: Engine, cutoff: datetime, keep: List[str], dry_run: bool) -> "tuple[int, int]":
    """(conversations, events): conversations whose newest event is older than the cutoff, except `keep`."""
    if not _has_table(engine, tracker_events.name):
        return 0, 0
    stale = (
        select(tracker_events.c.sender_id)
        .where(tracker_events.c.sender_id.not_in(keep))
        .group_by(tracker_events.c.sender_id)
        .having(func.max(tracker_events.c.timestamp) < cutoff.timestamp())
    )
    with write_session(sessionmaker(bind=engine, future=True)) as session:
        conversations = _count(session, stale.subquery())
        events = _delete(session, tracker_events, dry_run, tracker_events.c.sender_id.in_(stale))
    return conversations, events


# --- handoffs -----------------------------------------------------------------------------------------------------


def _purge_handoffs(clinic: sessionmaker, cutoff: datetime, dry_run: bool) -> "tuple[int, int]":
    """(requests, messages) of handoffs closed before the cutoff; a closed one without closed_at counts by its
    last update."""
    closed_before = (
        HandoffRequest.status == CLOSED,
        func.coalesce(HandoffRequest.closed_at, HandoffRequest.updated_at) < cutoff,
    )
    closed_ids = select(HandoffRequest.id).where(*closed_before)
    with write_session(clinic) as session:
        messages = _delete(session, HandoffMessage, dry_run, HandoffMessage.request_id.in_(closed_ids))
        requests = _delete(session, HandoffRequest, dry_run, *closed_before)
    return requests, messages


# --- patients -----------------------------------------------------------------------------------------------------


def _inactive_patient(cutoff: datetime) -> Any:
    recent_appointment = exists().where(
        Appointment.patient_id == Patient.id,
        (Appointment.start_utc >= cutoff) | (Appointment.created_at >= cutoff) | (Appointment.updated_at >= cutoff),
    )
    still_to_send = exists().where(
        ScheduledMessage.appointment_id == Appointment.id,
        Appointment.patient_id == Patient.id,
        ScheduledMessage.status.in_((PENDING, SENDING)),
    )
    return (Patient.created_at < cutoff) & ~recent_appointment & ~still_to_send


def _purge_patients(clinic: sessionmaker, cutoff: datetime, dry_run: bool) -> "tuple[int, int, int, int, int]":
    """(deleted, anonymised, scheduled messages anonymised, consents anonymised, consents deleted). A booking always
    stores a phone or an email, so a patient without either is one anonymised by an earlier run; the recipients of
    their rows are cleared again (none is left after the first run)."""
    inactive = _inactive_patient(cutoff)
    has_appointments = exists().where(Appointment.patient_id == Patient.id)
    not_yet_anonymised = Patient.phone.isnot(None) | Patient.email.isnot(None)
    with write_session(clinic) as session:
        to_delete = select(Patient.id).where(inactive, ~has_appointments)
        consents_deleted = _delete(session, MessageConsent, dry_run, MessageConsent.patient_id.in_(to_delete))
        deleted = _delete(session, Patient, dry_run, inactive, ~has_appointments)
        ids = list(session.execute(select(Patient.id).where(inactive, has_appointments, not_yet_anonymised)).scalars())
        inactive_ids = select(Patient.id).where(inactive, has_appointments)
        messages, consents = _clear_recipients(session, inactive_ids, dry_run)
        if not dry_run and ids:
            _anonymise(session, ids)
    return deleted, len(ids), messages, consents, consents_deleted


def _clear_recipients(session: Session, patient_ids: Any, dry_run: bool) -> "tuple[int, int]":
    """(scheduled messages, consents) of these patients whose conversation id is replaced."""
    appointments = select(Appointment.id).where(Appointment.patient_id.in_(patient_ids))
    message_rows = (ScheduledMessage.appointment_id.in_(appointments),
                    ScheduledMessage.recipient != REMOVED_RECIPIENT)
    consent_rows = (MessageConsent.patient_id.in_(patient_ids), MessageConsent.recipient != REMOVED_RECIPIENT)
    if dry_run:
        return _count(session, ScheduledMessage, *message_rows), _count(session, MessageConsent, *consent_rows)
    messages = session.execute(
        update(ScheduledMessage).where(*message_rows)
        .values(recipient=REMOVED_RECIPIENT, updated_at=ScheduledMessage.updated_at)
        .execution_options(synchronize_session=False)
    ).rowcount
    consents = session.execute(
        update(MessageConsent).where(*consent_rows).values(recipient=REMOVED_RECIPIENT)
        .execution_options(synchronize_session=False)
    ).rowcount
    return messages, consents


def _anonymise(session: Session, patient_ids: List[int]) -> None:
    session.execute(
        update(Appointment)
        .where(Appointment.patient_id.in_(patient_ids))
        .values(idempotency_key=None, updated_at=Appointment.updated_at)  # keeps the record's own last change
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Patient)
        .where(Patient.id.in_(patient_ids))
        .values(name=REMOVED_NAME, phone=None, email=None)
        .execution_options(synchronize_session=False)
    )


# --- SMS consent --------------------------------------------------------------------------------------------------


def _purge_sms_consent(clinic: sessionmaker, cutoff: datetime, dry_run: bool) -> int:
    """Rows of numbers that opted back in (the same as no row); opt-outs stay so that a STOP is honoured."""
    if not _has_table(clinic.kw["bind"], sms_consent.name):
        return 0
    conditions = (sms_consent.c.opted_out.is_(False), sms_consent.c.updated_at < cutoff)
    return _purge(clinic, sms_consent, dry_run, *conditions)
