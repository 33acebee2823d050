"""When each message of an appointment is due: pure functions of the visit's time, its time zone and the settings.

* Reminders: the configured hours before the visit (absolute hours, so a DST change in between is counted right).
  A reminder already due when the booking is made is not sent at all.
* Check-in and touch-up: that many days after the visit at the same local wall-clock time; the touch-up never
  before 90 days (settings.TOUCH_UP_FLOOR).
* Quiet hours: a due time outside the window (default 08:00-21:00 local) moves into it: an early one to the window's
  start that day, a late one to the next day's start, or for a reminder to the window's last minute that evening,
  so it still comes before the visit. A reminder on the visit's own day is exempt: it goes at its time.
* Retries (after a failed try): the same rule, forward only: a retry outside the window waits for the next window's
  start (never earlier than the backoff), except a reminder retried on the visit's own day, which goes at its time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import List
from zoneinfo import ZoneInfo

from bot.reminders.settings import ReminderSettings

REMINDER = "reminder"
CHECK_IN = "check_in"
TOUCH_UP = "touch_up"
KINDS = (REMINDER, CHECK_IN, TOUCH_UP)
MARKETING_KINDS = (TOUCH_UP,)  # need the patient's own marketing yes; the others are transactional


@dataclass(frozen=True)
class PlannedMessage:
    kind: str
    label: str  # tells messages of one kind apart in the idempotency key: "48h", "2h", "14d", "98d"
    due_at: datetime  # UTC


def _label(delta: timedelta, unit: str) -> str:
    hours = delta.total_seconds() / 3600
    value = hours if unit == "h" else hours / 24
    return f"{value:g}{unit}"


def in_quiet_window(due: datetime, tz: str, settings: ReminderSettings) -> bool:
    local = due.astimezone(ZoneInfo(tz)).time()
    start, end = settings.quiet_hours
    return start <= local < end


def shift_into_window(due: datetime, tz: str, settings: ReminderSettings, latest_first: bool = False) -> datetime:
    """`due` moved into the sending window: early -> that morning's start; late -> next morning's start, or
    (latest_first, for reminders) that evening's last minute."""
    zone = ZoneInfo(tz)
    local = due.astimezone(zone)
    start, end = settings.quiet_hours
    if start <= local.time() < end:
        return due
    if local.time() < start:
        moved = datetime.combine(local.date(), start, zone)
    elif latest_first:
        moved = datetime.combine(local.date(), end, zone) - timedelta(minutes=1)
    else:
        moved = datetime.combine(local.date() + timedelta(days=1), start, zone)
    return moved.astimezone(due.tzinfo)


def on_visit_day(due: datetime, start: datetime, tz: str) -> bool:
    """Whether `due` falls on the local day of the visit at `start` (a reminder then is exempt from quiet hours)."""
    zone = ZoneInfo(tz)
    return due.astimezone(zone).date() == start.astimezone(zone).date()


def reminder_due(start: datetime, before: timedelta, tz: str, settings: ReminderSettings) -> datetime:
    due = start - before
    if on_visit_day(due, start, tz):
        return due  # same-day reminder: exempt from quiet hours
    return shift_into_window(due, tz, settings, latest_first=True)


def retry_due(candidate: datetime, kind: str, start: datetime, tz: str, settings: ReminderSettings) -> datetime:
    """When a message whose try failed goes again, `candidate` being the end of its backoff: moved forward into the
    sending window, except a reminder on the visit's own day (exempt, as in `reminder_due`)."""
    if kind == REMINDER and on_visit_day(candidate, start, tz):
        return candidate
    return shift_into_window(candidate, tz, settings)


def after_visit_due(start: datetime, after: timedelta, tz: str, settings: ReminderSettings) -> datetime:
    zone = ZoneInfo(tz)
    local = start.astimezone(zone).replace(tzinfo=None) + after  # same wall-clock time, whatever DST did
    due = local.replace(tzinfo=zone).astimezone(start.tzinfo)
    return shift_into_window(due, tz, settings)


def plan_messages(
    start: datetime, tz: str, now: datetime, settings: ReminderSettings, marketing: bool
) -> List[PlannedMessage]:
    """The messages of a visit at `start` (UTC) booked at `now`; the touch-up only with marketing consent."""
    planned = [
        PlannedMessage(REMINDER, _label(before, "h"), reminder_due(start, before, tz, settings))
        for before in settings.before_visit
    ]
    planned = [p for p in planned if now < p.due_at < start]
    planned.append(PlannedMessage(CHECK_IN, _label(settings.check_in_after, "d"),
                                  after_visit_due(start, settings.check_in_after, tz, settings)))
    if marketing:
        planned.append(PlannedMessage(TOUCH_UP, _label(settings.touch_up_after, "d"),
                                      after_visit_due(start, settings.touch_up_after, tz, settings)))
    return planned
