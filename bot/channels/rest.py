"""The REST channel (`POST /webhooks/rest/webhook`), safe to leave on: a caller only ever reaches REST conversations.

Rasa's own `rest` channel takes the conversation id, the channel name and metadata from the request body, so a
caller who knew a patient's phone number could continue that patient's SMS conversation, and a JSON array in the
body was a 500. This one

* takes only long random conversation ids (16-64 of A-Za-z0-9_-, like the widget's), so a caller cannot guess
  another caller's id, and namespaces them: `{"sender": "k3J9..."}` is the conversation `rest:k3J9...`, never an
  SMS, WhatsApp or other channel's thread (bot/channels/conversation_ids.py); the input channel is always `rest` and
  body metadata is ignored;
* answers a malformed body (not a JSON object, no text, a wrong type, an over-long message) with 400 and a
  sentence saying what to send;
* requires `Authorization: Bearer $REST_CHANNEL_TOKEN` when that variable is set, and is off (503) in the
  production profile (`CLINIC_ENV=production`) unless it is set. `make run` (development) leaves it open for
  local testing;
* logs no message text when the assistant fails, and answers with a sentence and the clinic's phone number (as
  every channel does, through `guard`).

credentials.yml: `bot.channels.rest.ClinicRestInput:` (it keeps the `rest` name and URL).
"""

from __future__ import annotations

import hmac
import logging
import os
import re
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Optional, Tuple

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.conversation_ids import REST, conversation_id
from bot.channels.inbound import guard

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 4000
SENDER = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
TOKEN_ENV = "REST_CHANNEL_TOKEN"


def is_production(env: Mapping[str, str] = os.environ) -> bool:
    return (env.get("CLINIC_ENV") or "").strip().lower() == "production"


def parse_body(body: Any) -> Tuple[Optional[Tuple[str, str]], Optional[str]]:
    """((sender, text), None) for a usable request body, else (None, what is wrong in a sentence)."""
    if not isinstance(body, dict):
        return None, 'Send a JSON object like {"sender": "a-random-id", "message": "your question"}.'
    sender, text = body.get("sender"), body.get("message")
    if not isinstance(sender, str) or not SENDER.fullmatch(sender):
        return None, ('"sender" must be a random id of 16 to 64 letters, digits, "-" or "_", the same for the '
                      'whole conversation.')
    if not isinstance(text, str) or not text.strip():
        return None, '"message" must be a non-empty string.'
    if len(text) > MAX_MESSAGE_CHARS:
        return None, f'"message" is too long: please send at most {MAX_MESSAGE_CHARS} characters at a time.'
    return (sender, text.strip()), None


class ClinicRestInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return REST

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> "ClinicRestInput":
        return cls(token=(credentials or {}).get("token") or os.environ.get(TOKEN_ENV))

    def __init__(self, token: Optional[str] = None, production: Optional[bool] = None) -> None:
        self.token = token or None
        self.enabled = bool(self.token) or not (is_production() if production is None else production)
        if not self.enabled:
            logger.info("REST channel off in production: set %s to turn it on with a token", TOKEN_ENV)

    def is_authorised(self, request: Request) -> bool:
        if not self.token:
            return True
        sent = (request.headers.get("Authorization") or "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(sent.encode("utf-8"), self.token.encode("utf-8"))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        on_new_message = guard(on_new_message)
        webhook = Blueprint("clinic_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.enabled else "disabled"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.enabled:
                return response.json({"error": "The REST channel is off."}, status=503)
            if not self.is_authorised(request):
                return response.json({"error": "A valid bearer token is required."}, status=401)
            try:
                body = request.json
            except Exception:  # Sanic raises on a body that is not JSON
                body = None
            parsed, problem = parse_body(body)
            if parsed is None:
                return response.json({"error": problem}, status=400)
            sender, text = parsed
            return response.json(await self.answer(on_new_message, conversation_id(REST, sender), text))

        return webhook

    async def answer(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]], conversation: str, text: str
    ) -> List[Dict[str, Any]]:
        collector = CollectingOutputChannel()
        try:
            await on_new_message(UserMessage(text, collector, conversation, input_channel=self.name()))
        except Exception as error:  # the patient's sentence is in `collector` already (`guard`)
            logger.error("The assistant failed on a REST message (%s)", type(error).__name__)
        return collector.messages
