"""50 conversations at once through the production profile (issue 11): one Rasa replica against two, and a plain
`rasa init` assistant on the same machine, measured in one run.

Starts `python -m bot.production` with one Rasa replica, then with two (two action servers each), on throwaway
PostgreSQL databases, a Redis database and a RabbitMQ queue of their own, and sends through nginx's public port, as
patients would. Then the `rasa init` assistant (its own Rasa server, no nginx, as in cost_per_message.py). Each of
the conversations writes its turns one after the other, waiting for each reply; a third of them start a booking
(the request, a day, a slot, a name, a phone number, an e-mail address), the others ask questions.

Prints messages per second and p50 / p95 latency for each setup with their ratios, and the memory (RSS) of each
Rasa replica and action server after the load.

    .venv/bin/python benchmarks/production_profile.py [--conversations 50] [--turns 6]
"""

from __future__ import annotations

import argparse
import itertools
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Dict, Iterator, List

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cost_per_message import (  # noqa: E402  (siblings: run as a script)
    CLINIC_MESSAGES,
    UNLIMITED,
    distinct_texts,
    quiet_env,
    start_baseline,
)
from server_processes import free_port, free_port_run, wait_until_up  # noqa: E402

from bot.db.testing import temporary_postgres_database  # noqa: E402
from bot.production import Profile  # noqa: E402

REST_TOKEN = secrets.token_urlsafe(24)
BOOKING = ("I'd like to book a consultation for my brows in Austin", "thursday morning", "2", "Jordan Avery",
           "512-555-0142", "jordan.avery@example.com")


class Setup:
    def __init__(self, name: str, url: str, headers: Dict[str, str], questions: Iterator[str]) -> None:
        self.name, self.url, self.headers, self.questions = name, url, headers, questions

    def send(self, sender: str, text: str) -> float:
        start = time.perf_counter()
        reply = requests.post(f"{self.url}/webhooks/rest/webhook", json={"sender": sender, "message": text},
                              headers=self.headers, timeout=300)
        reply.raise_for_status()
        return time.perf_counter() - start

    def scripts(self, conversations: int, turns: int, bookings: bool) -> List[List[str]]:
        return [list(BOOKING[:turns]) if bookings and number % 3 == 0 else list(itertools.islice(self.questions, turns))
                for number in range(conversations)]


def load(setup: Setup, scripts: List[List[str]]) -> Dict[str, float]:
    """All conversations at once, each waiting for its reply before the next turn."""
    latencies: List[float] = []

    def conversation(texts: List[str]) -> None:
        sender = uuid.uuid4().hex
        for text in texts:
            latencies.append(setup.send(sender, text))

    start = time.perf_counter()
    with ThreadPoolExecutor(len(scripts)) as pool:
        list(pool.map(conversation, scripts))
    elapsed = time.perf_counter() - start
    return {"rate": len(latencies) / elapsed, "p50": statistics.median(latencies),
            "p95": statistics.quantiles(latencies, n=20)[18]}


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def memory(layout: Profile) -> Dict[str, float]:
    """RSS of each Rasa replica and action server (the processes supervisord started, and their children)."""
    status = subprocess.run([sys.executable, "-m", "supervisor.supervisorctl", "-c", str(layout.supervisor_conf),
                             "status"], capture_output=True, text=True).stdout
    sizes = {}
    for line in status.splitlines():
        name, _state, *rest = line.split()
        if name.startswith(("rasa-", "actions-")) and "pid" in rest:
            pid = int(rest[rest.index("pid") + 1].rstrip(","))
            children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
            sizes[name] = rss_mb(pid) + sum(rss_mb(int(child)) for child in children)
    return sizes


@contextmanager
def production(replicas: int, folder: Path) -> Iterator[Profile]:
    with temporary_postgres_database(prefix="bench_clinic") as clinic_url, \
            temporary_postgres_database(prefix="bench_conversations") as tracker_url:
        env = quiet_env(PROD_FOLDER=str(folder), PROD_PORT=str(free_port()), PROD_BASE_PORT=str(free_port_run(40)),
                        PROD_RASA_REPLICAS=str(replicas), DATABASE_URL=clinic_url, TRACKER_STORE_URL=tracker_url,
                        REDIS_URL="redis://127.0.0.1:6379/14", EVENT_BROKER_QUEUE=f"bench_{uuid.uuid4().hex[:10]}",
                        RASA_API_TOKEN=secrets.token_urlsafe(24), REST_CHANNEL_TOKEN=REST_TOKEN,
                        EMAIL_LINK_SECRET=secrets.token_urlsafe(24), **UNLIMITED)
        layout = Profile.from_env(env)
        with (folder.parent / f"{folder.name}.log").open("w") as log:
            process = subprocess.Popen([sys.executable, "-m", "bot.production"], cwd=ROOT, env=env, stdout=log,
                                       stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_for_profile(layout, process)
            yield layout
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=120)


def wait_for_profile(layout: Profile, process: subprocess.Popen) -> None:
    urls = [f"http://127.0.0.1:{port}/" for port in layout.rasa_ports]
    urls += [f"http://127.0.0.1:{port}/health" for port in layout.action_ports] + [f"{layout.public_url}/healthz"]
    for url in urls:
        wait_until_up(url, process)


def measure(setup: Setup, args: argparse.Namespace, bookings: bool) -> Dict[str, float]:
    load(setup, setup.scripts(4, 2, bookings=False))  # warm-up: first-call costs are not per message
    return load(setup, setup.scripts(args.conversations, args.turns, bookings))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=50)
    parser.add_argument("--turns", type=int, default=6)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="production-profile-"))
    print(f"logs in {folder}")
    results, memories = {}, {}
    questions = distinct_texts(CLINIC_MESSAGES)
    for replicas in (1, 2):
        with production(replicas, folder / f"replicas-{replicas}") as layout:
            setup = Setup(f"{replicas} replica{'s' if replicas > 1 else ''}", layout.public_url,
                          {"Authorization": f"Bearer {REST_TOKEN}"}, questions)
            results[setup.name] = measure(setup, args, bookings=True)
            memories[setup.name] = memory(layout)
    with ExitStack() as stack:
        baseline = start_baseline(stack, folder)
        results["plain rasa init"] = measure(Setup("plain rasa init", baseline.url, {}, baseline.messages), args,
                                             bookings=False)
    report(results, memories, args)
    return 0


def report(results: Dict[str, Dict[str, float]], memories: Dict[str, Dict[str, float]], args) -> None:
    base = results["plain rasa init"]
    print(f"\n{args.conversations} conversations at once, {args.turns} turns each")
    print(f"{'':<18} {'msg/s':>7} {'p50 ms':>8} {'p95 ms':>8}   ratios to rasa init (msg/s, p50, p95)")
    for name, figures in results.items():
        ratios = (figures["rate"] / base["rate"], figures["p50"] / base["p50"], figures["p95"] / base["p95"])
        print(f"{name:<18} {figures['rate']:7.2f} {figures['p50'] * 1000:8.0f} {figures['p95'] * 1000:8.0f}   "
              + " ".join(f"{ratio:.2f}" for ratio in ratios))
    one, two = results["1 replica"], results["2 replicas"]
    print(f"2 replicas / 1 replica: msg/s {two['rate'] / one['rate']:.2f}, p95 {two['p95'] / one['p95']:.2f}")
    for name, sizes in memories.items():
        sizes_text = ", ".join(f"{process} {size:.0f} MB" for process, size in sizes.items())
        print(f"memory after the load, {name}: {sizes_text}")


if __name__ == "__main__":
    sys.exit(main())
