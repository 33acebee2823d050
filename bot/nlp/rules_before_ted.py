"""TED is not run for a prediction that a rule has already decided.

Rasa 3.6 runs every policy for every prediction, then keeps the one with the highest (confidence, priority). A rule
that applies predicts its action with confidence 1.0 at RulePolicy's priority (6); TED predicts at most 1.0 at its
priority (1), and only an end-to-end prediction (TED trained on user text, which this assistant's stories are not)
could overrule a rule. So when a rule applies, TED's prediction cannot be chosen, and computing it was a fifth of the
Rasa server's CPU per message (a py-spy profile, docs/performance.md): most turns here are decided by rules.

RulePolicy runs before TED on the same tracker (the graph's order). It marks the tracker, at its current length,
when a rule decided; TED, finding the mark, returns no prediction (all zeros) instead of running its model. A TED
without the mark (another graph, or RulePolicy running after it) predicts as Rasa does. A patch of the pinned Rasa's
behaviour, installed with the NLU components (bot/nlp/rasa_components.py); tests/nlp/test_rules_before_ted.py
checks it against Rasa's own choice.
"""

from __future__ import annotations

from typing import Any

from rasa.core.policies.policy import PolicyPrediction
from rasa.core.policies.rule_policy import RulePolicy
from rasa.core.policies.ted_policy import TEDPolicy
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import TEXT

_DECIDED_AT = "_clinic_rule_decided_at"  # an attribute on the tracker: its length when a rule decided
_rasa_rule_prediction = RulePolicy.predict_action_probabilities
_rasa_ted_prediction = TEDPolicy.predict_action_probabilities


# The wrappers leave `self` unannotated, as Rasa's methods do: Rasa's graph validation takes every annotated parameter
# of a run method for an input the graph must provide.
def _rule_prediction(self, tracker: DialogueStateTracker, domain: Domain, *args: Any,
                     **kwargs: Any) -> PolicyPrediction:
    prediction = _rasa_rule_prediction(self, tracker, domain, *args, **kwargs)
    if prediction.max_confidence >= 1.0:
        setattr(tracker, _DECIDED_AT, (len(tracker.events), self.priority))
    return prediction


def _ted_prediction(self, tracker: DialogueStateTracker, domain: Domain, *args: Any,
                    **kwargs: Any) -> PolicyPrediction:
    if _decided_by_a_rule(self, tracker):
        return self._prediction(self._default_predictions(domain))
    return _rasa_ted_prediction(self, tracker, domain, *args, **kwargs)


def _decided_by_a_rule(ted: TEDPolicy, tracker: DialogueStateTracker) -> bool:
    decided_at = getattr(tracker, _DECIDED_AT, None)
    return (
        decided_at is not None
        and decided_at[0] == len(tracker.events)
        and decided_at[1] > ted.priority
        and TEXT not in getattr(ted, "fake_features", {})
    )


def install() -> None:
    RulePolicy.predict_action_probabilities = _rule_prediction
    TEDPolicy.predict_action_probabilities = _ted_prediction
