"""What validating one action server reply costs: Rasa 3.6's `jsonschema.validate` on every call against the
validator built once (bot/nlp/action_reply_validation.py), on a session-start-sized reply, in the same run.

Run: .venv/bin/python benchmarks/action_reply_validation.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

REPEATS = 200


def typical_reply():
    slots = [{"event": "slot", "timestamp": None, "name": f"slot_{n}", "value": f"value {n}"} for n in range(18)]
    return {"events": slots, "responses": [{"text": "What's your email address?", "buttons": []}]}


def per_call_ms(validate, reply) -> float:
    samples = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        validate(reply)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def main() -> None:
    import jsonschema
    from rasa.core.actions.action import RemoteAction

    from bot.nlp.action_reply_validation import reply_validator

    reply, schema = typical_reply(), RemoteAction.action_response_format_spec()
    rasa = per_call_ms(lambda r: jsonschema.validate(r, schema), reply)
    once = per_call_ms(reply_validator().validate, reply)
    print(f"per reply: Rasa's validate {rasa:.2f} ms, validator built once {once:.2f} ms ({rasa / once:.1f}x faster)")


if __name__ == "__main__":
    main()
