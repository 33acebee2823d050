"""Many conversations booking at once: the database lets exactly one of a set of overlapping bookings through."""

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, List

from sqlalchemy import func, select
from sqlalchemy.pool import NullPool

from bot.booking import SlotTaken, book_consultation, reschedule_appointment
from bot.db import Database
from bot.db.models import Appointment


def _at_once(count: int, job: Callable[[int], object]) -> List[object]:
    """Runs job(0..count-1) on `count` threads released together; returns results or the exceptions raised."""
    barrier = threading.Barrier(count)

    def run(i: int) -> object:
        barrier.wait()
        try:
            return job(i)
        except Exception as error:  # noqa: BLE001 - collected for the assertions
            return error

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def _booked(database) -> int:
    with database.session() as session:
        query = select(func.count()).select_from(Appointment).where(Appointment.status == "booked")
        return session.execute(query).scalar_one()


def test_twenty_threads_one_slot_one_booking(database, make_request, rivera, now) -> None:
    outcomes = _at_once(20, lambda i: book_consultation(database.sessions, make_request(rivera(10)), now=now))
    assert sum(not isinstance(o, Exception) for o in outcomes) == 1
    assert sum(isinstance(o, SlotTaken) for o in outcomes) == 19, [o for o in outcomes if isinstance(o, Exception)]
    assert _booked(database) == 1


def test_twenty_workers_with_own_engines_overlapping_starts_one_booking(database, make_request, rivera, now) -> None:
    """Like 20 action-server processes (no shared in-process lock) booking overlapping but different starts: only
    the database keeps them apart, so the unique index on (provider, start) alone could not."""
    workers = [Database(database.url, poolclass=NullPool) for _ in range(20)]
    starts = [(10, 0), (10, 10), (10, 20), (10, 30)]

    def book(i: int) -> object:
        return book_consultation(workers[i].sessions, make_request(rivera(*starts[i % 4])), now=now)

    try:
        outcomes = _at_once(20, book)
    finally:
        for worker in workers:
            worker.dispose()
    assert sum(isinstance(o, SlotTaken) for o in outcomes) == 19, [o for o in outcomes if isinstance(o, Exception)]
    assert _booked(database) == 1


def test_overlapping_starts_at_once_one_booking(database, make_request, rivera, now) -> None:
    starts = [(10, 0), (10, 10), (10, 20), (10, 30)]  # every pair of holds (visit + 10 min) overlaps

    def book(i: int) -> object:
        return book_consultation(database.sessions, make_request(rivera(*starts[i % 4])), now=now)

    outcomes = _at_once(20, book)
    assert sum(not isinstance(o, Exception) for o in outcomes) == 1
    assert all(isinstance(o, SlotTaken) for o in outcomes if isinstance(o, Exception))
    assert _booked(database) == 1


def test_ten_retries_of_one_request_book_once(database, make_request, rivera, now) -> None:
    request = make_request(rivera(10), key="conversation-7:booking-1")
    outcomes = _at_once(10, lambda i: book_consultation(database.sessions, request, now=now))
    assert not [o for o in outcomes if isinstance(o, Exception)]
    assert len({o.reference for o in outcomes}) == 1
    assert sum(o.created for o in outcomes) == 1
    assert _booked(database) == 1


def test_reschedule_racing_a_booking_for_the_same_time(database, make_request, rivera, now) -> None:
    old = book_consultation(database.sessions, make_request(rivera(10)), now=now)

    def job(i: int) -> object:
        if i == 0:
            return reschedule_appointment(database.sessions, old.reference, rivera(15), actor="assistant:web", now=now)
        return book_consultation(database.sessions, make_request(rivera(15)), now=now)

    outcomes = _at_once(10, job)
    assert sum(not isinstance(o, Exception) for o in outcomes) == 1
    with database.session() as session:
        booked = session.execute(select(Appointment).where(Appointment.status == "booked")).scalars().all()
    starts = sorted(a.start_utc for a in booked)
    moved = not isinstance(outcomes[0], Exception)
    assert starts == ([rivera(15).start] if moved else [rivera(10).start, rivera(15).start])
