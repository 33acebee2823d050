"""The Twilio connector end to end: signed webhooks in, texts out through the Twilio client to a local fake API."""

import base64
import json
import logging
import uuid

import pytest
from channel_fakes import LONG_ANSWER, MENU
from twilio.request_validator import RequestValidator

from bot.channels import twilio as twilio_channel
from bot.channels.sms_consent import help_text, opt_in_text, opt_out_text
from bot.channels.text_replies import SMS_LIMIT
from bot.channels.twilio import ClinicTwilioInput, TwilioSender, send_sms
from bot.clinic import clinic

SID = "AC" + "0" * 32
TOKEN = "test-auth-token-0123456789abcdef"
CLINIC_NUMBER = "+15125550100"
PATIENT = "+15125550123"
WEBHOOK = "/webhooks/twilio/webhook"
pytestmark = pytest.mark.asyncio


def sms(body, sender=PATIENT, to=CLINIC_NUMBER, **extra):
    """The form Twilio posts for an inbound SMS (each with its own MessageSid, as Twilio gives)."""
    sid = "SM" + uuid.uuid4().hex
    return {
        "ToCountry": "US",
        "ToState": "TX",
        "SmsMessageSid": sid,
        "NumMedia": "0",
        "ToCity": "AUSTIN",
        "FromZip": "78701",
        "SmsSid": sid,
        "FromState": "TX",
        "SmsStatus": "received",
        "FromCity": "AUSTIN",
        "Body": body,
        "FromCountry": "US",
        "To": to,
        "ToZip": "78701",
        "NumSegments": "1",
        "MessageSid": sid,
        "AccountSid": SID,
        "From": sender,
        "ApiVersion": "2010-04-01",
        **extra,
    }


async def post_signed(server, params, url=None, token=TOKEN):
    signature = RequestValidator(token).compute_signature(url or server.url(WEBHOOK), params)
    return await server.post(WEBHOOK, data=params, headers={"X-Twilio-Signature": signature})


@pytest.fixture
def channel(fake_api, options, consent):
    sender = TwilioSender(SID, TOKEN, sms_number=CLINIC_NUMBER, api_base=fake_api.base, consent=consent)
    return ClinicTwilioInput(sender, options=options, consent=consent)


async def test_signed_sms_reaches_the_assistant_and_the_reply_goes_out_through_twilio(
    serve, channel, fake_api, fake_assistant
):
    server = await serve(channel)
    status, body = await post_signed(server, sms("Do you do lip filler?"))
    assert status == 200 and "<Response>" in body
    assert fake_assistant.texts == ["Do you do lip filler?"]
    message = fake_assistant.received[0]
    assert message.sender_id == f"sms:{PATIENT}" and message.input_channel == "twilio"
    assert message.metadata["channel"] == "sms" and message.metadata["phone"] == PATIENT
    assert fake_api.texts() == [{"To": PATIENT, "From": CLINIC_NUMBER, "Body": "You said: Do you do lip filler?"}]
    sent = fake_api.requests[-1]
    assert sent.path == f"/2010-04-01/Accounts/{SID}/Messages.json"
    assert sent.headers["Authorization"] == "Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()


@pytest.mark.parametrize(
    "headers",
    [{}, {"X-Twilio-Signature": ""}, {"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"}],
    ids=["missing", "empty", "forged"],
)
async def test_unsigned_or_forged_requests_are_refused(serve, channel, fake_api, fake_assistant, headers):
    server = await serve(channel)
    status, _ = await server.post(WEBHOOK, data=sms("hi"), headers=headers)
    assert status == 403
    assert fake_assistant.received == [] and fake_api.requests == []


async def test_a_signature_for_other_parameters_or_another_token_is_refused(serve, channel, fake_api, fake_assistant):
    server = await serve(channel)
    signature = RequestValidator(TOKEN).compute_signature(server.url(WEBHOOK), sms("hi"))
    status, _ = await server.post(WEBHOOK, data=sms("STOP"), headers={"X-Twilio-Signature": signature})
    assert status == 403
    status, _ = await post_signed(server, sms("hi"), token="someone-elses-token")
    assert status == 403
    assert fake_assistant.received == [] and fake_api.requests == []


async def test_behind_a_proxy_the_configured_public_url_is_what_is_signed(
    serve, fake_api, options, consent, fake_assistant
):
    public = "https://clinic.example/webhooks/twilio/webhook"
    sender = TwilioSender(SID, TOKEN, sms_number=CLINIC_NUMBER, api_base=fake_api.base, consent=consent)
    server = await serve(ClinicTwilioInput(sender, webhook_url=public, options=options, consent=consent))
    assert (await post_signed(server, sms("signed for the proxy URL"), url=public))[0] == 200
    assert (await post_signed(server, sms("signed for the local URL")))[0] == 403
    assert fake_assistant.texts == ["signed for the proxy URL"]


async def test_a_replayed_text_is_not_handled_twice(serve, channel, fake_assistant):
    server = await serve(channel)
    form = sms("cancel my appointment")
    assert (await post_signed(server, form))[0] == 200
    assert (await post_signed(server, form))[0] == 200
    assert fake_assistant.texts == ["cancel my appointment"]


async def test_whatsapp_messages_are_answered_on_whatsapp(serve, channel, fake_api, fake_assistant):
    server = await serve(channel)
    form = sms("hola", sender="whatsapp:" + PATIENT, to="whatsapp:+14155238886")
    status, _ = await post_signed(server, form)
    assert status == 200
    assert fake_assistant.received[0].metadata == {
        "channel": "whatsapp",
        "phone": PATIENT,
        "message_sid": form["MessageSid"],
    }
    assert fake_api.texts() == [
        {"To": "whatsapp:" + PATIENT, "From": "whatsapp:+14155238886", "Body": "You said: hola"}
    ]


async def test_buttons_become_numbered_options_and_the_next_number_is_the_payload(
    serve, channel, fake_api, fake_assistant
):
    server = await serve(channel)
    await post_signed(server, sms("menu"))
    assert fake_api.texts()[-1]["Body"] == (
        "Which treatment would you like to book?\n\nReply 1 for Botox, 2 for Lip filler or 3 for Consultation."
    )
    await post_signed(server, sms("2"))
    assert fake_assistant.texts[-1] == MENU["buttons"][1]["payload"]
    assert fake_assistant.received[-1].metadata["typed"] == "2"
    await post_signed(server, sms("2"))  # the options were for that one reply
    assert fake_assistant.texts[-1] == "2"


async def test_an_options_words_pick_it_too(serve, channel, fake_assistant):
    server = await serve(channel)
    await post_signed(server, sms("menu"))
    await post_signed(server, sms("  CONSULTATION "))
    assert fake_assistant.texts[-1] == MENU["buttons"][2]["payload"]


async def test_options_are_per_patient(serve, channel, fake_assistant):
    server = await serve(channel)
    await post_signed(server, sms("menu"))
    await post_signed(server, sms("1", sender="+15125550199"))
    assert fake_assistant.texts[-1] == "1"


async def test_long_answers_are_split_at_sentences_within_twilios_limit(serve, channel, fake_api):
    server = await serve(channel)
    await post_signed(server, sms("long"))
    bodies = [text["Body"] for text in fake_api.texts()]
    assert len(bodies) > 1 and all(len(body) <= SMS_LIMIT for body in bodies)
    assert all(body.endswith("afterwards.") for body in bodies)
    assert " ".join(bodies) == LONG_ANSWER


async def test_stop_confirms_once_and_then_nothing_is_sent_until_start(
    serve, channel, fake_api, fake_assistant, consent, caplog
):
    caplog.set_level(logging.DEBUG)
    server = await serve(channel)
    await post_signed(server, sms("Hello"))
    assert len(fake_api.texts()) == 1

    assert (await post_signed(server, sms(" Stop ")))[0] == 200
    assert fake_api.texts()[-1] == {"To": PATIENT, "From": CLINIC_NUMBER, "Body": opt_out_text()}
    assert consent.is_opted_out(PATIENT)
    sent = len(fake_api.texts())

    await post_signed(server, sms("When are you open?"))  # not answered, not even seen by the assistant
    await post_signed(server, sms("STOP"))  # no second confirmation
    assert await send_sms(PATIENT, "A staff member replied", sender=channel.sender) == []  # nor from staff
    assert len(fake_api.texts()) == sent
    assert fake_assistant.texts == ["Hello"]

    await post_signed(server, sms("START"))
    assert fake_api.texts()[-1]["Body"] == opt_in_text()
    assert not consent.is_opted_out(PATIENT)
    await post_signed(server, sms("When are you open?"))
    assert fake_api.texts()[-1]["Body"] == "You said: When are you open?"
    assert fake_assistant.texts == ["Hello", "When are you open?"]
    assert "5550123" not in caplog.text  # the number never reached the logs


async def test_a_bare_cancel_is_a_carrier_opt_out_not_an_appointment_cancellation(
    serve, channel, fake_api, fake_assistant, consent
):
    server = await serve(channel)
    await post_signed(server, sms("cancel"))
    assert fake_assistant.received == []
    assert consent.is_opted_out(PATIENT)
    assert fake_api.texts()[-1]["Body"] == opt_out_text()


async def test_yes_is_an_answer_unless_the_number_opted_out(serve, channel, fake_assistant):
    server = await serve(channel)
    await post_signed(server, sms("yes"))
    assert fake_assistant.texts == ["yes"]


async def test_help_gets_the_clinics_contacts_even_when_opted_out(serve, channel, fake_api, fake_assistant):
    server = await serve(channel)
    await post_signed(server, sms("HELP"))
    body = fake_api.texts()[-1]["Body"]
    assert body == help_text() and clinic().phone in body and clinic().website in body
    await post_signed(server, sms("STOP"))
    await post_signed(server, sms("info"))
    assert fake_api.texts()[-1]["Body"] == help_text()
    assert fake_assistant.received == []


async def test_twilio_reporting_an_unsubscribed_recipient_is_remembered(channel, fake_api, consent):
    from aiohttp import web

    fake_api.fail_with = lambda request: web.json_response(
        {"code": 21610, "message": "Attempt to send to unsubscribed recipient", "status": 400}, status=400
    )
    assert await send_sms(PATIENT, "Your appointment is tomorrow", sender=channel.sender) == []
    assert consent.is_opted_out(PATIENT)


async def test_configured_from_the_environment(serve, fake_api, fake_assistant, monkeypatch, consent, options):
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", SID)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", TOKEN)
    monkeypatch.setenv("TWILIO_NUMBER", CLINIC_NUMBER)
    monkeypatch.setenv("TWILIO_WHATSAPP_NUMBER", "+14155238886")
    monkeypatch.setenv("TWILIO_API_BASE", fake_api.base)
    monkeypatch.setattr(twilio_channel, "consent_store", lambda: consent)
    monkeypatch.setattr(twilio_channel, "option_store", lambda: options)
    channel = ClinicTwilioInput.from_credentials(None)
    server = await serve(channel)
    assert (await server.get("/webhooks/twilio/"))[1] == '{"status":"ok"}'
    assert (await post_signed(server, sms("hi")))[0] == 200
    assert fake_assistant.texts == ["hi"]

    # texts that are not replies (staff answers after a handoff) go out from the clinic's own numbers
    sids = await send_sms("512-555-0177", "Hi, this is Dana from the front desk.")
    assert len(sids) == 1 and fake_api.texts()[-1] == {
        "To": "+15125550177",
        "From": CLINIC_NUMBER,
        "Body": "Hi, this is Dana from the front desk.",
    }
    await send_sms("whatsapp:" + PATIENT, "Hi on WhatsApp")
    assert fake_api.texts()[-1]["From"] == "whatsapp:+14155238886"


async def test_off_without_credentials(serve, monkeypatch, fake_assistant):
    for variable in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"):
        monkeypatch.delenv(variable, raising=False)
    server = await serve(ClinicTwilioInput.from_credentials(None))
    status, body = await server.get("/webhooks/twilio/")
    assert status == 200 and '"disabled"' in body
    status, _ = await server.post(WEBHOOK, data=sms("hi"), headers={"X-Twilio-Signature": "x"})
    assert status == 503 and fake_assistant.received == []
    with pytest.raises(RuntimeError):
        await send_sms(PATIENT, "hello")


async def test_a_scheduled_message_outside_whatsapps_24_hours_goes_as_the_approved_template(channel, fake_api):
    output = channel.get_output_channel(reply_from="whatsapp:+14155238886")
    custom = {"scheduled_delivery": "template:HX0123456789abcdef",
              "template_variables": {"1": "Wednesday, March 4 at 10:00am", "2": "Austin", "3": "Dr. Rivera"}}
    await output.send_response("whatsapp:" + PATIENT, {"text": "A reminder of your consultation...", "custom": custom})
    [sent] = fake_api.texts()
    assert sent["To"] == "whatsapp:" + PATIENT and "Body" not in sent
    assert sent["ContentSid"] == "HX0123456789abcdef"
    assert json.loads(sent["ContentVariables"]) == custom["template_variables"]


async def test_an_ordinary_answer_is_still_plain_text(channel, fake_api):
    output = channel.get_output_channel()
    await output.send_response(PATIENT, {"text": "We're open until 7pm.", "custom": {}})
    assert [t["Body"] for t in fake_api.texts()] == ["We're open until 7pm."]
