"""Conversations survive a restart: Rasa's SQL tracker store at `tracker_store_url()` (TRACKER_STORE_URL, else
SQLite at var/tracker.db), configured in endpoints.yml.

Rasa builds its engine from separate settings and without `hide_parameters`, so a failed statement would log the
patient's messages; this store takes one URL from the environment (no secret in a file) and remakes the engine with
`bot.db.session.make_engine`: bound values hidden (and, at DEBUG, no SQLAlchemy lines of the rows it reads), a
dropped PostgreSQL connection replaced before use, and on SQLite WAL without a disk sync per commit (a crash of the
process loses nothing; a power cut may lose the last turns).

Rasa's `save` counts the conversation's stored events twice, once to find what to publish to the event broker and
once to find what to store; this store counts once, stores the new events, then publishes them (so a consumer that
reads the tracker when an event arrives finds it stored), all of a turn's events in one transaction on the SQL
broker.

A long conversation slows every turn: Rasa reads, replays and featurizes the whole session for each prediction.
After `MAX_SESSION_TURNS` patient messages, the store starts a new session at the end of a patient's turn that
carries over what the conversation needs: every slot, an active form, a pause for staff, and the last
`CARRIED_TURNS` turns (the questions a follow-up refers to). Rasa reads only the latest session (`retrieve`); the
full history stays stored. The carried copies are not published again, and their messages are marked
`carried_over` so the staff inbox does not show them twice; they keep their own timestamps, so the session still
expires an hour after the patient's last message.

Rasa finds the latest session by its SessionStarted's timestamp, which ties the events' order to the clocks of
several Rasa processes: a replica a few milliseconds behind would store events that are never read back. This store
finds it by row id, the order events were stored in.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List, Optional

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    ConversationPaused,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from bot.db.session import make_engine, tracker_store_url
from bot.handoff.rasa_api import CARRIED_OVER
from bot.nlp import tracker_store_down

# Chosen with benchmarks/cost_per_message.py: turn 300 of a conversation costs about what turn 10 does.
MAX_SESSION_TURNS = 20
CARRIED_TURNS = 3


class ClinicTrackerStore(SQLTrackerStore):
    def __init__(
        self,
        domain: Optional[Domain] = None,
        host: Optional[str] = None,
        event_broker: Optional[EventBroker] = None,
        **_kwargs: Any,
    ) -> None:
        url = make_url(tracker_store_url())
        if url.get_backend_name() == "sqlite" and url.database:
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        super().__init__(
            domain=domain, dialect=url.drivername, host=url.host, port=url.port, db=url.database,
            username=url.username, password=url.password, query=dict(url.query), event_broker=event_broker,
        )
        self.engine.dispose()
        self.engine = make_engine(url.render_as_string(hide_password=False), **create_engine_kwargs(url))
        self.sessionmaker = sessionmaker(bind=self.engine)

    async def create_tracker(self, sender_id: str, append_action_listen: bool = True) -> DialogueStateTracker:
        """A new conversation's tracker, stored with the rest of its first turn (Rasa stores it at once, an extra
        transaction per new conversation; a tracker that is only read, as the HTTP API may, is not stored at all)."""
        tracker = self.init_tracker(sender_id)
        if append_action_listen:
            tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        with self.session_scope() as session:
            stored = session.execute(
                sa.select(sa.func.count()).select_from(self.SQLEvent).where(self._in_latest_session(tracker.sender_id))
            ).scalar_one()
            new_events = list(tracker.events)[stored:]
            rows = [self._values(tracker.sender_id, event) for event in new_events]
            if needs_new_session(tracker, new_events):
                rows += [self._values(tracker.sender_id, event) for event in carried_over_session(tracker)]
            if rows:
                session.execute(sa.insert(self.SQLEvent), rows)
            session.commit()
        if self.event_broker is not None and new_events:
            await self._stream_new_events(self.event_broker, new_events, tracker.sender_id)

    async def _stream_new_events(self, event_broker: EventBroker, new_events: List[Event], sender_id: str) -> None:
        publish_all = getattr(event_broker, "publish_all", None)
        if publish_all is None:
            await super()._stream_new_events(event_broker, new_events, sender_id)
        else:
            publish_all([{"sender_id": sender_id, **event.as_dict()} for event in new_events])

    def _event_query(self, session: Any, sender_id: str, fetch_events_from_all_sessions: bool) -> Any:
        """The conversation's events in the order they were stored; without `fetch_events_from_all_sessions`, from
        its latest SessionStarted on (by row id, not by timestamp as Rasa does)."""
        if fetch_events_from_all_sessions:
            return session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).order_by(self.SQLEvent.id)
        return session.query(self.SQLEvent).filter(self._in_latest_session(sender_id)).order_by(self.SQLEvent.id)

    def _in_latest_session(self, sender_id: str) -> Any:
        event = self.SQLEvent
        latest_start = (
            sa.select(sa.func.max(event.id))
            .where(event.sender_id == sender_id, event.type_name == SessionStarted.type_name)
            .scalar_subquery()
        )
        return sa.and_(event.sender_id == sender_id, sa.or_(latest_start.is_(None), event.id >= latest_start))

    @staticmethod
    def _values(sender_id: str, event: Event) -> Dict[str, Any]:
        """The stored form of an event, as Rasa's SQLTrackerStore.save makes it."""
        data = event.as_dict()
        return {
            "sender_id": sender_id, "type_name": event.type_name, "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            "action_name": data.get("name"), "data": json.dumps(data),
        }


def needs_new_session(tracker: DialogueStateTracker, new_events: List[Event]) -> bool:
    """Answered a patient's message and waiting for the next, after more than MAX_SESSION_TURNS messages in this
    session (staff closing a handoff, say, is not a patient's turn)."""
    last = tracker.events[-1] if tracker.events else None
    waiting = isinstance(last, ActionExecuted) and last.action_name == ACTION_LISTEN_NAME
    patient_turn = any(isinstance(event, UserUttered) for event in new_events)
    return waiting and patient_turn and sum(isinstance(e, UserUttered) for e in tracker.events) > MAX_SESSION_TURNS


def carried_over_session(tracker: DialogueStateTracker) -> List[Event]:
    """A new session in the state `tracker` is in: its slots, form and pause, then its last CARRIED_TURNS turns."""
    state: List[Event] = [ActionExecuted(ACTION_SESSION_START_NAME), SessionStarted()]
    state += [SlotSet(slot.name, slot.value) for slot in tracker.slots.values() if slot.value != slot.initial_value]
    if tracker.active_loop_name:
        state.append(ActiveLoop(tracker.active_loop_name))
    if tracker.is_paused():
        state.append(ConversationPaused())
    state.append(ActionExecuted(ACTION_LISTEN_NAME))
    return state + [_copied(event) for event in _last_turns(tracker.events, CARRIED_TURNS)]


def _last_turns(events: List[Event], turns: int) -> List[Event]:
    starts = [index for index, event in enumerate(events) if isinstance(event, UserUttered)]
    return list(events)[starts[-turns]:] if len(starts) >= turns else list(events)


def _copied(event: Event) -> Event:
    data = event.as_dict()
    if isinstance(event, (UserUttered, BotUttered)):
        data["metadata"] = {**(data.get("metadata") or {}), CARRIED_OVER: True}
    return Event.from_parameters(data)


tracker_store_down.install(ClinicTrackerStore)
