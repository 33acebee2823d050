"""Booking throughput under contention, on SQLite (a WAL file) and PostgreSQL.

Draws a fixed list of booking attempts at random from the clinic's real open slots, with many more attempts than
slots so that attempts collide (same slot, or overlapping holds of one provider). Books the whole list once on one
thread (the baseline) and once on N threads, each time on a fresh database, and prints attempts/s, bookings,
conflicts, the ratio to the baseline, and a check that no provider ended up double-booked.

    .venv/bin/python benchmarks/booking_contention.py [--backend sqlite|postgresql|both] [--threads 8]
        [--attempts 400] [--slots 200] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator, List

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from bot.booking import BookingRequest, SlotTaken, book_consultation, open_slots  # noqa: E402
from bot.clinic import Clinic, load_clinic  # noqa: E402
from bot.db import Database  # noqa: E402
from bot.db.models import Appointment  # noqa: E402
from bot.db.seed import migrate_and_seed  # noqa: E402
from bot.db.testing import postgres_unavailable, sqlite_url, temporary_postgres_database  # noqa: E402
from bot.scheduling.availability import Interval, Slot  # noqa: E402


@dataclass
class Run:
    seconds: float
    booked: int
    conflicts: int

    @property
    def rate(self) -> float:
        return (self.booked + self.conflicts) / self.seconds


def attempts(clinic: Clinic, url: str, count: int, slots: int, seed: int, now: datetime) -> List[BookingRequest]:
    database = Database(url)
    with database.session() as session:
        offered = open_slots(session, clinic, Interval(now, now + timedelta(days=21)), now)
    database.dispose()
    rng = random.Random(seed)
    pool: List[Slot] = rng.sample(offered, min(slots, len(offered)))
    return [
        BookingRequest(
            slot=rng.choice(pool),
            patient_name=f"Bench Patient {i}",
            phone=f"+1512555{i % 10000:04d}",
            email=None,
            is_returning=False,
            source_channel="benchmark",
            idempotency_key=f"bench-{seed}-{i}",
            policy_version="2026-01",
            policy_accepted_at=now,
        )
        for i in range(count)
    ]


def run(database: Database, requests: List[BookingRequest], threads: int, now: datetime) -> Run:
    def one(request: BookingRequest) -> bool:
        try:
            book_consultation(database.sessions, request, now=now)
            return True
        except SlotTaken:
            return False

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        outcomes = list(pool.map(one, requests))
    seconds = time.perf_counter() - started
    return Run(seconds, sum(outcomes), len(outcomes) - sum(outcomes))


def double_bookings(database: Database) -> int:
    with database.session() as session:
        rows = session.execute(
            select(Appointment.provider_id, Appointment.hold_start_utc, Appointment.hold_end_utc)
            .where(Appointment.status == "booked")
            .order_by(Appointment.provider_id, Appointment.hold_start_utc)
        ).all()
    return sum(1 for a, b in zip(rows, rows[1:], strict=False) if a[0] == b[0] and b[1] < a[2])


@contextmanager
def fresh_database(backend: str, clinic: Clinic, threads: int) -> Iterator[Database]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            url = sqlite_url(Path(folder) / "bench.db")
            migrate_and_seed(url, clinic)
            database = Database(url)
            yield database
            database.dispose()
        return
    with temporary_postgres_database(prefix="clinic_bench") as url:
        migrate_and_seed(url, clinic)
        database = Database(url, pool_size=threads + 2, max_overflow=0)
        yield database
        database.dispose()


def measure(backend: str, clinic: Clinic, args: argparse.Namespace) -> None:
    now = datetime.now(timezone.utc)
    results = {}
    for threads in (1, args.threads):
        with fresh_database(backend, clinic, threads) as database:
            requests = attempts(clinic, database.url, args.attempts, args.slots, args.seed, now)
            results[threads] = run(database, requests, threads, now)
            doubles = double_bookings(database)
        r = results[threads]
        print(
            f"{backend:10} threads={threads:<3} attempts/s={r.rate:8.1f} bookings/s={r.booked / r.seconds:7.1f}"
            f" booked={r.booked:4} conflicts={r.conflicts:4} double-booked={doubles}"
        )
    ratio = results[args.threads].rate / results[1].rate
    print(f"{backend:10} ratio {args.threads} threads / 1 thread (attempts/s): {ratio:.2f}")


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--attempts", type=int, default=400)
    parser.add_argument("--slots", type=int, default=200, help="distinct slots the attempts are drawn from")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    clinic = load_clinic()
    for backend in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
        reason = postgres_unavailable() if backend == "postgresql" else None
        if reason:
            print(f"{backend:10} skipped: {reason}")
            continue
        measure(backend, clinic, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
