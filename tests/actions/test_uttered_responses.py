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


def named_responses() -> list:
    """(file, name) for every "utter_..." string in the actions: passed to utter_message, to a form's failure, or
    kept in a slot for a later question."""
    found = set()
    for path in sorted(ACTIONS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("utter_"):
                found.add((path.name, node.value))
    return sorted(found)


@pytest.mark.parametrize("file, name", named_responses())
def test_every_response_the_actions_name_exists(file, name):
    assert name in DOMAIN["responses"], f"{file} names {name}, which domain.yml does not have"


def test_actions_write_no_sentences_of_their_own():
    """What patients read is a domain response; an action's own text is only a staff member's relayed message."""
    own_text = []
    for path in sorted(ACTIONS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "utter_message":
                if any(k.arg == "text" for k in node.keywords):
                    own_text.append(f"{path.name}:{node.lineno}")
    assert [place.split(":")[0] for place in own_text] == ["handoff.py"]
