"""Intent accuracy on a held-out set (tests/data/heldout_nlu.yml) that was written without looking at data/nlu/.

Writes results/heldout.json (accuracy, per-intent errors, confusions) and prints every misclassified message.
Uses the session-scoped `assistant` fixture from tests/conftest.py (assistant.parse(text) -> Rasa parse result).
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
HELDOUT_FILE = ROOT / "tests" / "data" / "heldout_nlu.yml"
TRAINING_NLU_DIR = ROOT / "data" / "nlu"
DOMAIN_FILE = ROOT / "domain.yml"
REPORT_FILE = ROOT / "results" / "heldout.json"
MIN_ACCURACY = 0.90
MIN_PER_INTENT, MAX_PER_INTENT = 6, 8


def _heldout_examples() -> list[tuple[str, str]]:
    """(text, intent) pairs, read the way Rasa reads NLU data."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(HELDOUT_FILE))
    return [(m.get("text"), m.get("intent")) for m in data.intent_examples]


def _normalise(text: str) -> str:
    text = text.lower().replace("’", "'")
    text = re.sub(r"[^\w\s']", " ", text)
    return re.sub(r"\s+", " ", text).strip()


# --- The held-out file itself (runs without a model) ----------------------------------------------------------


def test_heldout_covers_every_intent():
    examples = _heldout_examples()
    domain_intents = set(yaml.safe_load(DOMAIN_FILE.read_text(encoding="utf-8"))["intents"])
    counts = Counter(intent for _, intent in examples)
    assert set(counts) == domain_intents, (
        f"missing: {sorted(domain_intents - set(counts))}, unknown: {sorted(set(counts) - domain_intents)}"
    )
    wrong = {intent: n for intent, n in counts.items() if not MIN_PER_INTENT <= n <= MAX_PER_INTENT}
    assert not wrong, f"intents without {MIN_PER_INTENT}-{MAX_PER_INTENT} examples: {wrong}"
    texts = [_normalise(text) for text, _ in examples]
    duplicates = [t for t, n in Counter(texts).items() if n > 1]
    assert not duplicates, f"duplicate held-out messages: {duplicates}"


def test_heldout_messages_are_not_in_training_data():
    """Held-out means held out: no held-out message may appear verbatim (case-insensitive) in data/nlu/."""
    from rasa.shared.nlu.training_data.loading import load_data

    files = sorted(TRAINING_NLU_DIR.glob("**/*.yml")) + sorted(TRAINING_NLU_DIR.glob("**/*.yaml"))
    assert files, f"no training data in {TRAINING_NLU_DIR}"
    training_texts = set()
    for path in files:
        examples = load_data(str(path)).training_examples
        training_texts.update(_normalise(m.get("text")) for m in examples if m.get("text"))
    raw = "\n".join(_normalise(path.read_text(encoding="utf-8")) for path in files)

    leaked = []
    for text, intent in _heldout_examples():
        norm = _normalise(text)
        # Equal to a training example; or, for longer messages, contained in the training files at all.
        if norm in training_texts or (len(norm.split()) >= 3 and norm in raw):
            leaked.append((intent, text))
    assert not leaked, f"held-out messages found in data/nlu/: {leaked}"


# --- Accuracy -------------------------------------------------------------------------------------------------


def test_heldout_intent_accuracy(assistant):
    examples = _heldout_examples()
    # An out-of-scope message that falls below the confidence threshold gets the very same honest reply
    # (action_handle_misunderstanding), so nlu_fallback counts as right for it and for nothing else.
    per_intent: dict[str, dict] = defaultdict(lambda: {"n": 0, "correct": 0, "errors": []})
    confusions: Counter = Counter()
    for text, expected in examples:
        result = assistant.parse(text)
        intent = result.get("intent") or {}
        predicted, confidence = intent.get("name"), float(intent.get("confidence") or 0.0)
        stats = per_intent[expected]
        stats["n"] += 1
        if predicted == expected or (expected == "out_of_scope" and predicted == "nlu_fallback"):
            stats["correct"] += 1
        else:
            stats["errors"].append({"text": text, "predicted": predicted, "confidence": round(confidence, 3)})
            confusions[f"{expected} -> {predicted}"] += 1

    total = sum(s["n"] for s in per_intent.values())
    correct = sum(s["correct"] for s in per_intent.values())
    accuracy = correct / total if total else 0.0
    report = {
        "heldout_file": str(HELDOUT_FILE.relative_to(ROOT)),
        "examples": total,
        "correct": correct,
        "accuracy": round(accuracy, 4),
        "min_accuracy": MIN_ACCURACY,
        "per_intent": {
            name: {
                "n": s["n"],
                "correct": s["correct"],
                "accuracy": round(s["correct"] / s["n"], 4),
                "errors": s["errors"],
            }
            for name, s in sorted(per_intent.items())
        },
        "confusions": dict(confusions.most_common()),
    }
    REPORT_FILE.parent.mkdir(parents=True, exist_ok=True)
    REPORT_FILE.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")

    misclassified = [
        f"  [{name}] {e['text']!r} -> {e['predicted']} ({e['confidence']:.2f})"
        for name, s in sorted(per_intent.items())
        for e in s["errors"]
    ]
    print(f"\nheld-out intent accuracy: {correct}/{total} = {accuracy:.3f} (report: {REPORT_FILE})")
    if misclassified:
        print("misclassified:\n" + "\n".join(misclassified))

    assert accuracy >= MIN_ACCURACY, (
        f"held-out accuracy {accuracy:.3f} < {MIN_ACCURACY}; misclassified:\n" + "\n".join(misclassified)
    )
