"""TED is skipped when a rule has decided (bot/nlp/rules_before_ted.py): the trained assistant chooses the same next
action, by the same policy, as Rasa does with TED run for every prediction."""

from __future__ import annotations

import copy
from typing import List, Tuple

from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import UserUttered

from bot.nlp import rules_before_ted

CONVERSATION = [
    "hi", "how long does botox last", "and how much is it", "I want to book a consultation", "what are your hours",
    "Maria Lopez", "can I drink wine after", "yes", "no thanks", "I can't swallow since my botox yesterday",
]


def _choice(assistant, tracker) -> Tuple[str, str]:
    prediction = assistant.loop.run_until_complete(_predict(assistant, tracker))
    action = assistant.agent.domain.action_names_or_texts[prediction.max_confidence_index]
    return action, prediction.policy_name


async def _predict(assistant, tracker):
    return assistant.agent.processor._predict_next_with_tracker(tracker)


def _next_states(assistant, sender: str) -> List:
    """The tracker just before each prediction of the conversation: after each patient message, and after each
    action the assistant then took."""
    states = []
    for text in CONVERSATION:
        tracker = assistant.tracker(sender)
        parse = assistant.loop.run_until_complete(assistant.agent.processor.parse_message(UserMessage(text)))
        tracker.update(UserUttered(text, parse["intent"], parse["entities"], parse))
        states.append(copy.deepcopy(tracker))
        assistant.messages(text, sender)
    return states


def test_the_same_action_is_chosen_by_the_same_policy(assistant, monkeypatch):
    skipped = []
    decided_by_a_rule = rules_before_ted._decided_by_a_rule

    def counting(ted, tracker):
        skipped.append(decided_by_a_rule(ted, tracker))
        return skipped[-1]

    monkeypatch.setattr(rules_before_ted, "_decided_by_a_rule", counting)
    states = _next_states(assistant, "rules-before-ted")
    with_skips = [_choice(assistant, copy.deepcopy(state)) for state in states]
    assert any(skipped)  # rules decided predictions

    monkeypatch.setattr(rules_before_ted, "_decided_by_a_rule", lambda ted, tracker: False)
    as_rasa_does = [_choice(assistant, copy.deepcopy(state)) for state in states]
    assert with_skips == as_rasa_does


class Ted:
    priority = 1
    fake_features = {"intent": None}

    def _default_predictions(self, domain):
        return [0.0, 0.0]

    def _prediction(self, probabilities):
        return probabilities


class Tracker:
    events = ["action_listen", "user"]


def test_ted_runs_unless_a_rule_decided_this_very_prediction(monkeypatch):
    monkeypatch.setattr(rules_before_ted, "_rasa_ted_prediction", lambda *args, **kwargs: "TED's own prediction")
    tracker, ted = Tracker(), Ted()
    assert rules_before_ted._ted_prediction(ted, tracker, None) == "TED's own prediction"  # no rule ran
    setattr(tracker, rules_before_ted._DECIDED_AT, (2, 6))
    assert rules_before_ted._ted_prediction(ted, tracker, None) == [0.0, 0.0]  # a rule decided: no prediction
    tracker.events = tracker.events + ["action"]
    assert rules_before_ted._ted_prediction(ted, tracker, None) == "TED's own prediction"  # an earlier one
    setattr(tracker, rules_before_ted._DECIDED_AT, (3, 6))
    ted.fake_features = {"text": None}
    assert rules_before_ted._ted_prediction(ted, tracker, None) == "TED's own prediction"  # end-to-end could win


def test_only_a_rule_that_applies_marks_the_tracker(monkeypatch):
    class Prediction:
        def __init__(self, confidence):
            self.max_confidence = confidence

    class Rules:
        priority = 6

    tracker = Tracker()
    monkeypatch.setattr(rules_before_ted, "_rasa_rule_prediction", lambda *args, **kwargs: Prediction(0.3))
    rules_before_ted._rule_prediction(Rules(), tracker, None)  # the core fallback: no rule applies
    assert not hasattr(tracker, rules_before_ted._DECIDED_AT)
    monkeypatch.setattr(rules_before_ted, "_rasa_rule_prediction", lambda *args, **kwargs: Prediction(1.0))
    rules_before_ted._rule_prediction(Rules(), tracker, None)
    assert getattr(tracker, rules_before_ted._DECIDED_AT) == (2, 6)
