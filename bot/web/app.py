"""The clinic's website side, as a Sanic app.

Routes:
  /                        a demo page of the clinic's website with the chat widget embedded by one script tag
  /assets/<file>           the demo page's own stylesheet
  /widget/<file>           the built widget (`npm ci && npm run build` in widget/ writes bot/web/static/widget/)
  /staff/...               the staff inbox, when `bot.web.staff` is present (see there)
  /email/...               the stop and confirm links in patients' e-mails (bot/web/email_pages.py)
  /calendar/<ref>.ics      the calendar file of a booking (from DATABASE_URL, the action server's database), 404
                           when there is no such booking, 429 after too many unknown references from one client
  /healthz                 liveness: {"status": "ok", "widget_built": ...}

Settings from the environment: RASA_URL (Rasa's HTTP API for the staff inbox, and where the widget connects unless
WIDGET_SERVER_URL says otherwise, e.g. the public address behind nginx; default http://localhost:5005), WEB_HOST
(default 127.0.0.1), WEB_PORT (default 8000), WIDGET_ALLOWED_ORIGINS (the websites that embed the widget; they
may load its files cross-origin, e.g. with `crossorigin` and subresource integrity).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import mimetypes
import os
import re
import time
from collections import deque
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Deque, Dict, Optional, Union
from urllib.parse import urlsplit

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.clinic import clinic
from bot.web.origins import Origins, allowed_origins, is_allowed
from bot.web.page import render_demo_page

logger = logging.getLogger(__name__)

WEB_DIR = Path(__file__).resolve().parent
WIDGET_DIR = WEB_DIR / "static" / "widget"  # build output of widget/ (not in git)
ASSETS_DIR = WEB_DIR / "assets"  # the demo page's own files (in git)
WIDGET_FILE = "widget.js"
BUILD_HINT = "The chat widget is not built: run `npm ci && npm run build` in widget/."

# A booking reference as it may appear in a URL; anything else is not a booking.
REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")

APP_NUMBERS = itertools.count(1)

CalendarLookup = Callable[[str], Union[None, str, bytes]]  # reference -> the .ics text, None when no booking


@dataclass(frozen=True)
class Settings:
    rasa_url: str = "http://localhost:5005"
    widget_server_url: str = ""  # where the widget connects; "" means rasa_url
    host: str = "127.0.0.1"
    port: int = 8000
    allowed_origins: Origins = field(default_factory=allowed_origins)
    primary_color: str = "#7b4b94"
    greeting: str = "Hi! Ask me about Botox for facial balance."
    widget_dir: Path = WIDGET_DIR

    @classmethod
    def from_env(cls, env: Optional[dict] = None) -> "Settings":
        env = os.environ if env is None else env
        rasa_url = (env.get("RASA_URL") or cls.rasa_url).rstrip("/")
        if urlsplit(rasa_url).scheme not in ("http", "https"):
            raise ValueError(f"RASA_URL must be an http(s) URL, not {rasa_url!r}")
        widget_server_url = (env.get("WIDGET_SERVER_URL") or rasa_url).rstrip("/")
        if urlsplit(widget_server_url).scheme not in ("http", "https"):
            raise ValueError(f"WIDGET_SERVER_URL must be an http(s) URL, not {widget_server_url!r}")
        return cls(
            rasa_url=rasa_url,
            widget_server_url=widget_server_url,
            host=env.get("WEB_HOST") or cls.host,
            port=int(env.get("WEB_PORT") or cls.port),
            allowed_origins=allowed_origins(env=env),
        )


@lru_cache(maxsize=4)
def _database(url: str):
    from bot.db import Database

    return Database(url)


def calendar_from_bookings(reference: str) -> Union[None, str, bytes]:
    """The booking's calendar file (`bot.calendar_file`), or None when no booking has that reference.

    The database is the action server's: DATABASE_URL (see `bot.db`). A cancelled booking gives a CANCEL event,
    so a patient who re-opens the link sees it removed from their calendar.
    """
    try:  # imported here: the site itself runs without the booking modules and their dependencies
        from sqlalchemy import select
        from sqlalchemy.orm import joinedload

        from bot.booking import describe, normalize_reference
        from bot.calendar_file import appointment_ics
        from bot.db import database_url
        from bot.db.models import Appointment
    except ImportError as error:
        logger.warning(f"Calendar files are not available: {error}")
        return None
    query = (
        select(Appointment)
        .where(Appointment.reference == normalize_reference(reference))
        .options(joinedload(Appointment.location), joinedload(Appointment.provider))
    )
    with _database(database_url()).session() as session:
        appointment = session.execute(query).scalar_one_or_none()
        if appointment is None:
            return None
        return appointment_ics(describe(appointment), clinic())


class MissLimiter:
    """At most `limit` unknown references per client in `window` seconds: references cannot be enumerated."""

    def __init__(self, limit: int = 30, window: float = 600.0):
        self.limit, self.window = limit, window
        self.misses: Dict[str, Deque[float]] = {}

    def _recent(self, client: str, now: float) -> Deque[float]:
        misses = self.misses.setdefault(client, deque())
        while misses and misses[0] <= now - self.window:
            misses.popleft()
        return misses

    def blocked(self, client: str) -> bool:
        return len(self._recent(client, time.monotonic())) >= self.limit

    def miss(self, client: str) -> None:
        now = time.monotonic()
        self._recent(client, now).append(now)
        if len(self.misses) > 10000:  # forget idle clients
            for key in [key for key, times in self.misses.items() if not times or times[-1] <= now - self.window]:
                del self.misses[key]


def register_staff_inbox(app: Sanic) -> None:
    try:
        from bot.web.staff import register_staff
    except ImportError as error:
        logger.warning(f"The staff inbox is not available: {error}")
        return
    register_staff(app)


def register_email_links(app: Sanic, links: Any = None) -> None:
    """The pages behind the links in patients' e-mails (`links`: an EmailLinks, default from the environment)."""
    try:
        from bot.db import database_url
        from bot.reminders.email_links import EmailLinks
        from bot.web.email_pages import register_email_pages
    except ImportError as error:
        logger.warning(f"The e-mail link pages are not available: {error}")
        return
    register_email_pages(app, links or EmailLinks.from_env(), lambda: _database(database_url()).sessions)


def text_response(text: str, status: int) -> HTTPResponse:
    return response.text(text, status=status, headers={"Cache-Control": "no-store"})


def security_headers(settings: Settings) -> dict:
    """Headers for the demo page; its Content-Security-Policy is what a clinic page embedding the widget needs."""
    rasa = urlsplit(settings.widget_server_url or settings.rasa_url)
    ws_scheme = "wss" if rasa.scheme == "https" else "ws"
    connect = f"'self' {rasa.scheme}://{rasa.netloc} {ws_scheme}://{rasa.netloc}"
    policy = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src {connect}; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
    return {
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
    }


def find_file(directory: Path, name: str) -> Optional[Path]:
    """The file `name` inside `directory`, or None when it is missing or outside the directory."""
    root = directory.resolve()
    try:
        path = (root / name).resolve()
    except (OSError, RuntimeError, ValueError):
        return None
    if root not in path.parents or not path.is_file():
        return None
    return path


async def file_response(path: Path, request: Request, origins: Origins) -> HTTPResponse:
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if mime.startswith("text/") or mime in ("application/javascript", "application/json"):
        mime += "; charset=utf-8"
    headers = {"Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff", "Vary": "Origin"}
    origin = request.headers.get("origin")
    if is_allowed(origin, origins):
        headers["Access-Control-Allow-Origin"] = origin
    return await response.file(path, mime_type=mime, headers=headers)


def create_app(
    settings: Optional[Settings] = None,
    calendar_lookup: Optional[CalendarLookup] = None,
    calendar_misses: Optional[MissLimiter] = None,
    staff: bool = True,
    email_links: Any = None,
) -> Sanic:
    """The site. `staff=False` leaves out the staff inbox (and its background sync with Rasa)."""
    settings = settings or Settings.from_env()
    lookup = calendar_lookup or calendar_from_bookings
    misses = calendar_misses or MissLimiter()
    app = Sanic(f"clinic_web_{next(APP_NUMBERS)}")  # Sanic keeps apps by name: one name per app
    app.config.FALLBACK_ERROR_FORMAT = "text"
    app.ctx.settings = settings
    if not (settings.widget_dir / WIDGET_FILE).is_file():
        logger.warning(BUILD_HINT)
    if staff:
        register_staff_inbox(app)
    register_email_links(app, email_links)

    @app.get("/")
    async def index(_: Request) -> HTTPResponse:
        page = render_demo_page(settings)
        return response.html(page, headers={**security_headers(settings), "Cache-Control": "no-cache"})

    @app.get("/healthz")
    async def healthz(_: Request) -> HTTPResponse:
        built = (settings.widget_dir / WIDGET_FILE).is_file()
        return response.json({"status": "ok", "widget_built": built}, headers={"Cache-Control": "no-store"})

    @app.get("/assets/<name:path>")
    async def assets(request: Request, name: str) -> HTTPResponse:
        path = find_file(ASSETS_DIR, name)
        if path is None:
            return text_response("Not found.", 404)
        return await file_response(path, request, settings.allowed_origins)

    @app.get("/widget/<name:path>")
    async def widget(request: Request, name: str) -> HTTPResponse:
        path = find_file(settings.widget_dir, name)
        if path is None:
            built = (settings.widget_dir / WIDGET_FILE).is_file()
            return text_response("Not found." if built else BUILD_HINT, 404)
        return await file_response(path, request, settings.allowed_origins)

    @app.get("/calendar/<filename:str>")
    async def calendar(request: Request, filename: str) -> HTTPResponse:
        reference = filename[: -len(".ics")] if filename.endswith(".ics") else ""
        if not REFERENCE.match(reference):
            return text_response("Not found. Calendar files are at /calendar/<booking reference>.ics.", 404)
        client = request.remote_addr or request.ip
        if misses.blocked(client):
            return text_response("Too many unknown booking references. Please try again later.", 429)
        loop = asyncio.get_running_loop()
        try:
            ics = await loop.run_in_executor(None, lookup, reference)  # a database read: off the event loop
        except Exception as error:  # noqa: BLE001 - the database is down or not migrated: say so, don't pretend 404
            logger.error("Calendar lookup failed (%s)", type(error).__name__)
            return text_response("Calendar files are unavailable right now. Please try again later.", 503)
        if not ics:
            misses.miss(client)
            return text_response(f"No booking with reference {reference} was found.", 404)
        body = ics.encode("utf-8") if isinstance(ics, str) else ics
        return response.raw(
            body,
            content_type="text/calendar; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="{reference}.ics"',
                "Cache-Control": "private, no-store",
                "X-Content-Type-Options": "nosniff",
            },
        )

    return app
