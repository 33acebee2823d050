"""A long conversation goes on in a new session once it passes MAX_SESSION_TURNS messages (bot/nlp/tracker_store.py),
and the patient notices nothing: a follow-up still refers to the question before, a booking in progress goes on,
staff can still take the chat over. (A pause itself is carried over: tests/nlp/test_tracker_store.py.)"""

from __future__ import annotations

import uuid
from typing import List

from rasa.shared.core.events import SessionStarted, UserUttered

from bot.nlp.tracker_store import MAX_SESSION_TURNS
from tests.conftest import Assistant

SMALL_TALK = ("how much is botox", "are you open on saturday", "is there parking", "who does the injections",
              "does it hurt")


def new_sender(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}"


def chat_until_the_limit(assistant: Assistant, sender: str) -> None:
    for turn in range(MAX_SESSION_TURNS):
        assistant.messages(SMALL_TALK[turn % len(SMALL_TALK)], sender)


def replies(assistant: Assistant, sender: str, texts: List[str]) -> List[str]:
    return [assistant.reply(text, sender) for text in texts]


def sessions_started(assistant: Assistant, sender: str) -> int:
    full = assistant.loop.run_until_complete(assistant.agent.tracker_store.retrieve_full_tracker(sender))
    return sum(isinstance(event, SessionStarted) for event in full.events)


def test_a_follow_up_after_the_new_session_refers_to_the_question_before(assistant):
    texts = ["how long do the results last for a gummy smile?", "and for the brows?"]
    long_chat = new_sender("long-follow-up")
    chat_until_the_limit(assistant, long_chat)
    assert replies(assistant, long_chat, texts) == replies(assistant, new_sender("short-follow-up"), texts)
    assert sessions_started(assistant, long_chat) == 2
    session = assistant.tracker(long_chat).events
    assert sum(isinstance(event, UserUttered) for event in session) < MAX_SESSION_TURNS


def test_a_booking_in_progress_goes_on_in_the_new_session(assistant):
    texts = ["I'd like to book a consultation for my uneven brows", '/inform{"location": "austin"}']
    long_chat = new_sender("long-booking")
    chat_until_the_limit(assistant, long_chat)
    long_replies = replies(assistant, long_chat, texts)
    assert sessions_started(assistant, long_chat) == 2
    assert "When would you like to come in?" in long_replies[-1]
    assert assistant.tracker(long_chat).active_loop_name == "booking_form"


def test_staff_can_hold_a_chat_after_its_new_session(assistant):
    sender = new_sender("long-held")
    chat_until_the_limit(assistant, sender)
    assistant.messages("what are your hours", sender)
    assert sessions_started(assistant, sender) == 2
    assistant.pause(sender)
    assert assistant.reply("hello? anyone there", sender) == ""
    assert assistant.reply("still waiting", sender) == ""
    assert assistant.tracker(sender).is_paused()
