"""When the conversation store fails (PostgreSQL down or restarting), the patient reads that the message did not reach
us, and nothing is made up.

Rasa 3.6 wraps every tracker store in `FailSafeTrackerStore` (`Agent._create_tracker_store`): a failed read returns
no tracker, so the message is answered as the first of a new conversation (a patient in the middle of a booking read
"There's no booking in progress"), and a failed save goes to an in-memory store that the other replicas never see
and a restart loses. This wraps the clinic's store in `LetFailuresThrough` instead: the error reaches the channel,
whose `guard` (bot/channels/inbound.py) sends `utter_system_unavailable` (send it again, the clinic's phone number),
and the conversation is as it was for the next message once the database is back. Other stores keep Rasa's
behaviour. Installed when bot/nlp/tracker_store.py is imported, which Rasa does before it builds the agent.
"""

from __future__ import annotations

from typing import Iterable, Optional, Text

from rasa.core.agent import Agent
from rasa.core.tracker_store import FailSafeTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

_rasa_create_tracker_store = Agent._create_tracker_store


class LetFailuresThrough(FailSafeTrackerStore):
    """Rasa's wrapper, keeping its interface (`_tracker_store`), without the fallback."""

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        return await self._tracker_store.retrieve(sender_id)

    async def retrieve_full_tracker(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        return await self._tracker_store.retrieve_full_tracker(sender_id)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self._tracker_store.save(tracker)

    async def create_tracker(self, sender_id: Text, append_action_listen: bool = True) -> DialogueStateTracker:
        return await self._tracker_store.create_tracker(sender_id, append_action_listen)

    async def keys(self) -> Iterable[Text]:
        return await self._tracker_store.keys()


def install(store_type: type) -> None:
    """Stores of `store_type` (the clinic's) are wrapped in LetFailuresThrough, any other as Rasa wraps it."""

    def create(store: Optional[TrackerStore], domain: Domain) -> TrackerStore:
        if isinstance(store, store_type):
            store.domain = domain
            return LetFailuresThrough(store)
        return _rasa_create_tracker_store(store, domain)

    Agent._create_tracker_store = staticmethod(create)
