"""The pages behind the links in patients' e-mails (signed by bot/reminders/email_links.py):

  GET  /email/unsubscribe/<token>   what the link stops, and one button (a mail scanner following links stops nothing)
  POST /email/unsubscribe/<token>   stops it; also the mail app's one-click unsubscribe (RFC 8058)
  GET  /email/confirm/<token>       the visit, and one button
  POST /email/confirm/<token>       confirms it, as YES to a reminder in a chat

A token not signed here is 404. Without EMAIL_LINK_SECRET no e-mail has links, and these routes are 404 too.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Dict, Optional, Union

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.booking import BookingResult
from bot.clinic import clinic
from bot.reminders.email_links import CONFIRM, UNSUBSCRIBE, EmailLinks
from bot.reminders.email_message import visit_when
from bot.responses import render

log = logging.getLogger(__name__)
TEMPLATES = Path(__file__).resolve().parent / "templates"
HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "Referrer-Policy": "no-referrer",  # the token is in the address
    "X-Content-Type-Options": "nosniff",
}


@lru_cache(maxsize=1)
def _templates() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))


def _page(response_name: str, status: int = 200, language: str = "en", form: bool = False,
          **values: Any) -> HTTPResponse:
    """The page saying domain response `response_name` in `language`: its custom heading (and button), its text."""
    said = render(response_name, None, values, language)
    body = _templates().get_template("email_link.html").render(
        clinic=clinic(), language=language, message=said.text, form=form, **said.custom)
    return response.html(body, status=status, headers=HEADERS)


def _not_found() -> HTTPResponse:
    return _page("utter_email_page_not_found", 404)


def _unavailable() -> HTTPResponse:
    return _page("utter_email_page_unavailable", 503)


def _visit(booking: BookingResult, language: str) -> Dict[str, str]:
    return {"visit_when": visit_when(booking, language),
            "visit_place": f"{booking.location_name}, {booking.location_address}",
            "visit_provider": clinic().provider_called(booking.provider_id, booking.provider_name, language)}


def _what_stops(kind: str, language: str) -> str:
    from bot.reminders.timing import MARKETING_KINDS

    name = "utter_email_page_stops_invitations" if kind in MARKETING_KINDS else "utter_email_page_stops_visits"
    return render(name, None, {}, language).text


def register_email_pages(app: Sanic, links: Optional[EmailLinks], sessions: Callable[[], Any],
                         clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> None:
    """`sessions()` gives the clinic database's sessionmaker (opened on first use)."""
    from bot.booking import NotChangeable
    from bot.reminders import email_replies
    from bot.reminders.conversation import ReplyNotVerified

    def message_id(purpose: str, token: str) -> Optional[int]:
        return links.message_id(purpose, token) if links is not None else None

    async def run(function: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.to_thread(function, sessions(), *args)

    async def linked_or_error(purpose: str, token: str) -> Union[email_replies.LinkedMessage, HTTPResponse]:
        """The message a link came with, or the page that says why there is none."""
        found = message_id(purpose, token)
        if found is None:
            return _not_found()
        try:
            linked = await run(email_replies.linked_message, found)
        except Exception as error:  # noqa: BLE001 - the database is away: say so, change nothing
            log.error("e-mail link page failed (%s)", type(error).__name__)
            return _unavailable()
        return linked if linked is not None else _not_found()

    @app.get("/email/unsubscribe/<token:str>")
    async def unsubscribe_page(_: Request, token: str) -> HTTPResponse:
        linked = await linked_or_error(UNSUBSCRIBE, token)
        if isinstance(linked, HTTPResponse):
            return linked
        return _page("utter_email_page_stop_ask", language=linked.language, form=True,
                     stops=_what_stops(linked.kind, linked.language))

    @app.post("/email/unsubscribe/<token:str>")
    async def unsubscribe(_: Request, token: str) -> HTTPResponse:
        linked = await linked_or_error(UNSUBSCRIBE, token)
        if isinstance(linked, HTTPResponse):
            return linked
        try:
            kind = await run(email_replies.stop_emails, message_id(UNSUBSCRIBE, token), clock())
        except Exception as error:  # noqa: BLE001
            log.error("e-mail unsubscribe failed (%s)", type(error).__name__)
            return _unavailable()
        if kind is None:
            return _not_found()
        return _page("utter_email_page_stopped", language=linked.language, stops=_what_stops(kind, linked.language))

    @app.get("/email/confirm/<token:str>")
    async def confirm_page(_: Request, token: str) -> HTTPResponse:
        linked = await linked_or_error(CONFIRM, token)
        if isinstance(linked, HTTPResponse):
            return linked
        return _page("utter_email_page_confirm_ask", language=linked.language, form=True,
                     **_visit(linked.booking, linked.language))

    @app.post("/email/confirm/<token:str>")
    async def confirm(_: Request, token: str) -> HTTPResponse:
        linked = await linked_or_error(CONFIRM, token)
        if isinstance(linked, HTTPResponse):
            return linked
        try:
            booking = await run(email_replies.confirm_by_link, message_id(CONFIRM, token), clock())
        except ReplyNotVerified:
            return _not_found()
        except NotChangeable:
            return _page("utter_email_page_nothing_to_confirm", 409, linked.language)
        except Exception as error:  # noqa: BLE001
            log.error("e-mail confirm failed (%s)", type(error).__name__)
            return _unavailable()
        return _page("utter_email_page_confirmed", language=linked.language, **_visit(booking, linked.language))

