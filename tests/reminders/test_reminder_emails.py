"""Bookings made in the website widget get their messages by e-mail (a local fake SMTP server): plain text, HTML and
the .ics, each once; a refused send is retried without a duplicate; the stop link stops later e-mails and the
confirm link confirms the visit, and neither link can be forged or used for the other."""

from __future__ import annotations

import asyncio
import email
from datetime import timedelta
from email.message import EmailMessage
from email.policy import default as default_policy
from html import unescape

import pytest
from sanic import Sanic
from sqlalchemy import select

from bot.db.models import Appointment
from bot.db.reminder_models import MessageConsent, ScheduledMessage
from bot.mail import SmtpSettings
from bot.reminders.email_links import CONFIRM, UNSUBSCRIBE, EmailLinks, email_is_on
from bot.reminders.email_sender import EmailSender
from bot.reminders.schedule import delivery_for_booking
from bot.reminders.settings import ReminderSettings
from bot.web.email_pages import register_email_pages
from tests.booking.conftest import NOW, austin
from tests.handoff.handoff_fakes import FakeSMTP
from tests.reminders.test_reminder_worker import make_worker, rows
from tests.web.asgi import AsgiClient

PATIENT = "jamie@example.com"
LINKS = EmailLinks("a-test-secret-that-is-long-enough", "https://clinic.test")
FIRST_REMINDER = austin(10, day=2)  # 48 h before the visit book() makes (4 March, 10:00)
SECOND_REMINDER = austin(8, day=4)


@pytest.fixture
def smtp():
    server = FakeSMTP()
    yield server
    server.close()


@pytest.fixture
def sender(smtp, clinic) -> EmailSender:
    return EmailSender(SmtpSettings("127.0.0.1", smtp.port, None, None, "hello@clinic.test", False), LINKS, clinic)


def by_email(book, **kwargs):
    return book(conversation=PATIENT, channel="email", **kwargs)


async def run_round(database, fake_rasa, sender, at) -> int:
    worker = make_worker(database, fake_rasa, at)
    worker.email = sender
    try:
        return await worker.run_once()
    finally:
        await worker.rasa.close()


def parsed(mail) -> EmailMessage:
    return email.message_from_bytes(mail.data, policy=default_policy)


@pytest.mark.asyncio
async def test_a_reminder_email_has_text_html_and_the_calendar_and_goes_once(database, book, fake_rasa, sender,
                                                                             smtp) -> None:
    booking = by_email(book)
    assert await run_round(database, fake_rasa, sender, FIRST_REMINDER) == 1
    [mail] = smtp.mails
    assert mail.recipients == [PATIENT]
    message = parsed(mail)
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    first = rows(database)[0]
    assert "Reminder: your consultation on Wednesday, March 4" in message["Subject"]
    assert booking.reference in text and LINKS.url(CONFIRM, first.id) in text
    assert f'<a href="{LINKS.url(CONFIRM, first.id)}">' in html and "<script" not in html
    assert message["List-Unsubscribe"].strip() == f"<{LINKS.url(UNSUBSCRIBE, first.id)}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    [calendar] = [part for part in message.iter_attachments() if part.get_content_type() == "text/calendar"]
    assert calendar.get_filename() == f"{booking.reference}.ics"
    assert f"UID:{booking.reference}@" in calendar.get_content()
    assert (first.status, first.sent_at) == ("sent", FIRST_REMINDER)
    assert fake_rasa.calls == []  # e-mail does not go through the assistant
    assert await run_round(database, fake_rasa, sender, FIRST_REMINDER + timedelta(hours=1)) == 0
    assert len(smtp.mails) == 1


@pytest.mark.asyncio
async def test_a_patient_who_booked_in_spanish_gets_the_email_in_spanish(database, book, fake_rasa, sender,
                                                                         smtp) -> None:
    booking = by_email(book, language="es")
    with database.session() as session:
        assert {c.language for c in session.execute(select(MessageConsent)).scalars()} == {"es"}
    assert await run_round(database, fake_rasa, sender, FIRST_REMINDER) == 1
    message = parsed(smtp.mails[0])
    text = message.get_body(("plain",)).get_content()
    assert message["Subject"] == "Recordatorio: su consulta del miércoles 4 de marzo a las 10:00 CST (hora del Centro)"
    assert "Le recordamos su consulta del miércoles 4 de marzo" in text and booking.reference in text
    assert "Reminder" not in text and "consultation" not in text


@pytest.mark.asyncio
async def test_a_refused_send_is_retried_and_sent_once(database, book, fake_rasa, sender, smtp, clinic) -> None:
    by_email(book)
    closed = SmtpSettings("127.0.0.1", 1, None, None, "hello@clinic.test", False)  # nothing listens on port 1
    await run_round(database, fake_rasa, EmailSender(closed, LINKS, clinic), FIRST_REMINDER)
    first = rows(database)[0]
    assert (first.status, first.attempts, first.delivered_at) == ("pending", 1, None)
    assert first.last_error.startswith("smtp:")
    await run_round(database, fake_rasa, sender, first.next_try_at)
    assert (rows(database)[0].status, rows(database)[0].attempts) == ("sent", 2)
    assert len(smtp.mails) == 1


@pytest.mark.asyncio
async def test_without_email_set_up_the_worker_skips_email_messages(database, book, fake_rasa) -> None:
    by_email(book)
    await run_round(database, fake_rasa, None, FIRST_REMINDER)
    assert (rows(database)[0].status, rows(database)[0].last_error) == ("skipped", "email_off")


def test_a_booking_promises_email_only_when_email_can_go_out() -> None:
    settings = ReminderSettings(email_consent_text="We'll e-mail appointment reminders.")
    configured = {"SMTP_HOST": "smtp.clinic.test", "EMAIL_LINK_SECRET": "s3cret"}
    assert email_is_on(configured) and not email_is_on({"SMTP_HOST": "smtp.clinic.test"})
    delivery = delivery_for_booking("socketio", "abc", PATIENT, NOW, settings, env=configured)
    assert (delivery.channel, delivery.conversation_id) == ("email", PATIENT)
    assert delivery_for_booking("socketio", "abc", PATIENT, NOW, settings, env={}) is None
    assert delivery_for_booking("twilio", "sms:+15125550134", PATIENT, NOW, settings, env={}).channel == "twilio"


def pages(database) -> AsgiClient:
    app = Sanic(f"email_pages_{id(database)}")
    register_email_pages(app, LINKS, lambda: database.sessions, clock=lambda: FIRST_REMINDER + timedelta(hours=1))
    return AsgiClient(app)


def send_first_reminder(database, fake_rasa, sender) -> int:
    asyncio.run(run_round(database, fake_rasa, sender, FIRST_REMINDER))
    return rows(database)[0].id


def link_path(purpose: str, message_id: int) -> str:
    return LINKS.url(purpose, message_id).replace(LINKS.base_url, "")


def test_the_stop_link_asks_first_then_stops_every_later_email(database, book, fake_rasa, sender, smtp) -> None:
    by_email(book, marketing=True)
    first = send_first_reminder(database, fake_rasa, sender)
    client = pages(database)
    try:
        page = client.get(link_path(UNSUBSCRIBE, first))
        assert page.status == 200 and "Stop e-mails" in page.text
        assert {m.status for m in rows(database)[1:]} == {"pending"}  # a GET (a mail scanner) changes nothing
        done = client.post(link_path(UNSUBSCRIBE, first))
        assert done.status == 200 and "won't get these e-mails" in unescape(done.text)
    finally:
        client.close()
    assert {m.status for m in rows(database)[1:]} == {"cancelled"}
    with database.session() as session:
        stopped = session.execute(select(MessageConsent.purpose).where(MessageConsent.granted.is_(False))).scalars()
        assert sorted(stopped) == ["marketing", "reminders"]
    asyncio.run(run_round(database, fake_rasa, sender, SECOND_REMINDER))
    assert len(smtp.mails) == 1


def test_links_cannot_be_forged_or_used_for_the_other_purpose(database, book, fake_rasa, sender) -> None:
    by_email(book)
    first = send_first_reminder(database, fake_rasa, sender)
    forged = EmailLinks("another-secret", LINKS.base_url).url(UNSUBSCRIBE, first).replace(LINKS.base_url, "")
    client = pages(database)
    try:
        assert client.post(forged).status == 404
        assert client.post(link_path(CONFIRM, first).replace("/confirm/", "/unsubscribe/")).status == 404
        assert client.get("/email/confirm/not-a-token").status == 404
    finally:
        client.close()
    assert {m.status for m in rows(database)} == {"sent", "pending"}


def test_the_confirm_link_confirms_the_visit_once_asked(database, book, fake_rasa, sender) -> None:
    booking = by_email(book)
    first = send_first_reminder(database, fake_rasa, sender)
    client = pages(database)
    try:
        page = client.get(link_path(CONFIRM, first))
        assert page.status == 200 and "Wednesday, March 4" in page.text
        assert confirmed_at(database, booking.reference) is None
        done = client.post(link_path(CONFIRM, first))
        assert done.status == 200 and "you're confirmed" in unescape(done.text)
    finally:
        client.close()
    assert confirmed_at(database, booking.reference) == FIRST_REMINDER + timedelta(hours=1)


def test_the_link_pages_of_a_spanish_email_are_in_spanish(database, book, fake_rasa, sender) -> None:
    by_email(book, language="es")
    first = send_first_reminder(database, fake_rasa, sender)
    client = pages(database)
    try:
        confirm = client.get(link_path(CONFIRM, first))
        assert 'lang="es"' in confirm.text and "Confirme su visita" in confirm.text
        assert "miércoles 4 de marzo a las 10:00" in unescape(confirm.text)
        assert "Gracias, su visita está confirmada" in unescape(client.post(link_path(CONFIRM, first)).text)
        assert "¿Dejar de recibir nuestros correos?" in unescape(client.get(link_path(UNSUBSCRIBE, first)).text)
        stopped = unescape(client.post(link_path(UNSUBSCRIBE, first)).text)
        assert "ya no recibirá estos correos" in stopped and "Su reserva no cambia" in stopped
        assert "e-mail" not in stopped
    finally:
        client.close()


def test_a_message_for_a_chat_cannot_be_confirmed_or_stopped_by_a_link(database, book) -> None:
    book()  # an SMS booking: its messages go through the assistant, never by e-mail
    first = rows(database)[0]
    client = pages(database)
    try:
        assert client.post(link_path(CONFIRM, first.id)).status == 404
        assert client.post(link_path(UNSUBSCRIBE, first.id)).status == 404
    finally:
        client.close()
    assert {m.status for m in rows(database)} == {"pending"}


def confirmed_at(database, reference: str):
    with database.session() as session:
        return session.execute(select(Appointment.confirmed_at).where(Appointment.reference == reference)).scalar()


def test_a_touch_up_email_stop_link_stops_only_invitations(database, book, clinic) -> None:
    from bot.reminders import email_replies
    from bot.reminders.email_message import compose

    booking = by_email(book, marketing=True)
    with database.session() as session:
        touch_up = session.execute(select(ScheduledMessage).where(ScheduledMessage.kind == "touch_up")).scalar_one()
    message = compose(touch_up.id, "touch_up", booking, PATIENT, clinic, LINKS)
    assert LINKS.url(UNSUBSCRIBE, touch_up.id) in message.get_body(("plain",)).get_content()
    assert booking.location_address in message.get_body(("plain",)).get_content()  # the sender's postal address
    assert email_replies.stop_emails(database.sessions, touch_up.id, NOW) == "touch_up"
    assert [(m.kind, m.status) for m in rows(database)] == [
        ("reminder", "pending"), ("reminder", "pending"), ("check_in", "pending"), ("touch_up", "cancelled")]


@pytest.mark.parametrize("language, opening, joined", [("en", "Open times in Austin: ", " with "),
                                                       ("es", "Horarios disponibles en Austin: ", " con ")])
def test_the_touch_up_invitation_offers_open_times_straight_away(database, book, clinic, language, opening,
                                                                  joined) -> None:
    from bot.reminders import outbox
    from bot.reminders.conversation import start_delivery
    from bot.reminders.email_message import compose

    booking = by_email(book, marketing=True, language=language)
    with database.session() as session:
        due = session.execute(select(ScheduledMessage.due_at).where(ScheduledMessage.kind == "touch_up")).scalar_one()
    claims = [c for c in outbox.claim_due(database.sessions, due, limit=10) if c.kind == "touch_up"]
    delivered = start_delivery(database.sessions, claims[0].id, PATIENT, "email", due)
    assert delivered.open_times.startswith(opening) and delivered.language == language
    assert delivered.open_times.count(joined) == 3  # three choices, each with its provider
    text = compose(claims[0].id, "touch_up", booking, PATIENT, clinic, LINKS, delivered.open_times, language)
    assert delivered.open_times.strip() in text.get_body(("plain",)).get_content()


@pytest.mark.asyncio
async def test_an_email_that_cannot_be_composed_is_not_recorded_as_sent(database, book, fake_rasa, sender, smtp,
                                                                       monkeypatch) -> None:
    from bot.reminders import email_sender

    by_email(book)

    def broken(*args, **kwargs):
        raise KeyError("unknown_placeholder")

    monkeypatch.setattr(email_sender, "compose", broken)
    await run_round(database, fake_rasa, sender, FIRST_REMINDER)
    first = rows(database)[0]
    assert (first.status, first.delivered_at, first.last_error) == ("pending", None, "error:KeyError")
    assert smtp.mails == []
