"""Channel tests: each connector runs in a real Sanic server (registered the way `rasa run` registers it) with a fake
assistant, and talks to a local fake of the outside API (Twilio, Graph, Slack, Telegram) that records every request."""

from __future__ import annotations

from typing import List

import pytest
import pytest_asyncio
from channel_fakes import FakeApi, FakeAssistant, Server
from rasa.core.channels.channel import InputChannel
from sqlalchemy import create_engine

from bot.channels.sms_consent import ConsentStore
from bot.channels.text_replies import MemoryOptionStore


@pytest_asyncio.fixture
async def fake_api():
    api = await FakeApi().start()
    yield api
    await api.stop()


@pytest.fixture
def fake_assistant() -> FakeAssistant:
    return FakeAssistant()


@pytest.fixture
def options() -> MemoryOptionStore:
    return MemoryOptionStore()


@pytest.fixture
def consent(tmp_path) -> ConsentStore:
    return ConsentStore(create_engine(f"sqlite:///{tmp_path / 'consent.db'}", future=True))


@pytest_asyncio.fixture
async def serve(fake_assistant):
    servers: List[Server] = []

    async def start(channel: InputChannel) -> Server:
        server = await Server(channel, fake_assistant).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        await server.stop()
