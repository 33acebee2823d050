"""Telegram: webhook updates checked against Telegram's secret token, answers with inline keyboards.

`credentials.yml`: `bot.channels.telegram.ClinicTelegramInput:` (no body; keys `access_token`, `secret_token`,
`webhook_url` win when given). Off, answering 503, until TELEGRAM_BOT_TOKEN is set:

    TELEGRAM_BOT_TOKEN      the token from @BotFather
    TELEGRAM_SECRET_TOKEN   a random string (1-256 of A-Z a-z 0-9 _ -): Telegram sends it back in
                            X-Telegram-Bot-Api-Secret-Token with every update, and a request without it gets 403.
                            **Required**: unset, the channel stays off (fails closed), because anyone who finds
                            the webhook URL could write into any patient's chat.
    TELEGRAM_ALLOW_UNVERIFIED=1  turns the channel on without a secret token (local experiments only; logged loudly)
    TELEGRAM_WEBHOOK_URL    optional: https://<host>/webhooks/telegram/webhook; when set, the webhook (with the secret
                            token) is registered with Telegram when the server starts
    TELEGRAM_API_BASE       another Bot API host (a local fake in tests); default https://api.telegram.org

Why not Rasa's TelegramInput: it has no secret-token check (its `verify` only compares the bot's own username, fetched
with an extra getMe call for every update), registers the webhook with a blocking `asyncio.run` while the channel is
being built, re-answers edited messages and never answers button presses (the button keeps spinning).
Replies: texts split at 4096 characters, buttons as a one-per-row inline keyboard; a payload longer than Telegram's
64-byte callback_data limit is kept in the option store and the button carries a short reference to it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Optional

from aiogram import Bot
from aiogram.bot.api import TELEGRAM_PRODUCTION, TelegramAPIServer
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.telegram import TelegramInput, TelegramOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.conversation_ids import TELEGRAM, address_of, conversation_id
from bot.channels.inbound import SeenDeliveries, guard
from bot.channels.text_replies import (
    TELEGRAM_LIMIT,
    OptionStore,
    is_link,
    option_store,
    split_text,
)

logger = logging.getLogger(__name__)

CHANNEL = "telegram"
MAX_CALLBACK_DATA = 64  # bytes
CALLBACK_PREFIX = "opt:"
CALLBACK_TTL_S = 30 * 24 * 3600
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def _setting(credentials: Optional[Mapping[str, Any]], key: str, variable: str) -> Optional[str]:
    value = (credentials or {}).get(key) or os.environ.get(variable)
    return str(value).strip() if value else None


def _store_key(reference: str) -> str:
    return f"telegram-callback:{reference}"


class ClinicTelegramOutput(TelegramOutput):
    def __init__(self, access_token: str, api_base: Optional[str] = None, options: Optional[OptionStore] = None):
        server = TelegramAPIServer.from_base(api_base) if api_base else TELEGRAM_PRODUCTION
        Bot.__init__(self, access_token, server=server)
        self.options = options

    async def _callback_data(self, payload: str) -> str:
        if len(payload.encode("utf-8")) <= MAX_CALLBACK_DATA and not payload.startswith(CALLBACK_PREFIX):
            return payload
        reference = hashlib.sha256(payload.encode("utf-8")).hexdigest()[:24]
        await (self.options or option_store()).set(_store_key(reference), payload, ttl=CALLBACK_TTL_S)
        return CALLBACK_PREFIX + reference

    async def request(self, method: str, data: Optional[Dict] = None, *args: Any, **kwargs: Any) -> Any:
        """Every Bot API call goes through here: the conversation id becomes Telegram's chat id."""
        if data and "chat_id" in data:
            data = {**data, "chat_id": address_of(TELEGRAM, str(data["chat_id"]))}
        return await super().request(method, data, *args, **kwargs)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        for chunk in split_text(text, TELEGRAM_LIMIT):
            await self.send_message(recipient_id, chunk)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        keyboard = InlineKeyboardMarkup()
        for button in buttons:
            title = str(button.get("title") or button.get("payload"))
            if is_link(button):
                keyboard.row(InlineKeyboardButton(title, url=button["url"]))
            else:
                data = await self._callback_data(str(button.get("payload") or title))
                keyboard.row(InlineKeyboardButton(title, callback_data=data))
        chunks = split_text(text, TELEGRAM_LIMIT) or ["Please choose:"]
        for chunk in chunks[:-1]:
            await self.send_message(recipient_id, chunk)
        await self.send_message(recipient_id, chunks[-1], reply_markup=keyboard)


class ClinicTelegramInput(TelegramInput):
    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> "ClinicTelegramInput":
        return cls(
            access_token=_setting(credentials, "access_token", "TELEGRAM_BOT_TOKEN"),
            secret_token=_setting(credentials, "secret_token", "TELEGRAM_SECRET_TOKEN"),
            webhook_url=_setting(credentials, "webhook_url", "TELEGRAM_WEBHOOK_URL"),
            api_base=_setting(credentials, "api_base", "TELEGRAM_API_BASE"),
            allow_unverified=_setting(credentials, "allow_unverified", "TELEGRAM_ALLOW_UNVERIFIED") == "1",
        )

    def __init__(
        self,
        access_token: Optional[str],
        secret_token: Optional[str] = None,
        webhook_url: Optional[str] = None,
        api_base: Optional[str] = None,
        options: Optional[OptionStore] = None,
        allow_unverified: bool = False,
    ) -> None:
        super().__init__(access_token, None, webhook_url, debug_mode=False)
        self.secret_token = secret_token
        self.api_base = api_base
        self._options = options
        self._output: Optional[ClinicTelegramOutput] = None
        self.seen = SeenDeliveries()
        settings = (("TELEGRAM_BOT_TOKEN", access_token), ("TELEGRAM_SECRET_TOKEN", secret_token or allow_unverified))
        self.missing = [name for name, value in settings if not value]
        if self.missing:
            logger.info("Telegram channel off: set %s to turn it on", ", ".join(self.missing))
        elif not secret_token:
            logger.warning("TELEGRAM_ALLOW_UNVERIFIED=1: Telegram webhook requests are NOT verified")

    @property
    def enabled(self) -> bool:
        return not self.missing

    @property
    def options(self) -> OptionStore:
        if self._options is None:
            self._options = option_store()
        return self._options

    def get_output_channel(self) -> Optional[ClinicTelegramOutput]:  # type: ignore[override]
        """One bot client (one aiohttp session) per channel, closed when the server stops."""
        if not self.enabled:
            return None
        if self._output is None:
            self._output = ClinicTelegramOutput(self.access_token, self.api_base, self.options)
        return self._output

    def is_authentic(self, request: Request) -> bool:
        if not self.secret_token:
            return True
        sent = request.headers.get(SECRET_HEADER) or ""
        return hmac.compare_digest(sent.encode("utf-8"), self.secret_token.encode("utf-8"))

    async def register_webhook(self) -> bool:
        """setWebhook with the secret token (aiogram 2.15's set_webhook predates `secret_token`)."""
        params: Dict[str, Any] = {"url": self.webhook_url, "allowed_updates": json.dumps(["message", "callback_query"])}
        if self.secret_token:
            params["secret_token"] = self.secret_token
        try:
            return bool(await self.get_output_channel().request("setWebhook", params))
        except Exception as error:
            logger.warning("Could not register the Telegram webhook: %s", type(error).__name__)
            return False

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        on_new_message = guard(on_new_message)
        webhook = Blueprint("clinic_telegram_webhook", __name__)

        @webhook.listener("after_server_start")
        async def start(*_: Any) -> None:
            if self.enabled and self.webhook_url and await self.register_webhook():
                logger.info("Telegram webhook registered")

        @webhook.listener("before_server_stop")
        async def stop(*_: Any) -> None:
            session = self._output._session if self._output is not None else None
            if session is not None and not session.closed:  # aiogram's own close() is deprecated
                await session.close()
            self._output = None

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            if not self.enabled:
                return response.json({"status": "disabled", "missing": self.missing})
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.enabled:
                return response.text("The Telegram channel is not configured.", status=503)
            if not self.is_authentic(request):
                logger.warning("Rejected a Telegram webhook request without the secret token")
                return response.text("Invalid secret token.", status=403)
            update_id = request.json.get("update_id") if isinstance(request.json, dict) else None
            if self.seen.first_time(f"{update_id}" if update_id is not None else None):
                await self.handle(request.json, on_new_message)
            return response.text("success")

        return webhook

    async def handle(self, raw: Any, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        try:
            update = Update(**raw)
            is_button = isinstance(update.callback_query, CallbackQuery)
            if not is_button and not (isinstance(update.message, Message) and isinstance(update.message.text, str)):
                return  # edits, pictures, stickers, channel posts: nothing to answer
        except Exception:  # signed, but not an Update (aiogram keeps whatever the JSON held)
            logger.info("Ignored a Telegram update that is not an Update object")
            return
        output = self.get_output_channel()
        if is_button:
            query = update.callback_query
            try:
                await output.answer_callback_query(query.id)  # stops the button's spinner
            except Exception as error:
                logger.debug("answerCallbackQuery failed: %s", type(error).__name__)
            if query.message is None or not query.data:
                return
            chat_id, text = query.message.chat.id, query.data
            if text.startswith(CALLBACK_PREFIX):
                text = await self.options.get(_store_key(text[len(CALLBACK_PREFIX) :]))
                if not text:  # an old button whose payload has expired
                    await output.send_message(chat_id, "That option has expired. Please type your answer.")
                    return
        else:
            chat_id, text = update.message.chat.id, update.message.text.strip()
            if text.split("@")[0] == "/start":  # Telegram's "Start" button: greet like any first message
                text = "Hi"
        if not text:
            return
        try:
            await on_new_message(
                UserMessage(text, output, conversation_id(TELEGRAM, str(chat_id)), input_channel=self.name(),
                            metadata={"channel": CHANNEL})
            )
        except Exception as error:
            logger.error("The assistant failed on a Telegram update (%s)", type(error).__name__)
