"""Per-sender rate limits on the public channels: a flood gets one polite sentence and 200s, never a 5xx, and other
senders are still answered."""

from __future__ import annotations

import json

import pytest

from bot.channels.rate_limit import SenderRateLimiter, slow_down_text
from bot.channels.rest import ClinicRestInput
from bot.clinic import clinic

pytestmark = pytest.mark.asyncio
WEBHOOK = "/webhooks/rest/webhook"
FLOODER, NEIGHBOUR = "flooding-sender-0001", "patient-next-door-01"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_a_bucket_allows_the_burst_then_refills_at_the_rate():
    clock = Clock()
    limiter = SenderRateLimiter(per_minute=30, burst=3, clock=clock)
    assert [limiter.take("a") for _ in range(5)] == [True, True, True, False, None]
    assert limiter.take("b") is True
    clock.now += 2  # 30 a minute: one message every 2 seconds
    assert limiter.take("a") is True and limiter.take("a") is False


async def test_a_flood_from_one_sender_gets_one_polite_reply_and_others_are_still_answered(
    serve, fake_assistant, monkeypatch
):
    monkeypatch.setenv("RATE_LIMIT_BURST", "5")
    server = await serve(ClinicRestInput(production=False))
    answers = []
    for number in range(40):
        status, body = await server.post(WEBHOOK, json={"sender": FLOODER, "message": f"spam {number}"})
        assert status == 200
        answers.append(json.loads(body))
    assert [a[0]["text"] for a in answers[:5]] == [f"You said: spam {n}" for n in range(5)]
    assert answers[5] == [{"recipient_id": f"rest:{FLOODER}", "text": slow_down_text()}]
    assert clinic().phone in slow_down_text()
    assert all(a == [] for a in answers[6:])
    assert len(fake_assistant.received) == 5
    status, body = await server.post(WEBHOOK, json={"sender": NEIGHBOUR, "message": "how long does it last?"})
    assert status == 200 and json.loads(body)[0]["text"] == "You said: how long does it last?"
