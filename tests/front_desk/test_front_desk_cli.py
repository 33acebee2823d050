"""`python -m bot appointments attended|no-show|day|report`, and the status `list` and `cancel` show, on SQLite."""

import json
from datetime import datetime, timedelta, timezone

import pytest

from bot.__main__ import main
from bot.booking import book_consultation, cancel_appointment
from bot.scheduling.availability import Slot
from tests.front_desk.conftest import BOOKED_AT, add_staff


@pytest.fixture
def database(sqlite_database, monkeypatch: pytest.MonkeyPatch):
    """The CLI's database (DATABASE_URL); the `book` and `staff` fixtures use it too."""
    monkeypatch.setenv("DATABASE_URL", sqlite_database.url)
    return sqlite_database


def run(capsys, *argv: str):
    code = main(["appointments", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def book_from_now(database, make_request, delay: timedelta):
    """A booking `delay` after the real clock's now (the CLI has no other clock)."""
    now = datetime.now(timezone.utc)
    start = (now + delay).replace(second=0, microsecond=0)
    slot = Slot("dr-rivera", "austin", start, start + timedelta(minutes=30))
    return book_consultation(database.sessions, make_request(slot), now=now)


def test_marking_and_correcting_a_visit(database, staff, book, capsys) -> None:
    visit = book(day=2, hour=10)
    code, out, _ = run(capsys, "no-show", visit.reference.lower(), "--staff", staff)
    assert code == 0
    assert out.strip() == (f"Marked {visit.reference} no-show: Monday, March 2, 2026 at 10:00 AM CST "
                           f"(America/Chicago), recorded by alice.")
    code, out, _ = run(capsys, "attended", visit.reference, "--staff", "ALICE")
    assert code == 0 and f"Marked {visit.reference} attended (was no-show)" in out
    code, out, _ = run(capsys, "attended", visit.reference, "--staff", staff)
    assert code == 0 and out.strip() == f"{visit.reference} was already marked attended."
    code, out, _ = run(capsys, "list", "--date", "2026-03-02")
    assert "attended" in out and "Jamie Example" in out


def test_clear_refusals(database, staff, book, make_request, capsys) -> None:
    cancelled = book(day=2, hour=11)
    cancel_appointment(database.sessions, cancelled.reference, actor="cli", now=BOOKED_AT)
    future = book_from_now(database, make_request, timedelta(days=3))
    cases = [
        (("attended", "NOPE2345", "--staff", staff), "Not marked: No appointment has the reference 'NOPE2345'."),
        (("no-show", cancelled.reference, "--staff", staff),
         f"Not marked: {cancelled.reference} was cancelled: only a visit that was kept can be marked attended or "
         f"no-show."),
        (("attended", future.reference, "--staff", staff),
         f"Not marked: {future.reference} is on {future.when_text}, which has not come yet: a visit can be marked "
         f"from its own day on."),
        (("attended", cancelled.reference, "--staff", "nobody"),
         "Not marked: No active staff account is named 'nobody': add one with `python -m bot staff add nobody`."),
    ]
    for argv, sentence in cases:
        code, out, err = run(capsys, *argv)
        assert (code, out, err.strip()) == (1, "", sentence)


def test_the_day_shows_first_names_statuses_and_a_summary(database, staff, book, capsys) -> None:
    first = book(day=2, hour=9, name="Ana Lopez")
    book(day=2, hour=10, name="Ben Okoye")
    late = book(day=2, hour=11, name="Cleo Park")
    book(day=2, hour=10, name="Gus Hale", location="denver")
    cancel_appointment(database.sessions, late.reference, actor="cli", now=late.start_utc - timedelta(hours=1))
    run(capsys, "attended", first.reference, "--staff", staff)
    code, out, _ = run(capsys, "day", "--date", "2026-03-02", "--location", "austin")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["TIME", "REFERENCE", "PATIENT", "STATUS", "LOCATION", "PROVIDER"]
    assert "Ana" in lines[1] and "attended" in lines[1] and "Lopez" not in out
    assert "Ben" in lines[2] and "booked" in lines[2] and "Okoye" not in out
    assert "late cancel" in lines[3]
    assert lines[-1] == "3 appointments: 1 booked, 1 attended, 1 late cancel."
    code, out, _ = run(capsys, "day", "--date", "2026-03-02", "--json")
    rows = json.loads(out)
    assert [(r["patient"], r["location"], r["markable"]) for r in rows] == [
        ("Ana", "austin", True), ("Ben", "austin", True), ("Cleo", "austin", False), ("Gus", "denver", True)]
    code, out, _ = run(capsys, "list", "--date", "2026-03-02", "--location", "austin")
    assert "late cancel" in out and "Cleo Park" in out  # `list` keeps the full name
    code, out, _ = run(capsys, "day", "--date", "2026-03-03")
    assert (code, out.strip()) == (0, "No appointments on 2026-03-03.")
    code, _, err = run(capsys, "day", "--location", "paris")
    assert (code, err.strip()) == (1, "There is no location 'paris'.")


def test_the_report(database, staff, book, capsys) -> None:
    visits = [book(day=2, hour=hour) for hour in (9, 10, 11, 12)]
    run(capsys, "no-show", visits[0].reference, "--staff", staff)
    run(capsys, "attended", visits[1].reference, "--staff", staff)
    cancel_appointment(database.sessions, visits[3].reference, actor="cli", now=BOOKED_AT)
    code, out, _ = run(capsys, "report", "--month", "2026-03", "--location", "austin", "--json")
    (report,) = json.loads(out)
    assert code == 0 and report == {
        "location_id": "austin", "month": "2026-03", "appointments": 4, "cancelled": 1, "late_cancels": 0,
        "due": 3, "attended": 1, "no_shows": 1, "unmarked": 1, "reminded": 0, "confirmed": 0,
        "no_show_rate": 0.3333, "confirmation_rate": None,
    }
    code, out, _ = run(capsys, "report", "--month", "2026-03")
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["LOCATION", "MONTH", "APPOINTMENTS"]
    assert lines[1].split() == ["austin", "2026-03", "4", "1", "0", "1/3", "33%", "1", "0/0", "-"]
    assert [line.split()[0] for line in lines[2:4]] == ["denver", "san-diego"]
    assert "No-show rate: no-shows / kept visits that have started." in out
    with pytest.raises(SystemExit):
        main(["appointments", "report", "--month", "March"])
    assert "is not a month like 2026-03" in capsys.readouterr().err


def test_a_cancel_inside_the_window_says_it_is_late(database, make_request, capsys) -> None:
    soon = book_from_now(database, make_request, timedelta(hours=3))
    later = book_from_now(database, make_request, timedelta(days=3))
    code, out, _ = run(capsys, "cancel", soon.reference)
    assert code == 0 and "This is a late cancel: it is inside the cancellation window before the visit." in out
    code, out, _ = run(capsys, "cancel", later.reference)
    assert code == 0 and "late cancel" not in out


def test_a_staff_account_added_later_can_mark(database, book, capsys) -> None:
    visit = book(day=2, hour=10)
    assert run(capsys, "attended", visit.reference, "--staff", "dora")[0] == 1
    add_staff(database, "dora")
    assert run(capsys, "attended", visit.reference, "--staff", "dora")[0] == 0
