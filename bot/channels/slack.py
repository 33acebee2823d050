"""Slack: Rasa's SlackInput, configured from the environment, with a pointable API host and Block Kit buttons.

`credentials.yml`: `bot.channels.slack.ClinicSlackInput:` (no body; Rasa's own keys such as `slack_token`,
`slack_signing_secret`, `slack_channel`, `use_threads`, `conversation_granularity` win when given). Off, answering
503, until both of these are set:

    SLACK_BOT_TOKEN        the bot's xoxb- token
    SLACK_SIGNING_SECRET   the app's signing secret
    SLACK_CHANNEL          optional: a channel the bot also answers in (besides DMs and mentions)
    SLACK_API_BASE         another Web API host (a local fake in tests); default https://slack.com/api/

Verification is Rasa's `SlackInput.is_request_from_slack_authentic`: `X-Slack-Signature` must be
`v0=` HMAC-SHA256 of `v0:{X-Slack-Request-Timestamp}:{body}` with the signing secret (constant-time compare), and the
timestamp must be within five minutes of now (replays are refused). Rasa answers a failed check with 400; this
connector runs the same check first and answers 403, so no unsigned request reaches Rasa's handler at all.
Replies: no legacy `as_user`, texts split at 3000 characters (a Block Kit section's limit), and up to 25 buttons per
actions block instead of Rasa's silent drop of all buttons beyond five.
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Optional

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.slack import SlackBot, SlackInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.channels.conversation_ids import SLACK, address_of, conversation_id
from bot.channels.inbound import SeenDeliveries, guard
from bot.channels.text_replies import SLACK_LIMIT, is_link, split_text

logger = logging.getLogger(__name__)

CHANNEL = "slack"
MAX_ACTIONS_PER_BLOCK = 25
MAX_BUTTON_TEXT = 75


def _setting(credentials: Optional[Mapping[str, Any]], key: str, variable: str) -> Optional[str]:
    value = (credentials or {}).get(key) or os.environ.get(variable)
    return str(value).strip() if value else None


def _is_interactive_payload(request: Request) -> bool:
    """A form POST Rasa's SlackInput can read: a `payload` field holding a button click (Rasa answers any other
    interactive payload, a shortcut or a modal, with a 500 that Slack would retry)."""
    try:
        payload = json.loads(request.form.get("payload") or "")
    except (ValueError, TypeError):
        return False
    actions = payload.get("actions") if isinstance(payload, dict) else None
    return isinstance(actions, list) and bool(actions) and all(isinstance(action, dict) for action in actions)


class ClinicSlackOutput(SlackBot):
    def __init__(
        self,
        token: str,
        slack_channel: Optional[str] = None,
        thread_id: Optional[str] = None,
        proxy: Optional[str] = None,
        api_base: Optional[str] = None,
    ) -> None:
        super().__init__(token, slack_channel, thread_id, proxy)
        if api_base:
            self.client = AsyncWebClient(token, base_url=api_base.rstrip("/") + "/", proxy=proxy)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        recipient = self.slack_channel or address_of(SLACK, recipient_id)
        for chunk in split_text(text, SLACK_LIMIT):
            await self._post_message(channel=recipient, text=chunk, type="mrkdwn")

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        recipient = self.slack_channel or address_of(SLACK, recipient_id)
        chunks = split_text(text, SLACK_LIMIT) or [" "]
        for chunk in chunks[:-1]:
            await self._post_message(channel=recipient, text=chunk, type="mrkdwn")
        elements = []
        for button in buttons:
            element: Dict[str, Any] = {
                "type": "button",
                "text": {
                    "type": "plain_text",
                    "text": str(button.get("title") or button.get("payload"))[:MAX_BUTTON_TEXT],
                },
            }
            if is_link(button):
                element["url"] = button["url"]
            else:
                element["value"] = str(button.get("payload") or button.get("title"))
            elements.append(element)
        blocks: List[Dict[str, Any]] = [{"type": "section", "text": {"type": "plain_text", "text": chunks[-1]}}]
        blocks.extend(
            {"type": "actions", "elements": elements[start : start + MAX_ACTIONS_PER_BLOCK]}
            for start in range(0, len(elements), MAX_ACTIONS_PER_BLOCK)
        )
        await self._post_message(channel=recipient, text=chunks[-1], blocks=blocks)


class ClinicSlackInput(SlackInput):
    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> "ClinicSlackInput":
        credentials = credentials or {}
        return cls(
            slack_token=_setting(credentials, "slack_token", "SLACK_BOT_TOKEN") or "",
            slack_channel=_setting(credentials, "slack_channel", "SLACK_CHANNEL"),
            proxy=credentials.get("proxy"),
            slack_retry_reason_header=credentials.get("slack_retry_reason_header", "x-slack-retry-reason"),
            slack_retry_number_header=credentials.get("slack_retry_number_header", "x-slack-retry-num"),
            errors_ignore_retry=credentials.get("errors_ignore_retry"),
            use_threads=credentials.get("use_threads", False),
            slack_signing_secret=_setting(credentials, "slack_signing_secret", "SLACK_SIGNING_SECRET") or "",
            conversation_granularity=credentials.get("conversation_granularity", "sender"),
            api_base=_setting(credentials, "api_base", "SLACK_API_BASE"),
        )

    def __init__(
        self,
        slack_token: str,
        slack_channel: Optional[str] = None,
        proxy: Optional[str] = None,
        slack_retry_reason_header: Optional[str] = "x-slack-retry-reason",
        slack_retry_number_header: Optional[str] = "x-slack-retry-num",
        errors_ignore_retry: Optional[List[str]] = None,
        use_threads: Optional[bool] = False,
        slack_signing_secret: str = "",
        conversation_granularity: Optional[str] = "sender",
        api_base: Optional[str] = None,
    ) -> None:
        self.api_base = api_base
        self.seen = SeenDeliveries()
        self.missing = [
            variable
            for variable, value in (("SLACK_BOT_TOKEN", slack_token), ("SLACK_SIGNING_SECRET", slack_signing_secret))
            if not value
        ]
        if self.missing:  # Rasa's constructor refuses a missing secret: stay off instead
            logger.info("Slack channel off: set %s to turn it on", ", ".join(self.missing))
            self.slack_token, self.slack_signing_secret, self.slack_channel, self.proxy = slack_token, "", None, None
            return
        super().__init__(
            slack_token,
            slack_channel,
            proxy,
            slack_retry_reason_header,
            slack_retry_number_header,
            errors_ignore_retry,
            use_threads,
            slack_signing_secret,
            conversation_granularity,
        )

    @property
    def enabled(self) -> bool:
        return not self.missing

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        if not self.enabled:
            webhook = Blueprint("clinic_slack_webhook", __name__)

            @webhook.route("/", methods=["GET"])
            async def health(_: Request) -> HTTPResponse:
                return response.json({"status": "disabled", "missing": self.missing})

            @webhook.route("/webhook", methods=["GET", "POST"])
            async def off(_: Request) -> HTTPResponse:
                return response.text("The Slack channel is not configured.", status=503)

            return webhook

        webhook = super().blueprint(guard(on_new_message))

        @webhook.middleware("request")
        async def signed_only(request: Request) -> Optional[HTTPResponse]:
            if request.path.rstrip("/").endswith("/webhook") and not self.is_request_from_slack_authentic(request):
                logger.warning("Rejected a Slack request without a valid, fresh X-Slack-Signature")
                return response.text("Invalid or stale Slack signature.", status=403)
            if request.method == "POST" and "json" in (request.content_type or ""):
                body = request.json
                if not isinstance(body, dict) or not isinstance(body.get("event", {}), dict):
                    return response.text("")  # signed, but nothing Slack sends: Rasa's handler would fail on it
                if body.get("type") == "url_verification":  # Rasa would answer a bare JSON string
                    return response.json({"challenge": body.get("challenge")})
                if not self.seen.first_time(body.get("event_id")):
                    return response.text("")  # a delivery already handled (a replay, or Slack's own retry)
            elif request.method == "POST" and not _is_interactive_payload(request):
                return response.text("")
            return None

        return webhook

    async def process_message(
        self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]], text: str,
        sender_id: Optional[str], metadata: Optional[Dict],
    ) -> Any:
        conversation = conversation_id(SLACK, sender_id) if sender_id else sender_id
        return await super().process_message(request, on_new_message, text, conversation, metadata)

    def get_output_channel(self, channel: Optional[str] = None, thread_id: Optional[str] = None) -> OutputChannel:
        return ClinicSlackOutput(self.slack_token, channel or self.slack_channel, thread_id, self.proxy, self.api_base)
