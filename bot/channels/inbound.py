"""Every patient message passes through here on its way from a channel to the assistant (`guard`): the sender's
rate limit (rate_limit.py), then text the NLU pipeline can always read.

* Lone UTF-16 surrogates (JSON can carry "\\ud800") made spaCy's tokenizer raise: they become U+FFFD.
* spaCy tokenizes a long run without spaces (punctuation, emoji) in quadratic time, so 4,000 "$" held the whole
  server for seconds: runs longer than MAX_RUN characters are broken with spaces. Button payloads ("/intent{...}")
  are left whole, unless nested deeper than any button's (Rasa's parser would hit Python's recursion limit).
* A message longer than MAX_CHARS is cut there (Slack allows 40,000 characters).
* Rasa's own commands typed by a patient ("/restart", "/session_start") would silently reset the conversation, and
  un-pause a chat that staff hold: they are read as the words.
* A message Rasa could not take (Redis or the tracker store down: the lock or the conversation could not be read or
  saved) gets `utter_system_unavailable`, which says it did not reach us, to send it again, and the clinic's phone
  number, instead of silence.

`SeenDeliveries` lets each channel drop a signed delivery it has already handled (a replay).
"""

from __future__ import annotations

import logging
import re
import time
from typing import Any, Awaitable, Callable, Dict, Optional

from rasa.core.channels.channel import UserMessage

from bot.channels.rate_limit import SenderRateLimiter, limit_per_sender
from bot.responses import render
from bot.safety.language import detect_language

log = logging.getLogger(__name__)

Handler = Callable[[UserMessage], Awaitable[Any]]
MAX_CHARS = 4000  # what REST accepts; no patient writes more, and spaCy's time grows with the length
MAX_RUN = 60
MAX_PAYLOAD_NESTING = 8
_LONG_RUN = re.compile(rf"(\S{{{MAX_RUN}}})(?=\S)")
_SURROGATE = re.compile("[\ud800-\udfff]")
RASA_COMMANDS = re.compile(r"^/(restart|session_start|back|action_\w+)\b", re.IGNORECASE)


def _nesting(payload: str) -> int:
    depth = deepest = 0
    for char in payload:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def readable_text(text: Optional[str]) -> str:
    text = _SURROGATE.sub("\ufffd", (text or "")[:MAX_CHARS])
    command = RASA_COMMANDS.match(text)
    if command:
        return command.group(1).replace("_", " ") + text[command.end():]
    if text.startswith("/") and _nesting(text) <= MAX_PAYLOAD_NESTING:
        return text
    return _LONG_RUN.sub(r"\1 ", text.lstrip("/") if text.startswith("/") else text)


class SeenDeliveries:
    """Ids of deliveries already handled (Twilio's MessageSid, Telegram's update_id, Slack's event_id, Messenger's
    mid), so a signed request replayed later is not handled twice. Providers retry for minutes, not days: ids are
    remembered for `ttl_s` seconds, in this process."""

    def __init__(self, ttl_s: float = 24 * 3600, clock: Callable[[], float] = time.monotonic):
        self.ttl_s = ttl_s
        self.clock = clock
        self._seen: Dict[str, float] = {}

    def first_time(self, delivery_id: Optional[str]) -> bool:
        if not delivery_id:
            return True
        now = self.clock()
        if len(self._seen) > 100_000:
            self._seen = {key: at for key, at in self._seen.items() if now - at < self.ttl_s}
        seen_at = self._seen.get(delivery_id)
        if seen_at is not None and now - seen_at < self.ttl_s:
            return False
        self._seen[delivery_id] = now
        return True


def guard(on_new_message: Handler, limiter: Optional[SenderRateLimiter] = None) -> Handler:
    limited = limit_per_sender(on_new_message, limiter)

    async def handle(message: UserMessage) -> Any:
        message.text = readable_text(message.text)
        try:
            return await limited(message)
        except Exception:
            # Whatever failed, the patient gets a sentence, not silence; the channel then logs the failure its way
            # (a pseudonym of the sender and the error's type, never its message: it can hold the patient's words).
            try:
                await message.output_channel.send_text_message(message.sender_id, unavailable_text(message.text))
            except Exception as sending:  # noqa: BLE001 - the channel itself is down: nothing more to do here
                log.error("Could not tell the patient either (%s)", type(sending).__name__)
            raise

    return handle


def unavailable_text(patient_text: str = "") -> str:
    """In Spanish for a message in Spanish: the tracker, where the patient's language is kept, may be what failed."""
    return render("utter_system_unavailable", None, {}, language=detect_language(patient_text)).text
