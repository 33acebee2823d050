"""The Messenger connector: X-Hub-Signature-256 checked, quick replies out, numbered options when they do not fit."""

import hashlib
import hmac
import json
import uuid

import pytest
from channel_fakes import MENU

from bot.channels.messenger import ClinicMessengerInput, valid_signature
from bot.channels.text_replies import MESSENGER_LIMIT

SECRET = "app-secret-0123456789"
VERIFY = "verify-me"
PAGE_TOKEN = "EAAG-page-token"
PSID = "6543210987654321"
WEBHOOK = "/webhooks/facebook/webhook"
pytestmark = pytest.mark.asyncio


def event(message=None, postback=None, sender=PSID, obj="page"):
    messaging = {"sender": {"id": sender}, "recipient": {"id": "PAGE_ID"}, "timestamp": 1700000000000}
    if message is not None:
        messaging["message"] = {"mid": f"m_{uuid.uuid4().hex}", **message}
    if postback is not None:
        messaging["postback"] = postback
    return {"object": obj, "entry": [{"id": "PAGE_ID", "time": 1700000000000, "messaging": [messaging]}]}


def signed(payload, secret=SECRET):
    body = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"data": body, "headers": {"Content-Type": "application/json", "X-Hub-Signature-256": signature}}


@pytest.fixture
def channel(fake_api, options):
    return ClinicMessengerInput(VERIFY, SECRET, PAGE_TOKEN, graph_base=fake_api.base, options=options)


async def test_signed_message_is_answered_through_the_send_api(serve, channel, fake_api, fake_assistant):
    server = await serve(channel)
    status, body = await server.post(WEBHOOK, **signed(event({"text": "How long does Botox last?"})))
    assert (status, body) == (200, "EVENT_RECEIVED")
    assert fake_assistant.texts == ["How long does Botox last?"]
    assert fake_assistant.received[0].sender_id == f"messenger:{PSID}"
    assert fake_api.graph_messages() == [
        {
            "recipient": {"id": PSID},
            "messaging_type": "RESPONSE",
            "message": {"text": "You said: How long does Botox last?"},
        }
    ]
    call = fake_api.requests[-1]
    assert call.path == "/v21.0/me/messages" and call.query["access_token"] == PAGE_TOKEN
    assert call.query["appsecret_proof"] == hmac.new(SECRET.encode(), PAGE_TOKEN.encode(), hashlib.sha256).hexdigest()


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Hub-Signature-256": "sha256=" + "0" * 64},
        {"X-Hub-Signature": "sha1=whatever"},  # the legacy SHA-1 header alone is not enough
    ],
    ids=["missing", "forged", "sha1-only"],
)
async def test_unsigned_or_forged_posts_are_refused(serve, channel, fake_api, fake_assistant, headers):
    server = await serve(channel)
    body = json.dumps(event({"text": "hi"})).encode()
    status, _ = await server.post(WEBHOOK, data=body, headers={"Content-Type": "application/json", **headers})
    assert status == 403
    assert fake_assistant.received == [] and fake_api.requests == []


async def test_a_signature_with_another_secret_or_for_another_body_is_refused(serve, channel, fake_assistant):
    server = await serve(channel)
    assert (await server.post(WEBHOOK, **signed(event({"text": "hi"}), secret="not-the-secret")))[0] == 403
    good = signed(event({"text": "hi"}))
    tampered = {**good, "data": json.dumps(event({"text": "tampered"})).encode()}
    assert (await server.post(WEBHOOK, **tampered))[0] == 403
    assert fake_assistant.received == []


async def test_signature_check():
    body = b'{"object":"page"}'
    good = "sha256=" + hmac.new(b"s", body, hashlib.sha256).hexdigest()
    assert valid_signature("s", body, good)
    assert not valid_signature("s", body + b" ", good)
    assert not valid_signature("", body, good)
    assert not valid_signature("s", body, good.replace("sha256=", "sha1="))


async def test_webhook_verification_challenge(serve, channel):
    server = await serve(channel)
    params = {"hub.mode": "subscribe", "hub.verify_token": VERIFY, "hub.challenge": "1158201444"}
    assert await server.get(WEBHOOK, params=params) == (200, "1158201444")
    assert (await server.get(WEBHOOK, params={**params, "hub.verify_token": "wrong"}))[0] == 403


async def test_buttons_become_quick_replies_and_a_tap_sends_the_payload(serve, channel, fake_api, fake_assistant):
    server = await serve(channel)
    await server.post(WEBHOOK, **signed(event({"text": "menu"})))
    message = fake_api.graph_messages()[-1]["message"]
    assert message["text"] == MENU["text"]
    assert message["quick_replies"] == [
        {"content_type": "text", "title": b["title"], "payload": b["payload"]} for b in MENU["buttons"]
    ]
    tap = {"text": "Lip filler", "quick_reply": {"payload": MENU["buttons"][1]["payload"]}}
    await server.post(WEBHOOK, **signed(event(tap)))
    assert fake_assistant.texts[-1] == MENU["buttons"][1]["payload"]


async def test_postbacks_send_their_payload(serve, channel, fake_assistant):
    server = await serve(channel)
    await server.post(WEBHOOK, **signed(event(postback={"title": "Get Started", "payload": "/greet"})))
    assert fake_assistant.texts == ["/greet"]


async def test_buttons_that_do_not_fit_become_numbered_options(channel, fake_api, fake_assistant, serve):
    server = await serve(channel)
    output = channel.get_output_channel()
    buttons = [{"title": f"Tuesday 10:{m:02d} with Dr. Rivera", "payload": f"/slot{m}"} for m in (0, 15, 30)]
    await output.send_response(f"messenger:{PSID}", {"text": "Pick a time:", "buttons": buttons})
    sent = fake_api.graph_messages()[-1]["message"]
    assert "quick_replies" not in sent
    assert "Reply 1 for Tuesday 10:00 with Dr. Rivera, 2 for" in sent["text"]
    await server.post(WEBHOOK, **signed(event({"text": "3"})))
    assert fake_assistant.texts[-1] == "/slot30"


async def test_echoes_deliveries_and_stickers_are_ignored(serve, channel, fake_assistant, fake_api):
    server = await serve(channel)
    await server.post(WEBHOOK, **signed(event({"text": "our own reply", "is_echo": True})))
    await server.post(WEBHOOK, **signed(event({"attachments": [{"type": "image", "payload": {"url": "x"}}]})))
    delivery = event()
    delivery["entry"][0]["messaging"][0]["delivery"] = {"mids": ["m_1"]}
    assert (await server.post(WEBHOOK, **signed(delivery)))[0] == 200
    assert fake_assistant.received == [] and fake_api.requests == []


async def test_every_message_in_a_batch_is_handled(serve, channel, fake_assistant):
    server = await serve(channel)
    batch = event({"text": "first"})
    batch["entry"].append(event({"text": "second"}, sender="111")["entry"][0])
    await server.post(WEBHOOK, **signed(batch))
    assert fake_assistant.texts == ["first", "second"]


async def test_long_answers_split_at_2000(serve, channel, fake_api):
    server = await serve(channel)
    await server.post(WEBHOOK, **signed(event({"text": "long"})))
    texts = [m["message"]["text"] for m in fake_api.graph_messages()]
    assert len(texts) > 1 and all(len(t) <= MESSENGER_LIMIT for t in texts)


async def test_instagram_messages_come_through_the_same_webhook(serve, channel, fake_assistant):
    server = await serve(channel)
    await server.post(WEBHOOK, **signed(event({"text": "hi from IG"}, obj="instagram")))
    assert fake_assistant.received[0].metadata["channel"] == "instagram"


async def test_off_without_credentials(serve, monkeypatch, fake_assistant):
    for variable in ("FACEBOOK_VERIFY_TOKEN", "FACEBOOK_APP_SECRET", "FACEBOOK_PAGE_ACCESS_TOKEN"):
        monkeypatch.delenv(variable, raising=False)
    server = await serve(ClinicMessengerInput.from_credentials(None))
    assert '"disabled"' in (await server.get("/webhooks/facebook/"))[1]
    assert (await server.post(WEBHOOK, **signed(event({"text": "hi"}))))[0] == 503
    assert fake_assistant.received == []


async def test_a_reminder_outside_the_24_hours_goes_with_its_message_tag(channel, fake_api):
    output = channel.get_output_channel()
    message = {"text": "A reminder of your consultation on Wednesday.",
               "custom": {"scheduled_delivery": "tag:CONFIRMED_EVENT_UPDATE"}}
    await output.send_response(PSID, message)
    [sent] = fake_api.graph_messages()
    assert (sent["messaging_type"], sent["tag"]) == ("MESSAGE_TAG", "CONFIRMED_EVENT_UPDATE")
    assert sent["message"] == {"text": "A reminder of your consultation on Wednesday."}
