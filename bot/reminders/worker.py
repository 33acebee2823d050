"""The reminders worker: `python -m bot reminders run [--once] [--now ISO-TIME]`.

Each round claims the due messages (outbox.claim_due), then for each: a number that texted STOP gets nothing
(skipped "opted_out"); the channel's window decides whether and how it can go (windows.route); then Rasa's
`trigger_intent` sends it; a booking made in the website widget gets an e-mail instead (email_sender.py; skipped
as "email_off" when e-mail is not configured). A failed try is retried with backoff (out of quiet hours) up to
max_attempts. A message whose handling raises is recorded as a failed try ("error:<ExceptionType>") and the round
goes on with the others.
Logs carry message ids and reason codes only, never a number, a name or a conversation id.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Optional

import aiohttp
from sqlalchemy.orm import sessionmaker

from bot.channels.conversation_ids import twilio_address
from bot.channels.sms_consent import ConsentStore
from bot.handoff.rasa_api import RasaAPIError
from bot.reminders import outbox
from bot.reminders.email_sender import EmailSender
from bot.reminders.rasa_trigger import RasaTrigger
from bot.reminders.settings import ReminderSettings
from bot.reminders.windows import EMAIL_CHANNEL, route

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Worker:
    sessions: sessionmaker
    rasa: RasaTrigger
    consent: ConsentStore
    settings: ReminderSettings
    clock: Clock = system_clock
    batch: int = 50
    email: Optional[EmailSender] = None  # None: e-mail is off, and messages to an address are skipped

    def __post_init__(self) -> None:
        if self.batch < 1:  # a round drains while batches come back full: with 0 it would never end
            raise ValueError("the batch size must be at least 1")

    async def run_once(self) -> int:
        """One round: every message due now; returns how many were handled."""
        now = self.clock()
        claims = await asyncio.to_thread(outbox.claim_due, self.sessions, now, self.batch,
                                         self.settings.max_attempts)
        for claim in claims:
            await self._handle_apart(claim, now)
        return len(claims)

    async def _handle_apart(self, claim: outbox.Claim, now: datetime) -> None:
        """`handle`, with whatever it raises recorded on this message alone: the others still go."""
        try:
            await self.handle(claim, now)
        except Exception as error:
            await self._record_error(claim, now, f"error:{type(error).__name__}")

    async def _record_error(self, claim: outbox.Claim, now: datetime, reason: str) -> None:
        log.error("scheduled message %s: try %s raised (%s)", claim.id, claim.attempts, reason)
        try:
            await asyncio.to_thread(outbox.mark_failed_try, self.sessions, claim, now, reason, self.settings)
        except Exception as error:  # e.g. the database is away: the row is claimed again after the lease
            log.error("scheduled message %s: recording the failed try failed (%s)", claim.id, type(error).__name__)

    async def run_forever(self, interval_s: float = 30.0) -> None:
        while True:
            try:
                while await self.run_once() >= self.batch:
                    pass  # a full batch: more may be due
            except Exception as error:  # the database or Rasa is away: try again next round
                log.error("reminders round failed (%s)", type(error).__name__)
            await asyncio.sleep(interval_s)

    async def _opted_out(self, claim: outbox.Claim) -> bool:
        if claim.channel != "twilio":
            return False
        return await self.consent.ais_opted_out(twilio_address(claim.recipient))

    async def handle(self, claim: outbox.Claim, now: datetime) -> None:
        if await self._opted_out(claim):
            await asyncio.to_thread(outbox.mark_skipped, self.sessions, claim, "opted_out")
            return
        if claim.channel == EMAIL_CHANNEL and self.email is None:
            await asyncio.to_thread(outbox.mark_skipped, self.sessions, claim, "email_off")
            return
        decision = route(claim.channel, claim.recipient, claim.kind, claim.last_inbound, now,
                         self.settings.whatsapp_templates)
        if not decision.send:
            await asyncio.to_thread(outbox.mark_skipped, self.sessions, claim, decision.reason or "not_sendable")
            return
        if claim.channel == EMAIL_CHANNEL:
            error = await self.email.send(self.sessions, claim.id, claim.recipient, now)
        else:
            error = await self._send(claim, decision.delivery)
        if error is None:
            await asyncio.to_thread(outbox.mark_sent, self.sessions, claim, now, decision.delivery)
        else:
            log.warning("scheduled message %s: try %s failed (%s)", claim.id, claim.attempts, error)
            await asyncio.to_thread(outbox.mark_failed_try, self.sessions, claim, now, error, self.settings)

    async def _send(self, claim: outbox.Claim, delivery: Optional[str]) -> Optional[str]:
        """None when Rasa took the trigger, else a reason code."""
        try:
            await self.rasa.trigger_message(claim.recipient, claim.channel, claim.id, delivery)
        except RasaAPIError as error:
            return f"rasa_http_{error.status}"
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            return f"rasa_unreachable:{type(error).__name__}"
        return None
