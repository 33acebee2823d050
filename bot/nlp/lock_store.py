"""One message of a conversation at a time, across every Rasa process: Rasa's ticket lock, in memory for one
process, in Redis (`REDIS_URL`) for several.

Rasa 3.6's `RedisLockStore` changes a lock by reading it, changing it in Python and writing it back, in separate
Redis calls (RasaHQ/rasa#9213). Two replicas that take a message of the same conversation at the same moment can
both read "no lock", both issue ticket 0 and both save it: each believes it holds the lock, both process at once,
and the tracker store keeps one turn's events over the other's. And a replica that finishes clears the lock after
checking that nobody waits, so a ticket issued between the check and the delete is deleted with it, and that
message fails with a LockError. `AtomicRedisLockStore` makes every change one Redis transaction (WATCH on the
conversation's key, MULTI/EXEC, tried again when another process changed the key meanwhile), so tickets are issued
in one order and a lock is deleted only when its last ticket is gone.

Redis unreachable: taking a ticket fails at once (a LockError; the channel tells the patient, bot/channels/inbound.py)
after at most REDIS_TIMEOUT_S, since these calls block Rasa's event loop. Returning a ticket after the turn has been
answered only logs a failure: the ticket expires by itself, and the patient already has the answer. A lock key
expires with its last ticket, so a process killed mid-turn leaves nothing in Redis for long.
"""

from __future__ import annotations

import json
import logging
import os
import time
from typing import Any, Callable, Optional, Tuple, TypeVar
from urllib.parse import unquote, urlparse

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockError, LockStore, RedisLockStore

Result = TypeVar("Result")
KEY_PREFIX = "clinic"
REDIS_TIMEOUT_S = 1.0
log = logging.getLogger(__name__)


class AtomicRedisLockStore(RedisLockStore):
    @classmethod
    def from_url(cls, url: str) -> "AtomicRedisLockStore":
        parts = urlparse(url)
        return cls(
            host=parts.hostname or "localhost", port=parts.port or 6379,
            db=int(parts.path.lstrip("/") or 0), username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None, use_ssl=parts.scheme == "rediss",
            key_prefix=KEY_PREFIX, socket_timeout=REDIS_TIMEOUT_S,
        )

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: Optional[TicketLock]) -> Tuple[TicketLock, int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, issue)
        except redis.RedisError as error:
            raise LockError(f"Could not issue a ticket: {type(error).__name__}") from error

    def update_lock(self, conversation_id: str) -> None:
        def without_expired(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock:
                lock.remove_expired_tickets()
            return lock, None

        self._change_or_log(conversation_id, without_expired)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self._change_or_log(conversation_id, _without_ticket(ticket_number))

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Removes the ticket, and the lock with it when it was the last one, in one transaction."""
        self._change_or_log(conversation_id, _without_ticket(ticket_number))

    def _change_or_log(self, conversation_id: str,
                       change: Callable[[Optional[TicketLock]], Tuple[Optional[TicketLock], None]]) -> None:
        try:
            self._change(conversation_id, change)
        except redis.RedisError as error:
            log.error("Could not update a conversation lock in Redis (%s); its ticket expires by itself",
                      type(error).__name__)

    def _change(self, conversation_id: str,
                change: Callable[[Optional[TicketLock]], Tuple[Optional[TicketLock], Result]]) -> Result:
        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    stored = pipe.get(key)
                    lock, result = change(TicketLock.from_dict(json.loads(stored)) if stored else None)
                    pipe.multi()
                    if lock is not None and lock.is_someone_waiting():
                        last_expiry = max(ticket.expires for ticket in lock.tickets)
                        pipe.set(key, lock.dumps(), px=max(1, int((last_expiry - time.time()) * 1000)))
                    else:
                        pipe.delete(key)
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue  # another process changed this conversation's lock meanwhile: read it again


def _without_ticket(ticket_number: int) -> Callable[[Optional[TicketLock]], Tuple[Optional[TicketLock], None]]:
    def change(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
        if lock:
            lock.remove_ticket_for(ticket_number)
        return lock, None

    return change


class ClinicLockStore(LockStore):
    """endpoints.yml's lock store: `AtomicRedisLockStore` when REDIS_URL is set (several Rasa processes), else
    Rasa's in-memory store (one process; `make run`). Rasa builds a lock store from a class path, so this class
    only chooses: it returns an instance of one of the two."""

    def __new__(cls, *_args: Any, **_kwargs: Any) -> LockStore:  # type: ignore[misc]
        url = os.environ.get("REDIS_URL")
        return AtomicRedisLockStore.from_url(url) if url else InMemoryLockStore()
