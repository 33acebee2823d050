import dataclasses
from datetime import time

import pytest
from sqlalchemy import select

from bot.clinic import Clinic
from bot.db import Database
from bot.db.migrate import upgrade
from bot.db.models import AppointmentType, Location, Provider, WorkingHours
from bot.db.seed import seed


@pytest.fixture
def database(empty_db_url: str):
    upgrade(empty_db_url)
    database = Database(empty_db_url)
    yield database
    database.dispose()


def _snapshot(database: Database) -> dict:
    with database.session() as session:
        return {
            model.__tablename__: sorted(
                tuple(getattr(row, column.key) for column in model.__table__.columns if column.key != "id")
                for row in session.execute(select(model)).scalars()
            )
            for model in (Location, Provider, WorkingHours, AppointmentType)
        }


def test_seed_loads_the_clinic_and_a_second_run_changes_nothing(database: Database, clinic: Clinic) -> None:
    first = seed(database.sessions, clinic)
    assert first["locations inserted"] == len(clinic.locations)
    assert first["providers inserted"] == len(clinic.providers)
    assert first["appointment_types inserted"] == len(clinic.appointment_types)
    before = _snapshot(database)
    assert seed(database.sessions, clinic) == {}
    assert _snapshot(database) == before
    hours = before["working_hours"]
    assert ("dr-rivera", "austin", 0, time(9), time(17)) in hours
    assert len(hours) == sum(len(days) for p in clinic.providers for days in p.working_hours.values())


def test_seed_follows_edits_of_the_config(database: Database, clinic: Clinic) -> None:
    seed(database.sessions, clinic)
    rivera = clinic.provider("dr-rivera")
    edited_rivera = dataclasses.replace(rivera, working_hours={"austin": {0: (time(8), time(12))}})
    edited = dataclasses.replace(
        clinic, providers=[edited_rivera] + [p for p in clinic.providers if p.id not in ("dr-rivera", "dr-patel")]
    )
    changes = seed(database.sessions, edited)
    assert changes["providers deactivated"] == 1
    assert changes["working_hours inserted"] == 1
    with database.session() as session:
        assert session.get(Provider, "dr-patel").active is False
        rows = session.execute(select(WorkingHours).where(WorkingHours.provider_id == "dr-rivera")).scalars().all()
    assert [(r.location_id, r.weekday, r.start_local, r.end_local) for r in rows] == [("austin", 0, time(8), time(12))]
    assert seed(database.sessions, edited) == {}
