"""End to end: what the assistant says, checked against the clinic facts (tests/data/answer_cases.yml).

Uses the session-scoped `assistant` fixture from tests/conftest.py:
  assistant.reply(text, sender=None) -> all bot texts of the turn joined by newlines (sender=None: a fresh conversation)
  assistant.parse(text) -> the Rasa parse result
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from pathlib import Path

import pytest
import yaml

CASES_FILE = Path(__file__).parent / "data" / "answer_cases.yml"
_DATA = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))
CASES: list[dict] = _DATA["cases"]
CONVERSATIONS: list[dict] = _DATA.get("conversations", [])

_KNOWN_CASE_KEYS = {"message", "expect_all", "expect_any", "expect_none"}
_KNOWN_CONVERSATION_KEYS = {"name", "turns", "expect_last", "expect_last_any", "expect_last_none"}


def _case_id(case: dict) -> str:
    return case["message"][:60]


def _check(reply: str, expect_all: Iterable[str], expect_any: Iterable[str], expect_none: Iterable[str], context: str):
    """Assert the reply's content; the failure message shows the whole reply."""
    text = (reply or "").lower()
    assert text.strip(), f"{context}\nempty reply"
    missing = [s for s in expect_all or [] if s.lower() not in text]
    any_list = list(expect_any or [])
    any_missing = any_list and not any(s.lower() in text for s in any_list)
    forbidden = [s for s in expect_none or [] if s.lower() in text]
    problems = []
    if missing:
        problems.append(f"missing: {missing}")
    if any_missing:
        problems.append(f"none of: {any_list}")
    if forbidden:
        problems.append(f"must not say: {forbidden}")
    assert not problems, f"{context}\n" + "; ".join(problems) + f"\n--- reply ---\n{reply}\n-------------"


# --- The case files themselves (run without a model) -----------------------------------------------------------


def test_answer_cases_are_well_formed():
    assert len(CASES) >= 70
    for case in CASES:
        assert set(case) <= _KNOWN_CASE_KEYS, case
        assert isinstance(case["message"], str) and case["message"].strip(), case
        for key in ("expect_all", "expect_any", "expect_none"):
            assert isinstance(case.get(key, []), list), case
    for conversation in CONVERSATIONS:
        assert set(conversation) <= _KNOWN_CONVERSATION_KEYS, conversation
        assert len(conversation["turns"]) >= 2, conversation
        assert conversation.get("expect_last") or conversation.get("expect_last_any"), conversation


# --- Replies ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_answer(assistant, case):
    reply = assistant.reply(case["message"])
    print(f"\n> {case['message']}\n{reply}")
    _check(
        reply,
        case.get("expect_all", []),
        case.get("expect_any", []),
        case.get("expect_none", []),
        context=f"message: {case['message']!r}",
    )


@pytest.mark.parametrize("conversation", CONVERSATIONS, ids=lambda c: c.get("name") or c["turns"][0][:60])
def test_conversation(assistant, conversation):
    sender = f"test-{uuid.uuid4().hex}"
    transcript = []
    reply = ""
    for turn in conversation["turns"]:
        reply = assistant.reply(turn, sender=sender)
        transcript.append(f"> {turn}\n{reply}")
    print("\n" + "\n".join(transcript))
    _check(
        reply,
        conversation.get("expect_last", []),
        conversation.get("expect_last_any", []),
        conversation.get("expect_last_none", []),
        context="conversation:\n" + "\n".join(transcript),
    )

