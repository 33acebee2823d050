"""Idle CPU of the Rasa server and the web app with 0 and with N waiting handoffs (target: flat, ratio about 1.0).

Starts the Rasa server (`python -m bot.rasa_server`, the trained model, the project's endpoints.yml) and the web app
with its staff inbox (`python -m bot.web`) on throwaway databases, measures the CPU time both processes use while
nothing happens, then hands off N conversations (a real tracker in Rasa for each: a patient asking for a person,
the assistant's answer, the pause, and an open request in the queue) and measures again. With
`--polling-baseline` a third phase adds what the inbox did before the events: a process reading every open
request's tracker from Rasa's HTTP API every 2 seconds (`Inbox.sync_open`), measured with the other two.

    .venv/bin/python benchmarks/handoff_idle.py [--handoffs 200] [--seconds 30] [--settle 10]
        [--broker sql|rabbitmq] [--polling-baseline]

`--broker rabbitmq` uses BENCHMARK_RABBITMQ_URL (default amqp://guest:guest@127.0.0.1:5672/, this machine's
RabbitMQ) with a queue of its own, deleted at the end. Prints the CPU of each phase and the ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from pathlib import Path
from typing import List

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from server_processes import CLOCK_TICKS, cpu_seconds, free_port, started, wait_until_up  # noqa: E402  (a sibling file)

from bot.db.session import Database  # noqa: E402
from bot.handoff.queue import HandoffQueue, NewRequest  # noqa: E402

MODEL = ROOT / "models" / "clinic.tar.gz"
DEFAULT_RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672/"
POLLER = """
import asyncio
from bot.handoff.inbox import Inbox
from bot.handoff.queue import HandoffQueue
from bot.handoff.rasa_api import RasaAPI

async def poll():  # what bot/web/staff.py did before the events: every open request's tracker every 2 s
    inbox = Inbox(HandoffQueue(), RasaAPI())
    while True:
        await inbox.sync_open()
        await asyncio.sleep(2)

asyncio.run(poll())
"""


def idle_cpu(processes: List[subprocess.Popen], seconds: float) -> float:
    """CPU time the processes use per wall-clock second while nothing is asked of them (1.0 = one core)."""
    before = sum(cpu_seconds(p.pid) for p in processes)
    time.sleep(seconds)
    return (sum(cpu_seconds(p.pid) for p in processes) - before) / seconds


def ratio(measured: float, baseline: float, seconds: float) -> str:
    """measured / baseline; /proc counts CPU time in clock ticks, so a baseline under one tick has no ratio."""
    if baseline * seconds < 1 / CLOCK_TICKS:
        return (f"none: 0 waiting used less than one clock tick ({1000 / CLOCK_TICKS:.0f} ms), the other "
                f"{measured * seconds * 1000:.0f} ms of CPU in {seconds:.0f} s")
    return f"{measured / baseline:.2f}"


def hand_off(rasa_url: str, token: str, queue: HandoffQueue, count: int) -> None:
    """`count` conversations paused for the staff, each with a tracker in Rasa and an open request."""
    for _ in range(count):
        conversation_id = f"bench-{uuid.uuid4().hex}"
        now = time.time()
        queue.open_request(NewRequest(conversation_id, "socketio", "patient_asked", False, True, {}, since_ts=now))
        events = [
            {"event": "action", "name": "action_listen", "timestamp": now},
            {"event": "user", "text": "can I talk to a person", "timestamp": now + 0.1,
             "message_id": uuid.uuid4().hex, "parse_data": {"intent": {"name": "request_human", "confidence": 1.0},
                                                            "entities": []}},
            {"event": "bot", "text": "I've asked a member of our team to join this chat.", "timestamp": now + 0.2},
            {"event": "pause", "timestamp": now + 0.3},
        ]
        reply = requests.post(f"{rasa_url}/conversations/{conversation_id}/tracker/events", params={"token": token},
                              json=events, timeout=30)
        reply.raise_for_status()


async def delete_queue(url: str, name: str) -> None:
    import aio_pika

    connection = await aio_pika.connect(url)
    async with connection:
        await (await connection.channel()).queue_delete(name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--handoffs", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=30, help="length of each measurement")
    parser.add_argument("--settle", type=float, default=10, help="wait before each measurement")
    parser.add_argument("--broker", choices=("sql", "rabbitmq"), default="sql")
    parser.add_argument("--polling-baseline", action="store_true", help="also measure the old 2 s polling")
    args = parser.parse_args()
    if not MODEL.is_file():
        sys.exit(f"No trained model at {MODEL}: run `make train`.")

    folder = Path(tempfile.mkdtemp(prefix="handoff-idle-"))
    database_url = f"sqlite:///{folder / 'clinic.db'}"
    database = Database(database_url)
    database.upgrade()
    rasa_port, web_port = free_port(), free_port()
    rasa_url, token = f"http://127.0.0.1:{rasa_port}", secrets.token_urlsafe(24)
    queue_name = f"bench_inbox_{uuid.uuid4().hex[:12]}"
    broker_url = (os.environ.get("BENCHMARK_RABBITMQ_URL") or DEFAULT_RABBITMQ_URL if args.broker == "rabbitmq"
                  else f"sqlite:///{folder / 'events.db'}")
    env = {**os.environ, "DATABASE_URL": database_url, "TRACKER_STORE_URL": f"sqlite:///{folder / 'tracker.db'}",
           "EVENT_BROKER_URL": broker_url, "EVENT_BROKER_QUEUE": queue_name, "RASA_API_TOKEN": token,
           "RASA_URL": rasa_url, "TF_CPP_MIN_LOG_LEVEL": "3", "RASA_TELEMETRY_ENABLED": "false",
           "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "PYTHONPATH": str(ROOT)}
    python = sys.executable
    print(f"broker: {args.broker}; {args.seconds:.0f} s per measurement; logs in {folder}")
    try:
        with ExitStack() as stack:
            rasa = stack.enter_context(started(
                [python, "-m", "bot.rasa_server", "--port", str(rasa_port), "--model", str(MODEL)], env,
                folder / "rasa.log"))
            web = stack.enter_context(started([python, "-m", "bot.web", "--port", str(web_port)], env,
                                              folder / "web.log"))
            wait_until_up(f"{rasa_url}/status?token={token}", rasa)
            wait_until_up(f"http://127.0.0.1:{web_port}/healthz", web)
            time.sleep(args.settle)
            empty = idle_cpu([rasa, web], args.seconds)
            hand_off(rasa_url, token, HandoffQueue(database), args.handoffs)
            time.sleep(args.settle)
            waiting = idle_cpu([rasa, web], args.seconds)
            print(f"idle CPU, Rasa + web app, 0 waiting handoffs:   {empty * 100:6.2f}% of a core")
            print(f"idle CPU, Rasa + web app, {args.handoffs} waiting handoffs: {waiting * 100:6.2f}% of a core")
            print(f"ratio {args.handoffs} / 0: {ratio(waiting, empty, args.seconds)}")
            if args.polling_baseline:
                poller = stack.enter_context(started([python, "-c", POLLER], env, folder / "poller.log"))
                time.sleep(args.settle)
                polling = idle_cpu([rasa, web, poller], args.seconds)
                print(f"with the old 2 s tracker polling, {args.handoffs} waiting: {polling * 100:6.2f}% of a core "
                      f"(ratio to 0 waiting: {ratio(polling, empty, args.seconds)})")
    finally:
        if args.broker == "rabbitmq":
            asyncio.run(delete_queue(broker_url, queue_name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
