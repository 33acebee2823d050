"""Engine and sessions. The URL comes from DATABASE_URL, else a SQLite file at var/clinic.db in the project.

SQLite connections get foreign keys, WAL and a busy timeout, and SQLAlchemy (not the sqlite3 module) emits BEGIN, so
that `write_session` can start a `BEGIN IMMEDIATE` transaction: it takes the write lock before its first read, which
makes "check, then insert" inside it safe against concurrent writers.
"""

from __future__ import annotations

import os
import threading
import weakref
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any, ContextManager, Iterator, Optional

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from bot.clinic import PROJECT_ROOT
from bot.privacy import keep_result_rows_out_of_logs

DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'var' / 'clinic.db'}"
DEFAULT_TRACKER_STORE_URL = f"sqlite:///{PROJECT_ROOT / 'var' / 'tracker.db'}"
ALEMBIC_INI = PROJECT_ROOT / "alembic.ini"
SQLITE_BUSY_TIMEOUT_S = 30
BEGIN_OPTION = "sqlite_begin"
_WRITE_LOCKS: "weakref.WeakKeyDictionary[Engine, threading.RLock]" = weakref.WeakKeyDictionary()
_WRITE_LOCKS_GUARD = threading.Lock()


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


def tracker_store_url() -> str:
    """Where Rasa keeps conversations (its SQL tracker store, table `events`): TRACKER_STORE_URL, else SQLite."""
    return os.environ.get("TRACKER_STORE_URL") or DEFAULT_TRACKER_STORE_URL


def _sqlite_file(url: str) -> Optional[Path]:
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def _configure_sqlite(engine: Engine, wal: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (see _on_begin)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_S * 1000}")
        if wal:
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get(BEGIN_OPTION, "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url: Optional[str] = None, **kwargs: Any) -> Engine:
    """A future-style engine that never logs the values it sends or the rows it reads; SQLite files get their folder
    created and the pragmas above."""
    url = url or database_url()
    keep_result_rows_out_of_logs()
    if not url.startswith("sqlite"):
        kwargs.setdefault("pool_pre_ping", True)
        return create_engine(url, future=True, hide_parameters=True, **kwargs)
    path = _sqlite_file(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        if kwargs.setdefault("poolclass", QueuePool) is QueuePool:
            kwargs.setdefault("pool_size", 10)
            kwargs.setdefault("max_overflow", 20)
    connect_args = {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_S, **kwargs.pop("connect_args", {})}
    engine = create_engine(url, future=True, hide_parameters=True, connect_args=connect_args, **kwargs)
    _configure_sqlite(engine, wal=path is not None)
    return engine


@contextmanager
def write_session(session_factory: sessionmaker) -> Iterator[Session]:
    """A session whose transaction holds the database's write lock from its start on SQLite (`BEGIN IMMEDIATE`).

    Commits when the block ends, rolls back if it raises. On PostgreSQL it is an ordinary transaction: there the
    constraints (exclusion, unique) decide races.
    """
    with _sqlite_writer_turn(session_factory), session_factory() as session:
        session.connection(execution_options={BEGIN_OPTION: "IMMEDIATE"})
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def _sqlite_writer_turn(session_factory: sessionmaker) -> ContextManager[Any]:
    """SQLite has one writer at a time anyway: threads sharing an engine queue on a lock instead of polling the
    busy handler, which sleeps in growing steps. Other engines and processes still wait through busy_timeout."""
    bind = session_factory.kw.get("bind")
    if bind is None or bind.dialect.name != "sqlite":
        return nullcontext()
    with _WRITE_LOCKS_GUARD:
        return _WRITE_LOCKS.setdefault(bind, threading.RLock())


class Database:
    """One engine and its session factory. `Database().upgrade()` migrates to the latest revision."""

    def __init__(self, url: Optional[str] = None, **engine_kwargs: Any) -> None:
        self.url = url or database_url()
        self.engine = make_engine(self.url, **engine_kwargs)
        self.sessions = sessionmaker(bind=self.engine, future=True, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def session(self) -> Session:
        return self.sessions()

    def write_session(self) -> ContextManager[Session]:
        return write_session(self.sessions)

    def upgrade(self, revision: str = "head") -> None:
        from bot.db.migrate import upgrade

        upgrade(self.url, revision)

    def dispose(self) -> None:
        self.engine.dispose()
