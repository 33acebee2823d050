import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.db import Database, database_url
from bot.db.session import DEFAULT_DATABASE_URL, write_session


def test_database_url_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert database_url() == DEFAULT_DATABASE_URL
    assert DEFAULT_DATABASE_URL.endswith("var/clinic.db")
    monkeypatch.setenv("DATABASE_URL", "sqlite:////tmp/elsewhere.db")
    assert database_url() == "sqlite:////tmp/elsewhere.db"


def test_sqlite_gets_foreign_keys_wal_and_a_busy_timeout(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'new' / 'folder' / 'x.db'}")
    with database.session() as session:
        pragma = lambda name: session.execute(text(f"PRAGMA {name}")).scalar()  # noqa: E731
        assert pragma("foreign_keys") == 1
        assert pragma("journal_mode") == "wal"
        assert pragma("busy_timeout") >= 10_000
    database.dispose()


def test_write_session_holds_the_write_lock_from_its_start(tmp_path: Path) -> None:
    path = tmp_path / "lock.db"
    database = Database(f"sqlite:///{path}")
    with database.session() as session:
        session.execute(text("CREATE TABLE t (x INTEGER)"))
        session.commit()
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    with write_session(database.sessions) as session:
        session.execute(text("SELECT count(*) FROM t"))  # only a read so far, yet the lock is taken
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
    other.execute("BEGIN IMMEDIATE")  # released at commit
    other.execute("ROLLBACK")
    other.close()
    database.dispose()


def test_write_session_rolls_back_when_the_block_raises(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'r.db'}")
    with database.session() as session:
        session.execute(text("CREATE TABLE t (x INTEGER)"))
        session.commit()
    with pytest.raises(RuntimeError), write_session(database.sessions) as session:
        session.execute(text("INSERT INTO t VALUES (1)"))
        raise RuntimeError
    with database.session() as session:
        assert session.execute(text("SELECT count(*) FROM t")).scalar() == 0
    database.dispose()
