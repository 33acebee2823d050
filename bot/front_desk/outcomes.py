"""Marking a visit attended or no-show. Only a kept visit (not cancelled, not moved) can be marked, from its own day
on; marking it again corrects the outcome, and the audit log keeps who recorded what, and when."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.booking import describe, normalize_reference
from bot.db.handoff_models import StaffAccount
from bot.db.models import CANCELLED, OUTCOMES, RESCHEDULED, Appointment, AppointmentOutcome, AuditEvent
from bot.db.session import write_session
from bot.front_desk.day import is_markable
from bot.front_desk.errors import CannotMark, NoSuchAppointment, NoSuchStaff

log = logging.getLogger(__name__)

OUTCOME_LABELS = {"attended": "attended", "no_show": "no-show"}


@dataclass(frozen=True)
class MarkedOutcome:
    reference: str
    outcome: str  # attended | no_show
    previous: Optional[str]  # the outcome it replaced, if any
    staff: str  # username
    when_text: str  # the visit's local date and time

    @property
    def changed(self) -> bool:
        return self.previous != self.outcome

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self.outcome]


def _staff_username(session: Session, staff: str) -> str:
    username = (staff or "").strip().lower()
    found = session.execute(
        select(StaffAccount.username).where(StaffAccount.username == username, StaffAccount.active.is_(True))
    ).scalar_one_or_none()
    if found is None:
        raise NoSuchStaff(f"No active staff account is named {username!r}: add one with "
                          f"`python -m bot staff add {username or 'USERNAME'}`.")
    return found


def _locked_appointment(session: Session, reference: str) -> Appointment:
    code = normalize_reference(reference)
    appointment = session.execute(
        select(Appointment).where(Appointment.reference == code).with_for_update(of=Appointment)
    ).scalar_one_or_none()
    if appointment is None:
        raise NoSuchAppointment(f"No appointment has the reference {code or reference!r}.")
    return appointment


def _new_reference(session: Session, moved: Appointment) -> Optional[str]:
    return session.execute(
        select(Appointment.reference).where(Appointment.rescheduled_from_id == moved.id)
    ).scalar_one_or_none()


def _refusal(session: Session, appointment: Appointment) -> str:
    reference = appointment.reference
    if appointment.status == CANCELLED:
        return f"{reference} was cancelled: only a visit that was kept can be marked attended or no-show."
    if appointment.status == RESCHEDULED:
        moved_to = _new_reference(session, appointment)
        return f"{reference} was moved to another time: mark its new booking{f' {moved_to}' if moved_to else ''}."
    return (f"{reference} is on {describe(appointment).when_text}, which has not come yet: a visit can be marked "
            f"from its own day on.")


def _store(session: Session, appointment: Appointment, outcome: str, previous: Optional[str], username: str,
           now: datetime) -> None:
    if appointment.outcome is None:
        appointment.outcome = AppointmentOutcome(outcome=outcome, staff_username=username, recorded_at=now)
    else:  # a correction replaces the outcome; the audit event below keeps the earlier one
        appointment.outcome.outcome = outcome
        appointment.outcome.staff_username = username
        appointment.outcome.recorded_at = now
    session.add(AuditEvent(appointment_id=appointment.id, actor=f"staff:{username}", action=outcome, at=now,
                           before={"outcome": previous}, after={"outcome": outcome}))


def record_outcome(sessions: sessionmaker, reference: str, outcome: str, staff: str,
                   now: Optional[datetime] = None) -> MarkedOutcome:
    """Marks the visit with `reference` attended or no_show, recorded as `staff` (an active staff account's
    username). The same outcome again changes nothing. Raises NoSuchStaff, NoSuchAppointment or CannotMark."""
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of {OUTCOMES}")
    now = now or datetime.now(timezone.utc)
    with write_session(sessions) as session:
        username = _staff_username(session, staff)
        appointment = _locked_appointment(session, reference)
        if not is_markable(appointment, now):
            raise CannotMark(_refusal(session, appointment))
        previous = appointment.outcome.outcome if appointment.outcome else None
        if previous != outcome:
            _store(session, appointment, outcome, previous, username, now)
        marked = MarkedOutcome(appointment.reference, outcome, previous, username, describe(appointment).when_text)
    if marked.changed:
        log.info("appointment outcome recorded id=%s outcome=%s corrected=%s", appointment.id, outcome,
                 previous is not None)
    return marked
