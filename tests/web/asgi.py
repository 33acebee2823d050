"""A tiny in-process HTTP client for the Sanic app, over ASGI (sanic-testing is not a project dependency)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple
from urllib.parse import urlencode


@dataclass
class Response:
    status: int
    headers: Dict[str, str]
    body: bytes = b""
    raw_headers: List[Tuple[str, str]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def header_values(self, name: str) -> List[str]:
        return [value for key, value in self.raw_headers if key == name.lower()]


class _Lifespan:
    """Runs the app's ASGI lifespan: `startup()` before the first request, `shutdown()` at the end."""

    def __init__(self, app):
        self.app = app
        self.inbox: asyncio.Queue = asyncio.Queue()
        self.outbox: asyncio.Queue = asyncio.Queue()
        self.task = None

    async def _run(self) -> None:
        await self.app({"type": "lifespan", "asgi": {"version": "3.0"}}, self.inbox.get, self.outbox.put)

    async def _event(self, event: str) -> None:
        await self.inbox.put({"type": f"lifespan.{event}"})
        answer = await asyncio.wait_for(self.outbox.get(), timeout=10)
        assert answer["type"] == f"lifespan.{event}.complete", answer

    async def startup(self) -> None:
        self.task = asyncio.ensure_future(self._run())
        await self._event("startup")

    async def shutdown(self) -> None:
        await self._event("shutdown")
        try:
            await asyncio.wait_for(self.task, timeout=10)
        except AttributeError:
            pass  # Sanic 21.12 goes on to handle the lifespan scope as a request once it is over


async def _request(app, method: str, path: str, headers: Optional[Dict[str, str]] = None,
                   body: bytes = b"") -> Response:
    raw_path, _, query = path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": raw_path,
        "raw_path": raw_path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in {"host": "testserver", **(headers or {})}.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    messages = [{"type": "http.request", "body": body, "more_body": False}]
    response = Response(status=0, headers={})

    async def receive():
        if messages:
            return messages.pop(0)
        return {"type": "http.disconnect"}

    async def send(message):
        if message["type"] == "http.response.start":
            response.status = message["status"]
            response.raw_headers = [(k.decode().lower(), v.decode()) for k, v in message.get("headers", [])]
            response.headers = dict(response.raw_headers)
        elif message["type"] == "http.response.body":
            response.body += message.get("body", b"")

    await app(scope, receive, send)
    return response


class AsgiClient:
    """`client.get("/healthz")` runs the request through the app in a private event loop."""

    def __init__(self, app):
        type(app).test_mode = True  # Sanic 21.12 can start several apps in one process only in test mode
        self.app = app
        self.loop = asyncio.new_event_loop()
        self.lifespan = _Lifespan(app)
        self.loop.run_until_complete(self.lifespan.startup())

    def get(self, path: str, headers: Optional[Dict[str, str]] = None) -> Response:
        return self.loop.run_until_complete(_request(self.app, "GET", path, headers))

    def post(self, path: str, form: Optional[Dict[str, str]] = None,
             headers: Optional[Dict[str, str]] = None) -> Response:
        """POSTs `form` URL-encoded."""
        body = urlencode(form or {}).encode()
        headers = {"content-type": "application/x-www-form-urlencoded", "content-length": str(len(body)),
                   **(headers or {})}
        return self.loop.run_until_complete(_request(self.app, "POST", path, headers, body))

    def close(self) -> None:
        self.loop.run_until_complete(self.lifespan.shutdown())
        self.loop.close()
