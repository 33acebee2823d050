"""RulePolicy remembers which of its rules apply to a conversation's current state, instead of checking them all on
every prediction.

Rasa 3.6's `RulePolicy._get_possible_keys` checks every learnt rule (680 in this assistant: the form digressions
make many) against the current state, then the survivors against each earlier state, on every prediction of every
turn: a large share of RulePolicy's time in the issue-11 profile. For a loaded policy, which rules apply to a given
state never changes, so this keeps the result of that first check per state (at most `REMEMBERED_STATES` of them)
and checks only those rules against the earlier states, exactly as Rasa does. A policy being trained changes its
rules while it predicts (it drops contradicting ones), so only a policy loaded from a trained model remembers.
`benchmarks/cost_per_message.py` measures the whole turn; tests/nlp/test_rule_lookup.py compares the two answers.
Installed when the NLU components load (bot/nlp/rasa_components.py).
"""

from __future__ import annotations

from typing import Any, Dict, FrozenSet, Hashable, List, Optional, Set, Text, Tuple

from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.generator import State

REMEMBERED_STATES = 4096
_ORIGINAL_GET_POSSIBLE_KEYS = RulePolicy._get_possible_keys
_ORIGINAL_LOAD = RulePolicy.load.__func__


def frozen(value: Any) -> Hashable:
    """A state (nested dicts of tuples) as a value that can be a dictionary key."""
    if isinstance(value, dict):
        return tuple(sorted((key, frozen(item)) for key, item in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(frozen(item) for item in value)
    return value


def _rules_for_current_state(policy: RulePolicy, lookup: Dict[Text, Text], state: State,
                             remembered: Dict[Tuple[int, Hashable], FrozenSet[Text]]) -> FrozenSet[Text]:
    key = (id(lookup), frozen(state))
    rules = remembered.get(key)
    if rules is None:
        rules = frozenset(rule for rule in lookup if policy._is_rule_applicable(rule, 0, state))
        if len(remembered) >= REMEMBERED_STATES:
            remembered.clear()
        remembered[key] = rules
    return rules


def _get_possible_keys(self: RulePolicy, lookup: Dict[Text, Text], states: List[State]) -> Set[Text]:
    remembered: Optional[Dict] = getattr(self, "_rules_by_current_state", None)
    if remembered is None or not states:
        return _ORIGINAL_GET_POSSIBLE_KEYS(self, lookup, states)
    possible = set(_rules_for_current_state(self, lookup, states[-1], remembered))
    for turn, state in enumerate(reversed(states[:-1]), start=1):
        possible = {rule for rule in possible if self._is_rule_applicable(rule, turn, state)}
    return possible


def _load(cls: type, *args: Any, **kwargs: Any) -> RulePolicy:
    policy = _ORIGINAL_LOAD(cls, *args, **kwargs)
    policy._rules_by_current_state = {}
    return policy


def install() -> None:
    RulePolicy._get_possible_keys = _get_possible_keys
    RulePolicy.load = classmethod(_load)
