"""Staff accounts, login sessions and the login rate limit.

Passwords are hashed with argon2id (argon2-cffi). A session is a random token in an HttpOnly cookie; the database
keeps only its SHA-256, with a CSRF token and an expiry. Logins are limited per username and client address: after
`MAX_FAILURES` failures within `WINDOW` further attempts are refused without checking the password. Unknown usernames
cost the same hashing work as known ones.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional, Tuple

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from bot.db.handoff_models import LoginFailure, StaffAccount, StaffSession
from bot.db.session import Database
from bot.db.types import utcnow

log = logging.getLogger(__name__)

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)
SESSION_LIFETIME = timedelta(hours=12)
MIN_PASSWORD_LENGTH = 10
USERNAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._-@")

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


class AuthError(Exception):
    pass


class RateLimited(AuthError):
    """Too many failed logins for this username from this address; try again later."""


class AccountExists(AuthError):
    pass


@dataclass(frozen=True)
class StaffUser:
    id: int
    username: str
    display_name: str
    csrf_token: str

    @property
    def name(self) -> str:
        return self.display_name or self.username


def normalize_username(username: str) -> str:
    name = (username or "").strip().lower()
    if not name or len(name) > 64 or not set(name) <= USERNAME_CHARS:
        raise AuthError("a username is 1-64 characters: letters, digits, . _ - @")
    return name


def hash_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AuthError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def failure_key(username: str, client_ip: str) -> str:
    return _digest(f"{(username or '').strip().lower()}\x00{client_ip or ''}")


class StaffAuth:
    def __init__(self, db: Optional[Database] = None) -> None:
        self.db = db or Database()

    # --- accounts ---------------------------------------------------------------------------------------------

    def add_account(self, username: str, password: str, display_name: str = "") -> StaffAccount:
        account = StaffAccount(
            username=normalize_username(username), password_hash=hash_password(password),
            display_name=(display_name or "").strip()[:200],
        )
        try:
            with self.db.write_session() as session:
                if session.execute(select(StaffAccount.id).where(StaffAccount.username == account.username)).first():
                    raise AccountExists(account.username)
                session.add(account)
        except IntegrityError:
            raise AccountExists(account.username) from None
        return account

    def set_password(self, username: str, password: str) -> None:
        password_hash = hash_password(password)
        with self.db.write_session() as session:
            account = session.execute(
                select(StaffAccount).where(StaffAccount.username == normalize_username(username))
            ).scalar_one_or_none()
            if account is None:
                raise AuthError("no such account")
            account.password_hash = password_hash
            session.execute(delete(StaffSession).where(StaffSession.staff_id == account.id))

    # --- logging in -------------------------------------------------------------------------------------------

    def is_rate_limited(self, username: str, client_ip: str, now: Optional[datetime] = None) -> bool:
        now = now or utcnow()
        with self.db.session() as session:
            count = session.execute(
                select(func.count(LoginFailure.id)).where(
                    LoginFailure.key == failure_key(username, client_ip), LoginFailure.at > now - WINDOW
                )
            ).scalar_one()
        return count >= MAX_FAILURES

    def authenticate(
        self, username: str, password: str, client_ip: str, now: Optional[datetime] = None
    ) -> Optional[StaffAccount]:
        """The account when the password is right; None when not (recorded); raises RateLimited."""
        now = now or utcnow()
        if self.is_rate_limited(username, client_ip, now):
            raise RateLimited()
        try:
            name = normalize_username(username)
        except AuthError:
            name = None
        account = None
        if name:
            with self.db.session() as session:
                account = session.execute(
                    select(StaffAccount).where(StaffAccount.username == name)
                ).scalar_one_or_none()
        stored = account.password_hash if account is not None and account.active else _DUMMY_HASH
        try:
            ok = _hasher.verify(stored, password or "") and stored is not _DUMMY_HASH
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
        key = failure_key(username, client_ip)
        with self.db.write_session() as session:
            if not ok:
                session.add(LoginFailure(key=key, at=now))
                session.execute(delete(LoginFailure).where(LoginFailure.at < now - 2 * WINDOW))
                log.info("staff login failed")
                return None
            session.execute(delete(LoginFailure).where(LoginFailure.key == key))
            if _hasher.check_needs_rehash(account.password_hash):
                session.get(StaffAccount, account.id).password_hash = _hasher.hash(password)
        log.info("staff %s logged in", account.id)
        return account

    # --- sessions ---------------------------------------------------------------------------------------------

    def start_session(self, account: StaffAccount, now: Optional[datetime] = None) -> Tuple[str, str]:
        """(cookie token, csrf token) of a new session."""
        now = now or utcnow()
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        with self.db.write_session() as session:
            session.execute(delete(StaffSession).where(StaffSession.expires_at < now))
            session.add(
                StaffSession(token_hash=_digest(token), csrf_token=csrf, staff_id=account.id, created_at=now,
                             expires_at=now + SESSION_LIFETIME)
            )
        return token, csrf

    def user_for(self, token: Optional[str], now: Optional[datetime] = None) -> Optional[StaffUser]:
        if not token or len(token) > 200:
            return None
        now = now or utcnow()
        with self.db.session() as session:
            row = session.execute(
                select(StaffSession)
                .options(joinedload(StaffSession.staff))
                .where(StaffSession.token_hash == _digest(token))
            ).scalar_one_or_none()
            if row is None or row.expires_at <= now or not row.staff.active:
                return None
            return StaffUser(row.staff.id, row.staff.username, row.staff.display_name, row.csrf_token)

    def end_session(self, token: Optional[str]) -> None:
        if not token:
            return
        with self.db.write_session() as session:
            session.execute(delete(StaffSession).where(StaffSession.token_hash == _digest(token)))


def csrf_ok(expected: Optional[str], given: Optional[str]) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))
