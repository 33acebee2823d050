"""Rasa publishes every conversation event through the broker that EVENT_BROKER_URL names (endpoints.yml:
`event_broker: type: bot.nlp.event_broker.ClinicEventBroker`); the staff inbox consumes them (bot/handoff/events.py).

* amqp:// or amqps:// URL: Rasa's pika broker to RabbitMQ, publishing to its fanout exchange, with the inbox's
  durable queue (EVENT_BROKER_QUEUE) bound to it.
* anything else: Rasa's SQL event broker, by default on SQLite at var/events.db.

Rasa's own brokers, with these changes:

* Neither logs an event or a password. Rasa's pika broker logs every event it publishes (the patient's text
  included) at debug and every failed one at error, and Rasa's SQL broker logs its URL with the password. The
  credentials come from the environment as one URL; the pika broker is given the host name alone, the only thing
  Rasa logs, and aio-pika hides the password in the URLs it logs.
* The pika broker connects in the background and keeps trying: Rasa starts and answers while RabbitMQ is down
  (Rasa's own tries 20 times in 100 s, then the server fails to start). Events published before the first
  connection wait in memory like those of a later outage (at most MAX_UNPUBLISHED, oldest dropped first: the inbox
  reads the trackers of open handoffs once when it reconnects).
* The SQL broker's engine comes from `bot.db.session.make_engine`: bound values hidden, and WAL without a sync per
  commit on SQLite. Rasa's SQL broker commits once per event; the tracker store hands it a turn's events at once
  (`publish_all`, one transaction).
"""

from __future__ import annotations

import asyncio
import json
import logging
from asyncio import AbstractEventLoop
from collections import deque
from typing import Any, Dict, List, Optional
from urllib.parse import urlsplit

import aio_pika
import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.brokers.pika import PikaEventBroker
from rasa.core.brokers.sql import SQLEventBroker
from rasa.utils.endpoints import EndpointConfig
from sqlalchemy.orm import sessionmaker

from bot.db.session import make_engine
from bot.handoff.events import EVENTS_TABLE, RETRY_SECONDS, event_broker_url, inbox_queue_name, is_amqp

log = logging.getLogger(__name__)

MAX_UNPUBLISHED = 10_000


class ClinicEventBroker(EventBroker):
    """Only a factory: Rasa asks it for the broker, it answers with the one EVENT_BROKER_URL names."""

    @classmethod
    async def from_endpoint_config(cls, broker_config: Optional[EndpointConfig],
                                   event_loop: Optional[AbstractEventLoop] = None) -> EventBroker:
        url = event_broker_url()
        if is_amqp(url):
            broker = ClinicPikaEventBroker(url, inbox_queue_name(), event_loop=event_loop)
            broker.connect_in_background()
            return broker
        return ClinicSQLEventBroker(url)


class ClinicSQLEventBroker(SQLEventBroker):
    def __init__(self, url: str) -> None:  # Rasa's __init__ would build (and log) its own engine
        self.engine = make_engine(url)
        EVENTS_TABLE.metadata.create_all(self.engine)
        self.sessionmaker = sessionmaker(bind=self.engine)

    def publish_all(self, events: List[Dict[str, Any]]) -> None:
        if not events:
            return
        with self.engine.begin() as connection:
            connection.execute(sa.insert(EVENTS_TABLE),
                               [{"sender_id": event.get("sender_id"), "data": json.dumps(event)} for event in events])


class ClinicPikaEventBroker(PikaEventBroker):
    def __init__(self, url: str, queue_name: str, event_loop: Optional[AbstractEventLoop] = None) -> None:
        parts = urlsplit(url)
        super().__init__(host=parts.hostname or "localhost", username=parts.username or "",
                         password=parts.password or "", port=parts.port or 5672, queues=[queue_name],
                         event_loop=event_loop)
        self._url = url
        self._unpublished_events = deque(maxlen=MAX_UNPUBLISHED)
        self._connecting: Optional[asyncio.Task] = None

    def connect_in_background(self) -> None:
        self._connecting = self._loop.create_task(self._connect_until_done())

    async def _connect_until_done(self) -> None:
        failing = None
        while True:
            try:
                await self.connect()
                break
            except Exception as error:  # refused, DNS, authentication: RabbitMQ is not there yet
                name = type(error).__name__
                (log.debug if failing == name else log.warning)("RabbitMQ unreachable (%s); retrying", name)
                failing = name
                await asyncio.sleep(RETRY_SECONDS)
        self._publish_unpublished_messages()

    async def _connect(self) -> aio_pika.abc.AbstractRobustConnection:
        return await aio_pika.connect_robust(self._url, reconnect_interval=RETRY_SECONDS)

    async def _publish(self, event: Dict[str, Any], headers: Optional[Dict[str, str]] = None) -> None:
        if self._exchange is None:  # not connected yet
            self._unpublished_events.append(event)
            return
        try:
            await self._exchange.publish(self._message(event, headers), "")
        except Exception as error:  # RabbitMQ went away: published again when the connection is back
            log.warning("publishing a %s event failed (%s); kept for later", event.get("event"), type(error).__name__)
            self._unpublished_events.append(event)

    async def close(self) -> None:
        if self._connecting is not None:
            self._connecting.cancel()
        await super().close()


__all__ = ["ClinicEventBroker", "ClinicPikaEventBroker", "ClinicSQLEventBroker"]
