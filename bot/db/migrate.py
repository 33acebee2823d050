"""Run the Alembic migrations programmatically (what `python -m bot db upgrade` does)."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Optional

from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData

import bot.db
from bot.db.session import ALEMBIC_INI, database_url


def model_metadata() -> MetaData:
    """The metadata of every model: imports bot/db/models.py and each bot/db/*_models.py (e.g. handoff_models)."""
    from bot.db.models import Base

    for module in pkgutil.iter_modules(bot.db.__path__):
        if module.name.endswith("_models"):
            importlib.import_module(f"bot.db.{module.name}")
    return Base.metadata


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def alembic_config(url: Optional[str] = None) -> Config:
    config = Config(str(ALEMBIC_INI))
    config.set_main_option("sqlalchemy.url", (url or database_url()).replace("%", "%%"))
    config.attributes["configure_logging"] = False  # leave the calling program's logging alone
    return config


def upgrade(url: Optional[str] = None, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: Optional[str] = None, revision: str = "base") -> None:
    command.downgrade(alembic_config(url), revision)


def current_revision(url: Optional[str] = None) -> Optional[str]:
    from alembic.runtime.migration import MigrationContext

    from bot.db.session import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()
