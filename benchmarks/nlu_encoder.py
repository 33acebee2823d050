"""What the sentence encoder costs: NLU training time and per-message parse latency, with and without it.

Run: .venv/bin/python benchmarks/nlu_encoder.py  (after `make setup`). Trains the NLU twice in the same run, from
config.yml as it is and from config.yml without SentenceEncoderIntentClassifier, then parses the NLU evaluation
set's development part with each model, and prints the ratios (with / without), so they do not depend on the
machine. The safety analyser runs in both.
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
ENCODER = "bot.nlp.sentence_intents.SentenceEncoderIntentClassifier"


def _config_without_encoder(folder: Path) -> Path:
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    config["pipeline"] = [step for step in config["pipeline"] if step["name"] != ENCODER]
    path = folder / "config.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def _train(config: Path, out: Path, name: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [str(ROOT / ".venv/bin/rasa"), "train", "nlu", "--config", str(config), "--nlu", str(ROOT / "data/nlu"),
         "--out", str(out), "--fixed-model-name", name],
        check=True, cwd=ROOT, capture_output=True,
    )
    return time.perf_counter() - start


def _latencies(model: Path, texts) -> list:
    from rasa.core.agent import load_agent

    loop = asyncio.new_event_loop()
    agent = loop.run_until_complete(load_agent(model_path=str(model)))
    loop.run_until_complete(agent.parse_message("warm up"))
    samples = []
    for text in texts:
        start = time.perf_counter()
        loop.run_until_complete(agent.parse_message(text))
        samples.append(time.perf_counter() - start)
    return samples


def _p50_p95(samples):
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]


def main() -> None:
    texts = [i["text"] for i in yaml.safe_load((ROOT / "tests/data/nlu_eval_dev.yml").read_text()) if "text" in i]
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        with_time = _train(ROOT / "config.yml", out, "with")
        without_time = _train(_config_without_encoder(out), out, "without")
        with_p50, with_p95 = _p50_p95(_latencies(out / "with.tar.gz", texts * 2))
        without_p50, without_p95 = _p50_p95(_latencies(out / "without.tar.gz", texts * 2))
    print(f"NLU training: with the encoder {with_time:.0f} s, without {without_time:.0f} s, "
          f"ratio {with_time / without_time:.2f}")
    print(f"parse p50: with {with_p50 * 1000:.1f} ms, without {without_p50 * 1000:.1f} ms, "
          f"ratio {with_p50 / without_p50:.2f}")
    print(f"parse p95: with {with_p95 * 1000:.1f} ms, without {without_p95 * 1000:.1f} ms, "
          f"ratio {with_p95 / without_p95:.2f}")


if __name__ == "__main__":
    main()
