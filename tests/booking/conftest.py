"""Fixtures for the booking tests: a migrated, seeded database per test on SQLite (a file) and on PostgreSQL
(copied from a template database made once per run; skipped if PostgreSQL is unreachable)."""

import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Iterator
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import inspect

from bot.booking import BookingRequest
from bot.clinic import Clinic, load_clinic
from bot.db import Database
from bot.db.seed import migrate_and_seed
from bot.db.testing import postgres_unavailable, sqlite_url, temporary_postgres_database
from bot.scheduling.availability import Slot

MUTABLE_TABLES = ("audit_events", "appointments", "patients", "schedule_exceptions", "lookup_failures")
CHICAGO = ZoneInfo("America/Chicago")
# Monday 2 March 2026, 07:00 in Austin: Dr. Rivera works in Austin on Mondays 09:00-17:00.
NOW = datetime(2026, 3, 2, 7, 0, tzinfo=CHICAGO).astimezone(timezone.utc)


@pytest.fixture(scope="session")
def clinic() -> Clinic:
    return load_clinic()


@pytest.fixture(scope="session")
def postgres_session_database(clinic: Clinic) -> Iterator[Database]:
    reason = postgres_unavailable()
    if reason:
        pytest.skip(reason)
    with temporary_postgres_database() as url:
        migrate_and_seed(url, clinic)
        database = Database(url, pool_size=25, max_overflow=5)
        yield database
        database.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory, clinic: Clinic) -> Path:
    path = tmp_path_factory.mktemp("template") / "clinic.db"
    migrate_and_seed(sqlite_url(path), clinic)
    return path


@pytest.fixture
def sqlite_database(tmp_path: Path, sqlite_template: Path) -> Iterator[Database]:
    path = tmp_path / "clinic.db"
    shutil.copyfile(sqlite_template, path)
    database = Database(sqlite_url(path))
    yield database
    database.dispose()


@pytest.fixture
def postgres_database(postgres_session_database: Database) -> Iterator[Database]:
    """One PostgreSQL database per run (creating one per test is slow); each test starts with no bookings and no
    SMS opt-outs."""
    yield postgres_session_database
    with postgres_session_database.engine.begin() as connection:
        connection.exec_driver_sql(f"TRUNCATE {', '.join(MUTABLE_TABLES)} RESTART IDENTITY CASCADE")
        forget_sms_opt_outs(connection)


def forget_sms_opt_outs(connection) -> None:
    """Empties `sms_consent` (bot/channels/sms_consent.py creates it on first use, outside the migrations)."""
    from bot.channels.sms_consent import sms_consent

    if inspect(connection).has_table(sms_consent.name):
        connection.execute(sms_consent.delete())


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest) -> Database:
    return request.getfixturevalue(f"{request.param}_database")


@pytest.fixture
def now() -> datetime:
    return NOW


def austin(hour: int, minute: int = 0, day: int = 2) -> datetime:
    """A time in Austin in March 2026 (day 2 is a Monday), as UTC."""
    return datetime(2026, 3, day, hour, minute, tzinfo=CHICAGO).astimezone(timezone.utc)


def rivera_slot(hour: int, minute: int = 0, day: int = 2, minutes: int = 30) -> Slot:
    start = austin(hour, minute, day)
    return Slot("dr-rivera", "austin", start, start + timedelta(minutes=minutes))


@pytest.fixture
def make_request() -> Callable[..., BookingRequest]:
    counter = iter(range(1_000_000))

    def make(slot: Slot, key: str = "", **overrides) -> BookingRequest:
        values = dict(
            slot=slot,
            patient_name="Jamie Example",
            phone="(512) 555-0134",
            email="Jamie@Example.com",
            is_returning=False,
            source_channel="web",
            idempotency_key=key or f"key-{next(counter)}",
            policy_version="2026-01",
            policy_accepted_at=NOW,
        )
        values.update(overrides)
        return BookingRequest(**values)

    return make


@pytest.fixture
def at() -> Callable[..., datetime]:
    """at(hour, minute=0, day=2): a time in Austin in March 2026 as UTC."""
    return austin


@pytest.fixture
def rivera() -> Callable[..., Slot]:
    """rivera(hour, minute=0, day=2, minutes=30): a consultation slot of Dr. Rivera's in Austin."""
    return rivera_slot
