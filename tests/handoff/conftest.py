"""Fixtures for the handoff tests: a fresh migrated clinic database, the queue on it, Rasa tracker events."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from handoff_fakes import Events  # noqa: E402


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'clinic.db'}"


@pytest.fixture
def db(db_url: str):
    from bot.db.session import Database

    database = Database(db_url)
    database.upgrade()
    yield database
    database.dispose()


@pytest.fixture
def queue(db):
    from bot.handoff.queue import HandoffQueue

    return HandoffQueue(db)


@pytest.fixture
def action_queue(queue, monkeypatch):
    """The actions in actions/handoff.py use `queue`."""
    import actions.handoff as handoff_actions

    monkeypatch.setattr(handoff_actions, "_queue", queue)
    monkeypatch.setattr(handoff_actions, "_notify_in_background", lambda notice: None)
    return queue


@pytest.fixture
def events() -> Events:
    return Events()
