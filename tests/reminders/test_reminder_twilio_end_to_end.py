"""Reminders over SMS end to end, with real processes: the action server (tests/conftest.py), Rasa as `make run`
starts it (`python -m bot.rasa_server`, API token, the clinic's credentials.yml with the Twilio channel turned on
from the environment) and the worker as the operator runs it (`python -m bot reminders run --once --now ...`).
Twilio's REST API is the channel tests' fake (tests/channels/channel_fakes.py) at TWILIO_API_BASE; the patient's
texts are webhooks signed with Twilio's RequestValidator.

One patient, two visits booked directly in a clinic database of the module's own, with their reminders going to the
Twilio conversation of the patient's number. The tests are the steps of one journey and run in file order:

0. the patient texts the clinic (where they would book; the booking itself is written directly);
1. the first visit's 48-hour reminder goes out as one SMS;
2. a forged webhook and a YES from another number confirm nothing;
3. YES confirms the visit (appointments.confirmed_at) and the reply says so;
4. R to the 2-hour reminder starts rescheduling that visit without asking for the reference; "forget it" ends it;
5. STOP gets the opt-out confirmation and the second visit's 48-hour reminder is skipped (`opted_out`);
6. START gets the opt-in confirmation and the second visit's 2-hour reminder goes out again;
7. R to that reminder, left unanswered, and the next scheduled message (the first visit's check-in) still goes out:
   it ends the open form (data/rules/reminders.yml) instead of being read by it as the patient's answer.

The action server confirms with the real clock, so the visits are some weeks ahead; `--now` moves only the worker.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
import sys
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

import pytest
import requests
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from bot.booking import BookingRequest, SlotTaken, book_consultation
from bot.channels.conversation_ids import twilio_conversation_id
from bot.channels.sms_consent import opt_in_text, opt_out_text
from bot.clinic import clinic
from bot.db.models import Appointment
from bot.db.reminder_models import ScheduledMessage
from bot.db.session import Database
from bot.reminders.schedule import Delivery
from bot.reminders.settings import ReminderSettings
from bot.scheduling.availability import Slot
from tests.channels.channel_fakes import FakeApi
from tests.conftest import (
    MODEL,
    ROOT,
    endpoints_with_action_server,
    free_port,
    running_action_server,
    seeded_database_url,
    wait_until_up,
)
from tests.handoff.handoff_fakes import wait_for

TWILIO_SID = "AC" + "7" * 32
TWILIO_TOKEN = "reminder-e2e-twilio-auth-token"
CLINIC_NUMBER = "+15125550100"
PATIENT = "+15125550188"
STRANGER = "+15125550199"
CONVERSATION = twilio_conversation_id(PATIENT)  # "sms:+15125550188"
AUSTIN = ZoneInfo("America/Chicago")
REMINDER_TEXT = "Reply YES to confirm"
WAIT_S = 60


class FakeTwilio:
    """The channel tests' fake Twilio API, served from its own event loop in a thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="fake-twilio", daemon=True)
        self.thread.start()
        self.api: FakeApi = asyncio.run_coroutine_threadsafe(FakeApi().start(), self.loop).result(30)

    @property
    def base(self) -> str:
        return self.api.base

    def texts(self) -> List[Dict[str, Any]]:
        return list(self.api.texts())

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self.api.stop(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(30)
        self.loop.close()


@dataclass
class Stack:
    rasa_url: str
    token: str
    twilio: FakeTwilio
    database: Database
    worker_env: Dict[str, str]
    rasa_log: Path

    @property
    def webhook(self) -> str:
        return f"{self.rasa_url}/webhooks/twilio/webhook"

    def logs(self) -> str:
        return "\n".join(self.rasa_log.read_text(errors="replace").splitlines()[-40:])

    def tracker(self, conversation: str) -> Dict[str, Any]:
        answer = requests.get(f"{self.rasa_url}/conversations/{quote(conversation, safe='+:')}/tracker",
                              params={"token": self.token}, timeout=30)
        answer.raise_for_status()
        return answer.json()


@pytest.fixture(scope="module")
def own_database(tmp_path_factory) -> str:
    """A clinic database of this module's own: the worker runs at fixed times over every due row, and the session's
    database holds other tests' bookings and reminders."""
    return seeded_database_url(tmp_path_factory.mktemp("reminder-twilio-e2e-db"))


@pytest.fixture(scope="module")
def own_action_server(own_database) -> Iterator[str]:
    with running_action_server(own_database) as url:
        yield url


@pytest.fixture(scope="module")
def stack(own_database, own_action_server, tmp_path_factory):
    """Fake Twilio, an action server and a real Rasa server with the Twilio channel pointed at the fake, on a
    database of their own."""
    if not MODEL.exists():
        pytest.fail(f"No trained model at {MODEL}: run `make train` (make test does it first).")
    database_url, action_url = own_database, own_action_server
    folder = tmp_path_factory.mktemp("reminder-twilio-e2e")
    twilio = FakeTwilio()
    token = secrets.token_urlsafe(24)
    port = free_port()
    rasa_url = f"http://127.0.0.1:{port}"
    endpoints = endpoints_with_action_server(folder, urlsplit(action_url).port)
    common = {"DATABASE_URL": database_url, "RASA_API_TOKEN": token, "TF_CPP_MIN_LOG_LEVEL": "3",
              "RASA_TELEMETRY_ENABLED": "false", "PYTHONUNBUFFERED": "1"}
    env = {**os.environ, **common,
           "TWILIO_ACCOUNT_SID": TWILIO_SID, "TWILIO_AUTH_TOKEN": TWILIO_TOKEN, "TWILIO_NUMBER": CLINIC_NUMBER,
           "TWILIO_API_BASE": twilio.base, "TWILIO_WEBHOOK_URL": f"{rasa_url}/webhooks/twilio/webhook",
           "TRACKER_STORE_URL": f"sqlite:///{folder / 'tracker.db'}",
           "EVENT_BROKER_URL": f"sqlite:///{folder / 'events.db'}", "REDIS_URL": ""}
    for name in ("TWILIO_WHATSAPP_NUMBER", "TWILIO_MESSAGING_SERVICE_SID"):
        env.pop(name, None)
    log = folder / "rasa.log"
    database = Database(database_url)
    running = Stack(rasa_url, token, twilio, database, {**os.environ, **common, "RASA_URL": rasa_url}, log)
    process = None
    try:
        with log.open("w") as output:
            process = subprocess.Popen(
                [sys.executable, "-m", "bot.rasa_server", "--port", str(port), "--model", str(MODEL),
                 "--credentials", str(ROOT / "credentials.yml"), "--endpoints", str(endpoints)],
                cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
            )
        try:
            wait_until_up(f"{rasa_url}/status?token={token}", process, timeout=300)
        except RuntimeError as error:
            raise RuntimeError(f"{error}\n{running.logs()}") from None
        yield running
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        database.dispose()
        twilio.stop()


# --- the patient's bookings ---------------------------------------------------------------------------------------


@dataclass
class Visit:
    reference: str
    appointment_id: int
    start: datetime


def _monday_after(days: int) -> datetime:
    day = datetime.now(AUSTIN).date() + timedelta(days=days)
    return datetime.combine(day + timedelta(days=-day.weekday() % 7), datetime.min.time(), AUSTIN)


def book_visit(database: Database, monday: datetime) -> Visit:
    """A consultation with Dr. Rivera in Austin (Mondays 09:00-17:00) that afternoon, booked by the patient over SMS;
    the first free half hour from 15:00 (other tests share the database)."""
    now = datetime.now(timezone.utc)
    delivery = Delivery("twilio", CONVERSATION, now, ReminderSettings.of(clinic()).consent_text)
    for minutes in range(15 * 60, 17 * 60, 30):
        start = (monday + timedelta(minutes=minutes)).astimezone(timezone.utc)
        request = BookingRequest(
            slot=Slot("dr-rivera", "austin", start, start + timedelta(minutes=30)), patient_name="Riley Texter",
            phone=PATIENT, email=None, is_returning=False, source_channel="sms",
            idempotency_key=f"reminder-e2e-{uuid.uuid4().hex}", policy_version="2026-01", policy_accepted_at=now,
            delivery=delivery)
        try:
            booked = book_consultation(database.sessions, request, now=now)
        except SlotTaken:
            continue
        with database.session() as session:
            appointment_id = session.execute(
                select(Appointment.id).where(Appointment.reference == booked.reference)).scalar_one()
        return Visit(booked.reference, appointment_id, booked.start_utc)
    raise AssertionError(f"no free half hour for Dr. Rivera on {monday:%Y-%m-%d}")


@pytest.fixture(scope="module")
def visits(stack) -> List[Visit]:
    """Two Mondays a week apart, four and five weeks ahead: each visit has a 48-hour and a 2-hour reminder.

    A booking's reminders go to the conversation it was made in, so the patient has texted the clinic first: Rasa
    gives a triggered message the conversation's latest input channel, which the delivery action checks."""
    replies(stack, "Hi", "the greeting")
    first = _monday_after(28)
    return [book_visit(stack.database, first), book_visit(stack.database, first + timedelta(days=7))]


@dataclass(frozen=True)
class Row:
    id: int
    kind: str
    label: str
    due_at: datetime
    status: str
    last_error: Optional[str]
    replied_at: Optional[datetime]


def rows(database: Database, visit: Visit) -> Dict[str, Row]:
    """The visit's scheduled messages by label ("48h", "2h", "14d")."""
    with database.session() as session:
        found = session.execute(select(ScheduledMessage).where(
            ScheduledMessage.appointment_id == visit.appointment_id)).scalars().all()
        return {m.idempotency_key.rsplit(":", 1)[1]: Row(m.id, m.kind, m.idempotency_key.rsplit(":", 1)[1],
                                                          m.due_at, m.status, m.last_error, m.replied_at)
                for m in found}


def confirmed_at(database: Database, visit: Visit) -> Optional[datetime]:
    with database.session() as session:
        return session.get(Appointment, visit.appointment_id).confirmed_at


# --- the operator and the patient ---------------------------------------------------------------------------------


def run_worker(stack: Stack, now: datetime) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "reminders", "run", "--once", "--now", now.isoformat()],
        cwd=ROOT, env=stack.worker_env, capture_output=True, text=True, timeout=180,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def sms_form(body: str, sender: str) -> Dict[str, str]:
    """What Twilio posts for an inbound SMS."""
    sid = "SM" + uuid.uuid4().hex
    return {"ToCountry": "US", "ToState": "TX", "SmsMessageSid": sid, "NumMedia": "0", "SmsSid": sid,
            "SmsStatus": "received", "Body": body, "FromCountry": "US", "To": CLINIC_NUMBER, "NumSegments": "1",
            "MessageSid": sid, "AccountSid": TWILIO_SID, "From": sender, "ApiVersion": "2010-04-01"}


def text_in(stack: Stack, body: str, sender: str = PATIENT, auth_token: str = TWILIO_TOKEN) -> int:
    """POSTs a text as Twilio would, signed with `auth_token`; returns the HTTP status."""
    form = sms_form(body, sender)
    signature = RequestValidator(auth_token).compute_signature(stack.webhook, form)
    answer = requests.post(stack.webhook, data=form, headers={"X-Twilio-Signature": signature}, timeout=120)
    return answer.status_code


def texts_to(stack: Stack, number: str, since: int = 0) -> List[str]:
    return [t.get("Body", "") for t in stack.twilio.texts()[since:] if t.get("To") == number]


def replies(stack: Stack, body: str, what: str, sender: str = PATIENT) -> List[str]:
    """Texts `body` from `sender` and waits for the texts back (the webhook answers after the assistant's turn)."""
    mark = len(stack.twilio.texts())
    assert text_in(stack, body, sender) == 200, stack.logs()
    return wait_for(lambda: texts_to(stack, sender, mark), timeout=WAIT_S, what=what)


def reminder_goes_out(stack: Stack, row: Row) -> str:
    """Runs the worker when the row is due; returns the one SMS it sent the patient."""
    mark = len(stack.twilio.texts())
    output = run_worker(stack, row.due_at)
    assert "handled 1 due message(s)" in output, output
    wait_for(lambda: texts_to(stack, PATIENT, mark), timeout=WAIT_S, what="the reminder SMS")
    assert len(stack.twilio.texts()) == mark + 1, stack.twilio.texts()[mark:]
    [text] = texts_to(stack, PATIENT, mark)
    sent = stack.twilio.texts()[mark]
    assert (sent["To"], sent["From"]) == (PATIENT, CLINIC_NUMBER)
    return text


# --- the journey, in order ----------------------------------------------------------------------------------------


def test_the_twilio_channel_is_on(stack):
    answer = requests.get(f"{stack.rasa_url}/webhooks/twilio/", timeout=30)
    assert answer.json() == {"status": "ok"}


def test_the_first_reminder_goes_out_as_one_sms(stack, visits):
    first = rows(stack.database, visits[0])
    assert {label: row.status for label, row in first.items()} == {"48h": "pending", "2h": "pending",
                                                                   "14d": "pending"}
    mark = len(stack.twilio.texts())
    early = run_worker(stack, first["48h"].due_at - timedelta(minutes=1))
    assert "handled 0 due message(s)" in early and stack.twilio.texts()[mark:] == []
    text = reminder_goes_out(stack, first["48h"])
    local = visits[0].start.astimezone(AUSTIN)
    assert REMINDER_TEXT in text and f"{local:%B} {local.day}" in text, text
    after = rows(stack.database, visits[0])
    assert (after["48h"].status, after["2h"].status) == ("sent", "pending")
    assert all(row.status == "pending" for row in rows(stack.database, visits[1]).values())


def test_a_forged_webhook_or_a_yes_from_another_number_confirms_nothing(stack, visits):
    mark = len(stack.twilio.texts())
    assert text_in(stack, "YES", auth_token="not-the-clinics-auth-token") == 403
    assert text_in(stack, "YES", auth_token=TWILIO_TOKEN + "x") == 403
    assert stack.twilio.texts()[mark:] == []  # refused before the consent check and the assistant: no answer at all
    stranger = replies(stack, "YES", "an answer to the other number", sender=STRANGER)
    assert not any("confirmed" in text for text in stranger), stranger
    assert texts_to(stack, PATIENT, mark) == []
    assert confirmed_at(stack.database, visits[0]) is None
    assert rows(stack.database, visits[0])["48h"].replied_at is None


def test_yes_confirms_the_visit(stack, visits):
    answer = replies(stack, "YES", "the confirmation")
    assert any("you're confirmed" in text for text in answer), answer
    assert confirmed_at(stack.database, visits[0]) is not None
    assert rows(stack.database, visits[0])["48h"].replied_at is not None


def test_r_to_the_next_reminder_starts_rescheduling_that_visit(stack, visits):
    text = reminder_goes_out(stack, rows(stack.database, visits[0])["2h"])
    assert REMINDER_TEXT in text, text
    answer = replies(stack, "R", "the reschedule's first question")
    said = "\n".join(answer)
    assert "When would you like to come in instead" in said, answer
    assert "booking reference" not in said and "you booked with" not in said, answer
    tracker = stack.tracker(CONVERSATION)
    assert (tracker.get("active_loop") or {}).get("name") == "reschedule_form"
    assert tracker["slots"]["manage_reference"] == visits[0].reference
    assert rows(stack.database, visits[0])["2h"].replied_at is not None


def test_forget_it_leaves_the_visit_as_it_was(stack, visits):
    """On SMS a bare "stop" or "cancel" is a carrier keyword, so the patient leaves the reschedule in words."""
    replies(stack, "forget it", "the answer to leaving the reschedule")
    assert (stack.tracker(CONVERSATION).get("active_loop") or {}).get("name") is None
    with stack.database.session() as session:
        assert session.get(Appointment, visits[0].appointment_id).status == "booked"


def test_stop_silences_the_next_reminder(stack, visits):
    assert replies(stack, "STOP", "the opt-out confirmation") == [opt_out_text()]
    mark = len(stack.twilio.texts())
    second = rows(stack.database, visits[1])
    output = run_worker(stack, second["48h"].due_at)
    assert "handled 1 due message(s)" in output, output
    after = rows(stack.database, visits[1])["48h"]
    assert (after.status, after.last_error) == ("skipped", "opted_out")
    assert stack.twilio.texts()[mark:] == []


def test_start_brings_the_reminders_back(stack, visits):
    assert replies(stack, "START", "the opt-in confirmation") == [opt_in_text()]
    text = reminder_goes_out(stack, rows(stack.database, visits[1])["2h"])
    local = visits[1].start.astimezone(AUSTIN)
    assert REMINDER_TEXT in text and f"{local:%B} {local.day}" in text, text
    assert rows(stack.database, visits[1])["2h"].status == "sent"


def test_a_message_due_while_the_patient_leaves_a_reschedule_open_is_still_delivered(stack, visits):
    """The patient answers R to a reminder and never says when: the next scheduled message (the first visit's
    check-in) must still go out, not be read by the waiting reschedule form as the patient's answer."""
    assert rows(stack.database, visits[1])["2h"].status == "sent"  # the latest message: R answers it
    answer = replies(stack, "R", "the reschedule's first question")
    assert "When would you like to come in instead" in "\n".join(answer), answer
    check_in = rows(stack.database, visits[0])["14d"]
    mark = len(stack.twilio.texts())
    output = run_worker(stack, check_in.due_at)
    assert "handled 1 due message(s)" in output, output
    after = rows(stack.database, visits[0])["14d"]
    sent = texts_to(stack, PATIENT, mark)
    assert after.status == "sent" and len(sent) == 1 and "How does your result look" in sent[0], (after, sent)
