"""Socket.IO across Rasa replicas: with REDIS_URL set, a message emitted by one replica reaches a widget connected
to another (a staff reply relayed through whichever replica nginx picked). Two real processes on this machine's
Redis; skipped, with the reason, when Redis does not answer."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

import pytest
import requests
import socketio

from tests.conftest import free_port
from tests.local_services import REDIS_PORT, answers

REPLICA = Path(__file__).with_name("socketio_replica.py")
ORIGIN = "http://clinic.test"
SESSION = "replica0123456789abcdef0123456789"


pytestmark = pytest.mark.skipif(not answers(REDIS_PORT), reason="needs Redis on 127.0.0.1:6379 (.ci/run starts it)")


@contextmanager
def two_replicas(redis_url: str, tmp_path: Path) -> Iterator[Tuple[str, str]]:
    """Two processes of the channel, started at once."""
    env = {**os.environ, "REDIS_URL": redis_url, "WIDGET_ALLOWED_ORIGINS": ORIGIN}
    ports = [free_port(), free_port()]
    logs = [tmp_path / f"replica-{port}.log" for port in ports]
    processes = [subprocess.Popen([sys.executable, str(REPLICA), str(port)], env=env, stdout=log.open("w"),
                                  stderr=subprocess.STDOUT) for port, log in zip(ports, logs, strict=True)]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        deadline = time.monotonic() + 90
        for url, process, log in zip(urls, processes, logs, strict=True):
            while not is_up(f"{url}/up"):
                assert process.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        yield urls[0], urls[1]
    finally:
        for process in processes:
            process.terminate()
            process.wait(10)


def is_up(url: str) -> bool:
    try:
        return requests.get(url, timeout=1).ok
    except requests.ConnectionError:
        return False


async def received_on(widget_replica: str, emitting_replica: str) -> List[Dict]:
    """What a widget connected to `widget_replica` receives when `emitting_replica` sends to its session."""
    client = socketio.AsyncClient()
    received: List[Dict] = []
    confirmed = asyncio.Event()
    client.on("bot_uttered", lambda data: received.append(data))
    client.on("session_confirm", lambda _data: confirmed.set())
    await client.connect(widget_replica, headers={"Origin": ORIGIN}, transports=["polling"])  # as the widget falls back
    try:
        await client.emit("session_request", {"session_id": SESSION})
        await asyncio.wait_for(confirmed.wait(), 10)
        await asyncio.to_thread(requests.post, f"{emitting_replica}/emit",
                                json={"session_id": SESSION, "text": "Hi, this is Maria from the front desk."},
                                timeout=10)
        for _ in range(30):
            if received:
                break
            await asyncio.sleep(0.1)
        return received
    finally:
        await client.eio.disconnect(abort=True)  # a clean disconnect waits out the long poll (about 30 s)


def test_a_staff_reply_sent_by_one_replica_reaches_a_widget_on_the_other(tmp_path):
    with two_replicas("redis://127.0.0.1:6379/14", tmp_path) as (first, second):
        received = asyncio.run(received_on(second, first))
    assert [m.get("text") for m in received] == ["Hi, this is Maria from the front desk."]


def test_without_redis_each_replica_reaches_only_its_own_widgets(tmp_path):
    """The control: the same two processes without REDIS_URL do not share rooms."""
    with two_replicas("", tmp_path) as (first, second):
        assert asyncio.run(received_on(second, first)) == []
        assert [m.get("text") for m in asyncio.run(received_on(second, second))] == [
            "Hi, this is Maria from the front desk."]
