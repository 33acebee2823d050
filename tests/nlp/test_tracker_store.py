"""The clinic's tracker store: every event stored once and published once, after it is stored, with one count of
the stored events per save."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List

from rasa.core.brokers.broker import EventBroker
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import event as sqlalchemy_event

from bot.nlp.tracker_store import ClinicTrackerStore


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
