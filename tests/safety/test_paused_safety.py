"""Safety answers that must not depend on anything but the Rasa server: in a chat paused for staff, and with the
action server down (the clinic's phone number and prices still filled in)."""

from __future__ import annotations

import asyncio
import socket
import uuid
from pathlib import Path

import pytest

from bot.answers import answer_facts
from bot.clinic import clinic

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "clinic.tar.gz"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _bot_messages(agent, loop, sender):
    tracker = loop.run_until_complete(agent.tracker_store.get_or_create_tracker(sender))
    return tracker, [(e.metadata.get("utter_action"), e.text) for e in tracker.events if e.type_name == "bot"]


def _pause(agent, loop, sender):
    from rasa.shared.core.events import ConversationPaused

    tracker = loop.run_until_complete(agent.tracker_store.get_or_create_tracker(sender))
    tracker.update(ConversationPaused())
    loop.run_until_complete(agent.tracker_store.save(tracker))


def test_an_urgent_message_in_a_paused_chat_gets_the_emergency_answer_and_stays_paused(assistant):
    sender = f"paused-{uuid.uuid4().hex}"
    assistant.messages("hi", sender)
    _pause(assistant.agent, assistant.loop, sender)
    _, before = _bot_messages(assistant.agent, assistant.loop, sender)
    assistant.messages("my throat feels tight and i cant swallow since the botox", sender)
    tracker, after = _bot_messages(assistant.agent, assistant.loop, sender)
    assert [name for name, _ in after[len(before):]] == ["utter_emergency"]
    assert tracker.is_paused()


def test_an_ordinary_message_in_a_paused_chat_is_left_to_staff(assistant):
    sender = f"paused-{uuid.uuid4().hex}"
    assistant.messages("hi", sender)
    _pause(assistant.agent, assistant.loop, sender)
    _, before = _bot_messages(assistant.agent, assistant.loop, sender)
    assistant.messages("how long does it last?", sender)
    _, after = _bot_messages(assistant.agent, assistant.loop, sender)
    assert after == before


@pytest.fixture(scope="module")
def agent_without_action_server():
    from rasa.core.agent import load_agent
    from rasa.core.utils import AvailableEndpoints
    from rasa.utils.endpoints import EndpointConfig

    loop = asyncio.new_event_loop()
    endpoints = AvailableEndpoints.read_endpoints(str(ROOT / "endpoints.yml"))
    endpoints.action = EndpointConfig(url=f"http://127.0.0.1:{_closed_port()}/webhook")  # nothing listens there
    agent = loop.run_until_complete(load_agent(model_path=str(MODEL), endpoints=endpoints))
    yield agent, loop
    loop.close()


@pytest.mark.parametrize(
    "text, response, fact",
    [
        ("I can't breathe properly since my botox yesterday", "utter_emergency", "clinic_phone"),
        ("no puedo tragar desde la inyección de ayer", "utter_emergency", "clinic_phone"),
        ("just found out im pregnant, can i still come tomorrow? its a tiny dose", "utter_pregnancy", "clinic_phone"),
        ("how many units should I get for my gummy smile?", "utter_dose", "price_per_unit"),
    ],
)
def test_safety_answers_quote_clinic_facts_with_the_action_server_down(agent_without_action_server, text, response, fact):
    """The conversation started while the action server was up (no fact slots are set: those come from the
    Rasa server's NLG now); then the action server went down."""
    from rasa.shared.core.events import ActionExecuted, SessionStarted

    agent, loop = agent_without_action_server
    sender = f"down-{uuid.uuid4().hex}"
    tracker = loop.run_until_complete(agent.tracker_store.get_or_create_tracker(sender, append_action_listen=False))
    for event in (ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")):
        tracker.update(event)
    loop.run_until_complete(agent.tracker_store.save(tracker))
    loop.run_until_complete(agent.handle_text(text, sender_id=sender))
    _, messages = _bot_messages(agent, loop, sender)
    answer = dict(messages).get(response)
    assert answer is not None, messages
    assert answer_facts(clinic())[fact] in answer and "None" not in answer
