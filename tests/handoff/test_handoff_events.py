"""Rasa's conversation events reach the staff inbox without reading trackers in a loop (bot/handoff/events.py).

The trained assistant runs in-process with the project's endpoints.yml, so its events go through
`bot.nlp.event_broker.ClinicEventBroker`: Rasa's SQL event broker on a throwaway SQLite file (always), and Rasa's
pika broker to this machine's RabbitMQ (skipped, with the reason, when it is not reachable). One consumer handler
serves both: a patient message in a handed-off conversation reaches the queue, an emergency marks the request
urgent, a repeated event stores nothing twice, and a consumer that starts late, or a broker that comes back, catches
up. The inbox's Rasa HTTP API is answered by the same in-process assistant and counts its tracker reads.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import time
import uuid
from contextlib import contextmanager
from typing import Any, Callable, Dict, Iterator, List

import aio_pika
import pytest
import sqlalchemy as sa
from handoff_fakes import Events, FakeRasa
from rasa.shared.core.trackers import EventVerbosity

from bot.db.session import make_engine
from bot.handoff.events import (
    EVENTS_TABLE,
    POLL_SECONDS,
    HandoffEvents,
    RabbitEventSource,
    SQLEventSource,
    event_broker_url,
)
from bot.handoff.inbox import Inbox
from bot.handoff.queue import NewRequest
from bot.nlp.event_broker import ClinicEventBroker, ClinicPikaEventBroker

RABBITMQ_HOST, RABBITMQ_PORT = "127.0.0.1", 5672
RABBITMQ_PASSWORD = "guest"
EMERGENCY = "I can't breathe properly since my botox yesterday"


class AgentRasa:
    """Rasa's HTTP API as the inbox uses it, answered by the in-process assistant; records every call."""

    def __init__(self, assistant) -> None:
        self.store = assistant.agent.tracker_store
        self.calls: List[tuple] = []

    async def tracker(self, conversation_id: str) -> Dict[str, Any]:
        self.calls.append(("tracker", conversation_id))
        tracker = await self.store.retrieve(conversation_id)
        return tracker.current_state(EventVerbosity.ALL) if tracker else {"events": []}

    async def execute(self, conversation_id: str, action: str = "action_relay_staff_message") -> Dict[str, Any]:
        self.calls.append(("execute", conversation_id, action))
        return {}

    async def resume(self, conversation_id: str) -> Dict[str, Any]:
        self.calls.append(("resume", conversation_id))
        return {}

    async def close(self) -> None:
        pass

    @property
    def tracker_reads(self) -> int:
        return sum(1 for call in self.calls if call[0] == "tracker")


def hand_off(assistant, queue) -> str:
    """A conversation that the assistant paused for the staff, with its open request; returns its id."""
    sender = f"events-{uuid.uuid4().hex}"
    assistant.messages("hi", sender)
    queue.open_request(NewRequest(sender, "socketio", "patient_asked", False, True, {}, since_ts=time.time()))
    assistant.pause(sender)
    return sender


def texts_of(queue, sender: str, kind: str = "patient") -> List[str]:
    request = queue.open_for_conversation(sender)
    return [m.text for m in queue.messages(request.id) if m.kind == kind]


def eventually(assistant, condition: Callable[[], Any], timeout: float = 20, what: str = "condition") -> Any:
    """Runs the assistant's event loop (where the consumer runs) until `condition()` holds."""
    async def wait() -> Any:
        deadline = time.monotonic() + timeout
        while not (value := condition()):
            if time.monotonic() > deadline:
                raise AssertionError(f"{what} not met within {timeout}s")
            await asyncio.sleep(0.1)
        return value

    return assistant.loop.run_until_complete(wait())


def idle(assistant, seconds: float) -> None:
    assistant.loop.run_until_complete(asyncio.sleep(seconds))


@contextmanager
def consuming(assistant, source) -> Iterator[None]:
    """`source` consuming on the assistant's event loop for the duration of the block."""
    task = assistant.loop.create_task(source.run())
    try:
        yield
    finally:
        task.cancel()
        assistant.loop.run_until_complete(asyncio.gather(task, return_exceptions=True))


# --- the SQL event broker (the default) ---------------------------------------------------------------------------


@pytest.fixture
def sql_events(assistant):
    """The in-process assistant's SQL event broker table, emptied of earlier tests' events."""
    engine = make_engine(event_broker_url())
    EVENTS_TABLE.metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(sa.delete(EVENTS_TABLE))
    yield engine
    engine.dispose()


def sql_source(assistant, queue) -> tuple:
    rasa = AgentRasa(assistant)
    return SQLEventSource(event_broker_url(), HandoffEvents(Inbox(queue, rasa))), rasa


def waiting_rows(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(EVENTS_TABLE)).scalar_one()


def test_the_assistant_publishes_through_the_sql_broker_of_endpoints_yml(assistant, sql_events):
    assistant.messages("how long does botox last?")
    assert waiting_rows(sql_events) > 0


def test_a_patient_message_reaches_the_queue_through_events_without_polling(assistant, queue, sql_events):
    sender = hand_off(assistant, queue)
    source, rasa = sql_source(assistant, queue)
    with consuming(assistant, source):
        eventually(assistant, lambda: rasa.tracker_reads == 1, what="the catch-up at start")
        assistant.messages("is anyone there?", sender)
        assert eventually(assistant, lambda: texts_of(queue, sender)) == ["is anyone there?"]
        idle(assistant, 6 * POLL_SECONDS)
        assert rasa.tracker_reads == 1, "the tracker was read again after the catch-up"
        assert waiting_rows(sql_events) == 0  # handled rows are deleted


def test_an_emergency_in_a_paused_chat_marks_the_request_urgent(assistant, queue, sql_events):
    sender = hand_off(assistant, queue)
    source, _rasa = sql_source(assistant, queue)
    with consuming(assistant, source):
        assistant.messages(EMERGENCY, sender)
        assert eventually(assistant, lambda: queue.open_for_conversation(sender).urgent, what="urgent")
    assert "utter_emergency" in [name for name, _text in assistant.bot_messages(sender)]
    assert queue.open_for_conversation(sender).reason == "emergency"
    assert EMERGENCY in texts_of(queue, sender)


def test_repeated_events_store_each_message_once(assistant, queue, sql_events):
    sender = hand_off(assistant, queue)
    source, _rasa = sql_source(assistant, queue)
    with consuming(assistant, source):
        assistant.messages("is anyone there?", sender)
        eventually(assistant, lambda: texts_of(queue, sender))
        user_event = assistant.tracker(sender).events[-1].as_dict()
        rows = [{"sender_id": sender, "data": json.dumps({"sender_id": sender, **user_event})}] * 3
        with sql_events.begin() as connection:
            connection.execute(sa.insert(EVENTS_TABLE), rows)
        eventually(assistant, lambda: waiting_rows(sql_events) == 0, what="the repeats handled")
    assert texts_of(queue, sender) == ["is anyone there?"]


def test_a_consumer_that_starts_late_catches_up(assistant, queue, sql_events):
    """Messages written while the web app was down: the rows waited in the table, and the catch-up reads the
    tracker once; each message is stored once."""
    sender = hand_off(assistant, queue)
    assistant.messages("hello?", sender)
    assistant.messages(EMERGENCY, sender)
    source, rasa = sql_source(assistant, queue)
    with consuming(assistant, source):
        eventually(assistant, lambda: waiting_rows(sql_events) == 0, what="the backlog handled")
    assert texts_of(queue, sender) == ["hello?", EMERGENCY]
    assert queue.open_for_conversation(sender).urgent
    assert rasa.tracker_reads == 1


# --- the handler on its own ---------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_relayed_staff_messages_are_not_copied_back_and_pending_ones_are_relayed(queue):
    events = Events()
    request, _ = queue.open_request(NewRequest("conv-ev", "socketio", "patient_asked", False, True, {}, since_ts=1))
    rasa = FakeRasa()
    handler = HandoffEvents(Inbox(queue, rasa))
    events.action("action_relay_staff_message").bot("Hi, Maria here.")
    events.action("action_listen").user("my brow is uneven", "ask_uneven_brows")
    events.action("utter_uneven_brows").bot("Brows can be balanced.")
    queue.add_system_message(request.id, "Maria from our team has joined the chat.")  # Rasa has not taken it
    for event in events.events:
        await handler.handle("conv-ev", event)
    assert [(m.kind, m.text) for m in queue.messages(request.id) if m.kind in ("patient", "bot")] == [
        ("patient", "my brow is uneven"), ("bot", "Brows can be balanced.")]
    assert ("execute", "conv-ev", "action_relay_staff_message") in rasa.calls
    assert not [call for call in rasa.calls if call[0] == "tracker"]


@pytest.mark.asyncio
async def test_events_of_conversations_without_an_open_handoff_are_ignored(queue):
    rasa = FakeRasa()
    events = Events().user("how long does botox last?", "ask_duration")
    assert await HandoffEvents(Inbox(queue, rasa)).handle("no-handoff", events.events[0]) == []
    assert rasa.calls == []


# --- RabbitMQ -------------------------------------------------------------------------------------------------------


def rabbitmq_reachable() -> bool:
    try:
        with socket.create_connection((RABBITMQ_HOST, RABBITMQ_PORT), timeout=1):
            return True
    except OSError:
        return False


needs_rabbitmq = pytest.mark.skipif(
    not rabbitmq_reachable(),
    reason=f"RabbitMQ is not reachable at {RABBITMQ_HOST}:{RABBITMQ_PORT} (start it: rabbitmq-server -detached)",
)


def amqp_url(port: int = RABBITMQ_PORT) -> str:
    return f"amqp://guest:{RABBITMQ_PASSWORD}@{RABBITMQ_HOST}:{port}/"


class SwitchableProxy:
    """A TCP forwarder to RabbitMQ that can be switched off and on: "RabbitMQ is down" for the processes that
    connect through it, without stopping this machine's RabbitMQ."""

    def __init__(self) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.server = None
        self.writers: List[asyncio.StreamWriter] = []

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._forward, "127.0.0.1", self.port)

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()
        for writer in self.writers:
            writer.close()

    async def _forward(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection(RABBITMQ_HOST, RABBITMQ_PORT)
        self.writers += [writer, upstream_writer]
        await asyncio.gather(_copy(reader, upstream_writer), _copy(upstream_reader, writer),
                             return_exceptions=True)


async def _copy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while data := await reader.read(65536):
        writer.write(data)
        await writer.drain()
    writer.close()


@contextmanager
def rabbitmq_broker(assistant, url: str, monkeypatch) -> Iterator[ClinicPikaEventBroker]:
    """The in-process assistant publishing through the broker endpoints.yml builds for this EVENT_BROKER_URL, on a
    queue of its own (deleted afterwards)."""
    queue_name = f"test_inbox_{uuid.uuid4().hex[:12]}"
    monkeypatch.setenv("EVENT_BROKER_URL", url)
    monkeypatch.setenv("EVENT_BROKER_QUEUE", queue_name)
    store = assistant.agent.tracker_store._tracker_store
    sql_broker = store.event_broker
    broker = assistant.loop.run_until_complete(ClinicEventBroker.from_endpoint_config(None))
    assert isinstance(broker, ClinicPikaEventBroker)
    store.event_broker = broker
    try:
        yield broker
    finally:
        store.event_broker = sql_broker
        assistant.loop.run_until_complete(broker.close())
        assistant.loop.run_until_complete(_delete_queue(queue_name))


async def _delete_queue(name: str) -> None:
    connection = await aio_pika.connect(amqp_url())
    async with connection:
        channel = await connection.channel()
        await channel.queue_delete(name)


def rabbit_source(assistant, queue, url: str) -> tuple:
    rasa = AgentRasa(assistant)
    source = RabbitEventSource(url, os.environ["EVENT_BROKER_QUEUE"], HandoffEvents(Inbox(queue, rasa)),
                               retry_seconds=0.5)
    return source, rasa


@needs_rabbitmq
def test_rabbitmq_a_patient_message_and_an_emergency_reach_the_queue(assistant, queue, monkeypatch, caplog):
    for logger in ("bot", "aio_pika", "aiormq", "rasa.core.brokers"):
        caplog.set_level(logging.DEBUG, logger=logger)
    sender = hand_off(assistant, queue)
    with rabbitmq_broker(assistant, amqp_url(), monkeypatch) as broker:
        eventually(assistant, broker.is_ready, what="Rasa connected to RabbitMQ")
        source, rasa = rabbit_source(assistant, queue, amqp_url())
        with consuming(assistant, source):
            eventually(assistant, lambda: rasa.tracker_reads == 1, what="the catch-up at start")
            assistant.messages("is anyone there?", sender)
            assistant.messages(EMERGENCY, sender)
            eventually(assistant, lambda: queue.open_for_conversation(sender).urgent, what="urgent")
            idle(assistant, 1)
            assert rasa.tracker_reads == 1, "the tracker was read again after the catch-up"
    assert texts_of(queue, sender) == ["is anyone there?", EMERGENCY]
    assert f":{RABBITMQ_PASSWORD}@" not in caplog.text
    assert "is anyone there" not in caplog.text and "breathe" not in caplog.text


@needs_rabbitmq
def test_rabbitmq_down_at_start_then_up_the_inbox_catches_up(assistant, queue, monkeypatch):
    """Rasa and the web app both start while RabbitMQ is down: conversations go on, and once RabbitMQ is back the
    message reaches the queue, once."""
    proxy = SwitchableProxy()
    url = amqp_url(proxy.port)
    sender = hand_off(assistant, queue)
    with rabbitmq_broker(assistant, url, monkeypatch) as broker:
        source, rasa = rabbit_source(assistant, queue, url)
        with consuming(assistant, source):
            assistant.messages(EMERGENCY, sender)
            assert "utter_emergency" in [name for name, _text in assistant.bot_messages(sender)]  # it goes on
            idle(assistant, 1)
            assert not broker.is_ready() and texts_of(queue, sender) == []
            assistant.loop.run_until_complete(proxy.start())
            eventually(assistant, lambda: queue.open_for_conversation(sender).urgent, what="caught up")
            eventually(assistant, lambda: not broker._unpublished_events, what="Rasa's kept events published")
            idle(assistant, 1)
        assistant.loop.run_until_complete(proxy.stop())
    assert texts_of(queue, sender) == [EMERGENCY]
