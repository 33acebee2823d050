"""Rasa's Socket.IO channel, restricted to the clinic's own websites.

Rasa 3.6 builds its Socket.IO server with `cors_allowed_origins=[]`, which turns python-engineio's origin check
off: any website could open a WebSocket to the assistant. `ClinicSocketIOInput` keeps Rasa's channel as it is
(same events, session persistence, JWT option) and only

* accepts connections whose `Origin` is one of the clinic's origins (env `WIDGET_ALLOWED_ORIGINS`, else the
  `cors_allowed_origins` credential, else the local demo site); other origins get HTTP 400 from engine.io;
* answers the allowed origins' CORS itself on the Socket.IO path, so HTTP long-polling works with or without
  `rasa run --cors` (and without Rasa's CORS adding a second, invalid `Access-Control-Allow-Origin`);
* caps a patient message at `max_message_chars` (default 1000, as the widget does);
* fixes session persistence: Rasa 3.6 calls `AsyncServer.enter_room` without `await`, but in python-socketio
  5.10+ it is a coroutine, so the socket never joined its session's room and, with `session_persistence: true`,
  no reply ever reached the browser. Session ids must also be long random ids (16-64 of `A-Za-z0-9_-`); others
  are replaced by a new one, so a guessable id cannot be used to listen in on someone's conversation;
* reaches a widget on any replica: with `REDIS_URL` set, the Socket.IO server shares its rooms through Redis
  (python-socketio's `AsyncRedisManager`), so a reply or a staff message emitted by one Rasa process reaches a
  widget connected to another;
* takes a patient message only for the session its socket joined (Rasa's handler believed any `session_id` in the
  event, so a client could write into "sms:+1..." or another widget's conversation), and drops malformed events.

credentials.yml (instead of the `socketio:` key):

    bot.channels.socketio.ClinicSocketIOInput:
      user_message_evt: user_uttered
      bot_message_evt: bot_uttered
      session_persistence: true
"""

from __future__ import annotations

import inspect
import logging
import os
import re
import types
import uuid
from typing import Any, Awaitable, Callable, Dict, Iterable, List, Optional, Text, Union

import socketio
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from bot.channels.inbound import guard
from bot.web.origins import allowed_origins

logger = logging.getLogger(__name__)

DEFAULT_MAX_MESSAGE_CHARS = 1000
SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
SOCKETIO_REDIS_CHANNEL = "clinic-socketio"
REDIS_CONNECT_TIMEOUT_S = 1.0  # an unreachable Redis must not hold a reply for long
SANIC_CORS_DONE = "_sanic_cors_e"  # sanic_cors.core.SANIC_CORS_EVALUATED: Rasa's CORS middleware skips the response


def share_rooms_through_redis(sio: socketio.AsyncServer, url: str) -> None:
    """Rasa builds its AsyncServer with the default, in-process client manager; this swaps in a Redis one before any
    socket connects (python-socketio initialises its manager on the first connection)."""
    manager = socketio.AsyncRedisManager(url, channel=SOCKETIO_REDIS_CHANNEL,
                                         redis_options={"socket_connect_timeout": REDIS_CONNECT_TIMEOUT_S})
    manager.set_server(sio)
    sio.manager = manager


def _cors_headers_answered_here(eio: Any, environ: Dict) -> List:
    """engine.io's CORS headers, marking the Sanic request so Rasa's Sanic-CORS does not add its own as well."""
    request = environ.get("sanic.request")
    if request is not None:
        setattr(request.ctx, SANIC_CORS_DONE, "1")
    return type(eio)._cors_headers(eio, environ)


class ClinicSocketIOInput(SocketIOInput):
    """Rasa's `socketio` channel that only the clinic's own websites can connect to."""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = credentials or {}
        return cls(
            credentials.get("user_message_evt", "user_uttered"),
            credentials.get("bot_message_evt", "bot_uttered"),
            credentials.get("namespace"),
            credentials.get("session_persistence", False),
            credentials.get("socketio_path", "/socket.io"),
            credentials.get("jwt_key"),
            credentials.get("jwt_method", "HS256"),
            credentials.get("metadata_key", "metadata"),
            cors_allowed_origins=credentials.get("cors_allowed_origins"),
            max_message_chars=credentials.get("max_message_chars", DEFAULT_MAX_MESSAGE_CHARS),
        )

    def __init__(
        self,
        *args: Any,
        cors_allowed_origins: Union[None, Text, Iterable[Text]] = None,
        max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.cors_allowed_origins = allowed_origins(cors_allowed_origins)
        self.max_message_chars = int(max_message_chars)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        on_new_message = guard(on_new_message)

        async def receive(message: UserMessage) -> Any:
            text = (message.text or "").strip()
            if len(text) > self.max_message_chars:
                text = text[: self.max_message_chars]
            message.text = text
            return await on_new_message(message)

        socketio_webhook = super().blueprint(receive)
        sio = self.sio
        if os.environ.get("REDIS_URL"):
            share_rooms_through_redis(sio, os.environ["REDIS_URL"])

        async def session_request(sid: Text, data: Any = None) -> None:
            requested = data.get("session_id") if isinstance(data, dict) else None
            valid = isinstance(requested, str) and SESSION_ID.fullmatch(requested)
            session_id = requested if valid else uuid.uuid4().hex
            if self.session_persistence:
                joined = sio.enter_room(sid, session_id, namespace=self.namespace)
                if inspect.isawaitable(joined):
                    await joined
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)
            logger.debug("A widget socket joined its session")  # the session id is a bearer secret: not logged

        async def user_uttered(sid: Text, data: Any = None) -> None:
            """Rasa's handler takes any `session_id` the client sends; here a socket only speaks in the session it
            joined through `session_request`, and a malformed event is dropped instead of raising."""
            text = data.get("message") if isinstance(data, dict) else None
            if not isinstance(text, str):
                return
            session_id = data.get("session_id") if self.session_persistence else sid
            if self.session_persistence and session_id not in sio.rooms(sid, namespace=self.namespace):
                logger.info("Dropped a widget message for a session its socket did not join")
                return
            metadata = data.get(self.metadata_key)
            output = SocketIOOutput(sio, self.bot_message_evt)
            await receive(UserMessage(text, output, session_id, input_channel=self.name(),
                                      metadata=metadata if isinstance(metadata, dict) else None))

        sio.on("session_request", handler=session_request, namespace=self.namespace)  # replaces Rasa's handler
        sio.on(self.user_message_evt, handler=user_uttered, namespace=self.namespace)  # and this one
        eio = sio.eio
        eio.cors_allowed_origins = self.cors_allowed_origins
        eio.cors_credentials = False  # the widget sends no cookies
        eio._cors_headers = types.MethodType(_cors_headers_answered_here, eio)
        logger.info(f"Socket.IO accepts connections from: {self.cors_allowed_origins}")
        return socketio_webhook
