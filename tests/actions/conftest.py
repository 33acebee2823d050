"""Fixtures of the action tests: a fixed "now" and a brand-new database per test (see driver.py for the rest)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from actions import booking_service
from tests.actions.driver import CHICAGO


def next_monday_morning() -> datetime:
    """08:00 Austin time on the next Monday at least a day away: a fixed "now" for deterministic offers."""
    local = datetime.now(CHICAGO) + timedelta(days=1)
    days = (7 - local.weekday()) % 7
    monday = (local + timedelta(days=days)).date()
    return datetime(monday.year, monday.month, monday.day, 8, 0, tzinfo=CHICAGO).astimezone(timezone.utc)


@pytest.fixture
def now(monkeypatch) -> datetime:
    fixed = next_monday_morning()
    monkeypatch.setattr(booking_service, "now_utc", lambda: fixed)
    return fixed


@pytest.fixture
def database(tmp_path, monkeypatch):
    """A brand-new database URL: the first action that needs it migrates and seeds it."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'clinic.db'}")
    booking_service.forget_database()
    yield booking_service
    booking_service.forget_database()


