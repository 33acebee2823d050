"""The reminders worker's throughput: messages per second sent to a local fake of Rasa's `trigger_intent`, with
10,000 appointments due, on SQLite (a WAL file in a temporary folder) or PostgreSQL (a scratch database).

Seeding goes through the real code: the database is migrated and seeded as the tests do (bot.db.seed.migrate_and_seed),
then every appointment is booked with `book_consultation`, whose transaction plans its messages
(bot/reminders/schedule.on_booked, timing.plan_messages). Visits are placed so that at `--now` exactly one message
of each is due (its 48 h reminder; the 2 h reminder and the check-in are not due yet, the visit has not started),
which the planner itself decides for each candidate time. 10,000 visits do not fit the clinic's five providers in
that 46-hour window, so the benchmark adds providers of its own (`bench-001`, ... in Austin): bookings without the
clinic's calendar check only the provider, the place and overlaps. The seeded database is the template of every
measured run (a file copy on SQLite, CREATE DATABASE ... TEMPLATE on PostgreSQL), so each run starts equal.

The fake channel is a small aiohttp server in a process of its own, so the worker's client goes through the real
HTTP path (bot.reminders.rasa_trigger.RasaTrigger, aiohttp, the token, the JSON body). It counts each message id
it receives and, like the assistant's action, marks the message delivered (reminders.conversation.start_delivery)
so that the worker records it `sent` (`--no-deliver`: count only; the worker then records `skipped, not_uttered`).
`--rasa-ms` adds a delay per trigger, standing in for the turn a real Rasa runs (about 60 ms, docs/performance.md).

Measured, each on a fresh copy:
* baseline: the same number of POSTs to the same fake from the same client (RasaTrigger.trigger_message, one at a
  time as the worker sends), without any database work;
* the worker: `Worker.run_once` repeated while it returns a full batch, as `run_forever` drains a round, with
  the clock fixed at `--now`; with `--workers 1,2` (the default on PostgreSQL) also two workers at once (one
  process, one event loop, each with its own HTTP client, sharing the engine as the tests' two-workers test does).
Checks (exit status 1 on a mismatch): the fake received every due message id exactly once and nothing else, the
assistant's side uttered each once, every due row ended `sent` after one attempt, and nothing is left due.
Prints msg/s, the ratio to the baseline, and for one worker where a message's time goes (claim, opt-out check,
trigger round trip, recording) with the claim step's rows per second.

    .venv/bin/python benchmarks/reminders_worker.py [--appointments 10000] [--now 2026-03-03T12:00:00-06:00]
        [--database-url postgresql://postgres@127.0.0.1:5432/postgres] [--workers 1,2] [--batch 50]
        [--rasa-ms 0] [--no-deliver] [--seed-threads 4]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import multiprocessing
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from datetime import time as clock_time
from functools import wraps
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests  # noqa: E402
from aiohttp import web  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bot.booking import BookingRequest, book_consultation  # noqa: E402
from bot.channels.sms_consent import ConsentStore  # noqa: E402
from bot.clinic import Clinic, load_clinic  # noqa: E402
from bot.db import Database  # noqa: E402
from bot.db.models import Location, Provider, WorkingHours  # noqa: E402
from bot.db.reminder_models import PENDING, SENDING, SENT, SKIPPED, ScheduledMessage  # noqa: E402
from bot.db.seed import migrate_and_seed  # noqa: E402
from bot.db.testing import postgres_unavailable, sqlite_url, temporary_postgres_database  # noqa: E402
from bot.reminders import outbox  # noqa: E402
from bot.reminders.conversation import start_delivery  # noqa: E402
from bot.reminders.rasa_trigger import RasaTrigger  # noqa: E402
from bot.reminders.schedule import Delivery  # noqa: E402
from bot.reminders.settings import ReminderSettings  # noqa: E402
from bot.reminders.timing import REMINDER, plan_messages  # noqa: E402
from bot.reminders.worker import Worker  # noqa: E402
from bot.scheduling.availability import Slot  # noqa: E402

DEFAULT_NOW = "2026-03-03T12:00:00-06:00"  # a Tuesday noon in Austin
LOCATION = "austin"
VISIT = timedelta(minutes=30)
STEP = timedelta(minutes=40)  # a consultation and its 10-minute buffer: one provider's visits never overlap
BOOKED_BEFORE = timedelta(days=3)  # every booking is made this long before --now
BASELINE_CHANNEL = "bench-baseline"  # the fake answers POSTs on this channel without any database work
TOKEN = "bench-token"
REPLY = {"tracker": {}, "messages": []}
WARM_UP = 20  # POSTs before the baseline is timed (connection, first requests)


# --- the fake channel: Rasa's trigger_intent, in a process of its own ------------------------------------------------


class FakeRasa:
    def __init__(self, rasa_ms: float) -> None:
        self.rasa_ms = rasa_ms
        self.database: Optional[Database] = None
        self.now: Optional[datetime] = None
        self.reset()

    def reset(self) -> None:
        self.received: List[int] = []
        self.uttered = 0
        self.baseline = 0
        self.rejected = 0
        self.deliver_s = 0.0

    async def trigger(self, request: web.Request) -> web.Response:
        if request.query.get("token") != TOKEN:
            self.rejected += 1
            return web.Response(status=401)
        body = await request.json()
        channel = request.query.get("output_channel", "")
        if self.rasa_ms:
            await asyncio.sleep(self.rasa_ms / 1000)
        if channel == BASELINE_CHANNEL:
            self.baseline += 1
            return web.json_response(REPLY)
        message_id = int(body["entities"]["scheduled_message"])
        self.received.append(message_id)
        if self.database is not None:
            started = time.perf_counter()
            delivered = await asyncio.to_thread(start_delivery, self.database.sessions, message_id,
                                                request.match_info["conversation"], channel, self.now)
            self.deliver_s += time.perf_counter() - started
            self.uttered += delivered is not None
        return web.json_response(REPLY)

    async def configure(self, request: web.Request) -> web.Response:
        settings = await request.json()
        if self.database is not None:
            self.database.dispose()
        url = settings.get("database_url")
        self.database = Database(url) if url else None
        self.now = datetime.fromisoformat(settings["now"]) if settings.get("now") else None
        self.reset()
        return web.json_response({})

    async def stats(self, _request: web.Request) -> web.Response:
        counts = Counter(self.received)
        return web.json_response({
            "calls": len(self.received), "distinct": len(counts), "duplicates": sum(n - 1 for n in counts.values()),
            "ids": sorted(counts), "uttered": self.uttered, "baseline": self.baseline, "rejected": self.rejected,
            "deliver_s": self.deliver_s,
        })


async def _serve_fake(connection: Any, rasa_ms: float) -> None:
    fake = FakeRasa(rasa_ms)
    app = web.Application()
    app.router.add_post("/conversations/{conversation}/trigger_intent", fake.trigger)
    app.router.add_post("/bench/configure", fake.configure)
    app.router.add_get("/bench/stats", fake.stats)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    connection.send(site._server.sockets[0].getsockname()[1])
    await asyncio.Event().wait()


def serve_fake(connection: Any, rasa_ms: float) -> None:
    asyncio.run(_serve_fake(connection, rasa_ms))


@contextmanager
def fake_rasa(rasa_ms: float) -> Iterator[str]:
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    process = context.Process(target=serve_fake, args=(theirs, rasa_ms), daemon=True)
    process.start()
    try:
        if not ours.poll(60):
            raise RuntimeError("the fake Rasa did not start")
        yield f"http://127.0.0.1:{ours.recv()}"
    finally:
        process.terminate()
        process.join(10)


def configure_fake(url: str, database_url: Optional[str], now: Optional[datetime]) -> None:
    body = {"database_url": database_url, "now": now.isoformat() if now else None}
    requests.post(f"{url}/bench/configure", json=body, timeout=60).raise_for_status()


def fake_stats(url: str) -> Dict[str, Any]:
    reply = requests.get(f"{url}/bench/stats", timeout=60)
    reply.raise_for_status()
    return reply.json()


# --- seeding through the booking and planning code ------------------------------------------------------------------


def visit_starts(now: datetime, tz: str, settings: ReminderSettings) -> List[datetime]:
    """Visit times (one provider's, STEP apart) at which, for a booking made BOOKED_BEFORE earlier, the planner
    makes exactly one message due at `now`, a reminder, and the visit has not started."""
    booked_at = now - BOOKED_BEFORE
    start = (now + timedelta(minutes=1)).replace(second=0, microsecond=0)
    starts = []
    while start <= now + timedelta(days=3):
        due = [m for m in plan_messages(start, tz, booked_at, settings, marketing=False) if m.due_at <= now]
        if len(due) == 1 and due[0].kind == REMINDER:
            starts.append(start)
        start += STEP
    return starts


def add_providers(database: Database, count: int) -> List[str]:
    ids = [f"bench-{k:03d}" for k in range(1, count + 1)]
    with database.write_session() as session:
        for provider_id in ids:
            session.add(Provider(id=provider_id, name=f"Bench Provider {provider_id}", credentials="", active=True))
        session.flush()
        for provider_id in ids:  # the provider-location link _check_place asks for
            session.add(WorkingHours(provider_id=provider_id, location_id=LOCATION, weekday=0,
                                     start_local=clock_time(9), end_local=clock_time(17)))
    return ids


def bookings(providers: List[str], starts: List[datetime], count: int, booked_at: datetime,
             settings: ReminderSettings) -> Iterator[BookingRequest]:
    slots = ((provider, start) for provider in providers for start in starts)
    for i, (provider, start) in zip(range(count), slots, strict=False):
        phone = f"+1512{5550000 + i:07d}"
        yield BookingRequest(
            slot=Slot(provider, LOCATION, start, start + VISIT), patient_name=f"Bench Patient {i}", phone=phone,
            email=None, is_returning=False, source_channel="sms", idempotency_key=f"bench-{i}",
            policy_version="2026-01", policy_accepted_at=booked_at,
            delivery=Delivery("twilio", f"sms:{phone}", booked_at, settings.consent_text),
        )


def due_ids(database: Database, now: datetime) -> List[int]:
    with database.session() as session:
        return list(session.execute(
            select(ScheduledMessage.id).where(ScheduledMessage.status == PENDING, ScheduledMessage.next_try_at <= now)
            .order_by(ScheduledMessage.id)
        ).scalars())


def seed(database: Database, clinic: Clinic, args: argparse.Namespace) -> float:
    """Books args.appointments visits; returns the seconds the bookings took."""
    settings = ReminderSettings.of(clinic)
    with database.session() as session:
        tz = session.get(Location, LOCATION).timezone
    starts = visit_starts(args.now, tz, settings)
    providers = add_providers(database, math.ceil(args.appointments / len(starts)))
    booked_at = args.now - BOOKED_BEFORE
    planned = bookings(providers, starts, args.appointments, booked_at, settings)
    started = time.perf_counter()
    with ThreadPoolExecutor(args.seed_threads) as pool:  # SQLite: 1 (one writer anyway)
        for _ in pool.map(lambda request: book_consultation(database.sessions, request, now=booked_at), planned):
            pass
    seconds = time.perf_counter() - started
    ConsentStore(database.engine).is_opted_out("+15125550000")  # creates sms_consent, as the first worker would
    return seconds


# --- databases ------------------------------------------------------------------------------------------------------


class Databases:
    """The seeded template and fresh copies of it, on SQLite or PostgreSQL."""

    def __init__(self, admin_url: Optional[str], stack: ExitStack) -> None:
        self.admin_url = admin_url
        self.stack = stack
        if admin_url is None:
            self.folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="reminders-bench-")))
            self.template_url = sqlite_url(self.folder / "template.db")
        else:
            self.template_url = stack.enter_context(temporary_postgres_database(admin_url, prefix="clinic_bench"))
        self.copies = 0

    @property
    def backend(self) -> str:
        return "sqlite" if self.admin_url is None else "postgresql"

    @contextmanager
    def copy(self) -> Iterator[Database]:
        self.copies += 1
        if self.admin_url is None:
            path = self.folder / f"run-{self.copies}.db"
            shutil.copyfile(self.folder / "template.db", path)
            database = Database(sqlite_url(path))
            try:
                yield database
            finally:
                database.dispose()
                path.unlink()
            return
        template = make_url(self.template_url).database
        with temporary_postgres_database(self.admin_url, prefix="clinic_bench_run", template=template) as url:
            database = Database(url, pool_size=10, max_overflow=0)
            try:
                yield database
            finally:
                database.dispose()


# --- measuring ------------------------------------------------------------------------------------------------------


@dataclass
class Phases:
    """Time spent in each step of a message, summed over the run (threads of two workers add up)."""

    seconds: Dict[str, float] = field(default_factory=lambda: defaultdict(float))
    claimed: int = 0

    def timed(self, name: str, function: Callable) -> Callable:
        @wraps(function)
        def run(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - started

        return run

    def atimed(self, name: str, function: Callable) -> Callable:
        @wraps(function)
        async def run(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return await function(*args, **kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - started

        return run


@contextmanager
def instrumented(phases: Phases) -> Iterator[None]:
    """Times the outbox steps the worker calls (it looks them up on the module at each call)."""
    originals = {name: getattr(outbox, name) for name in ("claim_due", "mark_sent")}
    claim = phases.timed("claim", originals["claim_due"])

    def claim_due(*args: Any, **kwargs: Any) -> List[outbox.Claim]:
        claims = claim(*args, **kwargs)
        phases.claimed += len(claims)
        return claims

    outbox.claim_due = claim_due
    outbox.mark_sent = phases.timed("record sent", originals["mark_sent"])
    try:
        yield
    finally:
        for name, function in originals.items():
            setattr(outbox, name, function)


@dataclass
class Result:
    label: str
    seconds: float
    messages: int
    stats: Dict[str, Any] = field(default_factory=dict)
    phases: Optional[Phases] = None

    @property
    def rate(self) -> float:
        return self.messages / self.seconds


async def baseline(rasa: RasaTrigger, recipients: List[str]) -> float:
    """Seconds for one POST per recipient, one at a time, through the worker's own client and trigger call."""
    for warm_up in range(WARM_UP):
        await rasa.trigger_message(recipients[warm_up % len(recipients)], BASELINE_CHANNEL, 0)
    started = time.perf_counter()
    for number, recipient in enumerate(recipients, 1):
        await rasa.trigger_message(recipient, BASELINE_CHANNEL, number)
    return time.perf_counter() - started


async def drain(worker: Worker) -> int:
    """What run_forever does in one round: run_once while it handles a full batch."""
    handled = 0
    while True:
        count = await worker.run_once()
        handled += count
        if count < worker.batch:
            return handled


async def measure_run(database: Database, fake_url: str, now: datetime, workers: int, batch: int,
                      deliver: bool) -> tuple:
    settings = ReminderSettings.of(load_clinic())
    phases = Phases()
    consent = ConsentStore(database.engine)
    consent.is_opted_out("+15125550000")
    consent.ais_opted_out = phases.atimed("opt-out check", consent.ais_opted_out)  # type: ignore[method-assign]
    clients = [RasaTrigger(fake_url, token=TOKEN) for _ in range(workers)]
    for client in clients:
        client.trigger_message = phases.atimed("trigger (HTTP)", client.trigger_message)  # type: ignore
    crew = [Worker(database.sessions, client, consent, settings, lambda: now, batch=batch) for client in clients]
    recipients = [f"sms:+1512{5550000 + i:07d}" for i in range(len(due_ids(database, now)))]
    configure_fake(fake_url, database.url if deliver else None, now)
    try:
        baseline_s = await baseline(clients[0], recipients)
        phases.seconds.clear()
        with instrumented(phases):
            started = time.perf_counter()
            handled = sum(await asyncio.gather(*(drain(worker) for worker in crew)))
            seconds = time.perf_counter() - started
    finally:
        for client in clients:
            await client.close()
    return baseline_s, Result(f"{workers} worker{'s' if workers > 1 else ''}", seconds, handled, phases=phases)


def check(database: Database, expected: List[int], stats: Dict[str, Any], deliver: bool, now: datetime,
          attempts: int) -> List[str]:
    """What went wrong, if anything: each due message sent exactly once, and nothing else."""
    problems = []
    if stats["ids"] != expected:
        missing, extra = set(expected) - set(stats["ids"]), set(stats["ids"]) - set(expected)
        problems.append(f"the fake received {len(missing)} due message(s) never and {len(extra)} not due")
    if stats["duplicates"]:
        problems.append(f"{stats['duplicates']} message(s) were triggered more than once")
    if stats["rejected"]:
        problems.append(f"{stats['rejected']} trigger(s) were refused (token)")
    if deliver and stats["uttered"] != len(expected):
        problems.append(f"the assistant's side uttered {stats['uttered']} of {len(expected)}")
    want = (SENT, None) if deliver else (SKIPPED, "not_uttered")
    with database.session() as session:
        rows = session.execute(
            select(ScheduledMessage.status, ScheduledMessage.last_error, ScheduledMessage.attempts, func.count())
            .where(ScheduledMessage.id.in_(expected)).group_by(ScheduledMessage.status, ScheduledMessage.last_error,
                                                               ScheduledMessage.attempts)
        ).all()
        left = session.execute(select(func.count()).select_from(ScheduledMessage).where(
            outbox._due(now) | (ScheduledMessage.status == SENDING))).scalar_one()
    if [tuple(row) for row in rows] != [(*want, 1, len(expected))]:
        problems.append(f"due rows ended as {[tuple(row) for row in rows]}, not all {want} after 1 attempt")
    if left:
        problems.append(f"{left} message(s) still due or sending")
    if attempts != len(expected):
        problems.append(f"the worker handled {attempts} claims for {len(expected)} due messages")
    return problems


# --- the report -----------------------------------------------------------------------------------------------------


def breakdown(result: Result, deliver_s: float) -> str:
    per = {name: seconds / result.messages * 1000 for name, seconds in result.phases.seconds.items()}
    rest = result.seconds / result.messages * 1000 - sum(per.values())
    claim_rate = result.phases.claimed / result.phases.seconds["claim"] if result.phases.seconds["claim"] else 0
    parts = [f"{name} {ms:.2f} ms" for name, ms in per.items()]
    parts.append(f"event loop and threads {rest:.2f} ms")
    fake = f"; the fake's delivery write (the assistant's side) {deliver_s / result.messages * 1000:.2f} ms of the " \
           f"trigger" if deliver_s else ""
    return (f"  per message, {result.label}: " + ", ".join(parts) + fake +
            f"\n  claim step: {claim_rate:,.0f} rows/s ({result.phases.claimed} rows in "
            f"{result.phases.seconds['claim']:.1f} s)")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appointments", type=int, default=10_000)
    parser.add_argument("--now", type=datetime.fromisoformat, default=datetime.fromisoformat(DEFAULT_NOW),
                        help=f"the worker's clock, ISO 8601 with a time zone (default {DEFAULT_NOW})")
    parser.add_argument("--database-url", help="PostgreSQL server (admin URL) to create a scratch database on; "
                                               "default: a SQLite file in a temporary folder")
    parser.add_argument("--workers", help="runs, by number of workers at once (default: 1 on SQLite, 1,2 on "
                                          "PostgreSQL)")
    parser.add_argument("--seed-threads", type=int, help="booking threads (default: 1 on SQLite, 4 on PostgreSQL)")
    parser.add_argument("--batch", type=int, default=Worker.batch, help=f"rows per claim (default {Worker.batch})")
    parser.add_argument("--rasa-ms", type=float, default=0, help="delay per trigger in the fake (default 0)")
    parser.add_argument("--no-deliver", dest="deliver", action="store_false",
                        help="the fake only counts (no start_delivery): rows end skipped, not_uttered")
    args = parser.parse_args(argv)
    if args.batch < 1 or args.appointments < 1:
        parser.error("--batch and --appointments must be at least 1")
    if args.now.tzinfo is None:
        parser.error("--now needs a time zone, e.g. 2026-03-03T12:00:00-06:00")
    args.now = args.now.astimezone(timezone.utc)
    runs = [int(n) for n in (args.workers or ("1,2" if args.database_url else "1")).split(",")]
    args.seed_threads = args.seed_threads or (4 if args.database_url else 1)
    if args.database_url:
        reason = postgres_unavailable(args.database_url)
        if reason:
            print(f"skipped: {reason}")
            return 1

    clinic = load_clinic()
    problems: List[str] = []
    with ExitStack() as stack:
        databases = Databases(args.database_url, stack)
        migrate_and_seed(databases.template_url, clinic)
        template = Database(databases.template_url)
        seed_s = seed(template, clinic, args)
        expected = due_ids(template, args.now)
        template.dispose()
        print(f"reminders worker, {databases.backend}: {args.appointments} appointments booked in {seed_s:.1f} s "
              f"({args.appointments / seed_s:.0f} bookings/s, book_consultation with its planned messages); "
              f"{len(expected)} messages due at {args.now.isoformat()}; batch {args.batch}; fake "
              f"{'delivers (start_delivery)' if args.deliver else 'counts only'}"
              f"{f', {args.rasa_ms:g} ms per trigger' if args.rasa_ms else ''}")
        if len(expected) != args.appointments:
            print(f"FAILED: {len(expected)} messages due, expected {args.appointments}")
            return 1
        fake_url = stack.enter_context(fake_rasa(args.rasa_ms))
        print(f"{'run':<34} {'seconds':>8} {'msg/s':>8} {'ratio':>6} {'received':>9} {'distinct':>9} {'check':>6}")
        details = []
        for workers in runs:
            with databases.copy() as database:
                baseline_s, result = asyncio.run(measure_run(database, fake_url, args.now, workers, args.batch,
                                                             args.deliver))
                stats = fake_stats(fake_url)
                configure_fake(fake_url, None, None)  # lets go of the copy
                found = check(database, expected, stats, args.deliver, args.now, result.messages)
            base = Result("baseline: bare POSTs, same client", baseline_s, len(expected))
            print(f"{base.label:<34} {base.seconds:8.2f} {base.rate:8.0f} {1:6.2f} {stats['baseline'] - WARM_UP:9}")
            print(f"{result.label:<34} {result.seconds:8.2f} {result.rate:8.0f} {result.rate / base.rate:6.2f} "
                  f"{stats['calls']:9} {stats['distinct']:9} {'ok' if not found else 'FAILED':>6}")
            if workers == 1:
                details.append(breakdown(result, stats["deliver_s"]))
            problems += [f"{result.label}: {problem}" for problem in found]
        print("\n".join(details))
    for problem in problems:
        print(f"FAILED: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
