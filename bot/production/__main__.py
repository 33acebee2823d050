"""`python -m bot.production`: prepares the databases, writes the configuration and runs supervisord in the
foreground (Ctrl-C stops everything). See bot/production/__init__.py."""

from __future__ import annotations

import os
import sys

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.clinic import clinic
from bot.db.seed import migrate_and_seed
from bot.production import Profile, render, service_env


def create_database_if_missing(url: str) -> None:
    target = make_url(url)
    if target.get_backend_name() != "postgresql":
        return
    admin = create_engine(target.set(database="postgres"), future=True, hide_parameters=True,
                          isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                        {"name": target.database}).first()
            if not exists:
                connection.exec_driver_sql(f'CREATE DATABASE "{target.database}"')
    finally:
        admin.dispose()


def main() -> None:
    profile = Profile.from_env(os.environ)
    if not profile.model.exists():
        sys.exit(f"No trained model at {profile.model}: run `make train` first.")
    try:
        os.environ.update(service_env(profile, os.environ))
    except ValueError as error:
        sys.exit(str(error))
    for name in ("DATABASE_URL", "TRACKER_STORE_URL"):
        create_database_if_missing(os.environ[name])
    migrate_and_seed(os.environ["DATABASE_URL"], clinic())
    os.umask(0o077)  # logs and the control socket for this user only (supervisord applies its umask only as a daemon)
    render(profile)
    print(f"Confidence Med Spa, production profile: {profile.public_url} "
          f"({profile.rasa_replicas} Rasa replicas, {profile.action_servers} action servers; "
          f"logs in {profile.folder / 'logs'}).", flush=True)
    os.execv(sys.executable, [sys.executable, "-m", "supervisor.supervisord", "-c", str(profile.supervisor_conf)])


if __name__ == "__main__":
    main()
