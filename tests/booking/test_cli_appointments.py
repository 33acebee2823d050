import json

import pytest
from sqlalchemy import select

from bot.__main__ import main
from bot.booking import book_consultation
from bot.db.models import Appointment, AuditEvent


@pytest.fixture
def cli_database(sqlite_database, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DATABASE_URL", sqlite_database.url)
    return sqlite_database


def test_db_upgrade_and_seed_on_a_new_database(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'new' / 'clinic.db'}")
    assert main(["db", "upgrade"]) == 0
    assert main(["db", "seed"]) == 0
    assert "locations inserted: 3" in capsys.readouterr().out
    assert main(["db", "seed"]) == 0
    assert capsys.readouterr().out.strip() == "already up to date"


def test_list_shows_the_day_in_local_time(cli_database, make_request, rivera, now, capsys) -> None:
    booking = book_consultation(cli_database.sessions, make_request(rivera(10)), now=now)
    book_consultation(cli_database.sessions, make_request(rivera(10, day=3)), now=now)
    assert main(["appointments", "list", "--date", "2026-03-02"]) == 0
    out = capsys.readouterr().out
    assert "10:00 CST" in out and booking.reference in out and "Jamie Example" in out
    assert out.count("booked") == 1
    assert main(["appointments", "list", "--date", "2026-03-02", "--location", "denver"]) == 0
    assert "No appointments" in capsys.readouterr().out
    assert main(["appointments", "list", "--date", "2026-03-02", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["reference"] == booking.reference and row["start_local"] == "2026-03-02T10:00:00-06:00"


def test_cancel_by_reference(cli_database, make_request, rivera, now, capsys) -> None:
    booking = book_consultation(cli_database.sessions, make_request(rivera(10)), now=now)
    assert main(["appointments", "cancel", booking.reference.lower(), "--reason", "clinic closed"]) == 0
    assert f"Cancelled {booking.reference}" in capsys.readouterr().out
    assert main(["appointments", "cancel", booking.reference]) == 1
    assert "cancelled" in capsys.readouterr().err
    with cli_database.session() as session:
        appointment = session.execute(select(Appointment)).scalar_one()
        actors = session.execute(select(AuditEvent.actor).where(AuditEvent.action == "cancel")).scalars().all()
    assert (appointment.status, appointment.cancel_reason, actors) == ("cancelled", "clinic closed", ["cli"])
