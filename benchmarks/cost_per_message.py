"""Cost per message of this assistant against a plain `rasa init` assistant, measured in the same run (issue 11).

Starts both on this machine, each as `make run` starts it: this assistant's Rasa server (the trained model, the
project's endpoints.yml on throwaway databases) with its action server, and the `rasa init` assistant's Rasa server
(no action server: it has no custom actions). Then, sending to the two alternately:

- a new conversation per message: latency p50 and p95, and the server CPU per message (Rasa + action server);
- 10 conversations at once: messages per second;
- one long conversation: the mean latency of turns 291-300 against turns 1-10.

    .venv/bin/python benchmarks/cost_per_message.py [--messages 60] [--concurrent 10] [--rounds 5] [--turns 300]

The `rasa init` assistant is trained once into build/rasa-init-baseline (about two minutes) and reused.
Prints each figure and its ratio to the baseline; the issue's targets are p50 <= 1.3x, throughput >= 1.0x and
turn 300 <= 1.5x turn 10.
"""

from __future__ import annotations

import argparse
import itertools
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Sequence

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from server_processes import cpu_seconds, free_port, started, wait_until_up  # noqa: E402  (a sibling: run as a script)

MODEL = ROOT / "models" / "clinic.tar.gz"
BASELINE_DIR = ROOT / "build" / "rasa-init-baseline"
RASA = str(Path(sys.executable).with_name("rasa"))
CLINIC_MESSAGES = ("how long does botox last?", "how much is a gummy smile treatment", "can botox fix uneven brows",
                   "what should I avoid after my appointment", "when will I see results", "are you open saturday",
                   "does it hurt", "who does the injections", "can I work out after", "is there parking")
# The per-sender rate limit (bot/channels/rate_limit.py) would answer a 300-turn conversation from its bucket.
UNLIMITED = {"RATE_LIMIT_PER_MINUTE": "1000000", "RATE_LIMIT_BURST": "1000000"}
BASELINE_MESSAGES = ("hello", "I am sad", "yes", "hi there", "not good", "great", "good morning", "I feel happy",
                     "bye", "are you a bot")
# Every text is sent once per run: the assistant caches what it computed for recent texts, and patients do not
# repeat each other word for word.
OPENERS = ("", "hi ", "hey, ", "ok ", "sorry, ", "quick question ", "hello! ", "um ", "so ", "hiya ", "question: ",
           "hey there ", "good morning, ", "yo ", "excuse me, ", "hi again ", "hmm ", "one more thing, ", "well ",
           "hi there, ", "ok so ", "right, ", "also ", "btw ", "and ", "oh and ", "quick one, ", "hello, ")
ENDINGS = ("", "?", " thanks", " please", " :)", " thx", "??", " ty")


def distinct_texts(messages: Sequence[str]) -> Iterator[str]:
    for opener, ending in itertools.product(OPENERS, ENDINGS):
        for message in messages:
            yield f"{opener}{message}{ending}"


@dataclass
class Assistant:
    name: str
    url: str
    messages: Iterator[str]
    processes: List[subprocess.Popen]
    # rasa init's stories end: mid-way through a long chat its bot may rightly say nothing to "yes thx".
    always_answers: bool = True

    def send(self, sender: str, text: str) -> float:
        start = time.perf_counter()
        reply = requests.post(f"{self.url}/webhooks/rest/webhook", json={"sender": sender, "message": text},
                              timeout=120)
        reply.raise_for_status()
        if self.always_answers and not reply.json():
            raise RuntimeError(f"{self.name} gave no answer to {text!r}")
        return time.perf_counter() - start

    def cpu(self) -> float:
        return sum(cpu_seconds(process.pid) for process in self.processes)


def new_sender() -> str:
    return uuid.uuid4().hex


def train_baseline(log: Path) -> Path:
    model_dir = BASELINE_DIR / "models"
    if not any(model_dir.glob("*.tar.gz")):
        print(f"training the `rasa init` baseline into build/rasa-init-baseline (once; output in {log})")
        BASELINE_DIR.mkdir(parents=True, exist_ok=True)
        with log.open("w") as output:
            subprocess.run([RASA, "init", "--no-prompt", "--init-dir", str(BASELINE_DIR)], check=True,
                           stdout=output, stderr=subprocess.STDOUT, env=quiet_env())
    return max(model_dir.glob("*.tar.gz"), key=lambda path: path.stat().st_mtime)


def quiet_env(**extra: str) -> Dict[str, str]:
    return {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "RASA_TELEMETRY_ENABLED": "false",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1", **extra}


def clinic_endpoints(folder: Path, action_port: int) -> Path:
    text = (ROOT / "endpoints.yml").read_text().replace("http://localhost:5055/webhook",
                                                       f"http://127.0.0.1:{action_port}/webhook")
    path = folder / "endpoints.yml"
    path.write_text(text)
    return path


def start_clinic(stack: ExitStack, folder: Path) -> Assistant:
    rasa_port, action_port = free_port(), free_port()
    token = secrets.token_urlsafe(24)
    env = quiet_env(DATABASE_URL=f"sqlite:///{folder / 'clinic.db'}",
                    TRACKER_STORE_URL=f"sqlite:///{folder / 'tracker.db'}",
                    EVENT_BROKER_URL=f"sqlite:///{folder / 'events.db'}", RASA_API_TOKEN=token,
                    PYTHONPATH=str(ROOT), **UNLIMITED)
    for step in ("upgrade", "seed"):
        subprocess.run([sys.executable, "-m", "bot", "db", step], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)
    actions = stack.enter_context(started([RASA, "run", "actions", "--actions", "actions", "--port",
                                           str(action_port)], env, folder / "actions.log"))
    rasa = stack.enter_context(started(
        [sys.executable, "-m", "bot.rasa_server", "--port", str(rasa_port), "--model", str(MODEL),
         "--endpoints", str(clinic_endpoints(folder, action_port))], env, folder / "clinic-rasa.log"))
    wait_until_up(f"http://127.0.0.1:{action_port}/health", actions)
    wait_until_up(f"http://127.0.0.1:{rasa_port}/status?token={token}", rasa)
    return Assistant("this assistant", f"http://127.0.0.1:{rasa_port}", distinct_texts(CLINIC_MESSAGES),
                     [rasa, actions])


def start_baseline(stack: ExitStack, folder: Path) -> Assistant:
    model, port = train_baseline(folder / "baseline-training.log"), free_port()
    rasa = stack.enter_context(started([RASA, "run", "--enable-api", "--port", str(port), "--model", str(model)],
                                       quiet_env(), folder / "baseline-rasa.log", cwd=BASELINE_DIR))
    wait_until_up(f"http://127.0.0.1:{port}/status", rasa)
    return Assistant("plain rasa init", f"http://127.0.0.1:{port}", distinct_texts(BASELINE_MESSAGES), [rasa],
                     always_answers=False)


def new_conversations(assistants: List[Assistant], count: int) -> Dict[str, Dict[str, float]]:
    """Alternating, one message per new conversation: latencies and server CPU per message."""
    latencies: Dict[str, List[float]] = {a.name: [] for a in assistants}
    cpu: Dict[str, float] = {a.name: 0.0 for a in assistants}
    for _ in range(count):
        for assistant in assistants:
            before = assistant.cpu()
            latencies[assistant.name].append(assistant.send(new_sender(), next(assistant.messages)))
            time.sleep(0.05)  # lets the servers finish the turn's after-work before the CPU is read
            cpu[assistant.name] += assistant.cpu() - before
    return {name: {"p50": statistics.median(values), "p95": statistics.quantiles(values, n=20)[18],
                   "cpu": cpu[name] / count} for name, values in latencies.items()}


def throughput(assistant: Assistant, concurrent: int, per_conversation: int) -> float:
    """Messages per second with `concurrent` conversations writing at once, each waiting for its reply."""
    scripts = [list(itertools.islice(assistant.messages, per_conversation)) for _ in range(concurrent)]

    def conversation(texts: List[str]) -> None:
        sender = new_sender()
        for text in texts:
            assistant.send(sender, text)

    start = time.perf_counter()
    with ThreadPoolExecutor(concurrent) as pool:
        list(pool.map(conversation, scripts))
    return concurrent * per_conversation / (time.perf_counter() - start)


def long_conversation(assistant: Assistant, turns: int) -> Dict[str, float]:
    sender = new_sender()
    latencies = [assistant.send(sender, next(assistant.messages)) for turn in range(turns)]
    return {"first": statistics.mean(latencies[:10]), "last": statistics.mean(latencies[-10:])}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=60, help="new conversations per assistant")
    parser.add_argument("--concurrent", type=int, default=10)
    parser.add_argument("--per-conversation", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--turns", type=int, default=300)
    args = parser.parse_args()
    if not MODEL.is_file():
        sys.exit(f"No trained model at {MODEL}: run `make train`.")
    folder = Path(tempfile.mkdtemp(prefix="cost-per-message-"))
    print(f"logs in {folder}")
    with ExitStack() as stack:
        clinic, baseline = start_clinic(stack, folder), start_baseline(stack, folder)
        for assistant in (clinic, baseline):  # warm-up: first-call costs (graph loading, JIT) are not per message
            for text in itertools.islice(assistant.messages, 10):
                assistant.send(new_sender(), text)
        single = new_conversations([clinic, baseline], args.messages)
        # Alternating rounds, the median of each: one round of a few seconds swings with the machine's other work.
        rounds = {a.name: [] for a in (clinic, baseline)}
        for _ in range(args.rounds):
            for assistant in (clinic, baseline):
                rounds[assistant.name].append(throughput(assistant, args.concurrent, args.per_conversation))
        rates = {name: statistics.median(values) for name, values in rounds.items()}
        long = {a.name: long_conversation(a, args.turns) for a in (clinic, baseline)}
    report(clinic.name, baseline.name, single, rates, long, args)
    return 0


def report(ours: str, base: str, single, rates, long, args) -> None:
    def row(label: str, mine: float, theirs: float, unit: str, scale: float = 1000) -> None:
        print(f"{label:<44} {mine * scale:9.1f} {theirs * scale:9.1f} {unit:<6} ratio {mine / theirs:5.2f}")

    print(f"{'':<44} {'ours':>9} {'rasa init':>9}")
    row(f"new conversation, p50 ({args.messages} each)", single[ours]["p50"], single[base]["p50"], "ms")
    row("new conversation, p95", single[ours]["p95"], single[base]["p95"], "ms")
    row("server CPU per message (Rasa + actions)", single[ours]["cpu"], single[base]["cpu"], "ms")
    row(f"{args.concurrent} concurrent conversations", rates[ours], rates[base], "msg/s", scale=1)
    for name in (ours, base):
        turns = long[name]
        print(f"{name}: turns 1-10 {turns['first'] * 1000:.1f} ms, turns {args.turns - 9}-{args.turns} "
              f"{turns['last'] * 1000:.1f} ms, ratio {turns['last'] / turns['first']:.2f}")


if __name__ == "__main__":
    sys.exit(main())
