"""The Telegram connector: secret-token check, inline keyboards, long payloads, webhook registration."""

import json

import pytest
from channel_fakes import MENU

from bot.channels.telegram import ClinicTelegramInput
from bot.channels.text_replies import TELEGRAM_LIMIT

BOT_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
SECRET = "s3cr3t-token_for-telegram"
CHAT = 1111111
WEBHOOK = "/webhooks/telegram/webhook"
pytestmark = pytest.mark.asyncio


def user():
    return {"id": CHAT, "is_bot": False, "first_name": "Maria"}


def text_update(text, update_id=10000):
    return {
        "update_id": update_id,
        "message": {
            "message_id": 1365,
            "date": 1700000000,
            "text": text,
            "from": user(),
            "chat": {"id": CHAT, "type": "private", "first_name": "Maria"},
        },
    }


def button_update(data):
    return {
        "update_id": 10001,
        "callback_query": {
            "id": "4382bfdwdsb323b2d9",
            "from": user(),
            "chat_instance": "-1",
            "data": data,
            "message": {
                "message_id": 1366,
                "date": 1700000000,
                "text": "Which?",
                "chat": {"id": CHAT, "type": "private"},
            },
        },
    }


def post(update, secret=SECRET):
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    return {"data": json.dumps(update).encode(), "headers": headers}


@pytest.fixture
def channel(fake_api, options):
    return ClinicTelegramInput(BOT_TOKEN, secret_token=SECRET, api_base=fake_api.base, options=options)


async def test_update_with_the_secret_is_answered(serve, channel, fake_api, fake_assistant):
    server = await serve(channel)
    assert await server.post(WEBHOOK, **post(text_update("Can I exercise after Botox?"))) == (200, "success")
    assert fake_assistant.texts == ["Can I exercise after Botox?"]
    assert fake_assistant.received[0].sender_id == f"telegram:{CHAT}"  # namespaced: no other channel can name it
    sent = fake_api.telegram_calls("sendMessage")
    assert [(m["chat_id"], m["text"]) for m in sent] == [(str(CHAT), "You said: Can I exercise after Botox?")]
    assert fake_api.requests[0].path == f"/bot{BOT_TOKEN}/sendMessage"
    assert not fake_api.telegram_calls("getMe")  # no extra API call per update, unlike Rasa's connector


@pytest.mark.parametrize("secret", [None, "", "wrong-secret"], ids=["missing", "empty", "wrong"])
async def test_updates_without_the_secret_are_refused(serve, channel, fake_api, fake_assistant, secret):
    server = await serve(channel)
    status, _ = await server.post(WEBHOOK, **post(text_update("hi"), secret=secret))
    assert status == 403
    assert fake_assistant.received == [] and fake_api.requests == []


async def test_without_a_configured_secret_the_channel_is_off(serve, fake_api, options, fake_assistant, monkeypatch):
    monkeypatch.delenv("TELEGRAM_ALLOW_UNVERIFIED", raising=False)
    server = await serve(ClinicTelegramInput(BOT_TOKEN, api_base=fake_api.base, options=options))
    assert '"TELEGRAM_SECRET_TOKEN"' in (await server.get("/webhooks/telegram/"))[1]
    assert (await server.post(WEBHOOK, **post(text_update("hi"), secret=None)))[0] == 503
    assert fake_assistant.received == [] and fake_api.requests == []


async def test_unverified_updates_only_when_explicitly_allowed(serve, fake_api, options, fake_assistant, monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.delenv("TELEGRAM_SECRET_TOKEN", raising=False)
    monkeypatch.setenv("TELEGRAM_ALLOW_UNVERIFIED", "1")
    monkeypatch.setenv("TELEGRAM_API_BASE", fake_api.base)
    server = await serve(ClinicTelegramInput.from_credentials(None))
    assert (await server.post(WEBHOOK, **post(text_update("hi"), secret=None)))[0] == 200
    assert fake_assistant.texts == ["hi"]


async def test_buttons_are_an_inline_keyboard_and_a_press_sends_the_payload(serve, channel, fake_api, fake_assistant):
    server = await serve(channel)
    await server.post(WEBHOOK, **post(text_update("menu")))
    sent = fake_api.telegram_calls("sendMessage")[-1]
    keyboard = json.loads(sent["reply_markup"])["inline_keyboard"]
    assert sent["text"] == MENU["text"]
    assert [[(b["text"], b["callback_data"]) for b in row] for row in keyboard] == [
        [(b["title"], b["payload"])] for b in MENU["buttons"]
    ]
    await server.post(WEBHOOK, **post(button_update(MENU["buttons"][0]["payload"])))
    assert fake_assistant.texts[-1] == MENU["buttons"][0]["payload"]
    assert fake_api.telegram_calls("answerCallbackQuery")[0]["callback_query_id"] == "4382bfdwdsb323b2d9"


async def test_payloads_over_64_bytes_travel_by_reference(serve, channel, fake_api, fake_assistant):
    server = await serve(channel)
    payload = '/book_slot{"provider": "dr_rivera", "location": "austin", "start": "2025-03-04T10:15:00-06:00"}'
    await channel.get_output_channel().send_response(
        str(CHAT),
        {
            "text": "Book it?",
            "buttons": [
                {"title": "Yes, book it", "payload": payload},
                {"title": "Website", "url": "https://x.example"},
            ],
        },
    )
    keyboard = json.loads(fake_api.telegram_calls("sendMessage")[-1]["reply_markup"])["inline_keyboard"]
    data = keyboard[0][0]["callback_data"]
    assert len(data.encode()) <= 64 and data.startswith("opt:")
    assert keyboard[1][0] == {"text": "Website", "url": "https://x.example"}
    await server.post(WEBHOOK, **post(button_update(data)))
    assert fake_assistant.texts == [payload]


async def test_start_command_greets_and_edits_are_ignored(serve, channel, fake_assistant):
    server = await serve(channel)
    await server.post(WEBHOOK, **post(text_update("/start")))
    edited = text_update("edited text")
    edited["edited_message"] = edited.pop("message")
    assert (await server.post(WEBHOOK, **post(edited)))[0] == 200
    assert fake_assistant.texts == ["Hi"]


async def test_long_answers_split_at_4096(serve, channel, fake_api):
    server = await serve(channel)
    await server.post(WEBHOOK, **post(text_update("long")))
    texts = [m["text"] for m in fake_api.telegram_calls("sendMessage")]
    assert len(texts) >= 1 and all(len(t) <= TELEGRAM_LIMIT for t in texts)


async def test_webhook_is_registered_with_the_secret_on_startup(serve, fake_api, monkeypatch, options):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("TELEGRAM_SECRET_TOKEN", SECRET)
    monkeypatch.setenv("TELEGRAM_WEBHOOK_URL", "https://clinic.example/webhooks/telegram/webhook")
    monkeypatch.setenv("TELEGRAM_API_BASE", fake_api.base)
    channel = ClinicTelegramInput.from_credentials(None)
    channel._options = options
    await serve(channel)
    registration = fake_api.telegram_calls("setWebhook")
    assert len(registration) == 1
    assert registration[0]["url"] == "https://clinic.example/webhooks/telegram/webhook"
    assert registration[0]["secret_token"] == SECRET


async def test_off_without_a_token(serve, monkeypatch, fake_assistant):
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    server = await serve(ClinicTelegramInput.from_credentials(None))
    assert '"disabled"' in (await server.get("/webhooks/telegram/"))[1]
    assert (await server.post(WEBHOOK, **post(text_update("hi"))))[0] == 503
    assert fake_assistant.received == []
