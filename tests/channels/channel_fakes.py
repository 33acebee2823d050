"""Fakes for the channel tests: the outside APIs (one recording HTTP server), the assistant, a Sanic server."""

from __future__ import annotations

import asyncio
import json
import socket
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional
from urllib.parse import parse_qs

import aiohttp
from aiohttp import web
from rasa.core.channels.channel import InputChannel, UserMessage, register
from sanic import Sanic

MENU = {
    "text": "Which treatment would you like to book?",
    "buttons": [
        {"title": "Botox", "payload": '/choose_treatment{"treatment": "botox"}'},
        {"title": "Lip filler", "payload": '/choose_treatment{"treatment": "filler"}'},
        {"title": "Consultation", "payload": '/choose_treatment{"treatment": "consultation"}'},
    ],
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Recorded:
    method: str
    path: str
    query: Dict[str, str]
    headers: Dict[str, str]
    form: Dict[str, Any] = field(default_factory=dict)
    json: Any = None


class FakeApi:
    """A stand-in for every outside API at once, on 127.0.0.1: records requests, answers like the real thing."""

    def __init__(self) -> None:
        self.requests: List[Recorded] = []
        self.fail_with: Optional[Callable[[Recorded], Optional[web.Response]]] = None
        self.base = ""
        self._runner: Optional[web.AppRunner] = None
        self._next_id = 0

    async def start(self) -> "FakeApi":
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        port = free_port()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
        self.base = f"http://127.0.0.1:{port}"
        return self

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        record = Recorded(request.method, request.path, dict(request.query), dict(request.headers))
        if request.content_type == "application/json":
            record.json = json.loads(body or b"null")
        elif request.content_type == "multipart/form-data":
            record.form = {k: v for k, v in (await request.post()).items()}
        elif body:
            record.form = {k: v[0] if len(v) == 1 else v for k, v in parse_qs(body.decode()).items()}
        self.requests.append(record)
        if self.fail_with:
            failure = self.fail_with(record)
            if failure is not None:
                return failure
        self._next_id += 1
        path = request.path
        if path.endswith("/Messages.json"):
            return web.json_response(
                {
                    "sid": f"SM{self._next_id:032d}",
                    "to": record.form.get("To"),
                    "body": record.form.get("Body"),
                    "status": "queued",
                },
                status=201,
            )
        if path.endswith("/me/messages"):
            return web.json_response(
                {"recipient_id": (record.json or {}).get("recipient", {}).get("id"), "message_id": f"m_{self._next_id}"}
            )
        if path.endswith("/chat.postMessage"):
            return web.json_response({"ok": True, "channel": (record.json or record.form).get("channel"), "ts": "1.1"})
        if path.lower().endswith("/sendmessage"):
            chat = int(record.form.get("chat_id") or 0)
            return web.json_response(
                {
                    "ok": True,
                    "result": {
                        "message_id": self._next_id,
                        "date": 0,
                        "chat": {"id": chat, "type": "private"},
                        "text": record.form.get("text"),
                    },
                }
            )
        return web.json_response({"ok": True, "result": True})

    # what the tests look at
    def texts(self) -> List[Dict[str, Any]]:
        """Twilio messages sent: [{"To":..., "From":..., "Body":...}]."""
        return [r.form for r in self.requests if r.path.endswith("/Messages.json")]

    def graph_messages(self) -> List[Dict[str, Any]]:
        return [r.json for r in self.requests if r.path.endswith("/me/messages")]

    def slack_posts(self) -> List[Dict[str, Any]]:
        return [r.json or r.form for r in self.requests if r.path.endswith("/chat.postMessage")]

    def telegram_calls(self, method: str) -> List[Dict[str, Any]]:
        return [r.form for r in self.requests if r.path.lower().endswith("/" + method.lower())]


class FakeAssistant:
    """Stands in for the Rasa agent: records what reached it and answers through the message's output channel."""

    def __init__(self) -> None:
        self.received: List[UserMessage] = []

    async def handle_message(self, message: UserMessage) -> None:
        self.received.append(message)
        out = message.output_channel
        if message.text == "menu":
            await out.send_response(message.sender_id, json.loads(json.dumps(MENU)))
        elif message.text == "long":
            await out.send_response(message.sender_id, {"text": LONG_ANSWER})
        else:
            await out.send_response(message.sender_id, {"text": f"You said: {message.text}"})

    @property
    def texts(self) -> List[str]:
        return [m.text for m in self.received]


LONG_ANSWER = " ".join(
    f"Sentence number {i} explains a little more about how the treatment works and what to expect afterwards."
    for i in range(1, 41)
)


class Server:
    """A Sanic app with the input channel registered under /webhooks/ exactly like `rasa run` does."""

    def __init__(self, channel: InputChannel, assistant: FakeAssistant) -> None:
        Sanic.test_mode = True  # what sanic-testing sets: lets one process start many apps
        self.app = Sanic(f"channels_test_{uuid.uuid4().hex}", configure_logging=False)
        self.app.ctx.agent = assistant
        register([channel], self.app, route="/webhooks/")
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self._server = None

    async def start(self) -> "Server":
        self._server = await self.app.create_server(
            host="127.0.0.1", port=self.port, return_asyncio_server=True, access_log=False
        )
        await self._server.startup()
        await self._server.before_start()
        await self._server.after_start()
        return self

    async def stop(self) -> None:
        await self._server.before_stop()
        self._server.close()
        await self._server.wait_closed()
        await self._server.after_stop()

    def url(self, path: str) -> str:
        return self.base + path

    async def post(self, path: str, **kwargs: Any) -> "tuple[int, str]":
        async with aiohttp.ClientSession() as session:
            async with session.post(self.url(path), **kwargs) as answer:
                return answer.status, await answer.text()

    async def get(self, path: str, **kwargs: Any) -> "tuple[int, str]":
        async with aiohttp.ClientSession() as session:
            async with session.get(self.url(path), **kwargs) as answer:
                return answer.status, await answer.text()


async def eventually(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Waits for work the connector does in the background (Slack answers after acknowledging)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)
