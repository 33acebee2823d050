"""Staff commands: `python -m bot db upgrade|seed` and `python -m bot appointments list|cancel`, and the front
desk's `appointments attended|no-show REF --staff USER`, `appointments day` and `appointments report` (bot/front_desk).

The database is the one DATABASE_URL names (default var/clinic.db). Output is for staff at a terminal, so `list`
shows patient names (`day` first names only); nothing here is logged.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime
from typing import Any, Dict, List, Optional, Tuple
from zoneinfo import ZoneInfo

from bot.booking import BookingError, cancel_appointment, normalize_reference
from bot.db.models import ATTENDED, NO_SHOW, Appointment
from bot.db.session import Database
from bot.front_desk import FrontDeskError, MonthReport, day_sheet, monthly_report, record_outcome, visit_status
from bot.front_desk.day import appointments_on, day_summary, locations


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


def _row(appointment: Appointment) -> Dict[str, Any]:
    local = appointment.start_utc.astimezone(ZoneInfo(appointment.location.timezone))
    return {
        "reference": appointment.reference,
        "status": visit_status(appointment),
        "type": appointment.appointment_type,
        "start_local": local.isoformat(),
        "time": f"{local:%H:%M} {local.tzname()}",
        "timezone": appointment.location.timezone,
        "location": appointment.location_id,
        "provider": appointment.provider.name,
        "patient": appointment.patient.name,
    }


def list_appointments(database: Database, day: date, location_id: Optional[str] = None) -> List[Dict[str, Any]]:
    """Appointments (any status) starting on `day` in each location's own time zone. Raises NoSuchLocation."""
    with database.session() as session:
        return [
            _row(appointment)
            for location in locations(session, location_id)
            for appointment in appointments_on(session, day, location)
        ]


def _print_columns(rows: List[Dict[str, Any]], columns: Tuple[str, ...]) -> None:
    widths = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in columns}
    print("  ".join(c.upper().replace("_", " ").ljust(widths[c]) for c in columns).rstrip())
    for row in rows:
        print("  ".join(str(row[c]).ljust(widths[c]) for c in columns).rstrip())


def _print_table(rows: List[Dict[str, Any]], day: date) -> None:
    if not rows:
        print(f"No appointments on {day.isoformat()}.")
        return
    _print_columns(rows, ("time", "reference", "status", "type", "location", "provider", "patient"))


def _today(location_id: Optional[str] = None) -> date:
    """Today where the location is (the clinic's default time zone without one)."""
    from bot.clinic import clinic

    the_clinic = clinic()
    known = {location.id: location.timezone for location in the_clinic.locations}
    return datetime.now(ZoneInfo(known.get(location_id or "", the_clinic.default_timezone))).date()


def _refused(error: FrontDeskError) -> int:
    print(str(error), file=sys.stderr)
    return 1


def _appointments_list(args: argparse.Namespace) -> int:
    day = args.date or _today(args.location)
    database = Database()
    try:
        rows = list_appointments(database, day, args.location)
    except FrontDeskError as error:
        return _refused(error)
    finally:
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
    if result.late_cancel:
        print("This is a late cancel: it is inside the cancellation window before the visit.")
    return 0


# --- the front desk -----------------------------------------------------------------------------------------------


def _mark(args: argparse.Namespace, outcome: str) -> int:
    database = Database()
    try:
        marked = record_outcome(database.sessions, args.reference, outcome, args.staff)
    except FrontDeskError as error:
        print(f"Not marked: {error}", file=sys.stderr)
        return 1
    finally:
        database.dispose()
    if not marked.changed:
        print(f"{marked.reference} was already marked {marked.label}.")
        return 0
    was = f" (was {marked.previous.replace('_', '-')})" if marked.previous else ""
    print(f"Marked {marked.reference} {marked.label}{was}: {marked.when_text}, recorded by {marked.staff}.")
    return 0


def _appointments_attended(args: argparse.Namespace) -> int:
    return _mark(args, ATTENDED)


def _appointments_no_show(args: argparse.Namespace) -> int:
    return _mark(args, NO_SHOW)


def _appointments_day(args: argparse.Namespace) -> int:
    day = args.date or _today(args.location)
    database = Database()
    try:
        entries = day_sheet(database.sessions, day, args.location)
    except FrontDeskError as error:
        return _refused(error)
    finally:
        database.dispose()
    rows = [entry.as_dict() for entry in entries]
    if args.json:
        print(json.dumps(rows, indent=2))
    elif not rows:
        print(f"No appointments on {day.isoformat()}.")
    else:
        _print_columns(rows, ("time", "reference", "patient", "status", "location", "provider"))
        print(day_summary(entries))
    return 0


def _month(text: str) -> Tuple[int, int]:
    try:
        moment = datetime.strptime(text, "%Y-%m")
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a month like 2026-03") from None
    return moment.year, moment.month


def _percent(rate: Optional[float]) -> str:
    return "-" if rate is None else f"{rate:.0%}"


def _report_row(report: MonthReport) -> Dict[str, Any]:
    return {
        "location": report.location_id,
        "month": report.month,
        "appointments": report.appointments,
        "cancelled": report.cancelled,
        "late_cancels": report.late_cancels,
        "no_shows": f"{report.no_shows}/{report.due}",
        "no_show_rate": _percent(report.no_show_rate),
        "unmarked": report.unmarked,
        "confirmed": f"{report.confirmed}/{report.reminded}",
        "confirmation_rate": _percent(report.confirmation_rate),
    }


def _appointments_report(args: argparse.Namespace) -> int:
    today = _today(args.location)
    year, month = args.month or (today.year, today.month)
    database = Database()
    try:
        reports = monthly_report(database.sessions, year, month, args.location)
    except FrontDeskError as error:
        return _refused(error)
    finally:
        database.dispose()
    if args.json:
        print(json.dumps([report.as_dict() for report in reports], indent=2))
        return 0
    rows = [_report_row(report) for report in reports]
    _print_columns(rows, tuple(rows[0]) if rows else ("location",))
    print("No-show rate: no-shows / kept visits that have started. Confirmation rate: confirmed / kept visits whose "
          "reminder was sent. Late cancels include reschedules inside the cancellation window.")
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
    commands = subparsers.add_parser(
        "appointments", help="list, cancel and mark appointments; the front desk's day and monthly report"
    ).add_subparsers(dest="appointments_command", required=True)
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
    _add_front_desk(commands)


def _add_front_desk(commands: Any) -> None:
    for name, func, text in (("attended", _appointments_attended, "mark a visit attended"),
                             ("no-show", _appointments_no_show, "mark a visit a no-show")):
        mark = commands.add_parser(name, help=f"{text} (from its day on; marking again corrects it)")
        mark.add_argument("reference")
        mark.add_argument("--staff", required=True, help="your staff account's username, recorded with the outcome")
        mark.set_defaults(func=func)
    day = commands.add_parser("day", help="the front desk's list of one day: first names and confirmations")
    day.add_argument("--date", type=date.fromisoformat, help="YYYY-MM-DD (default: today)")
    day.add_argument("--location", help="location id, e.g. austin (default: every location)")
    day.add_argument("--json", action="store_true", help="print JSON")
    day.set_defaults(func=_appointments_day)
    report = commands.add_parser("report", help="no-show and confirmation rates of a month, per location")
    report.add_argument("--month", type=_month, help="YYYY-MM (default: this month)")
    report.add_argument("--location", help="location id, e.g. austin (default: every location)")
    report.add_argument("--json", action="store_true", help="print JSON")
    report.set_defaults(func=_appointments_report)


def add_parser(subparsers: Any) -> None:
    """Adds the `db` and `appointments` commands to `python -m bot`'s subparsers."""
    _add_db(subparsers)
    _add_appointments(subparsers)
