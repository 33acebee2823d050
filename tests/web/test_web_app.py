"""The web app in process: the demo page, the widget's files, calendar files and the health check."""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser

import pytest

from bot.clinic import clinic
from bot.web.app import BUILD_HINT, MissLimiter, Settings, create_app
from tests.web.asgi import AsgiClient


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(html: str, name: str):
    parser = Tags()
    parser.feed(html)
    return [attrs for tag, attrs in parser.tags if tag == name]


@pytest.fixture
def widget_dir(tmp_path):
    (tmp_path / "widget.js").write_text("console.log('widget');\n")
    (tmp_path / "widget.js.map").write_text("{}\n")
    return tmp_path


def client_for(widget_dir, calendar_lookup=None, calendar_misses=None, **settings) -> AsgiClient:
    app = create_app(Settings(widget_dir=widget_dir, **settings), calendar_lookup, calendar_misses, staff=False)
    return AsgiClient(app)


@pytest.fixture
def client(widget_dir):
    client = client_for(widget_dir, rasa_url="https://assistant.example", allowed_origins=["https://clinic.example"])
    yield client
    client.close()


def test_demo_page_shows_the_clinic_and_embeds_the_widget_with_one_script_tag(client):
    response = client.get("/")
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/html")
    info = clinic()
    page = response.text
    assert info.name in page and info.phone in page
    for location in info.locations:
        assert location.name in page and location.address in page and location.phone in page
    scripts = tags(page, "script")
    assert scripts == [
        {
            "src": "/widget/widget.js",
            "data-server-url": "https://assistant.example",
            "data-clinic-name": "Confidence Med Spa",
            "data-clinic-phone": info.phone,
            "data-primary-color": "#7b4b94",
            "data-greeting": "Hi! Ask me about Botox for facial balance.",
            "defer": None,
        }
    ]
    assert 'href="tel:+15125550100"' in page


def test_demo_page_policy_allows_exactly_what_the_widget_needs(client):
    policy = client.get("/").headers["content-security-policy"]
    assert "script-src 'self';" in policy and "style-src 'self';" in policy  # no inline script or style at all
    assert "connect-src 'self' https://assistant.example wss://assistant.example;" in policy
    assert "frame-ancestors 'none'" in policy


def test_serves_the_built_widget(client):
    response = client.get("/widget/widget.js")
    assert response.status == 200
    assert re.match(r"(text|application)/javascript; charset=utf-8", response.headers["content-type"])
    assert response.text == "console.log('widget');\n"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert client.get("/widget/widget.js.map").status == 200


def test_widget_files_may_be_loaded_cross_origin_by_the_allowed_sites_only(client):
    allowed = client.get("/widget/widget.js", headers={"Origin": "https://clinic.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://clinic.example"
    other = client.get("/widget/widget.js", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in other.headers


@pytest.mark.parametrize(
    "path", ["/widget/nope.js", "/widget/../app.py", "/widget/%2e%2e/app.py", "/widget/", "/assets/../app.py"]
)
def test_unknown_or_outside_files_are_404(client, path):
    response = client.get(path)
    assert response.status == 404
    assert "def create_app" not in response.text


def test_says_how_to_build_the_widget_when_it_is_not_built(tmp_path):
    client = client_for(tmp_path)
    response = client.get("/widget/widget.js")
    assert response.status == 404
    assert response.text == BUILD_HINT and "npm ci && npm run build" in BUILD_HINT
    client.close()


def test_healthz(client, tmp_path):
    response = client.get("/healthz")
    assert response.status == 200
    assert response.text == '{"status":"ok","widget_built":true}'
    unbuilt = client_for(tmp_path / "missing")
    assert unbuilt.get("/healthz").text == '{"status":"ok","widget_built":false}'
    unbuilt.close()


def test_page_stylesheet(client):
    response = client.get("/assets/site.css")
    assert response.status == 200 and response.headers["content-type"].startswith("text/css")


ICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"


def test_calendar_file_of_a_booking(widget_dir):
    asked = []

    def lookup(reference):
        asked.append(reference)
        return ICS if reference == "CMS-7K3Q9X" else None

    client = client_for(widget_dir, calendar_lookup=lookup)
    response = client.get("/calendar/CMS-7K3Q9X.ics")
    assert response.status == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="CMS-7K3Q9X.ics"'
    assert response.headers["cache-control"] == "private, no-store"
    assert response.text == ICS

    missing = client.get("/calendar/CMS-UNKNOWN.ics")
    assert missing.status == 404 and "No booking with reference CMS-UNKNOWN was found." in missing.text
    for bad in ("/calendar/CMS-7K3Q9X", "/calendar/CMS-7K3Q9X.txt", "/calendar/..%2F..%2Fetc.ics", "/calendar/.ics"):
        assert client.get(bad).status == 404, bad
    assert asked == ["CMS-7K3Q9X", "CMS-UNKNOWN"]  # malformed names never reach the bookings
    client.close()


def test_guessing_references_is_throttled(widget_dir):
    client = client_for(widget_dir, calendar_lookup=lambda reference: None, calendar_misses=MissLimiter(limit=3))
    assert [client.get(f"/calendar/GUESS{n}.ics").status for n in range(5)] == [404, 404, 404, 429, 429]
    client.close()


def test_a_broken_database_is_503_not_404(widget_dir):
    def lookup(reference):
        raise RuntimeError("no such table: appointments")

    client = client_for(widget_dir, calendar_lookup=lookup)
    response = client.get("/calendar/ABCD2345.ics")
    assert response.status == 503 and "unavailable" in response.text
    client.close()


def test_calendar_file_from_a_real_booking(widget_dir, tmp_path, monkeypatch):
    booking_modules = pytest.importorskip("bot.booking", reason="the booking modules are not in this tree")
    from datetime import datetime, timedelta, timezone

    from bot.calendar_file import appointment_ics  # noqa: F401 - skip early if missing
    from bot.db import Database
    from bot.db.seed import migrate_and_seed
    from bot.db.testing import sqlite_url
    from bot.scheduling.availability import Slot

    url = sqlite_url(tmp_path / "clinic.db")
    migrate_and_seed(url, clinic())
    monkeypatch.setenv("DATABASE_URL", url)
    now = datetime(2026, 3, 2, 13, 0, tzinfo=timezone.utc)
    start = datetime(2026, 3, 2, 16, 0, tzinfo=timezone.utc)  # Monday 10:00 in Austin: Dr. Rivera works then
    request = booking_modules.BookingRequest(
        slot=Slot("dr-rivera", "austin", start, start + timedelta(minutes=30)),
        patient_name="Jamie Example",
        phone="(512) 555-0134",
        email="jamie@example.com",
        is_returning=False,
        source_channel="web",
        idempotency_key="web-calendar-test",
        policy_version="2026-01",
        policy_accepted_at=now,
    )
    database = Database(url)
    booking = booking_modules.book_consultation(database.sessions, request, now=now)
    database.dispose()

    client = client_for(widget_dir)
    response = client.get(f"/calendar/{booking.reference}.ics")
    assert response.status == 200, response.text
    assert "BEGIN:VCALENDAR" in response.text and "DTSTART:20260302T160000Z" in response.text
    assert f"UID:{booking.reference}@" in response.text
    assert "Jamie" not in response.text and "555-0134" not in response.text  # nothing about the patient
    assert client.get(f"/calendar/{booking.reference.lower()}.ics").status == 200
    assert client.get("/calendar/ZZZZ2222.ics").status == 404
    client.close()


def test_calendar_is_404_when_calendar_files_are_not_available(widget_dir, monkeypatch):
    monkeypatch.setitem(sys.modules, "bot.calendar_file", None)  # import fails
    client = client_for(widget_dir)
    response = client.get("/calendar/CMS-7K3Q9X.ics")
    assert response.status == 404 and "No booking with reference CMS-7K3Q9X" in response.text
    client.close()


def test_the_site_includes_the_staff_inbox_when_it_is_there(widget_dir):
    pytest.importorskip("bot.web.staff", reason="no staff inbox in this tree")
    app = create_app(Settings(widget_dir=widget_dir))
    paths = {route.path for route in app.router.routes}
    assert "staff" in paths and "calendar/<filename:str>" in paths
    assert "staff" not in {route.path for route in create_app(Settings(), staff=False).router.routes}


def test_settings_from_the_environment():
    settings = Settings.from_env(
        {"RASA_URL": "https://rasa.example/", "WEB_PORT": "8123", "WIDGET_ALLOWED_ORIGINS": "https://a.example"}
    )
    assert settings.rasa_url == "https://rasa.example"
    assert settings.port == 8123
    assert settings.allowed_origins == ["https://a.example"]
    defaults = Settings.from_env({})
    assert (defaults.rasa_url, defaults.port, defaults.host) == ("http://localhost:5005", 8000, "127.0.0.1")
    assert defaults.allowed_origins == ["http://localhost:8000", "http://127.0.0.1:8000"]
    with pytest.raises(ValueError):
        Settings.from_env({"RASA_URL": "javascript:alert(1)"})
