"""The staff inbox follows Rasa's conversation events instead of reading trackers in a loop.

Rasa publishes every event of every conversation through the event broker in endpoints.yml
(bot/nlp/event_broker.py). EVENT_BROKER_URL picks the transport, as TRACKER_STORE_URL picks the tracker store:

* unset, or an SQLAlchemy URL: Rasa's SQL event broker, by default SQLite at var/events.db (`make run` needs
  nothing installed). The web app reads new rows every half second, one indexed query whatever the number of
  waiting handoffs, and deletes the rows it has handled: the table only holds what is not handled yet. One
  consumer per table.
* amqp:// or amqps:// (e.g. amqp://clinic:PASSWORD@rabbitmq.internal:5672/clinic): Rasa's pika broker to RabbitMQ.
  Rasa binds the durable queue EVENT_BROKER_QUEUE (default clinic_handoff_inbox) to its fanout exchange, so events
  wait there while the web app is down; the web app acknowledges each event once handled.

Both transports hand each event to the same `HandoffEvents.handle`: in a conversation with an open handoff, the
patient's messages and the assistant's own go into the queue as `Inbox.sync` would put them (once each, by message
id), an emergency makes the request urgent, and staff messages that Rasa has not taken yet are relayed. At start and
after the broker comes back, `HandoffEvents.catch_up` reads each open request's tracker once (`Inbox.sync_open`),
for whatever never reached the broker. Logs carry event types and error names only.

An event whose handling fails is tried again, up to MAX_EVENT_ATTEMPTS times, then skipped with an error log (its
type, its row id on the SQL path, the error's name): one bad event cannot hold up the queue. On the SQL path the
attempts are counted in memory (a restart starts them again) and the events after a failing one wait for it, so the
inbox keeps their order; only the rows handled or given up on are deleted, by id. On RabbitMQ a failed event is
published again at the queue's end with the header `x-clinic-attempts` counting its failures, and the original is
acknowledged; at the limit it is rejected without requeueing. A database outage (SQLAlchemy's OperationalError: the
clinic database or the events table unreachable or locked) is not the event's fault and charges no attempt: the
event waits, and the consumer backs off and tries again.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from typing import Any, Dict, List, Mapping, Optional, Set

import aio_pika
import sqlalchemy as sa

from bot.clinic import PROJECT_ROOT
from bot.db.handoff_models import HandoffMessage
from bot.db.session import make_engine
from bot.handoff.inbox import Inbox
from bot.handoff.rasa_api import RELAY_ACTION

log = logging.getLogger(__name__)

DEFAULT_EVENT_BROKER_URL = f"sqlite:///{PROJECT_ROOT / 'var' / 'events.db'}"
DEFAULT_INBOX_QUEUE = "clinic_handoff_inbox"
RABBITMQ_EXCHANGE = "rasa-exchange"  # the fanout exchange of Rasa's pika broker
AMQP_SCHEMES = ("amqp://", "amqps://")
MESSAGE_EVENTS = ("user", "bot")
POLL_SECONDS = 0.5
RETRY_SECONDS = 2.0
BATCH_SIZE = 500
MAX_EVENT_ATTEMPTS = 5  # tries of one event before it is skipped (a database outage does not count)
ATTEMPTS_HEADER = "x-clinic-attempts"  # on RabbitMQ: how many times a republished event has failed so far

# The table of Rasa's SQL event broker (rasa.core.brokers.sql.SQLEventBroker.SQLBrokerEvent), as both sides create it.
EVENTS_TABLE = sa.Table(
    "events",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255)),
    sa.Column("data", sa.Text),
)


def event_broker_url(env: Mapping[str, str] = os.environ) -> str:
    return env.get("EVENT_BROKER_URL") or DEFAULT_EVENT_BROKER_URL


def inbox_queue_name(env: Mapping[str, str] = os.environ) -> str:
    return env.get("EVENT_BROKER_QUEUE") or DEFAULT_INBOX_QUEUE


def is_amqp(url: str) -> bool:
    return url.startswith(AMQP_SCHEMES)


class HandoffEvents:
    """What one conversation event means for the staff inbox; the same for every transport."""

    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox
        self._relaying: Set[str] = set()  # conversations whose latest action relayed staff messages
        self._turn = asyncio.Lock()  # events and catch-ups one at a time: each message is stored once

    async def handle(self, sender_id: Optional[str], event: Dict[str, Any]) -> List[HandoffMessage]:
        kind = event.get("event")
        if not sender_id:
            return []
        if kind == "action":
            self._note_action(sender_id, event.get("name"))
            return []
        if kind not in MESSAGE_EVENTS:
            return []
        async with self._turn:
            request = await asyncio.to_thread(self.inbox.queue.open_for_conversation, sender_id)
            if request is None:
                return []
            return await self.inbox.add_events(request, self._in_context(sender_id, event))

    async def catch_up(self) -> int:
        """Reads each open request's tracker once: what happened while no event reached this consumer."""
        async with self._turn:
            try:
                return await self.inbox.sync_open()
            except Exception as error:  # e.g. the clinic database is not migrated yet: the events still count
                _log_failure(error, None, "catching up on open handoffs failed")
                return 0

    def _note_action(self, sender_id: str, action: Optional[str]) -> None:
        if action == RELAY_ACTION:
            self._relaying.add(sender_id)
        else:
            self._relaying.discard(sender_id)

    def _in_context(self, sender_id: str, event: Dict[str, Any]) -> List[Dict[str, Any]]:
        """The event after the action that uttered it, so `new_messages` leaves relayed staff messages out."""
        if sender_id in self._relaying:
            return [{"event": "action", "name": RELAY_ACTION}, event]
        return [event]


class SQLEventSource:
    """Rows of Rasa's SQL event broker, oldest first; a handled row is deleted."""

    def __init__(self, url: str, events: HandoffEvents, poll_seconds: float = POLL_SECONDS) -> None:
        self.engine = make_engine(url)
        EVENTS_TABLE.metadata.create_all(self.engine)  # Rasa creates it too: whoever starts first
        self.events = events
        self.poll_seconds = poll_seconds
        self._attempts: Dict[int, int] = {}  # row id -> failed attempts so far, for rows still waiting

    async def run(self) -> None:
        await self.events.catch_up()
        failing = None
        while True:
            try:
                handled = await self.handle_waiting()
                failing = None
            except Exception as error:  # e.g. the database is locked or gone: keep the rows, try again later
                failing = _log_failure(error, failing)
                handled = 0
            if not handled:
                await asyncio.sleep(self.poll_seconds * (5 if failing else 1))

    async def handle_waiting(self) -> int:
        """Handles up to one batch of waiting events in order, up to the first that fails, then deletes the rows it
        is done with (by id: a row with a lower id may commit later); returns how many. A database outage raises."""
        rows = await asyncio.to_thread(self._oldest_rows)
        done: List[int] = []
        try:
            for row in rows:
                if not await self._handle_row(row):
                    break  # tried again at the next poll; the later events wait, so the inbox keeps their order
                done.append(row.id)
        finally:
            if done:
                await asyncio.to_thread(self._delete_rows, done)
        return len(done)

    async def _handle_row(self, row: Any) -> bool:
        """True when the row is done with: handled, not an event, or given up on; False to try it again later."""
        event = decoded_event(row.data)
        if event is None:
            return True
        try:
            await self.events.handle(row.sender_id, event)
        except Exception as error:
            if is_outage(error):
                raise  # not the event's fault: no attempt charged, `run` backs off
            return self._charge_attempt(row.id, event, error)
        self._attempts.pop(row.id, None)
        return True

    def _charge_attempt(self, row_id: int, event: Dict[str, Any], error: Exception) -> bool:
        """Counts a failed attempt at the row; True (skip it) once it has failed MAX_EVENT_ATTEMPTS times."""
        attempts = self._attempts.pop(row_id, 0) + 1
        if attempts >= MAX_EVENT_ATTEMPTS:
            _log_skipped(event, attempts, error, f"row {row_id}")
            return True
        self._attempts[row_id] = attempts
        _log_failed_attempt(event, attempts, error, f"row {row_id}")
        return False

    def _oldest_rows(self) -> List[Any]:
        query = sa.select(EVENTS_TABLE).order_by(EVENTS_TABLE.c.id).limit(BATCH_SIZE)
        with self.engine.connect() as connection:
            return list(connection.execute(query))

    def _delete_rows(self, ids: List[int]) -> None:
        with self.engine.begin() as connection:
            connection.execute(sa.delete(EVENTS_TABLE).where(EVENTS_TABLE.c.id.in_(ids)))


class RabbitEventSource:
    """The inbox's durable queue on RabbitMQ, bound to Rasa's exchange; an event is acknowledged once handled."""

    def __init__(self, url: str, queue_name: str, events: HandoffEvents,
                 retry_seconds: float = RETRY_SECONDS) -> None:
        self.url = url
        self.queue_name = queue_name
        self.events = events
        self.retry_seconds = retry_seconds
        self._catch_ups: Set[asyncio.Task] = set()

    async def run(self) -> None:
        failing = None
        while True:
            try:
                await self._consume()
            except Exception as error:  # the connection broke for good: make a new one
                failing = _log_failure(error, failing)
            await asyncio.sleep(self.retry_seconds)

    async def _consume(self) -> None:
        connection = await self._connect()
        connection.reconnect_callbacks.add(self._catch_up_after_outage)
        async with connection:
            channel = await connection.channel()
            await channel.set_qos(prefetch_count=100)
            queue = await declare_inbox_queue(channel, self.queue_name)
            await self.events.catch_up()
            async with queue.iterator() as messages:
                async for message in messages:
                    await self._handle(message, channel)

    async def _connect(self) -> aio_pika.abc.AbstractRobustConnection:
        """Retries until RabbitMQ answers; later outages are bridged by the robust connection."""
        failing = None
        while True:
            try:
                return await aio_pika.connect_robust(self.url, reconnect_interval=self.retry_seconds)
            except Exception as error:  # refused, DNS, authentication: the same answer, try again
                failing = _log_failure(error, failing, "event broker unreachable")
                await asyncio.sleep(self.retry_seconds)

    def _catch_up_after_outage(self, *_args: Any) -> None:
        log.info("event broker connection is back: catching up on open handoffs")
        task = asyncio.get_running_loop().create_task(self.events.catch_up())
        self._catch_ups.add(task)
        task.add_done_callback(self._catch_ups.discard)

    async def _handle(self, message: aio_pika.abc.AbstractIncomingMessage,
                      channel: aio_pika.abc.AbstractChannel) -> None:
        event = decoded_event(message.body)
        if event is None:
            log.warning("event broker: dropped a message that is not an event")
            await message.ack()
            return
        try:
            await self.events.handle(event.get("sender_id"), event)
        except Exception as error:
            await self._after_failure(message, channel, event, error)
            return
        await message.ack()

    async def _after_failure(self, message: aio_pika.abc.AbstractIncomingMessage,
                             channel: aio_pika.abc.AbstractChannel, event: Dict[str, Any], error: Exception) -> None:
        """A database outage: the event goes back to the queue as it is, after a pause. Any other failure: the
        event goes to the queue's end with one more attempt counted, or is rejected at MAX_EVENT_ATTEMPTS."""
        if is_outage(error):
            _log_failure(error, None, "handoff events: a database is unreachable")
            await asyncio.sleep(self.retry_seconds)
            await message.nack(requeue=True)
            return
        attempts = attempts_of(message) + 1
        if attempts >= MAX_EVENT_ATTEMPTS:
            _log_skipped(event, attempts, error, "broker message")
            await message.reject(requeue=False)
            return
        _log_failed_attempt(event, attempts, error, "broker message")
        await channel.default_exchange.publish(with_attempts(message, attempts), routing_key=self.queue_name)
        await message.ack()  # only once the copy is confirmed (publisher confirms): the event is never lost


async def declare_inbox_queue(channel: aio_pika.abc.AbstractChannel, queue_name: str) -> aio_pika.abc.AbstractQueue:
    """The queue as Rasa's pika broker declares it (durable, bound to its fanout exchange)."""
    exchange = await channel.declare_exchange(RABBITMQ_EXCHANGE, type=aio_pika.ExchangeType.FANOUT)
    queue = await channel.declare_queue(queue_name, durable=True)
    await queue.bind(exchange, "")
    return queue


def attempts_of(message: aio_pika.abc.AbstractIncomingMessage) -> int:
    """How many times the event in `message` has failed before (its ATTEMPTS_HEADER; 0 without one)."""
    value = (message.headers or {}).get(ATTEMPTS_HEADER, 0)
    try:
        return max(int(value.decode() if isinstance(value, bytes) else value), 0)
    except (TypeError, ValueError):
        return 0


def with_attempts(message: aio_pika.abc.AbstractIncomingMessage, attempts: int) -> aio_pika.Message:
    """A copy of `message` to publish again, its ATTEMPTS_HEADER set to `attempts`."""
    return aio_pika.Message(
        message.body,
        headers={**(message.headers or {}), ATTEMPTS_HEADER: attempts},
        content_type=message.content_type,
        app_id=message.app_id,
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
    )


def is_outage(error: Exception) -> bool:
    """A database unreachable or locked (the clinic database or the events table): wait, do not blame the event."""
    return isinstance(error, sa.exc.OperationalError)


def decoded_event(body: Any) -> Optional[Dict[str, Any]]:
    """The event in a broker message or row; None when it is not a JSON object."""
    try:
        event = json.loads(body)
    except (TypeError, ValueError):
        return None
    return event if isinstance(event, dict) else None


def _log_failure(error: Exception, failing: Optional[str], what: str = "handoff events failed") -> str:
    """Logs a failure once (at warning), then again only at debug while the same error repeats."""
    name = type(error).__name__
    (log.debug if failing == name else log.warning)("%s (%s)", what, name)
    return name


def _log_failed_attempt(event: Dict[str, Any], attempts: int, error: Exception, which: str) -> None:
    """A failed attempt at an event, by its type and `which` (a row id, never a conversation id or text)."""
    log.warning("handoff event failed (%s, type %s): attempt %s of %s (%s)", which, event.get("event"), attempts,
                MAX_EVENT_ATTEMPTS, type(error).__name__)


def _log_skipped(event: Dict[str, Any], attempts: int, error: Exception, which: str) -> None:
    log.error("handoff event skipped after %s failed attempts (%s, type %s, %s)", attempts, which,
              event.get("event"), type(error).__name__)


def event_source(inbox: Inbox, env: Mapping[str, str] = os.environ) -> Any:
    """The consumer EVENT_BROKER_URL names, feeding `HandoffEvents(inbox)`."""
    url = event_broker_url(env)
    events = HandoffEvents(inbox)
    if is_amqp(url):
        return RabbitEventSource(url, inbox_queue_name(env), events)
    return SQLEventSource(url, events)


__all__ = [
    "ATTEMPTS_HEADER", "EVENTS_TABLE", "MAX_EVENT_ATTEMPTS", "HandoffEvents", "RabbitEventSource", "SQLEventSource",
    "attempts_of", "declare_inbox_queue", "decoded_event", "event_broker_url", "event_source", "inbox_queue_name",
    "is_amqp", "is_outage", "with_attempts",
]
