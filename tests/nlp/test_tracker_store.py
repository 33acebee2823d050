"""The clinic's tracker store: every event stored once and published once, after it is stored, with one count of
the stored events per save."""

from __future__ import annotations

import asyncio
import json
from typing import Any, Dict, List

import pytest
from rasa.core.agent import Agent
from rasa.core.brokers.broker import EventBroker
from rasa.shared.core.constants import ACTION_SESSION_START_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy import exc as sqlalchemy_exc

from bot.handoff.events import EVENTS_TABLE
from bot.handoff.inbox import new_messages
from bot.nlp.event_broker import ClinicSQLEventBroker
from bot.nlp.tracker_store import CARRIED_TURNS, MAX_SESSION_TURNS, ClinicTrackerStore, carried_over_session


class RecordingBroker(EventBroker):
    def __init__(self) -> None:
        self.published: List[Dict[str, Any]] = []

    def publish(self, event: Dict[str, Any]) -> None:
        self.published.append(event)


def store_at(tmp_path, monkeypatch) -> ClinicTrackerStore:
    monkeypatch.setenv("TRACKER_STORE_URL", f"sqlite:///{tmp_path / 'tracker.db'}")
    return ClinicTrackerStore()


def stored_events(store: ClinicTrackerStore, sender: str) -> List[str]:
    with store.session_scope() as session:
        return [row.type_name for row in store._event_query(session, sender, fetch_events_from_all_sessions=True)]


def count_queries(store: ClinicTrackerStore) -> List[str]:
    seen: List[str] = []
    sqlalchemy_event.listen(store.engine, "before_cursor_execute",
                            lambda conn, cursor, statement, *args: seen.append(statement))
    return seen


def test_each_event_is_stored_and_published_once_after_it_is_stored(tmp_path, monkeypatch) -> None:
    store = store_at(tmp_path, monkeypatch)
    broker = RecordingBroker()
    store.event_broker = broker
    tracker = DialogueStateTracker("patient-1", slots=[])
    tracker.update(UserUttered("hi", intent={"name": "greet", "confidence": 1.0}))
    tracker.update(ActionExecuted("utter_greet"))
    statements = count_queries(store)
    asyncio.run(store.save(tracker))
    tracker.update(SlotSet("x", "y"))
    asyncio.run(store.save(tracker))
    assert stored_events(store, "patient-1") == ["user", "action", "slot"]
    assert [e["event"] for e in broker.published] == ["user", "action", "slot"]
    assert {e["sender_id"] for e in broker.published} == {"patient-1"}
    counts = [s for s in statements if "count(" in s.lower()]
    assert len(counts) == 2  # one per save


def test_a_new_conversation_is_stored_with_its_first_turn_in_one_transaction(tmp_path, monkeypatch) -> None:
    store = store_at(tmp_path, monkeypatch)
    statements = count_queries(store)
    as_rasa_wraps_it = Agent._create_tracker_store(store, Domain.empty())
    tracker = asyncio.run(as_rasa_wraps_it.get_or_create_tracker("patient-new"))
    assert stored_events(store, "patient-new") == []
    assert not [s for s in statements if s.lstrip().upper().startswith("INSERT")]
    tracker.update(UserUttered("hi", intent={"name": "greet", "confidence": 1.0}))
    tracker.update(ActionExecuted("utter_greet"))
    asyncio.run(as_rasa_wraps_it.save(tracker))
    assert stored_events(store, "patient-new") == ["action", "user", "action"]
    again = asyncio.run(store.retrieve("patient-new"))
    assert [e.as_dict()["event"] for e in again.events] == ["action", "user", "action"]


def test_events_are_stored_before_they_are_published(tmp_path, monkeypatch) -> None:
    store = store_at(tmp_path, monkeypatch)
    stored_at_publish: List[List[str]] = []

    class Checking(EventBroker):
        def publish(self, event: Dict[str, Any]) -> None:
            stored_at_publish.append(stored_events(store, event["sender_id"]))

    store.event_broker = Checking()
    tracker = DialogueStateTracker("patient-2", slots=[])
    tracker.update(UserUttered("hello", intent={"name": "greet", "confidence": 1.0}))
    asyncio.run(store.save(tracker))
    assert stored_at_publish == [["user"]]


def test_a_turns_events_reach_the_sql_broker_in_one_commit(tmp_path, monkeypatch) -> None:
    store = store_at(tmp_path, monkeypatch)
    broker = ClinicSQLEventBroker(f"sqlite:///{tmp_path / 'events.db'}")
    commits: List[None] = []
    sqlalchemy_event.listen(broker.engine, "commit", lambda connection: commits.append(None))
    store.event_broker = broker
    tracker = DialogueStateTracker("patient-3", slots=[])
    for event in (UserUttered("hi", intent={"name": "greet", "confidence": 1.0}), ActionExecuted("utter_greet"),
                  BotUttered("Hello!"), ActionExecuted("action_listen")):
        tracker.update(event)
    asyncio.run(store.save(tracker))
    with broker.engine.connect() as connection:
        rows = connection.execute(EVENTS_TABLE.select().order_by(EVENTS_TABLE.c.id)).all()
    assert [json.loads(row.data)["event"] for row in rows] == ["user", "action", "bot", "action"]
    assert {row.sender_id for row in rows} == {"patient-3"}
    assert len(commits) == 1


def test_conversations_on_sqlite_are_written_ahead_without_a_sync_per_commit(tmp_path, monkeypatch) -> None:
    store = store_at(tmp_path, monkeypatch)
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


def _turn(tracker: DialogueStateTracker, number: int, intent: str = "ask_price") -> None:
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered(f"question {number}", intent={"name": intent, "confidence": 1.0},
                               message_id=f"m{number}"))
    tracker.update(BotUttered(f"answer {number}"))


def _long_tracker(domain: Domain, turns: int) -> DialogueStateTracker:
    tracker = DialogueStateTracker.from_events("patient-long", [], slots=domain.slots)
    tracker.update(ActionExecuted(ACTION_SESSION_START_NAME))
    tracker.update(SessionStarted())
    for number in range(1, turns + 1):
        _turn(tracker, number, intent="ask_gummy_smile" if number == turns - 1 else "ask_price")
    tracker.update(SlotSet("patient_name", "Dana"))
    tracker.update(ActiveLoop("booking_form"))
    tracker.update(SlotSet("requested_slot", "phone"))
    tracker.update(ConversationPaused())
    tracker.update(ActionExecuted("action_listen"))
    return tracker


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load("domain.yml")


def test_a_long_conversation_goes_on_in_a_new_session_that_keeps_what_it_needs(tmp_path, monkeypatch,
                                                                                domain) -> None:
    store = store_at(tmp_path, monkeypatch)
    store.domain = domain
    broker = RecordingBroker()
    store.event_broker = broker
    tracker = _long_tracker(domain, MAX_SESSION_TURNS + 1)
    asyncio.run(store.save(tracker))
    assert len(broker.published) == len(tracker.events)  # the carried copies are not published again

    resumed = asyncio.run(store.retrieve("patient-long"))
    texts = [e.text for e in resumed.events if isinstance(e, UserUttered)]
    assert texts == [f"question {n}" for n in range(MAX_SESSION_TURNS + 1 - CARRIED_TURNS + 1, MAX_SESSION_TURNS + 2)]
    assert resumed.get_slot("patient_name") == "Dana"
    assert resumed.get_slot("requested_slot") == "phone"
    assert resumed.active_loop_name == "booking_form"
    assert resumed.is_paused()
    assert resumed.latest_action_name == "action_listen"
    intents = [e.intent_name for e in resumed.events if isinstance(e, UserUttered)]
    assert intents[-2] == "ask_gummy_smile"  # the question a follow-up refers to

    full = asyncio.run(store.retrieve_full_tracker("patient-long"))
    assert sum(isinstance(e, UserUttered) for e in full.events) == MAX_SESSION_TURNS + 1 + CARRIED_TURNS

    _turn(resumed, 99)  # the next turn is stored after the new session, once
    resumed.update(ActionExecuted("action_listen"))
    asyncio.run(store.save(resumed))
    again = asyncio.run(store.retrieve("patient-long"))
    assert [e.text for e in again.events if isinstance(e, UserUttered)] == texts + ["question 99"]


def test_a_conversation_within_the_limit_or_mid_turn_stays_one_session(tmp_path, monkeypatch, domain) -> None:
    store = store_at(tmp_path, monkeypatch)
    store.domain = domain
    tracker = _long_tracker(domain, MAX_SESSION_TURNS)

    def retrieved_messages() -> int:
        return sum(isinstance(e, UserUttered) for e in asyncio.run(store.retrieve("patient-long")).events)

    asyncio.run(store.save(tracker))
    assert retrieved_messages() == MAX_SESSION_TURNS
    _turn(tracker, MAX_SESSION_TURNS + 1)  # ends on the assistant's answer, not waiting for the patient
    asyncio.run(store.save(tracker))
    assert retrieved_messages() == MAX_SESSION_TURNS + 1


def test_staff_closing_a_long_chat_is_not_a_patient_s_turn(tmp_path, monkeypatch, domain) -> None:
    store = store_at(tmp_path, monkeypatch)
    store.domain = domain
    asyncio.run(store.save(_long_tracker(domain, MAX_SESSION_TURNS)))
    tracker = asyncio.run(store.retrieve("patient-long"))
    tracker.update(UserUttered("one more", intent={"name": "ask_price", "confidence": 1.0}))  # paused: no answer
    asyncio.run(store.save(tracker))
    tracker = asyncio.run(store.retrieve("patient-long"))
    tracker.update(ConversationResumed())  # staff close the handoff
    tracker.update(ActionExecuted("action_listen"))
    asyncio.run(store.save(tracker))
    full = asyncio.run(store.retrieve_full_tracker("patient-long"))
    assert sum(isinstance(event, SessionStarted) for event in full.events) == 1


def test_events_stored_by_a_replica_whose_clock_is_behind_are_read_back(tmp_path, monkeypatch, domain) -> None:
    store = store_at(tmp_path, monkeypatch)
    store.domain = domain
    asyncio.run(store.save(_long_tracker(domain, MAX_SESSION_TURNS + 1)))  # a new session starts here
    resumed = asyncio.run(store.retrieve("patient-long"))
    started = next(e.timestamp for e in resumed.events if isinstance(e, SessionStarted))
    resumed.update(UserUttered("late clock", intent={"name": "ask_price", "confidence": 1.0},
                               timestamp=started - 0.05))
    asyncio.run(store.save(resumed))
    texts = [e.text for e in asyncio.run(store.retrieve("patient-long")).events if isinstance(e, UserUttered)]
    assert texts[-1] == "late clock"


def test_the_inbox_does_not_copy_carried_over_messages_twice() -> None:
    tracker = DialogueStateTracker("patient-3", slots=[])
    for number in range(1, MAX_SESSION_TURNS + 2):
        _turn(tracker, number)
    tracker.update(ActionExecuted("action_listen"))
    events = [e.as_dict() for e in list(tracker.events) + carried_over_session(tracker)]
    found = new_messages(events, since_ts=0)
    assert len(found) == 2 * (MAX_SESSION_TURNS + 1)
    assert len({m.external_id for m in found}) == len(found)


def database_down(store: ClinicTrackerStore):
    def refuse(*_args):
        raise sqlalchemy_exc.OperationalError("SELECT", {}, ConnectionRefusedError("database down"))

    sqlalchemy_event.listen(store.engine, "do_execute", refuse)


def test_a_failing_database_reaches_the_channel_instead_of_an_empty_tracker(tmp_path, monkeypatch) -> None:
    from rasa.core.agent import Agent

    store = store_at(tmp_path, monkeypatch)
    tracker = DialogueStateTracker.from_events("patient", [UserUttered("hi")])
    asyncio.run(store.save(tracker))
    wrapped = Agent._create_tracker_store(store, Domain.empty())
    assert asyncio.run(wrapped.retrieve("patient")) is not None
    database_down(store)
    with pytest.raises(sqlalchemy_exc.OperationalError):  # Rasa's wrapper returned None: a new conversation
        asyncio.run(wrapped.retrieve("patient"))
    with pytest.raises(sqlalchemy_exc.OperationalError):  # Rasa's wrapper kept it in memory, on this replica only
        asyncio.run(wrapped.save(tracker))


def test_other_tracker_stores_keep_rasas_fail_safe() -> None:
    from rasa.core.agent import Agent
    from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore

    from bot.nlp.tracker_store_down import LetFailuresThrough

    wrapped = Agent._create_tracker_store(InMemoryTrackerStore(Domain.empty()), Domain.empty())
    assert isinstance(wrapped, FailSafeTrackerStore) and not isinstance(wrapped, LetFailuresThrough)
