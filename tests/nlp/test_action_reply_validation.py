"""Action server replies are validated as strictly as Rasa does, with a validator built once."""

from __future__ import annotations

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

import bot.nlp.rasa_components  # noqa: F401  (installs the validation)
from bot.nlp.action_reply_validation import reply_validator

GOOD = {"events": [{"event": "slot", "name": "phone", "value": "+15125550134"}],
        "responses": [{"text": "What's your email address?"}]}
BAD = [{"events": "not a list"}, {"events": [{"no_event_key": 1}]}, {"responses": [{"text": 5}]}]


def test_the_installed_validation_is_the_one_built_once():
    action = RemoteAction("action_x", None)
    assert action._validate_action_result(GOOD) is True
    reply_validator.cache_clear()
    action._validate_action_result(GOOD)
    action._validate_action_result(GOOD)
    assert reply_validator.cache_info().misses == 1


@pytest.mark.parametrize("reply", [GOOD, *BAD])
def test_it_accepts_and_refuses_exactly_what_rasa_does(reply):
    rasa_verdict = _rasa_accepts(reply)
    try:
        ours = RemoteAction("action_x", None)._validate_action_result(reply)
    except jsonschema.ValidationError as error:
        ours = False
        assert "Failed to validate Action server response" in error.message
    assert ours == rasa_verdict


def _rasa_accepts(reply) -> bool:
    try:
        jsonschema.validate(reply, RemoteAction.action_response_format_spec())
        return True
    except jsonschema.ValidationError:
        return False
