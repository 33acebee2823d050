"""The Slack connector: signing-secret check (including stale timestamps), Block Kit buttons, a pointable API host."""

import hashlib
import hmac
import json
import time
from urllib.parse import urlencode

import pytest
from channel_fakes import MENU, eventually

from bot.channels.slack import ClinicSlackInput

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-test-token"
USER = "U2147483697"
DM = "D024BE91L"
WEBHOOK = "/webhooks/slack/webhook"
pytestmark = pytest.mark.asyncio


def message_event(text, user=USER, channel=DM):
    return {
        "token": "legacy",
        "team_id": "T061EG9R6",
        "api_app_id": "A0PNCHHK2",
        "type": "event_callback",
        "event": {
            "type": "message",
            "channel": channel,
            "user": user,
            "text": text,
            "ts": "1700000000.000100",
            "event_ts": "1700000000.000100",
            "channel_type": "im",
        },
        "event_id": "Ev0PV52K21",
        "event_time": 1700000000,
        "authorizations": [{"user_id": "UBOT"}],
    }


def signed(body: bytes, content_type="application/json", secret=SECRET, timestamp=None):
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()
    return {
        "data": body,
        "headers": {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": f"v0={digest}",
        },
    }


def signed_json(payload, **kwargs):
    return signed(json.dumps(payload).encode(), **kwargs)


@pytest.fixture
def channel(fake_api):
    return ClinicSlackInput(BOT_TOKEN, slack_signing_secret=SECRET, api_base=fake_api.base)


async def test_signed_direct_message_is_answered(serve, channel, fake_api, fake_assistant):
    server = await serve(channel)
    status, _ = await server.post(WEBHOOK, **signed_json(message_event("Is filler painful?")))
    assert status == 200
    await eventually(lambda: fake_api.slack_posts())
    assert fake_assistant.texts == ["Is filler painful?"] and fake_assistant.received[0].sender_id == f"slack:{USER}"
    post = fake_api.slack_posts()[0]
    assert post["channel"] == DM and post["text"] == "You said: Is filler painful?"
    assert "as_user" not in post
    assert fake_api.requests[0].headers["Authorization"] == f"Bearer {BOT_TOKEN}"


@pytest.mark.parametrize("case", ["missing", "forged", "other-secret", "stale", "future"])
async def test_unsigned_forged_or_stale_requests_are_refused(serve, channel, fake_api, fake_assistant, case):
    server = await serve(channel)
    body = json.dumps(message_event("hi")).encode()
    request = {
        "missing": {"data": body, "headers": {"Content-Type": "application/json"}},
        "forged": {**signed(body), "data": json.dumps(message_event("forged")).encode()},
        "other-secret": signed(body, secret="not-the-secret"),
        "stale": signed(body, timestamp=int(time.time()) - 6 * 60),  # a replay of a genuine, old request
        "future": signed(body, timestamp=int(time.time()) + 6 * 60),
    }[case]
    status, _ = await server.post(WEBHOOK, **request)
    assert status == 403
    assert fake_assistant.received == [] and fake_api.requests == []


async def test_url_verification_returns_the_challenge(serve, channel):
    server = await serve(channel)
    payload = {
        "token": "x",
        "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
        "type": "url_verification",
    }
    status, body = await server.post(WEBHOOK, **signed_json(payload))
    assert status == 200 and json.loads(body) == {"challenge": payload["challenge"]}


async def test_buttons_are_block_kit_buttons_and_a_click_sends_the_payload(serve, channel, fake_api, fake_assistant):
    server = await serve(channel)
    await server.post(WEBHOOK, **signed_json(message_event("menu")))
    await eventually(lambda: fake_api.slack_posts())
    blocks = fake_api.slack_posts()[0]["blocks"]
    assert blocks[0] == {"type": "section", "text": {"type": "plain_text", "text": MENU["text"]}}
    assert [e["value"] for e in blocks[1]["elements"]] == [b["payload"] for b in MENU["buttons"]]

    click = {
        "type": "block_actions",
        "user": {"id": USER},
        "channel": {"id": DM},
        "message": {"ts": "1700000000.000200"},
        "actions": [{"type": "button", "action_id": "a1", "value": MENU["buttons"][2]["payload"]}],
    }
    form = urlencode({"payload": json.dumps(click)}).encode()
    status, _ = await server.post(WEBHOOK, **signed(form, content_type="application/x-www-form-urlencoded"))
    assert status == 200
    await eventually(lambda: len(fake_assistant.received) == 2)
    assert fake_assistant.texts[-1] == MENU["buttons"][2]["payload"]


async def test_more_than_five_buttons_are_all_shown(channel, fake_api):
    output = channel.get_output_channel(DM)
    buttons = [{"title": f"Option {i}", "payload": f"/o{i}"} for i in range(30)]
    await output.send_response(DM, {"text": "Pick one", "buttons": buttons})
    blocks = fake_api.slack_posts()[0]["blocks"]
    assert [len(b["elements"]) for b in blocks[1:]] == [25, 5]


async def test_off_without_credentials(serve, monkeypatch, fake_assistant):
    for variable in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"):
        monkeypatch.delenv(variable, raising=False)
    server = await serve(ClinicSlackInput.from_credentials(None))
    assert '"disabled"' in (await server.get("/webhooks/slack/"))[1]
    assert (await server.post(WEBHOOK, **signed_json(message_event("hi"))))[0] == 503
    assert fake_assistant.received == []


async def test_configured_from_the_environment(serve, monkeypatch, fake_api, fake_assistant):
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SECRET)
    monkeypatch.setenv("SLACK_API_BASE", fake_api.base)
    server = await serve(ClinicSlackInput.from_credentials(None))
    assert (await server.post(WEBHOOK, **signed_json(message_event("hello"))))[0] == 200
    await eventually(lambda: fake_api.slack_posts())
    assert fake_assistant.texts == ["hello"]
