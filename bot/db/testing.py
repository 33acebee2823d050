"""Throw-away databases for tests and benchmarks: a fresh PostgreSQL database (created and dropped on the server
TEST_POSTGRES_URL names, default the local trust-auth server) or a SQLite file; bot.db.seed.migrate_and_seed
prepares either."""

from __future__ import annotations

import os
import secrets
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

DEFAULT_POSTGRES_ADMIN_URL = "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"


def postgres_admin_url() -> str:
    return os.environ.get("TEST_POSTGRES_URL") or DEFAULT_POSTGRES_ADMIN_URL


def postgres_unavailable(admin_url: Optional[str] = None) -> Optional[str]:
    """None if PostgreSQL answers at `admin_url`, else why not (for pytest.skip)."""
    url = admin_url or postgres_admin_url()
    engine = create_engine(url, future=True, hide_parameters=True, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return None
    except Exception as error:  # noqa: BLE001 - any failure means "not available"
        return f"PostgreSQL not reachable at {make_url(url).host}:{make_url(url).port}: {type(error).__name__}"
    finally:
        engine.dispose()


def _admin(admin_url: str, statement: str) -> None:
    engine = create_engine(admin_url, future=True, hide_parameters=True, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql(statement)
    finally:
        engine.dispose()


@contextmanager
def temporary_postgres_database(
    admin_url: Optional[str] = None, prefix: str = "clinic_test", template: Optional[str] = None
) -> Iterator[str]:
    """Creates a database with a random name (optionally copying `template`), yields its URL, drops it."""
    admin_url = admin_url or postgres_admin_url()
    name = f"{prefix}_{secrets.token_hex(4)}"
    _admin(admin_url, f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    try:
        yield str(make_url(admin_url).set(database=name))
    finally:
        _admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def database_name(url: str) -> str:
    return make_url(url).database or ""
