"""Tell the staff about a new handoff request: a Slack incoming webhook and/or an e-mail (SMTP).

Environment:
  HANDOFF_SLACK_WEBHOOK_URL       Slack incoming-webhook URL (unset: no Slack message)
  SMTP_HOST, SMTP_PORT, ...       the mail server (bot/mail.py; unset host: no e-mail); sender default
                                  handoff@localhost
  HANDOFF_EMAIL_TO                comma-separated recipients (unset: no e-mail)
  STAFF_INBOX_URL                 the inbox's public address for links (default http://localhost:8000/staff)
  HANDOFF_NOTIFY_SUMMARY          "1" adds the request's summary (topic, booking, question, last messages); default
                                  off

By default a notification says only that a conversation waits: its urgency, reason, channel and a link to the
inbox, never what the patient wrote, since Slack and mailboxes keep copies outside the clinic's control. Urgent
requests say "URGENT" first. Even with the summary on, the patient's contact details stay in the inbox, behind a
login, and patient text sent to Slack is made inert (`slack_escape`). Logs name the request id and the error type
only.
"""

from __future__ import annotations

import json
import logging
import os
import re
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any, Callable, Dict, List, Mapping, Optional

from bot import mail
from bot.handoff.summary import reason_label, summary_lines

log = logging.getLogger(__name__)

TIMEOUT_S = 10
SUMMARY_ENV = "HANDOFF_NOTIFY_SUMMARY"
_BROADCAST = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)
_LINK_LIKE = re.compile(r"\b[a-z][a-z0-9+.-]*://\S*|\b(?:[a-z0-9-]+\.)+[a-z]{2,}\b\S*", re.IGNORECASE)


@dataclass(frozen=True)
class Notice:
    request_id: int
    urgent: bool
    reason: str
    channel: str
    live: bool
    summary: Dict[str, Any]
    reply_by_text: Optional[str] = None  # "Monday at 9:00 AM CST" for messages taken after hours

    @classmethod
    def of(cls, request: Any, reply_by_text: Optional[str] = None) -> "Notice":
        return cls(
            request_id=request.id,
            urgent=bool(request.urgent),
            reason=request.reason,
            channel=request.channel,
            live=bool(request.live),
            summary=dict(request.summary or {}),
            reply_by_text=reply_by_text,
        )


def inbox_url(env: Mapping[str, str] = os.environ) -> str:
    return (env.get("STAFF_INBOX_URL") or "http://localhost:8000/staff").rstrip("/")


def subject(notice: Notice) -> str:
    head = "URGENT: " if notice.urgent else ""
    return f"{head}Handoff request #{notice.request_id}: {reason_label(notice.reason)}"


def summary_enabled(env: Mapping[str, str] = os.environ) -> bool:
    return (env.get(SUMMARY_ENV) or "").strip().lower() in ("1", "true", "yes")


def slack_escape(text: str) -> str:
    """Text Slack shows as typed: `<!channel>`, `<@U123>` and `<http://evil|click>` escaped as Slack asks
    (& < >), a bare @channel/@here broken with a zero-width space, and addresses defanged ("evil[.]example",
    "https[:]//") so that Slack does not turn them into links."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _BROADCAST.sub(lambda match: "@\u200b" + match.group(1), text)
    return _LINK_LIKE.sub(lambda match: match.group(0).replace("://", "[:]//").replace(".", "[.]"), text)


def _details(notice: Notice, env: Mapping[str, str], escape: Callable[[str], str]) -> List[str]:
    if not summary_enabled(env):
        return [f"Reason: {reason_label(notice.reason)}"]
    return [escape(line) for line in summary_lines(notice.summary)]


def body_lines(
    notice: Notice, env: Mapping[str, str] = os.environ, escape: Callable[[str], str] = lambda text: text
) -> List[str]:
    """The message: `escape` is applied to the summary's lines, the only ones that can hold patient text."""
    lines = []
    if notice.urgent:
        lines.append("URGENT — please look at this first.")
    if notice.live:
        lines.append(f"The patient is waiting in the chat ({notice.channel}).")
    else:
        when = f" by {notice.reply_by_text}" if notice.reply_by_text else ""
        lines.append(f"Message taken outside staff hours ({notice.channel}); the patient was promised a reply{when}.")
    lines += _details(notice, env, escape)
    lines.append(f"Open it: {inbox_url(env)}/requests/{notice.request_id}")
    return lines


def slack_payload(notice: Notice, env: Mapping[str, str] = os.environ) -> Dict[str, Any]:
    """Slack incoming-webhook JSON: `text` (also the notification preview) with mrkdwn."""
    title = f"*{subject(notice)}*"
    if notice.urgent:
        title = f":rotating_light: {title}"
    return {"text": "\n".join([title, *body_lines(notice, env, slack_escape)]), "unfurl_links": False}


def send_slack(notice: Notice, env: Mapping[str, str] = os.environ) -> bool:
    url = env.get("HANDOFF_SLACK_WEBHOOK_URL")
    if not url:
        return False
    data = json.dumps(slack_payload(notice, env)).encode("utf-8")
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=TIMEOUT_S) as reply:  # noqa: S310 (URL is the clinic's setting)
        if reply.status >= 300:
            raise RuntimeError(f"Slack answered {reply.status}")
    return True


def email_message(notice: Notice, recipients: List[str], env: Mapping[str, str] = os.environ) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = subject(notice)
    message["To"] = ", ".join(recipients)
    if notice.urgent:
        message["X-Priority"] = "1"
        message["Importance"] = "high"
    message.set_content("\n".join(body_lines(notice, env)) + "\n")
    return message


def send_email(notice: Notice, env: Mapping[str, str] = os.environ) -> bool:
    settings = mail.SmtpSettings.from_env("handoff@localhost", env)
    recipients = [address.strip() for address in (env.get("HANDOFF_EMAIL_TO") or "").split(",") if address.strip()]
    if settings is None or not recipients:
        return False
    mail.send(email_message(notice, recipients, env), settings)
    return True


def notify_new_request(notice: Notice, env: Mapping[str, str] = os.environ) -> Dict[str, str]:
    """Sends every configured notification; never raises. Returns {"slack": "sent"|"off"|"failed", "email": ...}."""
    results = {}
    for name, send in (("slack", send_slack), ("email", send_email)):
        try:
            results[name] = "sent" if send(notice, env) else "off"
        except Exception as error:  # a notification must never break the handoff itself
            results[name] = "failed"
            log.warning("handoff request %s: %s notification failed (%s)", notice.request_id, name,
                        type(error).__name__)
    return results
