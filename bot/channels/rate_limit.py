"""Messages per sender are rate-limited on every public channel (widget, REST, SMS/WhatsApp, Messenger, Slack,
Telegram), so one flooding sender cannot take the assistant's time from everyone else.

Each conversation id has a token bucket: `RATE_LIMIT_BURST` messages at once (default 12), refilled at
`RATE_LIMIT_PER_MINUTE` (default 30). A message over the limit never reaches the assistant; the first one of a
flood gets one polite sentence with the clinic's phone number (not one per message: on SMS each would cost the
clinic and annoy the patient), and the webhook still answers 200, never a 5xx. Buckets live in this process: with
several Rasa processes behind a load balancer, each enforces its own limit.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, Mapping, Optional

from rasa.core.channels.channel import UserMessage

from bot.clinic import clinic

Handler = Callable[[UserMessage], Awaitable[Any]]
MAX_TRACKED_SENDERS = 100_000


@dataclass
class Bucket:
    tokens: float
    updated: float
    told: bool = False


class SenderRateLimiter:
    def __init__(self, per_minute: float = 30, burst: int = 12, clock: Callable[[], float] = time.monotonic):
        self.rate = per_minute / 60.0
        self.burst = burst
        self.clock = clock
        self.buckets: Dict[str, Bucket] = {}

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> "SenderRateLimiter":
        return cls(float(env.get("RATE_LIMIT_PER_MINUTE") or 30), int(env.get("RATE_LIMIT_BURST") or 12))

    def take(self, sender: str) -> Optional[bool]:
        """True: go ahead. False: over the limit, tell the sender. None: over the limit, already told."""
        now = self.clock()
        bucket = self.buckets.get(sender) or self._new_bucket(sender, now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            bucket.told = False
            return True
        if bucket.told:
            return None
        bucket.told = True
        return False

    def _new_bucket(self, sender: str, now: float) -> Bucket:
        if len(self.buckets) >= MAX_TRACKED_SENDERS:
            self._forget_full_buckets(now)
        bucket = self.buckets[sender] = Bucket(tokens=self.burst, updated=now)
        return bucket

    def _forget_full_buckets(self, now: float) -> None:
        """Senders whose buckets have refilled are indistinguishable from new ones."""
        full_after = self.burst / self.rate
        self.buckets = {s: b for s, b in self.buckets.items() if now - b.updated < full_after}


def slow_down_text() -> str:
    return (f"You're sending messages faster than I can answer. Please wait a minute and send your question again; "
            f"if it's urgent, call us at {clinic().phone}, or 911 in an emergency.")


def limit_per_sender(on_new_message: Handler, limiter: Optional[SenderRateLimiter] = None) -> Handler:
    """`on_new_message`, for senders within their limit; a polite sentence once per flood for the others. One
    limiter per channel is enough: conversation ids are namespaced per channel."""
    limiter = limiter or SenderRateLimiter.from_env()

    async def handle(message: UserMessage) -> Any:
        verdict = limiter.take(message.sender_id or "")
        if verdict:
            return await on_new_message(message)
        if verdict is False and message.output_channel is not None:
            await message.output_channel.send_text_message(message.sender_id, slow_down_text())
        return None

    return handle
