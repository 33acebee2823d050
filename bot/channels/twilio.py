"""The clinic's texting number: SMS and WhatsApp through Twilio, with verified webhooks and SMS consent.

`credentials.yml`: `bot.channels.twilio.ClinicTwilioInput:` (no body). It reads its settings from the environment
(a key in credentials.yml wins over the variable) and is off, answering 503, while TWILIO_ACCOUNT_SID or
TWILIO_AUTH_TOKEN is unset:

    TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN  required
    TWILIO_NUMBER                          the clinic's SMS number, for texts that are not replies (`send_sms`)
    TWILIO_WHATSAPP_NUMBER                 the same for WhatsApp ("+1..." or "whatsapp:+1...")
    TWILIO_MESSAGING_SERVICE_SID           instead of a number, a Messaging Service
    TWILIO_WEBHOOK_URL                     the public webhook URL exactly as configured at Twilio; needed behind a
                                           proxy or TLS terminator, where the request's own URL differs
    TWILIO_API_BASE                        another API host (a local fake in tests); default https://api.twilio.com

Webhook: POST /webhooks/twilio/webhook. Every request must carry a valid `X-Twilio-Signature` (HMAC-SHA1 of the URL
and the form parameters with the auth token, checked with Twilio's `RequestValidator`); anything else gets 403 and
never reaches the assistant. Replies go out through the Twilio REST API from the number the patient wrote to:
buttons as numbered options, long answers split at 1600 characters (see `text_replies`), and nothing at all to a
number that has opted out (see `sms_consent`).

`send_sms(to, text)` sends a text that is not a reply (staff answers after a handoff, reminders) with the same rules.
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any, Awaitable, Callable, Dict, Iterable, List, Mapping, Optional, Tuple
from urllib.parse import parse_qs

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.base.exceptions import TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from bot.channels import sms_consent
from bot.channels.conversation_ids import twilio_address, twilio_conversation_id
from bot.channels.inbound import SeenDeliveries, guard
from bot.channels.sms_consent import (
    ConsentStore,
    consent_store,
    normalize_address,
    redact,
)
from bot.channels.text_replies import (
    SMS_LIMIT,
    NumberedReplies,
    OptionStore,
    conversation_key,
    option_store,
    render_elements,
    split_text,
)
from bot.reminders.windows import DELIVERY_KEY, TEMPLATE_VARIABLES_KEY, template_of

logger = logging.getLogger(__name__)

CHANNEL = "twilio"
WHATSAPP = "whatsapp:"
UNSUBSCRIBED_RECIPIENT = 21610  # Twilio's error when the number has texted STOP to the sending number
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def _setting(credentials: Optional[Mapping[str, Any]], key: str, variable: str) -> Optional[str]:
    value = (credentials or {}).get(key) or os.environ.get(variable)
    return str(value).strip() if value else None


def _whatsapp(number: Optional[str]) -> Optional[str]:
    if not number:
        return None
    return number if number.lower().startswith(WHATSAPP) else WHATSAPP + number


class TwilioSender:
    """Sends texts through the Twilio REST API (the official client, asynchronously), respecting opt-outs."""

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        *,
        sms_number: Optional[str] = None,
        whatsapp_number: Optional[str] = None,
        messaging_service_sid: Optional[str] = None,
        api_base: Optional[str] = None,
        consent: Optional[ConsentStore] = None,
        limit: int = SMS_LIMIT,
    ) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.sms_number = sms_number
        self.whatsapp_number = _whatsapp(whatsapp_number)
        self.messaging_service_sid = messaging_service_sid
        self.api_base = api_base
        self._consent = consent
        self.limit = limit
        self._client: Optional[Client] = None

    @classmethod
    def from_settings(cls, credentials: Optional[Mapping[str, Any]] = None, **kwargs: Any) -> Optional["TwilioSender"]:
        """From credentials.yml keys or the TWILIO_* variables; None when the account is not configured."""
        sid = _setting(credentials, "account_sid", "TWILIO_ACCOUNT_SID")
        token = _setting(credentials, "auth_token", "TWILIO_AUTH_TOKEN")
        if not (sid and token):
            return None
        return cls(
            sid,
            token,
            sms_number=_setting(credentials, "twilio_number", "TWILIO_NUMBER"),
            whatsapp_number=_setting(credentials, "whatsapp_number", "TWILIO_WHATSAPP_NUMBER"),
            messaging_service_sid=_setting(credentials, "messaging_service_sid", "TWILIO_MESSAGING_SERVICE_SID"),
            api_base=_setting(credentials, "api_base", "TWILIO_API_BASE"),
            **kwargs,
        )

    @property
    def consent(self) -> ConsentStore:
        if self._consent is None:
            self._consent = consent_store()
        return self._consent

    @property
    def client(self) -> Client:
        if self._client is None:
            # A session per request (pool_connections=False): the client is not tied to one event loop.
            http = AsyncTwilioHttpClient(pool_connections=False, timeout=15)
            self._client = Client(self.account_sid, self.auth_token, http_client=http)
            if self.api_base:
                self._client.api.base_url = self.api_base.rstrip("/")
        return self._client

    def _sender(self, to: str, reply_from: Optional[str]) -> Dict[str, str]:
        if reply_from:
            return {"from_": reply_from}
        own_number = self.whatsapp_number if to.lower().startswith(WHATSAPP) else self.sms_number
        if own_number:
            return {"from_": own_number}
        if self.messaging_service_sid:
            return {"messaging_service_sid": self.messaging_service_sid}
        raise RuntimeError(
            "No Twilio sender: set TWILIO_NUMBER, TWILIO_WHATSAPP_NUMBER or TWILIO_MESSAGING_SERVICE_SID"
        )

    async def can_text(self, to: str) -> bool:
        """False when the number has opted out (texted STOP)."""
        return not await self.consent.ais_opted_out(to)

    async def send(
        self,
        to: str,
        text: str,
        *,
        reply_from: Optional[str] = None,
        media_url: Optional[List[str]] = None,
        force: bool = False,
        template: Optional[Tuple[str, Dict[str, str]]] = None,
    ) -> List[str]:
        """Text `to` ("+1..." or "whatsapp:+1..."), split to the limit; returns the Twilio message SIDs.

        Nothing is sent to an opted-out number (the result is then empty) unless `force`, which is only for the
        consent confirmations themselves. With `template` (an approved WhatsApp template's Content SID and its
        variables), that template goes instead of the text: WhatsApp's only way to write first after 24 hours.
        """
        to = normalize_address(twilio_address(to))
        if not force and not await self.can_text(to):
            logger.info("Not texting %s: the number has opted out", redact(to))
            return []
        bodies: List[Optional[str]] = list(split_text(text, self.limit)) or ([None] if media_url else [])
        if template is not None:
            bodies = [None]
        sids: List[str] = []
        for index, body in enumerate(bodies):
            message: Dict[str, Any] = {"to": to, **self._sender(to, reply_from)}
            if template is not None:
                message["content_sid"], message["content_variables"] = template[0], json.dumps(template[1])
            if body:
                message["body"] = body
            if media_url and index == 0:
                message["media_url"] = media_url
            try:
                created = await self.client.messages.create_async(**message)
            except TwilioRestException as error:  # its message can name the number: log status and code only
                logger.warning("Twilio refused a text to %s: HTTP %s, error %s", redact(to), error.status, error.code)
                if error.code == UNSUBSCRIBED_RECIPIENT:
                    await self.consent.aset_opted_out(to, True, "TWILIO")
                break
            except Exception as error:
                logger.warning("Could not reach Twilio to text %s: %s", redact(to), type(error).__name__)
                break
            sids.append(created.sid)
        return sids


async def send_sms(to: str, text: str, *, sender: Optional[TwilioSender] = None) -> List[str]:
    """Text `to` from the clinic's number (TWILIO_NUMBER; "whatsapp:+1..." goes out on WhatsApp).

    For texts that are not replies, e.g. a staff member's answer after a handoff. Long texts are split; an opted-out
    number gets nothing. Returns the Twilio message SIDs, empty when nothing was sent.
    """
    sender = sender or TwilioSender.from_settings()
    if sender is None:
        raise RuntimeError("Twilio is not configured: set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN")
    return await sender.send(to, text)


class ClinicTwilioOutput(OutputChannel):
    """The assistant's answers as texts: buttons become numbered options the patient answers with a number."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    def __init__(self, sender: TwilioSender, options: OptionStore, reply_from: Optional[str] = None) -> None:
        self.sender = sender
        self.options = options
        self.reply_from = reply_from
        self._numbered: Dict[str, NumberedReplies] = {}  # this turn's options per recipient

    def _turn(self, recipient_id: str) -> NumberedReplies:
        if recipient_id not in self._numbered:
            self._numbered[recipient_id] = NumberedReplies(self.options, conversation_key(CHANNEL, recipient_id))
        return self._numbered[recipient_id]

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        """A scheduled message outside WhatsApp's 24 hours goes as the approved template its delivery names."""
        custom = message.get("custom") or {}
        template = template_of(custom.get(DELIVERY_KEY))
        if template:
            await self.sender.send(recipient_id, "", reply_from=self.reply_from,
                                   template=(template, dict(custom.get(TEMPLATE_VARIABLES_KEY) or {})))
            return
        await super().send_response(recipient_id, message)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.sender.send(recipient_id, text, reply_from=self.reply_from)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.send_text_message(recipient_id, await self._turn(recipient_id).render(text, buttons))

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self.sender.send(recipient_id, "", reply_from=self.reply_from, media_url=[image])

    async def send_attachment(self, recipient_id: str, attachment: Any, **kwargs: Any) -> None:
        await self.send_text_message(recipient_id, str(attachment))

    async def send_elements(self, recipient_id: str, elements: Iterable[Dict[str, Any]], **kwargs: Any) -> None:
        elements = list(elements)
        buttons = [button for element in elements for button in element.get("buttons") or []]
        text = render_elements(elements)
        if any(not button.get("url") for button in buttons):
            await self.send_text_with_buttons(recipient_id, text, [b for b in buttons if not b.get("url")])
        elif text:
            await self.send_text_message(recipient_id, text)

    async def send_custom_json(self, recipient_id: str, json_message: Dict[str, Any], **kwargs: Any) -> None:
        """`custom: {text: ..., media_url: [...]}` (or `body`); anything else has no text form and is skipped."""
        text = str(json_message.get("text") or json_message.get("body") or "")
        media = json_message.get("media_url")
        if text or media:
            await self.sender.send(
                recipient_id, text, reply_from=self.reply_from, media_url=[media] if isinstance(media, str) else media
            )


class _SignedForm(dict):
    """Form parameters as Twilio's RequestValidator reads repeated ones: every value of a name."""

    def getall(self, name: str) -> List[str]:
        return self[name]


class ClinicTwilioInput(InputChannel):
    """SMS and WhatsApp messages from Twilio, accepted only with a valid X-Twilio-Signature."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> "ClinicTwilioInput":
        return cls(
            sender=TwilioSender.from_settings(credentials),
            webhook_url=_setting(credentials, "webhook_url", "TWILIO_WEBHOOK_URL"),
        )

    def __init__(
        self,
        sender: Optional[TwilioSender],
        webhook_url: Optional[str] = None,
        options: Optional[OptionStore] = None,
        consent: Optional[ConsentStore] = None,
    ) -> None:
        self.sender = sender
        self.webhook_url = webhook_url
        self.seen = SeenDeliveries()
        self._options = options
        self._consent = consent
        if sender is None:
            logger.info("Twilio channel off: set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN to turn it on")
        elif consent is not None and sender._consent is None:
            sender._consent = consent

    @property
    def enabled(self) -> bool:
        return self.sender is not None

    @property
    def options(self) -> OptionStore:
        if self._options is None:
            self._options = option_store()
        return self._options

    @property
    def consent(self) -> ConsentStore:
        if self._consent is None:
            self._consent = self.sender.consent if self.sender else consent_store()
        return self._consent

    def is_signed(self, request: Request) -> bool:
        """Whether X-Twilio-Signature matches the public URL and the form parameters."""
        signature = request.headers.get("X-Twilio-Signature")
        if not signature or self.sender is None:
            return False
        url = self.webhook_url or request.url
        try:
            params: Any = request.body.decode("utf-8")
            if "bodySHA256=" not in url:
                # Twilio signs blank parameters too (Body="" on a picture-only MMS); Sanic's form drops them.
                params = _SignedForm(parse_qs(params, keep_blank_values=True))
            return RequestValidator(self.sender.auth_token).validate(url, params, signature)
        except Exception:  # a body that is not UTF-8 cannot be one Twilio signed
            return False

    def get_output_channel(self, reply_from: Optional[str] = None) -> Optional[OutputChannel]:
        if self.sender is None:
            return None
        return ClinicTwilioOutput(self.sender, self.options, reply_from)

    def get_metadata(self, request: Request) -> Dict[str, Any]:
        sender = request.form.get("From") or ""
        whatsapp = sender.lower().startswith(WHATSAPP)
        return {
            "channel": "whatsapp" if whatsapp else "sms",
            "phone": sender[len(WHATSAPP) :] if whatsapp else sender,
            "message_sid": request.form.get("MessageSid"),
        }

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        on_new_message = guard(on_new_message)
        webhook = Blueprint("clinic_twilio_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            if not self.enabled:
                return response.json({"status": "disabled", "missing": ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"]})
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def message(request: Request) -> HTTPResponse:
            if not self.enabled:
                return response.text("The Twilio channel is not configured.", status=503)
            if not self.is_signed(request):
                logger.warning("Rejected a Twilio webhook request without a valid X-Twilio-Signature")
                return response.text("Invalid signature.", status=403)
            if self.seen.first_time(request.form.get("MessageSid")):
                await self.handle(request, on_new_message)
            return response.text(EMPTY_TWIML, content_type="text/xml")

        return webhook

    async def handle(self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        """One verified inbound text: consent keywords first, then numbered options, then the assistant."""
        form = request.form
        sender_id, body, clinic_number = form.get("From"), form.get("Body") or "", form.get("To")
        if not sender_id:  # e.g. a delivery status callback pointed at this URL
            return
        decision, reply = await sms_consent.check(self.consent, sender_id, body, form.get("OptOutType"))
        if reply:
            await self.sender.send(sender_id, reply, reply_from=clinic_number, force=True)
        if not decision.forward:
            return
        text = body.replace("¡", "@").strip()  # some carriers turn @ into ¡
        if not text:  # a picture or location without words: nothing the assistant can read
            return
        conversation = twilio_conversation_id(sender_id)
        payload = await NumberedReplies.resolve(self.options, conversation_key(CHANNEL, conversation), text)
        metadata = self.get_metadata(request)
        if payload:
            metadata["typed"] = text
        user_message = UserMessage(
            payload or text,
            self.get_output_channel(reply_from=clinic_number),
            conversation,
            input_channel=self.name(),
            metadata=metadata,
        )
        try:
            await on_new_message(user_message)
        except Exception as error:
            logger.error("The assistant failed on a text from %s (%s)", redact(sender_id), type(error).__name__)
