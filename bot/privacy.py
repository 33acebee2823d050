"""Keyed pseudonyms: a stable stand-in for a phone number, e-mail or user id in logs and stored lookup keys.

A plain hash of a phone number disguises nothing: there are only about ten billion numbers to try. An HMAC-SHA256
with a secret per-install key does, since nobody without the key can test a guess.

The key is LOG_PSEUDONYM_KEY when set, else the file var/log_pseudonym_key, made once (mode 0600) with
`secrets.token_urlsafe(32)`, as `make` makes var/rasa_api_token. Every process of one install must see the same
key. A new key gives every id a new pseudonym: old log lines no longer match new ones, and the failed booking
look-up counts (kept under pseudonyms) start again.

`keep_result_rows_out_of_logs()` stops SQLAlchemy, when its logger is at DEBUG, from logging the rows queries
return; `hide_parameters=True` on the engines hides only the values sent.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import os
import secrets
from pathlib import Path
from typing import Optional

from bot.clinic import PROJECT_ROOT

KEY_ENV = "LOG_PSEUDONYM_KEY"
KEY_FILE = PROJECT_ROOT / "var" / "log_pseudonym_key"
LOG_ID_LENGTH = 12
SQL_LOGGER = "sqlalchemy.engine.Engine"


def pseudonym(value: str) -> str:
    """HMAC-SHA256 of `value` under this install's key, in hex (64 characters)."""
    return hmac.new(pseudonym_key(), (value or "").encode("utf-8"), hashlib.sha256).hexdigest()


def log_id(value: Optional[str]) -> str:
    """A short pseudonym for log lines, e.g. "#3f9a0c51d2e7"."""
    return "#" + pseudonym(value or "")[:LOG_ID_LENGTH]


def pseudonym_key() -> bytes:
    from_environment = os.environ.get(KEY_ENV, "").strip()
    if from_environment:
        return from_environment.encode("utf-8")
    return _key_from_file(KEY_FILE)


@functools.lru_cache(maxsize=None)
def _key_from_file(path: Path) -> bytes:
    if not path.exists():
        _create_key_file(path)
    key = path.read_text(encoding="utf-8").strip()
    if not key:
        raise RuntimeError(f"{path} is empty: delete it to make a new key, or set {KEY_ENV}")
    return key.encode("utf-8")


def _create_key_file(path: Path) -> None:
    """Writes a new key next to `path`, then links it into place, so that a process racing this one never reads a
    half-written file and both end up with the same key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(secrets.token_urlsafe(32) + "\n")
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink(missing_ok=True)


class _NoResultRows(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.msg != "Row %r"


_NO_RESULT_ROWS = _NoResultRows()


def keep_result_rows_out_of_logs() -> None:
    """Drops SQLAlchemy's "Row (...)" debug records (names, phones, messages) for every engine of the process."""
    logging.getLogger(SQL_LOGGER).addFilter(_NO_RESULT_ROWS)
