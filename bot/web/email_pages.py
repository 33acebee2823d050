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
from typing import Any, Callable, Optional, Union

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.clinic import clinic
from bot.reminders.email_links import CONFIRM, UNSUBSCRIBE, EmailLinks

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


def _page(status: int = 200, **values: Any) -> HTTPResponse:
    body = _templates().get_template("email_link.html").render(clinic=clinic(), **values)
    return response.html(body, status=status, headers=HEADERS)


def _not_found() -> HTTPResponse:
    return _page(404, heading="This link doesn't work",
                 message=f"It may have been copied incompletely. Please call us at {clinic().phone}.")


def _unavailable() -> HTTPResponse:
    return _page(503, heading="Sorry, something went wrong on our side",
                 message=f"Nothing was changed. Please try again in a few minutes, or call us at {clinic().phone}.")


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
        return _page(heading="Stop e-mails from us?", form=True, button="Stop e-mails",
                     message=_what_stops(linked.kind))

    @app.post("/email/unsubscribe/<token:str>")
    async def unsubscribe(_: Request, token: str) -> HTTPResponse:
        found = message_id(UNSUBSCRIBE, token)
        if found is None:
            return _not_found()
        try:
            kind = await run(email_replies.stop_emails, found, clock())
        except Exception as error:  # noqa: BLE001
            log.error("e-mail unsubscribe failed (%s)", type(error).__name__)
            return _unavailable()
        if kind is None:
            return _not_found()
        return _page(heading="Done: you won't get these e-mails any more",
                     message=f"{_what_stops(kind)} Your booking is not changed. Questions? Call us at "
                             f"{clinic().phone}.")

    @app.get("/email/confirm/<token:str>")
    async def confirm_page(_: Request, token: str) -> HTTPResponse:
        linked = await linked_or_error(CONFIRM, token)
        if isinstance(linked, HTTPResponse):
            return linked
        return _page(heading="Confirm your visit", form=True, button="Yes, I'm coming",
                     message=f"Your consultation on {linked.booking.when_text} at {linked.booking.location_name}, "
                             f"{linked.booking.location_address}, with {linked.booking.provider_name}.")

    @app.post("/email/confirm/<token:str>")
    async def confirm(_: Request, token: str) -> HTTPResponse:
        found = message_id(CONFIRM, token)
        if found is None:
            return _not_found()
        try:
            booking = await run(email_replies.confirm_by_link, found, clock())
        except ReplyNotVerified:
            return _not_found()
        except NotChangeable:
            return _page(409, heading="There's nothing to confirm",
                         message="That appointment has already been changed or has started. If that's unexpected, "
                                 f"please call us at {clinic().phone}.")
        except Exception as error:  # noqa: BLE001
            log.error("e-mail confirm failed (%s)", type(error).__name__)
            return _unavailable()
        return _page(heading="Thank you, you're confirmed",
                     message=f"We'll see you on {booking.when_text} at {booking.location_name}. If anything changes, "
                             f"please call us at {clinic().phone}.")


def _what_stops(kind: str) -> str:
    from bot.reminders.timing import MARKETING_KINDS

    if kind in MARKETING_KINDS:
        return "This stops our touch-up invitations by e-mail."
    return "This stops our e-mails about your visits: reminders, check-ins and invitations."
