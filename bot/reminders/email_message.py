"""A scheduled message as an e-mail, for patients who booked where the assistant cannot write first (the website
widget): a plain-text and an HTML part with the same words (the `channel: email` variation of the chat message's
domain response), the visit's .ics with a reminder, and a stop link in every e-mail (List-Unsubscribe, one click,
RFC 8058). A reminder also carries a link that confirms the visit, as YES does in a chat."""

from __future__ import annotations

import re
from email.message import EmailMessage
from email.utils import make_msgid
from functools import lru_cache
from pathlib import Path
from typing import Dict, List
from urllib.parse import urlparse

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from bot.booking import BookingResult
from bot.calendar_file import appointment_ics
from bot.clinic import Clinic
from bot.reminders.email_links import CONFIRM, UNSUBSCRIBE, EmailLinks
from bot.reminders.timing import CHECK_IN, REMINDER, TOUCH_UP
from bot.responses import render
from bot.scheduling import wording

RESPONSES = {REMINDER: "utter_scheduled_reminder", CHECK_IN: "utter_scheduled_check_in",
             TOUCH_UP: "utter_scheduled_touch_up"}
TEMPLATES = Path(__file__).resolve().parent / "templates"
URL = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;:!?)]")


@lru_cache(maxsize=1)
def _templates() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))


def visit_when(booking: BookingResult, language: str) -> str:
    """The visit's day and time as the patient's e-mails say it."""
    if wording.spanish(language):
        return wording.when_text(booking.start_utc, booking.timezone, language)
    return booking.when_text


def _values(booking: BookingResult, clinic: Clinic, message_id: int, links: EmailLinks,
            open_times: str, language: str) -> Dict[str, str]:
    return {
        "visit_when": visit_when(booking, language),
        "visit_place": f"{clinic.name} {booking.location_name}, {booking.location_address}",
        "visit_provider": clinic.provider_called(booking.provider_id, booking.provider_name, language),
        "visit_reference": booking.reference,
        "confirm_url": links.url(CONFIRM, message_id),
        "unsubscribe_url": links.url(UNSUBSCRIBE, message_id),
        "open_times": open_times,
    }


def _linked(paragraph: str) -> Markup:
    """The paragraph, escaped, with its web addresses as links."""
    parts: List[str] = []
    last = 0
    for found in URL.finditer(paragraph):
        parts.append(escape(paragraph[last:found.start()]))
        parts.append(Markup('<a href="{0}">{0}</a>').format(found.group()))
        last = found.end()
    parts.append(escape(paragraph[last:]))
    return Markup("").join(parts)


def compose(message_id: int, kind: str, booking: BookingResult, recipient: str, clinic: Clinic,
            links: EmailLinks, open_times: str = "", language: str = "en") -> EmailMessage:
    values = _values(booking, clinic, message_id, links, open_times, language)
    rendered = render(RESPONSES[kind], "email", values, language)
    paragraphs = [p.strip() for p in rendered.text.split("\n") if p.strip()]
    message = EmailMessage()
    message["To"] = recipient
    message["Subject"] = rendered.custom["subject"]
    message["Message-ID"] = make_msgid(domain=urlparse(clinic.website).hostname or None)
    message["List-Unsubscribe"] = f"<{values['unsubscribe_url']}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content("\n\n".join(paragraphs) + "\n")
    html = _templates().get_template("email.html").render(
        subject=rendered.custom["subject"], paragraphs=[_linked(p) for p in paragraphs], clinic=clinic)
    message.add_alternative(html, subtype="html")
    if kind == REMINDER:
        message.add_attachment(appointment_ics(booking, clinic), maintype="text", subtype="calendar",
                               filename=f"{booking.reference}.ics")
    return message
