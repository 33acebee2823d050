"""No personal data in logs, output or notifications.

A booking, a cancel, a handoff and an SMS conversation run in-process with the project's loggers, the root logger,
SQLAlchemy and rasa_sdk at DEBUG; the booking and the cancel also meet database errors whose messages quote the
patient's row, as PostgreSQL's do. Everything logged (caplog and a log file) and everything written to stdout and
stderr is then searched for the patient's name, phone (every format), e-mail, what they typed, and plain SHA-256
digests of those (a digest anyone can compute is no disguise). The staff notifications are searched too.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import sqlite3
import uuid
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from typing import Iterator, List
from zoneinfo import ZoneInfo

import pytest
from aiohttp import web
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import event, select
from twilio.request_validator import RequestValidator

import actions.handoff as handoff_actions
from actions import booking_service
from actions.booking import (
    ActionAskAppointment,
    ActionAskBookingConfirmed,
    ActionBookConsultation,
    ActionStartBooking,
)
from actions.booking_form import ValidateBookingForm
from actions.booking_manage import ActionAskCancelConfirmed, ActionCancelBooking, ActionStartCancel, ValidateCancelForm
from bot.channels.sms_consent import ConsentStore
from bot.channels.text_replies import MemoryOptionStore
from bot.channels.twilio import ClinicTwilioInput, TwilioSender
from bot.db import models
from bot.db.session import make_engine
from bot.handoff.notify import notify_new_request
from bot.privacy import pseudonym
from tests.actions.driver import FormDriver
from tests.channels.channel_fakes import FakeApi, FakeAssistant, Server
from tests.handoff.handoff_fakes import Events, FakeHTTP, FakeSMTP, tracker_for

CHICAGO = ZoneInfo("America/Chicago")
NAME = "Marisol Quintanilla"
PHONE = "+15125550134"
PHONE_FORMATS = (PHONE, "5125550134", "(512) 555-0134", "512-555-0134", "512.555.0134")
EMAIL = "marisol.quintanilla@example.com"
SENDER = f"sms:{PHONE}"
TYPED = {
    "booking": "I'd like to book a consultation for my gummy smile in Austin, my sister Dolores sent me",
    "handoff": "my left eyelid has drooped since the injection last Tuesday",
    "sms": "Hi it's Marisol, is the lip flip promo still on?",
    "sms failing": f"my email is {EMAIL}, call me on 512.555.0134",
}
ROW = f"DETAIL: Failing row contains (7, {NAME}, {PHONE}, {EMAIL})."
SID, TOKEN, CLINIC_NUMBER = "AC" + "0" * 32, "test-auth-token-0123456789abcdef", "+15125550100"
DEBUG_LOGGERS = ("", "bot", "actions", "sqlalchemy", "sqlalchemy.engine", "rasa_sdk", "twilio", "sanic", "alembic")


def forbidden() -> List[str]:
    personal = [NAME, *NAME.split(), *PHONE_FORMATS, "555-0134", EMAIL, SENDER, *TYPED.values()]
    digests = [hashlib.sha256(value.encode()).hexdigest()[:10] for value in personal]
    return [value.lower() for value in personal + digests]


def leaks(text: str) -> List[str]:
    """The lines of `text` holding personal data (or a plain digest of it)."""
    needles = forbidden()
    return [line[:300] for line in text.splitlines() if any(needle in line.lower() for needle in needles)]


# --- capturing everything -------------------------------------------------------------------------------------------


@pytest.fixture
def everything(caplog, capfd, tmp_path):
    """A function returning all that was logged or printed so far."""
    for name in DEBUG_LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    log_file = tmp_path / "all.log"
    handler = logging.FileHandler(log_file, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    logging.getLogger().addHandler(handler)

    def collected() -> str:
        handler.flush()
        out, err = capfd.readouterr()
        return "\n".join([caplog.text, log_file.read_text(encoding="utf-8"), out, err])

    yield collected
    logging.getLogger().removeHandler(handler)
    handler.close()


@pytest.fixture
def clinic_database(tmp_path, monkeypatch):
    monkeypatch.setenv("LOG_PSEUDONYM_KEY", "privacy-test-key")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'clinic.db'}")
    local = datetime.now(CHICAGO) + timedelta(days=1)
    monday = (local + timedelta(days=(7 - local.weekday()) % 7)).date()
    now = datetime(monday.year, monday.month, monday.day, 8, 0, tzinfo=CHICAGO).astimezone(timezone.utc)
    monkeypatch.setattr(booking_service, "now_utc", lambda: now)
    booking_service.forget_database()
    yield booking_service.database()
    booking_service.forget_database()


@contextmanager
def database_refuses(engine, verb: str, error: Exception) -> Iterator[None]:
    """The database answers statements starting with `verb` with `error`, as the DB-API driver would."""

    def refuse(cursor, statement, parameters, context):
        if statement.lstrip().upper().startswith(verb):
            raise error

    event.listen(engine, "do_execute", refuse)
    try:
        yield
    finally:
        event.remove(engine, "do_execute", refuse)


# --- the conversations ----------------------------------------------------------------------------------------------


def confirmed_booking(choice: str) -> FormDriver:
    form = FormDriver(ValidateBookingForm(), "booking_form", sender=SENDER,
                      ask_actions={"appointment": ActionAskAppointment(),
                                   "booking_confirmed": ActionAskBookingConfirmed()})
    form.start(TYPED["booking"], "book_consultation", {"area": "gummy smile", "location": "austin"},
               before=[ActionStartBooking()])
    form.say("wednesday morning")
    form.say(choice, "choose_slot")
    for text in (NAME, "(512) 555-0134", EMAIL, "I've been before", "yes", "yes"):
        form.say(text, "affirm" if text == "yes" else "inform")
    assert form.slots["booking_confirmed"] is True, form.texts
    form.events.append({"event": "action", "name": "booking_form"})
    return form


def book(database) -> str:
    """A booking the database refuses, then one that succeeds; returns its reference."""
    failing = confirmed_booking("2")
    with database_refuses(database.engine, "INSERT", sqlite3.DataError(f"value too long. {ROW}")):
        failing.run_action(ActionBookConsultation())
    assert "nothing was booked" in failing.texts
    booked = confirmed_booking("1")
    booked.run_action(ActionBookConsultation())
    assert "You're booked" in booked.texts
    with database.sessions() as session:
        return session.execute(select(models.Appointment.reference)).scalar_one()


def confirmed_cancel(reference: str) -> FormDriver:
    form = FormDriver(ValidateCancelForm(), "cancel_form", sender=SENDER,
                      ask_actions={"cancel_confirmed": ActionAskCancelConfirmed()})
    form.start("I need to cancel my appointment", "cancel_booking", before=[ActionStartCancel()])
    form.say(reference)
    form.say("512-555-0199")  # not the number it was booked with: a failed look-up, stored under a pseudonym
    form.say(reference)
    form.say("512.555.0134")
    form.say("yes", "affirm")
    assert form.slots["cancel_confirmed"] is True, form.texts
    return form


def cancel(database, reference: str) -> None:
    failing = confirmed_cancel(reference)
    with database_refuses(database.engine, "UPDATE", sqlite3.IntegrityError(f"check constraint. {ROW}")):
        failing.run_action(ActionCancelBooking())
    assert "was not cancelled" in failing.texts
    done = confirmed_cancel(reference)
    done.run_action(ActionCancelBooking())
    assert "is cancelled" in done.texts


def hand_off(monkeypatch, slack: FakeHTTP, smtp: FakeSMTP) -> None:
    env = {"HANDOFF_SLACK_WEBHOOK_URL": f"{slack.base}/services/T0/B0/X", "SMTP_HOST": "127.0.0.1",
           "SMTP_PORT": str(smtp.port), "SMTP_STARTTLS": "0", "HANDOFF_EMAIL_TO": "front@clinic.example"}
    monkeypatch.setattr(handoff_actions, "_queue", None)
    monkeypatch.setattr(handoff_actions, "utcnow", lambda: datetime(2026, 3, 2, 10, 0, tzinfo=CHICAGO))
    monkeypatch.setattr(handoff_actions, "_notify_in_background", lambda notice: notify_new_request(notice, env))
    events = Events().user(TYPED["sms"], "greet", {"phone": PHONE}, "twilio").bot("Hi! How can I help?")
    events.user(TYPED["handoff"], "report_treatment_concern", {"phone": PHONE}, "twilio")
    slots = {"patient_name": NAME, "phone": PHONE, "email": EMAIL, "concern": "gummy smile"}
    dispatcher = CollectingDispatcher()
    asyncio.run(handoff_actions.ActionHandoffToStaff().run(dispatcher, tracker_for(SENDER, events.events, slots), {}))
    assert dispatcher.messages[0]["response"] == "utter_handoff_queued"


class FailingAssistant(FakeAssistant):
    async def handle_message(self, message) -> None:
        if message.text == TYPED["sms failing"]:
            raise RuntimeError(f"no answer to {message.text!r} from {message.sender_id}")
        await super().handle_message(message)


async def text_the_clinic(server: Server, body: str) -> None:
    params = {"From": PHONE, "To": CLINIC_NUMBER, "Body": body, "MessageSid": "SM" + uuid.uuid4().hex,
              "AccountSid": SID}
    signature = RequestValidator(TOKEN).compute_signature(server.url("/webhooks/twilio/webhook"), params)
    status, _ = await server.post("/webhooks/twilio/webhook", data=params, headers={"X-Twilio-Signature": signature})
    assert status == 200


def twilio_refuses(record) -> web.Response:
    """Twilio's error messages name the number."""
    message = f"The 'To' number {PHONE} is not a valid phone number."
    return web.json_response({"code": 21211, "message": message, "status": 400}, status=400)


async def sms_conversation(database_url: str) -> FakeApi:
    api = await FakeApi().start()
    consent = ConsentStore(make_engine(database_url))
    sender = TwilioSender(SID, TOKEN, sms_number=CLINIC_NUMBER, api_base=api.base, consent=consent)
    server = await Server(ClinicTwilioInput(sender, options=MemoryOptionStore(), consent=consent),
                          FailingAssistant()).start()
    try:
        for body in (TYPED["sms"], TYPED["sms failing"], "STOP", "START"):
            await text_the_clinic(server, body)
        api.fail_with = twilio_refuses
        await text_the_clinic(server, "are you open on saturday?")
    finally:
        await server.stop()
        await api.stop()
    return api


# --- the test -------------------------------------------------------------------------------------------------------


@pytest.fixture
def outside_world():
    slack, smtp = FakeHTTP(), FakeSMTP()
    yield slack, smtp
    slack.close()
    smtp.close()


def notifications(slack: FakeHTTP, smtp: FakeSMTP) -> str:
    posts = [request.json["text"] for request in slack.requests]
    mails = [f"{mail.message['Subject']}\n{mail.message.get_payload(decode=True).decode()}" for mail in smtp.mails]
    assert len(posts) == 1 and len(mails) == 1
    return "\n".join(posts + mails)


def stored_lookup_keys(database) -> List[str]:
    with database.sessions() as session:
        return list(session.execute(select(models.LookupFailure.requester)).scalars())


def test_no_personal_data_in_logs_output_or_notifications(everything, clinic_database, outside_world, monkeypatch):
    slack, smtp = outside_world
    cancel(clinic_database, book(clinic_database))
    hand_off(monkeypatch, slack, smtp)
    sms = asyncio.run(sms_conversation(clinic_database.url))
    logged = everything()

    assert leaks(logged) == []
    assert leaks(notifications(slack, smtp)) == []
    assert set(stored_lookup_keys(clinic_database)) == {pseudonym(SENDER)}
    # the paths above did run and were captured
    for line in ("booking failed (DataError)", "booked appointment", "cancelling failed (IntegrityError)",
                 "cancelled appointment", "handoff request", "SQL parameters hidden", "SMS consent of #",
                 "The assistant failed on a text from #", "Twilio refused a text to #"):
        assert line in logged, line
    assert any(TYPED["sms"] in (text.get("Body") or "") for text in sms.texts())
