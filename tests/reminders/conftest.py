"""Fixtures of the reminder tests: the booking tests' seeded databases (SQLite and PostgreSQL), a booking with its
messages, and a local fake of Rasa's HTTP API that plays the assistant's delivery action."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Callable, Dict, List

import pytest
import pytest_asyncio
from aiohttp import web

from bot.booking import BookingResult, book_consultation
from bot.reminders.conversation import start_delivery
from bot.reminders.schedule import Delivery
from tests.booking.conftest import (  # noqa: F401 - fixtures
    NOW,
    clinic,
    database,
    make_request,
    postgres_database,
    postgres_session_database,
    rivera_slot,
    sqlite_database,
    sqlite_template,
)

SMS_CONVERSATION = "sms:+15125550134"


def delivery(conversation: str = SMS_CONVERSATION, channel: str = "twilio", marketing=None,
             language: str = "en") -> Delivery:
    return Delivery(channel, conversation, NOW, "We'll send appointment reminders here. Reply STOP to stop them.",
                    marketing, "We'll invite you for a touch-up." if marketing is not None else "", language)


@pytest.fixture
def book(database, make_request) -> Callable[..., BookingResult]:  # noqa: F811
    """book(day=4, hour=10, **delivery args): a consultation with Dr. Rivera in Austin (March 2026)."""

    def make(day: int = 4, hour: int = 10, **kwargs: Any) -> BookingResult:
        request = make_request(rivera_slot(hour, day=day), delivery=delivery(**kwargs))
        return book_consultation(database.sessions, request, now=NOW)

    return make


class FakeRasa:
    """Rasa's trigger_intent endpoint: records each call and, like the assistant's action, delivers the message
    (start_delivery) unless told to fail first with the given HTTP statuses."""

    def __init__(self, sessions) -> None:
        self.sessions = sessions
        self.calls: List[Dict[str, Any]] = []
        self.uttered: List[int] = []
        self.failures: List[int] = []
        self.token = "test-token"

    async def trigger(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.calls.append({"conversation": request.match_info["conversation"], "body": body,
                           "query": dict(request.query)})
        if request.query.get("token") != self.token:
            return web.Response(status=401)
        if self.failures:
            return web.Response(status=self.failures.pop(0))
        message_id = int(body["entities"]["scheduled_message"])
        channel = request.query["output_channel"]
        now = NOW + timedelta(days=400)  # only stored; any time works here
        if start_delivery(self.sessions, message_id, request.match_info["conversation"], channel, now):
            self.uttered.append(message_id)
        return web.json_response({"tracker": {}, "messages": []})


@pytest_asyncio.fixture
async def fake_rasa(database):  # noqa: F811
    fake = FakeRasa(database.sessions)
    app = web.Application()
    app.router.add_post("/conversations/{conversation}/trigger_intent", fake.trigger)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    fake.url = f"http://127.0.0.1:{port}"
    yield fake
    await runner.cleanup()
