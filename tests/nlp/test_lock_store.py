"""The lock store: in memory for one process, Redis for several; on Redis, two processes never serve the same
conversation at once (RasaHQ/rasa#9213). The Redis tests use this machine's Redis, database 13."""

from __future__ import annotations

import asyncio
import multiprocessing
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from rasa.core.lock_store import InMemoryLockStore, LockError, RedisLockStore

from bot.nlp.lock_store import AtomicRedisLockStore, ClinicLockStore
from tests.local_services import REDIS_PORT, answers

REDIS_URL = "redis://127.0.0.1:6379/13"


needs_redis = pytest.mark.skipif(not answers(REDIS_PORT), reason="needs Redis on 127.0.0.1:6379 (.ci/run starts it)")


def test_one_process_keeps_locks_in_memory(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert type(ClinicLockStore(endpoint_config=None)) is InMemoryLockStore


def test_with_redis_url_the_locks_are_in_redis_with_the_url_s_settings(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "rediss://clinic:s%3Ecret@cache.internal:6380/4")
    store = ClinicLockStore(endpoint_config=None)
    assert isinstance(store, AtomicRedisLockStore)
    settings = store.red.connection_pool.connection_kwargs
    assert (settings["host"], settings["port"], settings["db"]) == ("cache.internal", 6380, 4)
    assert (settings["username"], settings["password"]) == ("clinic", "s>cret")
    assert store.red.connection_pool.connection_class.__name__ == "SSLConnection"


@needs_redis
def test_tickets_issued_at_the_same_moment_are_all_different():
    store = AtomicRedisLockStore.from_url(REDIS_URL)
    for _ in range(20):
        conversation = uuid.uuid4().hex
        with ThreadPoolExecutor(8) as pool:
            tickets = list(pool.map(store.issue_ticket, [conversation] * 8))
        assert sorted(tickets) == list(range(8))
        for ticket in tickets:
            store.cleanup(conversation, ticket)
        assert store.get_lock(conversation) is None


@needs_redis
def test_finishing_keeps_a_ticket_issued_meanwhile():
    store = AtomicRedisLockStore.from_url(REDIS_URL)
    conversation = uuid.uuid4().hex
    first = store.issue_ticket(conversation)
    second = store.issue_ticket(conversation)
    store.cleanup(conversation, first)
    lock = store.get_lock(conversation)
    assert lock is not None and not lock.is_locked(second)
    store.cleanup(conversation, second)
    assert store.get_lock(conversation) is None


def _serve(conversation: str, replica: str, turns: int) -> None:
    """One replica taking `turns` messages of `conversation`, writing when each starts and ends."""
    store = AtomicRedisLockStore.from_url(REDIS_URL)
    log = redis.Redis.from_url(REDIS_URL)

    async def serve() -> None:
        for _ in range(turns):
            try:  # a ticket lost by a race blocks the conversation until it expires: 3 s here, not Rasa's 60
                async with store.lock(conversation, lock_lifetime=3, wait_time_in_seconds=0.01):
                    log.rpush(conversation, f"start {replica}")
                    await asyncio.sleep(0.005)
                    log.rpush(conversation, f"end {replica}")
            except LockError:  # the message would get no answer
                log.rpush(conversation, f"failed {replica}", f"failed {replica}")

    asyncio.run(serve())


def served_in_order() -> bool:
    """Two replica processes, 30 messages each on one conversation: was each served alone, none failing?"""
    conversation = f"race-{uuid.uuid4().hex}"
    context = multiprocessing.get_context("spawn")
    replicas = [context.Process(target=_serve, args=(conversation, name, 30)) for name in "AB"]
    for process in replicas:
        process.start()
    for process in replicas:
        process.join(120)
        assert process.exitcode == 0
    log = [entry.decode() for entry in redis.Redis.from_url(REDIS_URL).lrange(conversation, 0, -1)]
    assert len(log) == 120
    turns = [(log[i], log[i + 1]) for i in range(0, len(log), 2)]
    return all(start == f"start {end.split()[1]}" and end.startswith("end ") for start, end in turns)


@needs_redis
def test_two_replicas_serve_one_conversation_one_message_at_a_time():
    assert served_in_order()


@needs_redis
def test_a_ticket_issued_while_another_finishes_is_kept():
    conversation = uuid.uuid4().hex
    store, other = AtomicRedisLockStore.from_url(REDIS_URL), AtomicRedisLockStore.from_url(REDIS_URL)
    first = store.issue_ticket(conversation)
    change, taken = store._change, []

    def change_while_another_replica_issues(conversation_id, step):
        def interfered(lock):
            if not taken:  # after WATCH, before MULTI: the transaction is tried again
                taken.append(other.issue_ticket(conversation))
            return step(lock)
        return change(conversation_id, interfered)

    store._change = change_while_another_replica_issues
    store.cleanup(conversation, first)
    lock = other.get_lock(conversation)
    assert lock is not None and not lock.is_locked(taken[0])


@needs_redis
def test_rasa_s_own_redis_lock_store_deletes_it():
    """The control, RasaHQ/rasa#9213: Rasa 3.6's RedisLockStore checks that nobody waits, then deletes the lock,
    and a ticket issued in between goes with it (that message then fails with a LockError)."""
    conversation = uuid.uuid4().hex
    store, other = (RedisLockStore(host="127.0.0.1", db=13, key_prefix="race") for _ in range(2))
    first = store.issue_ticket(conversation)

    def nobody_waits_then_another_replica_issues(_conversation_id):
        other.issue_ticket(conversation)
        return False

    store.is_someone_waiting = nobody_waits_then_another_replica_issues
    store.cleanup(conversation, first)
    assert other.get_lock(conversation) is None
