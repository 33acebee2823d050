"""Local stand-ins for the outside world of the handoff tests: an HTTP server that records requests (Slack's
incoming webhook, Twilio's Messages API) and a tiny SMTP server (aiosmtpd is not installed)."""

from __future__ import annotations

import base64
import json
import socketserver
import threading
import time
import uuid
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional
from urllib.parse import parse_qs, urlsplit


@dataclass
class Recorded:
    method: str
    path: str
    headers: Dict[str, str]
    body: bytes
    query: Dict[str, str] = field(default_factory=dict)

    @property
    def json(self) -> Any:
        return json.loads(self.body or b"null")

    @property
    def form(self) -> Dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}


class FakeHTTP:
    """Records every request; answers Twilio's Messages API like Twilio does and anything else with 200 "ok"."""

    def __init__(self) -> None:
        self.requests: List[Recorded] = []
        self.status = 200
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                record = Recorded(self.command, parts.path, dict(self.headers), body, query)
                fake.requests.append(record)
                if record.path.endswith("/Messages.json"):
                    form = record.form
                    answer = json.dumps({"sid": f"SM{len(fake.requests):032d}", "to": form.get("To"),
                                         "body": form.get("Body"), "status": "queued"}).encode()
                    self.send_response(201)
                    self.send_header("Content-Type", "application/json")
                elif record.path.startswith("/conversations/"):  # Rasa's HTTP API
                    answer = b'{"events": [], "paused": false}'
                    self.send_response(fake.status)
                    self.send_header("Content-Type", "application/json")
                else:
                    answer = b"ok"
                    self.send_response(fake.status)
                    self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            do_POST = do_GET = do_PUT = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def texts(self) -> List[Dict[str, str]]:
        return [r.form for r in self.requests if r.path.endswith("/Messages.json")]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Mail:
    sender: str
    recipients: List[str]
    data: bytes
    auth: Optional[str] = None

    @property
    def message(self) -> Message:
        return message_from_bytes(self.data)


class FakeSMTP:
    """Enough of SMTP for smtplib: EHLO/HELO, AUTH PLAIN/LOGIN, MAIL, RCPT, DATA, RSET, NOOP, QUIT (no TLS)."""

    def __init__(self) -> None:
        self.mails: List[Mail] = []
        fake = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line: str) -> None:
                self.wfile.write((line + "\r\n").encode())

            def handle(self) -> None:
                self.reply("220 fake.smtp ESMTP")
                sender, recipients, auth = "", [], None
                while True:
                    raw = self.rfile.readline()
                    if not raw:
                        return
                    line = raw.decode().rstrip("\r\n")
                    verb = line.split(" ", 1)[0].upper()
                    if verb == "EHLO":
                        self.wfile.write(b"250-fake.smtp\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n")
                    elif verb == "HELO":
                        self.reply("250 fake.smtp")
                    elif verb == "AUTH":
                        parts = line.split()
                        if parts[1].upper() == "PLAIN":
                            token = parts[2] if len(parts) > 2 else None
                            if token is None:
                                self.reply("334 ")
                                token = self.rfile.readline().decode().strip()
                            auth = base64.b64decode(token).decode().split("\x00")[1]
                        else:
                            self.reply("334 VXNlcm5hbWU6")
                            auth = base64.b64decode(self.rfile.readline().strip()).decode()
                            self.reply("334 UGFzc3dvcmQ6")
                            self.rfile.readline()
                        self.reply("235 2.7.0 Authentication successful")
                    elif verb == "MAIL":
                        sender = line.split(":", 1)[1].strip().split()[0].strip("<>")
                        recipients = []
                        self.reply("250 OK")
                    elif verb == "RCPT":
                        recipients.append(line.split(":", 1)[1].strip().strip("<>"))
                        self.reply("250 OK")
                    elif verb == "DATA":
                        self.reply("354 End data with <CR><LF>.<CR><LF>")
                        lines = []
                        while True:
                            data = self.rfile.readline()
                            if data in (b".\r\n", b".\n", b""):
                                break
                            lines.append(data[1:] if data.startswith(b"..") else data)
                        fake.mails.append(Mail(sender, recipients, b"".join(lines), auth))
                        self.reply("250 OK queued")
                    elif verb in ("RSET", "NOOP"):
                        self.reply("250 OK")
                    elif verb == "QUIT":
                        self.reply("221 Bye")
                        return
                    else:
                        self.reply("502 Command not implemented")

        class Server(socketserver.ThreadingTCPServer):
            allow_reuse_address = True
            daemon_threads = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def wait_for(condition: Callable[[], Any], timeout: float = 10, interval: float = 0.1, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not met within {timeout}s")
        time.sleep(interval)


@dataclass
class FakeRasa:
    """Stands in for RasaAPI in unit tests: one tracker per conversation, records execute/resume calls."""

    trackers: Dict[str, Dict[str, Any]] = field(default_factory=dict)
    calls: List[tuple] = field(default_factory=list)
    collecting: bool = False  # True: answer like a REST-only channel (messages collected, not pushed)
    on_execute: Optional[Callable[[str, str], List[Dict[str, Any]]]] = None

    async def tracker(self, conversation_id: str) -> Dict[str, Any]:
        self.calls.append(("tracker", conversation_id))
        return self.trackers.get(conversation_id, {"events": [], "paused": False})

    async def execute(self, conversation_id: str, action: str = "action_relay_staff_message") -> Dict[str, Any]:
        self.calls.append(("execute", conversation_id, action))
        messages = self.on_execute(conversation_id, action) if self.on_execute else []
        answer: Dict[str, Any] = {"tracker": {}}
        if self.collecting:
            answer["messages"] = messages
        return answer

    async def resume(self, conversation_id: str) -> Dict[str, Any]:
        self.calls.append(("resume", conversation_id))
        return {}

    async def close(self) -> None:
        pass


class Events:
    """Builds Rasa tracker events the way Rasa stores them."""

    def __init__(self) -> None:
        self.events: List[Dict[str, Any]] = []
        self.clock = time.time() - 600

    def _ts(self) -> float:
        self.clock += 1.0
        return self.clock

    def user(self, text: str, intent: str, metadata: Optional[dict] = None, channel: str = "socketio") -> "Events":
        self.events.append({
            "event": "user", "timestamp": self._ts(), "text": text, "message_id": uuid.uuid4().hex,
            "input_channel": channel, "metadata": metadata or {},
            "parse_data": {"intent": {"name": intent, "confidence": 0.99}, "entities": [], "text": text},
        })
        return self

    def bot(self, text: str, utter_action: Optional[str] = None) -> "Events":
        self.events.append({"event": "bot", "timestamp": self._ts(), "text": text,
                            "metadata": {"utter_action": utter_action} if utter_action else {}})
        return self

    def action(self, name: str) -> "Events":
        self.events.append({"event": "action", "timestamp": self._ts(), "name": name})
        return self


def tracker_for(sender_id: str, events: List[Dict[str, Any]], slots: Optional[dict] = None, paused: bool = False,
                active_loop: Optional[str] = None):
    from rasa_sdk import Tracker

    latest = next((e for e in reversed(events) if e["event"] == "user"), {})
    latest_message = {**(latest.get("parse_data") or {}), "text": latest.get("text"),
                      "metadata": latest.get("metadata", {})}
    return Tracker(sender_id, dict(slots or {}), latest_message, events, paused, None,
                   {"name": active_loop} if active_loop else {}, "action_listen")
