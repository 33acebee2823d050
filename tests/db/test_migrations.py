import warnings
from datetime import datetime, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import IntegrityError

from bot.db.migrate import current_revision, downgrade, head_revision, model_metadata, upgrade

TABLES = {
    "appointment_outcomes",
    "scheduled_messages",
    "message_consents",
    "locations",
    "providers",
    "working_hours",
    "appointment_types",
    "schedule_exceptions",
    "patients",
    "appointments",
    "audit_events",
    "lookup_failures",
}


def _tables(url: str) -> set:
    engine = create_engine(url, future=True)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_creates_every_table_and_downgrade_removes_them(empty_db_url: str) -> None:
    upgrade(empty_db_url)
    assert current_revision(empty_db_url) == head_revision()
    assert TABLES <= _tables(empty_db_url)
    downgrade(empty_db_url)
    assert _tables(empty_db_url) == set()
    upgrade(empty_db_url)  # and back up again
    assert TABLES <= _tables(empty_db_url)


def test_migrated_schema_matches_the_models(empty_db_url: str) -> None:
    upgrade(empty_db_url)
    engine = create_engine(empty_db_url, future=True)
    with engine.connect() as connection, warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Skipped unsupported reflection")  # the exclusion constraint
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, model_metadata())
    engine.dispose()
    assert differences == []


def test_postgres_has_the_exclusion_constraint(postgres_db_url: str) -> None:
    upgrade(postgres_db_url)
    engine = create_engine(postgres_db_url, future=True)
    with engine.connect() as connection:
        kinds = dict(connection.execute(text("SELECT conname, contype FROM pg_constraint")).all())
        extensions = set(connection.execute(text("SELECT extname FROM pg_extension")).scalars())
    engine.dispose()
    assert kinds["ex_appointments_provider_hold_no_overlap"] == "x"
    assert "btree_gist" in extensions


def _seed_minimal(connection) -> None:
    connection.execute(text("INSERT INTO locations (id, name, address, timezone) VALUES ('a', 'A', 'x', 'UTC')"))
    connection.execute(text("INSERT INTO providers (id, name, credentials) VALUES ('p', 'P', 'MD')"))
    connection.execute(text("INSERT INTO appointment_types VALUES ('consultation', 30, 0, 10)"))
    connection.execute(text("INSERT INTO patients (name, created_at) VALUES ('n', :t)"), {"t": _at(0)})


def _at(minute: int) -> datetime:
    return datetime(2030, 1, 7, 16, minute, tzinfo=timezone.utc)


def _insert(connection, reference: str, start: int, end: int, status: str = "booked") -> None:
    connection.execute(
        text(
            "INSERT INTO appointments (reference, status, patient_id, provider_id, location_id, appointment_type,"
            " start_utc, end_utc, hold_start_utc, hold_end_utc, source_channel, created_at, updated_at)"
            " VALUES (:r, :s, 1, 'p', 'a', 'consultation', :a, :b, :a, :b, 'test', :a, :a)"
        ),
        {"r": reference, "s": status, "a": _at(start), "b": _at(end)},
    )


def test_the_database_itself_refuses_a_second_booking_at_the_same_start(empty_db_url: str) -> None:
    upgrade(empty_db_url)
    engine = create_engine(empty_db_url, future=True)
    with engine.begin() as connection:
        _seed_minimal(connection)
        _insert(connection, "AAAAAAAA", 0, 40)
        _insert(connection, "BBBBBBBB", 0, 40, status="cancelled")  # inactive rows do not count
    with pytest.raises(IntegrityError), engine.begin() as connection:
        _insert(connection, "CCCCCCCC", 0, 40)
    engine.dispose()


def test_postgres_refuses_overlapping_holds_with_another_start(postgres_db_url: str) -> None:
    upgrade(postgres_db_url)
    engine = create_engine(postgres_db_url, future=True)
    with engine.begin() as connection:
        _seed_minimal(connection)
        _insert(connection, "AAAAAAAA", 0, 40)
        _insert(connection, "DDDDDDDD", 40, 59)  # touching is fine: ranges are [start, end)
    with pytest.raises(IntegrityError, match="ex_appointments_provider_hold_no_overlap"), engine.begin() as c:
        _insert(c, "CCCCCCCC", 30, 50)
    engine.dispose()


def _columns(url: str, table: str) -> set:
    engine = create_engine(url, future=True)
    try:
        return {column["name"] for column in inspect(engine).get_columns(table)}
    finally:
        engine.dispose()


def _record_outcome(connection, outcome: str) -> None:
    connection.execute(
        text("INSERT INTO appointment_outcomes (appointment_id, outcome, staff_username, recorded_at)"
             " VALUES (1, :o, 'alice', :t)"),
        {"o": outcome, "t": _at(50)},
    )


def test_front_desk_migration_up_and_down_keeps_the_appointments(empty_db_url: str) -> None:
    upgrade(empty_db_url, "0003_reminders")
    engine = create_engine(empty_db_url, future=True)
    with engine.begin() as connection:
        _seed_minimal(connection)
        _insert(connection, "AAAAAAAA", 0, 40)
    upgrade(empty_db_url, "0004_front_desk")
    assert {"cancelled_at", "late_cancel"} <= _columns(empty_db_url, "appointments")
    with engine.begin() as connection:  # the existing appointment was not late-cancelled
        assert connection.execute(text("SELECT late_cancel, cancelled_at FROM appointments")).one() == (False, None)
        _record_outcome(connection, "no_show")
    with pytest.raises(IntegrityError), engine.begin() as connection:
        _record_outcome(connection, "attended")  # one outcome per appointment: a correction updates it
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text("DELETE FROM appointment_outcomes"))
        _record_outcome(connection, "late")
    engine.dispose()
    downgrade(empty_db_url, "0003_reminders")
    assert "appointment_outcomes" not in _tables(empty_db_url)
    assert not {"cancelled_at", "late_cancel"} & _columns(empty_db_url, "appointments")
    engine = create_engine(empty_db_url, future=True)
    with engine.begin() as connection:
        assert connection.execute(text("SELECT reference FROM appointments")).scalars().all() == ["AAAAAAAA"]
    with pytest.raises(IntegrityError), engine.begin() as connection:  # the partial unique index survived
        _insert(connection, "CCCCCCCC", 0, 40)
    engine.dispose()
