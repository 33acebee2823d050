"""`python -m bot reminders run [--once] [--now ISO-TIME] [--interval SECONDS]`: the reminders worker.

It sends due messages through Rasa's HTTP API (RASA_URL, default http://localhost:5005; token RASA_API_TOKEN) from
the clinic database (DATABASE_URL), and e-mails those of bookings made in the website widget (SMTP_* in bot/mail.py,
EMAIL_LINK_SECRET and WEB_BASE_URL in bot/reminders/email_links.py). `--now` fixes the clock (tests, operators
replaying a moment); `--once` runs one round and prints what happened to the messages it handled, by status (counts
only).
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import func, select


def _moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError("give a time zone, e.g. 2026-03-02T08:00:00-06:00 or ...Z")
    return moment.astimezone(timezone.utc)


def _statuses(database: Any) -> str:
    from bot.db.reminder_models import ScheduledMessage

    with database.session() as session:
        rows = session.execute(
            select(ScheduledMessage.status, func.count()).group_by(ScheduledMessage.status).order_by(
                ScheduledMessage.status)
        ).all()
    return ", ".join(f"{status}: {count}" for status, count in rows) or "no messages"


async def _run(args: argparse.Namespace, database: Any) -> int:
    from bot.channels.sms_consent import ConsentStore
    from bot.clinic import clinic
    from bot.reminders.email_sender import EmailSender
    from bot.reminders.rasa_trigger import RasaTrigger
    from bot.reminders.settings import ReminderSettings
    from bot.reminders.worker import Worker, system_clock

    clock = (lambda: args.now) if args.now else system_clock
    rasa = RasaTrigger()
    worker = Worker(database.sessions, rasa, ConsentStore(database.engine), ReminderSettings.of(clinic()), clock,
                    email=EmailSender.from_env(clinic()))
    try:
        if args.once:
            handled = await worker.run_once()
            print(f"handled {handled} due message(s); all messages by status: {_statuses(database)}")
        else:
            await worker.run_forever(args.interval)
    finally:
        await rasa.close()
    return 0


def _reminders_run(args: argparse.Namespace) -> int:
    from bot.db.session import Database

    database = Database()
    try:
        return asyncio.run(_run(args, database))
    except KeyboardInterrupt:
        return 0
    finally:
        database.dispose()


def add_parser(subparsers: Any) -> None:
    """Adds `reminders run` to `python -m bot`'s subparsers."""
    commands = subparsers.add_parser("reminders", help="reminders, check-ins and touch-up invitations").add_subparsers(
        dest="reminders_command", required=True
    )
    run = commands.add_parser("run", help="send due messages through Rasa's HTTP API")
    run.add_argument("--once", action="store_true", help="one round, then exit")
    run.add_argument("--now", type=_moment, help="fixed clock, ISO 8601 with a time zone")
    run.add_argument("--interval", type=float, default=30.0, help="seconds between rounds (default 30)")
    run.set_defaults(func=_reminders_run)
