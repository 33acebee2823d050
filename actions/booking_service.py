"""The booking conversation's link to the clinic database: created and migrated lazily, then bot.booking's services.

The action server may start with a brand-new DATABASE_URL, so the first action that needs the database runs the
Alembic migrations and seeds the clinic's locations, providers and hours (both idempotent) before anything else.
Database work runs in a worker thread so the action server's event loop keeps serving other conversations.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from datetime import datetime, timezone
from typing import Any, Callable, TypeVar

from bot import offers
from bot.offers import Offer
from bot.privacy import pseudonym

log = logging.getLogger(__name__)
UTC = timezone.utc
T = TypeVar("T")

_database: Any = None
_database_lock = threading.Lock()


def database() -> Any:
    """The process's Database (from DATABASE_URL), migrated to the latest revision and seeded on first use."""
    global _database
    if _database is None:
        with _database_lock:
            if _database is None:
                from bot.clinic import clinic
                from bot.db import Database
                from bot.db.seed import seed

                db = Database()
                db.upgrade()
                seed(db.sessions, clinic())
                _database = db
                log.info("booking database ready (%s)", db.dialect)
    return _database


def forget_database() -> None:
    """Drops the cached database (tests switch DATABASE_URL)."""
    global _database
    with _database_lock:
        if _database is not None:
            _database.dispose()
        _database = None


def sessions() -> Any:
    return database().sessions


async def in_thread(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    return await asyncio.to_thread(function, *args, **kwargs)


def now_utc() -> datetime:
    return datetime.now(UTC)


def idempotency_key(*parts: str) -> str:
    """The same conversation confirming the same slot twice (a retry, a double click) books once."""
    return pseudonym("\x1f".join(parts))


# --- availability (bot/offers.py, on this process's database) ---------------------------------------------------


def find_offers(*args: Any, **kwargs: Any) -> Offer:
    """bot.offers.find_offers on the action server's database (blocking: run it in a thread)."""
    return offers.find_offers(sessions(), *args, **kwargs)
