"""Rasa's HTTP API, as the staff inbox uses it (`python -m bot.rasa_server`, token RASA_API_TOKEN):

  GET  /conversations/{id}/tracker                       the patient's messages while the conversation is paused
  POST /conversations/{id}/execute?output_channel=latest  run action_relay_staff_message: the staff reply goes out
                                                          on the patient's own channel (Rasa runs it on a paused
                                                          tracker: the execute endpoint does not check the pause)
  POST /conversations/{id}/tracker/events                 [{"event": "resume"}, action_listen] when the staff
                                                          close the handoff

Environment: RASA_URL (default http://localhost:5005), RASA_API_TOKEN (the API token Rasa runs with).
"""

from __future__ import annotations

import os
from typing import Any, Dict, List, Mapping, Optional
from urllib.parse import quote

import aiohttp

RELAY_ACTION = "action_relay_staff_message"
# Marks the messages a new session repeats from the one before (bot/nlp/tracker_store.py): not new messages.
CARRIED_OVER = "carried_over"
TIMEOUT_S = 15


class RasaAPIError(Exception):
    def __init__(self, status: int, detail: str = "") -> None:
        super().__init__(f"Rasa answered {status}")
        self.status = status
        self.detail = detail


class RasaAPI:
    def __init__(self, base_url: Optional[str] = None, token: Optional[str] = None,
                 env: Mapping[str, str] = os.environ) -> None:
        self.base_url = (base_url or env.get("RASA_URL") or "http://localhost:5005").rstrip("/")
        self.token = token if token is not None else env.get("RASA_API_TOKEN", "")
        self._session: Optional[aiohttp.ClientSession] = None

    async def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=TIMEOUT_S))
        return self._session

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    def _url(self, conversation_id: str, tail: str) -> str:
        # "+" and ":" are kept: an SMS sender id is "+15125550123" or "whatsapp:+1..." and Rasa matches the raw path
        return f"{self.base_url}/conversations/{quote(conversation_id, safe='+:@')}/{tail}"

    def _params(self, **extra: str) -> Dict[str, str]:
        params = dict(extra)
        if self.token:
            params["token"] = self.token
        return params

    async def _request(self, method: str, url: str, params: Dict[str, str], body: Any = None) -> Any:
        client = await self._client()
        async with client.request(method, url, params=params, json=body) as reply:
            if reply.status >= 300:
                raise RasaAPIError(reply.status, (await reply.text())[:500])
            return await reply.json(content_type=None)

    async def tracker(self, conversation_id: str) -> Dict[str, Any]:
        return await self._request("GET", self._url(conversation_id, "tracker"), self._params())

    async def execute(self, conversation_id: str, action: str = RELAY_ACTION) -> Dict[str, Any]:
        """Runs `action` in the conversation, sending its messages on the patient's latest channel.

        The answer has a "messages" list only when that channel cannot push (e.g. plain REST): Rasa then collected
        the messages instead of sending them.
        """
        return await self._request(
            "POST", self._url(conversation_id, "execute"), self._params(output_channel="latest"), {"name": action}
        )

    async def append_events(self, conversation_id: str, events: List[Dict[str, Any]],
                            execute_side_effects: bool = False) -> Dict[str, Any]:
        params = self._params(output_channel="latest")
        if execute_side_effects:
            params["execute_side_effects"] = "true"
        return await self._request("POST", self._url(conversation_id, "tracker/events"), params, events)

    async def resume(self, conversation_id: str) -> Dict[str, Any]:
        """Un-pauses the conversation. The `action_listen` matters: a paused tracker ends with the handoff (or relay)
        action, not with listening, and without it the patient's next message matches no rule (Rasa then loops on
        the fallback until its circuit breaker trips)."""
        return await self.append_events(
            conversation_id, [{"event": "resume"}, {"event": "action", "name": "action_listen"}]
        )
