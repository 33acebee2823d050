"""Conversations survive a restart: Rasa's SQL tracker store at `tracker_store_url()` (TRACKER_STORE_URL, else
SQLite at var/tracker.db), configured in endpoints.yml.

Rasa builds its engine from separate settings and without `hide_parameters`, so a failed statement would log the
patient's messages; this store takes one URL from the environment (no secret in a file) and remakes the engine
with bound values hidden (and, at DEBUG, without SQLAlchemy's lines of the rows it reads).

Rasa's `save` counts the conversation's stored events twice, once to find what to publish to the event broker and
once to find what to store; this store counts once, stores the new events, then publishes them (so a consumer that
reads the tracker when an event arrives finds it stored).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from bot.db.session import tracker_store_url
from bot.privacy import keep_result_rows_out_of_logs


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
        keep_result_rows_out_of_logs()
        self.engine = sa.create_engine(url, hide_parameters=True, **create_engine_kwargs(url))
        self.sessionmaker = sessionmaker(bind=self.engine)

    async def save(self, tracker: DialogueStateTracker) -> None:
        with self.session_scope() as session:
            new_events = list(self._additional_events(session, tracker))
            session.add_all(self._row(tracker.sender_id, event) for event in new_events)
            session.commit()
        if self.event_broker is not None:
            await self._stream_new_events(self.event_broker, new_events, tracker.sender_id)

    def _row(self, sender_id: str, event: Event) -> Any:
        """The stored form of an event, as Rasa's SQLTrackerStore.save makes it."""
        data = event.as_dict()
        return self.SQLEvent(
            sender_id=sender_id, type_name=event.type_name, timestamp=data.get("timestamp"),
            intent_name=data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            action_name=data.get("name"), data=json.dumps(data),
        )
