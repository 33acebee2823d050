"""Redis down (production: the lock store and Socket.IO rooms): the Rasa server, started as in production with
REDIS_URL, answers a patient with a sentence and the clinic's phone number, stores nothing half-done, and answers
normally once Redis is back. A proxy in front of this machine's Redis cuts it off, then lets it back."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import uuid

import pytest
import requests

from bot.answers import answer_facts
from bot.clinic import clinic
from tests.conftest import MODEL, ROOT, free_port, wait_until_up
from tests.local_services import REDIS_PORT, TcpProxy, answers

PHONE = answer_facts(clinic())["clinic_phone"]


@pytest.fixture(scope="module")
def server_and_redis(tmp_path_factory):
    if not answers(REDIS_PORT):
        pytest.skip("needs Redis on 127.0.0.1:6379 (.ci/run starts it)")
    if not MODEL.exists():
        pytest.fail(f"No trained model at {MODEL}: run `make train` (make test does it first).")
    proxy = TcpProxy(REDIS_PORT)
    folder = tmp_path_factory.mktemp("redis-down")
    port, token = free_port(), secrets.token_urlsafe(24)
    env = {**os.environ, "RASA_API_TOKEN": token, "REDIS_URL": f"redis://127.0.0.1:{proxy.port}/12",
           "TRACKER_STORE_URL": f"sqlite:///{folder / 'tracker.db'}",
           "EVENT_BROKER_URL": f"sqlite:///{folder / 'events.db'}", "TF_CPP_MIN_LOG_LEVEL": "3",
           "RASA_TELEMETRY_ENABLED": "false", "RATE_LIMIT_PER_MINUTE": "1000"}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.rasa_server", "--port", str(port), "--model", str(MODEL)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=(folder / "rasa.log").open("w"))
    try:
        wait_until_up(f"http://127.0.0.1:{port}/", process, timeout=180)
        yield f"http://127.0.0.1:{port}", token, proxy, folder / "rasa.log"
    finally:
        process.terminate()
        process.wait(timeout=30)
        proxy.close()


def say(url: str, sender: str, text: str) -> str:
    reply = requests.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60)
    reply.raise_for_status()
    return " ".join(m.get("text", "") for m in reply.json())


def test_redis_down_gets_a_sentence_with_the_phone_then_the_conversation_goes_on(server_and_redis):
    url, token, proxy, log = server_and_redis
    sender = uuid.uuid4().hex
    assert "$" in say(url, sender, "how much is a consultation?")  # through the lock store on Redis
    proxy.drop()
    down = say(url, sender, "and how long does botox last? my name is Dana, 512 555 0147")
    assert PHONE in down and "send it again" in down
    proxy.resume()
    back = say(url, sender, "how much is a consultation?")
    assert "$" in back
    tracker = requests.get(f"{url}/conversations/rest:{sender}/tracker", params={"token": token}, timeout=30).json()
    said = [event.get("text") for event in tracker["events"] if event.get("event") == "user"]
    assert said == ["how much is a consultation?"] * 2  # nothing of the failed message half-stored
    log_text = log.read_text()
    assert "Dana" not in log_text and "0147" not in log_text
