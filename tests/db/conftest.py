"""Fixtures for the database tests: empty SQLite and PostgreSQL databases (PostgreSQL skipped if unreachable)."""

from pathlib import Path
from typing import Iterator

import pytest

from bot.clinic import Clinic, load_clinic
from bot.db.testing import postgres_unavailable, sqlite_url, temporary_postgres_database


@pytest.fixture(scope="session")
def clinic() -> Clinic:
    return load_clinic()


@pytest.fixture
def sqlite_db_url(tmp_path: Path) -> str:
    return sqlite_url(tmp_path / "clinic.db")


@pytest.fixture
def postgres_db_url() -> Iterator[str]:
    reason = postgres_unavailable()
    if reason:
        pytest.skip(reason)
    with temporary_postgres_database() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db_url(request: pytest.FixtureRequest) -> str:
    fixture = "sqlite_db_url" if request.param == "sqlite" else "postgres_db_url"
    return request.getfixturevalue(fixture)
