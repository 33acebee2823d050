"""Notifications of a new request: Slack's incoming-webhook JSON to a local fake, e-mail to a local fake SMTP
server; urgent ones say URGENT; by default no patient text, a summary only with HANDOFF_NOTIFY_SUMMARY=1 (escaped
for Slack); failures never raise and never log what the patient wrote."""

import logging

import pytest
from handoff_fakes import FakeHTTP, FakeSMTP

from bot.handoff.notify import Notice, notify_new_request, slack_escape, slack_payload

SECRET_TEXT = "my name is Jane Roe and my eyelid droops"
SUMMARY = {
    "reason": "treatment_concern", "reason_label": "Concern after a treatment", "topic": "uneven brows",
    "booking": None, "question": SECRET_TEXT,
    "last_messages": [{"who": "patient", "text": SECRET_TEXT}, {"who": "bot", "text": "I'm sorry ..."}],
}


@pytest.fixture
def fake_http():
    server = FakeHTTP()
    yield server
    server.close()


@pytest.fixture
def fake_smtp():
    server = FakeSMTP()
    yield server
    server.close()


def notice(urgent=True, live=True):
    return Notice(request_id=42, urgent=urgent, reason="treatment_concern" if urgent else "patient_asked",
                  channel="socketio", live=live, summary=SUMMARY,
                  reply_by_text=None if live else "Monday at 9:00 AM CST")


def env_for(fake_http=None, fake_smtp=None, **extra):
    env = {"STAFF_INBOX_URL": "https://clinic.example/staff"}
    if fake_http:
        env["HANDOFF_SLACK_WEBHOOK_URL"] = f"{fake_http.base}/services/T000/B000/XXXX"
    if fake_smtp:
        env.update(SMTP_HOST="127.0.0.1", SMTP_PORT=str(fake_smtp.port), SMTP_STARTTLS="0",
                   SMTP_FROM="inbox@clinic.example", HANDOFF_EMAIL_TO="front@clinic.example, nurse@clinic.example")
    env.update(extra)
    return env


def test_slack_and_email_for_an_urgent_request(fake_http, fake_smtp):
    env = env_for(fake_http, fake_smtp, SMTP_USER="inbox@clinic.example", SMTP_PASSWORD="secret")
    assert notify_new_request(notice(), env) == {"slack": "sent", "email": "sent"}

    [post] = fake_http.requests
    assert post.method == "POST" and post.path == "/services/T000/B000/XXXX"
    assert post.headers["Content-Type"] == "application/json"
    text = post.json["text"]
    assert text.startswith(":rotating_light: *URGENT: Handoff request #42: Concern after a treatment*")
    assert "The patient is waiting in the chat (socketio)." in text
    assert "Reason: Concern after a treatment" in text and "https://clinic.example/staff/requests/42" in text

    [mail] = fake_smtp.mails
    assert mail.sender == "inbox@clinic.example"
    assert mail.recipients == ["front@clinic.example", "nurse@clinic.example"]
    assert mail.auth == "inbox@clinic.example"
    assert mail.message["Subject"] == "URGENT: Handoff request #42: Concern after a treatment"
    assert mail.message["X-Priority"] == "1"
    body = mail.message.get_payload(decode=True).decode()
    assert "URGENT" in body and "Reason: Concern after a treatment" in body and "/staff/requests/42" in body


def test_by_default_no_summary_and_no_patient_text(fake_http, fake_smtp):
    notify_new_request(notice(), env_for(fake_http, fake_smtp))
    sent = [fake_http.requests[0].json["text"], fake_smtp.mails[0].message.get_payload(decode=True).decode()]
    for text in sent:
        assert "Jane" not in text and "eyelid" not in text
        assert "Topic:" not in text and "Question:" not in text and "Last messages:" not in text


def test_the_summary_when_turned_on(fake_http, fake_smtp):
    notify_new_request(notice(), env_for(fake_http, fake_smtp, HANDOFF_NOTIFY_SUMMARY="1"))
    assert "Topic: uneven brows" in fake_http.requests[0].json["text"]
    body = fake_smtp.mails[0].message.get_payload(decode=True).decode()
    assert "Topic: uneven brows" in body and "Patient: " + SECRET_TEXT in body


def test_patient_text_in_slack_cannot_mention_or_disguise_links():
    hostile = "<!channel> <@U123> <http://evil.example|click> @here & @channel see evil.example/login"
    summary = dict(SUMMARY, question=hostile, last_messages=[{"who": "patient", "text": hostile}])
    text = slack_payload(Notice(42, False, "patient_asked", "twilio", True, summary),
                         {"HANDOFF_NOTIFY_SUMMARY": "1"})["text"]
    for control in ("<!", "<@", "<http", "|click>", "@here", "@channel", "evil.example", "http://evil"):
        assert control not in text, control
    assert "&lt;!channel&gt; &lt;@U123&gt;" in text and "&amp;" in text and "evil[.]example" in text


def test_slack_escape_leaves_plain_text_alone():
    assert slack_escape("Can I get botox 2 weeks before a wedding? Thanks!") == (
        "Can I get botox 2 weeks before a wedding? Thanks!")


def test_a_message_taken_after_hours_names_the_promise(fake_http, fake_smtp):
    notify_new_request(notice(urgent=False, live=False), env_for(fake_http, fake_smtp))
    text = fake_http.requests[0].json["text"]
    assert "URGENT" not in text and "promised a reply by Monday at 9:00 AM CST" in text
    assert not fake_smtp.mails[0].message["Subject"].startswith("URGENT")


def test_nothing_is_sent_when_not_configured(fake_http, fake_smtp):
    assert notify_new_request(notice(), {}) == {"slack": "off", "email": "off"}
    assert fake_http.requests == [] and fake_smtp.mails == []


def test_failures_do_not_raise_and_log_no_patient_data(fake_http, caplog):
    fake_http.status = 500
    env = env_for(fake_http, SMTP_HOST="127.0.0.1", SMTP_PORT="1", HANDOFF_EMAIL_TO="x@clinic.example")
    with caplog.at_level(logging.DEBUG):
        assert notify_new_request(notice(), env) == {"slack": "failed", "email": "failed"}
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "request 42" in logged
    assert "Jane" not in logged and "eyelid" not in logged


def test_slack_payload_is_plain_incoming_webhook_json():
    payload = slack_payload(notice(urgent=False))
    assert set(payload) == {"text", "unfurl_links"} and payload["text"].startswith("*Handoff request #42")
