"""Load locations, providers, working hours and appointment types from the clinic config into the database.

Idempotent: rows are upserted by their ids, working hours are replaced by exactly the configured set, and running
it twice changes nothing. Locations and providers that left the config are marked inactive, not deleted, because
appointments still refer to them.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Dict, Iterable, Set, Tuple, Type

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.clinic import Clinic
from bot.db import models
from bot.db.session import write_session

HoursKey = Tuple[str, str, int, Any, Any]  # provider, location, weekday, start, end


def _upsert(session: Session, model: Type[Any], key: Any, values: Dict[str, Any], counts: Counter) -> None:
    row = session.get(model, key)
    if row is None:
        session.add(model(**values))
        counts[f"{model.__tablename__} inserted"] += 1
        return
    changed = {name: value for name, value in values.items() if getattr(row, name) != value}
    for name, value in changed.items():
        setattr(row, name, value)
    if changed:
        counts[f"{model.__tablename__} updated"] += 1


def _deactivate_missing(session: Session, model: Type[Any], keep: Iterable[str], counts: Counter) -> None:
    keep = set(keep)
    for row in session.execute(select(model).where(model.active.is_(True))).scalars():
        if row.id not in keep:
            row.active = False
            counts[f"{model.__tablename__} deactivated"] += 1


def _seed_locations(session: Session, clinic: Clinic, counts: Counter) -> None:
    for loc in clinic.locations:
        values = dict(id=loc.id, name=loc.name, address=loc.address, phone=loc.phone, timezone=loc.timezone)
        _upsert(session, models.Location, loc.id, {**values, "active": True}, counts)
    _deactivate_missing(session, models.Location, (loc.id for loc in clinic.locations), counts)


def _seed_providers(session: Session, clinic: Clinic, counts: Counter) -> None:
    for provider in clinic.providers:
        values = dict(id=provider.id, name=provider.name, credentials=provider.credentials, active=True)
        _upsert(session, models.Provider, provider.id, values, counts)
    _deactivate_missing(session, models.Provider, (p.id for p in clinic.providers), counts)


def _configured_hours(clinic: Clinic) -> Set[HoursKey]:
    return {
        (provider.id, location_id, weekday, start, end)
        for provider in clinic.providers
        for location_id, weekly in provider.working_hours.items()
        for weekday, (start, end) in weekly.items()
    }


def _seed_working_hours(session: Session, clinic: Clinic, counts: Counter) -> None:
    wanted = _configured_hours(clinic)
    existing = session.execute(select(models.WorkingHours)).scalars().all()
    have = set()
    for row in existing:
        key = (row.provider_id, row.location_id, row.weekday, row.start_local, row.end_local)
        if key in wanted and key not in have:
            have.add(key)
        else:
            session.delete(row)
            counts["working_hours deleted"] += 1
    session.flush()  # deletes first, so a changed end time does not collide with the unique constraint
    for provider_id, location_id, weekday, start, end in sorted(wanted - have):
        session.add(
            models.WorkingHours(
                provider_id=provider_id, location_id=location_id, weekday=weekday, start_local=start, end_local=end
            )
        )
        counts["working_hours inserted"] += 1


def _seed_appointment_types(session: Session, clinic: Clinic, counts: Counter) -> None:
    for kind in clinic.appointment_types.values():
        values = dict(
            name=kind.name, minutes=kind.minutes, buffer_before=kind.buffer_before, buffer_after=kind.buffer_after
        )
        _upsert(session, models.AppointmentType, kind.name, values, counts)


def seed(session_factory: sessionmaker, clinic: Clinic) -> Dict[str, int]:
    """Upsert the clinic's reference data in one transaction; returns counts of what changed (empty: nothing)."""
    counts: Counter = Counter()
    with write_session(session_factory) as session:
        _seed_locations(session, clinic, counts)
        _seed_providers(session, clinic, counts)
        session.flush()
        _seed_working_hours(session, clinic, counts)
        _seed_appointment_types(session, clinic, counts)
    return dict(counts)


def migrate_and_seed(url: str, clinic: Clinic) -> None:
    """Migrates the database at `url` to the latest revision and seeds it from `clinic`."""
    from bot.db.session import Database

    database = Database(url)
    try:
        database.upgrade()
        seed(database.sessions, clinic)
    finally:
        database.dispose()
