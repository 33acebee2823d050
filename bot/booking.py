"""Booking services: open slots, book, look up, cancel and reschedule consultations (SQLAlchemy + the engine).

Double booking is refused by the database, never by a check made outside the write transaction: on PostgreSQL by
the exclusion constraint on each provider's holds (visit plus buffers), on SQLite by re-checking inside a
`BEGIN IMMEDIATE` transaction (which holds the write lock), backed by a partial unique index. Every change writes an
AuditEvent. Logs carry ids only, never a patient's name or contact.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Sequence, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, sessionmaker

from bot.contact import email_normalized, phone_e164
from bot.db import models
from bot.db.models import BOOKED, CANCELLED, RESCHEDULED, Appointment
from bot.db.session import write_session
from bot.privacy import pseudonym
from bot.reminders import schedule as reminders

if TYPE_CHECKING:  # the engine is only needed by open_slots, imported there
    from bot.clinic import Clinic
    from bot.scheduling.availability import Interval, Slot

log = logging.getLogger(__name__)

REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I
REFERENCE_LENGTH = 8
REFERENCE_ATTEMPTS = 5
DEFAULT_PHONE_REGION = "US"
T = TypeVar("T")


class BookingError(Exception):
    """Base of the errors a conversation can explain to the patient."""


class SlotTaken(BookingError):
    """The time overlaps another active appointment of that provider (buffers included); nothing was booked."""


class BookingNotFound(BookingError):
    """No appointment with that reference (and contact, when one was given)."""


class NotChangeable(BookingError):
    """The appointment is no longer booked (already cancelled, rescheduled or completed)."""


class InvalidContact(BookingError, ValueError):
    """Neither a usable phone number nor a valid e-mail address was given."""


class LookupBlocked(BookingError):
    """Too many failed look-ups from this requester recently; try again later or talk to staff."""


# --- contact details and reference codes ------------------------------------------------------------------------


def normalize_phone(text: str, region: str = DEFAULT_PHONE_REGION) -> str:
    """E.164 form of a phone number ("(512) 555-0134" -> "+15125550134"); raises InvalidContact."""
    number = phone_e164(text, region)
    if number is None:
        raise InvalidContact("not a phone number")
    return number


def normalize_email(text: str) -> str:
    address = email_normalized(text)
    if address is None:
        raise InvalidContact("not an e-mail address")
    return address


def normalize_contact(text: str) -> Dict[str, str]:
    """{"email": ...} or {"phone": ...} for what a patient typed; raises InvalidContact."""
    return {"email": normalize_email(text)} if "@" in text else {"phone": normalize_phone(text)}


def new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def normalize_reference(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


# --- requests and results ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BookingRequest:
    slot: "Slot"  # provider_id, location_id, start, end (UTC)
    patient_name: str
    phone: Optional[str]
    email: Optional[str]
    is_returning: bool
    source_channel: str  # "web", "sms", ...
    idempotency_key: str
    policy_version: Optional[str]
    policy_accepted_at: Optional[datetime]
    appointment_type: str = "consultation"
    actor: Optional[str] = None  # default "assistant:<source_channel>"
    delivery: Optional[reminders.Delivery] = None  # reminders go to this conversation (none without it)


@dataclass(frozen=True)
class BookingResult:
    """What a confirmation needs. `created` is False when an idempotent retry returned an existing booking."""

    reference: str
    status: str
    appointment_type: str
    start_utc: datetime
    end_utc: datetime
    timezone: str
    location_id: str
    location_name: str
    location_address: str
    provider_id: str
    provider_name: str
    provider_credentials: str
    policy_version: Optional[str]
    created: bool = True
    late_cancel: bool = False  # cancelled or moved inside the cancellation window before the start

    @property
    def local_start(self) -> datetime:
        return self.start_utc.astimezone(ZoneInfo(self.timezone))

    @property
    def local_end(self) -> datetime:
        return self.end_utc.astimezone(ZoneInfo(self.timezone))

    @property
    def when_text(self) -> str:
        """E.g. "Tuesday, March 3, 2026 at 10:00 AM CST (America/Chicago)"."""
        local = self.local_start
        clock = local.strftime("%I:%M %p").lstrip("0")
        return f"{local:%A, %B} {local.day}, {local.year} at {clock} {local.tzname()} ({self.timezone})"


def describe(appointment: Appointment, created: bool = True) -> BookingResult:
    """A BookingResult for an appointment (its location and provider are loaded if needed)."""
    return BookingResult(
        reference=appointment.reference,
        status=appointment.status,
        appointment_type=appointment.appointment_type,
        start_utc=appointment.start_utc,
        end_utc=appointment.end_utc,
        timezone=appointment.location.timezone,
        location_id=appointment.location_id,
        location_name=appointment.location.name,
        location_address=appointment.location.address,
        provider_id=appointment.provider_id,
        provider_name=appointment.provider.name,
        provider_credentials=appointment.provider.credentials,
        policy_version=appointment.policy_version,
        created=created,
        late_cancel=bool(appointment.late_cancel),
    )


# --- open slots ---------------------------------------------------------------------------------------------------


def _provider_weeks(session: Session, clinic: "Clinic") -> list:
    """Working hours from the database, clipped to each location's opening hours in the clinic config."""
    from bot.scheduling.availability import ProviderWeek, _clip_week

    rows = session.execute(
        select(models.WorkingHours, models.Location.timezone)
        .join(models.Location)
        .join(models.Provider)
        .where(models.Location.active.is_(True), models.Provider.active.is_(True))
        .order_by(models.WorkingHours.provider_id, models.WorkingHours.location_id, models.WorkingHours.weekday)
    ).all()
    weekly: Dict[tuple, Dict[int, tuple]] = {}
    for hours, tz in rows:
        days = weekly.setdefault((hours.provider_id, hours.location_id, tz), {})
        days[hours.weekday] = (hours.start_local, hours.end_local)
    opening = {loc.id: loc.opening_hours for loc in clinic.locations}
    return [
        ProviderWeek(provider, location, tz, _clip_week(days, opening.get(location, {})))
        for (provider, location, tz), days in weekly.items()
    ]


def _exceptions(session: Session, start: datetime, end: datetime) -> list:
    from bot.scheduling.availability import ScheduleException

    rows = session.execute(
        select(models.ScheduleException).where(
            models.ScheduleException.start_utc < end, models.ScheduleException.end_utc > start
        )
    ).scalars()
    return [ScheduleException(r.start_utc, r.end_utc, r.kind, r.provider_id, r.location_id) for r in rows]


def _booked(session: Session, start: datetime, end: datetime, rules: Any) -> list:
    """Active appointments for the engine, which widens each by the searched type's buffers: passing the hold
    narrowed by those buffers makes the engine's busy time exactly the hold the database enforces."""
    from bot.scheduling.availability import Booked

    rows = session.execute(
        select(Appointment.provider_id, Appointment.hold_start_utc, Appointment.hold_end_utc).where(
            Appointment.status == BOOKED, Appointment.hold_start_utc < end, Appointment.hold_end_utc > start
        )
    ).all()
    return [
        Booked(provider_id, hold_start + rules.buffer_before, hold_end - rules.buffer_after)
        for provider_id, hold_start, hold_end in rows
    ]


def open_slots(
    session: Session,
    clinic: "Clinic",
    window: "Interval",
    now: datetime,
    location_ids: Optional[Sequence[str]] = None,
    provider_ids: Optional[Sequence[str]] = None,
    limit: Optional[int] = None,
    appointment_type: str = "consultation",
) -> List["Slot"]:
    """Bookable slots starting in `window`: working hours from the database, less exceptions and bookings."""
    from bot.scheduling.availability import BookingRules, find_open_slots

    rules = BookingRules.for_appointment(clinic, appointment_type)
    margin = timedelta(days=1)  # bookings and exceptions reaching into the window from outside it
    start, end = window.start - margin, window.end + margin
    return find_open_slots(
        _provider_weeks(session, clinic),
        _booked(session, start, end, rules),
        _exceptions(session, start, end),
        rules,
        now,
        window,
        provider_ids=provider_ids,
        location_ids=location_ids,
        limit=limit,
    )


def _still_offered(session: Session, clinic: "Clinic", slot: "Slot", kind: str, now: datetime) -> bool:
    from bot.scheduling.availability import Interval

    window = Interval(slot.start, slot.start + timedelta(seconds=1))
    offered = open_slots(session, clinic, window, now, [slot.location_id], [slot.provider_id], None, kind)
    return any(o.start == slot.start and o.end == slot.end for o in offered)


# --- booking --------------------------------------------------------------------------------------------------


def _contact_of(request: BookingRequest) -> Dict[str, Optional[str]]:
    phone = normalize_phone(request.phone) if request.phone else None
    email = normalize_email(request.email) if request.email else None
    if not (phone or email):
        raise InvalidContact("a phone number or an e-mail address is needed")
    return {"phone": phone, "email": email}


def _patient_for(session: Session, request: BookingRequest, contact: Dict[str, Optional[str]]) -> models.Patient:
    same = [
        (getattr(models.Patient, key) == value) if value else getattr(models.Patient, key).is_(None)
        for key, value in contact.items()
    ]
    query = select(models.Patient).where(*same, models.Patient.name == request.patient_name.strip())
    patient = session.execute(query.order_by(models.Patient.id).limit(1)).scalar_one_or_none()
    if patient is None:
        patient = models.Patient(name=request.patient_name.strip(), is_returning=request.is_returning, **contact)
        session.add(patient)
    elif request.is_returning and not patient.is_returning:
        patient.is_returning = True
    return patient


def _hold(appointment_type: models.AppointmentType, start: datetime, end: datetime) -> tuple:
    return (
        start - timedelta(minutes=appointment_type.buffer_before),
        end + timedelta(minutes=appointment_type.buffer_after),
    )


def _overlaps_booking(session: Session, provider_id: str, hold: tuple) -> bool:
    query = select(Appointment.id).where(
        Appointment.provider_id == provider_id,
        Appointment.status == BOOKED,
        Appointment.hold_start_utc < hold[1],
        Appointment.hold_end_utc > hold[0],
    )
    return session.execute(query.limit(1)).first() is not None


def _snapshot(appointment: Appointment) -> Dict[str, Any]:
    """What the audit log keeps of an appointment: ids, status and times, no contact data."""
    return {
        "id": appointment.id,
        "status": appointment.status,
        "patient_id": appointment.patient_id,
        "provider_id": appointment.provider_id,
        "location_id": appointment.location_id,
        "appointment_type": appointment.appointment_type,
        "start_utc": appointment.start_utc.isoformat(),
        "end_utc": appointment.end_utc.isoformat(),
        "rescheduled_from_id": appointment.rescheduled_from_id,
    }


def _audit(session: Session, appointment: Appointment, actor: str, action: str, before: Optional[dict]) -> None:
    session.add(
        models.AuditEvent(
            appointment_id=appointment.id, actor=actor, action=action, before=before, after=_snapshot(appointment)
        )
    )


def _by_idempotency_key(session: Session, key: Optional[str]) -> Optional[Appointment]:
    if not key:
        return None
    return session.execute(select(Appointment).where(Appointment.idempotency_key == key)).scalar_one_or_none()


def _check_slot(slot: "Slot", now: datetime) -> None:
    if slot.end <= slot.start:
        raise ValueError("a slot must end after it starts")
    if slot.start <= now:
        raise SlotTaken("that time has passed")


def _appointment_type(session: Session, name: str) -> models.AppointmentType:
    kind = session.get(models.AppointmentType, name)
    if kind is None:
        raise ValueError(f"unknown appointment type {name!r}; run `python -m bot db seed`")
    return kind


def _check_place(session: Session, slot: "Slot") -> None:
    works_there = select(models.WorkingHours.id).where(
        models.WorkingHours.provider_id == slot.provider_id, models.WorkingHours.location_id == slot.location_id
    )
    provider = session.get(models.Provider, slot.provider_id)
    location = session.get(models.Location, slot.location_id)
    if not (provider and provider.active and location and location.active):
        raise ValueError("unknown or inactive provider or location")
    if session.execute(works_there.limit(1)).first() is None:
        raise ValueError("the provider does not work at that location")


def _check_free(
    session: Session, slot: "Slot", hold: tuple, kind: str, clinic: Optional["Clinic"], now: datetime
) -> None:
    """Inside the write transaction: no overlapping booking, and (given the clinic) still an offered slot."""
    if _overlaps_booking(session, slot.provider_id, hold):
        raise SlotTaken("that time was just taken")
    if clinic is not None and not _still_offered(session, clinic, slot, kind, now):
        raise SlotTaken("that time is no longer offered")


def _insert_booking(
    session: Session, request: BookingRequest, now: datetime, clinic: Optional["Clinic"]
) -> BookingResult:
    existing = _by_idempotency_key(session, request.idempotency_key)
    if existing is not None:
        return describe(existing, created=False)
    slot = request.slot
    _check_place(session, slot)
    hold = _hold(_appointment_type(session, request.appointment_type), slot.start, slot.end)
    _check_free(session, slot, hold, request.appointment_type, clinic, now)
    appointment = Appointment(
        reference=new_reference(),
        status=BOOKED,
        patient=_patient_for(session, request, _contact_of(request)),
        provider_id=slot.provider_id,
        location_id=slot.location_id,
        appointment_type=request.appointment_type,
        start_utc=slot.start,
        end_utc=slot.end,
        hold_start_utc=hold[0],
        hold_end_utc=hold[1],
        source_channel=request.source_channel,
        idempotency_key=request.idempotency_key,
        policy_version=request.policy_version,
        policy_accepted_at=request.policy_accepted_at,
    )
    session.add(appointment)
    session.flush()  # the database's constraints decide here
    _audit(session, appointment, request.actor or f"assistant:{request.source_channel}", "book", None)
    reminders.on_booked(session, appointment, request.delivery, now)
    return describe(appointment)


def _is_reference_clash(error: IntegrityError) -> bool:
    text = str(error.orig).lower()
    return "reference" in text and "idempotency" not in text


def _with_retries(attempt: Callable[[], T], replay: Callable[[], Optional[T]]) -> T:
    """Runs a write transaction; a clash of random reference codes retries; any other refusal is either an
    idempotent replay (a request with the same key committed meanwhile) or SlotTaken."""
    for _ in range(REFERENCE_ATTEMPTS):
        try:
            return attempt()
        except IntegrityError as error:
            if _is_reference_clash(error):
                continue
            refusal: Exception = SlotTaken("that time was just taken")
        except SlotTaken as error:  # on PostgreSQL a retry may see its own twin committed mid-transaction
            refusal = error
        found = replay()
        if found is not None:
            return found
        raise refusal from None
    raise RuntimeError("could not draw an unused reference code")


def _replay(session_factory: sessionmaker, key: Optional[str]) -> Optional[BookingResult]:
    with session_factory() as session:
        existing = _by_idempotency_key(session, key)
        return describe(existing, created=False) if existing is not None else None


def book_consultation(
    session_factory: sessionmaker,
    request: BookingRequest,
    now: Optional[datetime] = None,
    clinic: Optional["Clinic"] = None,
) -> BookingResult:
    """Books `request.slot`, or raises SlotTaken with nothing booked. The same idempotency key books once.

    With `clinic`, the slot must also still be offered (working hours, exceptions, notice, horizon), checked
    inside the write transaction; without it only overlapping bookings refuse it.
    """
    now = now or datetime.now(timezone.utc)
    _check_slot(request.slot, now)
    _contact_of(request)  # InvalidContact before any database work

    def attempt() -> BookingResult:
        with write_session(session_factory) as session:
            return _insert_booking(session, request, now, clinic)

    result = _with_retries(attempt, lambda: _replay(session_factory, request.idempotency_key))
    if result.created:
        log.info("booked appointment provider=%s location=%s", result.provider_id, result.location_id)
    return result


# --- finding, cancelling, rescheduling --------------------------------------------------------------------------



def book_again_if_cancelled(
    session_factory: sessionmaker,
    request: BookingRequest,
    now: Optional[datetime] = None,
    clinic: Optional["Clinic"] = None,
) -> BookingResult:
    """`book_consultation` for a conversation: the same conversation booking the same time again after cancelling
    it books anew (the idempotency key alone would return the cancelled booking); a retry still books once."""
    result = book_consultation(session_factory, request, now=now, clinic=clinic)
    if result.created or result.status == BOOKED:
        return result
    again = replace(request, idempotency_key=pseudonym(f"{request.idempotency_key}\x1f{result.reference}"))
    return book_consultation(session_factory, again, now=now, clinic=clinic)

def _contact_filter(contact: str) -> Any:
    try:
        normalized = normalize_contact(contact)
    except InvalidContact:
        return None
    if "email" in normalized:
        return models.Patient.email == normalized["email"]
    return models.Patient.phone == normalized["phone"]


def _find(session: Session, reference: str, contact: Optional[str], for_update: bool = False) -> Optional[Appointment]:
    query = select(Appointment).where(Appointment.reference == normalize_reference(reference))
    if contact is not None:
        match = _contact_filter(contact)
        if match is None:
            return None
        query = query.join(models.Patient, Appointment.patient_id == models.Patient.id).where(match)
    if for_update:
        query = query.with_for_update(of=Appointment)
    return session.execute(
        query.options(joinedload(Appointment.location), joinedload(Appointment.provider))
    ).scalar_one_or_none()


def find_booking(session: Session, reference: str, phone_or_email: str) -> Optional[Appointment]:
    """The appointment with that reference if the contact matches its patient; None otherwise (a wrong code and
    a wrong contact are indistinguishable). Any status is returned: check `.status`."""
    return _find(session, reference, phone_or_email)


def _requester_key(requester: str) -> str:
    return pseudonym(requester)


@dataclass(frozen=True)
class LookupLimiter:
    """At most `max_failures` failed look-ups per requester (conversation or sender id) in a sliding `window`.

    Kept in the database (table lookup_failures, requester as a keyed pseudonym) so every action-server worker
    sees the same counts.
    """

    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)

    def blocked(self, session: Session, requester: str, now: datetime) -> bool:
        query = select(func.count(models.LookupFailure.id)).where(
            models.LookupFailure.requester == _requester_key(requester), models.LookupFailure.at > now - self.window
        )
        return session.execute(query).scalar_one() >= self.max_failures

    def record_failure(self, session: Session, requester: str, now: datetime) -> None:
        session.execute(delete(models.LookupFailure).where(models.LookupFailure.at <= now - self.window))
        session.add(models.LookupFailure(requester=_requester_key(requester), at=now))


def lookup_booking(
    session_factory: sessionmaker,
    reference: str,
    phone_or_email: str,
    requester: str,
    limiter: LookupLimiter = LookupLimiter(),
    now: Optional[datetime] = None,
) -> Optional[BookingResult]:
    """find_booking behind the limiter: raises LookupBlocked once `requester` has failed too often."""
    now = now or datetime.now(timezone.utc)
    with write_session(session_factory) as session:
        if limiter.blocked(session, requester, now):
            raise LookupBlocked("too many attempts")
        appointment = find_booking(session, reference, phone_or_email)
        if appointment is None:
            limiter.record_failure(session, requester, now)
            return None
        return describe(appointment, created=False)


def is_late_cancel(start_utc: datetime, now: datetime, window: timedelta) -> bool:
    """Giving up a visit less than `window` before its start (or after it) is late; exactly `window` before is not."""
    return start_utc - now < window


def _cancellation_window(clinic: Optional["Clinic"]) -> timedelta:
    if clinic is None:
        from bot.clinic import clinic as this_clinic

        clinic = this_clinic()
    return clinic.cancellation_window


def _give_up_slot(appointment: Appointment, status: str, now: datetime, window: timedelta) -> None:
    """Cancelled or moved away at `now`: a late cancel when that is inside the cancellation window."""
    appointment.status = status
    appointment.cancelled_at = now
    appointment.late_cancel = is_late_cancel(appointment.start_utc, now, window)


def _changeable(session: Session, reference: str, contact: Optional[str]) -> Appointment:
    appointment = _find(session, reference, contact, for_update=True)
    if appointment is None:
        raise BookingNotFound("no such booking")
    if appointment.status != BOOKED:
        raise NotChangeable(f"the appointment is {appointment.status}")
    return appointment


def cancel_appointment(
    session_factory: sessionmaker,
    reference: str,
    actor: str,
    reason: Optional[str] = None,
    contact: Optional[str] = None,
    now: Optional[datetime] = None,
    clinic: Optional["Clinic"] = None,
) -> BookingResult:
    """Cancels a booked appointment (checking `contact` when given), a late cancel inside the clinic's cancellation
    window (`clinic`, else the process's clinic). Raises BookingNotFound or NotChangeable."""
    now = now or datetime.now(timezone.utc)
    window = _cancellation_window(clinic)
    with write_session(session_factory) as session:
        appointment = _changeable(session, reference, contact)
        before = _snapshot(appointment)
        _give_up_slot(appointment, CANCELLED, now, window)
        appointment.cancel_reason = reason
        session.flush()
        _audit(session, appointment, actor, "cancel", before)
        reminders.on_cancelled(session, appointment.id)
        result = describe(appointment)
    log.info("cancelled appointment id=%s by %s late=%s", before["id"], actor, result.late_cancel)
    return result


def _moved(old: Appointment, slot: "Slot", hold: tuple, key: Optional[str]) -> Appointment:
    return Appointment(
        reference=new_reference(),
        status=BOOKED,
        patient_id=old.patient_id,
        provider_id=slot.provider_id,
        location_id=slot.location_id,
        appointment_type=old.appointment_type,
        start_utc=slot.start,
        end_utc=slot.end,
        hold_start_utc=hold[0],
        hold_end_utc=hold[1],
        source_channel=old.source_channel,
        idempotency_key=key,
        policy_version=old.policy_version,
        policy_accepted_at=old.policy_accepted_at,
        rescheduled_from_id=old.id,
    )


@dataclass(frozen=True)
class _Move:
    reference: str
    slot: "Slot"
    actor: str
    contact: Optional[str]
    key: Optional[str]
    clinic: Optional["Clinic"]
    now: datetime
    window: timedelta


def _reschedule(session: Session, move: _Move) -> BookingResult:
    reference, slot, actor, contact, key = move.reference, move.slot, move.actor, move.contact, move.key
    existing = _by_idempotency_key(session, key)
    if existing is not None:
        return describe(existing, created=False)
    old = _changeable(session, reference, contact)
    _check_place(session, slot)
    before = _snapshot(old)
    hold = _hold(old.type, slot.start, slot.end)
    _give_up_slot(old, RESCHEDULED, move.now, move.window)  # same transaction: freed only when the new one is held
    session.flush()
    _check_free(session, slot, hold, old.appointment_type, move.clinic, move.now)
    new = _moved(old, slot, hold, key)
    session.add(new)
    session.flush()
    _audit(session, old, actor, "reschedule", before)
    _audit(session, new, actor, "book", None)
    reminders.on_rescheduled(session, old, new, move.now)
    return describe(new)


def reschedule_appointment(
    session_factory: sessionmaker,
    reference: str,
    new_slot: "Slot",
    actor: str,
    contact: Optional[str] = None,
    idempotency_key: Optional[str] = None,
    now: Optional[datetime] = None,
    clinic: Optional["Clinic"] = None,
) -> BookingResult:
    """Moves a booking to `new_slot` in one transaction: the new appointment (new reference, linked by
    rescheduled_from_id) is booked and the old one marked rescheduled together, a late cancel when moved inside the
    cancellation window. On SlotTaken the old booking is left exactly as it was."""
    now = now or datetime.now(timezone.utc)
    _check_slot(new_slot, now)
    move = _Move(reference, new_slot, actor, contact, idempotency_key, clinic, now, _cancellation_window(clinic))

    def attempt() -> BookingResult:
        with write_session(session_factory) as session:
            return _reschedule(session, move)

    result = _with_retries(attempt, lambda: _replay(session_factory, idempotency_key))
    log.info("rescheduled appointment to provider=%s by %s", result.provider_id, actor)
    return result
