"""The worker against a local fake of Rasa's HTTP API: sends each due message once, honours STOP, retries with
backoff, skips what the booking or the channel no longer allows, and two workers never send a message twice."""

import asyncio
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bot.booking import book_consultation
from bot.channels.sms_consent import ConsentStore, check
from bot.db.reminder_models import ScheduledMessage
from bot.reminders import outbox
from bot.reminders.rasa_trigger import RasaTrigger
from bot.reminders.settings import ReminderSettings
from bot.reminders.worker import Worker
from bot.scheduling.availability import Slot
from tests.booking.conftest import NOW, austin, rivera_slot
from tests.reminders.conftest import SMS_CONVERSATION, delivery

pytestmark = pytest.mark.asyncio
FIRST_REMINDER = austin(10, day=2)  # 48 h before the visit book() makes (4 March, 10:00)


def make_worker(database, fake, at: datetime, **settings) -> Worker:
    rasa = RasaTrigger(fake.url, token=fake.token)
    return Worker(database.sessions, rasa, ConsentStore(database.engine), ReminderSettings(**settings), lambda: at)


def rows(database):
    with database.session() as session:
        return session.execute(select(ScheduledMessage).order_by(ScheduledMessage.id)).scalars().all()


async def run(worker: Worker) -> int:
    try:
        return await worker.run_once()
    finally:
        await worker.rasa.close()


async def test_a_due_reminder_goes_out_once_on_the_patients_channel(database, book, fake_rasa) -> None:
    book()
    assert await run(make_worker(database, fake_rasa, FIRST_REMINDER - timedelta(minutes=1))) == 0
    assert await run(make_worker(database, fake_rasa, FIRST_REMINDER)) == 1
    [call] = fake_rasa.calls
    assert call["conversation"] == SMS_CONVERSATION
    assert call["query"] == {"output_channel": "twilio", "token": fake_rasa.token}
    assert call["body"]["name"] == "EXTERNAL_scheduled_message"
    first = rows(database)[0]
    assert (first.status, first.attempts, first.sent_at) == ("sent", 1, FIRST_REMINDER)
    assert [m.status for m in rows(database)[1:]] == ["pending", "pending"]
    assert await run(make_worker(database, fake_rasa, FIRST_REMINDER + timedelta(hours=1))) == 0
    assert fake_rasa.uttered == [first.id]


async def test_stop_silences_later_messages_and_start_brings_them_back(database, book, fake_rasa) -> None:
    book()
    consent = ConsentStore(database.engine)
    consent.opt_out("+15125550134", "STOP")
    await run(make_worker(database, fake_rasa, FIRST_REMINDER))
    assert (rows(database)[0].status, rows(database)[0].last_error) == ("skipped", "opted_out")
    assert fake_rasa.calls == []
    consent.opt_in("+15125550134", "START")
    await run(make_worker(database, fake_rasa, austin(8, day=4)))
    assert rows(database)[1].status == "sent" and len(fake_rasa.calls) == 1


async def test_a_failed_try_is_retried_after_the_backoff(database, book, fake_rasa) -> None:
    book()
    fake_rasa.failures = [500]
    await run(make_worker(database, fake_rasa, FIRST_REMINDER))
    first = rows(database)[0]
    assert (first.status, first.attempts, first.last_error) == ("pending", 1, "rasa_http_500")
    assert first.next_try_at == FIRST_REMINDER + timedelta(minutes=2)
    assert await run(make_worker(database, fake_rasa, FIRST_REMINDER + timedelta(minutes=1))) == 0
    assert await run(make_worker(database, fake_rasa, FIRST_REMINDER + timedelta(minutes=2))) == 1
    assert (rows(database)[0].status, rows(database)[0].attempts) == ("sent", 2)


async def test_after_max_attempts_the_message_fails(database, book, fake_rasa) -> None:
    book()
    fake_rasa.failures = [503, 503]
    await run(make_worker(database, fake_rasa, FIRST_REMINDER, max_attempts=2))
    await run(make_worker(database, fake_rasa, FIRST_REMINDER + timedelta(minutes=2), max_attempts=2))
    assert (rows(database)[0].status, rows(database)[0].attempts) == ("failed", 2)
    assert len(fake_rasa.calls) == 2


async def test_a_message_the_assistant_already_uttered_is_never_uttered_again(database, book, fake_rasa) -> None:
    """The worker dies after Rasa delivered the message but before recording it: the next worker takes the row
    after the lease and records it as sent, without a second trigger."""
    book()
    worker = make_worker(database, fake_rasa, FIRST_REMINDER)
    [claim] = await asyncio.to_thread(outbox.claim_due, database.sessions, FIRST_REMINDER)
    await worker.rasa.trigger_message(claim.recipient, claim.channel, claim.id)  # ...and the worker dies here
    await worker.rasa.close()
    assert await run(make_worker(database, fake_rasa, FIRST_REMINDER + timedelta(minutes=5))) == 0  # leased
    await run(make_worker(database, fake_rasa, FIRST_REMINDER + timedelta(minutes=11)))
    assert rows(database)[0].status == "sent"
    assert len(fake_rasa.calls) == 1 and fake_rasa.uttered == [claim.id]


async def test_the_website_widget_cannot_be_pushed_to(database, book, fake_rasa) -> None:
    book(conversation="a1b2c3d4e5f6g7h8", channel="socketio")
    await run(make_worker(database, fake_rasa, FIRST_REMINDER))
    assert (rows(database)[0].status, rows(database)[0].last_error) == ("skipped", "channel_cannot_push")
    assert fake_rasa.calls == []


async def test_whatsapp_outside_24_hours_uses_the_clinics_template(database, book, fake_rasa) -> None:
    book(conversation="whatsapp:+15125550134")
    templates = {"whatsapp_templates": {"reminder": "HX0123456789abcdef"}}
    await run(make_worker(database, fake_rasa, FIRST_REMINDER, **templates))  # booked 3 hours before: inside
    await run(make_worker(database, fake_rasa, austin(8, day=4), **templates))  # two days later: outside
    assert [m.delivery for m in rows(database)[:2]] == [None, "template:HX0123456789abcdef"]
    assert fake_rasa.calls[1]["body"]["entities"]["scheduled_delivery"] == "template:HX0123456789abcdef"


async def test_whatsapp_outside_24_hours_without_a_template_is_skipped(database, book, fake_rasa) -> None:
    book(conversation="whatsapp:+15125550134")
    await run(make_worker(database, fake_rasa, austin(8, day=4)))
    assert (rows(database)[0].status, rows(database)[0].last_error) == ("skipped", "no_whatsapp_template")
    assert fake_rasa.calls == []


async def test_the_touch_up_waits_for_no_future_visit(database, book, make_request, fake_rasa) -> None:
    book(marketing=True)
    later = datetime(2026, 6, 15, 15, 0, tzinfo=NOW.tzinfo)
    next_visit = make_request(Slot("dr-rivera", "austin", later, later + timedelta(minutes=30)))
    book_consultation(database.sessions, next_visit, now=NOW)
    touch_up = next(m for m in rows(database) if m.kind == "touch_up")
    await run(make_worker(database, fake_rasa, touch_up.due_at))
    kinds = {m.kind: (m.status, m.last_error) for m in rows(database) if m.kind != "reminder"}
    assert kinds == {"check_in": ("sent", None), "touch_up": ("skipped", "future_appointment")}


async def test_a_cancelled_visit_gets_no_check_in(database, book, fake_rasa) -> None:
    from bot.booking import cancel_appointment

    result = book()
    cancel_appointment(database.sessions, result.reference, actor="cli")
    await run(make_worker(database, fake_rasa, austin(10, day=20)))
    assert fake_rasa.calls == []


async def test_two_workers_at_once_send_each_message_exactly_once(postgres_database, make_request,
                                                                  fake_rasa) -> None:
    database = postgres_database
    fake_rasa.sessions = database.sessions
    for day in (2, 3, 5, 9, 10):
        for hour in (9, 10, 11, 12, 13, 14, 15, 16):
            patient = delivery(f"sms:+1512555{day:02d}{hour:02d}")
            request = make_request(rivera_slot(hour, day=day + 7), delivery=patient)
            book_consultation(database.sessions, request, now=NOW)
    due = NOW + timedelta(days=30)  # every reminder is due (and past visits would be skipped)
    workers = [make_worker(database, fake_rasa, due) for _ in range(2)]
    for worker in workers:
        worker.batch = 7
    await asyncio.gather(*(run(worker) for worker in workers))
    sent = [m.id for m in rows(database) if m.status == "sent"]
    assert len(fake_rasa.uttered) == len(set(fake_rasa.uttered)) == len(fake_rasa.calls)
    assert sorted(fake_rasa.uttered) == sorted(sent)


async def test_a_bare_cancel_after_a_reminder_is_the_carriers_opt_out(database, book, fake_rasa) -> None:
    """On SMS "CANCEL" is a carrier opt-out keyword: it never reaches the assistant, and no later message goes
    out; "cancel my appointment" is not a keyword and reaches the assistant (docs/reminders.md)."""
    book()
    await run(make_worker(database, fake_rasa, FIRST_REMINDER))
    consent = ConsentStore(database.engine)
    decision, reply = await check(consent, "+15125550134", "CANCEL")
    assert not decision.forward and "START" in reply
    await run(make_worker(database, fake_rasa, austin(8, day=4)))
    assert (rows(database)[1].status, rows(database)[1].last_error) == ("skipped", "opted_out")
    assert len(fake_rasa.calls) == 1
    decision, _ = await check(consent, "+15125550177", "cancel my appointment")
    assert decision.forward


# --- failures: one message at a time, bounded attempts, retries out of quiet hours ---------------------------------


class ConsentBrokenFor(ConsentStore):
    """The consent store, raising for one number's lookups (an unexpected bug, not a send failure)."""

    def __init__(self, engine, broken_number: str) -> None:
        super().__init__(engine)
        self.broken_number = broken_number

    async def ais_opted_out(self, address: str) -> bool:
        if address.endswith(self.broken_number):
            raise RuntimeError(f"lookup broke for {address}")
        return await super().ais_opted_out(address)


def first_reminder_of(database, conversation: str) -> ScheduledMessage:
    return next(m for m in rows(database) if m.recipient == conversation and m.kind == "reminder")


async def test_a_message_that_raises_does_not_stop_the_others_in_its_batch(database, book, fake_rasa,
                                                                           caplog) -> None:
    other = "sms:+15125550199"
    book(hour=10)  # its first reminder is due at 10:00, claimed first
    book(hour=11, conversation=other)  # due at 11:00
    worker = make_worker(database, fake_rasa, austin(11, day=2))
    worker.consent = ConsentBrokenFor(database.engine, "5550134")
    assert await run(worker) == 2
    broken = first_reminder_of(database, SMS_CONVERSATION)
    assert (broken.status, broken.attempts, broken.last_error) == ("pending", 1, "error:RuntimeError")
    assert broken.next_try_at == austin(11, 2, day=2)
    assert first_reminder_of(database, other).status == "sent"
    assert "raised (error:RuntimeError)" in caplog.text
    assert "5550134" not in caplog.text and "5550199" not in caplog.text


async def test_a_message_abandoned_on_its_last_try_fails_and_is_not_claimed_again(database, book, fake_rasa) -> None:
    book()
    at = FIRST_REMINDER
    for _ in range(2):  # two workers die while sending it
        [_claim] = await asyncio.to_thread(outbox.claim_due, database.sessions, at)
        at += outbox.LEASE + timedelta(minutes=1)
    assert await run(make_worker(database, fake_rasa, at, max_attempts=2)) == 0
    first = rows(database)[0]
    assert (first.status, first.attempts, first.last_error) == ("failed", 2, "max_attempts")
    assert fake_rasa.calls == []
    assert await run(make_worker(database, fake_rasa, at + outbox.LEASE * 2, max_attempts=2)) == 0


async def test_a_pending_message_that_has_had_max_attempts_is_not_claimed(database, book, fake_rasa) -> None:
    """max_attempts lowered (data/clinic.yml) while a message waits for its third try."""
    book()
    fake_rasa.failures = [500, 500]
    await run(make_worker(database, fake_rasa, FIRST_REMINDER))
    await run(make_worker(database, fake_rasa, FIRST_REMINDER + timedelta(minutes=2)))
    assert (rows(database)[0].status, rows(database)[0].attempts) == ("pending", 2)
    assert await run(make_worker(database, fake_rasa, FIRST_REMINDER + timedelta(hours=1), max_attempts=2)) == 0
    assert (rows(database)[0].status, rows(database)[0].last_error) == ("failed", "max_attempts")
    assert len(fake_rasa.calls) == 2


async def test_a_retry_that_would_fall_in_quiet_hours_waits_for_the_morning(database, book, fake_rasa) -> None:
    book()
    fake_rasa.failures = [500]
    await run(make_worker(database, fake_rasa, FIRST_REMINDER, retry_after=timedelta(hours=12)))  # 22:00: quiet
    first = rows(database)[0]
    assert (first.status, first.next_try_at) == ("pending", austin(8, day=3))


async def test_a_reminder_retried_on_the_visit_day_keeps_its_quiet_hours_exemption(database, book,
                                                                                   fake_rasa) -> None:
    book(hour=9)  # the 2 h reminder is at 07:00 on the visit's day: exempt from quiet hours
    await run(make_worker(database, fake_rasa, austin(9, day=2)))  # the 48 h reminder goes
    fake_rasa.failures = [500]
    await run(make_worker(database, fake_rasa, austin(7, day=4)))
    second = rows(database)[1]
    assert (second.status, second.next_try_at) == ("pending", austin(7, 2, day=4))


# --- isolation: opt-outs are forgotten between tests (the PostgreSQL database is shared by the run) ---------------

ISOLATION_NUMBER = "+15125550188"


async def test_isolation_an_opt_out_recorded_by_one_test(database) -> None:
    ConsentStore(database.engine).opt_out(ISOLATION_NUMBER, "STOP")
    assert ConsentStore(database.engine).is_opted_out(ISOLATION_NUMBER)


async def test_isolation_is_not_seen_by_the_next(database) -> None:
    """Runs after the test above (pytest keeps a file's order): its opt-out must be gone."""
    assert not ConsentStore(database.engine).is_opted_out(ISOLATION_NUMBER)


async def test_a_batch_size_below_one_is_refused(database, fake_rasa) -> None:
    with pytest.raises(ValueError):
        Worker(database.sessions, RasaTrigger(fake_rasa.url), ConsentStore(database.engine), ReminderSettings(),
               batch=0)
