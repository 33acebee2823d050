"""RulePolicy with the rules for each current state remembered (bot/nlp/rule_lookup.py) finds the same rules as
Rasa's own check, for the trained model's rules; a policy in training does not remember."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path
from typing import Dict

import pytest
from rasa.core.policies.rule_policy import RulePolicy

from bot.nlp import rule_lookup

MODEL = Path(__file__).resolve().parents[2] / "models" / "clinic.tar.gz"


@pytest.fixture(scope="module")
def rules() -> Dict[str, str]:
    with tarfile.open(MODEL) as archive:
        member = next(m for m in archive.getmembers() if m.name.endswith("train_RulePolicy1/rule_policy.json"))
        return json.load(archive.extractfile(member))["lookup"]["rules"]


def _policy(remembers: bool) -> RulePolicy:
    policy = RulePolicy.__new__(RulePolicy)  # only the rule-matching methods are used
    if remembers:
        policy._rules_by_current_state = {}
    return policy


def test_the_remembered_rules_are_the_ones_rasa_finds(rules):
    rule_lookup.install()
    remembering, rasa = _policy(remembers=True), _policy(remembers=False)
    conversations = [json.loads(key) for key in list(rules)[::3]]
    # The same current states with other histories: one rule's last state after another rule's earlier ones.
    pairs = zip(conversations[:-7], conversations[7:], strict=True)
    conversations += [earlier[:-1] + later[-1:] for earlier, later in pairs]
    found_any = False
    for states in conversations:
        for _ in range(2):  # the second time from what was remembered
            expected = rule_lookup._ORIGINAL_GET_POSSIBLE_KEYS(rasa, rules, states)
            assert RulePolicy._get_possible_keys(remembering, rules, states) == expected
            found_any = found_any or bool(expected)
    assert found_any
    assert 0 < len(remembering._rules_by_current_state) <= rule_lookup.REMEMBERED_STATES


def test_a_policy_in_training_checks_every_rule_each_time(rules):
    rule_lookup.install()
    training = _policy(remembers=False)
    states = json.loads(next(iter(rules)))
    assert RulePolicy._get_possible_keys(training, rules, states) == rule_lookup._ORIGINAL_GET_POSSIBLE_KEYS(
        training, rules, states)
    assert not hasattr(training, "_rules_by_current_state")


def test_states_are_frozen_whatever_their_order():
    first = {"user": {"intent": "greet", "entities": ("a", "b")}, "prev_action": {"action_name": "action_listen"}}
    second = {"prev_action": {"action_name": "action_listen"}, "user": {"entities": ("a", "b"), "intent": "greet"}}
    assert rule_lookup.frozen(first) == rule_lookup.frozen(second)
    assert hash(rule_lookup.frozen(first))
