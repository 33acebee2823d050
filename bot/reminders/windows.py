"""Whether and how a channel can carry a message the patient did not just ask for (decided before each send).

* Twilio SMS, Telegram, Slack: any time (SMS consent is checked separately: STOP silences every later message).
* WhatsApp (Twilio, `whatsapp:` conversations): free text only within 24 hours of the patient's last message;
  later only an approved template. The decision is recorded as `delivery = "template:<name>"` and passed to the
  assistant with the trigger.
* Messenger: within 24 hours anything; later only with a message tag: CONFIRMED_EVENT_UPDATE covers a reminder of
  a booked visit, nothing covers a check-in or a promotion, so those are skipped.
* The website widget (Socket.IO) and REST cannot push a message: skipped as "channel_cannot_push". A booking made
  there sends its messages by e-mail instead (channel `email`, bot/reminders/email_sender.py), which has no window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional

from bot.reminders.timing import REMINDER

SESSION_WINDOW = timedelta(hours=24)
PUSHABLE = ("twilio", "facebook", "telegram", "slack")
EMAIL_CHANNEL = "email"
MESSENGER_REMINDER_TAG = "CONFIRMED_EVENT_UPDATE"


@dataclass(frozen=True)
class Route:
    send: bool
    delivery: Optional[str] = None  # "template:<name>" or "tag:<TAG>" outside the window
    reason: Optional[str] = None  # why not sent


def route(channel: str, recipient: str, kind: str, last_inbound: datetime, now: datetime) -> Route:
    """How a message of `kind` can reach `recipient` on `channel`, given the patient's last inbound message."""
    if channel == EMAIL_CHANNEL:
        return Route(True)
    if channel not in PUSHABLE:
        return Route(False, reason="channel_cannot_push")
    inside = now - last_inbound < SESSION_WINDOW
    if inside:
        return Route(True)
    if channel == "twilio" and recipient.startswith("whatsapp:"):
        return Route(True, delivery=f"template:appointment_{kind}")
    if channel == "facebook":
        if kind == REMINDER:
            return Route(True, delivery=f"tag:{MESSENGER_REMINDER_TAG}")
        return Route(False, reason="messenger_window_closed")
    return Route(True)
