"""Messages as data: created with the booking, moved with a reschedule, cancelled with a cancel (SQLite and
PostgreSQL), with the consent the patient gave at booking."""

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.booking import book_consultation, cancel_appointment, reschedule_appointment
from bot.db.models import Appointment
from bot.db.reminder_models import MessageConsent, ScheduledMessage
from tests.booking.conftest import NOW, austin, rivera_slot
from tests.reminders.conftest import SMS_CONVERSATION


def messages(database, reference: str):
    with database.session() as session:
        appointment_id = session.execute(select(Appointment.id).where(Appointment.reference == reference)).scalar()
        return session.execute(
            select(ScheduledMessage).where(ScheduledMessage.appointment_id == appointment_id)
            .order_by(ScheduledMessage.due_at)
        ).scalars().all()


def test_booking_creates_its_messages_and_records_the_consent(database, book) -> None:
    result = book(marketing=True)
    rows = messages(database, result.reference)
    assert [(m.kind, m.status, m.attempts) for m in rows] == [
        ("reminder", "pending", 0), ("reminder", "pending", 0), ("check_in", "pending", 0), ("touch_up", "pending", 0)
    ]
    assert rows[0].due_at == austin(10, day=2) and rows[1].due_at == austin(8, day=4)
    assert {(m.channel, m.recipient) for m in rows} == {("twilio", SMS_CONVERSATION)}
    assert [m.idempotency_key.rsplit(":", 1)[1] for m in rows] == ["48h", "2h", "14d", "98d"]
    assert "+1" not in "".join(m.idempotency_key for m in rows)  # no contact data in keys
    with database.session() as session:
        consents = session.execute(select(MessageConsent).order_by(MessageConsent.id)).scalars().all()
    assert [(c.purpose, c.granted, c.channel, c.at) for c in consents] == [
        ("reminders", True, "twilio", NOW), ("marketing", True, "twilio", NOW)
    ]
    assert "STOP" in consents[0].text


def test_no_marketing_yes_means_no_touch_up(database, book) -> None:
    assert "touch_up" not in [m.kind for m in messages(database, book(marketing=False).reference)]
    assert "touch_up" not in [m.kind for m in messages(database, book(day=5, marketing=None).reference)]


def test_a_booking_without_a_conversation_has_no_messages(database, make_request) -> None:
    result = book_consultation(database.sessions, make_request(rivera_slot(10, day=4)), now=NOW)
    assert messages(database, result.reference) == []


def test_cancel_cancels_the_unsent_messages(database, book) -> None:
    result = book()
    cancel_appointment(database.sessions, result.reference, actor="cli")
    assert {(m.status, m.last_error) for m in messages(database, result.reference)} == {
        ("cancelled", "appointment_cancelled")
    }


def test_reschedule_moves_the_messages_to_the_new_time_and_same_conversation(database, book) -> None:
    old = book(marketing=True)
    new = reschedule_appointment(database.sessions, old.reference, rivera_slot(11, day=10), actor="cli", now=NOW)
    assert {m.status for m in messages(database, old.reference)} == {"cancelled"}
    moved = messages(database, new.reference)
    assert [m.kind for m in moved] == ["reminder", "reminder", "check_in", "touch_up"]
    assert moved[0].due_at == austin(11, day=8) and {m.recipient for m in moved} == {SMS_CONVERSATION}


def test_the_idempotency_key_is_unique(database, book) -> None:
    row = messages(database, book().reference)[0]
    with pytest.raises(IntegrityError), database.write_session() as session:
        session.add(ScheduledMessage(appointment_id=row.appointment_id, kind="reminder", due_at=row.due_at,
                                     next_try_at=row.due_at, channel="twilio", recipient="x", status="pending",
                                     attempts=0, idempotency_key=row.idempotency_key))


def test_the_command_runs_one_round_and_keeps_a_message_rasa_did_not_take(sqlite_database, make_request,
                                                                         monkeypatch, capsys) -> None:
    from bot.__main__ import main
    from tests.reminders.conftest import delivery

    request = make_request(rivera_slot(10, day=4), delivery=delivery())
    result = book_consultation(sqlite_database.sessions, request, now=NOW)
    monkeypatch.setenv("DATABASE_URL", sqlite_database.url)
    monkeypatch.setenv("RASA_URL", "http://127.0.0.1:9")  # nothing listens: the try fails
    assert main(["reminders", "run", "--once", "--now", austin(10, day=2).isoformat()]) == 0
    assert "handled 1 due message(s)" in capsys.readouterr().out
    first = messages(sqlite_database, result.reference)[0]
    assert (first.status, first.attempts) == ("pending", 1)
    assert first.last_error.startswith("rasa_unreachable")
