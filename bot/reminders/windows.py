"""Whether and how a channel can carry a message the patient did not just ask for (decided before each send).

* Twilio SMS, Telegram, Slack: any time (SMS consent is checked separately: STOP silences every later message).
* WhatsApp (Twilio, `whatsapp:` conversations): free text only within 24 hours of the patient's last message;
  later only an approved template: the clinic's Content SID for the kind (`reminders.whatsapp_templates` in
  data/clinic.yml), else the message is skipped ("no_whatsapp_template"). The decision is recorded as
  `delivery = "template:<content sid>"`, passed to the assistant with the trigger, and carried by the uttered
  message (`custom.scheduled_delivery`) to the Twilio channel, which sends the template instead of the text.
* Messenger: within 24 hours anything; later only with a message tag: CONFIRMED_EVENT_UPDATE covers a reminder of
  a booked visit ("tag:CONFIRMED_EVENT_UPDATE", sent by the Messenger channel as a MESSAGE_TAG message), nothing
  covers a check-in or a promotion, so those are skipped.
* The website widget (Socket.IO) and REST cannot push a message: skipped as "channel_cannot_push". A booking made
  there sends its messages by e-mail instead (channel `email`, bot/reminders/email_sender.py), which has no window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Mapping, Optional

from bot.reminders.timing import REMINDER

SESSION_WINDOW = timedelta(hours=24)
PUSHABLE = ("twilio", "facebook", "telegram", "slack")
EMAIL_CHANNEL = "email"
MESSENGER_REMINDER_TAG = "CONFIRMED_EVENT_UPDATE"
DELIVERY_KEY = "scheduled_delivery"  # in a scheduled message's `custom` part: how the channel must send it
TEMPLATE_VARIABLES_KEY = "template_variables"  # and the values of a WhatsApp template's {{1}}, {{2}}, ...
TEMPLATE, TAG = "template:", "tag:"


@dataclass(frozen=True)
class Route:
    send: bool
    delivery: Optional[str] = None  # "template:<name>" or "tag:<TAG>" outside the window
    reason: Optional[str] = None  # why not sent


def route(channel: str, recipient: str, kind: str, last_inbound: datetime, now: datetime,
          whatsapp_templates: Mapping[str, str] = {}) -> Route:  # noqa: B006 - read only
    """How a message of `kind` can reach `recipient` on `channel`, given the patient's last inbound message and
    the clinic's approved WhatsApp templates (Content SIDs by kind)."""
    if channel == EMAIL_CHANNEL:
        return Route(True)
    if channel not in PUSHABLE:
        return Route(False, reason="channel_cannot_push")
    inside = now - last_inbound < SESSION_WINDOW
    if inside:
        return Route(True)
    if channel == "twilio" and recipient.startswith("whatsapp:"):
        template = whatsapp_templates.get(kind)
        if not template:
            return Route(False, reason="no_whatsapp_template")
        return Route(True, delivery=f"{TEMPLATE}{template}")
    if channel == "facebook":
        if kind == REMINDER:
            return Route(True, delivery=f"{TAG}{MESSENGER_REMINDER_TAG}")
        return Route(False, reason="messenger_window_closed")
    return Route(True)


def template_of(delivery: Optional[str]) -> Optional[str]:
    """The WhatsApp template (Content SID) a delivery calls for, if any."""
    return delivery[len(TEMPLATE):] if delivery and delivery.startswith(TEMPLATE) else None


def tag_of(delivery: Optional[str]) -> Optional[str]:
    """The Messenger message tag a delivery calls for, if any."""
    return delivery[len(TAG):] if delivery and delivery.startswith(TAG) else None
