"""The time rules, on a fixed clock: 48 h and 2 h, quiet hours, same-day reminders, both DST days, the 90-day floor."""

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from bot.clinic import load_clinic
from bot.reminders.settings import ReminderSettings
from bot.reminders.timing import CHECK_IN, REMINDER, TOUCH_UP, plan_messages, retry_due

CHICAGO = ZoneInfo("America/Chicago")
SETTINGS = ReminderSettings()


def local(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=CHICAGO).astimezone(timezone.utc)


def due(planned, kind: str, label: str = "") -> datetime:
    return next(p.due_at for p in planned if p.kind == kind and (not label or p.label == label))


BOOKED_AT = local(2, 1, 9)


def plan(start: datetime, now: datetime = BOOKED_AT, marketing: bool = True):
    return plan_messages(start, "America/Chicago", now, SETTINGS, marketing)


def test_reminders_48_and_2_hours_before_inside_the_window() -> None:
    planned = plan(local(3, 4, 10))
    assert due(planned, REMINDER, "48h") == local(3, 2, 10)
    assert due(planned, REMINDER, "2h") == local(3, 4, 8)
    assert [p.label for p in planned] == ["48h", "2h", "14d", "98d"]


def test_a_reminder_the_evening_before_moves_to_the_window_not_past_the_visit() -> None:
    # 48 h before a 07:30 visit is 07:30 two days earlier: too early, moved to 08:00 that morning
    assert due(plan(local(3, 4, 7, 30)), REMINDER, "48h") == local(3, 2, 8)
    # 48 h before a 22:00 visit is 22:00: too late, moved back to 20:59 that evening (still before the visit)
    assert due(plan(local(3, 4, 22)), REMINDER, "48h") == local(3, 2, 20, 59)


def test_a_same_day_reminder_is_exempt_from_quiet_hours() -> None:
    assert due(plan(local(3, 4, 9)), REMINDER, "2h") == local(3, 4, 7)  # 07:00, before the window opens


def test_reminders_already_due_at_booking_are_not_planned() -> None:
    planned = plan(local(3, 4, 10), now=local(3, 3, 9))  # booked 25 hours ahead
    assert [p.label for p in planned if p.kind == REMINDER] == ["2h"]


def test_spring_forward_counts_real_hours_and_keeps_the_check_in_wall_clock() -> None:
    # 8 March 2026, 02:00 -> 03:00 in Chicago. A visit Monday 9 March at 10:00 CDT.
    planned = plan(local(3, 9, 10))
    assert due(planned, REMINDER, "48h") == local(3, 7, 9)  # 48 real hours: 09:00 CST on Saturday
    assert (local(3, 9, 10) - due(planned, REMINDER, "48h")) == timedelta(hours=48)
    assert due(planned, CHECK_IN).astimezone(CHICAGO).hour == 10


def test_fall_back_counts_real_hours_and_keeps_the_check_in_wall_clock() -> None:
    # 1 November 2026, 02:00 -> 01:00. A visit Monday 2 November at 10:00 CST; check-in falls in CST too.
    start = local(11, 2, 10)
    planned = plan(start, now=local(10, 1, 9))
    assert start - due(planned, REMINDER, "48h") == timedelta(hours=48)
    assert due(planned, REMINDER, "48h").astimezone(CHICAGO).hour == 11  # 11:00 CDT on Saturday
    # a visit on 20 October (CDT) has its check-in on 3 November (CST), still at 10:00 local
    assert due(plan(local(10, 20, 10), now=local(10, 1, 9)), CHECK_IN).astimezone(CHICAGO).hour == 10


def test_check_in_two_weeks_and_touch_up_14_weeks_after() -> None:
    planned = plan(local(3, 4, 10))
    assert due(planned, CHECK_IN) == local(3, 18, 10)
    assert due(planned, TOUCH_UP) == local(6, 10, 10)


def test_touch_up_never_before_90_days_and_only_with_marketing_consent(tmp_path) -> None:
    source = load_clinic()
    settings = ReminderSettings.of(type(source)(**{**source.__dict__, "reminders": {"touch_up_weeks": 6}}))
    assert settings.touch_up_after == timedelta(days=90)
    planned = plan_messages(local(3, 4, 10), "America/Chicago", local(2, 1, 9), settings, marketing=True)
    assert due(planned, TOUCH_UP) == local(6, 2, 10)
    assert TOUCH_UP not in [p.kind for p in plan(local(3, 4, 10), marketing=False)]


def test_a_check_in_due_at_night_moves_to_the_next_morning() -> None:
    # a 20:30 visit: the check-in at 20:30 is inside the window; a 21:30 one would move to 08:00 the next day
    settings = ReminderSettings(quiet_hours=(SETTINGS.quiet_hours[0], datetime(2026, 1, 1, 20).time()))
    planned = plan_messages(local(3, 4, 20, 30), "America/Chicago", local(2, 1, 9), settings, marketing=False)
    assert due(planned, CHECK_IN) == local(3, 19, 8)



def test_a_retry_moves_forward_out_of_quiet_hours_except_a_reminder_on_the_visit_day() -> None:
    visit = local(3, 4, 9)
    retry = lambda candidate, kind: retry_due(candidate, kind, visit, "America/Chicago", SETTINGS)  # noqa: E731
    assert retry(local(3, 2, 21, 30), REMINDER) == local(3, 3, 8)  # forward to the morning, never back to 20:59
    assert retry(local(3, 3, 6), REMINDER) == local(3, 3, 8)
    assert retry(local(3, 4, 7), REMINDER) == local(3, 4, 7)  # the visit's day: exempt, like the plan
    assert retry(local(3, 18, 23), CHECK_IN) == local(3, 19, 8)
    assert retry(local(3, 18, 12), CHECK_IN) == local(3, 18, 12)


def test_the_clinic_file_sets_the_offsets() -> None:
    settings = ReminderSettings.of(load_clinic())
    assert settings.before_visit == (timedelta(hours=48), timedelta(hours=2))
    assert settings.check_in_after == timedelta(days=14)
    assert settings.touch_up_after == timedelta(weeks=14)
    assert "STOP" in settings.consent_text
