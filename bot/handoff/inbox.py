"""What the staff inbox does with a handed-off conversation, through Rasa's HTTP API and the queue.

* `add_events`: copies the patient's new messages among a conversation's events into the queue (once each, by
  message id), and the assistant's own messages after the handoff (for context). A message with urgent symptoms
  (intent report_emergency, which the safety guard sets) makes the request urgent; the 911 answer itself comes from
  Rasa, paused or not (bot/nlp/paused_safety.py), so it does not wait for this web app. The events come from Rasa's
  event broker as they happen (bot/handoff/events.py); `sync` reads one request's whole tracker once, to catch up
  (when the consumer starts or the broker comes back, when staff open or close the conversation).
* `reply`: stores the staff message, then has Rasa run `action_relay_staff_message` with `output_channel=latest`,
  which sends it on the patient's own channel. When Rasa's answer holds a "messages" list, the channel could not
  push (plain REST): the message is marked "not_pushable" so the inbox can say so.
* `close`: closes the request, relays "the assistant is back" and appends a `resume` event: the assistant answers
  the patient's next message again.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, List, Optional

import aiohttp

from bot.db.handoff_models import BOT, PATIENT, HandoffMessage, HandoffRequest
from bot.handoff.queue import HandoffQueue, PatientMessage
from bot.handoff.rasa_api import CARRIED_OVER, RELAY_ACTION, RasaAPI, RasaAPIError

log = logging.getLogger(__name__)

EMERGENCY_INTENT = "report_emergency"
PUSHED = "pushed"
NOT_PUSHABLE = "not_pushable"
FAILED = "failed"
RASA_ERRORS = (RasaAPIError, aiohttp.ClientError, asyncio.TimeoutError)


def new_messages(events: List[Dict[str, Any]], since_ts: float) -> List[PatientMessage]:
    """The patient's messages and the assistant's own after `since_ts`; relayed staff messages are left out (they
    are in the queue already), and so are the copies a new session carries over (bot/nlp/tracker_store.py)."""
    found = []
    last_action = None
    for event in events:
        kind = event.get("event")
        if kind == "action":
            last_action = event.get("name")
            continue
        timestamp = float(event.get("timestamp") or 0)
        text = (event.get("text") or "").strip()
        if timestamp <= since_ts or not text or (event.get("metadata") or {}).get(CARRIED_OVER):
            continue
        if kind == "user":
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            external_id = event.get("message_id") or f"user:{timestamp!r}"
            found.append(PatientMessage(external_id, text, timestamp, PATIENT, intent))
        elif kind == "bot" and last_action != RELAY_ACTION:
            found.append(PatientMessage(f"bot:{timestamp!r}", text, timestamp, BOT))
    return found


class Inbox:
    def __init__(self, queue: HandoffQueue, rasa: RasaAPI) -> None:
        self.queue = queue
        self.rasa = rasa

    async def _db(self, function: Any, *args: Any, **kwargs: Any) -> Any:
        return await asyncio.to_thread(function, *args, **kwargs)

    async def sync(self, request: HandoffRequest) -> List[HandoffMessage]:
        """One read of the request's tracker from Rasa, for catching up (bot/handoff/events.py follows the events)."""
        try:
            tracker = await self.rasa.tracker(request.conversation_id)
        except RASA_ERRORS as error:
            log.warning("handoff request %s: reading the tracker failed (%s)", request.id, type(error).__name__)
            return []
        return await self.add_events(request, tracker.get("events") or [])

    async def add_events(self, request: HandoffRequest, events: List[Dict[str, Any]]) -> List[HandoffMessage]:
        """Stores the new messages among the conversation's `events` (an emergency makes the request urgent), then
        retries staff messages Rasa has not taken yet; returns the messages added."""
        found = new_messages(events, request.since_ts)
        added = await self._db(self.queue.add_patient_messages, request.id, found)
        added_ids = {message.external_id for message in added}
        urgent = [m for m in found if m.external_id in added_ids and m.intent == EMERGENCY_INTENT]
        if urgent:
            await self._db(self.queue.mark_urgent, request.id)
        await self.relay_pending(request)
        return added

    async def relay_pending(self, request: HandoffRequest) -> None:
        """Relays the request's staff messages that Rasa has not taken yet (e.g. it was down when they were sent)."""
        pending = [m for m in await self._db(self.queue.undelivered, request.id) if m.relayed_at is None]
        if pending:
            await self.relay(request)

    async def sync_open(self) -> int:
        count = 0
        for request in await self._db(self.queue.open_requests):
            count += len(await self.sync(request))
        return count

    async def relay(self, request: HandoffRequest) -> Optional[str]:
        """Has Rasa send the request's unsent staff/system messages; records how that went."""
        try:
            result = await self.rasa.execute(request.conversation_id, RELAY_ACTION)
            delivery = NOT_PUSHABLE if result.get("messages") else PUSHED
        except RASA_ERRORS as error:
            log.warning("handoff request %s: relaying failed (%s)", request.id, type(error).__name__)
            delivery = FAILED
        relayed = [m.id for m in await self._db(self.queue.undelivered, request.id) if m.relayed_at is not None]
        await self._db(self.queue.set_delivery, relayed, delivery)
        return delivery if relayed else None

    async def take(self, request_id: int, staff_id: int, staff_name: str) -> HandoffRequest:
        before = await self._db(self.queue.get, request_id)
        request = await self._db(self.queue.take, request_id, staff_id)
        await self.sync(request)  # the whole conversation in front of the staff member, whatever the broker did
        if before.status != request.status:
            joined = f"{staff_name} from our team has joined the chat."
            await self._db(self.queue.add_system_message, request_id, joined)
            await self.relay(request)
        return request

    async def reply(self, request_id: int, staff_id: int, text: str) -> HandoffMessage:
        message = await self._db(self.queue.add_staff_message, request_id, staff_id, text)
        await self.relay(await self._db(self.queue.get, request_id))
        return message

    async def note(self, request_id: int, staff_id: int, text: str) -> HandoffMessage:
        return await self._db(self.queue.add_staff_message, request_id, staff_id, text, "note")

    async def close(self, request_id: int, staff_id: int) -> HandoffRequest:
        request = await self._db(self.queue.get, request_id)
        if request.is_open:
            await self.sync(request)  # keep every last word
        request = await self._db(self.queue.close, request_id, staff_id)
        await self.relay(request)
        try:
            await self.rasa.resume(request.conversation_id)
        except RASA_ERRORS as error:
            log.warning("handoff request %s: resuming failed (%s)", request.id, type(error).__name__)
            await self._db(self.queue.add_system_note, request_id, "Could not resume the assistant (Rasa unreachable).")
        return request


__all__ = ["FAILED", "NOT_PUSHABLE", "PUSHED", "Inbox", "new_messages"]
