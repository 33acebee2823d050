"""The front desk (issue 12): marking visits attended or no-show, the day's list for a location, and the monthly
report of no-show and confirmation rates.

The CLI (`python -m bot appointments attended|no-show|day|report`, bot/cli_appointments.py) and the staff page
/staff/day (bot/web/staff.py) share these rules. Late cancels are flagged by bot/booking.py when a visit is cancelled
or moved inside `booking.cancellation_window_hours` of data/clinic.yml.
"""

from bot.front_desk.day import (
    DayEntry,
    Place,
    day_bounds_utc,
    day_sheet,
    day_summary,
    first_name,
    local_day,
    places,
    visit_status,
)
from bot.front_desk.errors import CannotMark, FrontDeskError, NoSuchAppointment, NoSuchLocation, NoSuchStaff
from bot.front_desk.outcomes import MarkedOutcome, record_outcome
from bot.front_desk.report import MonthReport, month_bounds_utc, monthly_report

__all__ = [
    "CannotMark",
    "DayEntry",
    "FrontDeskError",
    "MarkedOutcome",
    "MonthReport",
    "NoSuchAppointment",
    "NoSuchLocation",
    "NoSuchStaff",
    "Place",
    "day_bounds_utc",
    "day_sheet",
    "day_summary",
    "first_name",
    "local_day",
    "month_bounds_utc",
    "monthly_report",
    "places",
    "record_outcome",
    "visit_status",
]
