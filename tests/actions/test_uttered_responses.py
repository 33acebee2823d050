"""Every response an action utters by name exists in the domain, with a default variation whose placeholders are
the clinic's facts or values the action passes: a typo would otherwise reach a patient as silence."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from tests.actions.driver import DOMAIN

ACTIONS = Path(__file__).resolve().parents[2] / "actions"


def uttered() -> list:
    """(file, response name, keyword names passed with it) for each dispatcher.utter_message(response="...")."""
    found = []
    for path in sorted(ACTIONS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "utter_message":
                keywords = {k.arg: k.value for k in node.keywords if k.arg}
                name = keywords.get("response")
                if isinstance(name, ast.Constant) and isinstance(name.value, str):
                    passed = set(keywords) - {"response", "buttons", "json_message"}
                    has_spread = any(k.arg is None for k in node.keywords)
                    found.append((path.name, name.value, passed, has_spread))
    return found


@pytest.mark.parametrize("file, name, passed, has_spread", uttered())
def test_the_response_exists_and_gets_its_values(file, name, passed, has_spread):
    from bot.answers import answer_facts
    from bot.clinic import clinic

    assert name in DOMAIN["responses"], f"{file} utters {name}, which domain.yml does not have"
    slots = set(DOMAIN["slots"])
    for variation in DOMAIN["responses"][name]:
        needed = {field for _, field, _, _ in string.Formatter().parse(variation.get("text") or "") if field}
        missing = needed - set(answer_facts(clinic())) - passed - slots
        assert has_spread or not missing, f"{file}: {name} needs {missing}"
