"""Staff commands: `python -m bot db upgrade|seed` and `python -m bot appointments list|cancel`.

The database is the one DATABASE_URL names (default var/clinic.db). Output is for staff at a terminal, so it shows
patient names; nothing here is logged.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Dict, List, Optional
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from bot.booking import BookingError, cancel_appointment, normalize_reference
from bot.db.models import BOOKED, Appointment, Location
from bot.db.session import Database


def _db_upgrade(args: argparse.Namespace) -> int:
    database = Database()
    database.upgrade(args.revision)
    database.dispose()
    print(f"database at revision {args.revision}")
    return 0


def _db_seed(_: argparse.Namespace) -> int:
    from bot.clinic import load_clinic
    from bot.db.seed import seed

    database = Database()
    changes = seed(database.sessions, load_clinic())
    database.dispose()
    print(", ".join(f"{what}: {count}" for what, count in sorted(changes.items())) or "already up to date")
    return 0


def _day_bounds_utc(day: date, tz: str) -> tuple:
    zone = ZoneInfo(tz)
    start = datetime.combine(day, time(0), zone)
    end = datetime.combine(day + timedelta(days=1), time(0), zone)
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


def _status(appointment: Appointment) -> str:
    """"confirmed" for a booked visit the patient confirmed (YES to a reminder), else the stored status."""
    return "confirmed" if appointment.status == BOOKED and appointment.confirmed_at else appointment.status


def _row(appointment: Appointment) -> Dict[str, Any]:
    local = appointment.start_utc.astimezone(ZoneInfo(appointment.location.timezone))
    return {
        "reference": appointment.reference,
        "status": _status(appointment),
        "type": appointment.appointment_type,
        "start_local": local.isoformat(),
        "time": f"{local:%H:%M} {local.tzname()}",
        "timezone": appointment.location.timezone,
        "location": appointment.location_id,
        "provider": appointment.provider.name,
        "patient": appointment.patient.name,
    }


def list_appointments(database: Database, day: date, location_id: Optional[str] = None) -> List[Dict[str, Any]]:
    """Appointments (any status) starting on `day` in each location's own time zone."""
    rows: List[Dict[str, Any]] = []
    with database.session() as session:
        query = select(Location).order_by(Location.name)
        if location_id:
            query = query.where(Location.id == location_id)
        for location in session.execute(query).scalars():
            start, end = _day_bounds_utc(day, location.timezone)
            appointments = session.execute(
                select(Appointment)
                .options(
                    joinedload(Appointment.location), joinedload(Appointment.provider), joinedload(Appointment.patient)
                )
                .where(
                    Appointment.location_id == location.id, Appointment.start_utc >= start, Appointment.start_utc < end
                )
                .order_by(Appointment.start_utc)
            ).scalars()
            rows.extend(_row(appointment) for appointment in appointments)
    return rows


def _print_table(rows: List[Dict[str, Any]], day: date) -> None:
    if not rows:
        print(f"No appointments on {day.isoformat()}.")
        return
    columns = ("time", "reference", "status", "type", "location", "provider", "patient")
    widths = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in columns}
    print("  ".join(c.upper().ljust(widths[c]) for c in columns))
    for row in rows:
        print("  ".join(str(row[c]).ljust(widths[c]) for c in columns).rstrip())


def _appointments_list(args: argparse.Namespace) -> int:
    from bot.clinic import clinic

    day = args.date or datetime.now(ZoneInfo(clinic().default_timezone)).date()
    database = Database()
    rows = list_appointments(database, day, args.location)
    database.dispose()
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        _print_table(rows, day)
    return 0


def _appointments_cancel(args: argparse.Namespace) -> int:
    database = Database()
    try:
        result = cancel_appointment(database.sessions, args.reference, actor=args.actor, reason=args.reason)
    except BookingError as error:
        print(f"Not cancelled ({normalize_reference(args.reference)}): {error}", file=sys.stderr)
        return 1
    finally:
        database.dispose()
    print(f"Cancelled {result.reference}: {result.when_text}, {result.provider_name}, {result.location_name}.")
    return 0


def _add_db(subparsers: Any) -> None:
    db = subparsers.add_parser("db", help="database migrations and seeding").add_subparsers(
        dest="db_command", required=True
    )
    upgrade = db.add_parser("upgrade", help="migrate the database (DATABASE_URL) to the latest revision")
    upgrade.add_argument("--revision", default="head")
    upgrade.set_defaults(func=_db_upgrade)
    db.add_parser("seed", help="load locations, providers, hours and types from data/clinic.yml").set_defaults(
        func=_db_seed
    )


def _add_appointments(subparsers: Any) -> None:
    commands = subparsers.add_parser("appointments", help="list or cancel appointments").add_subparsers(
        dest="appointments_command", required=True
    )
    listing = commands.add_parser("list", help="one day's appointments, local times")
    listing.add_argument("--date", type=date.fromisoformat, help="YYYY-MM-DD (default: today)")
    listing.add_argument("--location", help="location id, e.g. austin")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(func=_appointments_list)
    cancel = commands.add_parser("cancel", help="cancel a booked appointment by its reference")
    cancel.add_argument("reference")
    cancel.add_argument("--reason")
    cancel.add_argument("--actor", default="cli", help='recorded in the audit log, e.g. "staff:alice"')
    cancel.set_defaults(func=_appointments_cancel)


def add_parser(subparsers: Any) -> None:
    """Adds the `db` and `appointments` commands to `python -m bot`'s subparsers."""
    _add_db(subparsers)
    _add_appointments(subparsers)
