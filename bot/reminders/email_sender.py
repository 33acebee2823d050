"""The worker's e-mail path, for messages whose channel is `email` (bookings made in the website widget).

Marking the message delivered comes before the SMTP call, in its own transaction, the way the assistant's action
marks a chat message before uttering it: a worker that dies after sending never sends it again (the row is then
recorded as sent when claimed). A send that fails clears the mark, so the retry goes out.
"""

from __future__ import annotations

import asyncio
import os
import smtplib
from dataclasses import dataclass
from datetime import datetime
from typing import Mapping, Optional

from sqlalchemy.orm import sessionmaker

from bot import mail
from bot.clinic import Clinic
from bot.reminders.conversation import start_delivery, undo_delivery
from bot.reminders.email_links import EmailLinks
from bot.reminders.email_message import compose
from bot.reminders.windows import EMAIL_CHANNEL


@dataclass(frozen=True)
class EmailSender:
    smtp: mail.SmtpSettings
    links: EmailLinks
    clinic: Clinic

    @classmethod
    def from_env(cls, clinic: Clinic, env: Mapping[str, str] = os.environ) -> Optional["EmailSender"]:
        """The sender, or None when e-mail is off: no SMTP_HOST, or no EMAIL_LINK_SECRET for the stop link."""
        smtp = mail.SmtpSettings.from_env(clinic.email, env)
        links = EmailLinks.from_env(env)
        return cls(smtp, links, clinic) if smtp and links else None

    async def send(self, sessions: sessionmaker, message_id: int, recipient: str, now: datetime) -> Optional[str]:
        """None when the message went out (or already had), else a reason code for a retry."""
        delivered = await asyncio.to_thread(start_delivery, sessions, message_id, recipient, EMAIL_CHANNEL, now)
        if delivered is None:
            return None
        try:
            email = compose(message_id, delivered.kind, delivered.booking, recipient, self.clinic, self.links,
                            delivered.open_times, delivered.language)
            await asyncio.to_thread(mail.send, email, self.smtp)
        except (smtplib.SMTPException, OSError) as error:
            await asyncio.to_thread(undo_delivery, sessions, message_id)
            return f"smtp:{type(error).__name__}"
        except Exception:  # e.g. a response edited with an unknown placeholder: not sent, so not marked sent
            await asyncio.to_thread(undo_delivery, sessions, message_id)
            raise
        return None
