"""Retention (`bot/retention.py`, `python -m bot retention`) on SQLite and PostgreSQL: exactly the old data goes."""

from contextlib import nullcontext
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, Iterator

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.engine import Engine, make_url

from bot.__main__ import main
from bot.channels.sms_consent import ConsentStore, sms_consent
from bot.clinic import Clinic
from bot.db import Database
from bot.db.handoff_models import CLOSED, NOTE, PATIENT, WAITING, HandoffMessage, HandoffRequest, LoginFailure
from bot.db.models import BOOKED, CANCELLED, COMPLETED, Appointment, AppointmentType, LookupFailure, Patient, Provider
from bot.db.seed import migrate_and_seed
from bot.db.session import make_engine
from bot.db.testing import sqlite_url, temporary_postgres_database
from bot.retention import REMOVED_NAME, RetentionCounts, parse_age, run_retention, tracker_events

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)
CUTOFF = NOW - timedelta(days=30)
OLD_SMS, PAUSED_SMS, OPTED_OUT, OPTED_IN, RECENTLY_OPTED_IN = (
    "+15125550101", "+15125550102", "+15125550103", "+15125550104", "+15125550106",
)
PATIENTS = {  # label: (name, phone, email)
    "future": ("Fay Future", "+15125550111", "fay@example.com"),
    "old": ("Olga Old", "+15125550112", "olga@example.com"),
    "recent": ("Rita Recent", "+15125550113", "rita@example.com"),
    "recently_cancelled": ("Cara Cancel", "+15125550114", None),
    "never_booked": ("Nico Never", None, "nico@example.com"),
}
EXPECTED = RetentionCounts(
    conversations=2,  # the old SMS thread and the old Telegram chat (its handoff is closed)
    conversation_events=4,
    handoff_requests=1,
    handoff_messages=2,
    patients_deleted=1,
    patients_anonymised=1,
    sms_consent_rows=1,
    lookup_failures=1,
    staff_login_failures=1,
)


def rasa_events() -> Any:
    from rasa.core.tracker_store import SQLTrackerStore

    return SQLTrackerStore.SQLEvent.__table__


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


@pytest.fixture
def tracker_url(empty_db_url: str, tmp_path: Path) -> Iterator[str]:
    """Rasa's own `events` table, on the same kind of database as the clinic's but a separate one."""
    if make_url(empty_db_url).get_backend_name() == "sqlite":
        url_context: Any = nullcontext(sqlite_url(tmp_path / "tracker.db"))
    else:
        url_context = temporary_postgres_database(prefix="tracker_test")
    with url_context as url:
        engine = make_engine(url)
        rasa_events().create(engine)
        engine.dispose()
        yield url


@pytest.fixture
def database(empty_db_url: str, clinic: Clinic) -> Iterator[Database]:
    migrate_and_seed(empty_db_url, clinic)
    database = Database(empty_db_url)
    yield database
    database.dispose()


@pytest.fixture
def filled(database: Database, tracker_url: str) -> Dict[str, str]:
    _fill_tracker(tracker_url)
    _fill_handoffs(database)
    _fill_patients(database)
    _fill_rest(database)
    return {"clinic": database.url, "tracker": tracker_url}


def _fill_tracker(url: str) -> None:
    conversations = {
        f"sms:{OLD_SMS}": [60, 45],
        "telegram:42": [50],
        "rest:spanning": [60, 1],  # started long ago, still going: kept whole
        f"sms:{PAUSED_SMS}": [40, 39],  # open handoff
        "widget0123456789abcdef": [2],
    }
    rows = [
        {"sender_id": sender, "type_name": "user", "timestamp": days_ago(age).timestamp(), "data": '{"text": "hi"}'}
        for sender, ages in conversations.items()
        for age in ages
    ]
    rows.append({"sender_id": "telegram:42", "type_name": "bot", "timestamp": days_ago(49).timestamp(), "data": "{}"})
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(insert(rasa_events()), rows)
    engine.dispose()


def _fill_handoffs(database: Database) -> None:
    with database.write_session() as session:
        session.add_all([
            _handoff(f"sms:{PAUSED_SMS}", WAITING, created=40, closed=None, messages=1),
            _handoff("telegram:42", CLOSED, created=50, closed=48, messages=2),
            _handoff("rest:spanning", CLOSED, created=40, closed=2, messages=1),
        ])


def _handoff(conversation: str, status: str, created: float, closed: Any, messages: int) -> HandoffRequest:
    request = HandoffRequest(
        conversation_id=conversation, channel=conversation.split(":")[0], reason="waitlist", status=status,
        contact_name="Pat Handoff", contact_phone=OLD_SMS, created_at=days_ago(created),
        updated_at=days_ago(closed if closed is not None else created),
        closed_at=days_ago(closed) if closed is not None else None,
    )
    kinds = [PATIENT, NOTE][:messages]
    request.messages = [HandoffMessage(kind=kind, text="my phone is 512 555 0101") for kind in kinds]
    return request


def _fill_patients(database: Database) -> None:
    with database.write_session() as session:
        provider = session.execute(select(Provider).order_by(Provider.id)).scalars().first()
        location_id = provider.working_hours[0].location_id
        kind = session.execute(select(AppointmentType.name).order_by(AppointmentType.name)).scalars().first()

        def appointment(label: str, start: float, status: str, changed: float) -> Appointment:
            begins = days_ago(start)
            return Appointment(
                reference=f"REF{label[:8].upper()}", status=status, provider_id=provider.id, location_id=location_id,
                appointment_type=kind, start_utc=begins, end_utc=begins + timedelta(minutes=30),
                hold_start_utc=begins, hold_end_utc=begins + timedelta(minutes=30), source_channel="sms",
                idempotency_key=f"key-{label}", created_at=days_ago(max(start, changed, 0) + 1),
                updated_at=days_ago(changed),
            )

        visits = {
            "future": [appointment("future", -5, BOOKED, 90)],
            "old": [appointment("old", 100, COMPLETED, 99), appointment("old2", 80, CANCELLED, 81)],
            "recent": [appointment("recent", 3, COMPLETED, 3)],
            "recently_cancelled": [appointment("cancel", 70, CANCELLED, 2)],
            "never_booked": [],
        }
        for label, (name, phone, email) in PATIENTS.items():
            created = days_ago(10 if label == "recent" else 120)
            patient = Patient(name=name, phone=phone, email=email, created_at=created)
            session.add(patient)
            session.flush()
            for visit in visits[label]:
                visit.patient_id = patient.id
                session.add(visit)


def _fill_rest(database: Database) -> None:
    assert ConsentStore(database.engine).engine  # creating the store's engine creates the table
    consent = [(OPTED_OUT, True, "STOP", 400), (OPTED_IN, False, "START", 60), (RECENTLY_OPTED_IN, False, "START", 1)]
    with database.write_session() as session:
        for address, opted_out, keyword, age in consent:
            session.execute(
                insert(sms_consent).values(address=address, opted_out=opted_out, keyword=keyword,
                                           updated_at=days_ago(age))
            )
        session.add_all([LookupFailure(requester="a" * 64, at=days_ago(31)), LookupFailure(requester="b" * 64, at=NOW)])
        session.add_all([LoginFailure(key="c" * 64, at=days_ago(31)), LoginFailure(key="d" * 64, at=NOW)])


def state(urls: Dict[str, str]) -> Dict[str, Any]:
    """Everything retention may touch, by content."""
    clinic, tracker = make_engine(urls["clinic"]), make_engine(urls["tracker"])
    try:
        return {**_clinic_state(clinic), "events": _rows(tracker, select(tracker_events.c.sender_id))}
    finally:
        clinic.dispose()
        tracker.dispose()


def _rows(engine: Engine, query: Any) -> list:
    with engine.connect() as connection:
        return sorted((tuple(row) if len(row) > 1 else row[0] for row in connection.execute(query)), key=repr)


def _clinic_state(engine: Engine) -> Dict[str, Any]:
    return {
        "handoffs": _rows(engine, select(HandoffRequest.conversation_id, HandoffRequest.status)),
        "handoff_messages": _rows(engine, select(func.count(HandoffMessage.id)))[0],
        "patients": _rows(engine, select(Patient.name, Patient.phone, Patient.email)),
        "appointments": _rows(
            engine, select(Appointment.reference, Appointment.idempotency_key, Appointment.updated_at)
        ),
        "sms_consent": _rows(engine, select(sms_consent.c.address, sms_consent.c.opted_out)),
        "lookup_failures": _rows(engine, select(LookupFailure.requester)),
        "login_failures": _rows(engine, select(LoginFailure.key)),
    }


def test_retention_deletes_exactly_the_old_data(filled: Dict[str, str]) -> None:
    before = state(filled)

    counts = run_retention(CUTOFF, clinic_url=filled["clinic"], tracker_url=filled["tracker"])

    assert counts == EXPECTED
    after = state(filled)
    assert after["events"] == sorted(
        ["rest:spanning"] * 2 + [f"sms:{PAUSED_SMS}"] * 2 + ["widget0123456789abcdef"]
    )
    assert after["handoffs"] == [("rest:spanning", CLOSED), (f"sms:{PAUSED_SMS}", WAITING)]
    assert after["handoff_messages"] == 2
    kept = [PATIENTS[label] for label in ("future", "recent", "recently_cancelled")]
    assert after["patients"] == sorted([*kept, (REMOVED_NAME, None, None)], key=repr)
    assert after["sms_consent"] == [(OPTED_OUT, True), (RECENTLY_OPTED_IN, False)]
    assert after["lookup_failures"] == ["b" * 64]
    assert after["login_failures"] == ["d" * 64]
    _assert_old_appointments_kept_without_keys(before["appointments"], after["appointments"])


def _assert_old_appointments_kept_without_keys(before: list, after: list) -> None:
    old = {"REFOLD", "REFOLD2"}
    assert [ref for ref, *_ in after] == [ref for ref, *_ in before]  # no appointment is deleted
    for (ref, key, updated), (_, _, updated_before) in zip(after, before, strict=True):
        assert (key is None) == (ref in old), ref
        assert updated == updated_before  # the record's last change is not rewritten


def test_dry_run_counts_the_same_and_deletes_nothing(filled: Dict[str, str]) -> None:
    before = state(filled)

    counts = run_retention(CUTOFF, dry_run=True, clinic_url=filled["clinic"], tracker_url=filled["tracker"])

    assert counts == EXPECTED
    assert state(filled) == before


def test_a_second_run_finds_nothing_more(filled: Dict[str, str]) -> None:
    run_retention(CUTOFF, clinic_url=filled["clinic"], tracker_url=filled["tracker"])

    assert run_retention(CUTOFF, clinic_url=filled["clinic"], tracker_url=filled["tracker"]) == RetentionCounts()


def test_a_tracker_store_without_events_table_is_left_alone(database: Database, tmp_path: Path) -> None:
    _fill_patients(database)
    tracker = sqlite_url(tmp_path / "empty_tracker.db")

    counts = run_retention(CUTOFF, clinic_url=database.url, tracker_url=tracker)

    assert (counts.conversations, counts.conversation_events) == (0, 0)
    assert (counts.patients_deleted, counts.patients_anonymised) == (1, 1)


def test_the_command_prints_counts_and_nothing_personal(
    filled: Dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("DATABASE_URL", filled["clinic"])
    monkeypatch.setenv("TRACKER_STORE_URL", filled["tracker"])

    assert main(["retention", "--older-than", "30d", "--now", "2026-03-02T12:00:00Z"]) == 0

    output = capsys.readouterr().out
    assert "conversations: 2" in output and "patients anonymised: 1" in output and "conversation events: 4" in output
    assert state(filled)["lookup_failures"] == ["b" * 64]  # it really deleted
    personal = [value for contact in PATIENTS.values() for value in contact if value]
    personal += [OLD_SMS, OLD_SMS[2:], "555", "telegram:42", "Pat Handoff", "example.com"]
    assert not [value for value in personal if value.lower() in output.lower()]


def test_the_command_dry_run_says_so_and_deletes_nothing(
    filled: Dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("DATABASE_URL", filled["clinic"])
    monkeypatch.setenv("TRACKER_STORE_URL", filled["tracker"])
    before = state(filled)

    assert main(["retention", "--older-than", "4w", "--dry-run", "--now", "2026-03-02T12:00:00+00:00"]) == 0

    assert "dry run" in capsys.readouterr().out
    assert state(filled) == before


@pytest.mark.parametrize("text, expected", [("30d", timedelta(days=30)), ("12h", timedelta(hours=12)),
                                            ("4W", timedelta(weeks=4)), (" 1d ", timedelta(days=1))])
def test_ages(text: str, expected: timedelta) -> None:
    assert parse_age(text) == expected


@pytest.mark.parametrize("text", ["30", "0d", "-1d", "30m", "d", "1.5d", ""])
def test_bad_ages_are_refused(text: str, capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(ValueError):
        parse_age(text)
    with pytest.raises(SystemExit):
        main(["retention", "--older-than", text])
    assert "--older-than" in capsys.readouterr().err


# --- scheduled messages and message consents (bot/reminders): their recipient is the conversation id ---------------


def _fill_messages(database: Database, pending_for_old: bool = False) -> None:
    """A sent reminder and a consent for the old patient (anonymised), the same for the recent one (kept), a consent
    given by the never-booked patient (deleted with them); with `pending_for_old`, a touch-up still to send."""
    from bot.db.reminder_models import MessageConsent, ScheduledMessage

    with database.write_session() as session:
        def patient_id(label: str) -> int:
            return session.execute(select(Patient.id).where(Patient.name == PATIENTS[label][0])).scalar_one()

        def appointment_id(reference: str) -> int:
            return session.execute(select(Appointment.id).where(Appointment.reference == reference)).scalar_one()

        rows = [("old", "REFOLD", "sent"), ("recent", "REFRECENT", "sent")]
        if pending_for_old:
            rows.append(("old", "REFOLD2", "pending"))
        for label, reference, status in rows:
            recipient = f"sms:{PATIENTS[label][1]}"
            session.add(ScheduledMessage(
                appointment_id=appointment_id(reference), kind="reminder", due_at=days_ago(40),
                next_try_at=days_ago(40),
                channel="twilio", recipient=recipient, status=status, idempotency_key=f"{reference}:{status}",
                created_at=days_ago(90), updated_at=days_ago(40),
            ))
            session.add(MessageConsent(patient_id=patient_id(label), appointment_id=appointment_id(reference),
                                       purpose="reminders", granted=True, channel="twilio", recipient=recipient,
                                       text="We'll send appointment reminders here.", at=days_ago(90)))
        session.add(MessageConsent(patient_id=patient_id("never_booked"), appointment_id=None, purpose="marketing",
                                   granted=False, channel="twilio", recipient="sms:+15125550199", text="No thanks",
                                   at=days_ago(100)))


def _recipients(url: str) -> Dict[str, list]:
    from bot.db.reminder_models import MessageConsent, ScheduledMessage

    engine = make_engine(url)
    try:
        return {
            "messages": _rows(engine, select(ScheduledMessage.recipient, ScheduledMessage.updated_at)),
            "consents": _rows(engine, select(MessageConsent.recipient, MessageConsent.text)),
        }
    finally:
        engine.dispose()


def test_old_rows_of_messages_and_consents_lose_their_conversation_id(filled: Dict[str, str], database) -> None:
    from bot.retention import REMOVED_RECIPIENT

    _fill_messages(database)
    before = _recipients(filled["clinic"])
    expected = replace(EXPECTED, scheduled_messages_anonymised=1, message_consents_anonymised=1,
                       message_consents_deleted=1)
    assert run_retention(CUTOFF, dry_run=True, clinic_url=filled["clinic"], tracker_url=filled["tracker"]) == expected
    assert _recipients(filled["clinic"]) == before

    counts = run_retention(CUTOFF, clinic_url=filled["clinic"], tracker_url=filled["tracker"])

    assert (counts.scheduled_messages_anonymised, counts.message_consents_anonymised,
            counts.message_consents_deleted, counts.patients_anonymised) == (1, 1, 1, 1)
    after = _recipients(filled["clinic"])
    recent = f"sms:{PATIENTS['recent'][1]}"
    assert [recipient for recipient, _ in after["messages"]] == sorted([REMOVED_RECIPIENT, recent])
    assert sorted(u for _, u in after["messages"]) == sorted(u for _, u in before["messages"])  # not rewritten
    assert after["consents"] == sorted([(REMOVED_RECIPIENT, "We'll send appointment reminders here."),
                                        (recent, "We'll send appointment reminders here.")], key=repr)
    assert run_retention(CUTOFF, clinic_url=filled["clinic"], tracker_url=filled["tracker"]) == RetentionCounts()


def test_a_patient_with_a_message_still_to_send_is_kept(filled: Dict[str, str], database) -> None:
    _fill_messages(database, pending_for_old=True)

    counts = run_retention(CUTOFF, clinic_url=filled["clinic"], tracker_url=filled["tracker"])

    assert (counts.patients_anonymised, counts.scheduled_messages_anonymised) == (0, 0)
    assert PATIENTS["old"] in state(filled)["patients"]
    assert f"sms:{PATIENTS['old'][1]}" in [recipient for recipient, _ in _recipients(filled["clinic"])["messages"]]


def test_a_conversation_a_message_is_still_to_go_to_is_kept(filled: Dict[str, str], database) -> None:
    """The assistant delivers a reminder into the conversation and reads its channel there: deleting it would drop
    the reminder (found by tests/reminders/test_reminder_twilio_end_to_end.py)."""
    from bot.db.reminder_models import ScheduledMessage

    conversation = f"sms:{OLD_SMS}"  # its events are 60 and 45 days old
    with database.write_session() as session:
        reference = session.execute(select(Appointment.id).where(Appointment.reference == "REFOLD2")).scalar_one()
        session.add(ScheduledMessage(appointment_id=reference, kind="touch_up", due_at=days_ago(-5),
                                     next_try_at=days_ago(-5), channel="twilio", recipient=conversation,
                                     status="pending", idempotency_key="old-touch-up"))

    counts = run_retention(CUTOFF, clinic_url=filled["clinic"], tracker_url=filled["tracker"])

    assert state(filled)["events"].count(conversation) == 2
    assert counts.conversations == EXPECTED.conversations - 1
