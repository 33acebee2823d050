"""FAQ topics as one retrieval intent with Rasa's ResponseSelector (the FAQ pattern), against the topics as intents.

Run: .venv/bin/python benchmarks/nlu_retrieval_intents.py  (after `make setup`; about 20 minutes). Trains the NLU
twice in the same run: from config.yml and data/nlu as they are, and with every `ask_*` intent renamed `faq/ask_*`
and a ResponseSelector for `faq` after DIET (a domain with one `utter_faq/ask_*` response per topic, which the
selector needs). Both parse the NLU evaluation set's development part with the safety analyser switched off, as
tests/test_nlu_eval.py does; a retrieval prediction counts by its topic, and only the main intent counts (stricter
than the gate, which also counts a two-question message's second intent). Prints accuracy on all messages and on
the FAQ topics, and training time from an empty cache, as ratios of the same run.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RETRIEVAL_INTENT = "faq"
QUESTION = re.compile(r"^- intent: (ask_\w+)", re.MULTILINE)


def _retrieval_variant(folder: Path) -> tuple:
    """NLU data, domain and config with the FAQ topics as one retrieval intent."""
    nlu = folder / "nlu"
    nlu.mkdir()
    topics = set()
    for source in (ROOT / "data" / "nlu").glob("*.yml"):
        text = source.read_text(encoding="utf-8")
        topics.update(QUESTION.findall(text))
        (nlu / source.name).write_text(QUESTION.sub(rf"- intent: {RETRIEVAL_INTENT}/\1", text), encoding="utf-8")
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    domain["intents"] = [i for i in domain["intents"] if not str(i).startswith("ask_")] + [RETRIEVAL_INTENT]
    domain["responses"].update({f"utter_{RETRIEVAL_INTENT}/{topic}": [{"text": topic}] for topic in sorted(topics)})
    (folder / "domain.yml").write_text(yaml.safe_dump(domain, sort_keys=False, allow_unicode=True), encoding="utf-8")
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    after_diet = [step["name"] for step in config["pipeline"]].index("DIETClassifier") + 1
    config["pipeline"].insert(after_diet, {"name": "ResponseSelector", "retrieval_intent": RETRIEVAL_INTENT,
                                           "epochs": 100, "constrain_similarities": True, "random_seed": 42})
    (folder / "config.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return folder / "config.yml", nlu, folder / "domain.yml"


def _train(config: Path, nlu: Path, domain: Path, out: Path, name: str) -> float:
    """Seconds to train from nothing: a cache of its own, so no component is reused from an earlier training."""
    cache = {**os.environ, "RASA_CACHE_DIRECTORY": str(out / f"{name}-cache")}
    start = time.perf_counter()
    subprocess.run(
        [str(ROOT / ".venv/bin/rasa"), "train", "nlu", "--config", str(config), "--nlu", str(nlu), "--domain",
         str(domain), "--out", str(out), "--fixed-model-name", name],
        check=True, cwd=ROOT, capture_output=True, env=cache,
    )
    return time.perf_counter() - start


def _topic(parse: dict) -> str:
    if parse["intent"]["name"] != RETRIEVAL_INTENT:
        return parse["intent"]["name"]
    return parse["response_selector"][RETRIEVAL_INTENT]["response"]["intent_response_key"].split("/", 1)[1]


def _predictions(model: Path, texts: list) -> list:
    from rasa.core.agent import load_agent

    from bot.safety import SafetyReport

    with mock.patch("bot.nlp.rasa_components.analyse", lambda text: SafetyReport(language="en")):
        loop = asyncio.new_event_loop()
        agent = loop.run_until_complete(load_agent(model_path=str(model)))
        return [_topic(loop.run_until_complete(agent.parse_message(text))) for text in texts]


def _accuracy(expected: list, predicted: list, only_topics: bool = False) -> float:
    pairs = [(e, p) for e, p in zip(expected, predicted, strict=True) if not only_topics or e.startswith("ask_")]
    return sum(e == p for e, p in pairs) / len(pairs)


def main() -> None:
    items = [i for i in yaml.safe_load((ROOT / "tests/data/nlu_eval_dev.yml").read_text()) if "text" in i]
    texts, expected = [i["text"] for i in items], [i["intent"] for i in items]
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        intents_time = _train(ROOT / "config.yml", ROOT / "data" / "nlu", ROOT / "domain.yml", out, "intents")
        retrieval_time = _train(*_retrieval_variant(out), out, "retrieval")
        as_intents = _predictions(out / "intents.tar.gz", texts)
        as_retrieval = _predictions(out / "retrieval.tar.gz", texts)
    for label, only_topics in (("all messages", False), ("FAQ topics", True)):
        a, b = _accuracy(expected, as_intents, only_topics), _accuracy(expected, as_retrieval, only_topics)
        print(f"development part, {label}: topics as intents {a:.3f}, retrieval intent {b:.3f}, ratio {b / a:.2f}")
    print(f"NLU training: topics as intents {intents_time:.0f} s, retrieval intent {retrieval_time:.0f} s, "
          f"ratio {retrieval_time / intents_time:.2f}")


if __name__ == "__main__":
    main()
