"""Signed links in patients' e-mails: stop e-mails, and confirm a visit, without logging in.

A link carries the scheduled message's id, signed (itsdangerous) with EMAIL_LINK_SECRET for one purpose, so it
acts only on the message it was sent with and cannot be forged or turned into the other kind of link. Unsubscribe
links do not expire (a patient may use one months later); the action behind each is idempotent.

Environment: EMAIL_LINK_SECRET (a long random string; `make run` generates one in var/), WEB_BASE_URL (the web
app's public address, default http://localhost:8000).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping, Optional

from itsdangerous import BadSignature, URLSafeSerializer

from bot.mail import SmtpSettings

UNSUBSCRIBE = "unsubscribe"
CONFIRM = "confirm"
PURPOSES = (UNSUBSCRIBE, CONFIRM)


@dataclass(frozen=True)
class EmailLinks:
    secret: str
    base_url: str

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Optional["EmailLinks"]:
        """The links' settings, or None without EMAIL_LINK_SECRET (then no e-mail can carry its stop link)."""
        secret = env.get("EMAIL_LINK_SECRET")
        if not secret:
            return None
        return cls(secret, (env.get("WEB_BASE_URL") or "http://localhost:8000").rstrip("/"))

    def _serializer(self, purpose: str) -> URLSafeSerializer:
        return URLSafeSerializer(self.secret, salt=f"clinic-email-{purpose}")

    def token(self, purpose: str, message_id: int) -> str:
        return self._serializer(purpose).dumps(message_id)

    def url(self, purpose: str, message_id: int) -> str:
        return f"{self.base_url}/email/{purpose}/{self.token(purpose, message_id)}"

    def message_id(self, purpose: str, token: str) -> Optional[int]:
        """The message a link was made for, or None when it was not made here for this purpose."""
        try:
            value = self._serializer(purpose).loads(token)
        except BadSignature:
            return None
        return value if isinstance(value, int) else None


def email_is_on(env: Mapping[str, str] = os.environ) -> bool:
    """Whether patients' e-mails can go out: a mail server (bot/mail.py) and the secret for their stop links."""
    return SmtpSettings.from_env("", env) is not None and EmailLinks.from_env(env) is not None
