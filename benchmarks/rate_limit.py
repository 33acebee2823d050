"""Does one flooding sender slow everyone else? Other patients' REST latency (p50/p95) while another sender floods,
with the per-sender limit on and off, as ratios against the patients alone, all measured in the same run.

Run: .venv/bin/python benchmarks/rate_limit.py
The assistant is a stand-in that burns 15 ms of CPU per message (about the NLU + dialogue cost of a real turn), so
the benchmark measures the channel and the limiter, not the model.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "channels"))

PATIENT_MESSAGES = 40
FLOOD_CONNECTIONS = 8
TURN_CPU_S = 0.015


class BusyAssistant:
    async def handle_message(self, message) -> None:
        deadline = time.perf_counter() + TURN_CPU_S
        while time.perf_counter() < deadline:
            pass
        await message.output_channel.send_response(message.sender_id, {"text": "an answer"})


def percentiles(samples):
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]


async def post(session, url, sender):
    start = time.perf_counter()
    async with session.post(url, json={"sender": sender, "message": "how long does it last?"}) as answer:
        await answer.read()
        assert answer.status < 500, answer.status
    return time.perf_counter() - start


async def patient_latencies(url):
    async with aiohttp.ClientSession() as session:
        return [await post(session, url, f"a-patient-asking-{n:04d}") for n in range(PATIENT_MESSAGES)]


async def flood(url, stop):
    async with aiohttp.ClientSession() as session:
        async def one_connection():
            while not stop.is_set():
                await post(session, url, "a-flooding-sender-001")
        await asyncio.gather(*(one_connection() for _ in range(FLOOD_CONNECTIONS)))


async def measure(limit_on: bool, flooding: bool):
    from channel_fakes import Server

    from bot.channels.rest import ClinicRestInput

    os.environ["RATE_LIMIT_BURST"] = "12" if limit_on else "1000000000"
    os.environ["RATE_LIMIT_PER_MINUTE"] = "30" if limit_on else "1000000000"
    server = await Server(ClinicRestInput(production=False), BusyAssistant()).start()
    url = server.url("/webhooks/rest/webhook")
    stop = asyncio.Event()
    flooder = asyncio.create_task(flood(url, stop)) if flooding else None
    await asyncio.sleep(0.5 if flooding else 0)
    try:
        return percentiles(await patient_latencies(url))
    finally:
        stop.set()
        if flooder:
            await flooder
        await server.stop()


async def main() -> None:
    alone = await measure(limit_on=True, flooding=False)
    print(f"run {uuid.uuid4().hex[:6]}: patients alone p50 {alone[0] * 1000:.1f} ms, p95 {alone[1] * 1000:.1f} ms")
    for limit_on in (True, False):
        p50, p95 = await measure(limit_on=limit_on, flooding=True)
        label = "limit on " if limit_on else "limit off"
        print(f"flood, {label}: p50 {p50 * 1000:.1f} ms ({p50 / alone[0]:.2f}x), "
              f"p95 {p95 * 1000:.1f} ms ({p95 / alone[1]:.2f}x)")


if __name__ == "__main__":
    asyncio.run(main())
