"""The REST channel: its callers only reach REST conversations, a malformed body gets a 400 with a sentence, a token
is required when configured, and it is off in production without one."""

from __future__ import annotations

import json

import pytest

from bot.channels.rest import ClinicRestInput

WEBHOOK = "/webhooks/rest/webhook"
pytestmark = pytest.mark.asyncio


SENDER = "k3J9-x8Qm_2ZpL7vRt4Y"


async def test_a_caller_only_reaches_its_own_rest_conversation(serve, fake_assistant):
    server = await serve(ClinicRestInput(production=False))
    status, body = await server.post(WEBHOOK, json={"sender": SENDER, "message": "cancel my appointment"})
    assert status == 200 and json.loads(body)[0]["text"] == "You said: cancel my appointment"
    for other in ("+15125550134", "sms:+15125550134", "whatsapp:+15125550134", "telegram:42", "me"):
        assert (await server.post(WEBHOOK, json={"sender": other, "message": "cancel my appointment"}))[0] == 400
    assert [(m.sender_id, m.input_channel) for m in fake_assistant.received] == [(f"rest:{SENDER}", "rest")]


async def test_claimed_channel_and_metadata_are_ignored(serve, fake_assistant):
    server = await serve(ClinicRestInput(production=False))
    await server.post(WEBHOOK, json={"sender": SENDER, "message": "hi", "input_channel": "twilio",
                                     "metadata": {"phone": "+15125550134"}})
    message = fake_assistant.received[0]
    assert message.input_channel == "rest" and not message.metadata


@pytest.mark.parametrize("body", [
    "[]", '[{"sender": "me", "message": "hi"}]', "null", "42", '"hi"', "{not json", "",
    '{"sender": "k3J9-x8Qm_2ZpL7vRt4Y"}', '{"sender": "k3J9-x8Qm_2ZpL7vRt4Y", "message": ""}',
    '{"sender": "k3J9-x8Qm_2ZpL7vRt4Y", "message": 5}',
    '{"sender": 5, "message": "hi"}', '{"sender": "", "message": "hi"}', '{"sender": "a b", "message": "hi"}',
    json.dumps({"sender": "k3J9-x8Qm_2ZpL7vRt4Y", "message": "x" * 4001}),
])
async def test_a_malformed_body_gets_a_400_with_a_sentence(serve, fake_assistant, body):
    server = await serve(ClinicRestInput(production=False))
    status, answer = await server.post(WEBHOOK, data=body, headers={"Content-Type": "application/json"})
    assert status == 400 and json.loads(answer)["error"].endswith(".")
    assert fake_assistant.received == []


async def test_a_configured_token_is_required(serve, fake_assistant):
    server = await serve(ClinicRestInput(token="s3cret-token", production=True))
    message = {"sender": SENDER, "message": "hi"}
    assert (await server.post(WEBHOOK, json=message))[0] == 401
    assert (await server.post(WEBHOOK, json=message, headers={"Authorization": "Bearer wrong"}))[0] == 401
    assert (await server.post(WEBHOOK, json=message, headers={"Authorization": "Bearer s3cret-token"}))[0] == 200
    assert fake_assistant.texts == ["hi"]


async def test_off_in_production_without_a_token(serve, fake_assistant, monkeypatch):
    monkeypatch.setenv("CLINIC_ENV", "production")
    monkeypatch.delenv("REST_CHANNEL_TOKEN", raising=False)
    server = await serve(ClinicRestInput.from_credentials(None))
    assert (await server.post(WEBHOOK, json={"sender": SENDER, "message": "hi"}))[0] == 503
    assert fake_assistant.received == []


async def test_a_failing_assistant_gets_a_sentence_with_the_phone_number(serve, fake_assistant, caplog):
    from bot.clinic import clinic

    async def broken(message):
        raise RuntimeError(f"boom while handling {message.text}")

    fake_assistant.handle_message = broken
    server = await serve(ClinicRestInput(production=False))
    status, answer = await server.post(WEBHOOK, json={"sender": SENDER, "message": "my secret question"})
    assert status == 200 and clinic().phone in json.loads(answer)[0]["text"]
    assert "my secret question" not in caplog.text
