"""Facebook Messenger (and Instagram messages sent through the same Page): verified webhooks, quick replies.

`credentials.yml`: `bot.channels.messenger.ClinicMessengerInput:` (no body). Settings come from the environment
(credentials.yml keys `verify`, `secret`, `page-access-token` win when given); the channel is off, answering 503,
until all three are set:

    FACEBOOK_VERIFY_TOKEN        the token you type into the app's webhook settings (answers Meta's GET challenge)
    FACEBOOK_APP_SECRET          the app secret: every POST must carry X-Hub-Signature-256 = HMAC-SHA256 of its body
    FACEBOOK_PAGE_ACCESS_TOKEN   the Page's token for the Send API
    FACEBOOK_GRAPH_BASE          another Graph API host (a local fake in tests); default https://graph.facebook.com
    FACEBOOK_GRAPH_VERSION       default v21.0

Why not Rasa's FacebookInput: it checks only the legacy `X-Hub-Signature` (SHA-1, algorithm taken from the header),
answers 200 to a forged request, handles only the first message of a batch, and sends through a blocking `requests`
client pinned to Graph API v2.12. This connector checks `X-Hub-Signature-256` in constant time (403 otherwise), handles
every event and sends with aiohttp. Buttons become quick replies (at most 13, titles up to 20 characters); buttons
that do not fit (more of them, longer titles, links) become numbered options as on SMS. Texts split at 2000 characters.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
from typing import Any, Awaitable, Callable, Dict, Iterable, List, Mapping, Optional

import aiohttp
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.conversation_ids import MESSENGER, address_of, conversation_id
from bot.channels.inbound import SeenDeliveries, guard
from bot.channels.text_replies import (
    MESSENGER_LIMIT,
    NumberedReplies,
    OptionStore,
    conversation_key,
    is_link,
    option_store,
    split_text,
)
from bot.privacy import log_id
from bot.reminders.windows import DELIVERY_KEY, tag_of

logger = logging.getLogger(__name__)

CHANNEL = "facebook"
GRAPH_BASE = "https://graph.facebook.com"
GRAPH_VERSION = "v21.0"
MAX_QUICK_REPLIES = 13
MAX_QUICK_REPLY_TITLE = 20
MAX_PAYLOAD = 1000
MAX_ELEMENTS = 10


def _setting(credentials: Optional[Mapping[str, Any]], key: str, variable: str) -> Optional[str]:
    value = (credentials or {}).get(key) or os.environ.get(variable)
    return str(value).strip() if value else None


def valid_signature(app_secret: str, body: bytes, header: Optional[str]) -> bool:
    """Whether `X-Hub-Signature-256: sha256=<hex>` is the HMAC-SHA256 of the raw body with the app secret."""
    if not app_secret or not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode("utf-8"), body or b"", hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header[len("sha256=") :].strip().lower())


class MessengerSender:
    """The Send API (`POST {graph}/{version}/me/messages`) over aiohttp."""

    def __init__(
        self,
        page_access_token: str,
        app_secret: Optional[str] = None,
        graph_base: Optional[str] = None,
        graph_version: Optional[str] = None,
    ) -> None:
        self.page_access_token = page_access_token
        self.app_secret = app_secret
        self.url = f"{(graph_base or GRAPH_BASE).rstrip('/')}/{graph_version or GRAPH_VERSION}/me/messages"

    def _auth(self) -> Dict[str, str]:
        params = {"access_token": self.page_access_token}
        if self.app_secret:  # appsecret_proof: Meta can require it for calls with the token
            params["appsecret_proof"] = hmac.new(
                self.app_secret.encode("utf-8"), self.page_access_token.encode("utf-8"), hashlib.sha256
            ).hexdigest()
        return params

    async def send(self, recipient_id: str, message: Dict[str, Any], messaging_type: str = "RESPONSE",
                   tag: Optional[str] = None) -> bool:
        """Sends one message; with `tag`, as a MESSAGE_TAG message (Messenger's only way to write after 24 hours)."""
        recipient = {"id": address_of(MESSENGER, recipient_id)}
        body = {"recipient": recipient, "messaging_type": "MESSAGE_TAG" if tag else messaging_type, "message": message}
        if tag:
            body["tag"] = tag
        try:
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15)) as session:
                async with session.post(self.url, params=self._auth(), json=body) as answer:
                    if answer.status >= 400:
                        logger.warning(
                            "Messenger refused a message to %s: HTTP %s", log_id(recipient_id), answer.status
                        )
                        return False
                    return True
        except aiohttp.ClientError as error:
            logger.warning("Could not reach Messenger for %s: %s", log_id(recipient_id), type(error).__name__)
            return False


def _quick_replies_fit(buttons: List[Dict[str, Any]]) -> bool:
    return (
        0 < len(buttons) <= MAX_QUICK_REPLIES
        and not any(is_link(b) for b in buttons)
        and all(0 < len(str(b.get("title") or "")) <= MAX_QUICK_REPLY_TITLE for b in buttons)
        and all(len(str(b.get("payload") or b.get("title"))) <= MAX_PAYLOAD for b in buttons)
    )


def _delivery_id(event: Dict[str, Any]) -> Optional[str]:
    message = event.get("message") if isinstance(event.get("message"), dict) else {}
    return message.get("mid") or None


def _objects(value: Any) -> List[Dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


class ClinicMessengerOutput(OutputChannel):
    @classmethod
    def name(cls) -> str:
        return CHANNEL

    def __init__(self, sender: MessengerSender, options: OptionStore) -> None:
        self.sender = sender
        self.options = options
        self._numbered: Dict[str, NumberedReplies] = {}

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        """A scheduled message outside the 24 hours goes as text with the message tag its delivery names."""
        tag = tag_of((message.get("custom") or {}).get(DELIVERY_KEY))
        if tag:
            for chunk in split_text(message.get("text") or "", MESSENGER_LIMIT):
                await self.sender.send(recipient_id, {"text": chunk}, tag=tag)
            return
        await super().send_response(recipient_id, message)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        for chunk in split_text(text, MESSENGER_LIMIT):
            await self.sender.send(recipient_id, {"text": chunk})

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        if not _quick_replies_fit(buttons):
            if recipient_id not in self._numbered:
                key = conversation_key(CHANNEL, recipient_id)
                self._numbered[recipient_id] = NumberedReplies(self.options, key)
            await self.send_text_message(recipient_id, await self._numbered[recipient_id].render(text, buttons))
            return
        chunks = split_text(text, MESSENGER_LIMIT) or ["Please choose:"]
        for chunk in chunks[:-1]:
            await self.sender.send(recipient_id, {"text": chunk})
        quick_replies = [
            {"content_type": "text", "title": str(b["title"]), "payload": str(b.get("payload") or b["title"])}
            for b in buttons
        ]
        await self.sender.send(recipient_id, {"text": chunks[-1], "quick_replies": quick_replies})

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self.sender.send(
            recipient_id, {"attachment": {"type": "image", "payload": {"url": image, "is_reusable": True}}}
        )

    async def send_elements(self, recipient_id: str, elements: Iterable[Dict[str, Any]], **kwargs: Any) -> None:
        cards = []
        for element in list(elements)[:MAX_ELEMENTS]:
            card = dict(element)
            card["buttons"] = [
                {**b, "type": b.get("type") or ("web_url" if is_link(b) else "postback")}
                for b in element.get("buttons") or []
            ][:3]
            if not card["buttons"]:
                card.pop("buttons")
            cards.append(card)
        template = {"template_type": "generic", "elements": cards}
        await self.sender.send(recipient_id, {"attachment": {"type": "template", "payload": template}})

    async def send_custom_json(self, recipient_id: str, json_message: Dict[str, Any], **kwargs: Any) -> None:
        """A `custom` response is a Send API `message` object, sent as it is."""
        await self.sender.send(recipient_id, json_message)


class ClinicMessengerInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> "ClinicMessengerInput":
        return cls(
            verify_token=_setting(credentials, "verify", "FACEBOOK_VERIFY_TOKEN"),
            app_secret=_setting(credentials, "secret", "FACEBOOK_APP_SECRET"),
            page_access_token=_setting(credentials, "page-access-token", "FACEBOOK_PAGE_ACCESS_TOKEN"),
            graph_base=_setting(credentials, "graph_base", "FACEBOOK_GRAPH_BASE"),
            graph_version=_setting(credentials, "graph_version", "FACEBOOK_GRAPH_VERSION"),
        )

    def __init__(
        self,
        verify_token: Optional[str],
        app_secret: Optional[str],
        page_access_token: Optional[str],
        graph_base: Optional[str] = None,
        graph_version: Optional[str] = None,
        options: Optional[OptionStore] = None,
    ) -> None:
        self.verify_token = verify_token
        self.seen = SeenDeliveries()
        self.app_secret = app_secret
        self.page_access_token = page_access_token
        self.graph_base = graph_base
        self.graph_version = graph_version
        self._options = options
        self.missing = [
            variable
            for variable, value in (
                ("FACEBOOK_VERIFY_TOKEN", verify_token),
                ("FACEBOOK_APP_SECRET", app_secret),
                ("FACEBOOK_PAGE_ACCESS_TOKEN", page_access_token),
            )
            if not value
        ]
        if self.missing:
            logger.info("Messenger channel off: set %s to turn it on", ", ".join(self.missing))

    @property
    def enabled(self) -> bool:
        return not self.missing

    @property
    def options(self) -> OptionStore:
        if self._options is None:
            self._options = option_store()
        return self._options

    def get_output_channel(self) -> Optional[OutputChannel]:
        if not self.enabled:
            return None
        sender = MessengerSender(self.page_access_token, self.app_secret, self.graph_base, self.graph_version)
        return ClinicMessengerOutput(sender, self.options)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        on_new_message = guard(on_new_message)
        webhook = Blueprint("clinic_messenger_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            if not self.enabled:
                return response.json({"status": "disabled", "missing": self.missing})
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            token = request.args.get("hub.verify_token") or ""
            if (
                self.enabled
                and request.args.get("hub.mode") == "subscribe"
                and hmac.compare_digest(token.encode("utf-8"), self.verify_token.encode("utf-8"))
            ):
                return response.text(request.args.get("hub.challenge") or "")
            return response.text("Invalid verify token.", status=403)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.enabled:
                return response.text("The Messenger channel is not configured.", status=503)
            if not valid_signature(self.app_secret, request.body, request.headers.get("X-Hub-Signature-256")):
                logger.warning("Rejected a Messenger webhook request without a valid X-Hub-Signature-256")
                return response.text("Invalid signature.", status=403)
            payload = request.json if isinstance(request.json, dict) else {}
            for entry in _objects(payload.get("entry")):
                for event in _objects(entry.get("messaging")):
                    if not self.seen.first_time(_delivery_id(event)):
                        continue
                    try:
                        await self.handle_event(event, payload.get("object"), on_new_message)
                    except (AttributeError, TypeError):  # signed, but not a messaging event: nothing to answer
                        logger.info("Ignored a malformed Messenger event")
            return response.text("EVENT_RECEIVED")

        return webhook

    async def handle_event(
        self, event: Dict[str, Any], source: Optional[str], on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> None:
        sender_id = (event.get("sender") or {}).get("id")
        message, postback = event.get("message"), event.get("postback")
        if not sender_id:
            return
        if message:
            if message.get("is_echo"):
                return
            text = (message.get("quick_reply") or {}).get("payload")
            if not text:
                text = (message.get("text") or "").strip()
                if not text:  # stickers, pictures, voice: no words for the assistant
                    return
                picked = await NumberedReplies.resolve(
                    self.options, conversation_key(CHANNEL, conversation_id(MESSENGER, sender_id)), text)
                text = picked or text
        elif postback:
            text = postback.get("payload") or postback.get("title")
        else:  # deliveries, reads, reactions
            return
        if not text:
            return
        metadata = {"channel": "instagram" if source == "instagram" else "messenger", "mid": (message or {}).get("mid")}
        try:
            await on_new_message(
                UserMessage(text, self.get_output_channel(), conversation_id(MESSENGER, sender_id),
                            input_channel=self.name(), metadata=metadata)
            )
        except Exception as error:
            logger.error(
                "The assistant failed on a Messenger message from %s (%s)", log_id(sender_id), type(error).__name__
            )
