"""The staff inbox's protection, against the real web app: nothing without a login, CSRF tokens on every POST,
HttpOnly SameSite=Lax cookies, a rate-limited login, logout."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from bot.db.session import Database
from bot.handoff.queue import HandoffQueue, NewRequest
from bot.handoff.staff_auth import StaffAuth

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def inbox(tmp_path_factory):
    """(base URL, database) of a web app with the staff inbox, on a fresh database; Rasa is not running."""
    folder = tmp_path_factory.mktemp("staff-auth")
    url = f"sqlite:///{folder / 'clinic.db'}"
    db = Database(url)
    db.upgrade()
    auth = StaffAuth(db)
    for name in ("alice", "bob", "carol", "dave"):
        auth.add_account(name, PASSWORD, name.title())
    HandoffQueue(db).open_request(NewRequest("conv-auth", "socketio", "patient_asked", False, True, {"topic": "x"}))
    port = free_port()
    log = (folder / "web.log").open("w")
    env = {**os.environ, "DATABASE_URL": url, "RASA_URL": f"http://127.0.0.1:{free_port()}", "PYTHONPATH": str(ROOT),
           "EVENT_BROKER_URL": f"sqlite:///{folder / 'events.db'}"}
    process = subprocess.Popen([sys.executable, str(ROOT / "tests/handoff/serve_web.py"), str(port)], cwd=ROOT,
                               env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{base}/healthz", timeout=1).ok:
                    break
            except requests.RequestException:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((folder / "web.log").read_text())
            time.sleep(0.3)
        yield base, db
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def csrf_from(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def login(base: str, username: str, password: str = PASSWORD) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/staff/login")
    answer = session.post(f"{base}/staff/login", data={"username": username, "password": password,
                                                       "csrf_token": csrf_from(page.text)}, allow_redirects=False)
    assert answer.status_code == 303, answer.text
    return session


PAGES = ["/staff", "/staff/", "/staff/requests/1", "/staff/requests/999"]
APIS = ["/staff/api/queue", "/staff/api/requests/1", "/staff/api/requests/1?after=0"]
POSTS = ["/staff/logout", "/staff/requests/1/take", "/staff/requests/1/reply", "/staff/requests/1/note",
         "/staff/requests/1/close"]


def test_everything_is_refused_without_a_login(inbox):
    base, db = inbox
    for path in PAGES:
        answer = requests.get(base + path, allow_redirects=False)
        assert answer.status_code in (303, 308), path
        assert answer.headers["Location"].endswith("/staff/login") or answer.headers["Location"].endswith("/staff/")
        assert "conv-auth" not in answer.text
    for path in APIS:
        answer = requests.get(base + path, allow_redirects=False)
        assert answer.status_code == 401 and answer.json() == {"error": "login required"}, path
    for path in POSTS:
        answer = requests.post(base + path, data={"text": "hello"}, allow_redirects=False)
        assert answer.status_code in (303, 401), path
        answer = requests.post(base + path, json={"text": "hello"}, headers={"Accept": "application/json"})
        assert answer.status_code == 401, path
    # a made-up session cookie is no login either
    answer = requests.get(base + "/staff/api/queue", cookies={"staff_session": "forged"})
    assert answer.status_code == 401
    assert [m.kind for m in HandoffQueue(db).messages(1)] == []  # nothing was written


def test_login_sets_a_safe_cookie_and_logout_ends_the_session(inbox):
    base, _ = inbox
    session = requests.Session()
    page = session.get(f"{base}/staff/login")
    assert page.status_code == 200 and "Content-Security-Policy" in page.headers
    answer = session.post(f"{base}/staff/login", allow_redirects=False,
                          data={"username": "alice", "password": PASSWORD, "csrf_token": csrf_from(page.text)})
    assert answer.status_code == 303 and answer.headers["Location"] == "/staff"
    cookie = next(value for key, value in answer.raw.headers.items() if key.lower() == "set-cookie"
                  and value.startswith("staff_session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/staff" in cookie
    assert "Secure" not in cookie  # plain http here; STAFF_COOKIE_SECURE=1 behind https
    queue = session.get(f"{base}/staff/api/queue")
    assert queue.status_code == 200 and queue.json()["requests"][0]["id"] == 1
    assert session.get(f"{base}/staff/").status_code == 200
    token = csrf_from(session.get(f"{base}/staff/").text)
    answer = session.post(f"{base}/staff/logout", data={"csrf_token": token}, allow_redirects=False)
    assert answer.status_code == 303
    stolen = answer.request.headers.get("Cookie")
    assert requests.get(f"{base}/staff/api/queue", headers={"Cookie": stolen}).status_code == 401


def test_forged_csrf_is_refused(inbox):
    base, db = inbox
    # the login form's own token
    session = requests.Session()
    session.get(f"{base}/staff/login")
    answer = session.post(f"{base}/staff/login", allow_redirects=False,
                          data={"username": "bob", "password": PASSWORD, "csrf_token": "forged"})
    assert answer.status_code == 403 and "staff_session=" not in answer.headers.get("Set-Cookie", "")
    # a logged-in session's POSTs
    session = login(base, "bob")
    for headers, data in (({}, {"text": "hi", "csrf_token": "forged"}), ({}, {"text": "hi"}),
                          ({"X-CSRF-Token": "forged"}, None)):
        answer = session.post(f"{base}/staff/requests/1/reply", data=data, headers=headers,
                              json=None if data else {"text": "hi"}, allow_redirects=False)
        assert answer.status_code == 403
    # another session's token does not work either
    other = csrf_from(login(base, "carol").get(f"{base}/staff/").text)
    answer = session.post(f"{base}/staff/requests/1/note", data={"text": "hi", "csrf_token": other})
    assert answer.status_code == 403
    assert HandoffQueue(db).messages(1) == []
    # the right token works
    token = csrf_from(session.get(f"{base}/staff/").text)
    answer = session.post(f"{base}/staff/requests/1/note", json={"text": "checked the chart"},
                          headers={"X-CSRF-Token": token, "Accept": "application/json"})
    assert answer.status_code == 200 and answer.json()["ok"]
    assert [m.text for m in HandoffQueue(db).messages(1)] == ["checked the chart"]


def test_wrong_passwords_are_rate_limited(inbox):
    base, _ = inbox
    session = requests.Session()
    for attempt in range(5):
        page = session.get(f"{base}/staff/login")
        answer = session.post(f"{base}/staff/login", data={"username": "dave", "password": f"wrong-{attempt}",
                                                           "csrf_token": csrf_from(page.text)}, allow_redirects=False)
        assert answer.status_code == 401 and "Wrong username or password" in answer.text
    page = session.get(f"{base}/staff/login")
    answer = session.post(f"{base}/staff/login", data={"username": "dave", "password": PASSWORD,
                                                       "csrf_token": csrf_from(page.text)}, allow_redirects=False)
    assert answer.status_code == 429 and "Too many failed attempts" in answer.text  # even the right password
    assert "staff_session=" not in answer.headers.get("Set-Cookie", "")
    # other usernames from the same address are not locked out
    login(base, "carol")


def test_pages_escape_what_patients_write(inbox):
    base, db = inbox
    queue = HandoffQueue(db)
    request, _ = queue.open_request(NewRequest("conv-xss", "rest", "patient_asked", False, True,
                                               {"topic": "<b>topic</b>"}, contact_name="<script>alert(1)</script>"))
    from bot.handoff.queue import PatientMessage

    queue.add_patient_messages(request.id, [PatientMessage("x1", "<img src=x onerror=alert(1)>")])
    session = login(base, "alice")
    page = session.get(f"{base}/staff/requests/{request.id}").text
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<script>alert(1)" not in page
    assert "cannot receive messages sent later" in page  # a REST conversation: replies cannot be pushed
    assert "<script>alert" not in session.get(f"{base}/staff/").text
