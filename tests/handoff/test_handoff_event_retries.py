"""A handoff event that fails is retried a bounded number of times, then skipped; a database outage charges no
attempt; the SQL path deletes exactly the rows it handled (bot/handoff/events.py).

The consumer runs with a scripted handler in place of `HandoffEvents`, on a throwaway SQL events table (SQLite, and
PostgreSQL when it answers) and on a queue of its own on this machine's RabbitMQ (skipped when it is not reachable).
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from typing import Any, Callable, Dict, Iterator, List, Optional

import aio_pika
import pytest
import pytest_asyncio
import sqlalchemy as sa
from test_handoff_events import amqp_url, needs_rabbitmq

from bot.db.testing import postgres_unavailable, temporary_postgres_database
from bot.handoff.events import (
    ATTEMPTS_HEADER,
    EVENTS_TABLE,
    MAX_EVENT_ATTEMPTS,
    RabbitEventSource,
    SQLEventSource,
    declare_inbox_queue,
)

SENDER = "sms:+15125550134"  # personal data: must never reach the logs
POISON_TEXT = "poison: my lips are swollen"
OUTAGE = sa.exc.OperationalError("SELECT 1", {}, Exception("could not connect to server"))


class ScriptedEvents:
    """Stands in for `HandoffEvents`: records the text of each event handled, and fails as told by `failures`
    (text -> a function of the attempt number, 1 first, that returns the exception to raise or None)."""

    def __init__(self, failures: Optional[Dict[str, Callable[[int], Optional[Exception]]]] = None) -> None:
        self.failures = failures or {}
        self.tries: Dict[str, int] = {}
        self.handled: List[str] = []
        self.on_handled: Callable[[str], None] = lambda text: None

    async def handle(self, sender_id: Optional[str], event: Dict[str, Any]) -> list:
        text = event["text"]
        self.tries[text] = self.tries.get(text, 0) + 1
        error = self.failures.get(text, lambda attempt: None)(self.tries[text])
        if error is not None:
            raise error
        self.handled.append(text)
        self.on_handled(text)
        return []

    async def catch_up(self) -> int:
        return 0


def always(error: Exception) -> Callable[[int], Exception]:
    return lambda attempt: error


def first(times: int, error: Exception) -> Callable[[int], Optional[Exception]]:
    return lambda attempt: error if attempt <= times else None


def user_event(text: str) -> Dict[str, Any]:
    return {"event": "user", "sender_id": SENDER, "text": text}


def assert_no_personal_data(text: str) -> None:
    assert SENDER not in text and "5550134" not in text and "lips" not in text


# --- the SQL event table ------------------------------------------------------------------------------------------


@pytest.fixture
def sqlite_events_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'events.db'}"


@pytest.fixture(scope="module")
def postgres_events_url() -> Iterator[str]:
    reason = postgres_unavailable()
    if reason:
        pytest.skip(reason)
    with temporary_postgres_database(prefix="handoff_events_test") as url:
        yield url


def add_rows(engine: sa.engine.Engine, *texts: str, ids: Optional[List[int]] = None) -> None:
    rows = [{"sender_id": SENDER, "data": json.dumps(user_event(text))} for text in texts]
    for row, row_id in zip(rows, ids, strict=True) if ids else ():
        row["id"] = row_id
    with engine.begin() as connection:
        connection.execute(sa.insert(EVENTS_TABLE), rows)


def waiting_ids(engine: sa.engine.Engine) -> List[int]:
    with engine.connect() as connection:
        return list(connection.execute(sa.select(EVENTS_TABLE.c.id).order_by(EVENTS_TABLE.c.id)).scalars())


async def drain(source: SQLEventSource, polls: int = 20) -> None:
    """Polls like `SQLEventSource.run` until the table is empty (an outage is waited out, as `run` does)."""
    for _ in range(polls):
        try:
            await source.handle_waiting()
        except sa.exc.OperationalError:
            continue
        if not waiting_ids(source.engine):
            return
    raise AssertionError(f"rows still waiting after {polls} polls: {waiting_ids(source.engine)}")


@pytest.mark.asyncio
async def test_a_poison_event_is_skipped_after_max_attempts_and_the_others_go_on(sqlite_events_url, caplog):
    caplog.set_level(logging.DEBUG, logger="bot")
    events = ScriptedEvents({POISON_TEXT: always(ValueError("bad event"))})
    source = SQLEventSource(sqlite_events_url, events)
    add_rows(source.engine, "before", POISON_TEXT, "after")
    poison_id = waiting_ids(source.engine)[1]
    await drain(source)
    assert events.tries[POISON_TEXT] == MAX_EVENT_ATTEMPTS
    assert events.handled == ["before", "after"]  # in order, each once
    assert f"skipped after {MAX_EVENT_ATTEMPTS} failed attempts (row {poison_id}, type user, ValueError)" in caplog.text
    assert_no_personal_data(caplog.text)


@pytest.mark.asyncio
async def test_sql_a_database_outage_charges_no_attempt(sqlite_events_url):
    outages = 3 * MAX_EVENT_ATTEMPTS
    events = ScriptedEvents({"during the outage": first(outages, OUTAGE)})
    source = SQLEventSource(sqlite_events_url, events)
    add_rows(source.engine, "during the outage", "after it")
    for _ in range(outages):
        with pytest.raises(sa.exc.OperationalError):
            await source.handle_waiting()
    assert len(waiting_ids(source.engine)) == 2  # nothing skipped, nothing deleted
    await drain(source)
    assert events.handled == ["during the outage", "after it"]


@pytest.mark.asyncio
async def test_sqlite_only_the_handled_rows_are_deleted(sqlite_events_url):
    """A row with a lower id than the batch's last appears while the batch is handled: it waits for the next poll."""
    events = ScriptedEvents()
    source = SQLEventSource(sqlite_events_url, events)
    add_rows(source.engine, "ten", "twenty", ids=[10, 20])
    events.on_handled = lambda text: text == "ten" and add_rows(source.engine, "five", ids=[5])
    assert await source.handle_waiting() == 2
    assert waiting_ids(source.engine) == [5]
    await drain(source)
    assert events.handled == ["ten", "twenty", "five"]


@pytest.mark.asyncio
async def test_postgres_a_row_committed_out_of_order_is_not_deleted_unhandled(postgres_events_url):
    """Two writers on PostgreSQL: the first takes id N and commits after the second's N+1 is read. Deleting
    "everything up to N+1" would drop N unhandled."""
    events = ScriptedEvents()
    source = SQLEventSource(postgres_events_url, events)
    try:
        slow_writer = source.engine.connect()
        slow = slow_writer.begin()
        slow_writer.execute(sa.insert(EVENTS_TABLE), [{"sender_id": SENDER, "data": json.dumps(user_event("slow"))}])
        add_rows(source.engine, "fast")
        events.on_handled = lambda text: text == "fast" and slow.commit()
        assert await source.handle_waiting() == 1
        assert len(waiting_ids(source.engine)) == 1, "the slow writer's row was deleted unhandled"
        await drain(source)
        assert events.handled == ["fast", "slow"]
        slow_writer.close()
    finally:
        source.engine.dispose()


# --- RabbitMQ -----------------------------------------------------------------------------------------------------


async def publish(queue_name: str, event: Dict[str, Any], attempts: Optional[int] = None) -> None:
    connection = await aio_pika.connect(amqp_url())
    async with connection:
        channel = await connection.channel()
        headers = {ATTEMPTS_HEADER: attempts} if attempts is not None else {}
        message = aio_pika.Message(json.dumps(event).encode(), headers=headers,
                                   delivery_mode=aio_pika.DeliveryMode.PERSISTENT)
        await channel.default_exchange.publish(message, routing_key=queue_name)


async def waiting_messages(queue_name: str) -> int:
    connection = await aio_pika.connect(amqp_url())
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue(queue_name, passive=True)
        return queue.declaration_result.message_count


@pytest_asyncio.fixture
async def rabbit_queue() -> str:
    """A queue of this test's own, declared as the consumer declares it; deleted afterwards."""
    name = f"test_retries_{uuid.uuid4().hex[:12]}"
    connection = await aio_pika.connect(amqp_url())
    async with connection:
        await declare_inbox_queue(await connection.channel(), name)
    yield name
    connection = await aio_pika.connect(amqp_url())
    async with connection:
        await (await connection.channel()).queue_delete(name)


async def consume_until(source: RabbitEventSource, condition: Callable[[], bool], timeout: float = 20) -> None:
    task = asyncio.get_running_loop().create_task(source.run())
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while not condition():
            assert asyncio.get_running_loop().time() < deadline, "the consumer did not get there in time"
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)  # room for anything it should not do
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


@needs_rabbitmq
@pytest.mark.asyncio
@pytest.mark.parametrize("failed_before", [None, MAX_EVENT_ATTEMPTS - 2])
async def test_rabbitmq_a_poison_event_is_republished_with_its_attempts_then_rejected(rabbit_queue, caplog,
                                                                                   failed_before):
    caplog.set_level(logging.DEBUG, logger="bot")
    events = ScriptedEvents({POISON_TEXT: always(ValueError("bad event"))})
    source = RabbitEventSource(amqp_url(), rabbit_queue, events, retry_seconds=0.05)
    await publish(rabbit_queue, user_event(POISON_TEXT), attempts=failed_before)
    await publish(rabbit_queue, user_event("after"))
    expected_tries = MAX_EVENT_ATTEMPTS - (failed_before or 0)
    await consume_until(source, lambda: events.tries.get(POISON_TEXT) == expected_tries and events.handled)
    assert events.tries[POISON_TEXT] == expected_tries
    assert events.handled == ["after"]
    assert await waiting_messages(rabbit_queue) == 0  # rejected, not requeued
    assert f"skipped after {MAX_EVENT_ATTEMPTS} failed attempts (broker message, type user, ValueError)" in caplog.text
    assert_no_personal_data(caplog.text)


@needs_rabbitmq
@pytest.mark.asyncio
async def test_rabbitmq_a_database_outage_charges_no_attempt(rabbit_queue):
    outages = 2 * MAX_EVENT_ATTEMPTS
    events = ScriptedEvents({"during the outage": first(outages, OUTAGE)})
    source = RabbitEventSource(amqp_url(), rabbit_queue, events, retry_seconds=0.02)
    await publish(rabbit_queue, user_event("during the outage"))
    await consume_until(source, lambda: events.handled == ["during the outage"])
    assert events.tries["during the outage"] == outages + 1
    assert await waiting_messages(rabbit_queue) == 0
