"""End to end with the real servers: an action server, Rasa (--enable-api --auth-token, the clinic's Socket.IO,
Twilio and REST channels) and the web app with the staff inbox, as subprocesses; Chromium through Playwright.

* Widget: the patient asks for a person; the staff member logs in, sees the request with the transcript, takes it
  and replies; the patient sees the reply in the widget; the patient writes again and the staff member sees it
  without a reload; the staff member closes; the assistant answers the patient's next question.
* SMS: the same over a signed Twilio webhook, with Twilio's API faked locally (TWILIO_API_BASE).
* REST: a plain REST conversation is handed off, and the inbox says the reply could not be pushed.

Staff hours are set to "always" through a copy of data/clinic.yml (CLINIC_FILE), so the live path runs whatever
the time; the after-hours path is covered by test_handoff_actions.py. Skips when the trained model is missing or
was trained without the handoff domain (data/handoff_domain_snippet.yml merged into domain.yml).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Dict, Iterator, List, Optional
from zoneinfo import ZoneInfo

import pytest
import requests
import yaml
from handoff_fakes import FakeHTTP, wait_for
from twilio.request_validator import RequestValidator

from bot.clinic import WEEKDAY_NAMES
from bot.db.session import Database
from bot.handoff.queue import RESUMED_TEXT
from bot.handoff.staff_auth import StaffAuth
from tests.conftest import endpoints_with_action_server

ROOT = Path(__file__).resolve().parents[2]
MODEL = Path(os.environ.get("HANDOFF_TEST_MODEL") or ROOT / "models" / "clinic.tar.gz")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
VENV_BIN = Path(sys.executable).parent
ACTIONS = os.environ.get("HANDOFF_TEST_ACTIONS") or "actions"  # the action package the action server loads
TOKEN = "handoff-test-token"
TWILIO_SID = "AC" + "1" * 32
TWILIO_TOKEN = "twilio-test-auth-token"
CLINIC_NUMBER = "+15125550100"
PATIENT_NUMBER = "+15125550134"
STAFF_USER, STAFF_PASSWORD = "maria", "correct horse battery"
QUEUED = "I've asked a member of our team to join this chat"
NOT_UNDERSTOOD = "Sorry, I can't help with that"

sys.path.insert(0, str(ROOT / "tests" / "web"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Service:
    def __init__(self, name: str, args: List[str], logs: Path, env: Dict[str, str]) -> None:
        self.name = name
        self.log = logs / f"{name}.log"
        self._file = self.log.open("w")
        quiet = {"TF_CPP_MIN_LOG_LEVEL": "3", "RASA_TELEMETRY_ENABLED": "false", "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
                 "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
                 "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(args, cwd=ROOT, env={**os.environ, **quiet, **env}, stdout=self._file,
                                        stderr=subprocess.STDOUT)

    def tail(self, lines: int = 60) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def wait_until_up(self, url: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{self.tail()}")
            try:
                if requests.get(url, timeout=2).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"{self.name} did not come up within {timeout}s:\n{self.tail()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._file.close()


class Stack:
    def __init__(self, rasa: str, web: str, db: Database, twilio: FakeHTTP, services: List[Service]) -> None:
        self.rasa, self.web, self.db, self.twilio, self.services = rasa, web, db, twilio, services

    def tracker(self, conversation_id: str) -> dict:
        answer = requests.get(f"{self.rasa}/conversations/{conversation_id}/tracker", params={"token": TOKEN})
        answer.raise_for_status()
        return answer.json()

    def logs(self) -> str:
        return "\n\n".join(f"--- {s.name} ---\n{s.tail()}" for s in self.services)


@contextmanager
def running_stack(folder: Path, staff_hours: Dict[str, str], with_web: bool = True) -> Iterator[Stack]:
    """Action server, Rasa and (optionally) the web app on a fresh database, with these staff hours."""
    if not MODEL.is_file():
        pytest.skip(f"No trained model at {MODEL}: run `make train` (or set HANDOFF_TEST_MODEL).")
    clinic = yaml.safe_load((ROOT / "data" / "clinic.yml").read_text())
    clinic["staff_hours"] = staff_hours
    clinic_file = folder / "clinic.yml"
    clinic_file.write_text(yaml.safe_dump(clinic))
    db_url = f"sqlite:///{folder / 'clinic.db'}"
    db = Database(db_url)
    db.upgrade()
    StaffAuth(db).add_account(STAFF_USER, STAFF_PASSWORD, "Maria")

    action_port, rasa_port, web_port = free_port(), free_port(), free_port()
    rasa_url, web_url = f"http://127.0.0.1:{rasa_port}", f"http://127.0.0.1:{web_port}"
    twilio = FakeHTTP()
    (folder / "credentials.yml").write_text(
        "bot.channels.socketio.ClinicSocketIOInput:\n  user_message_evt: user_uttered\n"
        "  bot_message_evt: bot_uttered\n  session_persistence: true\n"
        "bot.channels.twilio.ClinicTwilioInput:\n"
        "bot.channels.rest.ClinicRestInput:\n"
    )
    endpoints_with_action_server(folder, action_port)
    env = {
        "DATABASE_URL": db_url, "CLINIC_FILE": str(clinic_file), "WIDGET_ALLOWED_ORIGINS": web_url,
        "RASA_URL": rasa_url, "RASA_API_TOKEN": TOKEN, "EVENT_BROKER_URL": f"sqlite:///{folder / 'events.db'}",
        "TWILIO_ACCOUNT_SID": TWILIO_SID, "TWILIO_AUTH_TOKEN": TWILIO_TOKEN, "TWILIO_NUMBER": CLINIC_NUMBER,
        "TWILIO_API_BASE": twilio.base, "TWILIO_WEBHOOK_URL": f"{rasa_url}/webhooks/twilio/webhook",
        "HANDOFF_SLACK_WEBHOOK_URL": f"{twilio.base}/slack/webhook", "STAFF_INBOX_URL": f"{web_url}/staff",
        "REDIS_URL": "", "TRACKER_STORE_URL": f"sqlite:///{folder / 'tracker.db'}",
    }
    rasa_bin = str(VENV_BIN / "rasa")
    services = []
    try:
        actions = Service("action-server", [rasa_bin, "run", "actions", "--actions", ACTIONS, "--port",
                                            str(action_port)], folder, env)
        services.append(actions)
        rasa = Service("rasa", [sys.executable, "-m", "bot.rasa_server", "--port", str(rasa_port),
                                "--credentials", str(folder / "credentials.yml"),
                                "--endpoints", str(folder / "endpoints.yml"), "--model", str(MODEL)], folder, env)
        services.append(rasa)
        if with_web:
            web = Service("web", [sys.executable, str(ROOT / "tests/handoff/serve_web.py"), str(web_port)], folder,
                          env)
            services.append(web)
            web.wait_until_up(f"{web_url}/healthz", 60)
        actions.wait_until_up(f"http://127.0.0.1:{action_port}/health", 180)
        rasa.wait_until_up(f"{rasa_url}/status?token={TOKEN}", 300)
        domain = requests.get(f"{rasa_url}/domain", params={"token": TOKEN},
                              headers={"Accept": "application/json"}).json()
        if "action_handoff_to_staff" not in domain.get("actions", []):
            pytest.skip(f"The model at {MODEL} was trained without the handoff domain: merge "
                        "data/handoff_domain_snippet.yml into domain.yml and run `make train`.")
        yield Stack(rasa_url, web_url, db, twilio, services)
    finally:
        for service in reversed(services):
            service.stop()
        twilio.close()


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """Staff hours all day every day, so the live path runs whatever the time."""
    always = {day: "00:00-23:59" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    with running_stack(tmp_path_factory.mktemp("handoff-e2e"), always) as running:
        yield running


@pytest.fixture(scope="module")
def closed_stack(tmp_path_factory):
    """Staff hours only three days from now: outside staff hours now."""
    opening_day = (datetime.now(ZoneInfo("America/Chicago")) + timedelta(days=3)).weekday()
    day = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[opening_day]
    with running_stack(tmp_path_factory.mktemp("handoff-closed"), {day: "09:00-17:00"}, with_web=False) as running:
        running.opening_day = WEEKDAY_NAMES[opening_day]
        yield running


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"No Chromium at {CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# --- helpers ----------------------------------------------------------------------------------------------------


def staff_session(stack: Stack) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{stack.web}/staff/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    answer = session.post(f"{stack.web}/staff/login", allow_redirects=False,
                          data={"username": STAFF_USER, "password": STAFF_PASSWORD, "csrf_token": token})
    assert answer.status_code == 303
    session.csrf = re.search(r'name="csrf-token" content="([^"]+)"', session.get(f"{stack.web}/staff/").text).group(1)
    return session


def staff_post(stack: Stack, session: requests.Session, path: str, text: Optional[str] = None) -> dict:
    answer = session.post(f"{stack.web}{path}", json={"text": text} if text else {},
                          headers={"X-CSRF-Token": session.csrf, "Accept": "application/json"})
    assert answer.status_code == 200, answer.text
    return answer.json()


def request_for(stack: Stack, session: requests.Session, conversation_channel: str, status: str = "waiting") -> dict:
    def find():
        rows = session.get(f"{stack.web}/staff/api/queue").json()["requests"]
        return next((r for r in rows if r["channel"] == conversation_channel and r["status"] == status), None)

    return wait_for(find, 20, what=f"a {status} {conversation_channel} request")


def sms(stack: Stack, text: str) -> None:
    url = f"{stack.rasa}/webhooks/twilio/webhook"
    params = {"From": PATIENT_NUMBER, "To": CLINIC_NUMBER, "Body": text, "MessageSid": f"SM{time.time_ns()}",
              "AccountSid": TWILIO_SID, "NumMedia": "0"}
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(url, params)
    answer = requests.post(url, data=params, headers={"X-Twilio-Signature": signature}, timeout=60)
    assert answer.status_code == 200, answer.text


def texts_to_patient(stack: Stack) -> List[str]:
    return [t.get("Body", "") for t in stack.twilio.texts() if t.get("To") == PATIENT_NUMBER]


# --- the tests ----------------------------------------------------------------------------------------------------


def test_widget_patient_and_staff_inbox(stack, browser):
    from playwright.sync_api import expect
    from widget_page import Widget

    patient_context = browser.new_context()
    staff_context = browser.new_context()
    try:
        patient_context.set_default_timeout(20000)
        staff_context.set_default_timeout(20000)
        patient = patient_context.new_page()
        patient.goto(stack.web + "/")
        widget = Widget(patient).open()
        replies = widget.ask("can I talk to a person please")
        assert any(QUEUED in reply and "next in line" in reply for reply in replies), replies

        # the staff member logs in and finds the request, with the transcript
        staff = staff_context.new_page()
        staff.goto(stack.web + "/staff/")
        expect(staff).to_have_url(re.compile(r"/staff/login$"))
        staff.get_by_label("Username").fill(STAFF_USER)
        staff.get_by_label("Password").fill(STAFF_PASSWORD)
        staff.get_by_role("button", name="Log in").click()
        row = staff.locator("#queue tbody tr", has_text="Patient asked for a person").filter(has_text="website chat")
        expect(row.first).to_be_visible()
        row.first.get_by_role("link").click()
        transcript = staff.locator("#transcript")
        expect(transcript).to_contain_text("can I talk to a person please")
        expect(transcript).to_contain_text(QUEUED)

        # take it and reply: the patient sees both in the widget
        before = widget.bot_texts.count()
        staff.get_by_role("button", name="Take this conversation").click()
        expect(staff.locator("#staff")).to_have_text("Maria")
        staff.get_by_label("Reply to the patient").fill("Hi, this is Maria from the clinic. How can I help?")
        staff.get_by_role("button", name="Send reply").click()
        expect(widget.bot_texts.filter(has_text="Maria from our team has joined the chat.")).to_have_count(1)
        expect(widget.bot_texts.filter(has_text="Hi, this is Maria from the clinic.")).to_have_count(1)
        assert widget.bot_texts.count() == before + 2

        # the patient writes; the staff member sees it without reloading; the assistant stays quiet
        widget.input.fill("My left brow sits lower than the right one since my treatment")
        widget.input.press("Enter")
        expect(transcript).to_contain_text("My left brow sits lower than the right one", timeout=15000)
        patient.wait_for_timeout(1500)
        assert widget.bot_texts.count() == before + 2

        # a private note stays private
        staff.get_by_label("Private note (the patient does not see it)").fill("Offer a free follow-up visit")
        staff.get_by_role("button", name="Add note").click()
        expect(transcript.locator(".msg.note")).to_contain_text("Offer a free follow-up visit")

        # closing hands the patient back to the assistant
        staff.get_by_role("button", name="Close and hand back to the assistant").click()
        expect(widget.bot_texts.filter(has_text="the assistant is back")).to_have_count(1)
        expect(staff.locator("#closed-note")).to_be_visible()
        assert not widget.bot_texts.filter(has_text="Offer a free follow-up").count()
        answer = widget.ask("how long does botox last?")
        assert len(answer) == 1 and "month" in answer[0] and NOT_UNDERSTOOD not in answer[0], answer

        # every word is in the clinic database
        session = staff_session(stack)
        closed = request_for(stack, session, "socketio", status="closed")
        data = session.get(f"{stack.web}/staff/api/requests/{closed['id']}").json()
        kinds = [(m["kind"], m["text"]) for m in data["messages"]]
        assert ("patient", "My left brow sits lower than the right one since my treatment") in kinds
        assert ("staff", "Hi, this is Maria from the clinic. How can I help?") in kinds
        assert ("note", "Offer a free follow-up visit") in kinds
        assert ("system", RESUMED_TEXT) in kinds
        assert all(m["delivery"] == "pushed" for m in data["messages"] if m["kind"] in ("staff", "system"))
        # and the staff were told
        slack = [r for r in stack.twilio.requests if r.path == "/slack/webhook"]
        assert any("Patient asked for a person" in r.json["text"] for r in slack)
    finally:
        patient_context.close()
        staff_context.close()


def test_sms_patient_and_staff_inbox(stack):
    sms(stack, "I want to talk to a person")
    wait_for(lambda: any(QUEUED in text for text in texts_to_patient(stack)), 30, what="the queued answer by SMS")
    assert stack.tracker(f"sms:{PATIENT_NUMBER}")["paused"] is True

    session = staff_session(stack)
    request = request_for(stack, session, "twilio")
    data = session.get(f"{stack.web}/staff/api/requests/{request['id']}").json()
    assert data["request"]["contact_phone"] == PATIENT_NUMBER
    assert ("patient", "I want to talk to a person") in [(m["kind"], m["text"]) for m in data["messages"]]

    staff_post(stack, session, f"/staff/requests/{request['id']}/reply", "Hi, Maria here. What's going on?")
    wait_for(lambda: "Hi, Maria here. What's going on?" in texts_to_patient(stack), 30, what="the staff SMS")
    reply = next(t for t in stack.twilio.texts() if t.get("Body") == "Hi, Maria here. What's going on?")
    assert reply["From"] == CLINIC_NUMBER

    sms(stack, "My brow droops a bit since Tuesday")

    def patient_message_seen():
        messages = session.get(f"{stack.web}/staff/api/requests/{request['id']}").json()["messages"]
        return any(m["kind"] == "patient" and m["text"] == "My brow droops a bit since Tuesday" for m in messages)

    wait_for(patient_message_seen, 20, what="the patient's SMS in the inbox")
    count = len(texts_to_patient(stack))
    time.sleep(1.5)
    assert len(texts_to_patient(stack)) == count  # paused: the assistant did not answer

    staff_post(stack, session, f"/staff/requests/{request['id']}/close")
    wait_for(lambda: RESUMED_TEXT in texts_to_patient(stack), 30, what="the resumed SMS")
    assert stack.tracker(f"sms:{PATIENT_NUMBER}")["paused"] is False
    count = len(texts_to_patient(stack))
    sms(stack, "how long does botox last?")
    wait_for(lambda: len(texts_to_patient(stack)) > count, 30, what="the assistant's SMS answer")
    time.sleep(1)
    answer = texts_to_patient(stack)[count:]
    assert len(answer) == 1 and "month" in answer[0] and NOT_UNDERSTOOD not in answer[0], answer


def test_rest_conversations_cannot_receive_staff_replies(stack):
    sender = f"rest-{time.time_ns()}"
    answer = requests.post(f"{stack.rasa}/webhooks/rest/webhook",
                           json={"sender": sender, "message": "talk to a person"}, timeout=60).json()
    assert any(QUEUED in m.get("text", "") for m in answer), answer
    session = staff_session(stack)
    request = request_for(stack, session, "rest")
    staff_post(stack, session, f"/staff/requests/{request['id']}/reply", "Hello from the clinic")
    data = session.get(f"{stack.web}/staff/api/requests/{request['id']}").json()
    assert data["request"]["can_push"] is False
    [reply] = [m for m in data["messages"] if m["kind"] == "staff"]
    assert reply["delivery"] == "not_pushable"
    # the patient's next REST message gets no answer while paused, but it reaches the inbox
    assert requests.post(f"{stack.rasa}/webhooks/rest/webhook", json={"sender": sender, "message": "hello?"},
                         timeout=60).json() == []
    wait_for(lambda: any(m["text"] == "hello?" for m in
                         session.get(f"{stack.web}/staff/api/requests/{request['id']}").json()["messages"]), 20,
             what="the REST patient's message in the inbox")
    staff_post(stack, session, f"/staff/requests/{request['id']}/close")
    assert stack.tracker(f"rest:{sender}")["paused"] is False
    answer = requests.post(f"{stack.rasa}/webhooks/rest/webhook", json={"sender": sender,
                           "message": "how long does botox last?"}, timeout=60).json()
    assert len(answer) == 1 and "month" in answer[0]["text"], answer


def rest(stack: Stack, sender: str, text: str) -> str:
    answer = requests.post(f"{stack.rasa}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60)
    return "\n".join(m.get("text", "") for m in answer.json())


def test_outside_staff_hours_a_message_is_taken(closed_stack):
    from bot.handoff.queue import HandoffQueue

    stack, sender = closed_stack, f"after-hours-{time.time_ns()}"
    reply = rest(stack, sender, "can I talk to a person please")
    assert "nobody is here right now" in reply and f"{stack.opening_day} at 9:00 AM" in reply, reply
    assert "What's your name?" in reply
    assert "What's the best phone number or e-mail" in rest(stack, sender, "I'm Jane Doe")
    assert "doesn't look like a phone number" in rest(stack, sender, "jane at example")
    assert "what would you like to ask" in rest(stack, sender, "jane.doe@example.com")
    reply = rest(stack, sender, "Can I get Botox while I'm breastfeeding?")
    assert "I've passed your message to our team" in reply and f"{stack.opening_day} at 9:00 AM" in reply, reply
    # a message, not a live chat: the assistant keeps answering
    assert stack.tracker(f"rest:{sender}")["paused"] is False
    request = HandoffQueue(stack.db).open_for_conversation(f"rest:{sender}")
    assert (request.contact_name, request.contact_email, request.live) == ("Jane Doe", "jane.doe@example.com", False)
    assert request.question == "Can I get Botox while I'm breastfeeding?"
    assert request.reply_by is not None and request.reply_by.astimezone(ZoneInfo("America/Chicago")).hour == 9
    assert "month" in rest(stack, sender, "how long does botox last?")
    assert "already passed your message" in rest(stack, sender, "talk to a person")
