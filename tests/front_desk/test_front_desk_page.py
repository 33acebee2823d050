"""The staff page /staff/day in process (SQLite, the clock fixed at noon on Monday 2 March 2026 in Austin): staff
login required, the CSRF token on every POST, first names and confirmations, marking buttons, clear refusals."""

from __future__ import annotations

import itertools
import re
from datetime import timedelta
from typing import Dict

import pytest
from sanic import Sanic
from sqlalchemy import select

from bot.booking import cancel_appointment
from bot.db.models import AppointmentOutcome
from bot.handoff.rasa_api import RasaAPI
from bot.handoff.staff_auth import StaffAuth
from bot.web.staff import make_context, register_staff
from tests.front_desk.conftest import BOOKED_AT, local, reminder_sent
from tests.web.asgi import AsgiClient, Response

PASSWORD = "correct horse battery"
NOON = local(day=2, hour=12)
APP_NUMBERS = itertools.count(1)


@pytest.fixture
def database(sqlite_database):
    return sqlite_database


@pytest.fixture
def client(database):
    StaffAuth(database).add_account("maria", PASSWORD, "Maria")
    ctx = make_context(db=database, rasa=RasaAPI(base_url="http://127.0.0.1:9", token=""), env={})
    ctx.clock = lambda: NOON
    app = Sanic(f"front_desk_page_{next(APP_NUMBERS)}")
    register_staff(app, ctx, event_consumer=False)
    client = AsgiClient(app)
    yield client
    client.close()


def cookie(answer: Response, name: str) -> str:
    for value in answer.header_values("set-cookie"):
        if value.startswith(f"{name}="):
            return value.split(";", 1)[0].split("=", 1)[1]
    raise AssertionError(f"no {name} cookie")


def csrf_from(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


@pytest.fixture
def maria(client) -> Dict[str, str]:
    """A logged-in session: {"cookie": ..., "csrf": ...}."""
    form = client.get("/staff/login")
    login_cookie = f"staff_login_csrf={cookie(form, 'staff_login_csrf')}"
    answer = client.post("/staff/login", {"username": "maria", "password": PASSWORD,
                                          "csrf_token": csrf_from(form.text)}, {"cookie": login_cookie})
    assert answer.status == 303, answer.text
    session = f"staff_session={cookie(answer, 'staff_session')}"
    page = client.get("/staff/day", {"cookie": session})
    return {"cookie": session, "csrf": csrf_from(page.text)}


@pytest.fixture
def visits(database, book):
    confirmed = book(day=2, hour=9, name="Ana Lopez", reminders=True)
    reminder_sent(database, confirmed.reference, confirmed_at=BOOKED_AT + timedelta(days=29))
    booked = book(day=2, hour=10, name="Ben Okoye")
    late = book(day=2, hour=11, name="Cleo Park")
    cancel_appointment(database.sessions, late.reference, actor="cli", now=late.start_utc - timedelta(hours=2))
    tomorrow = book(day=3, hour=9, name="Dan Wu")
    return {"confirmed": confirmed, "booked": booked, "late": late, "tomorrow": tomorrow}


def recorded(database):
    with database.session() as session:
        return session.execute(select(AppointmentOutcome.outcome, AppointmentOutcome.staff_username)).all()


def test_nothing_without_a_login(client, database, visits) -> None:
    page = client.get("/staff/day")
    assert page.status == 303 and page.headers["location"] == "/staff/login"
    answer = client.post(f"/staff/day/{visits['booked'].reference}/attended", {"csrf_token": "x"})
    assert answer.status == 303 and answer.headers["location"] == "/staff/login"
    answer = client.post(f"/staff/day/{visits['booked'].reference}/attended", headers={"accept": "application/json"})
    assert answer.status == 401
    assert recorded(database) == []


def test_the_day_page_shows_first_names_confirmations_and_buttons(client, maria, visits) -> None:
    page = client.get("/staff/day?date=2026-03-02&location=austin", {"cookie": maria["cookie"]})
    assert page.status == 200 and "frame-ancestors 'none'" in page.headers["content-security-policy"]
    text = page.text
    for first, last, status in (("Ana", "Lopez", "confirmed"), ("Ben", "Okoye", "booked"),
                                ("Cleo", "Park", "late cancel")):
        row = re.search(rf"<tr[^>]*>(?:(?!</tr>).)*{first}(?:(?!</tr>).)*</tr>", text, re.S).group(0)
        assert f">{status}</span>" in row and last not in text
    assert "3 appointments: 1 confirmed, 1 booked, 1 late cancel." in text
    buttons = re.findall(r'action="/staff/day/([A-Z0-9]+)/(attended|no-show)"', text)
    assert sorted(buttons) == sorted([(visits[key].reference, outcome) for key in ("confirmed", "booked")
                                      for outcome in ("attended", "no-show")])
    assert text.count(f'name="csrf_token" value="{maria["csrf"]}"') == 5  # four buttons and the logout form
    today = client.get("/staff/day", {"cookie": maria["cookie"]})  # today is the clock's day
    assert visits["booked"].reference in today.text and visits["tomorrow"].reference not in today.text


def test_marking_needs_the_csrf_token(client, database, maria, visits) -> None:
    path = f"/staff/day/{visits['booked'].reference}/no-show"
    for form in ({}, {"csrf_token": "forged"}):
        answer = client.post(path, form, {"cookie": maria["cookie"]})
        assert answer.status == 403
    assert recorded(database) == []
    answer = client.post(path, {"csrf_token": maria["csrf"], "date": "2026-03-02", "location": "austin"},
                         {"cookie": maria["cookie"]})
    assert answer.status == 303 and answer.headers["location"] == "/staff/day?date=2026-03-02&location=austin"
    assert recorded(database) == [("no_show", "maria")]
    answer = client.post(f"/staff/day/{visits['booked'].reference}/attended", {"csrf_token": maria["csrf"]},
                         {"cookie": maria["cookie"]})
    assert answer.status == 303 and answer.headers["location"] == "/staff/day"
    assert recorded(database) == [("attended", "maria")]
    page = client.get("/staff/day?date=2026-03-02", {"cookie": maria["cookie"]})
    assert ">attended</span>" in page.text


def test_refusals_are_explained(client, database, maria, visits) -> None:
    session = {"cookie": maria["cookie"]}
    form = {"csrf_token": maria["csrf"], "date": "2026-03-03"}
    answer = client.post(f"/staff/day/{visits['tomorrow'].reference}/attended", form, session)
    assert answer.status == 409 and "which has not come yet" in answer.text
    assert "Dan" in answer.text  # the page is shown again, on the day asked for
    answer = client.post(f"/staff/day/{visits['late'].reference}/no-show", form, session)
    assert answer.status == 409 and "was cancelled" in answer.text
    answer = client.post("/staff/day/NOPE2345/attended", form, {**session, "accept": "application/json"})
    assert answer.status == 404 and "No appointment has the reference" in answer.text
    assert client.post(f"/staff/day/{visits['booked'].reference}/maybe", form, session).status == 404
    assert client.get("/staff/day?date=tomorrow", session).status == 400
    assert client.get("/staff/day?location=paris", session).status == 404
    assert recorded(database) == []


def test_the_inbox_links_to_the_front_desk(client, maria) -> None:
    queue = client.get("/staff/", {"cookie": maria["cookie"]})
    assert queue.status == 200 and 'href="/staff/day"' in queue.text
