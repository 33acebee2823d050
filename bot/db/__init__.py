"""The clinic's database: models, engine and sessions, Alembic migrations and seeding from `data/clinic.yml`."""

from bot.db.session import Database, database_url, write_session

__all__ = ["Database", "database_url", "write_session"]
