"""`python -m bot retention --older-than 30d [--dry-run] [--now ISO-TIME]`: deletes old conversations, closed
handoffs and inactive patients (see `bot/retention.py`). It prints counts only, never anything about a person.

The databases are the ones DATABASE_URL and TRACKER_STORE_URL name (defaults under var/).
"""

from __future__ import annotations

import argparse
from dataclasses import fields
from datetime import datetime, timedelta, timezone


def _age(text: str) -> timedelta:
    from bot.retention import parse_age

    try:
        return parse_age(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _instant(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO time: {text!r}") from None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def retention(args: argparse.Namespace) -> int:
    from bot.retention import run_retention

    cutoff = (args.now or datetime.now(timezone.utc)) - args.older_than
    counts = run_retention(cutoff, dry_run=args.dry_run)
    verb = "would delete (dry run)" if args.dry_run else "deleted"
    print(f"Retention before {cutoff.astimezone(timezone.utc).isoformat(timespec='seconds')}, {verb}:")
    for field in fields(counts):
        print(f"  {field.name.replace('_', ' ')}: {getattr(counts, field.name)}")
    return 0


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("retention", help="delete conversations, closed handoffs and patients past a cutoff")
    parser.add_argument("--older-than", required=True, type=_age, metavar="AGE", help="e.g. 30d, 12h or 4w")
    parser.add_argument("--dry-run", action="store_true", help="print what would be deleted, delete nothing")
    parser.add_argument("--now", type=_instant, metavar="ISO-TIME", help="the current time (UTC if no offset)")
    parser.set_defaults(func=retention)
