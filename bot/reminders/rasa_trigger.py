"""Sending a scheduled message: Rasa's `trigger_intent` on the patient's own conversation and channel.

    POST /conversations/{id}/trigger_intent?output_channel=<channel>   {"name": "EXTERNAL_scheduled_message",
                                                                       "entities": {"scheduled_message": "<id>"}}

Rasa runs the assistant's rule for that intent (`action_deliver_scheduled_message`), which utters the domain
response on the channel named, so the message is part of the conversation and the patient's reply continues it.
The message id is all the trigger carries: the action checks it against this conversation and channel.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from bot.handoff.rasa_api import RasaAPI

TRIGGER_INTENT = "EXTERNAL_scheduled_message"
MESSAGE_ENTITY = "scheduled_message"
DELIVERY_ENTITY = "scheduled_delivery"


class RasaTrigger(RasaAPI):
    """The staff inbox's Rasa API client (URL and token from RASA_URL / RASA_API_TOKEN) plus trigger_intent."""

    async def trigger_message(self, conversation_id: str, channel: str, message_id: int,
                              delivery: Optional[str] = None) -> Dict[str, Any]:
        entities = {MESSAGE_ENTITY: str(message_id)}
        if delivery:
            entities[DELIVERY_ENTITY] = delivery
        return await self._request(
            "POST",
            self._url(conversation_id, "trigger_intent"),
            self._params(output_channel=channel),
            {"name": TRIGGER_INTENT, "entities": entities},
        )
