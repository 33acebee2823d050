"""Intent accuracy on patient messages written by someone who never read data/nlu (tests/data/nlu_eval_*.yml).

The set was split once, before any tuning, into a development part (may be read while building) and a test part
that only this gate reads. Single messages are scored here with the safety analyser switched off, so the
classifier itself is measured; a message with two questions counts as right when either is recognised, and
separately as answered in full when both are (the main intent and the `also_asked` entity). Writes
results/nlu_eval.json: accuracy per intent (with its message count) and per style, and the two-question figures.
"""

from __future__ import annotations

import json
import os
import uuid
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import yaml

from bot.safety import SafetyReport

ROOT = Path(__file__).resolve().parent.parent
PART = os.environ.get("NLU_EVAL_PART", "test")
REPORT_FILE = ROOT / "results" / "nlu_eval.json"
# Measured on the test part (2026-12-04: 0.841 on 377 messages; 0.891 on 2026-12-06, 0.928 with the second round of
# Spanish and patient-style examples, 0.923 on the final model of that round, 0.920 with DIET's larger batches and a
# question beside a booking request; 0.923 on 2026-12-07 with examples for the misses of a second development part).
# Retraining after any data change moves single messages (adding ten booking
# examples moved two out-of-scope ones), so each intent's floor sits two messages under its best measured figure, and
# the overall floor two points under. Floors only rise.
MIN_ACCURACY = 0.90  # 0.928 on 2026-12-06 (docs/nlu-evaluation.md)
MIN_PER_INTENT = {
    "affirm": 0.25, "ask_aftercare": 0.83, "ask_aftercare_alcohol": 0.6, "ask_aftercare_exercise": 0.66,
    "ask_aftercare_facial_massage": 0.66, "ask_aftercare_lying_down": 0.66, "ask_aftercare_makeup": 0.6,
    "ask_aftercare_sleeping": 0.42, "ask_before_after_photos": 0.66, "ask_bot": 0.6, "ask_bruising_swelling": 0.71,
    "ask_candidate": 0.71, "ask_chin": 0.66, "ask_consultation_fee": 0.71, "ask_contact": 0.5, "ask_cost": 0.72,
    "ask_dose": 0.71, "ask_downtime": 0.71, "ask_eye_asymmetry": 0.75, "ask_gummy_smile": 0.84, "ask_hours": 0.83,
    "ask_how_botox_balances": 0.71, "ask_jawline": 0.75, "ask_locations": 0.75, "ask_medical_conditions": 0.71,
    "ask_mouth_asymmetry": 0.83, "ask_nose_asymmetry": 0.66, "ask_pain": 0.62, "ask_parking": 0.33, "ask_payment": 0.4,
    "ask_pregnancy": 0.66, "ask_procedure": 0.55, "ask_provider_qualifications": 0.75, "ask_results_duration": 0.77,
    "ask_results_full": 0.63, "ask_results_onset": 0.81, "ask_safety": 0.66, "ask_side_effects": 0.6,
    "ask_touch_up": 0.66, "ask_uneven_brows": 0.72, "book_consultation": 0.8, "cancel_booking": 0.66,
    "correction": 0.5, "deny": 0.33, "goodbye": 0.0, "greet": 0.5, "out_of_scope": 0.71,
    "report_treatment_concern": 0.77, "request_human": 0.33, "reschedule_booking": 0.71, "stop": 0.0, "thank": 0.0,
}
TARGET_ACCURACY = 0.95  # issue 9
# Two questions in one message (bot/nlp/question_parts.py), measured on the test part when the split landed
# (2026-12-05): 44 of 61 both answered, 1 of 316 single questions given a second answer; 47 of 61 and 2 of 316 on
# 2026-12-06, and 50 of 61 and 2 of 316 when a question beside a booking request was answered too. The second
# question's threshold was chosen on the development part (25 of 34, 1 of 198). Floors two messages from the measured
# figures.
MIN_BOTH_ANSWERED = 0.78
MAX_SECOND_ANSWERS = 0.01
# Follow-up conversations judged on the reply: test part 60 of 70 turns when answering in context landed
# (2026-12-05; the development part went from 48 to 52 of 53 with it); 64 of 70 on 2026-12-06, and again after the
# sixth session's changes.
MIN_FOLLOWUPS_RIGHT = 0.88


def _items(part: str) -> list:
    return yaml.safe_load((ROOT / "tests" / "data" / f"nlu_eval_{part}.yml").read_text(encoding="utf-8"))


def _singles(part: str) -> list:
    return [item for item in _items(part) if "text" in item]


@pytest.mark.parametrize("part", ["dev", "dev2", "dev3", "dev4", "test"])
def test_eval_set_is_independent_of_the_training_data(part):
    """No evaluation message is near a training example (bot/nlu_overlap.py: word Jaccard >= 0.6 or character
    3-gram cosine >= 0.8, symmetric, so both directions); training data may never copy one."""
    from bot.nlu_overlap import near_duplicates

    texts = [item["text"] for item in _singles(part)]
    assert near_duplicates(texts, [ROOT / "data" / "nlu"]) == []


def test_eval_set_is_large_and_labels_are_real_intents():
    domain_intents = set(yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["intents"])
    items = _items("dev") + _items("test")
    messages = [m for item in items for m in item.get("turns", [item])]
    assert len(messages) >= 600
    labels = {label for m in messages for label in [m["intent"], *m.get("also", [])]}
    assert labels <= domain_intents, labels - domain_intents


@pytest.fixture(scope="module")
def scored(assistant, request):
    """(item, predicted intent, second question or None) for every single message, with the safety guard off."""
    patch = pytest.MonkeyPatch()
    patch.setattr("bot.nlp.rasa_components.analyse", lambda text: SafetyReport(language="en"))
    request.addfinalizer(patch.undo)
    return [(item, *_prediction(assistant.parse(item["text"]))) for item in _singles(PART)]


def _prediction(parsed: dict) -> tuple:
    also = next((e["value"] for e in parsed.get("entities", []) if e["entity"] == "also_asked"), None)
    return (parsed.get("intent") or {}).get("name"), also


def _conversations(part: str) -> list:
    return [item for item in _items(part) if "turns" in item]


@pytest.fixture(scope="module")
def followups(assistant, request):
    """(turn, right) for every turn of the follow-up conversations, judged on the reply, with the safety guard off."""
    patch = pytest.MonkeyPatch()
    patch.setattr("bot.nlp.rasa_components.analyse", lambda text: SafetyReport(language="en"))
    request.addfinalizer(patch.undo)
    judged = []
    for conversation in _conversations(PART):
        sender = f"eval-{conversation['id']}-{uuid.uuid4().hex[:6]}"
        for turn in conversation["turns"]:
            before = len(assistant.bot_messages(sender))
            assistant.messages(turn["text"], sender)
            answers = [name for name, _ in assistant.bot_messages(sender)[before:]]
            parsed = assistant.tracker(sender).latest_message.intent.get("name")
            judged.append((turn, _replied_right(turn["intent"], parsed, answers)))
    return judged


def _replied_right(intent: str, parsed: str, answers: list) -> bool:
    """A question is answered by its response or that response's topic variant; anything else by its intent."""
    if not intent.startswith("ask_"):
        return parsed == intent
    answer = "utter_" + intent.removeprefix("ask_")
    return any(name == answer or name.startswith(answer + "__") for name in answers)


def _right(item: dict, predicted: str) -> bool:
    accepted = {item["intent"], *item.get("also", [])}
    # Below the confidence threshold an out-of-scope message gets the same honest reply as out_of_scope.
    return predicted in accepted or (item["intent"] == "out_of_scope" and predicted == "nlu_fallback")


def _report(scored: list) -> dict:
    per_intent, per_style = defaultdict(Counter), defaultdict(Counter)
    confusions = Counter()
    for item, predicted, _ in scored:
        right = _right(item, predicted)
        for table, key in ((per_intent, item["intent"]), (per_style, item.get("style", "plain"))):
            table[key]["messages"] += 1
            table[key]["right"] += right
        if not right:
            confusions[f"{item['intent']} -> {predicted}"] += 1
    share = lambda c: round(c["right"] / c["messages"], 4)  # noqa: E731
    right = sum(c["right"] for c in per_intent.values())
    return {
        "part": PART,
        "messages": len(scored),
        "accuracy": round(right / len(scored), 4),
        "per_intent": {k: {"messages": c["messages"], "accuracy": share(c)} for k, c in sorted(per_intent.items())},
        "per_style": {k: {"messages": c["messages"], "accuracy": share(c)} for k, c in sorted(per_style.items())},
        "confusions": dict(confusions.most_common()),
        **_two_question_figures(scored),
    }


def _two_question_figures(scored: list) -> dict:
    """The development part dev2 has no two-question messages: its figure is then None."""
    two = [(item, {predicted, also}) for item, predicted, also in scored if item.get("also")]
    single = [also for item, _, also in scored if not item.get("also")]
    both = sum({item["intent"], *item["also"]} <= got for item, got in two)
    return {
        "two_questions": len(two),
        "two_questions_both_answered": round(both / len(two), 4) if two else None,
        "single_questions_given_a_second_answer": round(sum(also is not None for also in single) / len(single), 4),
    }


@pytest.fixture(scope="module")
def figures(scored):
    report = _report(scored)
    REPORT_FILE.parent.mkdir(parents=True, exist_ok=True)
    REPORT_FILE.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nNLU eval ({PART}): accuracy {report['accuracy']} on {report['messages']} messages ({REPORT_FILE})")
    return report


def test_overall_accuracy(figures):
    assert figures["accuracy"] >= MIN_ACCURACY, figures["confusions"]


def test_every_intent_above_its_floor(figures):
    if PART != "test":
        pytest.skip(f"the floors gate the test part; the {PART} part has 3-9 messages an intent")
    low = {k: v for k, v in figures["per_intent"].items() if v["accuracy"] < MIN_PER_INTENT[k]}
    assert not low, low


def test_follow_ups_are_answered_in_context(followups):
    if not followups:
        pytest.skip(f"the {PART} part has no follow-up conversations")
    right = sum(ok for _, ok in followups) / len(followups)
    print(f"\nFollow-up conversations ({PART}): {right:.3f} of {len(followups)} turns answered right")
    report = json.loads(REPORT_FILE.read_text(encoding="utf-8")) if REPORT_FILE.exists() else {}
    REPORT_FILE.write_text(json.dumps({**report, "followup_turns": len(followups),
                                       "followup_turns_right": round(right, 4)},
                                      indent=2) + "\n", encoding="utf-8")
    assert right >= MIN_FOLLOWUPS_RIGHT, [(turn["text"], turn["intent"]) for turn, ok in followups if not ok]


def test_two_questions_in_one_message_are_both_answered(figures):
    if not figures["two_questions"]:
        pytest.skip(f"the {PART} part has no two-question messages")
    assert figures["two_questions_both_answered"] >= MIN_BOTH_ANSWERED


def test_one_question_rarely_gets_a_second_answer(figures):
    assert figures["single_questions_given_a_second_answer"] <= MAX_SECOND_ANSWERS


@pytest.mark.xfail(strict=True, reason="issue 9 target (0.95) not met yet; figures in results/nlu_eval.json")
def test_accuracy_reaches_the_target(figures):
    assert figures["accuracy"] >= TARGET_ACCURACY
