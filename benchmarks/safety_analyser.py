"""What the safety analyser adds per message: its p50/p95 beside the whole NLU parse of the trained model.

Run: .venv/bin/python benchmarks/safety_analyser.py  (after `make train`). Both are timed in the same run on the
development part of the safety evaluation set, so the ratio does not depend on the machine.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _percentiles(samples):
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]


def main() -> None:
    from rasa.core.agent import load_agent

    from bot.safety import analyse, warm_up

    texts = [item["text"] for item in yaml.safe_load((ROOT / "bot/safety/labelled/dev.yml").read_text())]
    loop = asyncio.new_event_loop()
    agent = loop.run_until_complete(load_agent(model_path=str(ROOT / "models/clinic.tar.gz")))
    warm_up()
    loop.run_until_complete(agent.parse_message("warm up"))
    analyser, parse = [], []
    for text in texts * 3:
        start = time.perf_counter()
        analyse(text)
        analyser.append(time.perf_counter() - start)
        start = time.perf_counter()
        loop.run_until_complete(agent.parse_message(text))
        parse.append(time.perf_counter() - start)
    a50, a95 = _percentiles(analyser)
    p50, p95 = _percentiles(parse)
    print(f"messages: {len(analyser)}")
    print(f"safety analyser: p50 {a50 * 1000:.1f} ms, p95 {a95 * 1000:.1f} ms")
    print(f"whole NLU parse (includes the analyser): p50 {p50 * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms")
    print(f"analyser / parse: p50 {a50 / p50:.2f}, p95 {a95 / p95:.2f}")


if __name__ == "__main__":
    main()
