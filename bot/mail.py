"""Sending e-mail through the clinic's SMTP server (staff notifications, patients' reminders).

Environment:
  SMTP_HOST, SMTP_PORT            mail server (unset host: no e-mail); port 587 (default) uses STARTTLS, 465 SSL
  SMTP_USER, SMTP_PASSWORD        login, when the server needs one
  SMTP_FROM                       sender address (default SMTP_USER, else the caller's default)
  SMTP_STARTTLS                   "1"/"0" to force STARTTLS on or off (default: on unless port 25 or 465)
"""

from __future__ import annotations

import os
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Mapping, Optional

TIMEOUT_S = 10


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    user: Optional[str]
    password: Optional[str]
    sender: str
    starttls: bool

    @classmethod
    def from_env(cls, default_sender: str, env: Mapping[str, str] = os.environ) -> Optional["SmtpSettings"]:
        """The server's settings, or None when no SMTP_HOST is set (e-mail is off)."""
        host = env.get("SMTP_HOST")
        if not host:
            return None
        port = int(env.get("SMTP_PORT") or 587)
        user = env.get("SMTP_USER") or None
        setting = env.get("SMTP_STARTTLS")
        starttls = port not in (25, 465) if setting in (None, "") else setting.lower() in ("1", "true", "yes")
        return cls(host, port, user, env.get("SMTP_PASSWORD") or None, env.get("SMTP_FROM") or user or default_sender,
                   starttls)


def send(message: EmailMessage, settings: SmtpSettings) -> None:
    """Sends one message (its From is set here); raises smtplib or socket errors."""
    if "From" not in message:
        message["From"] = settings.sender
    if settings.port == 465:
        client: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port, timeout=TIMEOUT_S,
                                                context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_S)
    with client:
        client.ehlo()
        if settings.starttls and settings.port != 465:
            client.starttls(context=ssl.create_default_context())
            client.ehlo()
        if settings.user and settings.password:
            client.login(settings.user, settings.password)
        client.send_message(message)
