"""Action server replies are validated against Rasa's schema with a validator built once, not on every call.

Rasa 3.6 checks every reply with `jsonschema.validate(result, schema)` (`RemoteAction._validate_action_result`),
which re-checks the schema itself and builds a new validator each time: most of the server's CPU per custom action
in the issue-11 profile. This checks the schema once per process and validates each reply exactly as strictly as
before, with Rasa's own error message. `benchmarks/action_reply_validation.py` compares the two. Installed when the
NLU components load (bot/nlp/rasa_components.py).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict

from jsonschema import ValidationError
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@lru_cache(maxsize=1)
def reply_validator() -> Validator:
    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def _validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
    try:
        reply_validator().validate(result)
        return True
    except ValidationError as error:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from the Action endpoint "
            f"is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error


def install() -> None:
    RemoteAction._validate_action_result = _validate_action_result
