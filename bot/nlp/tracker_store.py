"""Conversations survive a restart: Rasa's SQL tracker store at `tracker_store_url()` (TRACKER_STORE_URL, else
SQLite at var/tracker.db), configured in endpoints.yml.

Rasa builds its engine from separate settings and without `hide_parameters`, so a failed statement would log the
patient's messages; this store takes one URL from the environment (no secret in a file) and remakes the engine
with bound values hidden (and, at DEBUG, without SQLAlchemy's lines of the rows it reads).

With an event broker (endpoints.yml), Rasa finds the events to publish by loading the stored tracker again on every
save; this store counts the stored events instead, as `save` itself does to know what to store.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
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

    async def stream_events(self, tracker: DialogueStateTracker) -> None:
        """Publishes the events `save` is about to store."""
        if self.event_broker is None:
            return
        with self.session_scope() as session:
            new_events = list(self._additional_events(session, tracker))
        await self._stream_new_events(self.event_broker, new_events, tracker.sender_id)
